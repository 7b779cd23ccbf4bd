package ps

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// source is one piece of script text: the whole script, or the text given to
// [scriptblock]::Create. Error positions ("At line:1 char:5") are relative to
// it, as in PowerShell.
type source struct {
	text       string
	lineStarts []int
}

func newSource(text string) *source {
	s := &source{text: text, lineStarts: []int{0}}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			s.lineStarts = append(s.lineStarts, i+1)
		}
	}
	return s
}

// position returns the 1-based line and character of a byte offset.
func (s *source) position(off int) (line, col int) {
	if off > len(s.text) {
		off = len(s.text)
	}
	i := sort.Search(len(s.lineStarts), func(i int) bool { return s.lineStarts[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	return i + 1, utf8.RuneCountInString(s.text[s.lineStarts[i]:off]) + 1
}

// lineText returns the text of a 1-based line without its line ending.
func (s *source) lineText(line int) string {
	if line < 1 || line > len(s.lineStarts) {
		return ""
	}
	start := s.lineStarts[line-1]
	end := len(s.text)
	if line < len(s.lineStarts) {
		end = s.lineStarts[line] - 1
	}
	return strings.TrimRight(s.text[start:end], "\r")
}

// extent is a span of source text.
type extent struct {
	src        *source
	start, end int
}

func (e extent) ext() extent { return e }

func (e extent) text() string {
	if e.src == nil || e.start > e.end || e.end > len(e.src.text) {
		return ""
	}
	return e.src.text[e.start:e.end]
}

func span(a, b extent) extent { return extent{src: a.src, start: a.start, end: b.end} }

type node interface{ ext() extent }

// ---- script blocks ----

// scriptBlockAst is the body of a script, a function or a { } literal.
type scriptBlockAst struct {
	extent
	params        []*paramAst
	hasParamBlock bool
	cmdletBinding bool
	begin         *stmtBlock
	process       *stmtBlock
	end           *stmtBlock
	named         bool // begin/process/end blocks were written
}

// advanced reports whether binding follows advanced-function rules (unknown
// parameters fail, common parameters exist).
func (sb *scriptBlockAst) advanced() bool {
	if sb.cmdletBinding {
		return true
	}
	for _, p := range sb.params {
		if p.hasParameterAttr {
			return true
		}
	}
	return false
}

type paramAst struct {
	extent
	name             string
	typ              *typeLit
	def              expr
	mandatory        bool
	position         int
	fromPipeline     bool
	remaining        bool
	aliases          []string
	validateSet      []string
	hasParameterAttr bool
}

type stmtBlock struct {
	extent
	stmts []stmt
}

// ---- statements ----

type stmt interface {
	node
	stmtNode()
}

type pipelineStmt struct {
	extent
	elems []pipeElem
}

type assignStmt struct {
	extent
	target expr
	op     string
	value  stmt
}

type ifClause struct {
	cond stmt
	body *stmtBlock
}

type ifStmt struct {
	extent
	clauses  []ifClause
	elseBody *stmtBlock
}

type foreachStmt struct {
	extent
	label   string
	varName string
	coll    stmt
	body    *stmtBlock
}

type forStmt struct {
	extent
	label            string
	init, cond, iter stmt
	body             *stmtBlock
}

type whileStmt struct {
	extent
	label string
	cond  stmt
	body  *stmtBlock
}

type doStmt struct {
	extent
	label string
	body  *stmtBlock
	cond  stmt
	until bool
}

type switchClause struct {
	pattern expr // nil for default
	body    *stmtBlock
}

type switchStmt struct {
	extent
	label         string
	cond          stmt
	regex         bool
	wildcard      bool
	caseSensitive bool
	clauses       []switchClause
}

type catchClause struct {
	types []*typeLit
	body  *stmtBlock
}

type tryStmt struct {
	extent
	body    *stmtBlock
	catches []catchClause
	finally *stmtBlock
}

// flowStmt is break, continue, return, throw or exit.
type flowStmt struct {
	extent
	kind  string
	label string
	value stmt
}

type functionDef struct {
	extent
	name   string
	body   *scriptBlockAst
	filter bool
}

func (*pipelineStmt) stmtNode() {}
func (*assignStmt) stmtNode()   {}
func (*ifStmt) stmtNode()       {}
func (*foreachStmt) stmtNode()  {}
func (*forStmt) stmtNode()      {}
func (*whileStmt) stmtNode()    {}
func (*doStmt) stmtNode()       {}
func (*switchStmt) stmtNode()   {}
func (*tryStmt) stmtNode()      {}
func (*flowStmt) stmtNode()     {}
func (*functionDef) stmtNode()  {}

// ---- pipeline elements ----

type pipeElem interface{ node }

type redirection struct {
	extent
	from   int // 1 output, 2 error, 0 all (*)
	merge  bool
	append bool
	target expr
}

type exprElem struct {
	extent
	e      expr
	redirs []redirection
}

type argKind uint8

const (
	argPositional argKind = iota
	argNamed
	argSplat
)

type cmdArg struct {
	extent
	kind     argKind
	name     string // parameter name as typed (without dash) or splatted variable
	value    expr   // positional value, or the value of -Name:value
	hasColon bool
}

type commandElem struct {
	extent
	invoke string // "", "&" or "."
	name   expr
	args   []cmdArg
	redirs []redirection
}

// ---- expressions ----

type expr interface{ node }

type constExpr struct {
	extent
	v Value
}

// strPart is a piece of an expandable string: literal text or an expression.
type strPart struct {
	lit string
	e   expr
}

type expandStr struct {
	extent
	parts []strPart
}

type varExpr struct {
	extent
	name string // may include a scope qualifier: script:x, env:PATH
}

type binExpr struct {
	extent
	op   string
	l, r expr
}

type unaryExpr struct {
	extent
	op      string
	e       expr
	postfix bool
}

type convExpr struct {
	extent
	typ *typeLit
	e   expr
}

type typeExpr struct {
	extent
	typ *typeLit
}

type arrayLitExpr struct {
	extent
	elems []expr
}

type arraySubExpr struct {
	extent
	body *stmtBlock
}

type subExpr struct {
	extent
	body *stmtBlock
}

type parenExpr struct {
	extent
	inner stmt
}

type hashExpr struct {
	extent
	keys []expr
	vals []stmt
}

type sbExpr struct {
	extent
	sb *scriptBlockAst
}

type memberExpr struct {
	extent
	obj    expr
	name   expr
	static bool
}

type invokeExpr struct {
	extent
	obj    expr
	name   expr
	static bool
	args   []expr
}

type indexExpr struct {
	extent
	obj expr
	idx expr
}

// typeLit is the text inside a type literal, e.g. "string[]" or
// "System.Xml.Linq.XElement".
type typeLit struct {
	extent
	name string
}
