package ps

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
)

// ToString converts a value to a string the way PowerShell does in casts,
// string expansion and concatenation: $null is "", booleans are
// True/False, arrays are their elements joined by a space. Cmdlet authors
// should use it for any parameter typed TypeObject.
func ToString(v Value) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []Value:
		parts := make([]string, len(x))
		for i, e := range x {
			if _, nested := e.([]Value); nested {
				parts[i] = "System.Object[]"
			} else {
				parts[i] = ToString(e)
			}
		}
		return strings.Join(parts, " ")
	case []byte:
		parts := make([]string, len(x))
		for i, b := range x {
			parts[i] = strconv.Itoa(int(b))
		}
		return strings.Join(parts, " ")
	case []string:
		return strings.Join(x, " ")
	case *arrayList:
		return ToString(x.items)
	case *xmlNodeList:
		return ToString(x.values())
	}
	return dotnetString(v)
}

// dotnetString is what the .ToString() method returns.
func dotnetString(v Value) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		if x {
			return "True"
		}
		return "False"
	case int:
		return strconv.Itoa(x)
	case float64:
		return formatDouble(x)
	case []Value:
		return "System.Object[]"
	case []byte:
		return "System.Byte[]"
	case []string:
		return "System.String[]"
	case *Hashtable:
		if x.ordered {
			return "System.Collections.Specialized.OrderedDictionary"
		}
		return "System.Collections.Hashtable"
	case *Object:
		if x.display != "" {
			return x.display
		}
		if len(x.TypeNames) > 0 {
			return x.TypeNames[0]
		}
		var b strings.Builder
		b.WriteString("@{")
		for i, k := range x.Properties() {
			if i > 0 {
				b.WriteString("; ")
			}
			pv, _ := x.Get(k)
			b.WriteString(k)
			b.WriteString("=")
			b.WriteString(ToString(pv))
		}
		b.WriteString("}")
		return b.String()
	case XElement:
		return x.XML
	case *ErrorRecord:
		return x.Message
	case *scriptBlock:
		return x.String()
	case *arrayList:
		return x.typeName
	case *dateTime:
		return x.format("G")
	case *timeSpan:
		return formatTimeSpan(x.d)
	case *guidValue:
		return x.s
	case *versionValue:
		return x.String()
	case *exceptionValue:
		if x.message == "" {
			return x.typeName
		}
		return x.typeName + ": " + x.message
	case *stringBuilder:
		return x.b.String()
	case *typeInfo:
		return x.t.fullName
	case *xmlNode:
		return x.dotnetString()
	case *xmlNodeList:
		return "System.Xml.XPathNodeList"
	case *regexValue:
		return x.pattern
	case *dictEntry:
		return "System.Collections.DictionaryEntry"
	case *formattedText:
		return strings.Join(x.lines, "\r\n")
	case *commandInfo:
		return x.name
	case *psObjectView:
		return ToString(x.target)
	case *encodingValue, *consoleStream, *nsManager:
		return typeName(v)
	}
	return fmt.Sprint(v)
}

// formatDouble formats like .NET Double.ToString() (15 significant digits,
// exponent form E+XX outside 1e-5..1e15).
func formatDouble(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	s := strconv.FormatFloat(f, 'g', 15, 64)
	if i := strings.IndexByte(s, 'e'); i >= 0 {
		mant, exp := s[:i], s[i+1:]
		sign := exp[0]
		digits := strings.TrimLeft(exp[1:], "0")
		for len(digits) < 2 {
			digits = "0" + digits
		}
		return mant + "E" + string(sign) + digits
	}
	return s
}

// ToBool converts a value to a boolean as PowerShell does in conditions:
// $null, 0, "", empty arrays and $false are false; a one-element array is
// the truth of its element; everything else is true.
func ToBool(v Value) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case int:
		return x != 0
	case float64:
		return x != 0
	case string:
		return x != ""
	case []Value:
		switch len(x) {
		case 0:
			return false
		case 1:
			return ToBool(x[0])
		}
		return true
	case []byte:
		switch len(x) {
		case 0:
			return false
		case 1:
			return x[0] != 0
		}
		return true
	case *arrayList:
		return ToBool(x.items)
	case *xmlNodeList:
		return ToBool(x.values())
	}
	return true
}

// ToInt converts a value to an int as a PowerShell [int] cast does
// (strings are parsed, doubles rounded half to even). The error message is
// PowerShell's.
func ToInt(v Value) (int, error) {
	n, err := toInt64(v, tInt)
	if err != nil {
		return 0, err
	}
	if n < math.MinInt32 || n > math.MaxInt32 {
		return 0, convError(v, tInt, "Value was either too large or too small for an Int32.")
	}
	return int(n), nil
}

// AsSlice returns the elements of an array value, a one-element slice for a
// scalar and nil for $null. Cmdlet authors use it for TypeObject parameters
// that accept one or many values.
func AsSlice(v Value) []Value {
	if v == nil {
		return nil
	}
	if items, ok := enumerable(v); ok {
		return items
	}
	return []Value{v}
}

// enumerable returns the elements of values that PowerShell enumerates in
// pipelines and foreach (arrays and lists, not strings or hashtables).
func enumerable(v Value) ([]Value, bool) {
	switch x := v.(type) {
	case []Value:
		return x, true
	case []byte:
		out := make([]Value, len(x))
		for i, b := range x {
			out[i] = int(b)
		}
		return out, true
	case []string:
		out := make([]Value, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out, true
	case *arrayList:
		return x.items, true
	case *xmlNodeList:
		return x.values(), true
	}
	return nil, false
}

func convError(v Value, t *psType, detail string) *ErrorRecord {
	msg := fmt.Sprintf("Cannot convert value \"%s\" to type \"%s\". Error: \"%s\"", ToString(v), t.fullName, detail)
	rec := rtError("InvalidArgument", "RuntimeException", msg)
	if _, ok := v.(string); ok && (t == tInt || t == tLong || t == tDouble) {
		rec.FullyQualifiedErrorID = "InvalidCastFromStringToInteger"
		if t == tDouble {
			rec.FullyQualifiedErrorID = "InvalidCastFromStringToDoubleOrSingle"
		}
	} else {
		rec.FullyQualifiedErrorID = "InvalidCastParseTargetInvocation"
	}
	rec.inner = &exceptionValue{typeName: "System.Management.Automation.PSInvalidCastException", message: msg}
	return rec
}

func castError(v Value, t *psType) *ErrorRecord {
	tn := typeName(v)
	msg := fmt.Sprintf("Cannot convert the \"%s\" value of type \"%s\" to type \"%s\".", ToString(v), tn, t.fullName)
	rec := rtError("InvalidArgument", "RuntimeException", msg)
	rec.FullyQualifiedErrorID = "ConvertToFinalInvalidCastException"
	return rec
}

func toInt64(v Value, t *psType) (int64, error) {
	switch x := v.(type) {
	case nil:
		return 0, nil
	case int:
		return int64(x), nil
	case bool:
		if x {
			return 1, nil
		}
		return 0, nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) || x > math.MaxInt64 || x < math.MinInt64 {
			return 0, convError(v, t, "Value was either too large or too small for an "+t.name()+".")
		}
		return int64(math.RoundToEven(x)), nil
	case string:
		s := strings.TrimSpace(x)
		if s == "" {
			return 0, nil
		}
		n, ok := parseNumberLiteral(s)
		if !ok {
			return 0, convError(v, t, "Input string was not in a correct format.")
		}
		return toInt64(n, t)
	case []Value:
		if len(x) == 1 {
			return toInt64(x[0], t)
		}
	case *Object:
		if x.display != "" {
			return toInt64(x.display, t)
		}
	}
	return 0, castError(v, t)
}

func toDouble(v Value) (float64, error) {
	switch x := v.(type) {
	case nil:
		return 0, nil
	case int:
		return float64(x), nil
	case float64:
		return x, nil
	case bool:
		if x {
			return 1, nil
		}
		return 0, nil
	case string:
		s := strings.TrimSpace(x)
		if s == "" {
			return 0, nil
		}
		n, ok := parseNumberLiteral(s)
		if !ok {
			return 0, convError(v, tDouble, "Input string was not in a correct format.")
		}
		return toDouble(n)
	case []Value:
		if len(x) == 1 {
			return toDouble(x[0])
		}
	}
	return 0, castError(v, tDouble)
}

// toNumber converts an operand of an arithmetic operator to int or float64.
func toNumber(v Value) (Value, error) {
	switch x := v.(type) {
	case int, float64:
		return x, nil
	case nil:
		return 0, nil
	case bool:
		if x {
			return 1, nil
		}
		return 0, nil
	case string:
		s := strings.TrimSpace(x)
		if s == "" {
			return 0, nil
		}
		n, ok := parseNumberLiteral(s)
		if !ok {
			return nil, convError(v, tInt, "Input string was not in a correct format.")
		}
		return n, nil
	}
	return nil, castError(v, tInt)
}

// valuesEqual implements -eq for two scalars: the right operand is converted
// to the type of the left one; strings compare case-insensitively unless cs.
func valuesEqual(l, r Value, cs bool) bool {
	switch lv := l.(type) {
	case nil:
		return r == nil
	case string:
		if r == nil {
			return false
		}
		rs := ToString(r)
		if cs {
			return lv == rs
		}
		return strings.EqualFold(lv, rs)
	case int, float64:
		if r == nil {
			return false
		}
		switch r.(type) {
		case []Value, *Hashtable, *Object:
			return false
		}
		rn, err := toNumber(r)
		if err != nil {
			return false
		}
		lf, _ := toDouble(lv)
		rf, _ := toDouble(rn)
		return lf == rf
	case bool:
		if r == nil {
			return false
		}
		return lv == ToBool(r)
	case *dateTime:
		if rd, ok := r.(*dateTime); ok {
			return lv.t.Equal(rd.t)
		}
		return false
	case *timeSpan:
		if rd, ok := r.(*timeSpan); ok {
			return lv.d == rd.d
		}
		return false
	case *guidValue:
		return strings.EqualFold(lv.s, ToString(r))
	case *versionValue:
		return lv.String() == ToString(r)
	case *Object:
		if lv.display != "" {
			return valuesEqual(lv.display, r, cs)
		}
		return l == r
	case *Hashtable, *xmlNode, *arrayList, *scriptBlock, *ErrorRecord:
		return l == r
	case XElement:
		if rx, ok := r.(XElement); ok {
			return lv.XML == rx.XML
		}
		return false
	case *typeInfo:
		if rt, ok := r.(*typeInfo); ok {
			return lv.t.fullName == rt.t.fullName
		}
		return false
	}
	return ToString(l) == ToString(r)
}

// compareValues implements -lt/-gt and sorting.
func compareValues(l, r Value, cs bool) (int, error) {
	if l == nil {
		if r == nil {
			return 0, nil
		}
		// $null sorts before everything
		if s, ok := r.(string); ok && s == "" {
			return 0, nil
		}
		return -1, nil
	}
	switch lv := l.(type) {
	case string:
		rs := ToString(r)
		if cs {
			return strings.Compare(lv, rs), nil
		}
		c := strings.Compare(strings.ToLower(lv), strings.ToLower(rs))
		return c, nil
	case int, float64, bool:
		if r == nil {
			return 1, nil
		}
		rn, err := toNumber(r)
		if err != nil {
			return 0, compareError(l, r, err)
		}
		lf, _ := toDouble(lv)
		rf, _ := toDouble(rn)
		switch {
		case lf < rf:
			return -1, nil
		case lf > rf:
			return 1, nil
		}
		return 0, nil
	case *dateTime:
		if rd, ok := r.(*dateTime); ok {
			return lv.t.Compare(rd.t), nil
		}
		if s, ok := r.(string); ok {
			if t, ok := parseDate(s); ok {
				return lv.t.Compare(t), nil
			}
		}
	case *timeSpan:
		if rd, ok := r.(*timeSpan); ok {
			switch {
			case lv.d < rd.d:
				return -1, nil
			case lv.d > rd.d:
				return 1, nil
			}
			return 0, nil
		}
	case *versionValue:
		if rv, ok := r.(*versionValue); ok {
			a := []int{lv.major, lv.minor, lv.build, lv.revision}
			b := []int{rv.major, rv.minor, rv.build, rv.revision}
			for i := range a {
				if a[i] != b[i] {
					if a[i] < b[i] {
						return -1, nil
					}
					return 1, nil
				}
			}
			return 0, nil
		}
	}
	if r == nil {
		return 1, nil
	}
	return strings.Compare(strings.ToLower(ToString(l)), strings.ToLower(ToString(r))), nil
}

func compareError(l, r Value, err error) error {
	inner := err.Error()
	rec := rtError("InvalidOperation", "RuntimeException", fmt.Sprintf("Could not compare \"%s\" to \"%s\". Error: \"%s\"", ToString(l), ToString(r), inner))
	rec.FullyQualifiedErrorID = "ComparisonFailure"
	return rec
}

// utf16le encodes a string as UTF-16LE bytes ([Text.Encoding]::Unicode).
func utf16le(s string) []byte {
	u := utf16.Encode([]rune(s))
	out := make([]byte, 2*len(u))
	for i, c := range u {
		out[2*i] = byte(c)
		out[2*i+1] = byte(c >> 8)
	}
	return out
}

// fromUTF16LE decodes UTF-16LE bytes.
func fromUTF16LE(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
	}
	return string(utf16.Decode(u))
}

// toBytes converts a value to []byte ([byte[]] cast, GetString argument).
func toBytes(v Value) ([]byte, error) {
	switch x := v.(type) {
	case []byte:
		return x, nil
	case nil:
		return nil, nil
	}
	items := AsSlice(v)
	out := make([]byte, len(items))
	for i, it := range items {
		n, err := toInt64(it, tByte)
		if err != nil {
			return nil, err
		}
		if n < 0 || n > 255 {
			return nil, convError(it, tByte, "Value was either too large or too small for an unsigned byte.")
		}
		out[i] = byte(n)
	}
	return out, nil
}

// convertTo implements a cast [T]value.
func convertTo(v Value, t *psType) (Value, error) {
	if t.elem != nil {
		if t.elem == tByte {
			return toBytes(v)
		}
		if v == nil {
			return nil, nil
		}
		if t.elem == tString {
			items := AsSlice(v)
			out := make([]string, len(items))
			for i, it := range items {
				out[i] = ToString(it)
			}
			return out, nil
		}
		items := AsSlice(v)
		out := make([]Value, len(items))
		for i, it := range items {
			c, err := convertTo(it, t.elem)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	}
	switch t {
	case tObject:
		return v, nil
	case tVoid:
		return nil, nil
	case tString:
		if v == nil {
			return "", nil
		}
		return ToString(v), nil
	case tInt:
		return ToInt(v)
	case tLong:
		n, err := toInt64(v, tLong)
		return int(n), err
	case tByte:
		b, err := toBytes([]Value{v})
		if err != nil {
			return nil, err
		}
		return int(b[0]), nil
	case tDouble:
		return toDouble(v)
	case tBool, tSwitch:
		return ToBool(v), nil
	case tChar:
		switch x := v.(type) {
		case string:
			if r := []rune(x); len(r) == 1 {
				return x, nil
			}
			return nil, convError(v, tChar, "String must be exactly one character long.")
		case int:
			return string(rune(x)), nil
		}
		return nil, castError(v, t)
	case tArray:
		if v == nil {
			return nil, nil
		}
		if items, ok := enumerable(v); ok {
			return append([]Value(nil), items...), nil
		}
		return []Value{v}, nil
	case tHashtable, tIDictionary:
		if h, ok := v.(*Hashtable); ok {
			return h, nil
		}
		return nil, castError(v, t)
	case tOrdered:
		if h, ok := v.(*Hashtable); ok {
			return h, nil
		}
		return nil, castError(v, t)
	case tPSCustom:
		if h, ok := v.(*Hashtable); ok {
			return hashToObject(h), nil
		}
		return v, nil
	case tXMLDoc:
		var text string
		switch x := v.(type) {
		case *xmlNode:
			if x.kind == xmlDocumentNode {
				return x, nil
			}
			text = x.outerXML()
		case XElement:
			text = x.XML
		case string:
			text = x
		case []Value:
			parts := make([]string, len(x))
			for i, e := range x {
				parts[i] = ToString(e)
			}
			text = strings.Join(parts, "\n")
		default:
			return nil, castError(v, t)
		}
		doc, err := parseXMLDocument(text)
		if err != nil {
			return nil, convError(v, t, err.Error())
		}
		return doc, nil
	case tScriptBlock:
		if sb, ok := v.(*scriptBlock); ok {
			return sb, nil
		}
		return nil, castError(v, t)
	case tDateTime:
		switch x := v.(type) {
		case *dateTime:
			return x, nil
		case string:
			if tm, ok := parseDate(x); ok {
				return &dateTime{t: tm}, nil
			}
			return nil, convError(v, t, "String was not recognized as a valid DateTime.")
		}
		return nil, castError(v, t)
	case tTimeSpan:
		switch x := v.(type) {
		case *timeSpan:
			return x, nil
		case int:
			return &timeSpan{d: time.Duration(x) * 100}, nil
		}
		return nil, castError(v, t)
	case tGuid:
		if g, ok := v.(*guidValue); ok {
			return g, nil
		}
		s := strings.Trim(ToString(v), "{}")
		if len(s) == 36 && strings.Count(s, "-") == 4 {
			return &guidValue{s: strings.ToLower(s)}, nil
		}
		return nil, convError(v, t, "Guid should contain 32 digits with 4 dashes (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx).")
	case tRegex:
		return &regexValue{pattern: ToString(v)}, nil
	case tVersion:
		if vv, ok := v.(*versionValue); ok {
			return vv, nil
		}
		parts := strings.Split(ToString(v), ".")
		nums := []int{0, 0, -1, -1}
		if len(parts) < 2 || len(parts) > 4 {
			return nil, convError(v, t, "Version string portion was too short or too long.")
		}
		for i, p := range parts {
			n, err := strconv.Atoi(p)
			if err != nil {
				return nil, convError(v, t, "Input string was not in a correct format.")
			}
			nums[i] = n
		}
		return &versionValue{nums[0], nums[1], nums[2], nums[3]}, nil
	case tArrayList, tGenericList:
		al := newArrayList()
		if t == tGenericList {
			al.typeName = tGenericList.fullName
		}
		al.items = append(al.items, AsSlice(v)...)
		return al, nil
	case tXElement:
		if x, ok := v.(XElement); ok {
			return x, nil
		}
		return nil, castError(v, t)
	case tType:
		if ti, ok := v.(*typeInfo); ok {
			return ti, nil
		}
		if lt := lookupType(ToString(v)); lt != nil {
			return &typeInfo{t: lt}, nil
		}
		return nil, castError(v, t)
	}
	if v != nil && isInstance(v, t) {
		return v, nil
	}
	if v == nil {
		return nil, nil
	}
	return nil, castError(v, t)
}

// hashToObject builds a PSCustomObject from a hashtable, keeping key order.
func hashToObject(h *Hashtable) *Object {
	o := NewObject("")
	for _, k := range h.Keys() {
		v, _ := h.Get(k)
		o.Set(k, v)
	}
	return o
}

// unwrap turns collected pipeline output into a value: nothing is $null,
// one object is itself, several are an array.
func unwrap(items []Value) Value {
	switch len(items) {
	case 0:
		return nil
	case 1:
		return items[0]
	}
	return items
}
