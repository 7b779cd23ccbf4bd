package ps

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// A small XPath 1.0 subset for SelectNodes/SelectSingleNode: location paths
// with / and //, the child, attribute (@), self (.), parent (..),
// descendant, descendant-or-self and ancestor axes, name tests (prefix:name
// through an XmlNamespaceManager, * and prefix:*), text(), node(),
// predicates with =, !=, <, >, and, or, positions, and the functions
// local-name(), name(), namespace-uri(), contains(), starts-with(), not(),
// count(), position(), last(), string(), normalize-space(), concat().
//
// Deviation: an unprefixed name test matches elements by local name in any
// namespace. Real XPath 1.0 matches only elements in no namespace, which
// makes //Cluster find nothing in the topology document; administrators
// work around that with local-name() or a namespace manager, both of which
// also work here.

type xpLexer struct {
	s   string
	pos int
}

type xpTok struct {
	kind string // "name", "str", "num", "op", "eof"
	text string
}

func (l *xpLexer) next() xpTok {
	for l.pos < len(l.s) && (l.s[l.pos] == ' ' || l.s[l.pos] == '\t' || l.s[l.pos] == '\n' || l.s[l.pos] == '\r') {
		l.pos++
	}
	if l.pos >= len(l.s) {
		return xpTok{kind: "eof"}
	}
	c := l.s[l.pos]
	switch {
	case c == '\'' || c == '"':
		end := strings.IndexByte(l.s[l.pos+1:], c)
		if end < 0 {
			l.pos = len(l.s)
			return xpTok{kind: "bad"}
		}
		t := xpTok{kind: "str", text: l.s[l.pos+1 : l.pos+1+end]}
		l.pos += end + 2
		return t
	case c >= '0' && c <= '9' || (c == '.' && l.pos+1 < len(l.s) && l.s[l.pos+1] >= '0' && l.s[l.pos+1] <= '9'):
		start := l.pos
		for l.pos < len(l.s) && (l.s[l.pos] >= '0' && l.s[l.pos] <= '9' || l.s[l.pos] == '.') {
			l.pos++
		}
		return xpTok{kind: "num", text: l.s[start:l.pos]}
	}
	for _, op := range []string{"//", "::", "..", "!=", "<=", ">=", "/", "[", "]", "(", ")", "@", ",", "|", "=", "<", ">", "*", ".", "+", "-"} {
		if strings.HasPrefix(l.s[l.pos:], op) {
			l.pos += len(op)
			return xpTok{kind: "op", text: op}
		}
	}
	if isIdentStart(rune(c)) {
		start := l.pos
		for l.pos < len(l.s) {
			r := rune(l.s[l.pos])
			if isIdentChar(r) || r == '-' || r == '.' {
				l.pos++
				continue
			}
			// prefix:name or prefix:* (but not axis ::)
			if r == ':' && l.pos+1 < len(l.s) && l.s[l.pos+1] != ':' && (isIdentStart(rune(l.s[l.pos+1])) || l.s[l.pos+1] == '*') {
				l.pos++
				if l.s[l.pos] == '*' {
					l.pos++
					break
				}
				continue
			}
			break
		}
		return xpTok{kind: "name", text: l.s[start:l.pos]}
	}
	l.pos++
	return xpTok{kind: "bad", text: string(c)}
}

type xpParser struct {
	lx   *xpLexer
	tok  xpTok
	src  string
	nsm  *nsManager
	fail error
}

func (p *xpParser) advance() { p.tok = p.lx.next() }

// invalid records that the expression has an invalid token; the parse
// goes on to its end and selectXPath reports the first failure recorded.
func (p *xpParser) invalid() {
	if p.fail == nil {
		p.fail = netErr("System.Xml.XPath.XPathException", fmt.Sprintf("'%s' has an invalid token.", p.src))
	}
}

// xpExpr is a compiled XPath expression.
type xpExpr func(ctx xpCtx) any // []*xmlNode, string, float64 or bool

type xpCtx struct {
	node      *xmlNode
	pos, size int
}

func selectXPath(n *xmlNode, path string, nsm *nsManager) ([]*xmlNode, error) {
	p := &xpParser{lx: &xpLexer{s: path}, src: path, nsm: nsm}
	p.advance()
	e := p.parseOr()
	if p.fail != nil {
		return nil, p.fail
	}
	if p.tok.kind != "eof" {
		p.invalid()
		return nil, p.fail
	}
	r := e(xpCtx{node: n, pos: 1, size: 1})
	nodes, ok := r.([]*xmlNode)
	if !ok {
		return nil, netErr("System.Xml.XPath.XPathException", "Expression must evaluate to a node-set.")
	}
	return nodes, nil
}

func (p *xpParser) parseOr() xpExpr {
	l := p.parseAnd()
	for p.tok.kind == "name" && p.tok.text == "or" {
		p.advance()
		r := p.parseAnd()
		ll := l
		l = func(c xpCtx) any { return xpBool(ll(c)) || xpBool(r(c)) }
	}
	return l
}

func (p *xpParser) parseAnd() xpExpr {
	l := p.parseEq()
	for p.tok.kind == "name" && p.tok.text == "and" {
		p.advance()
		r := p.parseEq()
		ll := l
		l = func(c xpCtx) any { return xpBool(ll(c)) && xpBool(r(c)) }
	}
	return l
}

func (p *xpParser) parseEq() xpExpr {
	l := p.parseUnion()
	for p.tok.kind == "op" {
		op := p.tok.text
		switch op {
		case "=", "!=", "<", ">", "<=", ">=":
		default:
			return l
		}
		p.advance()
		r := p.parseUnion()
		ll := l
		l = func(c xpCtx) any { return xpCompare(op, ll(c), r(c)) }
	}
	return l
}

func (p *xpParser) parseUnion() xpExpr {
	l := p.parsePath()
	for p.tok.kind == "op" && p.tok.text == "|" {
		p.advance()
		r := p.parsePath()
		ll := l
		l = func(c xpCtx) any {
			a, _ := ll(c).([]*xmlNode)
			b, _ := r(c).([]*xmlNode)
			return dedupe(append(append([]*xmlNode(nil), a...), b...))
		}
	}
	return l
}

func (p *xpParser) parsePath() xpExpr {
	t := p.tok
	switch {
	case t.kind == "str":
		p.advance()
		s := t.text
		return func(xpCtx) any { return s }
	case t.kind == "num":
		p.advance()
		f, _ := strconv.ParseFloat(t.text, 64)
		return func(xpCtx) any { return f }
	case t.kind == "op" && t.text == "(":
		p.advance()
		e := p.parseOr()
		if p.tok.text != ")" {
			p.invalid()
		}
		p.advance()
		return e
	case t.kind == "op" && t.text == "-":
		p.advance()
		e := p.parsePath()
		return func(c xpCtx) any { return -xpNumber(e(c)) }
	case t.kind == "name" && p.peekIsCall():
		name := t.text
		switch name {
		case "text", "node", "comment":
		default:
			return p.parseCall(name)
		}
	}
	// location path
	var steps []func([]*xmlNode) []*xmlNode
	absolute := false
	if t.kind == "op" && (t.text == "/" || t.text == "//") {
		absolute = true
		p.advance()
		if t.text == "//" {
			steps = append(steps, descendantOrSelf)
		} else if !p.startsStep() {
			return func(c xpCtx) any { return []*xmlNode{rootOf(c.node)} }
		}
	}
	for {
		st := p.parseStep()
		if st == nil {
			break
		}
		steps = append(steps, st)
		if p.tok.kind == "op" && (p.tok.text == "/" || p.tok.text == "//") {
			if p.tok.text == "//" {
				steps = append(steps, descendantOrSelf)
			}
			p.advance()
			continue
		}
		break
	}
	if len(steps) == 0 {
		p.invalid()
		return func(xpCtx) any { return []*xmlNode{} }
	}
	return func(c xpCtx) any {
		set := []*xmlNode{c.node}
		if absolute {
			set = []*xmlNode{rootOf(c.node)}
		}
		for _, st := range steps {
			set = st(set)
		}
		return set
	}
}

func (p *xpParser) peekIsCall() bool {
	save := p.lx.pos
	t := p.lx.next()
	p.lx.pos = save
	return t.kind == "op" && t.text == "("
}

func (p *xpParser) startsStep() bool {
	t := p.tok
	return t.kind == "name" || (t.kind == "op" && (t.text == "@" || t.text == "*" || t.text == "." || t.text == ".."))
}

func rootOf(n *xmlNode) *xmlNode {
	if n.doc != nil {
		return n.doc
	}
	for n.parent != nil {
		n = n.parent
	}
	return n
}

func descendantOrSelf(set []*xmlNode) []*xmlNode {
	var out []*xmlNode
	var walk func(*xmlNode)
	walk = func(n *xmlNode) {
		out = append(out, n)
		for _, c := range n.children {
			walk(c)
		}
	}
	for _, n := range set {
		walk(n)
	}
	return dedupe(out)
}

func dedupe(in []*xmlNode) []*xmlNode {
	seen := map[*xmlNode]bool{}
	out := in[:0:0]
	for _, n := range in {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// parseStep parses one location step and returns a set transformer, or nil
// if no step starts here.
func (p *xpParser) parseStep() func([]*xmlNode) []*xmlNode {
	t := p.tok
	axis := "child"
	switch {
	case t.kind == "op" && t.text == ".":
		p.advance()
		return func(set []*xmlNode) []*xmlNode { return set }
	case t.kind == "op" && t.text == "..":
		p.advance()
		return func(set []*xmlNode) []*xmlNode {
			var out []*xmlNode
			for _, n := range set {
				if n.parent != nil {
					out = append(out, n.parent)
				}
			}
			return dedupe(out)
		}
	case t.kind == "op" && t.text == "@":
		axis = "attribute"
		p.advance()
	case t.kind == "name":
		save := p.lx.pos
		saveTok := p.tok
		p.advance()
		if p.tok.kind == "op" && p.tok.text == "::" {
			axis = t.text
			p.advance()
		} else {
			p.lx.pos = save
			p.tok = saveTok
		}
	case t.kind == "op" && t.text == "*":
	default:
		return nil
	}
	test := p.parseNodeTest(axis)
	if test == nil {
		p.invalid()
		return nil
	}
	var preds []xpExpr
	for p.tok.kind == "op" && p.tok.text == "[" {
		p.advance()
		preds = append(preds, p.parseOr())
		if p.tok.text != "]" {
			p.invalid()
			return nil
		}
		p.advance()
	}
	ax := axis
	return func(set []*xmlNode) []*xmlNode {
		var out []*xmlNode
		for _, n := range set {
			cands := axisNodes(n, ax)
			var matched []*xmlNode
			for _, c := range cands {
				if test(c) {
					matched = append(matched, c)
				}
			}
			for _, pr := range preds {
				var kept []*xmlNode
				for i, c := range matched {
					r := pr(xpCtx{node: c, pos: i + 1, size: len(matched)})
					if f, isNum := r.(float64); isNum {
						if int(f) == i+1 {
							kept = append(kept, c)
						}
						continue
					}
					if xpBool(r) {
						kept = append(kept, c)
					}
				}
				matched = kept
			}
			out = append(out, matched...)
		}
		return dedupe(out)
	}
}

func axisNodes(n *xmlNode, axis string) []*xmlNode {
	switch axis {
	case "attribute":
		return n.attrs
	case "self":
		return []*xmlNode{n}
	case "parent":
		if n.parent != nil {
			return []*xmlNode{n.parent}
		}
		return nil
	case "descendant", "descendant-or-self":
		all := descendantOrSelf([]*xmlNode{n})
		if axis == "descendant" {
			return all[1:]
		}
		return all
	case "ancestor", "ancestor-or-self":
		var out []*xmlNode
		if axis == "ancestor-or-self" {
			out = append(out, n)
		}
		for p := n.parent; p != nil; p = p.parent {
			out = append(out, p)
		}
		return out
	case "following-sibling", "preceding-sibling":
		if n.parent == nil {
			return nil
		}
		i := n.parent.indexOf(n)
		if axis == "following-sibling" {
			return n.parent.children[i+1:]
		}
		return n.parent.children[:i]
	}
	return n.children
}

func (p *xpParser) parseNodeTest(axis string) func(*xmlNode) bool {
	t := p.tok
	principal := xmlElementNode
	if axis == "attribute" {
		principal = xmlAttributeNode
	}
	switch {
	case t.kind == "op" && t.text == "*":
		p.advance()
		return func(n *xmlNode) bool { return n.kind == principal }
	case t.kind == "name":
		p.advance()
		if p.tok.kind == "op" && p.tok.text == "(" {
			p.advance()
			if p.tok.text != ")" {
				return nil
			}
			p.advance()
			switch t.text {
			case "text":
				return func(n *xmlNode) bool { return n.kind == xmlTextNode || n.kind == xmlCDataNode }
			case "node":
				return func(n *xmlNode) bool { return true }
			case "comment":
				return func(n *xmlNode) bool { return n.kind == xmlCommentNode }
			}
			return nil
		}
		prefix, local := splitQName(t.text)
		if prefix != "" {
			uri, ok := "", false
			if p.nsm != nil {
				uri, ok = p.nsm.prefixes[prefix]
			}
			if !ok {
				p.fail = netErr("System.Xml.XPath.XPathException", "Namespace Manager or XsltContext needed. This query has a prefix, variable, or user-defined function.")
				return func(*xmlNode) bool { return false }
			}
			return func(n *xmlNode) bool {
				return n.kind == principal && n.ns == uri && (local == "*" || n.local == local)
			}
		}
		return func(n *xmlNode) bool {
			if n.kind != principal {
				return false
			}
			if principal == xmlAttributeNode {
				return n.qname() == local
			}
			return n.local == local
		}
	}
	return nil
}

func (p *xpParser) parseCall(name string) xpExpr {
	p.advance() // name
	p.advance() // (
	var args []xpExpr
	for p.tok.kind != "op" || p.tok.text != ")" {
		if p.tok.kind == "eof" || p.tok.kind == "bad" {
			p.invalid()
			return func(xpCtx) any { return "" }
		}
		args = append(args, p.parseOr())
		if p.tok.kind == "op" && p.tok.text == "," {
			p.advance()
		}
	}
	p.advance()
	arg := func(c xpCtx, i int) any {
		if i < len(args) {
			return args[i](c)
		}
		return []*xmlNode{c.node}
	}
	switch name {
	case "local-name", "name", "namespace-uri":
		return func(c xpCtx) any {
			nodes, _ := arg(c, 0).([]*xmlNode)
			if len(nodes) == 0 {
				return ""
			}
			switch name {
			case "local-name":
				return nodes[0].local
			case "name":
				return nodes[0].qname()
			}
			return nodes[0].ns
		}
	case "contains":
		return func(c xpCtx) any { return strings.Contains(xpString(arg(c, 0)), xpString(arg(c, 1))) }
	case "starts-with":
		return func(c xpCtx) any { return strings.HasPrefix(xpString(arg(c, 0)), xpString(arg(c, 1))) }
	case "not":
		return func(c xpCtx) any { return !xpBool(arg(c, 0)) }
	case "true":
		return func(xpCtx) any { return true }
	case "false":
		return func(xpCtx) any { return false }
	case "count":
		return func(c xpCtx) any { n, _ := arg(c, 0).([]*xmlNode); return float64(len(n)) }
	case "position":
		return func(c xpCtx) any { return float64(c.pos) }
	case "last":
		return func(c xpCtx) any { return float64(c.size) }
	case "string":
		return func(c xpCtx) any { return xpString(arg(c, 0)) }
	case "number":
		return func(c xpCtx) any { return xpNumber(arg(c, 0)) }
	case "normalize-space":
		return func(c xpCtx) any { return strings.Join(strings.Fields(xpString(arg(c, 0))), " ") }
	case "string-length":
		return func(c xpCtx) any { return float64(len([]rune(xpString(arg(c, 0))))) }
	case "concat":
		return func(c xpCtx) any {
			var b strings.Builder
			for i := range args {
				b.WriteString(xpString(args[i](c)))
			}
			return b.String()
		}
	case "translate":
		return func(c xpCtx) any {
			s, from, to := xpString(arg(c, 0)), []rune(xpString(arg(c, 1))), []rune(xpString(arg(c, 2)))
			var b strings.Builder
			for _, r := range s {
				i := strings.IndexRune(string(from), r)
				if i < 0 {
					b.WriteRune(r)
					continue
				}
				ri := len([]rune(string(from)[:i]))
				if ri < len(to) {
					b.WriteRune(to[ri])
				}
			}
			return b.String()
		}
	}
	p.fail = netErr("System.Xml.XPath.XPathException", fmt.Sprintf("'%s' is an invalid XPath function.", name))
	return func(xpCtx) any { return "" }
}

func xpString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		if x == math.Trunc(x) {
			return strconv.FormatInt(int64(x), 10)
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		if x {
			return "true"
		}
		return "false"
	case []*xmlNode:
		if len(x) == 0 {
			return ""
		}
		return x[0].innerText()
	}
	return ""
}

func xpNumber(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case bool:
		if x {
			return 1
		}
		return 0
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(xpString(v)), 64)
	if err != nil {
		return math.NaN()
	}
	return f
}

func xpBool(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case float64:
		return x != 0 && !math.IsNaN(x)
	case string:
		return x != ""
	case []*xmlNode:
		return len(x) > 0
	}
	return false
}

func xpCompare(op string, a, b any) bool {
	// Node-set comparisons are existential.
	if as, ok := a.([]*xmlNode); ok {
		for _, n := range as {
			if xpCompare(op, n.innerText(), b) {
				return true
			}
		}
		return false
	}
	if bs, ok := b.([]*xmlNode); ok {
		for _, n := range bs {
			if xpCompare(op, a, n.innerText()) {
				return true
			}
		}
		return false
	}
	switch op {
	case "=", "!=":
		var eq bool
		switch {
		case isBoolV(a) || isBoolV(b):
			eq = xpBool(a) == xpBool(b)
		case isNumV(a) || isNumV(b):
			eq = xpNumber(a) == xpNumber(b)
		default:
			eq = xpString(a) == xpString(b)
		}
		return eq == (op == "=")
	}
	x, y := xpNumber(a), xpNumber(b)
	switch op {
	case "<":
		return x < y
	case ">":
		return x > y
	case "<=":
		return x <= y
	}
	return x >= y
}

func isBoolV(v any) bool { _, ok := v.(bool); return ok }
func isNumV(v any) bool  { _, ok := v.(float64); return ok }
