package ps

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Static members of the .NET types scripts use: [Convert], [Text.Encoding],
// [Console], [string], [math], [scriptblock], [XElement], [datetime],
// [guid], [Environment], [IO.Path], [regex], [int]...

func (in *interp) staticMember(t *psType, name string) (Value, error) {
	ln := strings.ToLower(name)
	switch t {
	case tEncoding:
		switch ln {
		case "utf8":
			return &encodingValue{name: "utf-8"}, nil
		case "unicode":
			return &encodingValue{name: "utf-16"}, nil
		case "ascii":
			return &encodingValue{name: "us-ascii"}, nil
		case "default":
			return &encodingValue{name: "us-ascii"}, nil
		}
	case tConsole:
		switch ln {
		case "in":
			return &consoleStream{which: "in"}, nil
		case "out":
			return &consoleStream{which: "out"}, nil
		case "error":
			return &consoleStream{which: "error"}, nil
		case "outputencoding", "inputencoding":
			return &encodingValue{name: "utf-8"}, nil
		case "isoutputredirected", "isinputredirected", "iserrorredirected":
			return true, nil
		}
	case tString:
		if ln == "empty" {
			return "", nil
		}
	case tInt:
		switch ln {
		case "maxvalue":
			return math.MaxInt32, nil
		case "minvalue":
			return math.MinInt32, nil
		}
	case tLong:
		switch ln {
		case "maxvalue":
			return math.MaxInt64, nil
		case "minvalue":
			return math.MinInt64, nil
		}
	case tDouble:
		switch ln {
		case "maxvalue":
			return math.MaxFloat64, nil
		case "nan":
			return math.NaN(), nil
		}
	case tMath:
		switch ln {
		case "pi":
			return math.Pi, nil
		case "e":
			return math.E, nil
		}
	case tDateTime:
		switch ln {
		case "now":
			return &dateTime{t: time.Now()}, nil
		case "utcnow":
			return &dateTime{t: time.Now().UTC(), utc: true}, nil
		case "today":
			y, m, d := time.Now().Date()
			return &dateTime{t: time.Date(y, m, d, 0, 0, 0, 0, time.Local)}, nil
		case "minvalue":
			return &dateTime{t: time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)}, nil
		}
	case tGuid:
		if ln == "empty" {
			return &guidValue{s: "00000000-0000-0000-0000-000000000000"}, nil
		}
	case tEnvironment:
		switch ln {
		case "machinename":
			v, _ := in.getVar(in.global, "env:COMPUTERNAME")
			return ToString(v), nil
		case "newline":
			return "\r\n", nil
		case "username":
			v, _ := in.getVar(in.global, "env:USERNAME")
			return ToString(v), nil
		case "osversion":
			return "Microsoft Windows NT 6.2.9200.0", nil
		case "is64bitprocess", "is64bitoperatingsystem":
			return true, nil
		case "currentdirectory":
			return `C:\Users\Administrator`, nil
		case "userdomainname":
			v, _ := in.getVar(in.global, "env:USERDNSDOMAIN")
			return ToString(v), nil
		}
	case tTimeSpan:
		if ln == "zero" {
			return &timeSpan{}, nil
		}
	case tPath:
		switch ln {
		case "directoryseparatorchar":
			return `\`, nil
		case "pathseparator":
			return ";", nil
		}
	}
	return nil, nil
}

func (in *interp) staticMethod(t *psType, name string, args []Value) (Value, error) {
	ln := strings.ToLower(name)
	n := len(args)
	if ln == "new" {
		return in.construct(t, args)
	}
	switch t {
	case tConvert:
		switch ln {
		case "tobase64string":
			if n == 1 {
				if args[0] == nil {
					return nil, netErr("System.ArgumentNullException", "Value cannot be null.\r\nParameter name: inArray")
				}
				b, err := toBytes(args[0])
				if err != nil {
					return nil, err
				}
				return base64.StdEncoding.EncodeToString(b), nil
			}
		case "frombase64string":
			if n == 1 {
				if args[0] == nil {
					return nil, netErr("System.ArgumentNullException", "Value cannot be null.\r\nParameter name: s")
				}
				return fromBase64(ToString(args[0]))
			}
		case "toint32", "toint64", "toint16":
			if n == 1 {
				return ToInt(args[0])
			}
			if n == 2 {
				base, err := ToInt(args[1])
				if err != nil {
					return nil, err
				}
				v, perr := strconv.ParseInt(strings.TrimPrefix(strings.ToLower(ToString(args[0])), "0x"), base, 64)
				if perr != nil {
					return nil, netErr("System.FormatException", "Could not find any recognizable digits.")
				}
				return int(v), nil
			}
		case "tostring":
			if n == 1 {
				return ToString(args[0]), nil
			}
			if n == 2 {
				v, err := toInt64(args[0], tLong)
				if err != nil {
					return nil, err
				}
				base, err := ToInt(args[1])
				if err != nil {
					return nil, err
				}
				return strconv.FormatInt(v, base), nil
			}
		case "toboolean":
			if n == 1 {
				if s, ok := args[0].(string); ok {
					switch strings.ToLower(strings.TrimSpace(s)) {
					case "true":
						return true, nil
					case "false":
						return false, nil
					}
					return nil, netErr("System.FormatException", "String was not recognized as a valid Boolean.")
				}
				return ToBool(args[0]), nil
			}
		case "todouble":
			if n == 1 {
				return toDouble(args[0])
			}
		}
	case tEncoding:
		if ln == "getencoding" && n == 1 {
			switch strings.ToLower(ToString(args[0])) {
			case "utf-8", "utf8", "65001":
				return &encodingValue{name: "utf-8"}, nil
			case "utf-16", "unicode", "1200":
				return &encodingValue{name: "utf-16"}, nil
			case "us-ascii", "ascii", "20127":
				return &encodingValue{name: "us-ascii"}, nil
			}
			return nil, netErr("System.ArgumentException", fmt.Sprintf("'%s' is not a supported encoding name.", ToString(args[0])))
		}
	case tConsole:
		switch ln {
		case "writeline", "write":
			return in.consoleMethod(&consoleStream{which: "out"}, ln, name, args)
		case "readline":
			return in.consoleMethod(&consoleStream{which: "in"}, ln, name, args)
		}
	case tString:
		switch ln {
		case "isnullorempty":
			if n == 1 {
				return args[0] == nil || ToString(args[0]) == "", nil
			}
		case "isnullorwhitespace":
			if n == 1 {
				return args[0] == nil || strings.TrimSpace(ToString(args[0])) == "", nil
			}
		case "join":
			if n >= 2 {
				items := args[1:]
				if n == 2 {
					items = AsSlice(args[1])
				}
				parts := make([]string, len(items))
				for i, it := range items {
					parts[i] = ToString(it)
				}
				return strings.Join(parts, ToString(args[0])), nil
			}
		case "format":
			if n >= 1 {
				rest := args[1:]
				if n == 2 {
					if items, ok := args[1].([]Value); ok {
						rest = items
					}
				}
				return formatOperator(ToString(args[0]), rest)
			}
		case "concat":
			var b strings.Builder
			for _, a := range args {
				for _, it := range AsSlice(a) {
					b.WriteString(ToString(it))
				}
			}
			return b.String(), nil
		case "equals":
			if n == 2 {
				return ToString(args[0]) == ToString(args[1]), nil
			}
		case "compare":
			if n >= 2 {
				ignoreCase := n == 3 && ToBool(args[2])
				c, _ := compareValues(ToString(args[0]), ToString(args[1]), !ignoreCase)
				return c, nil
			}
		}
	case tMath:
		return mathMethod(ln, name, args)
	case tScriptBlock:
		if ln == "create" && n == 1 {
			text := ToString(args[0])
			src := newSource(text)
			ast, perr := parseSourceText(src)
			if perr != nil {
				return nil, netErr("System.Management.Automation.ParseException", perr.Error())
			}
			ast.extent = extent{src: src, start: 0, end: len(text)}
			return &scriptBlock{ast: ast}, nil
		}
	case tXElement:
		if ln == "parse" && n >= 1 {
			text := ToString(args[0])
			doc, err := parseXMLDocument(text)
			if err != nil {
				return nil, netErr("System.Xml.XmlException", err.Error())
			}
			if doc.documentElement() == nil {
				return nil, netErr("System.Xml.XmlException", "Root element is missing.")
			}
			return XElement{XML: doc.documentElement().outerXML()}, nil
		}
	case tDateTime:
		switch ln {
		case "parse", "parseexact":
			if n >= 1 {
				if tm, ok := parseDate(ToString(args[0])); ok {
					return &dateTime{t: tm}, nil
				}
				return nil, netErr("System.FormatException", "String was not recognized as a valid DateTime.")
			}
		}
	case tGuid:
		if ln == "newguid" && n == 0 {
			return &guidValue{s: newGUID()}, nil
		}
		if ln == "parse" && n == 1 {
			return convertTo(args[0], tGuid)
		}
	case tEnvironment:
		switch ln {
		case "getenvironmentvariable":
			if n >= 1 {
				v, ok := in.getVar(in.global, "env:"+ToString(args[0]))
				if !ok {
					return nil, nil
				}
				return v, nil
			}
		case "setenvironmentvariable":
			if n >= 2 {
				return nil, in.setVar(in.global, "env:"+ToString(args[0]), args[1])
			}
		case "exit":
			if n == 1 {
				code, err := ToInt(args[0])
				if err != nil {
					return nil, err
				}
				return nil, &exitSignal{code: code}
			}
		}
	case tPath:
		switch ln {
		case "combine":
			parts := make([]string, 0, n)
			for _, a := range args {
				s := ToString(a)
				if strings.HasPrefix(s, `\`) || (len(s) > 1 && s[1] == ':') {
					parts = parts[:0]
				}
				parts = append(parts, strings.TrimRight(s, `\`))
			}
			return strings.Join(parts, `\`), nil
		case "getfilename":
			if n == 1 {
				s := ToString(args[0])
				return s[strings.LastIndexAny(s, `\/`)+1:], nil
			}
		case "getdirectoryname":
			if n == 1 {
				s := ToString(args[0])
				if i := strings.LastIndexAny(s, `\/`); i >= 0 {
					return s[:i], nil
				}
				return "", nil
			}
		case "getextension":
			if n == 1 {
				s := ToString(args[0])
				if i := strings.LastIndexByte(s, '.'); i > strings.LastIndexAny(s, `\/`) {
					return s[i:], nil
				}
				return "", nil
			}
		case "gettemppath":
			return `C:\Windows\TEMP\`, nil
		case "gettempfilename":
			return `C:\Windows\TEMP\tmp` + strings.ToUpper(newGUID()[:4]) + ".tmp", nil
		}
	case tRegex:
		switch ln {
		case "escape":
			if n == 1 {
				return regexp.QuoteMeta(ToString(args[0])), nil
			}
		case "ismatch":
			if n == 2 {
				return in.regexMatch(nil, ToString(args[0]), ToString(args[1]), true, false)
			}
		case "replace":
			if n == 3 {
				return replaceOp(ToString(args[0]), []Value{args[1], args[2]}, true)
			}
		case "split":
			if n == 2 {
				return splitOp(ToString(args[0]), args[1], true)
			}
		case "match":
			if n == 2 {
				return in.regexMethod(&regexValue{pattern: ToString(args[1])}, "match", "Match", args[:1])
			}
		}
	case tInt, tLong, tDouble:
		switch ln {
		case "parse":
			if n >= 1 {
				v, err := convertTo(ToString(args[0]), t)
				if err != nil {
					return nil, netErr("System.FormatException", "Input string was not in a correct format.")
				}
				return v, nil
			}
		}
	case tBool:
		if ln == "parse" && n == 1 {
			switch strings.ToLower(strings.TrimSpace(ToString(args[0]))) {
			case "true":
				return true, nil
			case "false":
				return false, nil
			}
			return nil, netErr("System.FormatException", "String was not recognized as a valid Boolean.")
		}
	case tDns:
		switch ln {
		case "gethostname":
			v, _ := in.getVar(in.global, "env:COMPUTERNAME")
			return strings.ToLower(ToString(v)), nil
		}
	case tTimeSpan:
		unit := map[string]time.Duration{"fromseconds": time.Second, "fromminutes": time.Minute, "fromhours": time.Hour, "fromdays": 24 * time.Hour, "frommilliseconds": time.Millisecond}
		if u, ok := unit[ln]; ok && n == 1 {
			f, err := toDouble(args[0])
			if err != nil {
				return nil, err
			}
			return &timeSpan{d: time.Duration(f * float64(u))}, nil
		}
	case tArray:
		if ln == "indexof" && n == 2 {
			for i, it := range AsSlice(args[0]) {
				if valuesEqual(it, args[1], true) {
					return i, nil
				}
			}
			return -1, nil
		}
		if ln == "reverse" && n == 1 {
			if items, ok := args[0].([]Value); ok {
				for i, j := 0, len(items)-1; i < j; i, j = i+1, j-1 {
					items[i], items[j] = items[j], items[i]
				}
			}
			return nil, nil
		}
	}
	rec := rtError("InvalidOperation", "RuntimeException", fmt.Sprintf("Method invocation failed because [%s] does not contain a method named '%s'.", t.fullName, name))
	rec.FullyQualifiedErrorID = "MethodNotFound"
	return nil, rec
}

// fromBase64 decodes like Convert.FromBase64String: white space is ignored
// and padding is required.
func fromBase64(s string) (Value, error) {
	clean := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n':
			return -1
		}
		return r
	}, s)
	if len(clean)%4 != 0 {
		return nil, netErr("System.FormatException", "Invalid length for a Base-64 char array or string.")
	}
	b, err := base64.StdEncoding.DecodeString(clean)
	if err != nil {
		return nil, netErr("System.FormatException", "The input is not a valid Base-64 string as it contains a non-base 64 character, more than two padding characters, or an illegal character among the padding characters. ")
	}
	return b, nil
}

func mathMethod(ln, name string, args []Value) (Value, error) {
	nums := make([]float64, len(args))
	allInt := true
	for i, a := range args {
		f, err := toDouble(a)
		if err != nil {
			return nil, err
		}
		nums[i] = f
		if _, ok := a.(int); !ok {
			allInt = false
		}
	}
	res := func(f float64) Value {
		if allInt && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			return int(f)
		}
		return f
	}
	switch {
	case ln == "min" && len(nums) == 2:
		return res(math.Min(nums[0], nums[1])), nil
	case ln == "max" && len(nums) == 2:
		return res(math.Max(nums[0], nums[1])), nil
	case ln == "abs" && len(nums) == 1:
		return res(math.Abs(nums[0])), nil
	case ln == "floor" && len(nums) == 1:
		return math.Floor(nums[0]), nil
	case ln == "ceiling" && len(nums) == 1:
		return math.Ceil(nums[0]), nil
	case ln == "truncate" && len(nums) == 1:
		return math.Trunc(nums[0]), nil
	case ln == "round" && len(nums) == 1:
		return math.RoundToEven(nums[0]), nil
	case ln == "round" && len(nums) == 2:
		p := math.Pow(10, nums[1])
		return math.RoundToEven(nums[0]*p) / p, nil
	case ln == "pow" && len(nums) == 2:
		return math.Pow(nums[0], nums[1]), nil
	case ln == "sqrt" && len(nums) == 1:
		return math.Sqrt(nums[0]), nil
	}
	return nil, overloadError(name, len(args))
}

func newGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// construct implements [T]::new(...) and New-Object T.
func (in *interp) construct(t *psType, args []Value) (Value, error) {
	switch {
	case t == tArrayList:
		return newArrayList(), nil
	case t == tGenericList:
		return &arrayList{typeName: tGenericList.fullName}, nil
	case t == tHashtable || t == tIDictionary:
		return NewHashtable(), nil
	case t == tOrdered:
		h := NewHashtable()
		h.ordered = true
		return h, nil
	case t == tStringBld:
		sb := &stringBuilder{}
		if len(args) > 0 {
			if s, ok := args[0].(string); ok {
				sb.b.WriteString(s)
			}
		}
		return sb, nil
	case t == tXMLDoc:
		return newXMLDocument(), nil
	case t == tNsManager:
		return &nsManager{prefixes: map[string]string{}}, nil
	case t == tPSCustom || t == tObject:
		return NewObject(""), nil
	case t == tDateTime:
		if len(args) >= 3 {
			var p [6]int
			for i := 0; i < len(args) && i < 6; i++ {
				v, err := ToInt(args[i])
				if err != nil {
					return nil, err
				}
				p[i] = v
			}
			return &dateTime{t: time.Date(p[0], time.Month(p[1]), p[2], p[3], p[4], p[5], 0, time.Local)}, nil
		}
	case t == tTimeSpan:
		if len(args) == 3 {
			var p [3]int
			for i := range p {
				v, err := ToInt(args[i])
				if err != nil {
					return nil, err
				}
				p[i] = v
			}
			return &timeSpan{d: time.Duration(p[0])*time.Hour + time.Duration(p[1])*time.Minute + time.Duration(p[2])*time.Second}, nil
		}
	case t == tRegex:
		if len(args) >= 1 {
			return &regexValue{pattern: ToString(args[0])}, nil
		}
	case t == tGuid:
		if len(args) == 1 {
			return convertTo(args[0], tGuid)
		}
	case t == tVersion:
		if len(args) == 1 {
			return convertTo(args[0], tVersion)
		}
	case t == tString:
		if len(args) == 2 {
			n, err := ToInt(args[1])
			if err != nil {
				return nil, err
			}
			return strings.Repeat(ToString(args[0]), n), nil
		}
	case isSubtype(t.fullName, "System.Exception"):
		ex := &exceptionValue{typeName: t.fullName}
		if len(args) >= 1 {
			ex.message = ToString(args[0])
		} else {
			ex.message = fmt.Sprintf("Exception of type '%s' was thrown.", t.fullName)
		}
		if len(args) >= 2 {
			if inner, ok := args[1].(*exceptionValue); ok {
				ex.inner = inner
			}
		}
		return ex, nil
	}
	if t.elem != nil && len(args) == 1 {
		n, err := ToInt(args[0])
		if err != nil {
			return nil, err
		}
		if t.elem == tByte {
			return make([]byte, n), nil
		}
		out := make([]Value, n)
		return out, nil
	}
	return nil, netErr("System.Management.Automation.MethodException", fmt.Sprintf("A constructor was not found. Cannot find an appropriate constructor for type %s.", t.fullName))
}
