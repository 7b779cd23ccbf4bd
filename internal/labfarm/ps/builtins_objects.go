package ps

import (
	"fmt"
	"sort"
	"strings"
)

// Object cmdlets: Where-Object, ForEach-Object, Select-Object, Sort-Object,
// Measure-Object, Group-Object, New-Object, Add-Member.

var whereOperators = []string{"EQ", "NE", "GT", "GE", "LT", "LE", "Like", "NotLike", "Match", "NotMatch", "Contains", "NotContains", "In", "NotIn", "Is", "IsNot",
	"CEQ", "CNE", "CGT", "CGE", "CLT", "CLE", "CLike", "CNotLike", "CMatch", "CNotMatch", "CContains", "CNotContains", "CIn", "CNotIn"}

func init() {
	whereParams := []paramSpec{pObj("FilterScript", 0), pObj("Value", 1), pInputObject(-1)}
	for _, op := range whereOperators {
		whereParams = append(whereParams, pSwitch(op))
	}
	register(&builtin{
		name:   "Where-Object",
		params: whereParams,
		process: func(c *bcall, v Value, present bool) error {
			if !present {
				return nil
			}
			ok, err := whereMatches(c, v)
			if err != nil || !ok {
				return err
			}
			return c.out(v)
		},
	})
	register(&builtin{
		name:   "ForEach-Object",
		params: []paramSpec{pObj("Process", 0), pObj("Begin", -1), pObj("End", -1), {name: "RemainingScripts", position: 1, remaining: true, typeLabel: "System.Management.Automation.ScriptBlock[]", allowEmpty: true}, pInputObject(-1), pObj("ArgumentList", -1, "Args")},
		begin: func(c *bcall) error {
			procs := AsSlice(c.get("Process"))
			if rest, ok := c.bound["RemainingScripts"]; ok {
				procs = append(procs, AsSlice(rest)...)
			}
			// ForEach-Object {begin} {process} {end}: three positional blocks.
			if !c.has("Begin") && len(procs) >= 3 {
				c.bound["Begin"] = procs[0]
				c.bound["End"] = procs[len(procs)-1]
				procs = procs[1 : len(procs)-1]
			}
			c.state = procs
			if sb, ok := c.get("Begin").(*scriptBlock); ok {
				return c.in.invokeScriptBlock(c.sc, sb, nil, nil, false, false, c.out)
			}
			return nil
		},
		process: func(c *bcall, v Value, present bool) error {
			if !present {
				return nil
			}
			for _, p := range c.items() {
				switch x := p.(type) {
				case *scriptBlock:
					if err := c.in.invokeScriptBlock(c.sc, x, nil, v, true, false, c.out); err != nil {
						return err
					}
				default:
					member := ToString(x)
					args := AsSlice(c.get("ArgumentList"))
					if len(args) > 0 || isMethodCall(v, member) {
						r, err := c.in.callMethod(c.sc, v, member, args)
						if err != nil {
							return err
						}
						if err := writeEnum(r, c.out); err != nil {
							return err
						}
						continue
					}
					r, err := c.in.getMember(v, member)
					if err != nil {
						return err
					}
					if err := writeEnum(r, c.out); err != nil {
						return err
					}
				}
			}
			return nil
		},
		end: func(c *bcall) error {
			if sb, ok := c.get("End").(*scriptBlock); ok {
				return c.in.invokeScriptBlock(c.sc, sb, nil, nil, false, false, c.out)
			}
			return nil
		},
	})
	register(&builtin{
		name: "Select-Object",
		params: []paramSpec{pObj("Property", 0), pStr("ExpandProperty", -1), pInt("First", -1), pInt("Last", -1), pInt("Skip", -1),
			pSwitch("Unique"), pObj("Index", -1), pInputObject(-1), pObj("ExcludeProperty", -1), pSwitch("Wait")},
		begin: func(c *bcall) error { c.state = newSelectState(); return nil },
		process: func(c *bcall, v Value, present bool) error {
			if !present {
				return nil
			}
			st := callState(c, newSelectState)
			st.n++
			if c.has("Skip") && st.n <= c.num("Skip") {
				return nil
			}
			if c.has("Last") || c.has("Unique") || c.has("Index") {
				st.items = append(st.items, v)
				return nil
			}
			if c.has("First") && st.emitted >= c.num("First") {
				return nil
			}
			st.emitted++
			return selectEmit(c, v)
		},
		end: func(c *bcall) error {
			st := callState(c, newSelectState)
			items := st.items
			if items == nil {
				return nil
			}
			if c.has("Unique") {
				var uniq []Value
				for _, it := range items {
					dup := false
					for _, u := range uniq {
						if valuesEqual(u, it, true) {
							dup = true
							break
						}
					}
					if !dup {
						uniq = append(uniq, it)
					}
				}
				items = uniq
			}
			if c.has("Index") {
				var sel []Value
				for _, ix := range AsSlice(c.get("Index")) {
					i, err := ToInt(ix)
					if err == nil && i >= 0 && i < len(items) {
						sel = append(sel, items[i])
					}
				}
				items = sel
			}
			if c.has("First") && len(items) > c.num("First") {
				items = items[:c.num("First")]
			}
			if c.has("Last") {
				n := c.num("Last")
				if len(items) > n {
					items = items[len(items)-n:]
				}
			}
			for _, it := range items {
				if err := selectEmit(c, it); err != nil {
					return err
				}
			}
			return nil
		},
	})
	register(&builtin{
		name:   "Sort-Object",
		params: []paramSpec{pObj("Property", 0), pSwitch("Descending"), pSwitch("Unique"), pSwitch("CaseSensitive"), pInputObject(-1)},
		begin:  func(c *bcall) error { c.state = []Value{}; return nil },
		process: func(c *bcall, v Value, present bool) error {
			if present {
				c.collect(v)
			}
			return nil
		},
		end: func(c *bcall) error { return sortEnd(c) },
	})
	register(&builtin{
		name:   "Measure-Object",
		params: []paramSpec{pObj("Property", 0), pSwitch("Sum"), pSwitch("Average"), pSwitch("Maximum"), pSwitch("Minimum"), pSwitch("Line"), pSwitch("Word"), pSwitch("Character"), pInputObject(-1)},
		begin:  func(c *bcall) error { c.state = []Value{}; return nil },
		process: func(c *bcall, v Value, present bool) error {
			if present {
				c.collect(v)
			}
			return nil
		},
		end: func(c *bcall) error { return measureEnd(c) },
	})
	register(&builtin{
		name:   "Group-Object",
		params: []paramSpec{pObj("Property", 0), pSwitch("NoElement"), pSwitch("AsHashTable"), pSwitch("AsString"), pSwitch("CaseSensitive"), pInputObject(-1)},
		begin:  func(c *bcall) error { c.state = []Value{}; return nil },
		process: func(c *bcall, v Value, present bool) error {
			if present {
				c.collect(v)
			}
			return nil
		},
		end: func(c *bcall) error { return groupEnd(c) },
	})
	register(&builtin{
		name:    "New-Object",
		params:  []paramSpec{pStr("TypeName", 0), pObj("ArgumentList", 1, "Args"), pObj("Property", -1), pStr("ComObject", -1), pSwitch("Strict")},
		process: func(c *bcall, v Value, present bool) error { return newObjectCmd(c) },
	})
	register(&builtin{
		name: "Add-Member",
		params: []paramSpec{pStr("MemberType", 0, "Type"), pStr("Name", 1), pObj("Value", 2), pObj("SecondValue", 3), pInputObject(-1),
			pStr("NotePropertyName", -1), pObj("NotePropertyValue", -1), pObj("NotePropertyMembers", -1), pSwitch("PassThru"), pSwitch("Force"), pStr("TypeName", -1)},
		process: func(c *bcall, v Value, present bool) error { return addMemberCmd(c) },
	})
	register(&builtin{
		name:   "Get-Member",
		params: []paramSpec{pObj("Name", 0), pInputObject(-1), pStr("MemberType", -1, "Type"), pSwitch("Static"), pSwitch("Force")},
		begin:  func(c *bcall) error { c.state = newSeenTypes(); return nil },
		process: func(c *bcall, v Value, present bool) error {
			if !present || v == nil {
				return nil
			}
			seen := callState(c, newSeenTypes)
			tn := typeName(v)
			if seen[tn] {
				return nil
			}
			seen[tn] = true
			names, vals, _, _ := displayProperties(v)
			for i, n := range names {
				m := NewObject("Microsoft.PowerShell.Commands.MemberDefinition")
				vt := "System.Object"
				if t := typeOf(vals[i]); t != nil {
					vt = t.fullName
				}
				m.Set("TypeName", tn).Set("Name", n).Set("MemberType", "NoteProperty").Set("Definition", vt+" "+n+"="+ToString(vals[i]))
				if err := c.out(m); err != nil {
					return err
				}
			}
			return nil
		},
	})
}

type selectState struct {
	n, emitted int
	items      []Value
}

func newSelectState() *selectState { return &selectState{} }

// newSeenTypes makes Get-Member's set of type names already described.
func newSeenTypes() map[string]bool { return map[string]bool{} }

func isMethodCall(v Value, name string) bool {
	switch v.(type) {
	case string:
		switch strings.ToLower(name) {
		case "toupper", "tolower", "trim", "tostring", "toupperinvariant", "tolowerinvariant", "trimstart", "trimend", "gettype":
			return true
		}
	}
	return strings.EqualFold(name, "ToString") || strings.EqualFold(name, "GetType")
}

func whereMatches(c *bcall, v Value) (bool, error) {
	fs := c.get("FilterScript")
	if sb, ok := fs.(*scriptBlock); ok {
		r, err := c.in.invokeScriptBlockValue(c.sc, sb, nil, v, true, false)
		if err != nil {
			return false, err
		}
		return ToBool(r), nil
	}
	// Where-Object Property -op Value
	prop := ToString(fs)
	pv, err := c.in.getMember(v, prop)
	if err != nil {
		return false, err
	}
	for _, op := range whereOperators {
		if c.flag(op) {
			r, err := c.in.binaryOp(nil, "-"+strings.ToLower(op), pv, c.get("Value"))
			if err != nil {
				return false, err
			}
			return ToBool(r), nil
		}
	}
	return ToBool(pv), nil
}

// selectEmit applies -Property / -ExpandProperty to one object.
func selectEmit(c *bcall, v Value) error {
	if c.has("ExpandProperty") {
		name := c.str("ExpandProperty")
		pv, err := c.in.getMember(v, name)
		if err != nil {
			return err
		}
		if pv == nil && !hasProperty(v, name) {
			rec := &ErrorRecord{Message: fmt.Sprintf("Property \"%s\" cannot be found.", name), ExceptionType: "System.Management.Automation.PSArgumentException", FullyQualifiedErrorID: "ExpandPropertyNotFound,Microsoft.PowerShell.Commands.SelectObjectCommand", Category: "InvalidArgument", TargetName: ToString(v)}
			rec.target, rec.hasTarget = v, true
			return c.writeError(rec)
		}
		return writeEnum(pv, c.out)
	}
	if !c.has("Property") {
		return c.out(v)
	}
	o := NewObject("")
	o.TypeNames = []string{"Selected." + typeName(v)}
	o.TypeNames = nil
	for _, p := range AsSlice(c.get("Property")) {
		if h, ok := p.(*Hashtable); ok {
			name, val, err := calculatedProperty(c, h, v)
			if err != nil {
				return err
			}
			o.Set(name, val)
			continue
		}
		pattern := ToString(p)
		if strings.ContainsAny(pattern, "*?") {
			names, vals, _, _ := displayProperties(v)
			for i, n := range names {
				if wildcardMatch(pattern, n, false) {
					o.Set(n, vals[i])
				}
			}
			continue
		}
		pv, err := c.in.getMember(v, pattern)
		if err != nil {
			return err
		}
		o.Set(pattern, pv)
	}
	return c.out(o)
}

func hasProperty(v Value, name string) bool {
	switch x := v.(type) {
	case *Object:
		_, ok := x.Get(name)
		return ok
	case *Hashtable:
		_, ok := x.Get(name)
		return ok
	}
	return false
}

// calculatedProperty evaluates @{Name='x'; Expression={...}}.
func calculatedProperty(c *bcall, h *Hashtable, v Value) (string, Value, error) {
	var name string
	var exprV Value
	for _, k := range h.Keys() {
		kv, _ := h.Get(k)
		lk := strings.ToLower(k)
		switch {
		case strings.HasPrefix("name", lk) || strings.HasPrefix("label", lk):
			name = ToString(kv)
		case strings.HasPrefix("expression", lk):
			exprV = kv
		default:
			rec := &ErrorRecord{Message: fmt.Sprintf("The %s key is not valid.", k), ExceptionType: "System.NotSupportedException", FullyQualifiedErrorID: "DictionaryKeyIllegal,Microsoft.PowerShell.Commands.SelectObjectCommand", Category: "InvalidArgument", Command: "Select-Object", activity: "Select-Object", pos: c.ext}
			return "", nil, &psError{rec: rec}
		}
	}
	var val Value
	switch x := exprV.(type) {
	case *scriptBlock:
		r, err := c.in.invokeScriptBlockValue(c.sc, x, nil, v, true, false)
		if err != nil {
			return "", nil, err
		}
		val = r
		if name == "" {
			name = strings.TrimSpace(x.String())
		}
	default:
		pn := ToString(x)
		r, err := c.in.getMember(v, pn)
		if err != nil {
			return "", nil, err
		}
		val = r
		if name == "" {
			name = pn
		}
	}
	return name, val, nil
}

type sortKey struct {
	get        func(Value) (Value, error)
	descending bool
}

func sortEnd(c *bcall) error {
	items := c.items()
	desc := c.flag("Descending")
	cs := c.flag("CaseSensitive")
	var keys []sortKey
	for _, p := range AsSlice(c.get("Property")) {
		k := sortKey{descending: desc}
		switch x := p.(type) {
		case *scriptBlock:
			sb := x
			k.get = func(v Value) (Value, error) { return c.in.invokeScriptBlockValue(c.sc, sb, nil, v, true, false) }
		case *Hashtable:
			var e Value
			for _, hk := range x.Keys() {
				hv, _ := x.Get(hk)
				switch {
				case strings.HasPrefix("expression", strings.ToLower(hk)):
					e = hv
				case strings.HasPrefix("descending", strings.ToLower(hk)):
					k.descending = ToBool(hv)
				case strings.HasPrefix("ascending", strings.ToLower(hk)):
					k.descending = !ToBool(hv)
				}
			}
			if sb, ok := e.(*scriptBlock); ok {
				k.get = func(v Value) (Value, error) { return c.in.invokeScriptBlockValue(c.sc, sb, nil, v, true, false) }
			} else {
				name := ToString(e)
				k.get = func(v Value) (Value, error) { return c.in.getMember(v, name) }
			}
		default:
			name := ToString(x)
			k.get = func(v Value) (Value, error) { return c.in.getMember(v, name) }
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		keys = []sortKey{{get: func(v Value) (Value, error) { return v, nil }, descending: desc}}
	}
	vals := make([][]Value, len(items))
	for i, it := range items {
		vals[i] = make([]Value, len(keys))
		for j, k := range keys {
			kv, err := k.get(it)
			if err != nil {
				return err
			}
			vals[i][j] = kv
		}
	}
	idx := make([]int, len(items))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		for j, k := range keys {
			cmp, _ := compareValues(vals[idx[a]][j], vals[idx[b]][j], cs)
			if cmp == 0 {
				continue
			}
			if k.descending {
				return cmp > 0
			}
			return cmp < 0
		}
		return false
	})
	var prev []Value
	for n, i := range idx {
		if c.flag("Unique") && n > 0 {
			same := true
			for j := range keys {
				if !valuesEqual(prev[j], vals[i][j], cs) {
					same = false
				}
			}
			if same {
				continue
			}
		}
		prev = vals[i]
		if err := c.out(items[i]); err != nil {
			return err
		}
	}
	return nil
}

func measureEnd(c *bcall) error {
	items := c.items()
	props := AsSlice(c.get("Property"))
	emit := func(prop string, values []Value) error {
		o := NewObject("Microsoft.PowerShell.Commands.GenericMeasureInfo")
		count := 0
		var sum float64
		var lo, hi Value
		for _, v := range values {
			if v == nil && prop != "" {
				continue
			}
			count++
			if c.flag("Sum") || c.flag("Average") {
				f, err := toDouble(v)
				if err != nil {
					return err
				}
				sum += f
			}
			if c.flag("Minimum") {
				if cmp, _ := compareValues(v, lo, false); lo == nil || cmp < 0 {
					lo = v
				}
			}
			if c.flag("Maximum") {
				if cmp, _ := compareValues(v, hi, false); hi == nil || cmp > 0 {
					hi = v
				}
			}
		}
		o.Set("Count", count)
		var avg, sumV, minV, maxV Value
		if c.flag("Average") && count > 0 {
			avg = sum / float64(count)
		}
		if c.flag("Sum") {
			sumV = sum
			if sum == float64(int(sum)) {
				sumV = int(sum)
			}
		}
		if c.flag("Minimum") {
			minV = lo
		}
		if c.flag("Maximum") {
			maxV = hi
		}
		o.Set("Average", avg).Set("Sum", sumV).Set("Maximum", maxV).Set("Minimum", minV).Set("Property", nilIfEmpty(prop))
		return c.out(o)
	}
	if len(props) == 0 {
		return emit("", items)
	}
	for _, p := range props {
		name := ToString(p)
		var values []Value
		for _, it := range items {
			v, err := c.in.getMember(it, name)
			if err != nil {
				return err
			}
			values = append(values, v)
		}
		if err := emit(name, values); err != nil {
			return err
		}
	}
	return nil
}

func nilIfEmpty(s string) Value {
	if s == "" {
		return nil
	}
	return s
}

func groupEnd(c *bcall) error {
	items := c.items()
	props := AsSlice(c.get("Property"))
	type grp struct {
		name   string
		values []Value
		items  []Value
	}
	var groups []*grp
	for _, it := range items {
		var keyVals []Value
		for _, p := range props {
			var kv Value
			var err error
			if sb, ok := p.(*scriptBlock); ok {
				kv, err = c.in.invokeScriptBlockValue(c.sc, sb, nil, it, true, false)
			} else {
				kv, err = c.in.getMember(it, ToString(p))
			}
			if err != nil {
				return err
			}
			keyVals = append(keyVals, kv)
		}
		if len(props) == 0 {
			keyVals = []Value{it}
		}
		parts := make([]string, len(keyVals))
		for i, kv := range keyVals {
			parts[i] = ToString(kv)
		}
		name := strings.Join(parts, ", ")
		var g *grp
		for _, existing := range groups {
			if (c.flag("CaseSensitive") && existing.name == name) || (!c.flag("CaseSensitive") && strings.EqualFold(existing.name, name)) {
				g = existing
			}
		}
		if g == nil {
			g = &grp{name: name, values: keyVals}
			groups = append(groups, g)
		}
		g.items = append(g.items, it)
	}
	if c.flag("AsHashTable") {
		h := NewHashtable()
		for _, g := range groups {
			h.Set(g.name, g.items)
		}
		return c.out(h)
	}
	for _, g := range groups {
		o := NewObject("Microsoft.PowerShell.Commands.GroupInfo")
		o.Set("Count", len(g.items)).Set("Name", g.name).Set("Group", g.items).Set("Values", g.values)
		if err := c.out(o); err != nil {
			return err
		}
	}
	return nil
}

func newObjectCmd(c *bcall) error {
	tn := c.str("TypeName")
	args := AsSlice(c.get("ArgumentList"))
	var obj Value
	switch strings.ToLower(strings.TrimPrefix(strings.ToLower(tn), "system.")) {
	case "psobject", "management.automation.psobject", "pscustomobject", "object":
		o := NewObject("")
		obj = o
	default:
		t := lookupType(tn)
		if t == nil {
			rec := &ErrorRecord{Message: fmt.Sprintf("Cannot find type [%s]: verify that the assembly containing this type is loaded.", tn), ExceptionType: "System.Management.Automation.PSArgumentException", FullyQualifiedErrorID: "TypeNotFound,Microsoft.PowerShell.Commands.NewObjectCommand", Category: "InvalidType", Command: "New-Object", activity: "New-Object", pos: c.ext}
			return &psError{rec: rec}
		}
		v, err := c.in.construct(t, args)
		if err != nil {
			return c.in.failAt(c.elem, wrapMethodError(".ctor", len(args), err))
		}
		obj = v
	}
	if props, ok := c.get("Property").(*Hashtable); ok {
		for _, k := range props.Keys() {
			pv, _ := props.Get(k)
			switch o := obj.(type) {
			case *Object:
				o.Set(k, pv)
			default:
				if err := c.in.setMember(obj, k, pv); err != nil {
					return c.in.failAt(c.elem, err)
				}
			}
		}
	}
	return c.out(obj)
}

func addMemberCmd(c *bcall) error {
	target := c.get("InputObject")
	o, ok := target.(*Object)
	if !ok {
		if h, isHash := target.(*Hashtable); isHash {
			name := c.str("NotePropertyName")
			if name == "" {
				name = c.str("Name")
			}
			val := c.get("NotePropertyValue")
			if !c.has("NotePropertyValue") {
				val = c.get("Value")
			}
			h.Set(name, val)
			if c.flag("PassThru") {
				return c.out(h)
			}
			return nil
		}
		rec := &ErrorRecord{Message: "Add-Member supports only PSCustomObject and hashtable input in the lab farm.", ExceptionType: "System.InvalidOperationException", FullyQualifiedErrorID: "CannotAddMember,Microsoft.PowerShell.Commands.AddMemberCommand", Category: "InvalidOperation"}
		return c.writeError(rec)
	}
	set := func(name string, val Value) error {
		if _, exists := o.Get(name); exists && !c.flag("Force") {
			rec := &ErrorRecord{Message: fmt.Sprintf("Cannot add a member with the name \"%s\" because a member with that name already exists. To overwrite the member anyway, add the Force parameter to your command.", name), ExceptionType: "System.InvalidOperationException", FullyQualifiedErrorID: "MemberAlreadyExists,Microsoft.PowerShell.Commands.AddMemberCommand", Category: "InvalidOperation"}
			return c.writeError(rec)
		}
		o.Set(name, val)
		return nil
	}
	switch {
	case c.has("NotePropertyMembers"):
		if h, ok := c.get("NotePropertyMembers").(*Hashtable); ok {
			for _, k := range h.Keys() {
				hv, _ := h.Get(k)
				if err := set(k, hv); err != nil {
					return err
				}
			}
		}
	case c.has("NotePropertyName"):
		if err := set(c.str("NotePropertyName"), c.get("NotePropertyValue")); err != nil {
			return err
		}
	default:
		if err := set(c.str("Name"), c.get("Value")); err != nil {
			return err
		}
	}
	if c.flag("PassThru") {
		return c.out(o)
	}
	return nil
}
