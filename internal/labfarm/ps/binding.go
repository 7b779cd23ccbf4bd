package ps

import (
	"fmt"
	"sort"
	"strings"
)

// paramSpec is a parameter as the binder sees it, whatever declared it (an
// api.go Param, a built-in cmdlet or a script function's param block).
type paramSpec struct {
	name        string
	aliases     []string
	position    int // -1: named only
	mandatory   bool
	pipeline    bool
	isSwitch    bool
	remaining   bool // ValueFromRemainingArguments
	typeLabel   string
	convert     func(Value) (Value, error)
	isBool      bool // [bool]: PowerShell's stricter argument transformation
	validateSet []string
	allowEmpty  bool // mandatory but accepts $null/"" (TypeObject)
}

// argValue is one evaluated command argument.
type argValue struct {
	name     string // parameter name as typed; "" for positional values
	value    Value
	unbound  bool // an unknown -Name kept for $args (simple functions)
	hasValue bool // -Name:value or splatted
	ext      extent
	text     string // the parameter token as typed, for natives
}

// commonParams are PowerShell's common parameters as bound for one call.
type commonParams struct {
	errorAction     string // lower-case; "" when not given
	warningAction   string
	verbose         bool
	verboseSet      bool
	debug           bool
	errorVariable   string
	outVariable     string
	warningVariable string
}

type bindResult struct {
	bound  map[string]Value
	common commonParams
	extra  []Value // unbound arguments of simple functions ($args)
}

var commonSpecs = []paramSpec{
	{name: "Verbose", aliases: []string{"vb"}, position: -1, isSwitch: true, typeLabel: "System.Management.Automation.SwitchParameter"},
	{name: "Debug", aliases: []string{"db"}, position: -1, isSwitch: true, typeLabel: "System.Management.Automation.SwitchParameter"},
	{name: "ErrorAction", aliases: []string{"ea"}, position: -1, typeLabel: "System.Management.Automation.ActionPreference"},
	{name: "WarningAction", aliases: []string{"wa"}, position: -1, typeLabel: "System.Management.Automation.ActionPreference"},
	{name: "ErrorVariable", aliases: []string{"ev"}, position: -1, typeLabel: "System.String"},
	{name: "WarningVariable", aliases: []string{"wv"}, position: -1, typeLabel: "System.String"},
	{name: "OutVariable", aliases: []string{"ov"}, position: -1, typeLabel: "System.String"},
	{name: "OutBuffer", aliases: []string{"ob"}, position: -1, typeLabel: "System.Int32"},
}

var actionPreferences = []string{"SilentlyContinue", "Stop", "Continue", "Inquire", "Ignore", "Suspend"}

// binder binds arguments for one command.
type binder struct {
	cmdName  string
	fullName string
	specs    []paramSpec
	common   bool // cmdlet or advanced function: common parameters exist
	lax      bool // simple function: unknown arguments go to $args
	cmdExt   extent
}

func (b *binder) errorRecord(id, category, msg string, ext extent) *psError {
	full := b.fullName
	if full == "" {
		full = b.cmdName
	}
	rec := &ErrorRecord{
		Message:               msg,
		ExceptionType:         "System.Management.Automation.ParameterBindingException",
		FullyQualifiedErrorID: id + "," + full,
		Category:              category,
		Command:               b.cmdName,
		activity:              b.cmdName,
		pos:                   ext,
	}
	return &psError{rec: rec}
}

// match finds the parameter a (possibly abbreviated) name refers to.
func (b *binder) match(name string, ext extent) (*paramSpec, error) {
	all := b.specs
	if b.common {
		all = append(append([]paramSpec(nil), b.specs...), commonSpecs...)
	}
	ln := strings.ToLower(name)
	for i := range all {
		if strings.ToLower(all[i].name) == ln {
			return &all[i], nil
		}
		for _, a := range all[i].aliases {
			if strings.ToLower(a) == ln {
				return &all[i], nil
			}
		}
	}
	var found []*paramSpec
	for i := range all {
		hit := strings.HasPrefix(strings.ToLower(all[i].name), ln)
		for _, a := range all[i].aliases {
			hit = hit || strings.HasPrefix(strings.ToLower(a), ln)
		}
		if hit {
			found = append(found, &all[i])
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return nil, b.errorRecord("NamedParameterNotFound", "InvalidArgument", fmt.Sprintf("A parameter cannot be found that matches parameter name '%s'.", name), ext)
	}
	names := make([]string, len(found))
	for i, f := range found {
		names[i] = "-" + f.name
	}
	return nil, b.errorRecord("AmbiguousParameter", "InvalidArgument", fmt.Sprintf("Parameter cannot be processed because the parameter name '%s' is ambiguous. Possible matches include: %s.", name, strings.Join(names, " ")), ext)
}

func (b *binder) convert(spec *paramSpec, v Value, ext extent) (Value, error) {
	if spec.isSwitch {
		return ToBool(v), nil
	}
	if spec.isBool {
		switch x := v.(type) {
		case bool:
			return x, nil
		case int:
			return x != 0, nil
		case float64:
			return x != 0, nil
		}
		return nil, b.errorRecord("ParameterArgumentTransformationError", "InvalidData",
			fmt.Sprintf("Cannot process argument transformation on parameter '%s'. Cannot convert value \"%s\" to type \"System.Boolean\". Boolean parameters accept only Boolean values and numbers, such as $True, $False, 1 or 0.", spec.name, typeName(v)), ext)
	}
	if spec.convert == nil {
		return v, nil
	}
	cv, err := spec.convert(v)
	if err != nil {
		msg := err.Error()
		return nil, b.errorRecord("CannotConvertArgumentNoMessage", "InvalidArgument", fmt.Sprintf("Cannot bind parameter '%s'. %s", spec.name, msg), ext)
	}
	if len(spec.validateSet) > 0 {
		for _, it := range AsSlice(cv) {
			ok := false
			for _, s := range spec.validateSet {
				if strings.EqualFold(s, ToString(it)) {
					ok = true
				}
			}
			if !ok {
				return nil, b.errorRecord("ParameterArgumentValidationError", "InvalidData",
					fmt.Sprintf("Cannot validate argument on parameter '%s'. The argument \"%s\" does not belong to the set \"%s\" specified by the ValidateSet attribute. Supply an argument that is in the set and then try the command again.", spec.name, ToString(it), strings.Join(spec.validateSet, ",")), ext)
			}
		}
	}
	if spec.mandatory && !spec.allowEmpty {
		if cv == nil {
			return nil, b.errorRecord("ParameterArgumentValidationErrorNullNotAllowed", "InvalidData", fmt.Sprintf("Cannot bind argument to parameter '%s' because it is null.", spec.name), ext)
		}
		if s, ok := cv.(string); ok && s == "" {
			return nil, b.errorRecord("ParameterArgumentValidationErrorEmptyStringNotAllowed", "InvalidData", fmt.Sprintf("Cannot bind argument to parameter '%s' because it is an empty string.", spec.name), ext)
		}
	}
	return cv, nil
}

// bind binds named, positional and splatted arguments.
func (b *binder) bind(args []argValue) (*bindResult, error) {
	res := &bindResult{bound: map[string]Value{}}
	var positional []argValue
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a.name == "" {
			positional = append(positional, a)
			continue
		}
		spec, err := b.match(a.name, a.ext)
		if err != nil {
			if b.lax {
				positional = append(positional, argValue{value: a.text, unbound: true, ext: a.ext})
				if a.hasValue {
					positional = append(positional, argValue{value: a.value, unbound: true, ext: a.ext})
				}
				continue
			}
			return nil, err
		}
		var v Value
		switch {
		case a.hasValue:
			v = a.value
		case spec.isSwitch:
			v = true
		case i+1 < len(args) && args[i+1].name == "":
			i++
			v = args[i].value
		default:
			return nil, b.errorRecord("MissingArgument", "InvalidArgument", fmt.Sprintf("Missing an argument for parameter '%s'. Specify a parameter of type '%s' and try again.", spec.name, spec.typeLabel), a.ext)
		}
		if _, dup := res.bound[spec.name]; dup {
			return nil, b.errorRecord("ParameterAlreadyBound", "InvalidArgument", fmt.Sprintf("Cannot bind parameter because parameter '%s' is specified more than once. To provide multiple values to parameters that can accept multiple values, use the array syntax. For example, \"-parameter value1,value2,value3\".", spec.name), a.ext)
		}
		if err := b.setCommon(res, spec, v, a.ext); err != nil {
			return nil, err
		}
		if isCommon(spec) {
			continue
		}
		cv, err := b.convert(spec, v, a.ext)
		if err != nil {
			return nil, err
		}
		res.bound[spec.name] = cv
	}
	// Positional binding in position order.
	var slots []*paramSpec
	for i := range b.specs {
		s := &b.specs[i]
		if s.position >= 0 && !s.isSwitch {
			slots = append(slots, s)
		}
	}
	sort.SliceStable(slots, func(i, j int) bool { return slots[i].position < slots[j].position })
	var remaining *paramSpec
	for i := range b.specs {
		if b.specs[i].remaining {
			remaining = &b.specs[i]
		}
	}
	var rest []Value
	for _, a := range positional {
		if a.unbound {
			rest = append(rest, a.value)
			continue
		}
		bound := false
		for _, s := range slots {
			if _, done := res.bound[s.name]; done || s == remaining {
				continue
			}
			cv, err := b.convert(s, a.value, a.ext)
			if err != nil {
				return nil, err
			}
			res.bound[s.name] = cv
			bound = true
			break
		}
		if bound {
			continue
		}
		if remaining != nil || b.lax {
			rest = append(rest, a.value)
			continue
		}
		return nil, b.errorRecord("PositionalParameterNotFound", "InvalidArgument", fmt.Sprintf("A positional parameter cannot be found that accepts argument '%s'.", ToString(a.value)), a.ext)
	}
	if remaining != nil {
		if len(rest) > 0 {
			cv, err := b.convert(remaining, unwrapRemaining(rest), b.cmdExt)
			if err != nil {
				return nil, err
			}
			res.bound[remaining.name] = cv
		}
	} else {
		res.extra = append(res.extra, rest...)
	}
	return res, nil
}

func unwrapRemaining(rest []Value) Value {
	if len(rest) == 1 {
		return rest[0]
	}
	return rest
}

func isCommon(spec *paramSpec) bool {
	for i := range commonSpecs {
		if commonSpecs[i].name == spec.name {
			return true
		}
	}
	return false
}

func (b *binder) setCommon(res *bindResult, spec *paramSpec, v Value, ext extent) error {
	if !isCommon(spec) {
		return nil
	}
	switch spec.name {
	case "ErrorAction", "WarningAction":
		s := ToString(v)
		match := ""
		for _, p := range actionPreferences {
			if strings.EqualFold(p, s) {
				match = strings.ToLower(p)
			}
		}
		if match == "" {
			return b.errorRecord("CannotConvertArgumentNoMessage", "InvalidArgument", fmt.Sprintf("Cannot bind parameter '%s'. Cannot convert value \"%s\" to type \"System.Management.Automation.ActionPreference\". Error: \"Unable to match the identifier name %s to a valid enumerator name. Specify one of the following enumerator names and try again: %s\"", spec.name, s, s, strings.Join(actionPreferences, ", ")), ext)
		}
		if spec.name == "ErrorAction" {
			res.common.errorAction = match
		} else {
			res.common.warningAction = match
		}
	case "Verbose":
		res.common.verbose = ToBool(v)
		res.common.verboseSet = true
	case "Debug":
		res.common.debug = ToBool(v)
	case "ErrorVariable":
		res.common.errorVariable = ToString(v)
	case "WarningVariable":
		res.common.warningVariable = ToString(v)
	case "OutVariable":
		res.common.outVariable = ToString(v)
	}
	return nil
}

// missingMandatory reports mandatory parameters that are still unbound.
// skip names a pipeline parameter that input will bind later.
func (b *binder) missingMandatory(bound map[string]Value, skip string) error {
	var missing []string
	for _, s := range b.specs {
		if !s.mandatory || s.name == skip {
			continue
		}
		if _, ok := bound[s.name]; !ok {
			missing = append(missing, s.name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return b.errorRecord("MissingMandatoryParameter", "InvalidArgument", fmt.Sprintf("Cannot process command because of one or more missing mandatory parameters: %s.", strings.Join(missing, " ")), b.cmdExt)
}

func (b *binder) pipelineSpec() *paramSpec {
	for i := range b.specs {
		if b.specs[i].pipeline {
			return &b.specs[i]
		}
	}
	return nil
}

// specsFromCmdlet converts api.go parameters.
func specsFromCmdlet(c *Cmdlet) []paramSpec {
	out := make([]paramSpec, 0, len(c.Params))
	for _, p := range c.Params {
		s := paramSpec{name: p.Name, aliases: p.Aliases, position: p.Position, mandatory: p.Mandatory, pipeline: p.FromPipeline}
		switch p.Type {
		case TypeString:
			s.typeLabel = "System.String"
			s.convert = func(v Value) (Value, error) {
				if v == nil {
					return nil, nil
				}
				return ToString(v), nil
			}
		case TypeInt:
			s.typeLabel = "System.Int32"
			s.convert = func(v Value) (Value, error) { return ToInt(v) }
		case TypeBool:
			s.typeLabel = "System.Boolean"
			s.isBool = true
		case TypeSwitch:
			s.typeLabel = "System.Management.Automation.SwitchParameter"
			s.isSwitch = true
			s.position = -1
		case TypeObject:
			s.typeLabel = "System.Object"
			s.allowEmpty = true
		case TypeStringArray:
			s.typeLabel = "System.String[]"
			s.convert = func(v Value) (Value, error) {
				if v == nil {
					return nil, nil
				}
				items := AsSlice(v)
				out := make([]string, len(items))
				for i, it := range items {
					out[i] = ToString(it)
				}
				return out, nil
			}
		}
		out = append(out, s)
	}
	return out
}

// specsFromScript converts a param block. Without explicit positions every
// non-switch parameter is positional in declaration order.
func specsFromScript(sb *scriptBlockAst) []paramSpec {
	anyPos := false
	for _, p := range sb.params {
		if p.position >= 0 {
			anyPos = true
		}
	}
	out := make([]paramSpec, 0, len(sb.params))
	for i, p := range sb.params {
		s := paramSpec{name: p.name, aliases: p.aliases, position: p.position, mandatory: p.mandatory, pipeline: p.fromPipeline, remaining: p.remaining, validateSet: p.validateSet, typeLabel: "System.Object", allowEmpty: true}
		if !anyPos {
			s.position = i
		}
		if p.typ != nil {
			t := lookupType(p.typ.name)
			if t != nil {
				s.typeLabel = t.fullName
				switch t {
				case tSwitch:
					s.isSwitch = true
					s.position = -1
				case tBool:
					s.isBool = true
				default:
					tt := t
					s.convert = func(v Value) (Value, error) { return convertTo(v, tt) }
					s.allowEmpty = tt != tString
				}
			}
		}
		out = append(out, s)
	}
	return out
}
