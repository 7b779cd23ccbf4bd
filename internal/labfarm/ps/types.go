package ps

import (
	"strings"
)

// psType is a .NET type as far as the interpreter knows it: enough for type
// literals, casts, -is/-as, GetType().FullName and catch clauses.
type psType struct {
	fullName string
	base     string // full name of the base type ("" for System.Object)
	elem     *psType
}

func (t *psType) name() string {
	if t.elem != nil {
		return t.elem.name() + "[]"
	}
	if i := strings.LastIndexByte(t.fullName, '.'); i >= 0 {
		return t.fullName[i+1:]
	}
	return t.fullName
}

// knownTypes maps lower-case names (and accelerators) to types.
var knownTypes = map[string]*psType{}

func defType(full, base string, aliases ...string) *psType {
	t := &psType{fullName: full, base: base}
	knownTypes[strings.ToLower(full)] = t
	for _, a := range aliases {
		knownTypes[strings.ToLower(a)] = t
	}
	return t
}

// The known types, in registration order. Those bound to _ are only looked
// up by name, from type literals in scripts.
var (
	tObject      = defType("System.Object", "", "object", "psobject", "System.Management.Automation.PSObject")
	tString      = defType("System.String", "System.Object", "string")
	tChar        = defType("System.Char", "System.ValueType", "char")
	tBool        = defType("System.Boolean", "System.ValueType", "bool", "boolean")
	tInt         = defType("System.Int32", "System.ValueType", "int", "int32")
	tLong        = defType("System.Int64", "System.ValueType", "long", "int64")
	tByte        = defType("System.Byte", "System.ValueType", "byte")
	tDouble      = defType("System.Double", "System.ValueType", "double", "float", "single", "decimal", "System.Single", "System.Decimal")
	tHashtable   = defType("System.Collections.Hashtable", "System.Object", "hashtable")
	tOrdered     = defType("System.Collections.Specialized.OrderedDictionary", "System.Object", "ordered")
	tPSCustom    = defType("System.Management.Automation.PSCustomObject", "System.Object", "pscustomobject")
	tXMLDoc      = defType("System.Xml.XmlDocument", "System.Xml.XmlNode", "xml")
	tXMLElement  = defType("System.Xml.XmlElement", "System.Xml.XmlLinkedNode")
	tXMLAttr     = defType("System.Xml.XmlAttribute", "System.Xml.XmlNode")
	tXMLNode     = defType("System.Xml.XmlNode", "System.Object")
	tXMLText     = defType("System.Xml.XmlText", "System.Xml.XmlLinkedNode")
	tXMLDecl     = defType("System.Xml.XmlDeclaration", "System.Xml.XmlLinkedNode")
	tXMLComment  = defType("System.Xml.XmlComment", "System.Xml.XmlLinkedNode")
	tXMLLinked   = defType("System.Xml.XmlLinkedNode", "System.Xml.XmlNode")
	tXMLNodeList = defType("System.Xml.XmlNodeList", "System.Object")
	tXElement    = defType("System.Xml.Linq.XElement", "System.Object")
	tScriptBlock = defType("System.Management.Automation.ScriptBlock", "System.Object", "scriptblock")
	tArrayList   = defType("System.Collections.ArrayList", "System.Object")
	tGenericList = defType("System.Collections.Generic.List`1", "System.Object")
	tDateTime    = defType("System.DateTime", "System.ValueType", "datetime")
	tTimeSpan    = defType("System.TimeSpan", "System.ValueType", "timespan")
	tGuid        = defType("System.Guid", "System.ValueType", "guid")
	tVersion     = defType("System.Version", "System.Object", "version")
	tRegex       = defType("System.Text.RegularExpressions.Regex", "System.Object", "regex")
	tErrorRecord = defType("System.Management.Automation.ErrorRecord", "System.Object")
	tVoid        = defType("System.Void", "System.ValueType", "void")
	tSwitch      = defType("System.Management.Automation.SwitchParameter", "System.ValueType", "switch")
	tEncoding    = defType("System.Text.Encoding", "System.Object", "Text.Encoding")
	tConvert     = defType("System.Convert", "System.Object", "convert")
	tConsole     = defType("System.Console", "System.Object", "console")
	tMath        = defType("System.Math", "System.Object", "math")
	tEnvironment = defType("System.Environment", "System.Object", "environment")
	tPath        = defType("System.IO.Path", "System.Object", "IO.Path")
	_            = defType("System.IO.File", "System.Object", "IO.File")
	tStringBld   = defType("System.Text.StringBuilder", "System.Object", "Text.StringBuilder")
	tNsManager   = defType("System.Xml.XmlNamespaceManager", "System.Object", "Xml.XmlNamespaceManager")
	tType        = defType("System.RuntimeType", "System.Type", "type", "System.Type")
	tValueType   = defType("System.ValueType", "System.Object")
	tArray       = defType("System.Array", "System.Object", "array")
	tIDictionary = defType("System.Collections.IDictionary", "System.Object")
	tIEnumerable = defType("System.Collections.IEnumerable", "System.Object")
	tDictEntry   = defType("System.Collections.DictionaryEntry", "System.ValueType")
	tDns         = defType("System.Net.Dns", "System.Object", "Net.Dns")
	_            = defType("System.Security.SecureString", "System.Object", "securestring")
	_            = defType("System.Management.Automation.PSReference", "System.Object", "ref")
	_            = defType("System.Management.Automation.WildcardPattern", "System.Object", "WildcardPattern")
	_            = defType("System.Enum", "System.ValueType", "enum")
	tCmdInfo     = defType("System.Management.Automation.CmdletInfo", "System.Object")
	_            = defType("System.Globalization.CultureInfo", "System.Object", "cultureinfo")
)

// Exception hierarchy, for catch [Type] and -is.
func init() {
	for _, e := range [][2]string{
		{"System.Exception", "System.Object"},
		{"System.SystemException", "System.Exception"},
		{"System.ApplicationException", "System.Exception"},
		{"System.InvalidOperationException", "System.SystemException"},
		{"System.ObjectDisposedException", "System.InvalidOperationException"},
		{"System.ArgumentException", "System.SystemException"},
		{"System.ArgumentNullException", "System.ArgumentException"},
		{"System.ArgumentOutOfRangeException", "System.ArgumentException"},
		{"System.FormatException", "System.SystemException"},
		{"System.InvalidCastException", "System.SystemException"},
		{"System.NotSupportedException", "System.SystemException"},
		{"System.NotImplementedException", "System.SystemException"},
		{"System.NullReferenceException", "System.SystemException"},
		{"System.IndexOutOfRangeException", "System.SystemException"},
		{"System.ArithmeticException", "System.SystemException"},
		{"System.DivideByZeroException", "System.ArithmeticException"},
		{"System.OverflowException", "System.ArithmeticException"},
		{"System.TimeoutException", "System.SystemException"},
		{"System.UnauthorizedAccessException", "System.SystemException"},
		{"System.IO.IOException", "System.SystemException"},
		{"System.IO.FileNotFoundException", "System.IO.IOException"},
		{"System.IO.DirectoryNotFoundException", "System.IO.IOException"},
		{"System.Xml.XmlException", "System.SystemException"},
		{"System.Xml.XPath.XPathException", "System.SystemException"},
		{"System.Management.Automation.RuntimeException", "System.SystemException"},
		{"System.Management.Automation.CommandNotFoundException", "System.Management.Automation.RuntimeException"},
		{"System.Management.Automation.ParameterBindingException", "System.Management.Automation.RuntimeException"},
		{"System.Management.Automation.ActionPreferenceStopException", "System.Management.Automation.RuntimeException"},
		{"System.Management.Automation.MethodException", "System.Management.Automation.RuntimeException"},
		{"System.Management.Automation.MethodInvocationException", "System.Management.Automation.MethodException"},
		{"System.Management.Automation.PSInvalidCastException", "System.InvalidCastException"},
		{"System.Management.Automation.ParseException", "System.Management.Automation.RuntimeException"},
		{"System.Management.Automation.ParentContainsErrorRecordException", "System.SystemException"},
		{"System.Management.Automation.PSArgumentException", "System.ArgumentException"},
		{"System.Management.Automation.PSInvalidOperationException", "System.InvalidOperationException"},
		{"System.Management.Automation.PipelineStoppedException", "System.Management.Automation.RuntimeException"},
		{"System.Management.Automation.SessionStateException", "System.Management.Automation.RuntimeException"},
		{"System.Management.Automation.ItemNotFoundException", "System.Management.Automation.SessionStateException"},
		{"System.Management.Automation.ValidationMetadataException", "System.Management.Automation.RuntimeException"},
		{"Microsoft.PowerShell.Commands.WriteErrorException", "System.SystemException"},
	} {
		defType(e[0], e[1])
	}
}

// lookupType resolves a type name as PowerShell does: case-insensitively,
// with an optional "System." prefix, with [] array suffixes and generic
// argument lists. Unknown names ending in "Exception" are accepted (the farm
// may throw exception types this table does not list).
func lookupType(name string) *psType {
	n := strings.TrimSpace(name)
	if strings.HasSuffix(n, "[]") {
		elem := lookupType(n[:len(n)-2])
		if elem == nil {
			return nil
		}
		return &psType{fullName: elem.fullName + "[]", base: "System.Array", elem: elem}
	}
	ln := strings.ToLower(n)
	if i := strings.IndexByte(ln, '['); i >= 0 {
		// Generic type: System.Collections.Generic.List[string] behaves as a list.
		gen := ln[:i]
		if strings.HasSuffix(gen, "list") || strings.HasSuffix(gen, "list`1") {
			return tGenericList
		}
		if strings.Contains(gen, "dictionary") {
			return tHashtable
		}
		return nil
	}
	if t, ok := knownTypes[ln]; ok {
		return t
	}
	if t, ok := knownTypes["system."+ln]; ok {
		return t
	}
	if strings.HasSuffix(ln, "exception") {
		full := n
		return &psType{fullName: full, base: "System.Exception"}
	}
	return nil
}

// isSubtype reports whether type name sub equals or derives from super.
func isSubtype(sub, super string) bool {
	if strings.EqualFold(super, "System.Object") {
		return true
	}
	for i := 0; i < 32 && sub != ""; i++ {
		if strings.EqualFold(sub, super) {
			return true
		}
		t, ok := knownTypes[strings.ToLower(sub)]
		if !ok {
			if strings.HasSuffix(strings.ToLower(sub), "exception") {
				sub = "System.Exception"
				continue
			}
			return false
		}
		sub = t.base
	}
	return false
}

// typeOf returns the .NET type of a value.
func typeOf(v Value) *psType {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		return tString
	case bool:
		return tBool
	case int:
		if x >= -1<<31 && x < 1<<31 {
			return tInt
		}
		return tLong
	case float64:
		return tDouble
	case []Value:
		return &psType{fullName: "System.Object[]", base: "System.Array", elem: tObject}
	case []byte:
		return &psType{fullName: "System.Byte[]", base: "System.Array", elem: tByte}
	case []string:
		return &psType{fullName: "System.String[]", base: "System.Array", elem: tString}
	case *Hashtable:
		if x.ordered {
			return tOrdered
		}
		return tHashtable
	case *Object:
		if len(x.TypeNames) > 0 {
			if t := lookupType(x.TypeNames[0]); t != nil {
				return t
			}
			base := "System.Object"
			if len(x.TypeNames) > 1 {
				base = x.TypeNames[1]
			}
			return &psType{fullName: x.TypeNames[0], base: base}
		}
		return tPSCustom
	case XElement:
		return tXElement
	case *ErrorRecord:
		return tErrorRecord
	case *xmlNode:
		switch x.kind {
		case xmlDocumentNode:
			return tXMLDoc
		case xmlElementNode:
			return tXMLElement
		case xmlAttributeNode:
			return tXMLAttr
		case xmlDeclNode:
			return tXMLDecl
		case xmlCommentNode:
			return tXMLComment
		}
		return tXMLText
	case *xmlNodeList:
		return tXMLNodeList
	case *scriptBlock:
		return tScriptBlock
	case *arrayList:
		if x.typeName == tGenericList.fullName {
			return tGenericList
		}
		return tArrayList
	case *dateTime:
		return tDateTime
	case *timeSpan:
		return tTimeSpan
	case *guidValue:
		return tGuid
	case *versionValue:
		return tVersion
	case *exceptionValue:
		if t := lookupType(x.typeName); t != nil {
			return t
		}
		return &psType{fullName: x.typeName, base: "System.Exception"}
	case *encodingValue:
		switch x.name {
		case "utf-8":
			return &psType{fullName: "System.Text.UTF8Encoding", base: "System.Text.Encoding"}
		case "utf-16":
			return &psType{fullName: "System.Text.UnicodeEncoding", base: "System.Text.Encoding"}
		}
		return &psType{fullName: "System.Text.ASCIIEncoding", base: "System.Text.Encoding"}
	case *consoleStream:
		if x.which == "in" {
			return &psType{fullName: "System.IO.SyncTextReader", base: "System.IO.TextReader"}
		}
		return &psType{fullName: "System.IO.TextWriter+SyncTextWriter", base: "System.IO.TextWriter"}
	case *stringBuilder:
		return tStringBld
	case *typeInfo:
		return tType
	case *nsManager:
		return tNsManager
	case *regexValue:
		return tRegex
	case *dictEntry:
		return tDictEntry
	case *formattedText:
		return &psType{fullName: "Microsoft.PowerShell.Commands.Internal.Format.FormatEntryData", base: "System.Object"}
	case *commandInfo:
		return tCmdInfo
	case *psObjectView:
		return &psType{fullName: "System.Management.Automation.PSObject", base: "System.Object"}
	}
	return tObject
}

// typeName returns the full type name of a value ("" for $null).
func typeName(v Value) string {
	if t := typeOf(v); t != nil {
		return t.fullName
	}
	return ""
}

// isInstance implements -is.
func isInstance(v Value, t *psType) bool {
	if v == nil {
		return false
	}
	vt := typeOf(v)
	if t.elem != nil {
		if vt.elem == nil {
			return false
		}
		return t.elem == tObject || strings.EqualFold(vt.fullName, t.fullName)
	}
	switch t {
	case tObject:
		return true
	case tArray, tIEnumerable:
		_, ok := enumerable(v)
		if t == tIEnumerable {
			switch v.(type) {
			case string, *Hashtable:
				return true
			}
		}
		return ok
	case tIDictionary:
		_, ok := v.(*Hashtable)
		return ok
	case tHashtable:
		h, ok := v.(*Hashtable)
		return ok && !h.ordered
	case tXMLNode:
		_, ok := v.(*xmlNode)
		return ok
	case tXMLLinked:
		n, ok := v.(*xmlNode)
		return ok && n.kind != xmlDocumentNode && n.kind != xmlAttributeNode
	case tValueType:
		switch v.(type) {
		case int, float64, bool, *dateTime, *timeSpan, *guidValue:
			return true
		}
		return false
	case tLong:
		_, ok := v.(int)
		return ok && vt == tLong
	}
	if o, ok := v.(*Object); ok {
		for _, n := range o.TypeNames {
			if strings.EqualFold(n, t.fullName) {
				return true
			}
		}
		if t == tPSCustom {
			return true
		}
	}
	return isSubtype(vt.fullName, t.fullName)
}
