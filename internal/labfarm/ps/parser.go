package ps

import (
	"strings"
	"unicode/utf8"
)

// ParseError is a syntax error with PowerShell's error id and message. Its
// Error() text is what PowerShell puts in a ParseException message:
// "At line:1 char:9", the offending line, a squiggle, then the message.
type ParseError struct {
	ID      string
	Message string
	src     *source
	start   int
	end     int
}

func newParseError(src *source, start, end int, id, msg string) *ParseError {
	if end < start {
		end = start
	}
	return &ParseError{ID: id, Message: msg, src: src, start: start, end: end}
}

// Line and Column give the 1-based position of the error.
func (e *ParseError) Line() int   { l, _ := e.src.position(e.start); return l }
func (e *ParseError) Column() int { _, c := e.src.position(e.start); return c }

func (e *ParseError) Error() string {
	return positionMessage(extent{src: e.src, start: e.start, end: e.end}) + "\r\n" + e.Message
}

// parser is a recursive-descent parser over a lexer. Errors abort parsing by
// panicking with *ParseError; parse recovers them.
type parser struct {
	src *source
	lx  *lexer
}

// parseScript parses a whole script.
func parseScript(text string) (sb *scriptBlockAst, err *ParseError) {
	return parseSourceText(newSource(text))
}

func parseSourceText(src *source) (sb *scriptBlockAst, err *ParseError) {
	p := &parser{src: src, lx: newLexer(src)}
	defer func() {
		if r := recover(); r != nil {
			pe, ok := r.(*ParseError)
			if !ok {
				panic(r)
			}
			sb, err = nil, pe
		}
	}()
	sb = p.parseScriptBody()
	t := p.peek(modeExpr)
	if t.kind != tkEOF {
		p.unexpected(t)
	}
	sb.extent = extent{src: src, start: 0, end: len(src.text)}
	return sb, nil
}

func (p *parser) fail(start, end int, id, msg string) {
	panic(newParseError(p.src, start, end, id, msg))
}

func (p *parser) peek(mode lexMode) token {
	save := p.lx.pos
	t, err := p.lx.next(mode)
	p.lx.pos = save
	if err != nil {
		panic(err)
	}
	return t
}

func (p *parser) next(mode lexMode) token {
	t, err := p.lx.next(mode)
	if err != nil {
		panic(err)
	}
	return t
}

func (p *parser) ext(start int) extent { return extent{src: p.src, start: start, end: p.lx.pos} }

func (p *parser) isOp(t token, ops ...string) bool {
	if t.kind != tkOp {
		return false
	}
	for _, o := range ops {
		if t.text == o {
			return true
		}
	}
	return false
}

func (p *parser) isWord(t token, w string) bool {
	return t.kind == tkWord && !t.quote && strings.EqualFold(t.text, w)
}

func (p *parser) skipNewlines() {
	for {
		t := p.peek(modeExpr)
		if t.kind != tkNewline {
			return
		}
		p.next(modeExpr)
	}
}

func (p *parser) skipTerminators() {
	for {
		t := p.peek(modeExpr)
		if t.kind != tkNewline && t.kind != tkSemi {
			return
		}
		p.next(modeExpr)
	}
}

func tokenDisplay(p *parser, t token) string {
	if t.end > t.start && t.end <= len(p.src.text) {
		return p.src.text[t.start:t.end]
	}
	return t.text
}

func (p *parser) unexpected(t token) {
	switch {
	case t.kind == tkEOF:
		p.fail(t.start, t.start, "UnexpectedToken", "Unexpected end of input.")
	case p.isOp(t, "&&", "||"):
		p.fail(t.start, t.end, "InvalidEndOfLine", "The token '"+t.text+"' is not a valid statement separator in this version.")
	case p.isOp(t, "<"):
		p.fail(t.start, t.end, "RedirectionNotSupported", "The '<' operator is reserved for future use.")
	}
	p.fail(t.start, t.end, "UnexpectedToken", "Unexpected token '"+tokenDisplay(p, t)+"' in expression or statement.")
}

// expectOp consumes the operator or fails with the given id and message at
// the position of whatever is there instead.
func (p *parser) expectOp(op, id, msg string) token {
	t := p.peek(modeExpr)
	if !p.isOp(t, op) {
		p.fail(t.start, t.start, id, msg)
	}
	return p.next(modeExpr)
}

// ---- script blocks and statement lists ----

func (p *parser) parseScriptBody() *scriptBlockAst {
	sb := &scriptBlockAst{}
	start := p.lx.pos
	p.skipTerminators()
	// Attributes such as [CmdletBinding()] may precede param().
	save := p.lx.pos
	for {
		t := p.peek(modeExpr)
		if !p.isOp(t, "[") {
			break
		}
		p.next(modeExpr)
		name := p.lx.scanTypeName()
		// An unterminated <# comment runs to the end of the text, where the
		// missing ']' is what gets reported.
		_, _ = p.lx.skipSpace()
		if p.lx.pos >= len(p.lx.s) || p.lx.s[p.lx.pos] != '(' {
			p.lx.pos = save
			break
		}
		p.lx.pos++
		p.parseAttributeArgs()
		p.expectOp("]", "EndSquareBracketExpectedAtEndOfAttribute", "Missing ']' at end of attribute or type literal.")
		if strings.EqualFold(name, "CmdletBinding") {
			sb.cmdletBinding = true
		}
		p.skipNewlines()
	}
	t := p.peek(modeExpr)
	if p.isWord(t, "param") {
		p.next(modeExpr)
		p.skipNewlines()
		open := p.expectOp("(", "ParameterDeclarationExpected", "Missing '(' after param.")
		sb.params = p.parseParamList(open)
		sb.hasParamBlock = true
	} else if sb.cmdletBinding {
		p.fail(t.start, t.end, "UnexpectedAttribute", "Unexpected attribute 'CmdletBinding'.")
	} else {
		p.lx.pos = save
	}
	p.skipTerminators()
	if p.startsNamedBlock() {
		sb.named = true
		for {
			p.skipTerminators()
			if !p.startsNamedBlock() {
				break
			}
			kw := p.next(modeExpr)
			blk := p.parseBlock("MissingNamedStatementBlock", "Missing statement block in named block.")
			switch strings.ToLower(kw.text) {
			case "begin":
				sb.begin = blk
			case "process":
				sb.process = blk
			case "end":
				sb.end = blk
			}
		}
	} else {
		sb.end = p.parseStatementList()
	}
	sb.extent = p.ext(start)
	return sb
}

func (p *parser) startsNamedBlock() bool {
	t := p.peek(modeExpr)
	if t.kind != tkWord {
		return false
	}
	switch strings.ToLower(t.text) {
	case "begin", "process", "end", "dynamicparam":
	default:
		return false
	}
	save := p.lx.pos
	p.next(modeExpr)
	p.skipNewlines()
	ok := p.isOp(p.peek(modeExpr), "{")
	p.lx.pos = save
	return ok
}

func (p *parser) parseStatementList() *stmtBlock {
	blk := &stmtBlock{}
	start := p.lx.pos
	for {
		p.skipTerminators()
		t := p.peek(modeExpr)
		if t.kind == tkEOF || p.isOp(t, "}", ")") {
			break
		}
		st := p.parseStatement()
		blk.stmts = append(blk.stmts, st)
		t = p.peek(modeExpr)
		if t.kind == tkNewline || t.kind == tkSemi || t.kind == tkEOF || p.isOp(t, "}", ")") {
			continue
		}
		switch st.(type) {
		case *pipelineStmt, *assignStmt, *flowStmt:
			p.unexpected(t)
		}
	}
	blk.extent = p.ext(start)
	return blk
}

// parseBlock parses { statements }.
func (p *parser) parseBlock(id, msg string) *stmtBlock {
	p.skipNewlines()
	t := p.peek(modeExpr)
	if !p.isOp(t, "{") {
		p.fail(t.start, t.start, id, msg)
	}
	open := p.next(modeExpr)
	blk := p.parseStatementList()
	if !p.isOp(p.peek(modeExpr), "}") {
		p.fail(open.start, open.end, "MissingEndCurlyBrace", "Missing closing '}' in statement block or type definition.")
	}
	p.next(modeExpr)
	blk.extent = extent{src: p.src, start: open.start, end: p.lx.pos}
	return blk
}

func (p *parser) parseStatement() stmt {
	t := p.peek(modeExpr)
	if t.kind == tkWord && !t.quote {
		switch strings.ToLower(t.text) {
		case "if":
			return p.parseIf()
		case "foreach":
			return p.parseForeach("")
		case "for":
			return p.parseFor("")
		case "while":
			return p.parseWhile("")
		case "do":
			return p.parseDo("")
		case "switch":
			return p.parseSwitch("")
		case "try":
			return p.parseTry()
		case "function", "filter":
			return p.parseFunction()
		case "break", "continue", "return", "throw", "exit":
			return p.parseFlow()
		case "else", "elseif", "catch", "finally", "until", "param", "begin", "process", "end", "trap", "class", "enum", "using", "data", "dynamicparam":
			if strings.EqualFold(t.text, "end") || strings.EqualFold(t.text, "begin") || strings.EqualFold(t.text, "process") {
				break // commands may be called begin/end? treat as command
			}
			p.fail(t.start, t.end, "UnexpectedToken", "Unexpected token '"+t.text+"' in expression or statement.")
		}
	}
	if p.isOp(t, ":") {
		// :label loop
		p.next(modeExpr)
		lt := p.next(modeExpr)
		if lt.kind != tkWord {
			p.unexpected(lt)
		}
		p.skipNewlines()
		kw := p.peek(modeExpr)
		switch strings.ToLower(kw.text) {
		case "foreach":
			return p.parseForeach(lt.text)
		case "for":
			return p.parseFor(lt.text)
		case "while":
			return p.parseWhile(lt.text)
		case "do":
			return p.parseDo(lt.text)
		case "switch":
			return p.parseSwitch(lt.text)
		}
		p.unexpected(kw)
	}
	return p.parsePipelineOrAssign()
}

func (p *parser) parseCondition(kw string) stmt {
	t := p.peek(modeExpr)
	if !p.isOp(t, "(") {
		p.fail(t.start, t.start, "MissingOpenParenthesisInIfStatement", "Missing '(' after '"+kw+"' in "+kw+" statement.")
	}
	open := p.next(modeExpr)
	p.skipNewlines()
	t = p.peek(modeExpr)
	if p.isOp(t, ")") {
		p.fail(t.start, t.start, "IfStatementMissingCondition", "Missing condition in "+kw+" statement after '"+kw+" ('.")
	}
	cond := p.parsePipelineOrAssign()
	p.skipNewlines()
	if !p.isOp(p.peek(modeExpr), ")") {
		t = p.peek(modeExpr)
		if t.kind == tkEOF {
			p.fail(open.start, open.end, "MissingEndParenthesisAfterStatement", "Missing closing ')' after expression in '"+kw+"' statement.")
		}
		p.unexpected(t)
	}
	p.next(modeExpr)
	return cond
}

func (p *parser) parseIf() stmt {
	kw := p.next(modeExpr)
	st := &ifStmt{}
	cond := p.parseCondition("if")
	body := p.parseBlock("MissingStatementBlock", "Missing statement block after if ( condition ).")
	st.clauses = append(st.clauses, ifClause{cond, body})
	for {
		save := p.lx.pos
		p.skipNewlines()
		t := p.peek(modeExpr)
		if p.isWord(t, "elseif") {
			p.next(modeExpr)
			cond := p.parseCondition("elseif")
			body := p.parseBlock("MissingStatementBlockAfterElseIf", "Missing statement block after elseif ( condition ).")
			st.clauses = append(st.clauses, ifClause{cond, body})
			continue
		}
		if p.isWord(t, "else") {
			p.next(modeExpr)
			st.elseBody = p.parseBlock("MissingStatementBlockAfterElse", "Missing statement block after 'else' keyword.")
			break
		}
		p.lx.pos = save
		break
	}
	st.extent = p.ext(kw.start)
	return st
}

func (p *parser) parseForeach(label string) stmt {
	kw := p.next(modeExpr)
	p.skipNewlines()
	t := p.peek(modeExpr)
	if !p.isOp(t, "(") {
		p.fail(t.start, t.start, "MissingOpenParenthesisAfterKeyword", "Missing opening '(' after keyword 'foreach'.")
	}
	p.next(modeExpr)
	p.skipNewlines()
	v := p.next(modeExpr)
	if v.kind != tkVar {
		p.fail(v.start, v.start, "MissingVariableNameAfterForeach", "Missing variable name after foreach.")
	}
	p.skipNewlines()
	in := p.peek(modeExpr)
	if !p.isWord(in, "in") {
		p.fail(in.start, in.start, "MissingInInForeach", "Missing 'in' after variable in foreach loop.")
	}
	p.next(modeExpr)
	p.skipNewlines()
	t = p.peek(modeExpr)
	if p.isOp(t, ")") {
		p.fail(t.start, t.start, "MissingForeachExpression", "Missing foreach loop expression.")
	}
	coll := p.parsePipelineOrAssign()
	p.skipNewlines()
	if !p.isOp(p.peek(modeExpr), ")") {
		t = p.peek(modeExpr)
		p.fail(t.start, t.start, "MissingEndParenthesisAfterForeach", "Missing closing ')' after expression in 'foreach' statement.")
	}
	p.next(modeExpr)
	body := p.parseBlock("MissingForeachStatement", "Missing statement body in foreach loop.")
	return &foreachStmt{extent: p.ext(kw.start), label: label, varName: v.text, coll: coll, body: body}
}

func (p *parser) parseFor(label string) stmt {
	kw := p.next(modeExpr)
	p.skipNewlines()
	p.expectOp("(", "MissingOpenParenthesisAfterKeyword", "Missing opening '(' after keyword 'for'.")
	st := &forStmt{label: label}
	part := func(end string) stmt {
		p.skipNewlines()
		t := p.peek(modeExpr)
		if t.kind == tkSemi || p.isOp(t, end) {
			if t.kind == tkSemi && end == ";" {
				p.next(modeExpr)
			}
			return nil
		}
		s := p.parsePipelineOrAssign()
		p.skipNewlines()
		t = p.peek(modeExpr)
		if end == ";" {
			if t.kind != tkSemi && t.kind != tkNewline {
				p.fail(t.start, t.start, "MissingEndParenthesisAfterStatement", "Missing closing ')' after expression in 'for' statement.")
			}
			p.next(modeExpr)
		}
		return s
	}
	st.init = part(";")
	st.cond = part(";")
	st.iter = part(")")
	p.skipNewlines()
	p.expectOp(")", "MissingEndParenthesisAfterStatement", "Missing closing ')' after expression in 'for' statement.")
	st.body = p.parseBlock("MissingLoopStatement", "Missing statement body in for loop.")
	st.extent = p.ext(kw.start)
	return st
}

func (p *parser) parseWhile(label string) stmt {
	kw := p.next(modeExpr)
	p.skipNewlines()
	cond := p.parseCondition("while")
	body := p.parseBlock("MissingLoopStatement", "Missing statement body in while loop.")
	return &whileStmt{extent: p.ext(kw.start), label: label, cond: cond, body: body}
}

func (p *parser) parseDo(label string) stmt {
	kw := p.next(modeExpr)
	body := p.parseBlock("MissingLoopStatement", "Missing statement body in do loop.")
	p.skipNewlines()
	t := p.peek(modeExpr)
	until := p.isWord(t, "until")
	if !until && !p.isWord(t, "while") {
		p.fail(t.start, t.start, "MissingWhileOrUntilInDoWhile", "Missing while or until keyword in do loop.")
	}
	p.next(modeExpr)
	p.skipNewlines()
	cond := p.parseCondition(strings.ToLower(t.text))
	return &doStmt{extent: p.ext(kw.start), label: label, body: body, cond: cond, until: until}
}

func (p *parser) parseSwitch(label string) stmt {
	kw := p.next(modeExpr)
	st := &switchStmt{label: label}
	for {
		t := p.peek(modeCmd)
		if t.kind != tkParam {
			break
		}
		p.next(modeCmd)
		switch strings.ToLower(t.text) {
		case "regex", "r", "re", "reg", "rege":
			st.regex = true
		case "wildcard", "w", "wi", "wil", "wild":
			st.wildcard = true
		case "exact", "e", "ex", "exa":
		case "casesensitive", "c", "ca", "case":
			st.caseSensitive = true
		default:
			p.fail(t.start, t.end, "InvalidSwitchFlag", "'"+t.text+"' is not a valid switch statement option.")
		}
	}
	p.skipNewlines()
	st.cond = p.parseCondition("switch")
	p.skipNewlines()
	open := p.expectOp("{", "MissingCurlyBraceInSwitchStatement", "Missing '{' in switch statement.")
	for {
		p.skipTerminators()
		t := p.peek(modeExpr)
		if p.isOp(t, "}") {
			p.next(modeExpr)
			break
		}
		if t.kind == tkEOF {
			p.fail(open.start, open.end, "MissingEndCurlyBrace", "Missing closing '}' in statement block or type definition.")
		}
		var pat expr
		if p.isWord(t, "default") {
			p.next(modeExpr)
		} else if ct := p.peek(modeCmd); ct.kind == tkWord {
			p.next(modeCmd)
			pat = &constExpr{extent: p.ext(ct.start), v: ct.text}
		} else {
			pat = p.parseUnary()
			if pat == nil {
				p.unexpected(t)
			}
		}
		body := p.parseBlock("MissingSwitchStatementClause", "Missing statement block in switch statement clause.")
		st.clauses = append(st.clauses, switchClause{pattern: pat, body: body})
	}
	st.extent = p.ext(kw.start)
	return st
}

func (p *parser) parseTry() stmt {
	kw := p.next(modeExpr)
	st := &tryStmt{}
	st.body = p.parseBlock("MissingTryStatementBlock", "Missing statement block after 'try'.")
	for {
		save := p.lx.pos
		p.skipNewlines()
		t := p.peek(modeExpr)
		if p.isWord(t, "catch") {
			p.next(modeExpr)
			cc := catchClause{}
			for {
				p.skipNewlines()
				t := p.peek(modeExpr)
				if !p.isOp(t, "[") {
					break
				}
				p.next(modeExpr)
				name := p.lx.scanTypeName()
				tn := &typeLit{extent: p.ext(t.start), name: name}
				p.expectOp("]", "EndSquareBracketExpectedAtEndOfType", "Missing ']' at end of type token.")
				tn.extent = p.ext(t.start)
				cc.types = append(cc.types, tn)
				p.skipNewlines()
				if p.isOp(p.peek(modeExpr), ",") {
					p.next(modeExpr)
					continue
				}
				break
			}
			cc.body = p.parseBlock("MissingCatchHandlerBlock", "Missing statement block in catch handler.")
			st.catches = append(st.catches, cc)
			continue
		}
		if p.isWord(t, "finally") {
			p.next(modeExpr)
			st.finally = p.parseBlock("MissingFinallyStatementBlock", "Missing statement block after 'finally'.")
			break
		}
		p.lx.pos = save
		break
	}
	if len(st.catches) == 0 && st.finally == nil {
		p.fail(p.lx.pos, p.lx.pos, "MissingCatchOrFinally", "The Try statement is missing its Catch or Finally block.")
	}
	st.extent = p.ext(kw.start)
	return st
}

func (p *parser) parseFunction() stmt {
	kw := p.next(modeExpr)
	nt := p.next(modeCmd)
	if nt.kind != tkWord && nt.kind != tkNumber {
		p.fail(nt.start, nt.start, "MissingNameAfterKeyword", "Missing name after function keyword.")
	}
	name := nt.text
	if i := strings.LastIndexByte(name, ':'); i >= 0 && !strings.Contains(name, "\\") {
		name = name[i+1:] // function global:Foo
	}
	fd := &functionDef{name: name, filter: strings.EqualFold(kw.text, "filter")}
	var params []*paramAst
	hasParens := false
	p.skipNewlines()
	if t := p.peek(modeExpr); p.isOp(t, "(") {
		open := p.next(modeExpr)
		params = p.parseParamList(open)
		hasParens = true
	}
	p.skipNewlines()
	t := p.peek(modeExpr)
	if !p.isOp(t, "{") {
		p.fail(t.start, t.start, "MissingFunctionBody", "Missing function body in function declaration.")
	}
	open := p.next(modeExpr)
	body := p.parseScriptBody()
	if !p.isOp(p.peek(modeExpr), "}") {
		p.fail(open.start, open.end, "MissingEndCurlyBrace", "Missing closing '}' in statement block or type definition.")
	}
	p.next(modeExpr)
	body.extent = extent{src: p.src, start: open.start + 1, end: p.lx.pos - 1}
	if hasParens {
		if body.hasParamBlock {
			p.fail(open.start, open.end, "OnlyOneParameterListAllowed", "A function cannot have both a param block and a parameter list.")
		}
		body.params = params
		body.hasParamBlock = true
	}
	fd.body = body
	fd.extent = p.ext(kw.start)
	return fd
}

func (p *parser) atStatementEnd() bool {
	t := p.peek(modeExpr)
	return t.kind == tkNewline || t.kind == tkSemi || t.kind == tkEOF || p.isOp(t, "}", ")", "|")
}

func (p *parser) parseFlow() stmt {
	kw := p.next(modeExpr)
	st := &flowStmt{kind: strings.ToLower(kw.text)}
	switch st.kind {
	case "break", "continue":
		if !p.atStatementEnd() {
			lt := p.next(modeCmd)
			st.label = strings.TrimPrefix(lt.text, ":")
		}
	default:
		if !p.atStatementEnd() {
			st.value = p.parsePipelineOrAssign()
		}
	}
	st.extent = p.ext(kw.start)
	return st
}

// ---- pipelines ----

var assignOps = map[string]bool{"=": true, "+=": true, "-=": true, "*=": true, "/=": true, "%=": true}

func (p *parser) parsePipelineOrAssign() stmt {
	start := p.peek(modeExpr).start
	first := p.parsePipeElem()
	if ee, ok := first.(*exprElem); ok && len(ee.redirs) == 0 {
		t := p.peek(modeExpr)
		if t.kind == tkOp && assignOps[t.text] {
			if !assignable(ee.e) {
				p.fail(ee.e.ext().start, ee.e.ext().end, "InvalidLeftHandSide", "The assignment expression is not valid. The input to an assignment operator must be an object that is able to accept assignments, such as a variable or a property.")
			}
			p.next(modeExpr)
			p.skipNewlines()
			vt := p.peek(modeExpr)
			if vt.kind == tkEOF || vt.kind == tkNewline || vt.kind == tkSemi || p.isOp(vt, ")", "}") {
				p.fail(t.start, t.end, "ExpectedValueExpression", "You must provide a value expression following the '"+t.text+"' operator.")
			}
			val := p.parseStatement()
			return &assignStmt{extent: p.ext(start), target: ee.e, op: t.text, value: val}
		}
	}
	ps := &pipelineStmt{elems: []pipeElem{first}}
	for {
		t := p.peek(modeExpr)
		if !p.isOp(t, "|") {
			break
		}
		p.next(modeExpr)
		p.skipNewlines()
		nt := p.peek(modeExpr)
		if nt.kind == tkEOF || nt.kind == tkSemi || p.isOp(nt, ")", "}", "|") {
			p.fail(t.start, t.end, "EmptyPipeElement", "An empty pipe element is not allowed.")
		}
		el := p.parsePipeElem()
		if _, isExpr := el.(*exprElem); isExpr {
			p.fail(el.ext().start, el.ext().end, "ExpressionsMustBeFirstInPipeline", "Expressions are only allowed as the first element of a pipeline.")
		}
		ps.elems = append(ps.elems, el)
	}
	ps.extent = p.ext(start)
	return ps
}

func assignable(e expr) bool {
	switch x := e.(type) {
	case *varExpr, *memberExpr, *indexExpr:
		return true
	case *convExpr:
		return assignable(x.e)
	case *arrayLitExpr:
		for _, el := range x.elems {
			if !assignable(el) {
				return false
			}
		}
		return true
	}
	return false
}

func (p *parser) parsePipeElem() pipeElem {
	t := p.peek(modeExpr)
	switch {
	case p.isOp(t, "&"):
		p.next(modeExpr)
		return p.parseCommand(t.start, "&")
	case p.isOp(t, ".") && (t.end >= len(p.src.text) || isSpace(rune(p.src.text[t.end]))):
		p.next(modeExpr)
		return p.parseCommand(t.start, ".")
	case t.kind == tkWord,
		p.isOp(t, "%", "?"),
		p.isOp(t, ".", "..") && t.end < len(p.src.text) && (p.src.text[t.end] == '\\' || p.src.text[t.end] == '/'):
		p.lx.pos = t.start
		return p.parseCommand(t.start, "")
	case t.kind == tkExpandable && !t.quote:
		p.lx.pos = t.start
		return p.parseCommand(t.start, "")
	}
	e := p.parseExpr()
	if e == nil {
		p.unexpected(t)
	}
	el := &exprElem{e: e}
	el.redirs = p.parseRedirections()
	el.extent = p.ext(t.start)
	return el
}

func (p *parser) parseRedirections() []redirection {
	var out []redirection
	for {
		t := p.peek(modeCmd)
		if t.kind != tkRedirect {
			return out
		}
		out = append(out, p.parseRedirection())
	}
}

func (p *parser) parseRedirection() redirection {
	t := p.next(modeCmd)
	r := redirection{from: 1}
	text := t.text
	switch text[0] {
	case '*':
		r.from = 0
		text = text[1:]
	case '>':
	default:
		r.from = int(text[0] - '0')
		text = text[1:]
	}
	if strings.HasPrefix(text, ">>") {
		r.append = true
	} else if strings.HasPrefix(text, ">&") {
		r.merge = true
	}
	if !r.merge {
		nt := p.peek(modeCmd)
		if nt.kind == tkNewline || nt.kind == tkEOF || nt.kind == tkSemi || p.isOp(nt, "|", ")", "}") {
			p.fail(t.start, t.end, "MissingFileSpecification", "Missing file specification after redirection operator.")
		}
		r.target = p.parseCmdPrimary()
	}
	r.extent = p.ext(t.start)
	return r
}

// parseCommand parses a command invocation: name (or & expression) and
// arguments in command mode.
func (p *parser) parseCommand(start int, invoke string) pipeElem {
	ce := &commandElem{invoke: invoke}
	if invoke != "" {
		p.skipNewlines()
		t := p.peek(modeCmd)
		if t.kind == tkNewline || t.kind == tkEOF || t.kind == tkSemi {
			p.fail(t.start, t.start, "MissingExpression", "Missing expression after '"+invoke+"' in pipeline element.")
		}
		ce.name = p.parseCmdPrimary()
	} else {
		t := p.next(modeCmd)
		switch t.kind {
		case tkExpandable:
			ce.name = p.parseExpandable(t)
		case tkWord, tkNumber:
			ce.name = &constExpr{extent: p.ext(t.start), v: tokenDisplayText(t)}
		default:
			p.unexpected(t)
		}
	}
	ce.args, ce.redirs = p.parseCommandArgs()
	ce.extent = p.ext(start)
	// Trim trailing whitespace from the extent (used for error squiggles).
	for ce.end > ce.start && (p.src.text[ce.end-1] == ' ' || p.src.text[ce.end-1] == '\t') {
		ce.end--
	}
	return ce
}

func tokenDisplayText(t token) string {
	if t.kind == tkNumber {
		return t.text
	}
	return t.text
}

func (p *parser) parseCommandArgs() ([]cmdArg, []redirection) {
	var args []cmdArg
	var redirs []redirection
	for {
		t := p.peek(modeCmd)
		switch t.kind {
		case tkNewline, tkSemi, tkEOF:
			return args, redirs
		case tkRedirect:
			redirs = append(redirs, p.parseRedirection())
			continue
		case tkParam:
			p.next(modeCmd)
			a := cmdArg{kind: argNamed, name: t.text, hasColon: t.colon}
			if t.colon {
				nt := p.peek(modeCmd)
				if nt.kind == tkNewline || nt.kind == tkEOF || nt.kind == tkSemi || p.isOp(nt, "|", ")", "}") {
					p.fail(t.start, t.end, "ParameterRequiresArgument", "The parameter '"+t.text+"' requires an argument.")
				}
				a.value = p.parseCmdArgValue()
			}
			a.extent = extent{src: p.src, start: t.start, end: t.end}
			args = append(args, a)
			continue
		case tkSplat:
			p.next(modeCmd)
			args = append(args, cmdArg{extent: p.ext(t.start), kind: argSplat, name: t.text})
			continue
		case tkOp:
			switch t.text {
			case "|", ")", "}":
				return args, redirs
			case "&&", "||", "<":
				p.unexpected(t)
			case "&":
				p.fail(t.start, t.end, "AmpersandNotAllowed", "The ampersand (&) character is not allowed. The & operator is reserved for future use; wrap an ampersand in double quotation marks (\"&\") to pass it as part of a string.")
			case ",":
				p.fail(t.start, t.end, "MissingArgument", "Missing argument in parameter list.")
			}
		}
		v := p.parseCmdArgValue()
		args = append(args, cmdArg{extent: v.ext(), kind: argPositional, value: v})
	}
}

func (p *parser) parseCmdArgValue() expr {
	first := p.parseCmdPrimary()
	elems := []expr{first}
	for p.isOp(p.peek(modeCmd), ",") {
		p.next(modeCmd)
		p.skipNewlines()
		elems = append(elems, p.parseCmdPrimary())
	}
	if len(elems) == 1 {
		return first
	}
	return &arrayLitExpr{extent: span(first.ext(), elems[len(elems)-1].ext()), elems: elems}
}

func (p *parser) parseCmdPrimary() expr {
	t := p.peek(modeCmd)
	switch t.kind {
	case tkVar:
		p.next(modeCmd)
		return p.parsePostfix(&varExpr{extent: p.ext(t.start), name: t.text}, true)
	case tkNumber:
		p.next(modeCmd)
		return &constExpr{extent: p.ext(t.start), v: t.val}
	case tkString:
		p.next(modeCmd)
		return &constExpr{extent: p.ext(t.start), v: t.val}
	case tkExpandable:
		p.next(modeCmd)
		return p.parseExpandable(t)
	case tkWord, tkParam:
		p.next(modeCmd)
		text := t.text
		if t.kind == tkParam {
			text = tokenDisplay(p, t)
		}
		return &constExpr{extent: p.ext(t.start), v: text}
	case tkOp:
		switch t.text {
		case "(", "$(", "@(", "@{", "{":
			e := p.parsePrimary()
			return p.parsePostfix(e, true)
		}
	}
	p.unexpected(t)
	return nil
}

// ---- expressions ----

var binaryPrecedence = map[string]int{
	"-and": 1, "-or": 1, "-xor": 1,
	"-band": 2, "-bor": 2, "-bxor": 2, "-shl": 2, "-shr": 2,
	"-is": 3, "-isnot": 3, "-as": 3, "-join": 3,
	"+": 4, "-": 4,
	"*": 5, "/": 5, "%": 5,
	"-f": 6,
	"..": 7,
}

func init() {
	for _, op := range strings.Fields(`eq ne gt ge lt le like notlike match notmatch replace contains notcontains in notin split`) {
		binaryPrecedence["-"+op] = 3
		binaryPrecedence["-c"+op] = 3
		binaryPrecedence["-i"+op] = 3
	}
}

func (p *parser) parseExpr() expr { return p.parseBinary(1, false) }

func (p *parser) parseBinary(minPrec int, noComma bool) expr {
	var lhs expr
	if noComma {
		lhs = p.parseUnary()
	} else {
		lhs = p.parseArrayLiteral()
	}
	if lhs == nil {
		return nil
	}
	for {
		t := p.peek(modeExpr)
		if t.kind != tkOp {
			return lhs
		}
		prec, ok := binaryPrecedence[t.text]
		if !ok || prec < minPrec {
			if strings.HasPrefix(t.text, "-") && len(t.text) > 1 && !ok && t.text != "--" && t.text != "-=" {
				p.fail(t.start, t.end, "UnexpectedToken", "Unexpected token '"+tokenDisplay(p, t)+"' in expression or statement.")
			}
			return lhs
		}
		p.next(modeExpr)
		p.skipNewlines()
		rhs := p.parseBinary(prec+1, noComma)
		if rhs == nil {
			p.fail(t.end, t.end, "ExpectedValueExpression", "You must provide a value expression following the '"+t.text+"' operator.")
		}
		lhs = &binExpr{extent: span(lhs.ext(), rhs.ext()), op: t.text, l: lhs, r: rhs}
	}
}

func (p *parser) parseArrayLiteral() expr {
	first := p.parseUnary()
	if first == nil {
		return nil
	}
	if !p.isOp(p.peek(modeExpr), ",") {
		return first
	}
	elems := []expr{first}
	for p.isOp(p.peek(modeExpr), ",") {
		c := p.next(modeExpr)
		p.skipNewlines()
		e := p.parseUnary()
		if e == nil {
			p.fail(c.end, c.end, "MissingExpressionAfterToken", "Missing expression after ','.")
		}
		elems = append(elems, e)
	}
	return &arrayLitExpr{extent: span(first.ext(), elems[len(elems)-1].ext()), elems: elems}
}

func (p *parser) startsOperand(t token) bool {
	switch t.kind {
	case tkVar, tkNumber, tkString, tkExpandable:
		return true
	case tkOp:
		switch t.text {
		case "(", "@(", "$(", "@{", "[", "{", "!", "-not", "-bnot", "-split", "-join", ",", "++", "--":
			return true
		case "-", "+":
			return !t.space
		}
	}
	return false
}

func (p *parser) parseUnary() expr {
	t := p.peek(modeExpr)
	if t.kind == tkOp {
		switch t.text {
		case "!", "-not", "-bnot", "-split", "-join", "-", "+", "++", "--":
			p.next(modeExpr)
			p.skipNewlines()
			operand := p.parseUnary()
			if operand == nil {
				p.fail(t.end, t.end, "MissingExpressionAfterOperator", "Missing expression after unary operator '"+t.text+"'.")
			}
			return &unaryExpr{extent: span(extent{src: p.src, start: t.start}, operand.ext()), op: t.text, e: operand}
		case ",":
			p.next(modeExpr)
			operand := p.parseUnary()
			if operand == nil {
				p.fail(t.end, t.end, "MissingExpressionAfterOperator", "Missing expression after unary operator ','.")
			}
			return &arrayLitExpr{extent: span(extent{src: p.src, start: t.start}, operand.ext()), elems: []expr{operand}}
		case "[":
			p.next(modeExpr)
			name := p.lx.scanTypeName()
			if name == "" {
				p.fail(t.end, t.end, "MissingTypename", "Missing type name after '['.")
			}
			// An unterminated <# comment runs to the end of the text, where
			// the missing ']' is what gets reported.
			_, _ = p.lx.skipSpace()
			if p.lx.pos < len(p.lx.s) && p.lx.s[p.lx.pos] == '(' {
				p.fail(t.start, p.lx.pos, "UnexpectedAttribute", "Unexpected attribute '"+name+"'.")
			}
			closeTok := p.peek(modeExpr)
			if !p.isOp(closeTok, "]") {
				p.fail(closeTok.start, closeTok.start, "EndSquareBracketExpectedAtEndOfType", "Missing ']' at end of type token.")
			}
			p.next(modeExpr)
			tn := &typeLit{extent: p.ext(t.start), name: name}
			if strings.HasPrefix(p.lx.s[p.lx.pos:], "::") || (p.lx.pos < len(p.lx.s) && p.lx.s[p.lx.pos] == '.') {
				return p.parsePostfix(&typeExpr{extent: tn.extent, typ: tn}, false)
			}
			nt := p.peek(modeExpr)
			if p.startsOperand(nt) {
				operand := p.parseUnary()
				return &convExpr{extent: span(tn.extent, operand.ext()), typ: tn, e: operand}
			}
			return &typeExpr{extent: tn.extent, typ: tn}
		}
	}
	prim := p.parsePrimary()
	if prim == nil {
		return nil
	}
	return p.parsePostfix(prim, false)
}

func (p *parser) parsePrimary() expr {
	t := p.peek(modeExpr)
	switch t.kind {
	case tkVar:
		p.next(modeExpr)
		return &varExpr{extent: p.ext(t.start), name: t.text}
	case tkNumber:
		p.next(modeExpr)
		return &constExpr{extent: p.ext(t.start), v: t.val}
	case tkString:
		p.next(modeExpr)
		return &constExpr{extent: p.ext(t.start), v: t.val}
	case tkExpandable:
		if !t.quote {
			return nil
		}
		p.next(modeExpr)
		return p.parseExpandable(t)
	case tkOp:
		switch t.text {
		case "(":
			p.next(modeExpr)
			p.skipNewlines()
			if p.isOp(p.peek(modeExpr), ")") {
				p.fail(t.end, t.end, "ExpectedExpression", "An expression was expected after '('.")
			}
			inner := p.parsePipelineOrAssign()
			p.skipNewlines()
			ct := p.peek(modeExpr)
			if !p.isOp(ct, ")") {
				if ct.kind == tkEOF {
					p.fail(t.start, t.end, "MissingEndParenthesisInExpression", "Missing closing ')' in expression.")
				}
				p.unexpected(ct)
			}
			p.next(modeExpr)
			return &parenExpr{extent: p.ext(t.start), inner: inner}
		case "$(", "@(":
			p.next(modeExpr)
			body := p.parseStatementList()
			ct := p.peek(modeExpr)
			if !p.isOp(ct, ")") {
				if ct.kind == tkEOF {
					p.fail(t.start, t.end, "MissingEndParenthesisInSubexpression", "Missing closing ')' in subexpression.")
				}
				p.unexpected(ct)
			}
			p.next(modeExpr)
			if t.text == "$(" {
				return &subExpr{extent: p.ext(t.start), body: body}
			}
			return &arraySubExpr{extent: p.ext(t.start), body: body}
		case "@{":
			return p.parseHash()
		case "{":
			return p.parseScriptBlockLiteral()
		}
	}
	return nil
}

func (p *parser) parseScriptBlockLiteral() expr {
	open := p.next(modeExpr)
	sb := p.parseScriptBody()
	if !p.isOp(p.peek(modeExpr), "}") {
		t := p.peek(modeExpr)
		if t.kind == tkEOF {
			p.fail(open.start, open.end, "MissingEndCurlyBrace", "Missing closing '}' in statement block or type definition.")
		}
		p.unexpected(t)
	}
	p.next(modeExpr)
	sb.extent = extent{src: p.src, start: open.start + 1, end: p.lx.pos - 1}
	return &sbExpr{extent: p.ext(open.start), sb: sb}
}

func (p *parser) parseHash() expr {
	open := p.next(modeExpr)
	h := &hashExpr{}
	for {
		p.skipTerminators()
		t := p.peek(modeExpr)
		if p.isOp(t, "}") {
			p.next(modeExpr)
			break
		}
		if t.kind == tkEOF {
			p.fail(open.start, open.end, "IncompleteHashLiteral", "The hash literal was incomplete.")
		}
		// The peek above scanned these same blanks without error.
		_, _ = p.lx.skipSpace()
		keyStart := p.lx.pos
		var key expr
		if k, ok := p.lx.scanHashKey(); ok {
			key = &constExpr{extent: p.ext(keyStart), v: k}
		} else {
			key = p.parseUnary()
			if key == nil {
				p.fail(t.start, t.end, "MissingKeyInHashLiteral", "Missing key before '=' in hash literal.")
			}
		}
		eq := p.peek(modeExpr)
		if !p.isOp(eq, "=") {
			p.fail(eq.start, eq.start, "MissingEqualsInHashLiteral", "Missing '=' operator after key in hash literal.")
		}
		p.next(modeExpr)
		p.skipNewlines()
		vt := p.peek(modeExpr)
		if vt.kind == tkEOF || vt.kind == tkSemi || p.isOp(vt, "}") {
			p.fail(vt.start, vt.start, "MissingStatementInHashLiteral", "Missing statement after '=' in hash literal.")
		}
		val := p.parseStatement()
		h.keys = append(h.keys, key)
		h.vals = append(h.vals, val)
		nt := p.peek(modeExpr)
		endsPair := nt.kind == tkNewline || nt.kind == tkSemi || p.isOp(nt, "}")
		if !endsPair {
			if nt.kind == tkEOF {
				p.fail(open.start, open.end, "IncompleteHashLiteral", "The hash literal was incomplete.")
			}
			p.fail(nt.start, nt.start, "MissingEqualsInHashLiteral", "Missing '=' operator after key in hash literal.")
		}
	}
	h.extent = p.ext(open.start)
	return h
}

// parsePostfix parses member access, method calls, indexing and ++/-- after
// a primary expression. Member access and indexing must follow without
// whitespace, as in PowerShell.
func (p *parser) parsePostfix(e expr, cmdMode bool) expr {
	s := p.lx.s
	for {
		pos := p.lx.pos
		if pos >= len(s) {
			break
		}
		c := s[pos]
		static := false
		switch {
		case c == ':' && pos+1 < len(s) && s[pos+1] == ':':
			static = true
			p.lx.pos += 2
		case c == '.' && (pos+1 >= len(s) || s[pos+1] != '.'):
			if pos+1 < len(s) && s[pos+1] >= '0' && s[pos+1] <= '9' {
				return e
			}
			p.lx.pos++
		case c == '[':
			if _, isType := e.(*typeExpr); isType {
				return e
			}
			p.lx.pos++
			p.skipNewlines()
			idx := p.parseExpr()
			if idx == nil {
				p.fail(pos, pos+1, "MissingArrayIndexExpression", "Array index expression is missing or not valid.")
			}
			p.skipNewlines()
			ct := p.peek(modeExpr)
			if !p.isOp(ct, "]") {
				p.fail(ct.start, ct.start, "MissingEndSquareBracket", "Missing ']' after array index expression.")
			}
			p.next(modeExpr)
			e = &indexExpr{extent: extent{src: p.src, start: e.ext().start, end: p.lx.pos}, obj: e, idx: idx}
			continue
		default:
			goto done
		}
		// member name
		nameStart := p.lx.pos
		var name expr
		r, _ := p.lx.cur()
		switch {
		case isIdentStart(r) || (r >= '0' && r <= '9'):
			n := p.lx.scanIdent()
			name = &constExpr{extent: p.ext(nameStart), v: n}
		case isSingleQuote(r) || isDoubleQuote(r) || r == '$' || r == '(':
			t := p.peek(modeExpr)
			switch t.kind {
			case tkString:
				p.next(modeExpr)
				name = &constExpr{extent: p.ext(nameStart), v: t.val}
			case tkExpandable:
				p.next(modeExpr)
				name = p.parseExpandable(t)
			case tkVar:
				p.next(modeExpr)
				name = &varExpr{extent: p.ext(nameStart), name: t.text}
			default:
				name = p.parsePrimary()
			}
		default:
			p.fail(nameStart, nameStart, "MissingPropertyName", "Missing property name after reference operator.")
		}
		if p.lx.pos < len(s) && s[p.lx.pos] == '(' {
			p.lx.pos++
			args := p.parseMethodArgs()
			e = &invokeExpr{extent: extent{src: p.src, start: e.ext().start, end: p.lx.pos}, obj: e, name: name, static: static, args: args}
		} else {
			e = &memberExpr{extent: extent{src: p.src, start: e.ext().start, end: p.lx.pos}, obj: e, name: name, static: static}
		}
	}
done:
	if !cmdMode {
		t := p.peek(modeExpr)
		if p.isOp(t, "++", "--") && !t.space {
			p.next(modeExpr)
			return &unaryExpr{extent: extent{src: p.src, start: e.ext().start, end: p.lx.pos}, op: t.text, e: e, postfix: true}
		}
	}
	return e
}

func (p *parser) parseMethodArgs() []expr {
	var args []expr
	p.skipNewlines()
	if p.isOp(p.peek(modeExpr), ")") {
		p.next(modeExpr)
		return nil
	}
	for {
		p.skipNewlines()
		a := p.parseBinary(1, true)
		if a == nil {
			t := p.peek(modeExpr)
			p.fail(t.start, t.start, "MissingExpressionAfterToken", "Missing expression after ','.")
		}
		args = append(args, a)
		p.skipNewlines()
		t := p.peek(modeExpr)
		if p.isOp(t, ",") {
			p.next(modeExpr)
			continue
		}
		if p.isOp(t, ")") {
			p.next(modeExpr)
			return args
		}
		p.fail(t.start, t.start, "MissingEndParenthesisInMethodCall", "Missing ')' in method call.")
	}
}

// ---- param blocks ----

func (p *parser) parseParamList(open token) []*paramAst {
	var params []*paramAst
	for {
		p.skipNewlines()
		t := p.peek(modeExpr)
		if p.isOp(t, ")") {
			p.next(modeExpr)
			return params
		}
		if t.kind == tkEOF {
			p.fail(open.start, open.end, "MissingEndParenthesisInFunctionParameterList", "Missing ')' in function parameter list.")
		}
		params = append(params, p.parseParam())
		p.skipNewlines()
		t = p.peek(modeExpr)
		if p.isOp(t, ",") {
			p.next(modeExpr)
			continue
		}
		if !p.isOp(t, ")") {
			p.fail(t.start, t.start, "MissingEndParenthesisInFunctionParameterList", "Missing ')' in function parameter list.")
		}
	}
}

func (p *parser) parseParam() *paramAst {
	pa := &paramAst{position: -1}
	start := p.peek(modeExpr).start
	for {
		p.skipNewlines()
		t := p.peek(modeExpr)
		if p.isOp(t, "[") {
			p.next(modeExpr)
			name := p.lx.scanTypeName()
			// An unterminated <# comment runs to the end of the text, where
			// the missing ']' is what gets reported.
			_, _ = p.lx.skipSpace()
			if p.lx.pos < len(p.lx.s) && p.lx.s[p.lx.pos] == '(' {
				p.lx.pos++
				named, positional := p.parseAttributeArgs()
				p.expectOp("]", "EndSquareBracketExpectedAtEndOfAttribute", "Missing ']' at end of attribute or type literal.")
				p.applyAttribute(pa, name, named, positional)
				continue
			}
			p.expectOp("]", "EndSquareBracketExpectedAtEndOfType", "Missing ']' at end of type token.")
			pa.typ = &typeLit{extent: p.ext(t.start), name: name}
			continue
		}
		if t.kind == tkVar {
			p.next(modeExpr)
			pa.name = t.text
			break
		}
		p.fail(t.start, t.start, "InvalidFunctionParameter", "Missing variable name in parameter declaration.")
	}
	p.skipNewlines()
	if p.isOp(p.peek(modeExpr), "=") {
		p.next(modeExpr)
		p.skipNewlines()
		pa.def = p.parseBinary(1, true)
		if pa.def == nil {
			t := p.peek(modeExpr)
			p.fail(t.start, t.start, "ExpectedValueExpression", "You must provide a value expression following the '=' operator.")
		}
	}
	pa.extent = p.ext(start)
	return pa
}

type attrArg struct {
	name string
	val  expr
}

func (p *parser) parseAttributeArgs() (named []attrArg, positional []expr) {
	for {
		p.skipNewlines()
		t := p.peek(modeExpr)
		if p.isOp(t, ")") {
			p.next(modeExpr)
			return
		}
		if t.kind == tkWord {
			save := p.lx.pos
			p.next(modeExpr)
			nt := p.peek(modeExpr)
			if p.isOp(nt, "=") {
				p.next(modeExpr)
				p.skipNewlines()
				v := p.parseBinary(1, true)
				named = append(named, attrArg{t.text, v})
			} else if p.isOp(nt, ",", ")") {
				named = append(named, attrArg{t.text, nil})
			} else {
				p.lx.pos = save
				p.unexpected(t)
			}
		} else {
			v := p.parseBinary(1, true)
			if v == nil {
				p.unexpected(t)
			}
			positional = append(positional, v)
		}
		p.skipNewlines()
		t = p.peek(modeExpr)
		if p.isOp(t, ",") {
			p.next(modeExpr)
			continue
		}
		if !p.isOp(t, ")") {
			p.fail(t.start, t.start, "MissingEndParenthesisInExpression", "Missing closing ')' in expression.")
		}
	}
}

// applyAttribute records what the evaluator needs from parameter attributes;
// other attributes are accepted and ignored.
func (p *parser) applyAttribute(pa *paramAst, name string, named []attrArg, positional []expr) {
	constVal := func(e expr) Value {
		switch x := e.(type) {
		case nil:
			return true
		case *constExpr:
			return x.v
		case *varExpr:
			switch strings.ToLower(x.name) {
			case "true":
				return true
			case "false":
				return false
			}
		case *unaryExpr:
			if v, ok := x.e.(*constExpr); ok && x.op == "-" {
				if i, ok := v.v.(int); ok {
					return -i
				}
			}
		}
		return nil
	}
	lname := strings.ToLower(name)
	lname = strings.TrimPrefix(lname, "system.management.automation.")
	switch lname {
	case "parameter":
		pa.hasParameterAttr = true
		for _, a := range named {
			v := constVal(a.val)
			switch strings.ToLower(a.name) {
			case "mandatory":
				pa.mandatory = ToBool(v)
			case "position":
				if i, ok := v.(int); ok {
					pa.position = i
				}
			case "valuefrompipeline":
				pa.fromPipeline = ToBool(v)
			case "valuefromremainingarguments":
				pa.remaining = ToBool(v)
			}
		}
	case "alias":
		for _, e := range positional {
			if s, ok := constVal(e).(string); ok {
				pa.aliases = append(pa.aliases, s)
			}
		}
	case "validateset":
		for _, e := range positional {
			pa.validateSet = append(pa.validateSet, ToString(constVal(e)))
		}
	}
}

// ---- expandable strings ----

// parseExpandable splits the body of a double-quoted string (or of a bare
// command argument containing $) into literal text and expressions.
func (p *parser) parseExpandable(t token) expr {
	raw := t.raw
	base := t.rawAt
	here := t.start < len(p.src.text) && p.src.text[t.start] == '@'
	quoted := t.quote && !here
	var parts []strPart
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			parts = append(parts, strPart{lit: lit.String()})
			lit.Reset()
		}
	}
	i := 0
	for i < len(raw) {
		r, n := utf8.DecodeRuneInString(raw[i:])
		switch {
		case r == '`' && i+1 < len(raw):
			r2, n2 := utf8.DecodeRuneInString(raw[i+1:])
			lit.WriteString(backtickEscape(r2))
			i += 1 + n2
			continue
		case quoted && isDoubleQuote(r):
			r2, n2 := utf8.DecodeRuneInString(raw[i+n:])
			if isDoubleQuote(r2) {
				lit.WriteRune(r2)
				i += n + n2
				continue
			}
		case r == '$' && i+1 < len(raw):
			r2 := rune(raw[i+1])
			switch r2 {
			case '(':
				flush()
				sub := &parser{src: p.src, lx: &lexer{src: p.src, s: p.src.text, pos: base + i + 2}}
				body := sub.parseStatementList()
				ct := sub.peek(modeExpr)
				if !sub.isOp(ct, ")") {
					sub.fail(base+i, base+i+2, "MissingEndParenthesisInSubexpression", "Missing closing ')' in subexpression.")
				}
				sub.next(modeExpr)
				parts = append(parts, strPart{e: &subExpr{extent: extent{src: p.src, start: base + i, end: sub.lx.pos}, body: body}})
				i = sub.lx.pos - base
				continue
			case '{':
				end := strings.IndexByte(raw[i+2:], '}')
				if end >= 0 {
					flush()
					name := raw[i+2 : i+2+end]
					parts = append(parts, strPart{e: &varExpr{extent: extent{src: p.src, start: base + i, end: base + i + 3 + end}, name: name}})
					i += 3 + end
					continue
				}
			case '?', '$', '^':
				flush()
				parts = append(parts, strPart{e: &varExpr{extent: extent{src: p.src, start: base + i, end: base + i + 2}, name: string(r2)}})
				i += 2
				continue
			default:
				rr, _ := utf8.DecodeRuneInString(raw[i+1:])
				if isIdentChar(rr) {
					flush()
					j := i + 1
					for j < len(raw) {
						c, m := utf8.DecodeRuneInString(raw[j:])
						if !isIdentChar(c) {
							break
						}
						j += m
					}
					if j+1 < len(raw) && raw[j] == ':' {
						c, _ := utf8.DecodeRuneInString(raw[j+1:])
						if isIdentChar(c) {
							j++
							for j < len(raw) {
								c, m := utf8.DecodeRuneInString(raw[j:])
								if !isIdentChar(c) {
									break
								}
								j += m
							}
						}
					}
					parts = append(parts, strPart{e: &varExpr{extent: extent{src: p.src, start: base + i, end: base + j}, name: raw[i+1 : j]}})
					i = j
					continue
				}
			}
		}
		lit.WriteRune(r)
		i += n
	}
	flush()
	return &expandStr{extent: p.ext(t.start), parts: parts}
}

// backtickEscape returns what `c means in an expandable string.
func backtickEscape(c rune) string {
	switch c {
	case '0':
		return "\x00"
	case 'a':
		return "\a"
	case 'b':
		return "\b"
	case 'f':
		return "\f"
	case 'n':
		return "\n"
	case 'r':
		return "\r"
	case 't':
		return "\t"
	case 'v':
		return "\v"
	}
	return string(c)
}
