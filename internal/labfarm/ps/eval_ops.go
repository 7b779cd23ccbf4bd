package ps

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
)

// binaryOp applies a binary operator (all but -and/-or, which short-circuit).
func (in *interp) binaryOp(sc *scope, op string, l, r Value) (Value, error) {
	switch op {
	case "+":
		return addValues(l, r)
	case "-", "*", "/", "%":
		return arith(op, l, r)
	case "..":
		return rangeValues(l, r)
	case "-f":
		args, ok := enumerable(r)
		if !ok {
			args = []Value{r}
		}
		return formatOperator(ToString(l), args)
	case "-xor":
		return ToBool(l) != ToBool(r), nil
	case "-band", "-bor", "-bxor", "-shl", "-shr":
		a, err := toInt64(l, tLong)
		if err != nil {
			return nil, err
		}
		b, err := toInt64(r, tLong)
		if err != nil {
			return nil, err
		}
		switch op {
		case "-band":
			return int(a & b), nil
		case "-bor":
			return int(a | b), nil
		case "-bxor":
			return int(a ^ b), nil
		case "-shl":
			return int(a << uint(b&63)), nil
		}
		return int(a >> uint(b&63)), nil
	case "-is", "-isnot":
		t, err := typeOperand(r)
		if err != nil {
			return nil, err
		}
		res := isInstance(l, t)
		if op == "-isnot" {
			res = !res
		}
		return res, nil
	case "-as":
		t, err := typeOperand(r)
		if err != nil {
			return nil, err
		}
		// -as yields $null, not an error, when the conversion fails.
		if v, cerr := convertTo(l, t); cerr == nil {
			return v, nil
		}
		return nil, nil
	case "-join":
		items := AsSlice(l)
		parts := make([]string, len(items))
		for i, it := range items {
			parts[i] = ToString(it)
		}
		return strings.Join(parts, ToString(r)), nil
	}
	// comparison family
	cs := false
	base := op
	if len(op) > 2 && (op[1] == 'c' || op[1] == 'i') {
		if _, known := binaryPrecedence["-"+op[2:]]; known {
			cs = op[1] == 'c'
			base = "-" + op[2:]
		}
	}
	switch base {
	case "-contains", "-notcontains":
		found := false
		for _, it := range AsSlice(l) {
			if valuesEqual(it, r, cs) {
				found = true
				break
			}
		}
		return found == (base == "-contains"), nil
	case "-in", "-notin":
		found := false
		for _, it := range AsSlice(r) {
			if valuesEqual(it, l, cs) {
				found = true
				break
			}
		}
		return found == (base == "-in"), nil
	case "-replace":
		return replaceOp(l, r, cs)
	case "-split":
		return splitOp(l, r, cs)
	}
	if items, ok := enumerable(l); ok {
		out := []Value{}
		for _, it := range items {
			match, err := in.compareScalar(nil, base, it, r, cs)
			if err != nil {
				return nil, err
			}
			if match {
				out = append(out, it)
			}
		}
		return out, nil
	}
	return in.compareScalar(sc, base, l, r, cs)
}

func typeOperand(r Value) (*psType, error) {
	switch x := r.(type) {
	case *typeInfo:
		return x.t, nil
	case string:
		if t := lookupType(x); t != nil {
			return t, nil
		}
		return nil, typeNotFound(x)
	}
	return nil, rtError("InvalidArgument", "RuntimeException", "The right operand of '-is' or '-as' must be a type.")
}

// compareScalar applies a comparison operator to one left value. sc is nil
// when $Matches must not be set (array left operand).
func (in *interp) compareScalar(sc *scope, op string, l, r Value, cs bool) (bool, error) {
	switch op {
	case "-eq":
		return valuesEqual(l, r, cs), nil
	case "-ne":
		return !valuesEqual(l, r, cs), nil
	case "-gt", "-ge", "-lt", "-le":
		c, err := compareValues(l, r, cs)
		if err != nil {
			return false, err
		}
		switch op {
		case "-gt":
			return c > 0, nil
		case "-ge":
			return c >= 0, nil
		case "-lt":
			return c < 0, nil
		}
		return c <= 0, nil
	case "-like":
		return wildcardMatch(ToString(r), ToString(l), cs), nil
	case "-notlike":
		return !wildcardMatch(ToString(r), ToString(l), cs), nil
	case "-match", "-notmatch":
		ok, err := in.regexMatch(sc, ToString(l), ToString(r), cs, sc != nil)
		if err != nil {
			return false, err
		}
		return ok == (op == "-match"), nil
	}
	return false, rtError("InvalidOperation", "RuntimeException", "Unknown operator '"+op+"'.")
}

func addValues(l, r Value) (Value, error) {
	switch lv := l.(type) {
	case nil:
		if items, ok := enumerable(r); ok {
			return append([]Value(nil), items...), nil
		}
		return r, nil
	case []Value, []byte, []string, *arrayList:
		items, _ := enumerable(lv)
		out := append([]Value(nil), items...)
		if ri, ok := enumerable(r); ok {
			return append(out, ri...), nil
		}
		return append(out, r), nil
	case *Hashtable:
		rh, ok := r.(*Hashtable)
		if !ok {
			return nil, rtError("InvalidOperation", "RuntimeException", "A hash table can only be added to another hash table.")
		}
		out := NewHashtable()
		out.ordered = lv.ordered
		for _, k := range lv.Keys() {
			v, _ := lv.Get(k)
			out.Set(k, v)
		}
		for _, k := range rh.Keys() {
			if _, dup := out.Get(k); dup {
				rec := rtError("InvalidOperation", "RuntimeException", fmt.Sprintf("Item has already been added. Key in dictionary: '%s'  Key being added: '%s'", k, k))
				rec.FullyQualifiedErrorID = "System.ArgumentException"
				return nil, rec
			}
			v, _ := rh.Get(k)
			out.Set(k, v)
		}
		return out, nil
	case string:
		return lv + ToString(r), nil
	case int, float64, bool:
		return arith("+", lv, r)
	case *dateTime:
		if ts, ok := r.(*timeSpan); ok {
			return &dateTime{t: lv.t.Add(ts.d), utc: lv.utc}, nil
		}
	case *timeSpan:
		if ts, ok := r.(*timeSpan); ok {
			return &timeSpan{d: lv.d + ts.d}, nil
		}
	}
	return nil, methodNotFound(l, "op_Addition")
}

func arith(op string, l, r Value) (Value, error) {
	if op == "*" {
		if s, ok := l.(string); ok {
			n, err := ToInt(r)
			if err != nil {
				return nil, err
			}
			if n < 0 || len(s)*n > 1<<26 {
				return nil, rtError("InvalidOperation", "RuntimeException", "Arithmetic operation resulted in an overflow.")
			}
			return strings.Repeat(s, n), nil
		}
		if items, ok := enumerable(l); ok {
			n, err := ToInt(r)
			if err != nil {
				return nil, err
			}
			out := []Value{}
			for i := 0; i < n && len(out) < 1<<24; i++ {
				out = append(out, items...)
			}
			return out, nil
		}
	}
	if op == "-" {
		if ld, ok := l.(*dateTime); ok {
			switch rv := r.(type) {
			case *dateTime:
				return &timeSpan{d: ld.t.Sub(rv.t)}, nil
			case *timeSpan:
				return &dateTime{t: ld.t.Add(-rv.d), utc: ld.utc}, nil
			}
		}
		if ld, ok := l.(*timeSpan); ok {
			if rv, ok := r.(*timeSpan); ok {
				return &timeSpan{d: ld.d - rv.d}, nil
			}
		}
	}
	switch l.(type) {
	case nil, int, float64, bool, string:
	default:
		names := map[string]string{"-": "op_Subtraction", "*": "op_Multiply", "/": "op_Division", "%": "op_Modulus", "+": "op_Addition"}
		return nil, methodNotFound(l, names[op])
	}
	ln, err := toNumber(l)
	if err != nil {
		return nil, err
	}
	rn, err := toNumber(r)
	if err != nil {
		return nil, err
	}
	li, lok := ln.(int)
	ri, rok := rn.(int)
	if lok && rok {
		switch op {
		case "+":
			s := li + ri
			if (s > li) == (ri > 0) {
				return s, nil
			}
			return float64(li) + float64(ri), nil
		case "-":
			s := li - ri
			if (s < li) == (ri > 0) {
				return s, nil
			}
			return float64(li) - float64(ri), nil
		case "*":
			if li == 0 || ri == 0 {
				return 0, nil
			}
			if p, ok := mulInt(li, ri); ok {
				return p, nil
			}
			return float64(li) * float64(ri), nil
		case "/":
			if ri == 0 {
				return nil, divideByZero()
			}
			if li%ri == 0 {
				return li / ri, nil
			}
			return float64(li) / float64(ri), nil
		case "%":
			if ri == 0 {
				return nil, divideByZero()
			}
			return li % ri, nil
		}
	}
	lf, _ := toDouble(ln)
	rf, _ := toDouble(rn)
	switch op {
	case "+":
		return lf + rf, nil
	case "-":
		return lf - rf, nil
	case "*":
		return lf * rf, nil
	case "/":
		if rf == 0 {
			return nil, divideByZero()
		}
		return lf / rf, nil
	}
	if rf == 0 {
		return nil, divideByZero()
	}
	return math.Mod(lf, rf), nil
}

func divideByZero() *ErrorRecord {
	rec := rtError("NotSpecified", "RuntimeException", "Attempted to divide by zero.")
	rec.inner = &exceptionValue{typeName: "System.DivideByZeroException", message: "Attempted to divide by zero."}
	return rec
}

func methodNotFound(v Value, method string) *ErrorRecord {
	rec := rtError("InvalidOperation", "RuntimeException", fmt.Sprintf("Method invocation failed because [%s] does not contain a method named '%s'.", typeName(v), method))
	rec.FullyQualifiedErrorID = "MethodNotFound"
	return rec
}

func rangeValues(l, r Value) (Value, error) {
	a, err := ToInt(l)
	if err != nil {
		return nil, err
	}
	b, err := ToInt(r)
	if err != nil {
		return nil, err
	}
	n := b - a
	if n < 0 {
		n = -n
	}
	if n > 1<<24 {
		return nil, rtError("InvalidOperation", "RuntimeException", "The range is too large.")
	}
	out := make([]Value, 0, n+1)
	if a <= b {
		for i := a; i <= b; i++ {
			out = append(out, i)
		}
	} else {
		for i := a; i >= b; i-- {
			out = append(out, i)
		}
	}
	return out, nil
}

func (in *interp) unaryOp(op string, v Value) (Value, error) {
	switch op {
	case "!", "-not":
		return !ToBool(v), nil
	case "-":
		n, err := toNumber(v)
		if err != nil {
			return nil, err
		}
		switch x := n.(type) {
		case int:
			return -x, nil
		case float64:
			return -x, nil
		}
		return nil, castError(v, tInt)
	case "+":
		return toNumber(v)
	case "-bnot":
		n, err := toInt64(v, tLong)
		if err != nil {
			return nil, err
		}
		return int(^n), nil
	case "-split":
		var out []Value
		for _, it := range AsSlice(v) {
			for _, f := range strings.FieldsFunc(ToString(it), unicode.IsSpace) {
				out = append(out, f)
			}
		}
		if out == nil {
			out = []Value{}
		}
		return out, nil
	case "-join":
		items := AsSlice(v)
		var b strings.Builder
		for _, it := range items {
			b.WriteString(ToString(it))
		}
		return b.String(), nil
	}
	return nil, rtError("InvalidOperation", "RuntimeException", "Unknown operator '"+op+"'.")
}

// ---- wildcards and regular expressions ----

// wildcardMatch implements -like: * ? [set] with backtick escapes.
func wildcardMatch(pattern, s string, cs bool) bool {
	re, err := compileRegex(wildcardToRegex(pattern), !cs)
	if err != nil {
		return false
	}
	return re.MatchString(s)
}

func wildcardToRegex(p string) string {
	var b strings.Builder
	b.WriteString(`^(?s:`)
	rs := []rune(p)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch c {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		case '`':
			if i+1 < len(rs) {
				i++
				b.WriteString(regexp.QuoteMeta(string(rs[i])))
			}
		case '[':
			j := i + 1
			for j < len(rs) && rs[j] != ']' {
				j++
			}
			if j < len(rs) {
				set := string(rs[i+1 : j])
				set = strings.ReplaceAll(set, `\`, `\\`)
				b.WriteString("[" + set + "]")
				i = j
			} else {
				b.WriteString(`\[`)
			}
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString(`)$`)
	return b.String()
}

var regexCache sync.Map

type regexKey struct {
	pattern string
	ci      bool
}

// compileRegex compiles a .NET-style pattern with Go's RE2 (no
// look-around or back-references), caching compiled expressions.
func compileRegex(pattern string, ci bool) (*regexp.Regexp, error) {
	k := regexKey{pattern, ci}
	if cached, ok := regexCache.Load(k); ok {
		if re, ok := cached.(*regexp.Regexp); ok {
			return re, nil
		}
	}
	p := pattern
	if ci {
		p = "(?i)" + p
	}
	re, err := regexp.Compile(p)
	if err != nil {
		msg := strings.TrimPrefix(err.Error(), "error parsing regexp: ")
		rec := rtError("InvalidOperation", "RuntimeException", fmt.Sprintf("The regular expression pattern %s is not valid.", pattern))
		rec.FullyQualifiedErrorID = "InvalidRegularExpression"
		rec.inner = &exceptionValue{typeName: "System.ArgumentException", message: fmt.Sprintf("parsing \"%s\" - %s", pattern, msg)}
		rec.TargetName = pattern
		return nil, rec
	}
	regexCache.Store(k, re)
	return re, nil
}

// regexMatch implements -match; when setMatches it sets $Matches in sc.
func (in *interp) regexMatch(sc *scope, s, pattern string, cs, setMatches bool) (bool, error) {
	re, err := compileRegex(pattern, !cs)
	if err != nil {
		return false, err
	}
	idx := re.FindStringSubmatchIndex(s)
	if idx == nil {
		return false, nil
	}
	if setMatches && sc != nil {
		h := NewHashtable()
		names := re.SubexpNames()
		for i := len(idx)/2 - 1; i >= 0; i-- {
			if idx[2*i] < 0 {
				continue // group did not participate in the match
			}
			key := strconv.Itoa(i)
			if names[i] != "" {
				key = names[i]
			}
			h.Set(key, s[idx[2*i]:idx[2*i+1]])
		}
		_ = in.setVar(sc, "Matches", h)
	}
	return true, nil
}

// replaceOp implements -replace with .NET substitution syntax ($1, ${name},
// $0, $&, $$).
func replaceOp(l, r Value, cs bool) (Value, error) {
	args := AsSlice(r)
	if len(args) == 0 || len(args) > 2 {
		rec := rtError("InvalidOperation", "RuntimeException", "The -replace operator allows only two elements to follow it, not "+strconv.Itoa(len(args))+".")
		rec.FullyQualifiedErrorID = "BadReplaceArgument"
		return nil, rec
	}
	pattern := ToString(args[0])
	repl := ""
	if len(args) == 2 {
		repl = ToString(args[1])
	}
	re, err := compileRegex(pattern, !cs)
	if err != nil {
		return nil, err
	}
	do := func(s string) string {
		return re.ReplaceAllStringFunc(s, func(match string) string {
			sub := re.FindStringSubmatch(match)
			return expandReplacement(re, sub, repl)
		})
	}
	if items, ok := enumerable(l); ok {
		out := make([]Value, len(items))
		for i, it := range items {
			out[i] = do(ToString(it))
		}
		return out, nil
	}
	return do(ToString(l)), nil
}

func expandReplacement(re *regexp.Regexp, sub []string, repl string) string {
	var b strings.Builder
	for i := 0; i < len(repl); i++ {
		c := repl[i]
		if c != '$' || i+1 >= len(repl) {
			b.WriteByte(c)
			continue
		}
		n := repl[i+1]
		switch {
		case n == '$':
			b.WriteByte('$')
			i++
		case n == '&':
			if len(sub) > 0 {
				b.WriteString(sub[0])
			}
			i++
		case n >= '0' && n <= '9':
			j := i + 1
			for j < len(repl) && repl[j] >= '0' && repl[j] <= '9' {
				j++
			}
			idx, _ := strconv.Atoi(repl[i+1 : j])
			if idx < len(sub) {
				b.WriteString(sub[idx])
				i = j - 1
			} else {
				b.WriteByte('$')
			}
		case n == '{':
			end := strings.IndexByte(repl[i:], '}')
			if end < 0 {
				b.WriteByte('$')
				continue
			}
			name := repl[i+2 : i+end]
			idx := re.SubexpIndex(name)
			if idx < 0 {
				if k, err := strconv.Atoi(name); err == nil {
					idx = k
				}
			}
			if idx >= 0 && idx < len(sub) {
				b.WriteString(sub[idx])
			}
			i += end
		default:
			b.WriteByte('$')
		}
	}
	return b.String()
}

// mulInt multiplies two non-zero ints, reporting false when the product
// overflows.
func mulInt(a, b int) (int, bool) {
	p := a * b
	if p/b != a || (a == -1 && b == math.MinInt) || (b == -1 && a == math.MinInt) {
		return 0, false
	}
	return p, true
}

// splitOp implements binary -split (regular expression delimiter, optional
// maximum number of substrings).
func splitOp(l, r Value, cs bool) (Value, error) {
	args := AsSlice(r)
	pattern := ""
	limit := 0
	if len(args) > 0 {
		pattern = ToString(args[0])
	}
	if len(args) > 1 {
		n, err := ToInt(args[1])
		if err != nil {
			return nil, err
		}
		limit = n
	}
	re, err := compileRegex(pattern, !cs)
	if err != nil {
		return nil, err
	}
	out := []Value{}
	for _, it := range AsSlice(l) {
		s := ToString(it)
		n := -1
		if limit > 0 {
			n = limit
		}
		for _, part := range re.Split(s, n) {
			out = append(out, part)
		}
	}
	return out, nil
}

// ---- format operator ----

// formatOperator implements -f / [string]::Format with .NET composite
// formatting: {index[,alignment][:format]}.
func formatOperator(format string, args []Value) (Value, error) {
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c == '}' {
			if i+1 < len(format) && format[i+1] == '}' {
				i++
			}
			b.WriteByte('}')
			continue
		}
		if c != '{' {
			b.WriteByte(c)
			continue
		}
		if i+1 < len(format) && format[i+1] == '{' {
			b.WriteByte('{')
			i++
			continue
		}
		end := strings.IndexByte(format[i:], '}')
		if end < 0 {
			return nil, formatError()
		}
		spec := format[i+1 : i+end]
		i += end
		fmtStr := ""
		if k := strings.IndexByte(spec, ':'); k >= 0 {
			fmtStr = spec[k+1:]
			spec = spec[:k]
		}
		align := 0
		if k := strings.IndexByte(spec, ','); k >= 0 {
			a, err := strconv.Atoi(strings.TrimSpace(spec[k+1:]))
			if err != nil {
				return nil, formatError()
			}
			align = a
			spec = spec[:k]
		}
		idx, err := strconv.Atoi(strings.TrimSpace(spec))
		if err != nil {
			return nil, formatError()
		}
		if idx < 0 || idx >= len(args) {
			rec := rtError("InvalidOperation", "RuntimeException", "Error formatting a string: Index (zero based) must be greater than or equal to zero and less than the size of the argument list..")
			rec.FullyQualifiedErrorID = "FormatError"
			return nil, rec
		}
		s := formatValue(args[idx], fmtStr)
		switch {
		case align > 0 && len([]rune(s)) < align:
			s = strings.Repeat(" ", align-len([]rune(s))) + s
		case align < 0 && len([]rune(s)) < -align:
			s += strings.Repeat(" ", -align-len([]rune(s)))
		}
		b.WriteString(s)
	}
	return b.String(), nil
}

func formatError() *ErrorRecord {
	rec := rtError("InvalidOperation", "RuntimeException", "Error formatting a string: Input string was not in a correct format..")
	rec.FullyQualifiedErrorID = "FormatError"
	return rec
}

// formatValue applies a .NET format string (N2, D3, X, F1, P, E, custom
// 0.00) to a value, as ToString(format) does.
func formatValue(v Value, f string) string {
	if f == "" {
		return ToString(v)
	}
	if d, ok := v.(*dateTime); ok {
		return d.format(f)
	}
	var num float64
	isInt := false
	switch x := v.(type) {
	case int:
		num, isInt = float64(x), true
	case float64:
		num = x
	default:
		return ToString(v)
	}
	spec := f[0]
	prec := -1
	if len(f) > 1 {
		if p, err := strconv.Atoi(f[1:]); err == nil {
			prec = p
		} else {
			return customNumberFormat(num, f)
		}
	}
	switch spec {
	case 'N', 'n':
		if prec < 0 {
			prec = 2
		}
		return groupThousands(strconv.FormatFloat(roundHalfAway(num, prec), 'f', prec, 64))
	case 'F', 'f':
		if prec < 0 {
			prec = 2
		}
		return strconv.FormatFloat(roundHalfAway(num, prec), 'f', prec, 64)
	case 'D', 'd':
		if !isInt {
			return ToString(v)
		}
		s := strconv.FormatInt(int64(math.Abs(num)), 10)
		for len(s) < prec {
			s = "0" + s
		}
		if num < 0 {
			s = "-" + s
		}
		return s
	case 'X', 'x':
		if !isInt {
			return ToString(v)
		}
		n := int64(num)
		var s string
		if n < 0 {
			s = strconv.FormatUint(uint64(uint32(n)), 16)
		} else {
			s = strconv.FormatInt(n, 16)
		}
		for len(s) < prec {
			s = "0" + s
		}
		if spec == 'X' {
			s = strings.ToUpper(s)
		}
		return s
	case 'P', 'p':
		if prec < 0 {
			prec = 2
		}
		return groupThousands(strconv.FormatFloat(roundHalfAway(num*100, prec), 'f', prec, 64)) + " %"
	case 'E', 'e':
		if prec < 0 {
			prec = 6
		}
		s := strconv.FormatFloat(num, 'e', prec, 64)
		i := strings.IndexAny(s, "e")
		mant, exp := s[:i], s[i+1:]
		sign := exp[0]
		digits := strings.TrimLeft(exp[1:], "0")
		for len(digits) < 3 {
			digits = "0" + digits
		}
		e := "e"
		if spec == 'E' {
			e = "E"
		}
		return mant + e + string(sign) + digits
	case 'G', 'g', 'R', 'r':
		return ToString(v)
	}
	return customNumberFormat(num, f)
}

func roundHalfAway(f float64, prec int) float64 {
	p := math.Pow(10, float64(prec))
	return math.Round(f*p) / p
}

func groupThousands(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac := s, ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		intPart, frac = s[:i], s[i:]
	}
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	out := b.String() + frac
	if neg {
		out = "-" + out
	}
	return out
}

// customNumberFormat handles simple custom formats such as "0.00", "#,##0"
// and "000".
func customNumberFormat(num float64, f string) string {
	decimals := 0
	if i := strings.IndexByte(f, '.'); i >= 0 {
		for _, c := range f[i+1:] {
			if c == '0' || c == '#' {
				decimals++
			}
		}
	}
	s := strconv.FormatFloat(roundHalfAway(num, decimals), 'f', decimals, 64)
	if i := strings.IndexByte(f, '.'); i >= 0 {
		minDec := strings.Count(f[i+1:], "0")
		for strings.HasSuffix(s, "0") && strings.Contains(s, ".") && len(s)-strings.IndexByte(s, '.')-1 > minDec {
			s = s[:len(s)-1]
		}
		s = strings.TrimSuffix(s, ".")
	}
	intDigits := strings.Count(strings.SplitN(f, ".", 2)[0], "0")
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	ip := strings.SplitN(s, ".", 2)
	for len(ip[0]) < intDigits {
		ip[0] = "0" + ip[0]
	}
	s = strings.Join(ip, ".")
	if strings.Contains(f, ",") {
		s = groupThousands(s)
	}
	if neg {
		s = "-" + s
	}
	return s
}

// ---- dates ----

// format renders a DateTime with a .NET standard or custom format string.
func (d *dateTime) format(f string) string {
	t := d.t
	switch f {
	case "o", "O":
		s := t.Format("2006-01-02T15:04:05.0000000")
		if d.utc {
			return s + "Z"
		}
		return s + t.Format("-07:00")
	case "s":
		return t.Format("2006-01-02T15:04:05")
	case "u":
		return t.UTC().Format("2006-01-02 15:04:05Z")
	case "G", "":
		return t.Format("1/2/2006 3:04:05 PM")
	case "g":
		return t.Format("1/2/2006 3:04 PM")
	case "d":
		return t.Format("1/2/2006")
	case "D":
		return t.Format("Monday, January 2, 2006")
	case "F":
		return t.Format("Monday, January 2, 2006 3:04:05 PM")
	case "f":
		return t.Format("Monday, January 2, 2006 3:04 PM")
	case "t":
		return t.Format("3:04 PM")
	case "T":
		return t.Format("3:04:05 PM")
	case "r", "R":
		return t.UTC().Format("Mon, 02 Jan 2006 15:04:05 GMT")
	}
	return customDateFormat(t, f)
}

func customDateFormat(t time.Time, f string) string {
	var b strings.Builder
	for i := 0; i < len(f); {
		c := f[i]
		j := i
		for j < len(f) && f[j] == c {
			j++
		}
		n := j - i
		switch c {
		case 'y':
			if n <= 2 {
				fmt.Fprintf(&b, "%02d", t.Year()%100)
			} else {
				fmt.Fprintf(&b, "%04d", t.Year())
			}
		case 'M':
			switch n {
			case 1:
				fmt.Fprintf(&b, "%d", t.Month())
			case 2:
				fmt.Fprintf(&b, "%02d", t.Month())
			case 3:
				b.WriteString(t.Month().String()[:3])
			default:
				b.WriteString(t.Month().String())
			}
		case 'd':
			switch n {
			case 1:
				fmt.Fprintf(&b, "%d", t.Day())
			case 2:
				fmt.Fprintf(&b, "%02d", t.Day())
			case 3:
				b.WriteString(t.Weekday().String()[:3])
			default:
				b.WriteString(t.Weekday().String())
			}
		case 'H':
			if n == 1 {
				fmt.Fprintf(&b, "%d", t.Hour())
			} else {
				fmt.Fprintf(&b, "%02d", t.Hour())
			}
		case 'h':
			h := t.Hour() % 12
			if h == 0 {
				h = 12
			}
			if n == 1 {
				fmt.Fprintf(&b, "%d", h)
			} else {
				fmt.Fprintf(&b, "%02d", h)
			}
		case 'm':
			if n == 1 {
				fmt.Fprintf(&b, "%d", t.Minute())
			} else {
				fmt.Fprintf(&b, "%02d", t.Minute())
			}
		case 's':
			if n == 1 {
				fmt.Fprintf(&b, "%d", t.Second())
			} else {
				fmt.Fprintf(&b, "%02d", t.Second())
			}
		case 'f', 'F':
			frac := fmt.Sprintf("%09d", t.Nanosecond())
			if n > 7 {
				n = 7
			}
			b.WriteString(frac[:n])
		case 't':
			ampm := "AM"
			if t.Hour() >= 12 {
				ampm = "PM"
			}
			b.WriteString(ampm[:min(n, 2)])
		case 'z':
			_, off := t.Zone()
			sign := '+'
			if off < 0 {
				sign = '-'
				off = -off
			}
			if n >= 3 {
				fmt.Fprintf(&b, "%c%02d:%02d", sign, off/3600, off%3600/60)
			} else {
				fmt.Fprintf(&b, "%c%02d", sign, off/3600)
			}
		case 'K':
			b.WriteString(t.Format("-07:00"))
		case '\'', '"':
			end := strings.IndexByte(f[i+1:], c)
			if end < 0 {
				b.WriteString(f[i+1:])
				return b.String()
			}
			b.WriteString(f[i+1 : i+1+end])
			j = i + end + 2
		case '\\':
			if i+1 < len(f) {
				b.WriteByte(f[i+1])
			}
			j = i + 2
		default:
			b.WriteString(f[i:j])
		}
		i = j
	}
	return b.String()
}

func parseDate(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.0000000", "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02", "1/2/2006 3:04:05 PM", "1/2/2006 15:04:05", "1/2/2006", "2006-01-02 15:04:05Z"} {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func formatTimeSpan(d time.Duration) string {
	neg := d < 0
	if neg {
		d = -d
	}
	days := int64(d / (24 * time.Hour))
	d %= 24 * time.Hour
	h := int64(d / time.Hour)
	d %= time.Hour
	m := int64(d / time.Minute)
	d %= time.Minute
	s := int64(d / time.Second)
	d %= time.Second
	out := fmt.Sprintf("%02d:%02d:%02d", h, m, s)
	if days > 0 {
		out = fmt.Sprintf("%d.%s", days, out)
	}
	if d > 0 {
		out += fmt.Sprintf(".%07d", d/100)
	}
	if neg {
		out = "-" + out
	}
	return out
}
