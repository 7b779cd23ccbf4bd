package ps

import (
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// PowerShell's tokenizer is mode dependent: "-Name" is a parameter in
// command mode and an error in expression mode, "1..5" is a range in
// expression mode and the string "1..5" as a command argument. The parser
// therefore drives the lexer and says which mode it wants for every token;
// peeking re-scans from a saved offset, which is cheap for scripts of a few
// kilobytes.

// lexMode is the tokenizer mode the parser asks for.
type lexMode uint8

const (
	modeExpr lexMode = iota // expressions: operators, numbers, identifiers
	modeCmd                 // command names and arguments: generic tokens, parameters
)

// tokKind classifies a token.
type tokKind uint8

const (
	tkEOF        tokKind = iota
	tkNewline            // end of line (statement separator)
	tkSemi               // ;
	tkVar                // $name, ${name}, $scope:name
	tkSplat              // @name (command mode)
	tkNumber             // numeric literal; val holds int or float64
	tkString             // verbatim string: '...', @'...'@; val holds the text
	tkExpandable         // "..." or @"..."@ or a bare word with $; raw holds the body
	tkWord               // identifier (expression mode) or generic token (command mode)
	tkParam              // -Name or -Name: (command mode)
	tkOp                 // operators and punctuation
	tkRedirect           // > >> 2> 2>&1 *> ...
)

var tokKindNames = [...]string{"EOF", "Newline", "Semi", "Var", "Splat", "Number", "String", "Expandable", "Word", "Param", "Op", "Redirect"}

func (k tokKind) String() string { return tokKindNames[k] }

// token is one lexical token. start/end are byte offsets into the source.
type token struct {
	kind  tokKind
	text  string // operator text (dash operators lower-cased), word text, variable or parameter name
	val   Value  // number value or verbatim string value
	raw   string // body of an expandable string
	rawAt int    // offset of raw in the source
	start int
	end   int
	space bool // whitespace (or start of input) precedes the token
	colon bool // parameter written as -Name:
	quote bool // a word produced from a quoted string (never a command keyword)
}

// dashOperators are the operators spelled -name in expression mode.
var dashOperators = map[string]bool{}

func init() {
	for _, op := range strings.Fields(`and or xor not band bor bxor bnot shl shr is isnot as f split join`) {
		dashOperators[op] = true
	}
	for _, op := range strings.Fields(`eq ne gt ge lt le like notlike match notmatch replace contains notcontains in notin split`) {
		dashOperators[op] = true
		dashOperators["c"+op] = true
		dashOperators["i"+op] = true
	}
}

// isDash reports whether r is one of the dashes PowerShell accepts for '-'.
func isDash(r rune) bool { return r == '-' || r == '\u2013' || r == '\u2014' || r == '\u2015' }

// isSingleQuote and isDoubleQuote include the typographic quotes that
// PowerShell treats as ordinary quotes (what Word pastes into scripts).
func isSingleQuote(r rune) bool { return r == '\'' || (r >= '\u2018' && r <= '\u201B') }
func isDoubleQuote(r rune) bool { return r == '"' || (r >= '\u201C' && r <= '\u201E') }

func isIdentStart(r rune) bool { return r == '_' || unicode.IsLetter(r) }
func isIdentChar(r rune) bool  { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }
func isVarChar(r rune) bool    { return isIdentChar(r) || r == '?' }
func isSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\f', '\v', '\u00a0':
		return true
	}
	return r > 127 && unicode.Is(unicode.Zs, r)
}

// lexer scans tokens from a source on demand.
type lexer struct {
	src *source
	s   string
	pos int
}

func newLexer(src *source) *lexer { return &lexer{src: src, s: src.text} }

func (lx *lexer) peekRune(off int) rune {
	if lx.pos+off >= len(lx.s) || lx.pos+off < 0 {
		return -1
	}
	r, _ := utf8.DecodeRuneInString(lx.s[lx.pos+off:])
	return r
}

func (lx *lexer) cur() (rune, int) {
	if lx.pos >= len(lx.s) {
		return -1, 0
	}
	return utf8.DecodeRuneInString(lx.s[lx.pos:])
}

func (lx *lexer) runeAt(p int) (rune, int) {
	if p >= len(lx.s) || p < 0 {
		return -1, 0
	}
	return utf8.DecodeRuneInString(lx.s[p:])
}

func (lx *lexer) errAt(start, end int, id, msg string) *ParseError {
	return newParseError(lx.src, start, end, id, msg)
}

// skipSpace skips blanks, comments and line continuations (backtick + newline).
// It reports whether anything was skipped.
func (lx *lexer) skipSpace() (bool, *ParseError) {
	skipped := false
	for lx.pos < len(lx.s) {
		r, n := lx.cur()
		switch {
		case isSpace(r):
			lx.pos += n
		case r == '`' && (lx.peekRune(1) == '\n' || lx.peekRune(1) == '\r'):
			lx.pos++
			if lx.s[lx.pos] == '\r' {
				lx.pos++
			}
			if lx.pos < len(lx.s) && lx.s[lx.pos] == '\n' {
				lx.pos++
			}
		case r == '#':
			for lx.pos < len(lx.s) && lx.s[lx.pos] != '\n' && lx.s[lx.pos] != '\r' {
				lx.pos++
			}
		case r == '<' && lx.peekRune(1) == '#':
			start := lx.pos
			end := strings.Index(lx.s[lx.pos+2:], "#>")
			if end < 0 {
				lx.pos = len(lx.s)
				return true, lx.errAt(start, start+2, "MissingEndOfComment", "Missing end of comment '#>'.")
			}
			lx.pos += 2 + end + 2
		default:
			return skipped, nil
		}
		skipped = true
	}
	return skipped, nil
}

// next scans one token in the given mode.
func (lx *lexer) next(mode lexMode) (token, *ParseError) {
	before := lx.pos
	skipped, perr := lx.skipSpace()
	if perr != nil {
		return token{}, perr
	}
	space := skipped || before == 0
	if !space && before > 0 {
		prev := lx.s[before-1]
		space = prev == '\n' || prev == '\r'
	}
	start := lx.pos
	tok, err := lx.scan(mode)
	tok.start = start
	if tok.end == 0 {
		tok.end = lx.pos
	}
	tok.space = space
	return tok, err
}

func (lx *lexer) op(text string, n int) (token, *ParseError) {
	lx.pos += n
	return token{kind: tkOp, text: text}, nil
}

func (lx *lexer) scan(mode lexMode) (token, *ParseError) {
	if lx.pos >= len(lx.s) {
		return token{kind: tkEOF}, nil
	}
	r, n := lx.cur()
	r1 := lx.peekRune(n)
	switch {
	case r == '\n':
		lx.pos++
		return token{kind: tkNewline}, nil
	case r == '\r':
		lx.pos++
		if lx.pos < len(lx.s) && lx.s[lx.pos] == '\n' {
			lx.pos++
		}
		return token{kind: tkNewline}, nil
	case r == ';':
		lx.pos++
		return token{kind: tkSemi, text: ";"}, nil
	case isSingleQuote(r):
		return lx.scanSingle()
	case isDoubleQuote(r):
		return lx.scanDouble()
	case r == '@':
		switch {
		case isSingleQuote(r1) || isDoubleQuote(r1):
			if t, ok, err := lx.scanHereString(); ok || err != nil {
				return t, err
			}
		case r1 == '(':
			return lx.op("@(", 2)
		case r1 == '{':
			return lx.op("@{", 2)
		case isIdentChar(r1) && mode == modeCmd:
			lx.pos++
			name := lx.scanIdent()
			return token{kind: tkSplat, text: name}, nil
		}
		if mode == modeCmd {
			return lx.scanGeneric()
		}
		lx.pos++
		return token{kind: tkOp, text: "@"}, nil
	case r == '$':
		return lx.scanVariable(mode)
	case (r >= '1' && r <= '6' || r == '*') && r1 == '>':
		return lx.scanRedirect()
	case r == '>':
		return lx.scanRedirect()
	case isDash(r):
		return lx.scanDash(mode, n)
	}
	if mode == modeCmd {
		switch r {
		case '(', ')', '{', '}', ',', '|':
			return lx.op(string(r), 1)
		case '&':
			if r1 == '&' {
				return lx.op("&&", 2)
			}
			return lx.op("&", 1)
		case '.':
			// A lone dot followed by a blank is the dot-source operator.
			if r1 == -1 || isSpace(r1) {
				return lx.op(".", 1)
			}
		case '<':
			return lx.op("<", 1)
		}
		return lx.scanGeneric()
	}
	// Expression mode.
	switch {
	case unicode.IsDigit(r) || (r == '.' && r1 >= '0' && r1 <= '9' && (lx.pos == 0 || lx.s[lx.pos-1] != '.')):
		if t, ok := lx.scanNumberExpr(); ok {
			return t, nil
		}
		return lx.scanGeneric()
	case isIdentStart(r):
		return token{kind: tkWord, text: lx.scanIdent()}, nil
	}
	two := ""
	if lx.pos+2 <= len(lx.s) {
		two = lx.s[lx.pos : lx.pos+2]
	}
	switch two {
	case "::", "..", "++", "+=", "*=", "/=", "%=", "&&", "||":
		return lx.op(two, 2)
	}
	switch r {
	case '(', ')', '{', '}', '[', ']', ',', '.', '!', '|', '&', '=', '+', '*', '/', '%', '<', '?', ':':
		return lx.op(string(r), 1)
	}
	return lx.scanGeneric()
}

func (lx *lexer) scanIdent() string {
	start := lx.pos
	for lx.pos < len(lx.s) {
		r, n := lx.cur()
		if !isIdentChar(r) {
			break
		}
		lx.pos += n
	}
	return lx.s[start:lx.pos]
}

// scanDash handles '-' in both modes: parameters, negative numbers, dash
// operators, --, -= and plain minus.
func (lx *lexer) scanDash(mode lexMode, n int) (token, *ParseError) {
	r1 := lx.peekRune(n)
	if mode == modeCmd {
		if isIdentStart(r1) || r1 == '?' {
			start := lx.pos
			lx.pos += n
			for lx.pos < len(lx.s) {
				r, m := lx.cur()
				if isSpace(r) || strings.ContainsRune(";|&(){},:\r\n.'\"", r) || isSingleQuote(r) || isDoubleQuote(r) {
					break
				}
				lx.pos += m
			}
			name := lx.s[start+n : lx.pos]
			t := token{kind: tkParam, text: name}
			if lx.pos < len(lx.s) && lx.s[lx.pos] == ':' {
				lx.pos++
				t.colon = true
			}
			return t, nil
		}
		if r1 == -1 || isSpace(r1) || strings.ContainsRune(";|){},\r\n", r1) {
			lx.pos += n
			return token{kind: tkWord, text: "-"}, nil
		}
		return lx.scanGeneric()
	}
	switch {
	case isDash(r1):
		return lx.op("--", n+utf8.RuneLen(r1))
	case r1 == '=':
		return lx.op("-=", n+1)
	case isIdentStart(r1):
		save := lx.pos
		lx.pos += n
		word := lx.scanIdent()
		lw := strings.ToLower(word)
		if dashOperators[lw] {
			return token{kind: tkOp, text: "-" + lw}, nil
		}
		// Not an operator: report it as an unexpected token.
		lx.pos = save + n + len(word)
		return token{kind: tkOp, text: "-" + word}, nil
	}
	return lx.op("-", n)
}

// scanRedirect scans > >> n> n>> n>&m *> *>&1.
func (lx *lexer) scanRedirect() (token, *ParseError) {
	start := lx.pos
	if lx.s[lx.pos] != '>' {
		lx.pos++
	}
	lx.pos++ // '>'
	if lx.pos < len(lx.s) && lx.s[lx.pos] == '>' {
		lx.pos++
	} else if lx.pos+1 < len(lx.s) && lx.s[lx.pos] == '&' && lx.s[lx.pos+1] >= '1' && lx.s[lx.pos+1] <= '6' {
		lx.pos += 2
	}
	return token{kind: tkRedirect, text: lx.s[start:lx.pos]}, nil
}

// scanGeneric scans a command-mode generic token: everything up to a blank or
// a character that ends a command argument. Backticks escape the next
// character. A token containing an unescaped $ is expandable.
func (lx *lexer) scanGeneric() (token, *ParseError) {
	start := lx.pos
	var sb strings.Builder
	expandable := false
	for lx.pos < len(lx.s) {
		r, n := lx.cur()
		if isSpace(r) || r == '\n' || r == '\r' || strings.ContainsRune(";|&(){},", r) || isSingleQuote(r) || isDoubleQuote(r) {
			break
		}
		if r == '`' && lx.pos+1 < len(lx.s) {
			_, m := lx.runeAt(lx.pos + 1)
			sb.WriteString(lx.s[lx.pos+1 : lx.pos+1+m])
			lx.pos += 1 + m
			continue
		}
		if r == '$' {
			r1 := lx.peekRune(1)
			if isVarChar(r1) || r1 == '{' || r1 == '(' || r1 == '$' || r1 == '^' {
				expandable = true
			}
		}
		sb.WriteRune(r)
		lx.pos += n
	}
	if lx.pos == start {
		r, n := lx.cur()
		lx.pos += n
		return token{kind: tkWord, text: string(r)}, nil
	}
	text := lx.s[start:lx.pos]
	if expandable {
		return token{kind: tkExpandable, raw: text, rawAt: start, text: text}, nil
	}
	if v, ok := parseNumberLiteral(text); ok {
		return token{kind: tkNumber, text: text, val: v}, nil
	}
	return token{kind: tkWord, text: sb.String()}, nil
}

// scanNumberExpr scans a number in expression mode without consuming "..".
func (lx *lexer) scanNumberExpr() (token, bool) {
	start := lx.pos
	p := lx.pos
	s := lx.s
	isHex := false
	if p+1 < len(s) && s[p] == '0' && (s[p+1] == 'x' || s[p+1] == 'X') {
		isHex = true
		p += 2
		for p < len(s) && isHexDigit(s[p]) {
			p++
		}
	} else {
		for p < len(s) && s[p] >= '0' && s[p] <= '9' {
			p++
		}
		if p+1 < len(s) && s[p] == '.' && s[p+1] >= '0' && s[p+1] <= '9' {
			p++
			for p < len(s) && s[p] >= '0' && s[p] <= '9' {
				p++
			}
		}
		if p < len(s) && (s[p] == 'e' || s[p] == 'E') {
			q := p + 1
			if q < len(s) && (s[q] == '+' || s[q] == '-') {
				q++
			}
			if q < len(s) && s[q] >= '0' && s[q] <= '9' {
				for q < len(s) && s[q] >= '0' && s[q] <= '9' {
					q++
				}
				p = q
			}
		}
	}
	// Type suffix and multiplier.
	if p < len(s) && (s[p] == 'l' || s[p] == 'L' || (!isHex && (s[p] == 'd' || s[p] == 'D'))) {
		if p+1 >= len(s) || (s[p+1] != 'b' && s[p+1] != 'B') {
			p++
		}
	}
	if p+1 < len(s) {
		m := strings.ToLower(s[p : p+2])
		switch m {
		case "kb", "mb", "gb", "tb", "pb":
			p += 2
		}
	}
	if p < len(s) {
		r, _ := utf8.DecodeRuneInString(s[p:])
		if isIdentChar(r) {
			return token{}, false
		}
	}
	text := s[start:p]
	v, ok := parseNumberLiteral(text)
	if !ok {
		return token{}, false
	}
	lx.pos = p
	return token{kind: tkNumber, text: text, val: v}, true
}

func isDecimalDigit(c byte) bool { return c >= '0' && c <= '9' }

// isDecimalLiteralByte reports whether c may appear in a decimal or
// exponent-form number literal.
func isDecimalLiteralByte(c byte) bool {
	return isDecimalDigit(c) || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'
}

func isHexDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// parseNumberLiteral parses a PowerShell numeric literal (as a whole):
// decimal, hex, exponent, l/d suffixes and kb..pb multipliers. A leading sign
// is accepted because command arguments such as -5 are numbers.
func parseNumberLiteral(text string) (Value, bool) {
	s := text
	neg := false
	if s != "" {
		r, n := utf8.DecodeRuneInString(s)
		if isDash(r) || r == '+' {
			neg = isDash(r)
			s = s[n:]
		}
	}
	if s == "" {
		return nil, false
	}
	mult := int64(1)
	if len(s) > 2 {
		switch strings.ToLower(s[len(s)-2:]) {
		case "kb":
			mult = 1 << 10
		case "mb":
			mult = 1 << 20
		case "gb":
			mult = 1 << 30
		case "tb":
			mult = 1 << 40
		case "pb":
			mult = 1 << 50
		}
		if mult != 1 {
			s = s[:len(s)-2]
		}
	}
	isDouble := false
	if len(s) > 1 {
		last := s[len(s)-1]
		hex := len(s) > 2 && (s[1] == 'x' || s[1] == 'X')
		if last == 'l' || last == 'L' || (!hex && (last == 'd' || last == 'D')) {
			s = s[:len(s)-1]
		}
	}
	if s == "" {
		return nil, false
	}
	var iv int64   // the value unless isDouble
	var fv float64 // the value when isDouble
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		u, err := strconv.ParseUint(s[2:], 16, 64)
		if err != nil {
			return nil, false
		}
		i := int64(u)
		if u <= 0xFFFFFFFF && len(s[2:]) <= 8 {
			i = int64(int32(uint32(u))) // 0xFFFFFFFF is -1 as in PowerShell
		}
		iv = i
	} else {
		for i := 0; i < len(s); i++ {
			c := s[i]
			if !isDecimalLiteralByte(c) {
				return nil, false
			}
		}
		if c := s[0]; c != '.' && !isDecimalDigit(c) {
			return nil, false
		}
		if strings.ContainsAny(s, ".eE") {
			f, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return nil, false
			}
			fv = f
			isDouble = true
		} else {
			i, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				f, ferr := strconv.ParseFloat(s, 64)
				if ferr != nil {
					return nil, false
				}
				fv = f
				isDouble = true
			} else {
				iv = i
			}
		}
	}
	if isDouble {
		f := fv * float64(mult)
		if neg {
			f = -f
		}
		return f, true
	}
	i := iv
	if mult != 1 {
		if i > math.MaxInt64/mult {
			return float64(i) * float64(mult), true
		}
		i *= mult
	}
	if neg {
		i = -i
	}
	return int(i), true
}

// scanSingle scans a verbatim string: ” (or a doubled typographic single
// quote) is an escaped quote, nothing else is special.
func (lx *lexer) scanSingle() (token, *ParseError) {
	start := lx.pos
	_, n := lx.cur()
	lx.pos += n
	var sb strings.Builder
	for lx.pos < len(lx.s) {
		r, m := lx.cur()
		if isSingleQuote(r) {
			lx.pos += m
			if r2, m2 := lx.cur(); isSingleQuote(r2) {
				sb.WriteRune(r2)
				lx.pos += m2
				continue
			}
			return token{kind: tkString, val: sb.String(), text: sb.String(), quote: true}, nil
		}
		sb.WriteRune(r)
		lx.pos += m
	}
	return token{}, lx.errAt(start, start+n, "TerminatorExpectedAtEndOfString", "The string is missing the terminator: '.")
}

// scanDouble finds the end of an expandable string. Nested $( ) may contain
// quotes of their own, so sub-expressions are skipped with skipBalanced.
func (lx *lexer) scanDouble() (token, *ParseError) {
	start := lx.pos
	_, n := lx.cur()
	lx.pos += n
	bodyStart := lx.pos
	for lx.pos < len(lx.s) {
		r, m := lx.cur()
		switch {
		case r == '`':
			lx.pos++
			if lx.pos < len(lx.s) {
				_, m2 := lx.cur()
				lx.pos += m2
			}
			continue
		case r == '$' && lx.peekRune(1) == '(':
			lx.pos += 2
			if err := lx.skipBalanced(); err != nil {
				return token{}, err
			}
			continue
		case isDoubleQuote(r):
			if r2 := lx.peekRune(m); isDoubleQuote(r2) {
				lx.pos += m + utf8.RuneLen(r2)
				continue
			}
			body := lx.s[bodyStart:lx.pos]
			lx.pos += m
			return token{kind: tkExpandable, raw: body, rawAt: bodyStart, text: body, quote: true}, nil
		}
		lx.pos += m
	}
	return token{}, lx.errAt(start, start+n, "TerminatorExpectedAtEndOfString", "The string is missing the terminator: \".")
}

// skipBalanced advances past the bracket that closes a $( sub-expression,
// skipping strings, here-strings and comments. It is used only to find where
// an expandable string ends; the sub-expression itself is parsed properly
// later.
func (lx *lexer) skipBalanced() *ParseError {
	depth := 1
	start := lx.pos
	for lx.pos < len(lx.s) {
		if _, err := lx.skipSpace(); err != nil {
			return err
		}
		if lx.pos >= len(lx.s) {
			break
		}
		r, m := lx.cur()
		switch {
		case isSingleQuote(r):
			if _, err := lx.scanSingle(); err != nil {
				return err
			}
			continue
		case isDoubleQuote(r):
			if _, err := lx.scanDouble(); err != nil {
				return err
			}
			continue
		case r == '@' && (isSingleQuote(lx.peekRune(1)) || isDoubleQuote(lx.peekRune(1))):
			if _, ok, err := lx.scanHereString(); err != nil {
				return err
			} else if ok {
				continue
			}
		case r == '(' || r == '{' || r == '[':
			depth++
		case r == ')' || r == '}' || r == ']':
			depth--
			if depth == 0 {
				lx.pos += m
				return nil
			}
		case r == '`':
			lx.pos++
			if lx.pos < len(lx.s) {
				_, m2 := lx.cur()
				lx.pos += m2
			}
			continue
		}
		lx.pos += m
	}
	return lx.errAt(start-2, start, "IncompleteDollarSubexpressionReference", "Missing closing ')' in subexpression.")
}

// scanHereString scans @'...'@ or @"..."@. The opening quote must be the
// last thing on its line and the closing one the first thing on its line.
func (lx *lexer) scanHereString() (token, bool, *ParseError) {
	start := lx.pos
	q, qn := lx.runeAt(lx.pos + 1)
	p := lx.pos + 1 + qn
	for p < len(lx.s) && (lx.s[p] == ' ' || lx.s[p] == '\t') {
		p++
	}
	if p < len(lx.s) && lx.s[p] == '\r' {
		p++
	}
	if p >= len(lx.s) || lx.s[p] != '\n' {
		return token{}, false, nil
	}
	p++
	bodyStart := p
	expand := isDoubleQuote(q)
	for lineStart := p; lineStart <= len(lx.s); {
		r, rn := lx.runeAt(lineStart)
		if ((expand && isDoubleQuote(r)) || (!expand && isSingleQuote(r))) && lineStart+rn < len(lx.s) && lx.s[lineStart+rn] == '@' {
			bodyEnd := lineStart
			if bodyEnd > bodyStart {
				bodyEnd-- // the newline before the terminator
				if bodyEnd > bodyStart && lx.s[bodyEnd-1] == '\r' {
					bodyEnd--
				}
			}
			if bodyEnd < bodyStart {
				bodyEnd = bodyStart
			}
			body := lx.s[bodyStart:bodyEnd]
			lx.pos = lineStart + rn + 1
			if expand {
				return token{kind: tkExpandable, raw: body, rawAt: bodyStart, text: body, quote: true}, true, nil
			}
			return token{kind: tkString, val: body, text: body, quote: true}, true, nil
		}
		nl := strings.IndexByte(lx.s[lineStart:], '\n')
		if nl < 0 {
			break
		}
		lineStart += nl + 1
	}
	lx.pos = len(lx.s)
	return token{}, true, lx.errAt(start, start+2, "TerminatorExpectedAtEndOfString", "The string is missing the terminator: "+string(q)+"@.")
}

// scanVariable scans $name, ${name}, $scope:name, $_, $?, $$, $^ and $(.
func (lx *lexer) scanVariable(mode lexMode) (token, *ParseError) {
	start := lx.pos
	r1 := lx.peekRune(1)
	switch {
	case r1 == '(':
		return lx.op("$(", 2)
	case r1 == '{':
		lx.pos += 2
		var sb strings.Builder
		for lx.pos < len(lx.s) {
			r, n := lx.cur()
			if r == '}' {
				lx.pos++
				return token{kind: tkVar, text: sb.String()}, nil
			}
			if r == '`' && lx.pos+1 < len(lx.s) {
				lx.pos++
				r, n = lx.cur()
			}
			sb.WriteRune(r)
			lx.pos += n
		}
		return token{}, lx.errAt(start, start+2, "IncompleteDollarVariableReference", "Missing '}' after variable name.")
	case r1 == '?' || r1 == '$' || r1 == '^':
		lx.pos += 2
		return token{kind: tkVar, text: string(r1)}, nil
	case isIdentChar(r1):
		lx.pos++
		name := lx.scanIdent()
		// scope or drive qualifier: $env:NAME, $script:x
		if lx.pos < len(lx.s) && lx.s[lx.pos] == ':' {
			r2 := lx.peekRune(1)
			if isIdentChar(r2) {
				lx.pos++
				rest := lx.scanIdent()
				name = name + ":" + rest
			}
		}
		return token{kind: tkVar, text: name}, nil
	}
	if mode == modeCmd {
		return lx.scanGeneric()
	}
	lx.pos++
	return token{}, lx.errAt(start, start+1, "InvalidVariableReference", "Variable reference is not valid. '$' was not followed by a valid variable name character. Consider using ${} to delimit the name.")
}

// scanTypeName scans the inside of a type literal after '[': a dotted name
// optionally followed by [] or generic arguments in brackets.
func (lx *lexer) scanTypeName() string {
	// An unterminated <# comment runs to the end of the text: the name is
	// then empty and the caller reports what is missing.
	_, _ = lx.skipSpace()
	start := lx.pos
	for lx.pos < len(lx.s) {
		r, n := lx.cur()
		if isIdentChar(r) || r == '.' || r == '`' || r == '+' {
			lx.pos += n
			continue
		}
		if r == '[' {
			// array rank or generic arguments
			depth := 0
			p := lx.pos
			for p < len(lx.s) {
				c := lx.s[p]
				if c == '[' {
					depth++
				} else if c == ']' {
					depth--
					if depth == 0 {
						p++
						break
					}
				} else if c == '\n' {
					break
				}
				p++
			}
			if depth != 0 {
				break
			}
			lx.pos = p
			continue
		}
		break
	}
	return strings.TrimSpace(lx.s[start:lx.pos])
}

// scanHashKey scans a bare hashtable key (a generic word that stops at '=').
func (lx *lexer) scanHashKey() (string, bool) {
	r, _ := lx.cur()
	if !isIdentStart(r) {
		return "", false
	}
	start := lx.pos
	for lx.pos < len(lx.s) {
		r, n := lx.cur()
		if !isIdentChar(r) && r != '-' && r != '.' {
			break
		}
		lx.pos += n
	}
	return lx.s[start:lx.pos], true
}

// tokenize scans a whole input in one mode; used by tests and diagnostics.
func tokenize(text string, mode lexMode) ([]token, error) {
	lx := newLexer(newSource(text))
	var out []token
	for {
		t, err := lx.next(mode)
		if err != nil {
			return out, err
		}
		out = append(out, t)
		if t.kind == tkEOF {
			return out, nil
		}
	}
}
