package ps

import (
	"strings"
)

// evalExpr evaluates an expression to a value.
func (in *interp) evalExpr(sc *scope, e expr) (Value, error) {
	switch x := e.(type) {
	case *constExpr:
		return x.v, nil
	case *expandStr:
		return in.expand(sc, x)
	case *varExpr:
		v, _ := in.getVar(sc, x.name)
		return v, nil
	case *binExpr:
		return in.evalBinary(sc, x)
	case *unaryExpr:
		return in.evalUnary(sc, x)
	case *convExpr:
		return in.evalConvert(sc, x)
	case *typeExpr:
		t := lookupType(x.typ.name)
		if t == nil {
			return nil, in.failAt(x, typeNotFound(x.typ.name))
		}
		return &typeInfo{t: t}, nil
	case *arrayLitExpr:
		out := make([]Value, 0, len(x.elems))
		for _, el := range x.elems {
			v, err := in.evalExpr(sc, el)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case *arraySubExpr:
		items, err := in.collect(sc, x.body)
		if items == nil {
			items = []Value{}
		}
		return items, err
	case *subExpr:
		items, err := in.collect(sc, x.body)
		return unwrap(items), err
	case *parenExpr:
		return in.evalStmtValue(sc, x.inner)
	case *hashExpr:
		return in.evalHash(sc, x, false)
	case *sbExpr:
		return &scriptBlock{ast: x.sb}, nil
	case *memberExpr:
		obj, err := in.evalExpr(sc, x.obj)
		if err != nil {
			return nil, err
		}
		name, err := in.memberName(sc, x.name)
		if err != nil {
			return nil, err
		}
		if x.static {
			ti, ok := obj.(*typeInfo)
			if !ok {
				return nil, in.failAt(x, rtError("InvalidOperation", "RuntimeException", "Unable to find type ["+ToString(obj)+"]."))
			}
			v, err := in.staticMember(ti.t, name)
			return v, in.failAt(x, err)
		}
		v, err := in.getMember(obj, name)
		return v, in.failAt(x, err)
	case *invokeExpr:
		return in.evalInvoke(sc, x)
	case *indexExpr:
		obj, err := in.evalExpr(sc, x.obj)
		if err != nil {
			return nil, err
		}
		idx, err := in.evalExpr(sc, x.idx)
		if err != nil {
			return nil, err
		}
		v, err := getIndex(obj, idx)
		return v, in.failAt(x, err)
	}
	return nil, nil
}

func (in *interp) memberName(sc *scope, e expr) (string, error) {
	if c, ok := e.(*constExpr); ok {
		return ToString(c.v), nil
	}
	v, err := in.evalExpr(sc, e)
	return ToString(v), err
}

// expand evaluates an expandable string. Values are converted with
// ToString; the text of variables is never re-parsed.
func (in *interp) expand(sc *scope, x *expandStr) (Value, error) {
	var b strings.Builder
	for _, p := range x.parts {
		if p.e == nil {
			b.WriteString(p.lit)
			continue
		}
		v, err := in.evalExpr(sc, p.e)
		if err != nil {
			return nil, err
		}
		b.WriteString(in.ofsString(sc, v))
	}
	return b.String(), nil
}

// ofsString converts for string expansion, honouring $OFS for arrays.
func (in *interp) ofsString(sc *scope, v Value) string {
	if items, ok := enumerable(v); ok {
		sep := " "
		if o, found := in.getVar(sc, "OFS"); found && o != nil {
			sep = ToString(o)
		}
		parts := make([]string, len(items))
		for i, it := range items {
			if _, nested := it.([]Value); nested {
				parts[i] = "System.Object[]"
			} else {
				parts[i] = ToString(it)
			}
		}
		return strings.Join(parts, sep)
	}
	return ToString(v)
}

func (in *interp) evalHash(sc *scope, x *hashExpr, ordered bool) (*Hashtable, error) {
	h := NewHashtable()
	h.ordered = ordered
	for i, k := range x.keys {
		kv, err := in.evalExpr(sc, k)
		if err != nil {
			return nil, err
		}
		key := ToString(kv)
		if _, dup := h.Get(key); dup {
			rec := rtError("InvalidOperation", "RuntimeException", "Duplicate keys '"+key+"' are not allowed in hash literals.")
			rec.FullyQualifiedErrorID = "DuplicateKeyInHashLiteral"
			return nil, in.failAt(k, rec)
		}
		v, err := in.evalStmtValue(sc, x.vals[i])
		if err != nil {
			return nil, err
		}
		h.Set(key, v)
	}
	return h, nil
}

func (in *interp) evalConvert(sc *scope, x *convExpr) (Value, error) {
	lname := strings.ToLower(x.typ.name)
	if h, ok := x.e.(*hashExpr); ok {
		switch lname {
		case "ordered":
			return in.evalHash(sc, h, true)
		case "pscustomobject", "system.management.automation.pscustomobject":
			ht, err := in.evalHash(sc, h, true)
			if err != nil {
				return nil, err
			}
			return hashToObject(ht), nil
		}
	}
	if lname == "ordered" {
		return nil, in.failAt(x, rtError("InvalidOperation", "RuntimeException", "The ordered attribute can be specified only on a hash literal node."))
	}
	t := lookupType(x.typ.name)
	if t == nil {
		return nil, in.failAt(x.typ, typeNotFound(x.typ.name))
	}
	v, err := in.evalExpr(sc, x.e)
	if err != nil {
		return nil, err
	}
	cv, err := convertTo(v, t)
	if err != nil {
		return nil, in.failAt(x, err)
	}
	return cv, nil
}

func (in *interp) evalBinary(sc *scope, x *binExpr) (Value, error) {
	l, err := in.evalExpr(sc, x.l)
	if err != nil {
		return nil, err
	}
	switch x.op {
	case "-and":
		if !ToBool(l) {
			return false, nil
		}
		r, err := in.evalExpr(sc, x.r)
		return ToBool(r), err
	case "-or":
		if ToBool(l) {
			return true, nil
		}
		r, err := in.evalExpr(sc, x.r)
		return ToBool(r), err
	}
	r, err := in.evalExpr(sc, x.r)
	if err != nil {
		return nil, err
	}
	v, err := in.binaryOp(sc, x.op, l, r)
	if err != nil {
		return nil, in.failAt(x, err)
	}
	return v, nil
}

func (in *interp) evalUnary(sc *scope, x *unaryExpr) (Value, error) {
	switch x.op {
	case "++", "--":
		cur, err := in.evalExpr(sc, x.e)
		if err != nil {
			return nil, err
		}
		delta := 1
		if x.op == "--" {
			delta = -1
		}
		nv, err := in.binaryOp(sc, "+", numberOrZero(cur), delta)
		if err != nil {
			return nil, in.failAt(x, err)
		}
		if err := in.assign(sc, x.e, nv); err != nil {
			return nil, err
		}
		if x.postfix {
			return numberOrZero(cur), nil
		}
		return nv, nil
	}
	v, err := in.evalExpr(sc, x.e)
	if err != nil {
		return nil, err
	}
	r, err := in.unaryOp(x.op, v)
	return r, in.failAt(x, err)
}

func numberOrZero(v Value) Value {
	if v == nil {
		return 0
	}
	return v
}

// evalInvoke evaluates a method call. Arguments are evaluated before the
// receiver is checked, as in PowerShell.
func (in *interp) evalInvoke(sc *scope, x *invokeExpr) (Value, error) {
	obj, err := in.evalExpr(sc, x.obj)
	if err != nil {
		return nil, err
	}
	name, err := in.memberName(sc, x.name)
	if err != nil {
		return nil, err
	}
	args := make([]Value, len(x.args))
	for i, a := range x.args {
		v, err := in.evalExpr(sc, a)
		if err != nil {
			return nil, err
		}
		args[i] = v
	}
	if x.static {
		ti, ok := obj.(*typeInfo)
		if !ok {
			return nil, in.failAt(x, rtError("InvalidOperation", "RuntimeException", "Unable to find type ["+ToString(obj)+"]."))
		}
		v, err := in.staticMethod(ti.t, name, args)
		return v, in.failAt(x, wrapMethodError(name, len(args), err))
	}
	v, err := in.callMethod(sc, obj, name, args)
	return v, in.failAt(x, wrapMethodError(name, len(args), err))
}
