package ps

import (
	"errors"
	"strings"
)

// emitFn receives one object written to a pipeline. An error stops the
// producer (a downstream terminating error, or cancellation).
type emitFn func(Value) error

// writeEnum writes a value to a pipeline, enumerating arrays as PowerShell
// does when an expression's result is output.
func writeEnum(v Value, out emitFn) error {
	if items, ok := enumerable(v); ok {
		for _, it := range items {
			if err := out(it); err != nil {
				return err
			}
		}
		return nil
	}
	return out(v)
}

func discard(Value) error { return nil }

// collect runs statements and returns everything they output.
func (in *interp) collect(sc *scope, blk *stmtBlock) ([]Value, error) {
	var items []Value
	err := in.execStmts(sc, blk.stmts, func(v Value) error { items = append(items, v); return nil })
	return items, err
}

// execStmts runs a statement list. A statement-terminating error that no
// try/catch is waiting for, and that $ErrorActionPreference does not turn
// into a script-terminating one, is reported and execution goes on with the
// next statement, as in PowerShell.
//
// Each statement of the script itself (depth 0) is a top-level pipeline: when
// it ends, Out-Default fixes the layout of the table it printed (format.go).
func (in *interp) execStmts(sc *scope, stmts []stmt, out emitFn) error {
	top := in.stmtDepth == 0
	in.stmtDepth++
	defer func() { in.stmtDepth-- }()
	for _, st := range stmts {
		if in.ctx.Err() != nil {
			return errCancelled
		}
		if fd, ok := st.(*functionDef); ok {
			in.defineFunc(sc, fd)
			continue
		}
		saved := in.failed
		in.failed = false
		err := in.execStmt(sc, st, out)
		if top {
			in.fmt.flush()
		}
		if err != nil {
			var pe *psError
			if errors.As(err, &pe) && !pe.script && in.tryDepth == 0 {
				switch in.preference(sc, "ErrorActionPreference") {
				case "stop":
					pe.script = true
				case "silentlycontinue", "ignore":
					in.reportError(pe.rec, false)
					err = nil
				default:
					in.reportError(pe.rec, true)
					err = nil
				}
			}
		}
		in.status = !in.failed && err == nil
		in.failed = saved || in.failed
		if err != nil {
			return err
		}
	}
	return nil
}

func (in *interp) execBlock(sc *scope, blk *stmtBlock, out emitFn) error {
	if blk == nil {
		return nil
	}
	return in.execStmts(sc, blk.stmts, out)
}

func (in *interp) execStmt(sc *scope, st stmt, out emitFn) error {
	switch s := st.(type) {
	case *pipelineStmt:
		return in.execPipelineStmt(sc, s, out)
	case *assignStmt:
		_, err := in.execAssign(sc, s)
		return err
	case *ifStmt:
		for _, c := range s.clauses {
			v, err := in.evalStmtValue(sc, c.cond)
			if err != nil {
				return err
			}
			if ToBool(v) {
				return in.execBlock(sc, c.body, out)
			}
		}
		return in.execBlock(sc, s.elseBody, out)
	case *foreachStmt:
		return in.execForeach(sc, s, out)
	case *forStmt:
		return in.execFor(sc, s, out)
	case *whileStmt:
		return in.loop(sc, s.label, s.cond, nil, s.body, false, false, out)
	case *doStmt:
		return in.loop(sc, s.label, s.cond, nil, s.body, true, s.until, out)
	case *switchStmt:
		return in.execSwitch(sc, s, out)
	case *tryStmt:
		return in.execTry(sc, s, out)
	case *flowStmt:
		return in.execFlow(sc, s, out)
	case *functionDef:
		in.defineFunc(sc, s)
		return nil
	}
	return nil
}

// execPipelineStmt runs a pipeline statement. Increments and [void] casts
// produce no output when they are a whole statement.
func (in *interp) execPipelineStmt(sc *scope, s *pipelineStmt, out emitFn) error {
	if len(s.elems) == 1 {
		if ee, ok := s.elems[0].(*exprElem); ok && len(ee.redirs) == 0 {
			switch e := ee.e.(type) {
			case *unaryExpr:
				if e.op == "++" || e.op == "--" {
					_, err := in.evalExpr(sc, e)
					return err
				}
			case *convExpr:
				if strings.EqualFold(e.typ.name, "void") || strings.EqualFold(e.typ.name, "System.Void") {
					_, err := in.evalExpr(sc, e.e)
					return err
				}
			}
		}
	}
	return in.runPipeline(sc, s, out)
}

// evalStmtValue runs a statement for its value: an expression's value as it
// is, or the collected output of commands (nothing is $null, one object is
// itself, several are an array).
func (in *interp) evalStmtValue(sc *scope, st stmt) (Value, error) {
	switch s := st.(type) {
	case *pipelineStmt:
		if len(s.elems) == 1 {
			if ee, ok := s.elems[0].(*exprElem); ok && len(ee.redirs) == 0 {
				return in.evalExpr(sc, ee.e)
			}
		}
		var items []Value
		err := in.runPipeline(sc, s, func(v Value) error { items = append(items, v); return nil })
		return unwrap(items), err
	case *assignStmt:
		return in.execAssign(sc, s)
	}
	var items []Value
	err := in.execStmt(sc, st, func(v Value) error { items = append(items, v); return nil })
	return unwrap(items), err
}

// ---- assignment ----

func (in *interp) execAssign(sc *scope, s *assignStmt) (Value, error) {
	rhs, err := in.evalStmtValue(sc, s.value)
	if err != nil {
		return nil, err
	}
	if s.op != "=" {
		cur, err := in.evalExpr(sc, s.target)
		if err != nil {
			return nil, err
		}
		rhs, err = in.binaryOp(sc, s.op[:1], cur, rhs)
		if err != nil {
			return nil, in.failAt(s, err)
		}
	}
	return rhs, in.assign(sc, s.target, rhs)
}

func (in *interp) assign(sc *scope, target expr, v Value) error {
	switch t := target.(type) {
	case *varExpr:
		return in.failAt(t, in.setVar(sc, t.name, v))
	case *convExpr:
		ty := lookupType(t.typ.name)
		if ty == nil {
			return in.failAt(t.typ, typeNotFound(t.typ.name))
		}
		cv, err := convertTo(v, ty)
		if err != nil {
			return in.failAt(t, err)
		}
		if ve, ok := t.e.(*varExpr); ok {
			_, bare := splitScope(ve.name)
			if err := in.setVar(sc, ve.name, cv); err != nil {
				return in.failAt(t, err)
			}
			target := sc
			if q, _ := splitScope(ve.name); q == "global" || q == "script" {
				target = in.global
			}
			if vr, ok := target.vars[strings.ToLower(bare)]; ok {
				vr.typ = ty
			}
			return nil
		}
		return in.assign(sc, t.e, cv)
	case *memberExpr:
		obj, err := in.evalExpr(sc, t.obj)
		if err != nil {
			return err
		}
		name, err := in.memberName(sc, t.name)
		if err != nil {
			return err
		}
		return in.failAt(t, in.setMember(obj, name, v))
	case *indexExpr:
		obj, err := in.evalExpr(sc, t.obj)
		if err != nil {
			return err
		}
		idx, err := in.evalExpr(sc, t.idx)
		if err != nil {
			return err
		}
		return in.failAt(t, setIndex(obj, idx, v))
	case *arrayLitExpr:
		items := AsSlice(v)
		for i, el := range t.elems {
			var ev Value
			switch {
			case i == len(t.elems)-1 && i < len(items)-1:
				ev = append([]Value(nil), items[i:]...)
			case i < len(items):
				ev = items[i]
			}
			if err := in.assign(sc, el, ev); err != nil {
				return err
			}
		}
		return nil
	}
	return in.failAt(target, rtError("InvalidOperation", "RuntimeException", "The assignment expression is not valid."))
}

// ---- loops ----

// loopSignal decides what a loop does with a signal from its body:
// stop (break), next (continue), or propagate.
func loopSignal(err error, label string) (stop bool, next bool, propagate error) {
	switch s := err.(type) {
	case nil:
		return false, false, nil
	case *breakSignal:
		if s.label == "" || strings.EqualFold(s.label, label) {
			return true, false, nil
		}
	case *continueSignal:
		if s.label == "" || strings.EqualFold(s.label, label) {
			return false, true, nil
		}
	}
	return false, false, err
}

func (in *interp) execForeach(sc *scope, s *foreachStmt, out emitFn) error {
	coll, err := in.evalStmtValue(sc, s.coll)
	if err != nil {
		return err
	}
	if coll == nil {
		return nil
	}
	items, ok := enumerable(coll)
	if !ok {
		items = []Value{coll}
	}
	for _, it := range items {
		if in.ctx.Err() != nil {
			return errCancelled
		}
		if err := in.setVar(sc, s.varName, it); err != nil {
			return in.failAt(s, err)
		}
		err := in.execBlock(sc, s.body, out)
		stop, _, perr := loopSignal(err, s.label)
		if perr != nil {
			return perr
		}
		if stop {
			break
		}
	}
	return nil
}

func (in *interp) execFor(sc *scope, s *forStmt, out emitFn) error {
	if s.init != nil {
		if _, err := in.evalStmtValue(sc, s.init); err != nil {
			return err
		}
	}
	return in.loop(sc, s.label, s.cond, s.iter, s.body, false, false, out)
}

// loop runs while/do/for loops. cond nil means "forever".
func (in *interp) loop(sc *scope, label string, cond, iter stmt, body *stmtBlock, doFirst, until bool, out emitFn) error {
	first := true
	for {
		if in.ctx.Err() != nil {
			return errCancelled
		}
		if (!doFirst || !first) && cond != nil {
			v, err := in.evalStmtValue(sc, cond)
			if err != nil {
				return err
			}
			if ToBool(v) == until {
				return nil
			}
		}
		first = false
		err := in.execBlock(sc, body, out)
		stop, _, perr := loopSignal(err, label)
		if perr != nil {
			return perr
		}
		if stop {
			return nil
		}
		if iter != nil {
			if _, err := in.evalStmtValue(sc, iter); err != nil {
				return err
			}
		}
		if doFirst && cond != nil {
			v, err := in.evalStmtValue(sc, cond)
			if err != nil {
				return err
			}
			if ToBool(v) == until {
				return nil
			}
			first = true // condition already evaluated for the next round
		}
	}
}

func (in *interp) execSwitch(sc *scope, s *switchStmt, out emitFn) error {
	v, err := in.evalStmtValue(sc, s.cond)
	if err != nil {
		return err
	}
	items, ok := enumerable(v)
	if !ok {
		items = []Value{v}
	}
	old, hadOld := sc.vars["_"]
	defer func() {
		if hadOld {
			sc.vars["_"] = old
		} else {
			delete(sc.vars, "_")
		}
	}()
items:
	for _, it := range items {
		in.setLocal(sc, "_", it)
		matched := false
		for _, c := range s.clauses {
			if c.pattern == nil {
				continue
			}
			ok, err := in.switchMatches(sc, s, c.pattern, it)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			matched = true
			err = in.execBlock(sc, c.body, out)
			stop, next, perr := loopSignal(err, s.label)
			if perr != nil {
				return perr
			}
			if stop {
				return nil
			}
			if next {
				continue items
			}
		}
		if !matched {
			for _, c := range s.clauses {
				if c.pattern == nil {
					err := in.execBlock(sc, c.body, out)
					stop, _, perr := loopSignal(err, s.label)
					if perr != nil {
						return perr
					}
					if stop {
						return nil
					}
				}
			}
		}
	}
	return nil
}

func (in *interp) switchMatches(sc *scope, s *switchStmt, pat expr, item Value) (bool, error) {
	if sbe, ok := pat.(*sbExpr); ok {
		res, err := in.invokeScriptBlockValue(sc, &scriptBlock{ast: sbe.sb}, nil, item, true, false)
		if err != nil {
			return false, err
		}
		return ToBool(res), nil
	}
	pv, err := in.evalExpr(sc, pat)
	if err != nil {
		return false, err
	}
	switch {
	case s.regex:
		return in.regexMatch(sc, ToString(item), ToString(pv), s.caseSensitive, true)
	case s.wildcard:
		return wildcardMatch(ToString(pv), ToString(item), s.caseSensitive), nil
	}
	if _, isStr := pv.(string); isStr {
		return valuesEqual(ToString(item), pv, s.caseSensitive), nil
	}
	return valuesEqual(item, pv, s.caseSensitive), nil
}

// ---- try / throw ----

func (in *interp) execTry(sc *scope, s *tryStmt, out emitFn) error {
	in.tryDepth++
	err := in.execBlock(sc, s.body, out)
	in.tryDepth--
	var pe *psError
	if err != nil && errors.As(err, &pe) {
		for _, c := range s.catches {
			match := len(c.types) == 0
			for _, tn := range c.types {
				t := lookupType(tn.name)
				if t == nil {
					return in.failAt(tn, typeNotFound(tn.name))
				}
				if isSubtype(exceptionOf(pe.rec).typeName, t.fullName) {
					match = true
					break
				}
			}
			if !match {
				continue
			}
			if !in.errs.contains(pe.rec) {
				in.addError(pe.rec)
			}
			old, hadOld := sc.vars["_"]
			in.setLocal(sc, "_", pe.rec)
			in.failed = false // the error is handled
			err = in.execBlock(sc, c.body, out)
			if hadOld {
				sc.vars["_"] = old
			} else {
				delete(sc.vars, "_")
			}
			break
		}
	}
	if s.finally != nil {
		if ferr := in.execBlock(sc, s.finally, out); ferr != nil {
			err = ferr
		}
	}
	return err
}

func (l *arrayList) contains(v Value) bool {
	for _, it := range l.items {
		if it == v {
			return true
		}
	}
	return false
}

func typeNotFound(name string) *ErrorRecord {
	rec := rtError("InvalidOperation", "RuntimeException", "Unable to find type ["+name+"].")
	rec.FullyQualifiedErrorID = "TypeNotFound"
	rec.TargetName = name
	return rec
}

func (in *interp) execFlow(sc *scope, s *flowStmt, out emitFn) error {
	switch s.kind {
	case "break":
		return &breakSignal{label: s.label}
	case "continue":
		return &continueSignal{label: s.label}
	case "return":
		if s.value != nil {
			v, err := in.evalStmtValue(sc, s.value)
			if err != nil {
				return err
			}
			if err := writeEnum(v, out); err != nil {
				return err
			}
		}
		return &returnSignal{}
	case "exit":
		code := 0
		if s.value != nil {
			v, err := in.evalStmtValue(sc, s.value)
			if err != nil {
				return err
			}
			n, err := ToInt(v)
			if err != nil {
				return in.failAt(s, err)
			}
			code = n
		}
		return &exitSignal{code: code}
	case "throw":
		var v Value = nil
		if s.value != nil {
			var err error
			v, err = in.evalStmtValue(sc, s.value)
			if err != nil {
				return err
			}
		}
		return &psError{rec: throwRecord(v, s.extent), script: true}
	}
	return nil
}

// throwRecord builds the error record of a throw statement.
func throwRecord(v Value, ext extent) *ErrorRecord {
	switch x := v.(type) {
	case *ErrorRecord:
		return x
	case *exceptionValue:
		if x.rec != nil {
			return x.rec
		}
		rec := &ErrorRecord{Message: x.message, ExceptionType: x.typeName, FullyQualifiedErrorID: x.message, Category: "OperationStopped", exc: x, pos: ext}
		if x.message == "" {
			rec.FullyQualifiedErrorID = exceptionShortName(x.typeName)
		}
		x.rec = rec
		return rec
	case nil:
		return &ErrorRecord{Message: "ScriptHalted", ExceptionType: "System.Management.Automation.RuntimeException", FullyQualifiedErrorID: "ScriptHalted", Category: "OperationStopped", pos: ext}
	}
	msg := ToString(v)
	rec := &ErrorRecord{Message: msg, ExceptionType: "System.Management.Automation.RuntimeException", FullyQualifiedErrorID: msg, Category: "OperationStopped", pos: ext, target: v, hasTarget: true}
	return rec
}
