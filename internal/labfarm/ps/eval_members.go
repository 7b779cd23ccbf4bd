package ps

import (
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// netException is a .NET exception raised by a method implementation; the
// evaluator wraps it in a MethodInvocationException as PowerShell does.
type netException struct {
	typ string
	msg string
}

func (e *netException) Error() string { return e.msg }

func netErr(typ, msg string) error { return &netException{typ: typ, msg: msg} }

// wrapMethodError turns a .NET exception thrown by a method into PowerShell's
// 'Exception calling "M" with "N" argument(s): "..."' error.
func wrapMethodError(method string, nargs int, err error) error {
	ne, ok := err.(*netException)
	if !ok {
		return err
	}
	rec := rtError("NotSpecified", "MethodInvocationException", fmt.Sprintf("Exception calling \"%s\" with \"%d\" argument(s): \"%s\"", method, nargs, ne.msg))
	rec.FullyQualifiedErrorID = exceptionShortName(ne.typ)
	rec.inner = &exceptionValue{typeName: ne.typ, message: ne.msg}
	return &psError{rec: rec}
}

func overloadError(method string, nargs int) error {
	rec := rtError("NotSpecified", "MethodException", fmt.Sprintf("Cannot find an overload for \"%s\" and the argument count: \"%d\".", method, nargs))
	rec.FullyQualifiedErrorID = "MethodCountCouldNotFindBest"
	return rec
}

func propertyNotFound(name string) error {
	rec := rtError("InvalidOperation", "RuntimeException", fmt.Sprintf("The property '%s' cannot be found on this object. Verify that the property exists and can be set.", name))
	rec.FullyQualifiedErrorID = "PropertyNotFound"
	return rec
}

// ---- properties ----

// getMember reads a property. Missing properties are $null (PowerShell's
// non-strict mode). Arrays without the property enumerate their elements
// (member enumeration).
func (in *interp) getMember(v Value, name string) (Value, error) {
	ln := strings.ToLower(name)
	if v == nil {
		if ln == "count" || ln == "length" {
			return 0, nil
		}
		return nil, nil
	}
	if items, ok := enumerable(v); ok {
		switch ln {
		case "count", "length", "longlength":
			return len(items), nil
		case "rank":
			return 1, nil
		case "issynchronized", "isreadonly":
			return false, nil
		case "isfixedsize":
			_, isList := v.(*arrayList)
			return !isList, nil
		case "syncroot":
			return v, nil
		}
		var out []Value
		for _, it := range items {
			r, err := in.getMember(it, name)
			if err != nil {
				return nil, err
			}
			if r == nil {
				continue
			}
			if sub, ok := r.([]Value); ok {
				out = append(out, sub...)
			} else {
				out = append(out, r)
			}
		}
		return unwrap(out), nil
	}
	switch x := v.(type) {
	case *Hashtable:
		if val, ok := x.Get(name); ok {
			return val, nil
		}
		switch ln {
		case "count":
			return x.Len(), nil
		case "keys":
			keys := x.Keys()
			out := make([]Value, len(keys))
			for i, k := range keys {
				out[i] = k
			}
			return out, nil
		case "values":
			keys := x.Keys()
			out := make([]Value, len(keys))
			for i, k := range keys {
				out[i], _ = x.Get(k)
			}
			return out, nil
		case "isreadonly", "isfixedsize", "issynchronized":
			return false, nil
		}
		return nil, nil
	case *Object:
		if val, ok := x.Get(name); ok {
			return val, nil
		}
		switch ln {
		case "psobject":
			return &psObjectView{target: x}, nil
		case "count", "length":
			return 1, nil
		}
		return nil, nil
	case string:
		switch ln {
		case "length":
			return utf16Len(x), nil
		case "count":
			return 1, nil
		}
		return nil, nil
	case *xmlNode:
		return x.getProperty(name), nil
	case *ErrorRecord:
		return errorRecordMember(x, ln), nil
	case *exceptionValue:
		switch ln {
		case "message":
			return x.message, nil
		case "innerexception":
			if x.inner == nil {
				return nil, nil
			}
			return x.inner, nil
		case "errorrecord":
			if x.rec != nil && isSubtype(x.typeName, "System.Management.Automation.RuntimeException") {
				return x.rec, nil
			}
			return nil, nil
		case "hresult":
			return -2146233087, nil
		case "source", "stacktrace", "helplink", "targetsite":
			return nil, nil
		case "data":
			return NewHashtable(), nil
		case "wascaught":
			return true, nil
		}
		return nil, nil
	case *psObjectView:
		switch ln {
		case "properties":
			return psProperties(x.target), nil
		case "typenames":
			if o, ok := x.target.(*Object); ok && len(o.TypeNames) > 0 {
				out := make([]Value, 0, len(o.TypeNames)+1)
				for _, n := range o.TypeNames {
					out = append(out, n)
				}
				return append(out, "System.Object"), nil
			}
			t := typeOf(x.target)
			return []Value{t.fullName, "System.Object"}, nil
		case "baseobject", "immediatebaseobject":
			return x.target, nil
		}
		return nil, nil
	case *typeInfo:
		switch ln {
		case "fullname":
			return x.t.fullName, nil
		case "name":
			return x.t.name(), nil
		case "namespace":
			if i := strings.LastIndexByte(x.t.fullName, '.'); i >= 0 {
				return x.t.fullName[:i], nil
			}
			return "", nil
		case "basetype":
			if x.t.base == "" {
				return nil, nil
			}
			if bt := lookupType(x.t.base); bt != nil {
				return &typeInfo{t: bt}, nil
			}
			return &typeInfo{t: &psType{fullName: x.t.base, base: "System.Object"}}, nil
		case "isarray":
			return x.t.elem != nil, nil
		case "ispublic", "isserializable":
			return true, nil
		case "isvaluetype":
			return isSubtype(x.t.fullName, "System.ValueType"), nil
		}
		return in.staticMember(x.t, name)
	case *dateTime:
		return dateMember(x, ln), nil
	case *timeSpan:
		return timeSpanMember(x, ln), nil
	case *versionValue:
		switch ln {
		case "major":
			return x.major, nil
		case "minor":
			return x.minor, nil
		case "build":
			return x.build, nil
		case "revision":
			return x.revision, nil
		}
		return nil, nil
	case *encodingValue:
		switch ln {
		case "webname", "bodyname", "headername":
			return x.name, nil
		case "encodingname":
			return map[string]string{"utf-8": "Unicode (UTF-8)", "utf-16": "Unicode", "us-ascii": "US-ASCII"}[x.name], nil
		case "codepage":
			return map[string]int{"utf-8": 65001, "utf-16": 1200, "us-ascii": 20127}[x.name], nil
		}
		return nil, nil
	case *arrayList:
		return nil, nil
	case *stringBuilder:
		if ln == "length" {
			return utf16Len(x.b.String()), nil
		}
		return nil, nil
	case *dictEntry:
		switch ln {
		case "key", "name":
			return x.key, nil
		case "value":
			return x.value, nil
		}
		return nil, nil
	case *commandInfo:
		switch ln {
		case "name":
			return x.name, nil
		case "commandtype":
			return x.commandType, nil
		case "source", "modulename":
			return x.source, nil
		case "definition":
			return x.name, nil
		}
		return nil, nil
	case XElement:
		return xelementMember(x, ln), nil
	case *scriptBlock:
		switch ln {
		case "ast":
			return nil, nil
		case "isfilter":
			return false, nil
		}
		return nil, nil
	case *guidValue:
		return nil, nil
	}
	switch ln {
	case "count", "length":
		return 1, nil
	}
	return nil, nil
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r > 0xFFFF {
			n += 2
		} else {
			n++
		}
	}
	return n
}

func psProperties(v Value) Value {
	var out []Value
	add := func(name string, val Value) {
		p := NewObject("System.Management.Automation.PSNoteProperty")
		p.Set("Name", name).Set("MemberType", "NoteProperty").Set("Value", val).Set("IsSettable", true).Set("IsGettable", true)
		if t := typeOf(val); t != nil {
			p.Set("TypeNameOfValue", t.fullName)
		} else {
			p.Set("TypeNameOfValue", "System.Object")
		}
		p.display = fmt.Sprintf("%s %s=%s", "System.Object", name, ToString(val))
		out = append(out, p)
	}
	switch x := v.(type) {
	case *Object:
		for _, k := range x.Properties() {
			pv, _ := x.Get(k)
			add(k, pv)
		}
	case *Hashtable:
		add("Count", x.Len())
	}
	if out == nil {
		out = []Value{}
	}
	return out
}

func errorRecordMember(rec *ErrorRecord, ln string) Value {
	switch ln {
	case "exception":
		return exceptionOf(rec)
	case "fullyqualifiederrorid":
		return rec.FullyQualifiedErrorID
	case "targetobject":
		if rec.hasTarget {
			return rec.target
		}
		if rec.TargetName != "" {
			return rec.TargetName
		}
		return nil
	case "categoryinfo":
		cat := rec.Category
		if cat == "" {
			cat = "NotSpecified"
		}
		o := NewObject("System.Management.Automation.ErrorCategoryInfo")
		target := rec.TargetName
		ttype := ""
		if target != "" {
			ttype = "String"
		}
		if rec.hasTarget && rec.target != nil {
			target = ToString(rec.target)
			ttype = typeOf(rec.target).name()
		}
		o.Set("Category", cat).Set("Activity", rec.activity).Set("Reason", exceptionShortName(exceptionOf(rec).typeName)).
			Set("TargetName", target).Set("TargetType", ttype)
		o.display = categoryLine(rec)
		return o
	case "invocationinfo":
		o := NewObject("System.Management.Automation.InvocationInfo")
		var my Value
		if rec.Command != "" {
			cmd := NewObject("System.Management.Automation.CmdletInfo")
			cmd.Set("Name", rec.Command).Set("CommandType", "Cmdlet")
			cmd.display = rec.Command
			my = cmd
		}
		o.Set("MyCommand", my)
		line, col := 0, 0
		text := ""
		if rec.pos.src != nil {
			line, col = rec.pos.src.position(rec.pos.start)
			text = rec.pos.src.lineText(line)
		}
		o.Set("ScriptLineNumber", line).Set("OffsetInLine", col).Set("Line", text).Set("ScriptName", "").
			Set("InvocationName", rec.Command).Set("PositionMessage", positionMessageOrEmpty(rec)).
			Set("PSCommandPath", nil).Set("BoundParameters", NewHashtable()).Set("UnboundArguments", []Value{})
		return o
	case "errordetails":
		return nil
	case "scriptstacktrace":
		return "at <ScriptBlock>, <No file>: line 1"
	case "pipelineiterationinfo":
		return []Value{}
	}
	return nil
}

func positionMessageOrEmpty(rec *ErrorRecord) string {
	if rec.pos.src == nil {
		return ""
	}
	return positionMessage(rec.pos)
}

func dateMember(d *dateTime, ln string) Value {
	t := d.t
	switch ln {
	case "year":
		return t.Year()
	case "month":
		return int(t.Month())
	case "day":
		return t.Day()
	case "hour":
		return t.Hour()
	case "minute":
		return t.Minute()
	case "second":
		return t.Second()
	case "millisecond":
		return t.Nanosecond() / 1e6
	case "dayofweek":
		return t.Weekday().String()
	case "dayofyear":
		return t.YearDay()
	case "ticks":
		return int(t.Sub(time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)) / 100)
	case "date":
		y, m, dd := t.Date()
		return &dateTime{t: time.Date(y, m, dd, 0, 0, 0, 0, t.Location()), utc: d.utc}
	case "kind":
		if d.utc {
			return "Utc"
		}
		return "Local"
	}
	return nil
}

func timeSpanMember(ts *timeSpan, ln string) Value {
	d := ts.d
	switch ln {
	case "totalseconds":
		return d.Seconds()
	case "totalmilliseconds":
		return float64(d) / float64(time.Millisecond)
	case "totalminutes":
		return d.Minutes()
	case "totalhours":
		return d.Hours()
	case "totaldays":
		return d.Hours() / 24
	case "days":
		return int(d / (24 * time.Hour))
	case "hours":
		return int(d/time.Hour) % 24
	case "minutes":
		return int(d/time.Minute) % 60
	case "seconds":
		return int(d/time.Second) % 60
	case "milliseconds":
		return int(d/time.Millisecond) % 1000
	case "ticks":
		return int(d / 100)
	}
	return nil
}

func xelementMember(x XElement, ln string) Value {
	doc, err := parseXMLDocument(x.XML)
	if err != nil || doc.documentElement() == nil {
		return nil
	}
	el := doc.documentElement()
	switch ln {
	case "name":
		return el.localName()
	case "value":
		return el.innerText()
	case "hasattributes":
		return len(el.attrs) > 0
	case "haselements":
		for _, c := range el.children {
			if c.kind == xmlElementNode {
				return true
			}
		}
		return false
	}
	return nil
}

// setMember assigns a property.
func (in *interp) setMember(v Value, name string, val Value) error {
	switch x := v.(type) {
	case *Hashtable:
		x.Set(name, val)
		return nil
	case *Object:
		if _, ok := x.Get(name); ok {
			x.Set(name, val)
			return nil
		}
		return propertyNotFound(name)
	case *xmlNode:
		return x.setProperty(name, val)
	case *exceptionValue:
		return propertyNotFound(name)
	}
	return propertyNotFound(name)
}

// ---- indexing ----

func getIndex(v Value, idx Value) (Value, error) {
	if v == nil {
		rec := rtError("InvalidOperation", "RuntimeException", "Cannot index into a null array.")
		rec.FullyQualifiedErrorID = "NullArray"
		return nil, rec
	}
	if h, ok := v.(*Hashtable); ok {
		if keys, ok := enumerable(idx); ok {
			var out []Value
			for _, k := range keys {
				val, _ := h.Get(ToString(k))
				out = append(out, val)
			}
			return out, nil
		}
		val, _ := h.Get(ToString(idx))
		return val, nil
	}
	if idxs, ok := enumerable(idx); ok {
		var out []Value
		for _, i := range idxs {
			r, err := getIndex(v, i)
			if err != nil {
				return nil, err
			}
			out = append(out, r)
		}
		return out, nil
	}
	if n, ok := v.(*xmlNode); ok {
		if _, isStr := idx.(string); isStr {
			return n.childByName(ToString(idx)), nil
		}
	}
	var items []Value
	switch x := v.(type) {
	case string:
		runes := []rune(x)
		i, err := ToInt(idx)
		if err != nil {
			return nil, err
		}
		if i < 0 {
			i += len(runes)
		}
		if i < 0 || i >= len(runes) {
			return nil, nil
		}
		return string(runes[i]), nil
	case *Object:
		rec := rtError("InvalidOperation", "RuntimeException", "Unable to index into an object of type System.Management.Automation.PSObject.")
		rec.FullyQualifiedErrorID = "CannotIndex"
		return nil, rec
	default:
		var ok bool
		items, ok = enumerable(v)
		if !ok {
			items = []Value{v}
		}
	}
	i, err := ToInt(idx)
	if err != nil {
		return nil, err
	}
	if i < 0 {
		i += len(items)
	}
	if i < 0 || i >= len(items) {
		return nil, nil
	}
	return items[i], nil
}

func setIndex(v Value, idx Value, val Value) error {
	switch x := v.(type) {
	case nil:
		rec := rtError("InvalidOperation", "RuntimeException", "Cannot index into a null array.")
		rec.FullyQualifiedErrorID = "NullArray"
		return rec
	case *Hashtable:
		x.Set(ToString(idx), val)
		return nil
	case []Value, *arrayList, []byte, []string:
		i, err := ToInt(idx)
		if err != nil {
			return err
		}
		var n int
		switch y := x.(type) {
		case []Value:
			n = len(y)
		case *arrayList:
			n = len(y.items)
		case []byte:
			n = len(y)
		case []string:
			n = len(y)
		}
		if i < 0 {
			i += n
		}
		if i < 0 || i >= n {
			rec := rtError("InvalidOperation", "RuntimeException", "Index was outside the bounds of the array.")
			rec.FullyQualifiedErrorID = "System.IndexOutOfRangeException"
			return rec
		}
		switch y := x.(type) {
		case []Value:
			y[i] = val
		case *arrayList:
			y.items[i] = val
		case []byte:
			b, err := toBytes([]Value{val})
			if err != nil {
				return err
			}
			y[i] = b[0]
		case []string:
			y[i] = ToString(val)
		}
		return nil
	}
	rec := rtError("InvalidOperation", "RuntimeException", fmt.Sprintf("Unable to index into an object of type %s.", typeName(v)))
	rec.FullyQualifiedErrorID = "CannotIndex"
	return rec
}

// ---- methods ----

// callMethod invokes an instance method.
func (in *interp) callMethod(sc *scope, v Value, name string, args []Value) (Value, error) {
	ln := strings.ToLower(name)
	if v == nil {
		rec := rtError("InvalidOperation", "RuntimeException", "You cannot call a method on a null-valued expression.")
		rec.FullyQualifiedErrorID = "InvokeMethodOnNull"
		return nil, rec
	}
	switch ln {
	case "gettype":
		if len(args) == 0 {
			return &typeInfo{t: typeOf(v)}, nil
		}
	case "tostring":
		switch x := v.(type) {
		case int, float64, *dateTime:
			if len(args) == 1 {
				return formatValue(x, ToString(args[0])), nil
			}
		}
		if len(args) == 0 {
			if n, ok := v.(*xmlNode); ok {
				return n.dotnetString(), nil
			}
			return dotnetString(v), nil
		}
	case "equals":
		if len(args) == 1 {
			return valuesEqual(v, args[0], true), nil
		}
	case "gethashcode":
		return len(ToString(v)), nil
	}
	switch x := v.(type) {
	case string:
		return stringMethod(x, ln, name, args)
	case []Value, []byte, []string:
		items, _ := enumerable(x)
		return in.arrayMethod(sc, v, items, ln, name, args)
	case *arrayList:
		return in.arrayListMethod(sc, x, ln, name, args)
	case *Hashtable:
		return hashtableMethod(x, ln, name, args)
	case *scriptBlock:
		switch ln {
		case "invoke", "invokereturnasis":
			res, err := in.invokeScriptBlockValue(sc, x, args, nil, false, true)
			if err != nil {
				var pe *psError
				if asErr(err, &pe) {
					rec := rtError("NotSpecified", "MethodInvocationException", fmt.Sprintf("Exception calling \"%s\" with \"%d\" argument(s): \"%s\"", name, len(args), pe.rec.Message))
					rec.FullyQualifiedErrorID = exceptionShortName(exceptionOf(pe.rec).typeName)
					rec.inner = exceptionOf(pe.rec)
					return nil, &psError{rec: rec}
				}
				return nil, err
			}
			if ln == "invoke" {
				items := AsSlice(res)
				if items == nil {
					items = []Value{}
				}
				return items, nil
			}
			return res, nil
		case "getnewclosure":
			return x, nil
		}
	case *xmlNode:
		return in.xmlMethod(x, ln, name, args)
	case *xmlNodeList:
		switch ln {
		case "item":
			if len(args) == 1 {
				return getIndex(x.values(), args[0])
			}
		case "count":
			return len(x.nodes), nil
		}
	case *encodingValue:
		return encodingMethod(x, ln, name, args)
	case *consoleStream:
		return in.consoleMethod(x, ln, name, args)
	case *stringBuilder:
		switch ln {
		case "append":
			for _, a := range args {
				x.b.WriteString(ToString(a))
			}
			return x, nil
		case "appendline":
			for _, a := range args {
				x.b.WriteString(ToString(a))
			}
			x.b.WriteString("\r\n")
			return x, nil
		case "appendformat":
			if len(args) >= 1 {
				s, err := formatOperator(ToString(args[0]), args[1:])
				if err != nil {
					return nil, err
				}
				x.b.WriteString(ToString(s))
				return x, nil
			}
		case "clear":
			x.b.Reset()
			return x, nil
		}
	case *dateTime:
		return dateMethod(x, ln, name, args)
	case *exceptionValue:
		switch ln {
		case "getbaseexception":
			e := x
			for e.inner != nil {
				e = e.inner
			}
			return e, nil
		}
	case *ErrorRecord:
		if ln == "tostring" {
			return x.Message, nil
		}
	case *regexValue:
		return in.regexMethod(x, ln, name, args)
	case *nsManager:
		switch ln {
		case "addnamespace":
			if len(args) == 2 {
				x.prefixes[ToString(args[0])] = ToString(args[1])
				return nil, nil
			}
		case "lookupnamespace":
			if len(args) == 1 {
				if ns, ok := x.prefixes[ToString(args[0])]; ok {
					return ns, nil
				}
				return nil, nil
			}
		case "hasnamespace":
			if len(args) == 1 {
				_, ok := x.prefixes[ToString(args[0])]
				return ok, nil
			}
		}
	case XElement:
		if ln == "tostring" {
			return x.XML, nil
		}
	case *Object:
		if val, ok := x.Get(name); ok {
			if sb, ok := val.(*scriptBlock); ok {
				return in.invokeScriptBlockValue(sc, sb, args, nil, false, true)
			}
		}
	case *psObjectView:
		if ln == "copy" {
			if o, ok := x.target.(*Object); ok {
				c := NewObject("")
				c.TypeNames = append([]string(nil), o.TypeNames...)
				for _, k := range o.Properties() {
					pv, _ := o.Get(k)
					c.Set(k, pv)
				}
				return c, nil
			}
		}
	case *typeInfo:
		switch ln {
		case "isinstanceoftype":
			if len(args) == 1 {
				return isInstance(args[0], x.t), nil
			}
		}
		return in.staticMethod(x.t, name, args)
	}
	return nil, methodNotFound(v, name)
}

func asErr(err error, target **psError) bool {
	pe, ok := err.(*psError)
	if ok {
		*target = pe
	}
	return ok
}

// namespaceArg returns the namespace URI that XML methods such as
// GetAttribute(name, ns) take as their second argument, or "".
func namespaceArg(args []Value) string {
	if len(args) > 1 {
		return ToString(args[1])
	}
	return ""
}

func stringMethod(s, ln, name string, args []Value) (Value, error) {
	n := len(args)
	switch ln {
	case "tolower", "tolowerinvariant":
		return strings.ToLower(s), nil
	case "toupper", "toupperinvariant":
		return strings.ToUpper(s), nil
	case "trim", "trimstart", "trimend":
		cut := ""
		for _, a := range args {
			for _, it := range AsSlice(a) {
				cut += ToString(it)
			}
		}
		f := func(r rune) bool {
			if cut == "" {
				return unicode.IsSpace(r)
			}
			return strings.ContainsRune(cut, r)
		}
		switch ln {
		case "trim":
			return strings.TrimFunc(s, f), nil
		case "trimstart":
			return strings.TrimLeftFunc(s, f), nil
		}
		return strings.TrimRightFunc(s, f), nil
	case "contains":
		if n == 1 {
			return strings.Contains(s, ToString(args[0])), nil
		}
	case "startswith", "endswith":
		if n >= 1 {
			p := ToString(args[0])
			a, b := s, p
			if n == 2 && ToBool(args[1]) || n == 2 && strings.Contains(strings.ToLower(ToString(args[1])), "ignorecase") {
				a, b = strings.ToLower(s), strings.ToLower(p)
			}
			if ln == "startswith" {
				return strings.HasPrefix(a, b), nil
			}
			return strings.HasSuffix(a, b), nil
		}
	case "indexof", "lastindexof":
		if n >= 1 {
			sub := ToString(args[0])
			var i int
			if ln == "indexof" {
				start := 0
				if n >= 2 {
					if v, err := ToInt(args[1]); err == nil {
						start = v
					}
				}
				runes := []rune(s)
				if start < 0 || start > len(runes) {
					return nil, netErr("System.ArgumentOutOfRangeException", "Index was out of range. Must be non-negative and less than the size of the collection.\r\nParameter name: startIndex")
				}
				i = strings.Index(string(runes[start:]), sub)
				if i >= 0 {
					i = utf8.RuneCountInString(string(runes[start:])[:i]) + start
				}
				return i, nil
			}
			i = strings.LastIndex(s, sub)
			if i >= 0 {
				i = utf8.RuneCountInString(s[:i])
			}
			return i, nil
		}
	case "substring":
		runes := []rune(s)
		if n == 1 || n == 2 {
			start, err := ToInt(args[0])
			if err != nil {
				return nil, err
			}
			if start < 0 || start > len(runes) {
				return nil, netErr("System.ArgumentOutOfRangeException", "startIndex cannot be larger than length of string.\r\nParameter name: startIndex")
			}
			if n == 1 {
				return string(runes[start:]), nil
			}
			l, err := ToInt(args[1])
			if err != nil {
				return nil, err
			}
			if l < 0 || start+l > len(runes) {
				return nil, netErr("System.ArgumentOutOfRangeException", "Index and length must refer to a location within the string.\r\nParameter name: length")
			}
			return string(runes[start : start+l]), nil
		}
	case "replace":
		if n == 2 {
			old := ToString(args[0])
			if old == "" {
				return nil, netErr("System.ArgumentException", "String cannot be of zero length.\r\nParameter name: oldValue")
			}
			return strings.ReplaceAll(s, old, ToString(args[1])), nil
		}
	case "split":
		if n >= 1 {
			var seps []string
			for _, it := range AsSlice(args[0]) {
				sv := ToString(it)
				if _, isStrArg := it.(string); isStrArg && len(AsSlice(args[0])) == 1 && n == 1 {
					// A single string argument is a char[] of separators.
					for _, r := range sv {
						seps = append(seps, string(r))
					}
					continue
				}
				seps = append(seps, sv)
			}
			removeEmpty := n >= 2 && strings.Contains(strings.ToLower(ToString(args[n-1])), "removeemptyentries")
			parts := []string{s}
			for _, sep := range seps {
				if sep == "" {
					continue
				}
				var next []string
				for _, p := range parts {
					next = append(next, strings.Split(p, sep)...)
				}
				parts = next
			}
			out := []Value{}
			for _, p := range parts {
				if removeEmpty && p == "" {
					continue
				}
				out = append(out, p)
			}
			return out, nil
		}
		if n == 0 {
			out := []Value{}
			for _, f := range strings.FieldsFunc(s, unicode.IsSpace) {
				out = append(out, f)
			}
			return out, nil
		}
	case "padleft", "padright":
		if n >= 1 {
			w, err := ToInt(args[0])
			if err != nil {
				return nil, err
			}
			pad := " "
			if n == 2 {
				pad = ToString(args[1])
			}
			l := utf8.RuneCountInString(s)
			if l >= w {
				return s, nil
			}
			fill := strings.Repeat(pad, w-l)
			if ln == "padleft" {
				return fill + s, nil
			}
			return s + fill, nil
		}
	case "insert":
		if n == 2 {
			i, err := ToInt(args[0])
			if err != nil {
				return nil, err
			}
			runes := []rune(s)
			if i < 0 || i > len(runes) {
				return nil, netErr("System.ArgumentOutOfRangeException", "Specified argument was out of the range of valid values.\r\nParameter name: startIndex")
			}
			return string(runes[:i]) + ToString(args[1]) + string(runes[i:]), nil
		}
	case "remove":
		if n >= 1 {
			i, err := ToInt(args[0])
			if err != nil {
				return nil, err
			}
			runes := []rune(s)
			if i < 0 || i > len(runes) {
				return nil, netErr("System.ArgumentOutOfRangeException", "startIndex must be less than length of string.\r\nParameter name: startIndex")
			}
			if n == 1 {
				return string(runes[:i]), nil
			}
			c, err := ToInt(args[1])
			if err != nil {
				return nil, err
			}
			if c < 0 || i+c > len(runes) {
				return nil, netErr("System.ArgumentOutOfRangeException", "Index and count must refer to a location within the string.\r\nParameter name: count")
			}
			return string(runes[:i]) + string(runes[i+c:]), nil
		}
	case "tochararray":
		out := []Value{}
		for _, r := range s {
			out = append(out, string(r))
		}
		return out, nil
	case "normalize", "clone":
		return s, nil
	case "compareto":
		if n == 1 {
			return strings.Compare(s, ToString(args[0])), nil
		}
	case "getenumerator":
		return stringMethod(s, "tochararray", name, nil)
	}
	if _, known := map[string]bool{"tolower": true, "toupper": true, "trim": true, "contains": true, "startswith": true, "endswith": true, "indexof": true, "substring": true, "replace": true, "split": true, "padleft": true, "padright": true, "insert": true, "remove": true, "compareto": true, "lastindexof": true}[ln]; known {
		return nil, overloadError(name, n)
	}
	return nil, methodNotFound(s, name)
}

func (in *interp) arrayMethod(sc *scope, v Value, items []Value, ln, name string, args []Value) (Value, error) {
	switch ln {
	case "contains":
		if len(args) == 1 {
			for _, it := range items {
				if valuesEqual(it, args[0], true) {
					return true, nil
				}
			}
			return false, nil
		}
	case "indexof":
		if len(args) == 1 {
			for i, it := range items {
				if valuesEqual(it, args[0], true) {
					return i, nil
				}
			}
			return -1, nil
		}
	case "clone":
		if b, ok := v.([]byte); ok {
			return append([]byte(nil), b...), nil
		}
		return append([]Value(nil), items...), nil
	case "getvalue":
		if len(args) == 1 {
			return getIndex(v, args[0])
		}
	case "setvalue":
		if len(args) == 2 {
			return nil, setIndex(v, args[1], args[0])
		}
	case "foreach":
		if len(args) >= 1 {
			if sb, ok := args[0].(*scriptBlock); ok {
				var out []Value
				for _, it := range items {
					err := in.invokeScriptBlock(sc, sb, args[1:], it, true, false, func(r Value) error { out = append(out, r); return nil })
					if err != nil {
						return nil, err
					}
				}
				if out == nil {
					out = []Value{}
				}
				return out, nil
			}
			var out []Value
			for _, it := range items {
				r, err := in.getMember(it, ToString(args[0]))
				if err != nil {
					return nil, err
				}
				out = append(out, r)
			}
			return out, nil
		}
	case "where":
		if len(args) >= 1 {
			if sb, ok := args[0].(*scriptBlock); ok {
				out := []Value{}
				for _, it := range items {
					r, err := in.invokeScriptBlockValue(sc, sb, nil, it, true, false)
					if err != nil {
						return nil, err
					}
					if ToBool(r) {
						out = append(out, it)
					}
				}
				return out, nil
			}
		}
	case "getenumerator":
		return items, nil
	}
	// Method enumeration: call the method on each element.
	if len(items) > 0 {
		var out []Value
		for _, it := range items {
			r, err := in.callMethod(sc, it, name, args)
			if err != nil {
				return nil, err
			}
			if r != nil {
				out = append(out, r)
			}
		}
		return unwrap(out), nil
	}
	return nil, methodNotFound(v, name)
}

func (in *interp) arrayListMethod(sc *scope, l *arrayList, ln, name string, args []Value) (Value, error) {
	switch ln {
	case "add":
		if len(args) == 1 {
			l.items = append(l.items, args[0])
			if l.typeName == tGenericList.fullName {
				return nil, nil // List<T>.Add returns void
			}
			return len(l.items) - 1, nil
		}
	case "addrange":
		if len(args) == 1 {
			l.items = append(l.items, AsSlice(args[0])...)
			return nil, nil
		}
	case "insert":
		if len(args) == 2 {
			i, err := ToInt(args[0])
			if err != nil {
				return nil, err
			}
			if i < 0 || i > len(l.items) {
				return nil, netErr("System.ArgumentOutOfRangeException", "Insertion index was out of range. Must be non-negative and less than or equal to size.\r\nParameter name: index")
			}
			l.items = append(l.items[:i], append([]Value{args[1]}, l.items[i:]...)...)
			return nil, nil
		}
	case "remove":
		if len(args) == 1 {
			for i, it := range l.items {
				if valuesEqual(it, args[0], true) {
					l.items = append(l.items[:i], l.items[i+1:]...)
					break
				}
			}
			return nil, nil
		}
	case "removeat":
		if len(args) == 1 {
			i, err := ToInt(args[0])
			if err != nil {
				return nil, err
			}
			if i < 0 || i >= len(l.items) {
				return nil, netErr("System.ArgumentOutOfRangeException", "Index was out of range. Must be non-negative and less than the size of the collection.\r\nParameter name: index")
			}
			l.items = append(l.items[:i], l.items[i+1:]...)
			return nil, nil
		}
	case "clear":
		l.items = nil
		return nil, nil
	case "toarray":
		return append([]Value(nil), l.items...), nil
	case "sort":
		sort.SliceStable(l.items, func(i, j int) bool {
			c, _ := compareValues(l.items[i], l.items[j], false)
			return c < 0
		})
		return nil, nil
	case "reverse":
		for i, j := 0, len(l.items)-1; i < j; i, j = i+1, j-1 {
			l.items[i], l.items[j] = l.items[j], l.items[i]
		}
		return nil, nil
	}
	return in.arrayMethod(sc, l, l.items, ln, name, args)
}

func hashtableMethod(h *Hashtable, ln, name string, args []Value) (Value, error) {
	switch ln {
	case "containskey", "contains":
		if len(args) == 1 {
			_, ok := h.Get(ToString(args[0]))
			return ok, nil
		}
	case "containsvalue":
		if len(args) == 1 {
			for _, k := range h.Keys() {
				v, _ := h.Get(k)
				if valuesEqual(v, args[0], true) {
					return true, nil
				}
			}
			return false, nil
		}
	case "add":
		if len(args) == 2 {
			k := ToString(args[0])
			if _, dup := h.Get(k); dup {
				return nil, netErr("System.ArgumentException", fmt.Sprintf("Item has already been added. Key in dictionary: '%s'  Key being added: '%s'", k, k))
			}
			h.Set(k, args[1])
			return nil, nil
		}
	case "remove":
		if len(args) == 1 {
			h.Delete(ToString(args[0]))
			return nil, nil
		}
	case "clear":
		for _, k := range h.Keys() {
			h.Delete(k)
		}
		return nil, nil
	case "clone":
		c := NewHashtable()
		c.ordered = h.ordered
		for _, k := range h.Keys() {
			v, _ := h.Get(k)
			c.Set(k, v)
		}
		return c, nil
	case "getenumerator":
		out := make([]Value, 0, h.Len())
		for _, k := range h.Keys() {
			v, _ := h.Get(k)
			out = append(out, &dictEntry{key: k, value: v})
		}
		return out, nil
	}
	return nil, methodNotFound(h, name)
}

func encodingMethod(e *encodingValue, ln, name string, args []Value) (Value, error) {
	switch ln {
	case "getstring":
		if len(args) == 1 || len(args) == 3 {
			if args[0] == nil {
				return nil, netErr("System.ArgumentNullException", "Array cannot be null.\r\nParameter name: bytes")
			}
			b, err := toBytes(args[0])
			if err != nil {
				return nil, err
			}
			if len(args) == 3 {
				i, err1 := ToInt(args[1])
				c, err2 := ToInt(args[2])
				if err1 != nil || err2 != nil || i < 0 || c < 0 || i+c > len(b) {
					return nil, netErr("System.ArgumentOutOfRangeException", "Index and count must refer to a location within the buffer.\r\nParameter name: bytes")
				}
				b = b[i : i+c]
			}
			return decodeBytes(e.name, b), nil
		}
	case "getbytes":
		if len(args) == 1 {
			if args[0] == nil {
				return nil, netErr("System.ArgumentNullException", "String reference not set to an instance of a String.\r\nParameter name: s")
			}
			return encodeString(e.name, ToString(args[0])), nil
		}
	case "getbytecount":
		if len(args) == 1 {
			return len(encodeString(e.name, ToString(args[0]))), nil
		}
	case "getpreamble":
		switch e.name {
		case "utf-8":
			return []byte{0xEF, 0xBB, 0xBF}, nil
		case "utf-16":
			return []byte{0xFF, 0xFE}, nil
		}
		return []byte{}, nil
	}
	return nil, methodNotFound(e, name)
}

func decodeBytes(enc string, b []byte) string {
	switch enc {
	case "utf-16":
		return fromUTF16LE(b)
	case "us-ascii":
		r := make([]rune, len(b))
		for i, c := range b {
			if c > 127 {
				r[i] = '?'
			} else {
				r[i] = rune(c)
			}
		}
		return string(r)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

func encodeString(enc, s string) []byte {
	switch enc {
	case "utf-16":
		return utf16le(s)
	case "us-ascii":
		out := make([]byte, 0, len(s))
		for _, r := range s {
			if r > 127 {
				out = append(out, '?')
			} else {
				out = append(out, byte(r))
			}
		}
		return out
	}
	return []byte(s)
}

func (in *interp) consoleMethod(c *consoleStream, ln, name string, args []Value) (Value, error) {
	switch c.which {
	case "in":
		switch ln {
		case "readline":
			line, ok, err := in.stdin.readLine(in.ctx)
			if err != nil {
				return nil, err
			}
			if !ok {
				return nil, nil
			}
			return consoleLine(line), nil
		case "readtoend":
			return in.stdin.readAll(in.ctx)
		case "peek":
			return -1, nil
		}
	case "out", "error":
		write := in.streams.writeOut
		if c.which == "error" {
			write = in.streams.writeErrRaw
		}
		switch ln {
		case "writeline", "write":
			text := ""
			if len(args) > 0 {
				if len(args) > 1 {
					s, err := formatOperator(ToString(args[0]), args[1:])
					if err != nil {
						return nil, err
					}
					text = ToString(s)
				} else {
					text = consoleText(args[0])
				}
			}
			if ln == "writeline" {
				text += "\r\n"
			}
			in.fmt.interrupt()
			write(text)
			return nil, nil
		case "flush":
			return nil, nil
		}
	}
	return nil, methodNotFound(c, name)
}

// consoleText is what TextWriter.Write(object) prints: .NET ToString, except
// that char arrays print their characters.
func consoleText(v Value) string {
	if _, ok := v.([]Value); ok {
		return "System.Object[]"
	}
	return dotnetString(v)
}

func dateMethod(d *dateTime, ln, name string, args []Value) (Value, error) {
	add := func(unit time.Duration) (Value, error) {
		if len(args) != 1 {
			return nil, overloadError(name, len(args))
		}
		f, err := toDouble(args[0])
		if err != nil {
			return nil, err
		}
		return &dateTime{t: d.t.Add(time.Duration(f * float64(unit))), utc: d.utc}, nil
	}
	switch ln {
	case "tostring":
		if len(args) >= 1 {
			return d.format(ToString(args[0])), nil
		}
		return d.format("G"), nil
	case "addseconds":
		return add(time.Second)
	case "addminutes":
		return add(time.Minute)
	case "addhours":
		return add(time.Hour)
	case "adddays":
		return add(24 * time.Hour)
	case "addmilliseconds":
		return add(time.Millisecond)
	case "touniversaltime":
		return &dateTime{t: d.t.UTC(), utc: true}, nil
	case "tolocaltime":
		return &dateTime{t: d.t.Local()}, nil
	case "subtract":
		if len(args) == 1 {
			return arith("-", d, args[0])
		}
	case "tofiletime", "tofiletimeutc":
		return int(d.t.Sub(time.Date(1601, 1, 1, 0, 0, 0, 0, time.UTC)) / 100), nil
	}
	return nil, methodNotFound(d, name)
}

func (in *interp) regexMethod(r *regexValue, ln, name string, args []Value) (Value, error) {
	re, err := compileRegex(r.pattern, false)
	if err != nil {
		return nil, err
	}
	switch ln {
	case "ismatch":
		if len(args) == 1 {
			return re.MatchString(ToString(args[0])), nil
		}
	case "replace":
		if len(args) == 2 {
			return replaceOp(ToString(args[0]), []Value{r.pattern, args[1]}, true)
		}
	case "split":
		if len(args) == 1 {
			return splitOp(ToString(args[0]), r.pattern, true)
		}
	case "match":
		if len(args) == 1 {
			s := ToString(args[0])
			idx := re.FindStringSubmatchIndex(s)
			o := NewObject("System.Text.RegularExpressions.Match")
			if idx == nil {
				o.Set("Success", false).Set("Value", "").Set("Index", 0).Set("Groups", []Value{})
				return o, nil
			}
			groups := []Value{}
			for i := 0; i < len(idx)/2; i++ {
				g := NewObject("System.Text.RegularExpressions.Group")
				if idx[2*i] >= 0 {
					g.Set("Success", true).Set("Value", s[idx[2*i]:idx[2*i+1]])
				} else {
					g.Set("Success", false).Set("Value", "")
				}
				groups = append(groups, g)
			}
			o.Set("Success", true).Set("Value", s[idx[0]:idx[1]]).Set("Index", utf8.RuneCountInString(s[:idx[0]])).Set("Groups", groups)
			o.display = s[idx[0]:idx[1]]
			return o, nil
		}
	}
	return nil, methodNotFound(r, name)
}
