package ps

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// processor is one element of a running pipeline: begin once, process per
// input object, end once (PowerShell's command processor protocol).
type processor interface {
	begin() error
	process(v Value) error
	end() error
}

// runPipeline runs a pipeline. Every element is resolved and its arguments
// evaluated before anything runs; then all begin blocks run, and the end of
// each element drains into the next, so output streams through.
func (in *interp) runPipeline(sc *scope, p *pipelineStmt, out emitFn) error {
	procs := make([]processor, len(p.elems))
	for i, el := range p.elems {
		down := out
		if i+1 < len(p.elems) {
			idx := i + 1
			down = func(v Value) error { return procs[idx].process(v) }
		}
		pr, err := in.newProcessor(sc, el, down, i == 0)
		if err != nil {
			return err
		}
		procs[i] = pr
	}
	for _, pr := range procs {
		if err := pr.begin(); err != nil {
			return err
		}
	}
	for _, pr := range procs {
		if err := pr.end(); err != nil {
			return err
		}
	}
	return nil
}

func (in *interp) newProcessor(sc *scope, el pipeElem, out emitFn, first bool) (processor, error) {
	var redirs []redirection
	switch x := el.(type) {
	case *exprElem:
		redirs = x.redirs
	case *commandElem:
		redirs = x.redirs
	}
	var hooks []func(*ErrorRecord) bool
	for _, r := range redirs {
		var target Value
		if r.target != nil {
			v, err := in.evalExpr(sc, r.target)
			if err != nil {
				return nil, err
			}
			target = v
		}
		if r.target != nil && target != nil {
			rec := &ErrorRecord{
				Message:               fmt.Sprintf("Could not find a part of the path '%s'.", ToString(target)),
				ExceptionType:         "System.IO.DirectoryNotFoundException",
				FullyQualifiedErrorID: "FileOpenFailure,Microsoft.PowerShell.Commands.OutFileCommand",
				Category:              "OpenError",
				Command:               "Out-File",
				activity:              "Out-File",
				pos:                   r.extent,
			}
			return nil, &psError{rec: rec}
		}
		mergeOut := out
		switch {
		case r.from == 1 || r.from == 0:
			if !r.merge {
				out = discard
			}
			if r.from == 0 {
				hooks = append(hooks, func(*ErrorRecord) bool { return true })
			}
		case r.from == 2 && r.merge:
			hooks = append(hooks, func(rec *ErrorRecord) bool { _ = mergeOut(rec); return true })
		case r.from == 2:
			hooks = append(hooks, func(*ErrorRecord) bool { return true })
		}
	}
	var pr processor
	switch x := el.(type) {
	case *exprElem:
		pr = &exprProc{in: in, sc: sc, e: x.e, out: out}
	case *commandElem:
		var err error
		pr, err = in.newCommandProc(sc, x, out, first)
		if err != nil {
			return nil, err
		}
	}
	if len(hooks) > 0 {
		pr = &redirectProc{in: in, inner: pr, hooks: hooks}
	}
	return pr, nil
}

// exprProc is an expression at the start of a pipeline.
type exprProc struct {
	in  *interp
	sc  *scope
	e   expr
	out emitFn
}

func (p *exprProc) begin() error        { return nil }
func (p *exprProc) process(Value) error { return nil }
func (p *exprProc) end() error {
	v, err := p.in.evalExpr(p.sc, p.e)
	if err != nil {
		return err
	}
	return writeEnum(v, p.out)
}

// redirectProc applies 2>&1 / 2>$null style redirections while its element
// runs.
type redirectProc struct {
	in    *interp
	inner processor
	hooks []func(*ErrorRecord) bool
}

func (p *redirectProc) with(f func() error) error {
	n := len(p.in.errHook)
	p.in.errHook = append(p.in.errHook, p.hooks...)
	defer func() { p.in.errHook = p.in.errHook[:n] }()
	return f()
}
func (p *redirectProc) begin() error { return p.with(p.inner.begin) }
func (p *redirectProc) process(v Value) error {
	return p.with(func() error { return p.inner.process(v) })
}
func (p *redirectProc) end() error { return p.with(p.inner.end) }

// ---- command resolution ----

var aliases = map[string]string{
	"%": "ForEach-Object", "foreach": "ForEach-Object", "?": "Where-Object", "where": "Where-Object",
	"select": "Select-Object", "sort": "Sort-Object", "measure": "Measure-Object", "group": "Group-Object",
	"echo": "Write-Output", "write": "Write-Output", "sleep": "Start-Sleep", "iex": "Invoke-Expression",
	"icm": "Invoke-Command", "ipmo": "Import-Module", "gcm": "Get-Command", "gv": "Get-Variable", "sv": "Set-Variable",
	"ft": "Format-Table", "fl": "Format-List", "oh": "Out-Host", "gm": "Get-Member", "gc": "Get-Content",
	"cat": "Get-Content", "type": "Get-Content", "sc": "Set-Content", "tee": "Tee-Object", "gci": "Get-ChildItem",
	"dir": "Get-ChildItem", "ls": "Get-ChildItem", "cd": "Set-Location", "sl": "Set-Location", "chdir": "Set-Location",
	"pushd": "Push-Location", "popd": "Pop-Location", "pwd": "Get-Location", "gl": "Get-Location", "cls": "Clear-Host", "clear": "Clear-Host", "rv": "Remove-Variable",
}

// resolveCommand finds what a command name runs: a script function, a
// built-in cmdlet, a farm cmdlet, a fallback built-in, then a native
// executable by path.
func (in *interp) resolveCommand(sc *scope, name string) any {
	if name == "" {
		return nil
	}
	if fd := in.lookupFunc(sc, name); fd != nil {
		return fd
	}
	lname := strings.ToLower(name)
	if a, ok := aliases[lname]; ok {
		if fd := in.lookupFunc(sc, a); fd != nil {
			return fd
		}
		name = a
		lname = strings.ToLower(a)
	}
	// Module-qualified names: Microsoft.PowerShell.Utility\Write-Output
	if i := strings.LastIndexByte(name, '\\'); i > 0 && !strings.ContainsAny(name, ":.") || (i > 0 && strings.HasPrefix(lname, "microsoft.powershell.")) {
		if b := lookupBuiltin(strings.ToLower(name[i+1:])); b != nil {
			return b
		}
	}
	if b := lookupBuiltin(lname); b != nil {
		return b
	}
	if in.env.Commands != nil {
		if c := in.env.Commands.Cmdlet(name); c != nil {
			return c
		}
	}
	if b := lookupFallback(lname); b != nil {
		return b
	}
	if in.env.Commands != nil {
		if n := in.env.Commands.Native(name); n != nil {
			return n
		}
		if strings.HasPrefix(name, `.\`) || strings.HasPrefix(name, "./") {
			if n := in.env.Commands.Native(strings.TrimRight(in.cwd, `\`) + `\` + name[2:]); n != nil {
				return n
			}
		}
		if !strings.ContainsAny(name, `\/`) && !strings.HasSuffix(lname, ".exe") {
			if n := in.env.Commands.Native(name + ".exe"); n != nil {
				return n
			}
		}
	}
	return nil
}

func (in *interp) evalArgs(sc *scope, args []cmdArg) ([]argValue, error) {
	var out []argValue
	for _, a := range args {
		switch a.kind {
		case argPositional:
			v, err := in.evalExpr(sc, a.value)
			if err != nil {
				return nil, err
			}
			out = append(out, argValue{value: v, ext: a.extent})
		case argNamed:
			av := argValue{name: a.name, ext: a.extent, text: a.text()}
			if a.hasColon {
				v, err := in.evalExpr(sc, a.value)
				if err != nil {
					return nil, err
				}
				av.value, av.hasValue = v, true
				av.ext = extent{src: a.src, start: a.start, end: a.value.ext().end}
				av.text = strings.TrimSuffix(a.text(), ":")
			}
			out = append(out, av)
		case argSplat:
			v, _ := in.getVar(sc, a.name)
			switch x := v.(type) {
			case nil:
			case *Hashtable:
				for _, k := range x.Keys() {
					kv, _ := x.Get(k)
					out = append(out, argValue{name: k, value: kv, hasValue: true, ext: a.extent, text: "-" + k})
				}
			default:
				items, ok := enumerable(v)
				if !ok {
					items = []Value{v}
				}
				for _, it := range items {
					out = append(out, argValue{value: it, ext: a.extent})
				}
			}
		}
	}
	return out, nil
}

func (in *interp) newCommandProc(sc *scope, ce *commandElem, out emitFn, first bool) (processor, error) {
	var target any
	var name string
	nv, err := in.evalExpr(sc, ce.name)
	if err != nil {
		return nil, err
	}
	switch x := nv.(type) {
	case *scriptBlock:
		if ce.invoke == "" {
			name = ToString(x)
		} else {
			target = x
		}
	case *commandInfo:
		name = x.name
	default:
		name = ToString(nv)
	}
	if target == nil {
		target = in.resolveCommand(sc, name)
		if target == nil {
			rec := commandNotFound(name)
			rec.pos = ce.name.ext()
			return nil, &psError{rec: rec}
		}
	}
	args, err := in.evalArgs(sc, ce.args)
	if err != nil {
		return nil, err
	}
	base := cmdBase{in: in, sc: sc, args: args, ext: ce.extent, out: out, first: first, elem: ce}
	switch t := target.(type) {
	case *functionDef:
		base.name = t.name
		return &scriptProc{cmdBase: base, sb: t.body, filter: t.filter, newScope: ce.invoke != "."}, nil
	case *scriptBlock:
		return &scriptProc{cmdBase: base, sb: t.ast, newScope: ce.invoke != "."}, nil
	case *builtin:
		base.name = t.name
		return &builtinProc{cmdBase: base, b: t}, nil
	case *Cmdlet:
		base.name = t.Name
		return &cmdletProc{cmdBase: base, c: t}, nil
	case *Native:
		base.name = name
		return &nativeProc{cmdBase: base, n: t}, nil
	}
	return nil, nil
}

// cmdBase is what every command processor shares.
type cmdBase struct {
	in    *interp
	sc    *scope
	name  string
	args  []argValue
	ext   extent
	out   emitFn
	first bool
	elem  *commandElem
	gotIn bool
}

// ---- script functions and script blocks ----

type scriptProc struct {
	cmdBase
	sb       *scriptBlockAst
	filter   bool
	newScope bool
	fsc      *scope
	b        *binder
	res      *bindResult
	pipe     *paramSpec
	input    []Value
}

func (p *scriptProc) frame() func() {
	p.in.frames = append(p.in.frames, &frame{name: p.name, callExt: p.ext})
	n := len(p.in.frames)
	return func() { p.in.frames = p.in.frames[:n-1] }
}

func (p *scriptProc) begin() error {
	in := p.in
	p.b = &binder{cmdName: p.name, fullName: p.name, specs: specsFromScript(p.sb), common: p.sb.advanced(), lax: !p.sb.advanced(), cmdExt: p.ext}
	res, err := p.b.bind(p.args)
	if err != nil {
		return err
	}
	p.res = res
	p.pipe = p.b.pipelineSpec()
	skip := ""
	if p.pipe != nil && !p.first {
		skip = p.pipe.name
	}
	if err := p.b.missingMandatory(res.bound, skip); err != nil {
		return err
	}
	p.fsc = p.sc
	if p.newScope {
		p.fsc = newScope(p.sc)
	}
	if err := in.initParams(p.fsc, p.sb, p.b.specs, res); err != nil {
		return err
	}
	if p.sb.named && p.sb.begin != nil {
		done := p.frame()
		defer done()
		return blockResult(in.execBlock(p.fsc, p.sb.begin, p.out))
	}
	return nil
}

// initParams sets parameter variables, defaults, $args and the preference
// variables that common parameters imply.
func (in *interp) initParams(fsc *scope, sb *scriptBlockAst, specs []paramSpec, res *bindResult) error {
	for i, pa := range sb.params {
		if v, ok := res.bound[specs[i].name]; ok {
			in.setLocal(fsc, pa.name, v)
			continue
		}
		var v Value
		switch {
		case pa.def != nil:
			dv, err := in.evalExpr(fsc, pa.def)
			if err != nil {
				return err
			}
			v = dv
			if specs[i].convert != nil && v != nil {
				cv, err := specs[i].convert(v)
				if err != nil {
					return in.failAt(pa, err)
				}
				v = cv
			}
		case specs[i].isSwitch || specs[i].isBool:
			v = false
		case pa.typ != nil:
			if t := lookupType(pa.typ.name); t != nil {
				switch t {
				case tString:
					v = ""
				case tInt, tLong, tDouble:
					v = 0
				}
			}
		}
		in.setLocal(fsc, pa.name, v)
	}
	extra := res.extra
	if extra == nil {
		extra = []Value{}
	}
	in.setLocal(fsc, "args", extra)
	if res.common.errorAction != "" {
		in.setLocal(fsc, "ErrorActionPreference", res.common.errorAction)
	}
	if res.common.verboseSet {
		if res.common.verbose {
			in.setLocal(fsc, "VerbosePreference", "Continue")
		} else {
			in.setLocal(fsc, "VerbosePreference", "SilentlyContinue")
		}
	}
	if res.common.warningAction != "" {
		in.setLocal(fsc, "WarningPreference", res.common.warningAction)
	}
	return nil
}

// blockResult ends a script block at return.
func blockResult(err error) error {
	if _, ok := err.(*returnSignal); ok {
		return nil
	}
	return err
}

func (p *scriptProc) process(v Value) error {
	p.gotIn = true
	if p.sb.named || p.filter {
		blk := p.sb.process
		if p.filter && !p.sb.named {
			blk = p.sb.end
		}
		if blk == nil {
			return nil
		}
		return p.runProcess(v, blk)
	}
	p.input = append(p.input, v)
	return nil
}

func (p *scriptProc) runProcess(v Value, blk *stmtBlock) error {
	p.in.setLocal(p.fsc, "_", v)
	if p.pipe != nil {
		cv, err := p.b.convert(p.pipe, v, p.ext)
		if err != nil {
			return err
		}
		p.in.setLocal(p.fsc, p.pipe.name, cv)
	}
	done := p.frame()
	defer done()
	return blockResult(p.in.execBlock(p.fsc, blk, p.out))
}

func (p *scriptProc) end() error {
	in := p.in
	if p.sb.named || p.filter {
		if p.first && !p.gotIn {
			blk := p.sb.process
			if p.filter && !p.sb.named {
				blk = p.sb.end
			}
			if blk != nil {
				if err := p.runProcess(nil, blk); err != nil {
					return err
				}
			}
		}
		if !p.sb.named {
			return nil
		}
	} else {
		inp := p.input
		if inp == nil {
			inp = []Value{}
		}
		in.setLocal(p.fsc, "input", inp)
		if p.pipe != nil && len(p.input) > 0 {
			cv, err := p.b.convert(p.pipe, p.input[len(p.input)-1], p.ext)
			if err != nil {
				return err
			}
			in.setLocal(p.fsc, p.pipe.name, cv)
		}
	}
	if p.sb.end == nil {
		return nil
	}
	done := p.frame()
	defer done()
	return blockResult(in.execBlock(p.fsc, p.sb.end, p.out))
}

// invokeScriptBlock runs a script block for ForEach-Object, Where-Object,
// .Invoke(), switch conditions and calculated properties. With setUnder, $_
// is the given item. Without newScope the block runs in sc itself (as
// ForEach-Object does: its assignments are visible afterwards).
func (in *interp) invokeScriptBlock(sc *scope, sb *scriptBlock, args []Value, item Value, setUnder, fresh bool, out emitFn) error {
	fsc := sc
	if fresh {
		fsc = newScope(sc)
	}
	if setUnder {
		old, had := fsc.vars["_"]
		in.setLocal(fsc, "_", item)
		defer func() {
			if had {
				fsc.vars["_"] = old
			} else if !fresh {
				delete(fsc.vars, "_")
			}
		}()
	}
	ast := sb.ast
	if len(ast.params) > 0 || fresh {
		argv := make([]argValue, len(args))
		for i, a := range args {
			argv[i] = argValue{value: a}
		}
		b := &binder{specs: specsFromScript(ast), lax: true}
		res, err := b.bind(argv)
		if err != nil {
			return err
		}
		if err := in.initParams(fsc, ast, b.specs, res); err != nil {
			return err
		}
	}
	if ast.named {
		for _, blk := range []*stmtBlock{ast.begin, ast.process, ast.end} {
			if blk == nil {
				continue
			}
			if err := blockResult(in.execBlock(fsc, blk, out)); err != nil {
				return err
			}
		}
		return nil
	}
	return blockResult(in.execBlock(fsc, ast.end, out))
}

func (in *interp) invokeScriptBlockValue(sc *scope, sb *scriptBlock, args []Value, item Value, setUnder, fresh bool) (Value, error) {
	var items []Value
	err := in.invokeScriptBlock(sc, sb, args, item, setUnder, fresh, func(v Value) error { items = append(items, v); return nil })
	return unwrap(items), err
}

// ---- farm cmdlets (api.go) ----

type cmdletProc struct {
	cmdBase
	c     *Cmdlet
	b     *binder
	res   *bindResult
	pipe  *paramSpec
	input []Value
}

func (p *cmdletProc) begin() error {
	p.b = &binder{cmdName: p.c.Name, fullName: p.c.FullName, specs: specsFromCmdlet(p.c), common: true, cmdExt: p.ext}
	res, err := p.b.bind(p.args)
	if err != nil {
		return err
	}
	p.res = res
	p.pipe = p.b.pipelineSpec()
	skip := ""
	if p.pipe != nil && !p.first {
		skip = p.pipe.name
	}
	return p.b.missingMandatory(res.bound, skip)
}

func (p *cmdletProc) process(v Value) error {
	p.gotIn = true
	if p.pipe == nil {
		p.input = append(p.input, v)
		return nil
	}
	bound := make(map[string]Value, len(p.res.bound)+1)
	for k, bv := range p.res.bound {
		bound[k] = bv
	}
	if _, already := bound[p.pipe.name]; already {
		rec := p.b.errorRecord("InputObjectNotBound", "InvalidArgument", "The input object cannot be bound to any parameters for the command either because the command does not take pipeline input or the input and its properties do not match any of the parameters that take pipeline input.", p.ext)
		rec.rec.hasTarget, rec.rec.target = true, v
		return p.in.nonTerminating(p.sc, rec.rec, p.res.common.errorAction)
	}
	cv, err := p.b.convert(p.pipe, v, p.ext)
	if err != nil {
		return err
	}
	bound[p.pipe.name] = cv
	if err := p.b.missingMandatory(bound, ""); err != nil {
		return err
	}
	return p.invoke(bound, nil)
}

func (p *cmdletProc) end() error {
	switch {
	case p.first && !p.gotIn:
		if err := p.b.missingMandatory(p.res.bound, ""); err != nil {
			return err
		}
		return p.invoke(p.res.bound, nil)
	case p.pipe == nil && p.gotIn:
		return p.invoke(p.res.bound, p.input)
	}
	return nil
}

// invoke calls the cmdlet with Emit/WriteHost/WriteError/Sleep wired to the
// pipeline and streams. A downstream error or an escalated non-terminating
// error cancels the call's context and is returned after Invoke returns.
func (p *cmdletProc) invoke(bound map[string]Value, input []Value) (err error) {
	in := p.in
	ctx, cancel := context.WithCancel(in.ctx)
	defer cancel()
	var mu sync.Mutex
	var stopErr error
	stop := func(e error) {
		if stopErr == nil {
			stopErr = e
			cancel()
		}
	}
	action := p.res.common.errorAction
	var outVar []Value
	call := &Call{
		Context: ctx,
		Host:    in.host,
		Bound:   bound,
		Input:   input,
		Emit: func(v Value) {
			mu.Lock()
			defer mu.Unlock()
			if stopErr != nil {
				return
			}
			if p.res.common.outVariable != "" {
				outVar = append(outVar, v)
			}
			if e := writeEnum(v, p.out); e != nil {
				stop(e)
			}
		},
		WriteHost: func(text string) {
			mu.Lock()
			defer mu.Unlock()
			in.writeHost(text, true)
		},
		WriteError: func(rec *ErrorRecord) {
			mu.Lock()
			defer mu.Unlock()
			if stopErr != nil || rec == nil {
				return
			}
			r := p.decorate(rec)
			r.Terminating = false
			if p.res.common.errorVariable != "" {
				p.appendErrorVariable(r)
			}
			if e := in.nonTerminating(p.sc, r, action); e != nil {
				stop(e)
			}
		},
		Sleep: func(d time.Duration) error { return in.sleep(ctx, d) },
	}
	defer func() {
		if r := recover(); r != nil {
			rec := &ErrorRecord{Message: fmt.Sprint(r), ExceptionType: "System.Management.Automation.CmdletInvocationException", FullyQualifiedErrorID: "CmdletInvocationException," + p.c.Name, Category: "NotSpecified"}
			err = &psError{rec: p.decorate(rec)}
		}
	}()
	ierr := p.c.Invoke(call)
	mu.Lock()
	defer mu.Unlock()
	if p.res.common.outVariable != "" {
		_ = in.setVar(p.sc, p.res.common.outVariable, unwrap(outVar))
	}
	if stopErr != nil {
		return stopErr
	}
	if in.ctx.Err() != nil {
		return errCancelled
	}
	if ierr == nil {
		return nil
	}
	rec, ok := ierr.(*ErrorRecord)
	if !ok {
		rec = &ErrorRecord{Message: ierr.Error(), ExceptionType: "System.Management.Automation.RuntimeException", FullyQualifiedErrorID: "RuntimeException," + p.fullName(), Category: "NotSpecified"}
	}
	r := p.decorate(rec)
	r.Terminating = true
	if p.res.common.errorVariable != "" {
		p.appendErrorVariable(r)
	}
	return &psError{rec: r}
}

func (p *cmdletProc) fullName() string {
	if p.c.FullName != "" {
		return p.c.FullName
	}
	return p.c.Name
}

// decorate copies a record from a cmdlet and fills in what the interpreter
// knows: the command name and the position of the invocation.
func (p *cmdletProc) decorate(rec *ErrorRecord) *ErrorRecord {
	r := *rec
	if r.Command == "" {
		r.Command = p.c.Name
	}
	if r.activity == "" {
		r.activity = r.Command
	}
	if r.ExceptionType == "" {
		r.ExceptionType = "System.Exception"
	}
	if r.FullyQualifiedErrorID == "" {
		r.FullyQualifiedErrorID = exceptionShortName(r.ExceptionType) + "," + p.fullName()
	}
	if r.Category == "" {
		r.Category = "NotSpecified"
	}
	if r.pos.src == nil {
		r.pos = p.ext
	}
	r.exc = nil
	return &r
}

func (p *cmdletProc) appendErrorVariable(rec *ErrorRecord) {
	name := p.res.common.errorVariable
	appendMode := strings.HasPrefix(name, "+")
	name = strings.TrimPrefix(name, "+")
	cur, _ := p.in.getVar(p.sc, name)
	var items []Value
	if appendMode {
		items = AsSlice(cur)
	} else if al, ok := cur.(*arrayList); ok && al.typeName == "errvar" {
		items = al.items
	}
	al := &arrayList{typeName: "errvar", items: append(items, rec)}
	_ = p.in.setVar(p.sc, name, al)
}

// writeHost writes host text (Write-Host, Call.WriteHost) to stdout.
func (in *interp) writeHost(text string, newline bool) {
	in.fmt.interrupt()
	if newline {
		text += "\r\n"
	}
	in.streams.writeOut(text)
}

// ---- native executables ----

type nativeProc struct {
	cmdBase
	n *Native
}

func (p *nativeProc) begin() error          { return nil }
func (p *nativeProc) process(v Value) error { p.gotIn = true; return nil }

func (p *nativeProc) end() error {
	in := p.in
	var argv []string
	for _, a := range p.args {
		if a.name != "" {
			t := a.text
			if t == "" {
				t = "-" + a.name
			}
			if a.hasValue {
				argv = append(argv, t+":"+ToString(a.value))
			} else {
				argv = append(argv, t)
			}
			continue
		}
		if items, ok := enumerable(a.value); ok {
			for _, it := range items {
				argv = append(argv, ToString(it))
			}
			continue
		}
		argv = append(argv, ToString(a.value))
	}
	lw := &lineWriter{emit: p.out}
	ew := &rawWriter{in: in}
	call := &NativeCall{
		Context: in.ctx,
		Host:    in.host,
		Args:    argv,
		Stdout:  lw,
		Stderr:  ew,
		Sleep:   func(d time.Duration) error { return in.sleep(in.ctx, d) },
	}
	code := p.n.Run(call)
	lw.flush()
	_ = in.setVar(in.global, "LASTEXITCODE", code)
	if lw.err != nil {
		return lw.err
	}
	if in.ctx.Err() != nil {
		return errCancelled
	}
	if code != 0 {
		in.failed = true
	}
	return nil
}

// lineWriter turns a native program's stdout into pipeline strings, one per
// line, emitted as soon as each line is complete.
type lineWriter struct {
	mu   sync.Mutex
	buf  []byte
	emit emitFn
	err  error
}

func (w *lineWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return 0, w.err
	}
	w.buf = append(w.buf, b...)
	for {
		i := strings.IndexByte(string(w.buf), '\n')
		if i < 0 {
			break
		}
		line := strings.TrimSuffix(string(w.buf[:i]), "\r")
		w.buf = w.buf[i+1:]
		if err := w.emit(line); err != nil {
			w.err = err
			return len(b), err
		}
	}
	return len(b), nil
}

func (w *lineWriter) flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) > 0 && w.err == nil {
		line := strings.TrimSuffix(string(w.buf), "\r")
		w.buf = nil
		w.err = w.emit(line)
	}
}

// rawWriter passes a native program's stderr straight through.
type rawWriter struct{ in *interp }

func (w *rawWriter) Write(b []byte) (int, error) {
	w.in.streams.writeErrRaw(string(b))
	return len(b), nil
}

var _ io.Writer = (*lineWriter)(nil)
