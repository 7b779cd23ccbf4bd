package ps

import (
	"strings"
	"testing"
)

func kinds(toks []token) string {
	var parts []string
	for _, t := range toks {
		s := t.kind.String()
		switch t.kind {
		case tkEOF, tkNewline, tkSemi:
		case tkString:
			s += "(" + ToString(t.val) + ")"
		case tkNumber:
			s += "(" + ToString(t.val) + ")"
		case tkExpandable:
			s += "(" + t.raw + ")"
		case tkParam:
			s += "(" + t.text
			if t.colon {
				s += ":"
			}
			s += ")"
		default:
			s += "(" + t.text + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

func TestTokenizer(t *testing.T) {
	tests := []struct {
		in   string
		mode lexMode
		want string
	}{
		{`$x = 1`, modeExpr, `Var(x) Op(=) Number(1) EOF`},
		{`1..5`, modeExpr, `Number(1) Op(..) Number(5) EOF`},
		{`1..5`, modeCmd, `Word(1..5) EOF`},
		{`0x1F + 2kb + 1.5e2 + 10L`, modeExpr, `Number(31) Op(+) Number(2048) Op(+) Number(150) Op(+) Number(10) EOF`},
		{`$a -eq 'b' -and -not $c`, modeExpr, `Var(a) Op(-eq) String(b) Op(-and) Op(-not) Var(c) EOF`},
		{`$a -CEQ $b -ilike 'x*'`, modeExpr, `Var(a) Op(-ceq) Var(b) Op(-ilike) String(x*) EOF`},
		{`Get-CsPool -Identity:$x -Force`, modeCmd, `Word(Get-CsPool) Param(Identity:) Var(x) Param(Force) EOF`},
		{`'it''s' "a ""q"" $b"`, modeExpr, `String(it's) Expandable(a ""q"" $b) EOF`},
		{"\u2018smart\u2019 \u201Cdq\u201D", modeExpr, `String(smart) Expandable(dq) EOF`},
		{"${my var} $env:COMPUTERNAME $script:x $_ $?", modeExpr, `Var(my var) Var(env:COMPUTERNAME) Var(script:x) Var(_) Var(?) EOF`},
		{"@params @(1) @{a=1} $(2)", modeCmd, `Splat(params) Op(@() Number(1) Op()) Op(@{) Word(a=1) Op(}) Op($() Number(2) Op()) EOF`},
		{"a # comment\nb <# block\n #> c", modeCmd, `Word(a) Newline Word(b) Word(c) EOF`},
		{"Write-Output a `\n b", modeCmd, `Word(Write-Output) Word(a) Word(b) EOF`},
		{"2>&1 > $null 2>$null", modeCmd, `Redirect(2>&1) Redirect(>) Var(null) Redirect(2>) Var(null) EOF`},
		{"@'\nhere 'raw' $x\n'@", modeExpr, `String(here 'raw' $x) EOF`},
		{"@\"\nhi $x\n\"@", modeExpr, `Expandable(hi $x) EOF`},
		{`C:\Program Files\x.exe`, modeCmd, `Word(C:\Program) Word(Files\x.exe) EOF`},
		{`-5 abc$x`, modeCmd, `Number(-5) Expandable(abc$x) EOF`},
		{"a;b|c", modeCmd, `Word(a) Semi Word(b) Op(|) Word(c) EOF`},
		{"$x.Name[0]", modeExpr, `Var(x) Op(.) Word(Name) Op([) Number(0) Op(]) EOF`},
		{"\u2013eq", modeExpr, `Op(-eq) EOF`},
		{"\"$($x + \")\")\"", modeExpr, `Expandable($($x + ")")) EOF`},
	}
	for _, tc := range tests {
		toks, err := tokenize(tc.in, tc.mode)
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if got := kinds(toks); got != tc.want {
			t.Errorf("%q:\n got %s\nwant %s", tc.in, got, tc.want)
		}
	}
}

func TestTokenizerErrors(t *testing.T) {
	tests := []struct {
		in        string
		id        string
		line, col int
	}{
		{"'abc", "TerminatorExpectedAtEndOfString", 1, 1},
		{"x\n  \"abc", "TerminatorExpectedAtEndOfString", 2, 3},
		{"<# never closed", "MissingEndOfComment", 1, 1},
		{"${abc", "IncompleteDollarVariableReference", 1, 1},
	}
	for _, tc := range tests {
		_, err := tokenize(tc.in, modeExpr)
		pe, ok := err.(*ParseError)
		if !ok {
			t.Errorf("%q: want ParseError, got %v", tc.in, err)
			continue
		}
		if pe.ID != tc.id || pe.Line() != tc.line || pe.Column() != tc.col {
			t.Errorf("%q: got %s at %d:%d, want %s at %d:%d", tc.in, pe.ID, pe.Line(), pe.Column(), tc.id, tc.line, tc.col)
		}
	}
}
