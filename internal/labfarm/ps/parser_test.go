package ps

import (
	"strings"
	"testing"
)

func TestParserShapes(t *testing.T) {
	_, err := parseScript("$x = Get-CsPool -Identity 'a' | Select-Object Fqdn\nif ($x) { 'y' } elseif ($z) { } else { 'n' }\nfunction f([int]$a = 1, [switch]$s) { param() }")
	if err == nil {
		t.Fatalf("expected error for param() inside a function with a parameter list")
	}
	sb, err := parseScript("$x = Get-CsPool -Identity 'a' | Select-Object Fqdn\nif ($x) { 'y' }\nelse { 'n' }\nfunction f([int]$a = 1, [switch]$s) { $a }")
	if err != nil {
		t.Fatal(err)
	}
	if len(sb.end.stmts) != 3 {
		t.Fatalf("got %d statements", len(sb.end.stmts))
	}
	assign, ok := sb.end.stmts[0].(*assignStmt)
	if !ok {
		t.Fatalf("first statement is %T", sb.end.stmts[0])
	}
	pl := as[*pipelineStmt](t, assign.value)
	if len(pl.elems) != 2 {
		t.Fatalf("pipeline has %d elements", len(pl.elems))
	}
	ce := as[*commandElem](t, pl.elems[0])
	if as[*constExpr](t, ce.name).v != "Get-CsPool" || len(ce.args) != 2 || ce.args[0].kind != argNamed || ce.args[0].name != "Identity" {
		t.Fatalf("bad command %+v", ce)
	}
	ifs := as[*ifStmt](t, sb.end.stmts[1])
	if ifs.elseBody == nil {
		t.Fatal("else on the next line was not attached")
	}
	fd := as[*functionDef](t, sb.end.stmts[2])
	if fd.name != "f" || len(fd.body.params) != 2 || fd.body.params[0].typ.name != "int" {
		t.Fatalf("bad function %+v", fd)
	}
}

func TestParserPrecedence(t *testing.T) {
	tests := map[string]string{
		`1 + 2 * 3`:                     `(1 + (2 * 3))`,
		`-not $a -eq $b`:                `((-not $a) -eq $b)`,
		`1,2 + 3`:                       `((1, 2) + 3)`,
		`$a -and $b -or $c`:             `(($a -and $b) -or $c)`,
		`[int]$x.Count + 1`:             `([int](($x.Count)) + 1)`,
		`1..3 -contains 2`:              `((1 .. 3) -contains 2)`,
		`'{0}' -f 1 + 1`:                `(('{0}' -f 1) + 1)`,
		`$h.Keys[0].Length`:             `((($h.Keys))[0].Length)`,
		`[Convert]::ToBase64String($b)`: `[Convert]::ToBase64String($b)`,
	}
	for src, want := range tests {
		sb, err := parseScript(src)
		if err != nil {
			t.Errorf("%s: %v", src, err)
			continue
		}
		e := as[*exprElem](t, as[*pipelineStmt](t, sb.end.stmts[0]).elems[0]).e
		if got := dump(e); got != want {
			t.Errorf("%s:\n got %s\nwant %s", src, got, want)
		}
	}
}

func dump(e expr) string {
	switch x := e.(type) {
	case *binExpr:
		return "(" + dump(x.l) + " " + x.op + " " + dump(x.r) + ")"
	case *unaryExpr:
		return "(" + x.op + " " + dump(x.e) + ")"
	case *constExpr:
		if s, ok := x.v.(string); ok {
			return "'" + s + "'"
		}
		return ToString(x.v)
	case *varExpr:
		return "$" + x.name
	case *arrayLitExpr:
		var p []string
		for _, el := range x.elems {
			p = append(p, dump(el))
		}
		return "(" + strings.Join(p, ", ") + ")"
	case *convExpr:
		return "[" + x.typ.name + "](" + dump(x.e) + ")"
	case *typeExpr:
		return "[" + x.typ.name + "]"
	case *memberExpr:
		return "(" + dump(x.obj) + "." + strings.Trim(dump(x.name), "'") + ")"
	case *indexExpr:
		return "(" + dump(x.obj) + ")[" + dump(x.idx) + "]"
	case *invokeExpr:
		var p []string
		for _, a := range x.args {
			p = append(p, dump(a))
		}
		sep := "."
		if x.static {
			sep = "::"
		}
		return dump(x.obj) + sep + strings.Trim(dump(x.name), "'") + "(" + strings.Join(p, ", ") + ")"
	}
	return "?"
}

func TestParserErrors(t *testing.T) {
	tests := []struct {
		src, id, msg string
		line, col    int
	}{
		{"if ($x) {", "MissingEndCurlyBrace", "Missing closing '}' in statement block or type definition.", 1, 9},
		{"$x = (1 + 2", "MissingEndParenthesisInExpression", "Missing closing ')' in expression.", 1, 6},
		{"1 +", "ExpectedValueExpression", "You must provide a value expression following the '+' operator.", 1, 4},
		{"$x = @{ a 1 }", "MissingEqualsInHashLiteral", "Missing '=' operator after key in hash literal.", 1, 11},
		{"foo |", "EmptyPipeElement", "An empty pipe element is not allowed.", 1, 5},
		{"a | 'b'", "ExpressionsMustBeFirstInPipeline", "Expressions are only allowed as the first element of a pipeline.", 1, 5},
		{"try { 1 }", "MissingCatchOrFinally", "The Try statement is missing its Catch or Finally block.", 1, 10},
		{"\n\n  $a.Foo(1,", "MissingExpressionAfterToken", "Missing expression after ','.", 3, 12},
		{"1 = 2", "InvalidLeftHandSide", "The assignment expression is not valid. The input to an assignment operator must be an object that is able to accept assignments, such as a variable or a property.", 1, 1},
		{"a && b", "InvalidEndOfLine", "The token '&&' is not a valid statement separator in this version.", 1, 3},
		{"$x -foo 1", "UnexpectedToken", "Unexpected token '-foo' in expression or statement.", 1, 4},
		{"foreach ($a $b) {}", "MissingInInForeach", "Missing 'in' after variable in foreach loop.", 1, 13},
	}
	for _, tc := range tests {
		_, err := parseScript(tc.src)
		if err == nil {
			t.Errorf("%q: no error", tc.src)
			continue
		}
		if err.ID != tc.id || err.Message != tc.msg || err.Line() != tc.line || err.Column() != tc.col {
			t.Errorf("%q: got %s %q at %d:%d, want %s at %d:%d", tc.src, err.ID, err.Message, err.Line(), err.Column(), tc.id, tc.line, tc.col)
		}
	}
}

func TestParseErrorRendering(t *testing.T) {
	r := runScript(t, "if ($x) {")
	want := "At line:1 char:9\n+ if ($x) {\n+         ~\nMissing closing '}' in statement block or type definition.\n    + CategoryInfo          : ParserError: (:) [], ParentContainsErrorRecordException\n    + FullyQualifiedErrorId : MissingEndCurlyBrace\n \n"
	if r.code != 1 || r.errText() != want {
		t.Fatalf("code %d\n%q\nwant\n%q", r.code, r.errText(), want)
	}
}
