package ps

import (
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// formatter is Out-Default: it turns output objects into text the way the
// PowerShell console host does. Scalars print one per line; objects with
// fewer than five properties print as a table, others as a list; hashtables
// as a Name/Value table. Consecutive objects of the same type share one table
// header.
//
// Column widths: a new table holds its rows until its layout is fixed, so
// that every column fits the widest value of the objects available together
// (lync-dr.md §2.2: "CentralMgmt.CMSMaster  NotInitialized" under a first
// row "SteadyState"). The layout is fixed, and the held rows written, when
// the top-level statement that produced them ends (interp.execStmts), before
// any host text (Write-Host, [Console]::Write, a status report), before a
// wait on the farm clock longer than tableGroupingDelay, when another kind
// of output arrives, after maxHeldRows rows, and at the end of the script or
// of Out-String. Output therefore still streams: a slow pipeline or a
// polling loop shows each batch when it waits. Once the layout is fixed,
// later objects of the same table reuse it and a wider value is cut with
// "...", as PowerShell does. ([I]: Windows PowerShell 5 holds a table for
// 300 ms to size it; this is the same rule on the farm clock, and the
// published 2012 sample is consistent with it.)
type formatter struct {
	mu      sync.Mutex
	w       *hostStreams
	capture *strings.Builder // Out-String
	group   *fmtGroup
}

type fmtGroup struct {
	key  string
	list bool
	cols []column
	// held are the rows of a table whose layout is not fixed yet; shown
	// is set once the header has been written.
	held  [][]string
	shown bool
}

type column struct {
	name  string
	width int
	right bool
}

const hashNameWidth = 30

// tableGroupingDelay is how long Out-Default waits for more objects before
// it fixes a table's layout; a longer wait of the script renders the rows
// it holds.
const tableGroupingDelay = 300 * time.Millisecond

// maxHeldRows bounds the rows a table holds before its layout is fixed.
const maxHeldRows = 1000

func (f *formatter) emit(s string) {
	if f.capture != nil {
		f.capture.WriteString(s)
		return
	}
	f.w.writeOut(s)
}

func (f *formatter) line(s string) { f.emit(s + "\r\n") }

// interrupt is called before raw console writes: the rows held so far are
// written first, so host text keeps its place after them. PowerShell does
// not end a table when host text is written in between, and neither do we.
func (f *formatter) interrupt() { f.flush() }

// flush fixes the layout of the open table and writes its held rows; the
// table stays open for later objects of the same type.
func (f *formatter) flush() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.flushLocked()
}

func (f *formatter) flushLocked() {
	g := f.group
	if g == nil || g.list || g.shown {
		return
	}
	g.shown = true
	f.emit("\r\n")
	f.line(tableHeader(g.cols))
	f.line(tableUnderline(g.cols))
	for _, r := range g.held {
		f.line(tableRow(g.cols, r))
	}
	g.held = nil
}

// finish closes the open table or list (end of the script or of Out-String).
func (f *formatter) finish() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closeGroup()
}

func (f *formatter) closeGroup() {
	if f.group != nil {
		f.flushLocked()
		f.emit("\r\n\r\n")
		f.group = nil
	}
}

// write formats one output object.
func (f *formatter) write(v Value) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.writeLocked(v)
}

func (f *formatter) writeLocked(v Value) error {
	switch x := v.(type) {
	case nil:
		return nil
	case []Value, []byte, []string, *arrayList, *xmlNodeList:
		items, _ := enumerable(x)
		for _, it := range items {
			if err := f.writeLocked(it); err != nil {
				return err
			}
		}
		return nil
	case *formattedText:
		f.closeGroup()
		for _, l := range x.lines {
			f.line(l)
		}
		return nil
	case *ErrorRecord:
		f.closeGroup()
		for _, l := range renderError(x) {
			f.line(l)
		}
		return nil
	case *Hashtable:
		f.openFixed("hashtable", []column{{name: "Name", width: hashNameWidth}, {name: "Value"}})
		for _, k := range x.Keys() {
			val, _ := x.Get(k)
			f.line(tableRow(f.group.cols, []string{k, cellText(val)}))
		}
		return nil
	case *dictEntry:
		f.openFixed("hashtable", []column{{name: "Name", width: hashNameWidth}, {name: "Value"}})
		f.line(tableRow(f.group.cols, []string{x.key, cellText(x.value)}))
		return nil
	case string:
		f.closeGroup()
		f.line(x)
		return nil
	case XElement:
		f.closeGroup()
		f.line(x.XML)
		return nil
	case *dateTime:
		f.closeGroup()
		f.line("")
		f.line(x.format("dddd, MMMM d, yyyy h:mm:ss tt"))
		f.line("")
		return nil
	case *scriptBlock:
		f.closeGroup()
		f.line(x.String())
		return nil
	}
	names, vals, key, ok := displayProperties(v)
	if !ok {
		f.closeGroup()
		f.line(ToString(v))
		return nil
	}
	if f.group != nil && f.group.key == key {
		f.writeEntry(names, vals)
		return nil
	}
	f.closeGroup()
	if len(names) >= 5 {
		f.group = &fmtGroup{key: key, list: true}
		f.emit("\r\n")
		f.writeEntry(names, vals)
		return nil
	}
	cols := make([]column, len(names))
	for i, n := range names {
		cols[i] = column{name: n, width: utf8.RuneCountInString(n), right: isNumber(vals[i])}
	}
	f.group = &fmtGroup{key: key, cols: cols}
	f.writeEntry(names, vals)
	return nil
}

// openFixed opens a table whose column widths are fixed in advance (the
// Name/Value view of hashtables) and writes its header, unless a table with
// the same key is open.
func (f *formatter) openFixed(key string, cols []column) {
	if f.group != nil && f.group.key == key {
		return
	}
	f.closeGroup()
	f.group = &fmtGroup{key: key, cols: cols, shown: true}
	f.emit("\r\n")
	f.line(tableHeader(cols))
	f.line(tableUnderline(cols))
}

// writeEntry writes (or, while the table's layout is open, holds) one
// object of the open group.
func (f *formatter) writeEntry(names []string, vals []Value) {
	g := f.group
	if g.list {
		f.emit("\r\n")
		for _, l := range listLines(names, vals) {
			f.line(l)
		}
		return
	}
	texts := make([]string, len(g.cols))
	for i, c := range g.cols {
		for j, n := range names {
			if strings.EqualFold(n, c.name) {
				texts[i] = cellText(vals[j])
			}
		}
	}
	if g.shown {
		f.line(tableRow(g.cols, texts))
		return
	}
	for i, t := range texts {
		if l := utf8.RuneCountInString(t); l > g.cols[i].width {
			g.cols[i].width = l
		}
	}
	g.held = append(g.held, texts)
	if len(g.held) >= maxHeldRows {
		f.flushLocked()
	}
}

func isNumber(v Value) bool {
	switch v.(type) {
	case int, float64:
		return true
	}
	return false
}

func pad(s string, w int, right bool) string {
	n := utf8.RuneCountInString(s)
	if n >= w {
		return s
	}
	if right {
		return strings.Repeat(" ", w-n) + s
	}
	return s + strings.Repeat(" ", w-n)
}

func truncate(s string, w int) string {
	r := []rune(s)
	if len(r) <= w {
		return s
	}
	if w <= 3 {
		return string(r[:w])
	}
	return string(r[:w-3]) + "..."
}

func tableHeader(cols []column) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		if i == len(cols)-1 && !c.right {
			parts[i] = c.name
		} else {
			parts[i] = pad(c.name, c.width, c.right)
		}
	}
	return strings.TrimRight(strings.Join(parts, " "), " ")
}

func tableUnderline(cols []column) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		u := strings.Repeat("-", utf8.RuneCountInString(c.name))
		if i == len(cols)-1 && !c.right {
			parts[i] = u
		} else {
			parts[i] = pad(u, c.width, c.right)
		}
	}
	return strings.TrimRight(strings.Join(parts, " "), " ")
}

func tableRow(cols []column, texts []string) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		t := ""
		if i < len(texts) {
			t = texts[i]
		}
		if i == len(cols)-1 && !c.right {
			parts[i] = t
			continue
		}
		parts[i] = pad(truncate(t, c.width), c.width, c.right)
	}
	return strings.TrimRight(strings.Join(parts, " "), " ")
}

func listLines(names []string, vals []Value) []string {
	w := 0
	for _, n := range names {
		if l := utf8.RuneCountInString(n); l > w {
			w = l
		}
	}
	out := make([]string, 0, len(names))
	for i, n := range names {
		text := cellText(vals[i])
		lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
		out = append(out, pad(n, w, false)+" : "+lines[0])
		for _, l := range lines[1:] {
			out = append(out, strings.Repeat(" ", w+3)+l)
		}
	}
	return out
}

// cellText is how a property value appears in a table cell or list entry.
func cellText(v Value) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case *Hashtable:
		keys := x.Keys()
		items := make([]Value, len(keys))
		for i, k := range keys {
			items[i] = k
		}
		return enumerationText(items)
	case *xmlNode:
		if x.kind == xmlElementNode {
			if s, simple := x.simpleText(); simple {
				return s
			}
			return x.localName()
		}
		return ToString(x)
	}
	if items, ok := enumerable(v); ok {
		return enumerationText(items)
	}
	return ToString(v)
}

// enumerationText renders a collection as PowerShell does in a property
// value: {a, b, c, d...} with $FormatEnumerationLimit = 4.
func enumerationText(items []Value) string {
	var parts []string
	for i, it := range items {
		if i == 4 {
			return "{" + strings.Join(parts, ", ") + "...}"
		}
		parts = append(parts, cellText(it))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// displayProperties returns the properties Out-Default shows for an object
// and a key identifying its type (objects with the same key share a table).
func displayProperties(v Value) (names []string, vals []Value, key string, ok bool) {
	switch x := v.(type) {
	case *Object:
		names = x.Properties()
		if len(names) == 0 {
			return nil, nil, "", false
		}
		vals = make([]Value, len(names))
		for i, n := range names {
			vals[i], _ = x.Get(n)
		}
		key = "PSCustomObject"
		if len(x.TypeNames) > 0 {
			key = x.TypeNames[0]
		}
		return names, vals, key, true
	case *xmlNode:
		names = x.adaptedNames()
		if len(names) == 0 {
			return nil, nil, "", false
		}
		vals = make([]Value, len(names))
		for i, n := range names {
			vals[i] = x.getProperty(n)
		}
		return names, vals, "xml:" + x.localName(), true
	case *typeInfo:
		base := ""
		if x.t.base != "" {
			base = x.t.base
		}
		return []string{"IsPublic", "IsSerial", "Name", "BaseType"}, []Value{true, true, x.t.name(), base}, "type", true
	case *versionValue:
		return []string{"Major", "Minor", "Build", "Revision"}, []Value{x.major, x.minor, x.build, x.revision}, "version", true
	case *guidValue:
		return []string{"Guid"}, []Value{x.s}, "guid", true
	case *commandInfo:
		return []string{"CommandType", "Name", "ModuleName"}, []Value{x.commandType, x.name, x.source}, "command", true
	case *timeSpan:
		n := []string{"Days", "Hours", "Minutes", "Seconds", "Milliseconds", "Ticks", "TotalDays", "TotalHours", "TotalMinutes", "TotalSeconds", "TotalMilliseconds"}
		vals = make([]Value, len(n))
		for i, name := range n {
			vals[i] = timeSpanMember(x, strings.ToLower(name))
		}
		return n, vals, "timespan", true
	case *exceptionValue:
		return []string{"Message", "InnerException"}, []Value{x.message, x.inner}, "exception:" + x.typeName, true
	}
	return nil, nil, "", false
}

// formatExplicit renders Format-Table / Format-List output.
func formatExplicit(items []Value, props []string, list bool) []string {
	var out []string
	var cols []column
	rows := [][]string{}
	var lists [][]string
	for _, it := range items {
		names, vals, _, ok := displayProperties(it)
		if h, isHash := it.(*Hashtable); isHash {
			for _, k := range h.Keys() {
				hv, _ := h.Get(k)
				names, vals = []string{"Name", "Value"}, []Value{k, hv}
				if list {
					lists = append(lists, listLines(names, vals))
				} else {
					if cols == nil {
						cols = []column{{name: "Name", width: hashNameWidth}, {name: "Value"}}
					}
					rows = append(rows, []string{k, cellText(hv)})
				}
			}
			continue
		}
		if !ok {
			names, vals = []string{"Value"}, []Value{it}
			if !list {
				out = append(out, ToString(it))
				continue
			}
		}
		allProps := len(props) == 1 && props[0] == "*"
		if len(props) > 0 && !allProps {
			nv := make([]Value, len(props))
			for i, p := range props {
				for j, n := range names {
					if strings.EqualFold(n, p) {
						nv[i] = vals[j]
					}
				}
			}
			names, vals = props, nv
		}
		if list {
			lists = append(lists, listLines(names, vals))
			continue
		}
		texts := make([]string, len(names))
		for i := range names {
			texts[i] = cellText(vals[i])
		}
		if cols == nil {
			cols = make([]column, len(names))
			for i, n := range names {
				cols[i] = column{name: n, width: utf8.RuneCountInString(n), right: isNumber(vals[i])}
			}
		}
		for i := range cols {
			if i < len(texts) {
				if l := utf8.RuneCountInString(texts[i]); l > cols[i].width {
					cols[i].width = l
				}
			}
		}
		rows = append(rows, texts)
	}
	if list {
		out = append(out, "")
		for _, l := range lists {
			out = append(out, "")
			out = append(out, l...)
		}
		return append(out, "", "")
	}
	if cols != nil {
		out = append(out, "", tableHeader(cols), tableUnderline(cols))
		for _, r := range rows {
			out = append(out, tableRow(cols, r))
		}
		out = append(out, "", "")
	}
	return out
}
