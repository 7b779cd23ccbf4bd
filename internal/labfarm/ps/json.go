package ps

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ConvertTo-Json and ConvertFrom-Json with Windows PowerShell 5.1 semantics
// (JavaScriptSerializer): -Depth defaults to 2 and deeper objects become
// their string form; one pipeline object is serialised as itself, several
// as an array; <, >, &, ' are escaped as \u003c etc.; the non-compressed
// layout is 5.1's ("key":  value, nested values indented to their column).

func init() {
	register(&builtin{
		name:   "ConvertTo-Json",
		params: []paramSpec{pInputObject(0), pInt("Depth", -1), pSwitch("Compress")},
		begin:  func(c *bcall) error { c.state = newJSONState(); return nil },
		process: func(c *bcall, v Value, present bool) error {
			st := callState(c, newJSONState)
			if present {
				st.items = append(st.items, v)
				st.any = true
			}
			return nil
		},
		end: func(c *bcall) error {
			st := callState(c, newJSONState)
			if !st.any {
				return nil
			}
			depth := 2
			if c.has("Depth") {
				depth = c.num("Depth")
				if depth < 0 || depth > 100 {
					return c.fail("ParameterArgumentValidationError", "InvalidData", "System.Management.Automation.ParameterBindingException",
						fmt.Sprintf("Cannot validate argument on parameter 'Depth'. The %d argument is greater than the maximum allowed range of 100. Supply an argument that is less than or equal to 100 and then try the command again.", depth))
				}
			}
			var v Value
			if len(st.items) == 1 {
				v = st.items[0]
			} else {
				v = st.items
			}
			tree := jsonTree(v, 0, depth)
			var b strings.Builder
			if c.flag("Compress") {
				writeJSONCompact(&b, tree)
			} else {
				writeJSONPretty(&b, tree, 0)
			}
			return c.out(b.String())
		},
	})
	register(&builtin{
		name:   "ConvertFrom-Json",
		params: []paramSpec{{name: "InputObject", position: 0, pipeline: true, mandatory: true, typeLabel: "System.String", convert: toStringConv, allowEmpty: true}},
		begin:  func(c *bcall) error { c.state = newJSONState(); return nil },
		process: func(c *bcall, v Value, present bool) error {
			if present {
				st := callState(c, newJSONState)
				st.text = append(st.text, c.str("InputObject"))
			}
			return nil
		},
		end: func(c *bcall) error {
			st := callState(c, newJSONState)
			if len(st.text) == 0 {
				return nil
			}
			text := strings.Join(st.text, "\n")
			v, err := parseJSON(text)
			if err != nil {
				rec := &ErrorRecord{Message: err.Error(), ExceptionType: "System.ArgumentException", FullyQualifiedErrorID: "System.ArgumentException,Microsoft.PowerShell.Commands.ConvertFromJsonCommand", Category: "NotSpecified", Command: "ConvertFrom-Json", activity: "ConvertFrom-Json", pos: c.ext}
				return &psError{rec: rec}
			}
			// Windows PowerShell writes a top-level array as one object.
			return c.out(v)
		},
	})
}

type jsonState struct {
	items []Value
	any   bool
	text  []string
}

func newJSONState() *jsonState { return &jsonState{} }

// jsonNode is an intermediate tree: ordered objects, arrays and scalars.
type jsonNode struct {
	kind  byte // 'o' object, 'a' array, 's' string, 'n' number, 'b' bool, 'z' null
	keys  []string
	vals  []*jsonNode
	str   string
	num   string
	bval  bool
	items []*jsonNode
}

// jsonTree converts a value, truncating below maxDepth as 5.1 does.
func jsonTree(v Value, depth, maxDepth int) *jsonNode {
	switch x := v.(type) {
	case nil:
		return &jsonNode{kind: 'z'}
	case string:
		return &jsonNode{kind: 's', str: x}
	case bool:
		return &jsonNode{kind: 'b', bval: x}
	case int:
		return &jsonNode{kind: 'n', num: strconv.Itoa(x)}
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return &jsonNode{kind: 's', str: formatDouble(x)}
		}
		return &jsonNode{kind: 'n', num: formatDouble(x)}
	case *dateTime:
		return &jsonNode{kind: 's', str: fmt.Sprintf("\\/Date(%d)\\/", x.t.UnixNano()/int64(time.Millisecond)), num: "raw"}
	case *guidValue:
		return &jsonNode{kind: 's', str: x.s}
	case *scriptBlock:
		return &jsonNode{kind: 's', str: x.String()}
	case *ErrorRecord:
		return &jsonNode{kind: 's', str: x.Message}
	case XElement:
		return &jsonNode{kind: 's', str: x.XML}
	case *typeInfo:
		return &jsonNode{kind: 's', str: x.t.fullName}
	}
	if depth > maxDepth {
		return &jsonNode{kind: 's', str: ToString(v)}
	}
	switch x := v.(type) {
	case *Hashtable:
		n := &jsonNode{kind: 'o'}
		for _, k := range x.Keys() {
			val, _ := x.Get(k)
			n.keys = append(n.keys, k)
			n.vals = append(n.vals, jsonTree(val, depth+1, maxDepth))
		}
		return n
	case *Object:
		if x.display != "" && len(x.TypeNames) > 0 && strings.HasPrefix(x.TypeNames[0], "System.Management.Automation.") {
			return &jsonNode{kind: 's', str: x.display}
		}
		n := &jsonNode{kind: 'o'}
		for _, k := range x.Properties() {
			val, _ := x.Get(k)
			n.keys = append(n.keys, k)
			n.vals = append(n.vals, jsonTree(val, depth+1, maxDepth))
		}
		return n
	case *xmlNode:
		return &jsonNode{kind: 's', str: x.outerXML()}
	case *exceptionValue:
		n := &jsonNode{kind: 'o'}
		n.keys = []string{"Message"}
		n.vals = []*jsonNode{{kind: 's', str: x.message}}
		return n
	}
	if items, ok := enumerable(v); ok {
		n := &jsonNode{kind: 'a'}
		for _, it := range items {
			n.items = append(n.items, jsonTree(it, depth+1, maxDepth))
		}
		return n
	}
	return &jsonNode{kind: 's', str: ToString(v)}
}

// jsonQuote escapes like JavaScriptSerializer.
func jsonQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '<', '>', '&', '\'':
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			if r < 0x20 || r == 0x2028 || r == 0x2029 {
				fmt.Fprintf(&b, `\u%04x`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

func writeJSONScalar(b *strings.Builder, n *jsonNode) {
	switch n.kind {
	case 's':
		if n.num == "raw" {
			b.WriteString(`"` + n.str + `"`)
			return
		}
		b.WriteString(jsonQuote(n.str))
	case 'n':
		b.WriteString(n.num)
	case 'b':
		if n.bval {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case 'z':
		b.WriteString("null")
	}
}

func writeJSONCompact(b *strings.Builder, n *jsonNode) {
	switch n.kind {
	case 'o':
		b.WriteByte('{')
		for i, k := range n.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(jsonQuote(k))
			b.WriteByte(':')
			writeJSONCompact(b, n.vals[i])
		}
		b.WriteByte('}')
	case 'a':
		b.WriteByte('[')
		for i, it := range n.items {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONCompact(b, it)
		}
		b.WriteByte(']')
	default:
		writeJSONScalar(b, n)
	}
}

// writeJSONPretty reproduces Windows PowerShell 5.1's layout: members are
// indented four spaces from the column of the opening brace.
func writeJSONPretty(b *strings.Builder, n *jsonNode, col int) {
	ind := strings.Repeat(" ", col)
	switch n.kind {
	case 'o':
		b.WriteString("{\r\n")
		if len(n.keys) == 0 {
			b.WriteString("\r\n" + ind + "}")
			return
		}
		for i, k := range n.keys {
			prefix := ind + "    " + jsonQuote(k) + ":  "
			b.WriteString(prefix)
			writeJSONPretty(b, n.vals[i], utf8.RuneCountInString(prefix))
			if i < len(n.keys)-1 {
				b.WriteByte(',')
			}
			b.WriteString("\r\n")
		}
		b.WriteString(ind + "}")
	case 'a':
		b.WriteString("[\r\n")
		if len(n.items) == 0 {
			b.WriteString("\r\n" + ind + "]")
			return
		}
		for i, it := range n.items {
			b.WriteString(ind + "    ")
			writeJSONPretty(b, it, col+4)
			if i < len(n.items)-1 {
				b.WriteByte(',')
			}
			b.WriteString("\r\n")
		}
		b.WriteString(ind + "]")
	default:
		writeJSONScalar(b, n)
	}
}

// parseJSON parses JSON into PowerShell values: objects become
// PSCustomObjects (property order kept), arrays []Value, integers int,
// other numbers float64.
func parseJSON(text string) (Value, error) {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	v, err := decodeJSONValue(dec)
	if err != nil {
		return nil, jsonError(text, err)
	}
	if _, err := dec.Token(); err == nil {
		return nil, jsonArgumentError("Invalid JSON primitive: %s.", strings.TrimSpace(text[dec.InputOffset():]))
	}
	return v, nil
}

func jsonError(text string, err error) error {
	t := strings.TrimSpace(text)
	if t == "" {
		return jsonArgumentError("Invalid JSON primitive: .")
	}
	if se, ok := err.(*json.SyntaxError); ok {
		rest := t
		if off := int(se.Offset) - 1; off >= 0 && off < len(text) {
			for off > 0 && !strings.ContainsRune(" \t\r\n[{,:", rune(text[off-1])) {
				off--
			}
			rest = strings.TrimSpace(text[off:])
		}
		word := rest
		if i := strings.IndexAny(word, " \t\r\n,]}"); i > 0 {
			word = word[:i]
		}
		return jsonArgumentError("Invalid JSON primitive: %s.", word)
	}
	if strings.Contains(err.Error(), "unexpected EOF") || err.Error() == "EOF" {
		return jsonArgumentError("Invalid object passed in, ':' or '}' expected. (%d): %s", len(t), t)
	}
	return jsonArgumentError("Invalid JSON primitive: %s.", t)
}

// jsonArgumentError is the System.ArgumentException that Windows
// PowerShell's JavaScriptSerializer throws for text it cannot parse; the
// message is .NET's, capital letter and final period included.
func jsonArgumentError(format string, args ...any) error {
	return netErr("System.ArgumentException", fmt.Sprintf(format, args...))
}

func decodeJSONValue(dec *json.Decoder) (Value, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := NewObject("")
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, _ := kt.(string)
				val, err := decodeJSONValue(dec)
				if err != nil {
					return nil, err
				}
				o.Set(key, val)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return o, nil
		case '[':
			arr := []Value{}
			for dec.More() {
				val, err := decodeJSONValue(dec)
				if err != nil {
					return nil, err
				}
				arr = append(arr, val)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return arr, nil
		}
		return nil, fmt.Errorf("unexpected %v", t)
	case json.Number:
		s := t.String()
		if !strings.ContainsAny(s, ".eE") {
			if i, err := strconv.ParseInt(s, 10, 64); err == nil {
				return int(i), nil
			}
		}
		f, err := t.Float64()
		if err != nil {
			return nil, err
		}
		return f, nil
	case string:
		return t, nil
	case bool:
		return t, nil
	case nil:
		return nil, nil
	}
	return nil, fmt.Errorf("unexpected token")
}
