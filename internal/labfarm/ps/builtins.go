package ps

import (
	"strings"
)

// builtin is a cmdlet implemented by the interpreter. It binds parameters
// with the same binder as farm cmdlets, so abbreviations, positions and the
// error messages are identical; unlike api.go cmdlets it gets begin/process/
// end hooks (ForEach-Object -Begin, Sort-Object collecting input).
type builtin struct {
	name     string
	fullName string
	params   []paramSpec
	// begin runs once after binding.
	begin func(c *bcall) error
	// process runs per pipeline object (present=true), or once with
	// present=false when the command is first in its pipeline.
	process func(c *bcall, v Value, present bool) error
	// end runs once at the end.
	end func(c *bcall) error
}

// bcall is one invocation of a builtin.
type bcall struct {
	in     *interp
	sc     *scope
	name   string
	bound  map[string]Value
	common commonParams
	out    emitFn
	ext    extent
	elem   *commandElem
	state  any
	pipe   *paramSpec
	b      *binder
}

func (c *bcall) has(name string) bool { _, ok := c.bound[name]; return ok }
func (c *bcall) get(name string) Value {
	return c.bound[name]
}
func (c *bcall) str(name string) string { return ToString(c.bound[name]) }
func (c *bcall) flag(name string) bool  { return ToBool(c.bound[name]) }

// num returns a bound int parameter, or 0.
func (c *bcall) num(name string) int { i, _ := c.bound[name].(int); return i }

// items returns the pipeline objects a collecting builtin (Sort-Object,
// Format-Table, ...) has gathered so far; begin starts it as []Value{}.
func (c *bcall) items() []Value { items, _ := c.state.([]Value); return items }

// collect adds a pipeline object to those gathered by a collecting builtin.
func (c *bcall) collect(v Value) { c.state = append(c.items(), v) }

// callState returns the state begin stored for this invocation, or stores
// and returns a fresh one made by mk when there is none of type T.
func callState[T any](c *bcall, mk func() T) T {
	if st, ok := c.state.(T); ok {
		return st
	}
	st := mk()
	c.state = st
	return st
}

// writeError reports a non-terminating error from a builtin.
func (c *bcall) writeError(rec *ErrorRecord) error {
	if rec.Command == "" {
		rec.Command = c.name
	}
	if rec.activity == "" {
		rec.activity = c.name
	}
	if rec.pos.src == nil {
		rec.pos = c.ext
	}
	return c.in.nonTerminating(c.sc, rec, c.common.errorAction)
}

// fail builds a terminating error attributed to the builtin.
func (c *bcall) fail(id, category, exceptionType, msg string) error {
	rec := &ErrorRecord{Message: msg, ExceptionType: exceptionType, FullyQualifiedErrorID: id + "," + c.fullName(), Category: category, Command: c.name, activity: c.name, pos: c.ext}
	return &psError{rec: rec}
}

func (c *bcall) fullName() string {
	if b := lookupBuiltin(strings.ToLower(c.name)); b != nil && b.fullName != "" {
		return b.fullName
	}
	if b := lookupFallback(strings.ToLower(c.name)); b != nil && b.fullName != "" {
		return b.fullName
	}
	return c.name
}

var builtins = map[string]*builtin{}
var fallbacks = map[string]*builtin{}

func register(b *builtin) {
	if b.fullName == "" {
		b.fullName = "Microsoft.PowerShell.Commands." + strings.ReplaceAll(b.name, "-", "") + "Command"
	}
	builtins[strings.ToLower(b.name)] = b
}

// registerFallback registers a builtin that farm cmdlets of the same name
// replace (Import-Module).
func registerFallback(b *builtin) {
	if b.fullName == "" {
		b.fullName = "Microsoft.PowerShell.Commands." + strings.ReplaceAll(b.name, "-", "") + "Command"
	}
	fallbacks[strings.ToLower(b.name)] = b
}

func lookupBuiltin(lname string) *builtin  { return builtins[lname] }
func lookupFallback(lname string) *builtin { return fallbacks[lname] }

// Parameter declaration helpers for builtins.
func pObj(name string, pos int, aliases ...string) paramSpec {
	return paramSpec{name: name, position: pos, aliases: aliases, typeLabel: "System.Object", allowEmpty: true}
}
func pInputObject(pos int) paramSpec {
	return paramSpec{name: "InputObject", position: pos, pipeline: true, typeLabel: "System.Management.Automation.PSObject", allowEmpty: true}
}
func pStr(name string, pos int, aliases ...string) paramSpec {
	return paramSpec{name: name, position: pos, aliases: aliases, typeLabel: "System.String", convert: func(v Value) (Value, error) {
		if v == nil {
			return nil, nil
		}
		return ToString(v), nil
	}}
}
func pInt(name string, pos int, aliases ...string) paramSpec {
	return paramSpec{name: name, position: pos, aliases: aliases, typeLabel: "System.Int32", convert: func(v Value) (Value, error) { return ToInt(v) }}
}
func pSwitch(name string) paramSpec {
	return paramSpec{name: name, position: -1, isSwitch: true, typeLabel: "System.Management.Automation.SwitchParameter"}
}

// builtinProc runs a builtin in a pipeline.
type builtinProc struct {
	cmdBase
	b *builtin
	c *bcall
}

func (p *builtinProc) begin() error {
	bd := &binder{cmdName: p.b.name, fullName: p.b.fullName, specs: p.b.params, common: true, cmdExt: p.ext}
	res, err := bd.bind(p.args)
	if err != nil {
		return err
	}
	p.c = &bcall{in: p.in, sc: p.sc, name: p.b.name, bound: res.bound, common: res.common, out: p.out, ext: p.ext, elem: p.elem, pipe: bd.pipelineSpec(), b: bd}
	if res.common.outVariable != "" {
		name := res.common.outVariable
		var collected []Value
		down := p.out
		p.c.out = func(v Value) error {
			collected = append(collected, v)
			_ = p.in.setVar(p.sc, name, unwrap(collected))
			return down(v)
		}
	}
	skip := ""
	if p.c.pipe != nil && !p.first {
		skip = p.c.pipe.name
	}
	if err := bd.missingMandatory(res.bound, skip); err != nil {
		return err
	}
	if p.b.begin != nil {
		return p.b.begin(p.c)
	}
	return nil
}

func (p *builtinProc) process(v Value) error {
	p.gotIn = true
	if p.c.pipe != nil {
		cv, err := p.c.b.convert(p.c.pipe, v, p.ext)
		if err != nil {
			return err
		}
		p.c.bound[p.c.pipe.name] = cv
	}
	if p.b.process != nil {
		return p.b.process(p.c, v, true)
	}
	return nil
}

func (p *builtinProc) end() error {
	if p.first && !p.gotIn && p.b.process != nil {
		var v Value
		present := false
		if p.c.pipe != nil {
			v, present = p.c.bound[p.c.pipe.name]
		}
		if err := p.b.process(p.c, v, present); err != nil {
			return err
		}
	}
	if p.b.end != nil {
		return p.b.end(p.c)
	}
	return nil
}
