package ps

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// A small System.Xml DOM: what [xml] gives a script. It is built from
// encoding/xml raw tokens so that prefixes and namespace declarations survive
// a load/edit/OuterXml round trip (the topology document nests a second
// default namespace). Insignificant whitespace is dropped, as XmlDocument
// does with PreserveWhitespace = false.

type xmlNodeKind uint8

const (
	xmlDocumentNode xmlNodeKind = iota
	xmlElementNode
	xmlAttributeNode
	xmlTextNode
	xmlCDataNode
	xmlCommentNode
	xmlDeclNode
	xmlPINode
)

type xmlNode struct {
	kind     xmlNodeKind
	prefix   string
	local    string
	ns       string // namespace URI
	value    string // text, attribute value, comment, PI data
	attrs    []*xmlNode
	children []*xmlNode
	parent   *xmlNode // parent node; owner element for attributes
	doc      *xmlNode
}

// xmlNodeList is System.Xml.XmlNodeList (SelectNodes, ChildNodes).
type xmlNodeList struct{ nodes []*xmlNode }

func (l *xmlNodeList) values() []Value {
	out := make([]Value, len(l.nodes))
	for i, n := range l.nodes {
		out[i] = n
	}
	return out
}

func newXMLDocument() *xmlNode {
	d := &xmlNode{kind: xmlDocumentNode}
	d.doc = d
	return d
}

func (n *xmlNode) qname() string {
	if n.prefix != "" {
		return n.prefix + ":" + n.local
	}
	return n.local
}

func (n *xmlNode) localName() string {
	switch n.kind {
	case xmlDocumentNode:
		return "#document"
	case xmlTextNode:
		return "#text"
	case xmlCDataNode:
		return "#cdata-section"
	case xmlCommentNode:
		return "#comment"
	case xmlDeclNode:
		return "xml"
	}
	return n.local
}

func (n *xmlNode) name() string {
	switch n.kind {
	case xmlElementNode, xmlAttributeNode, xmlPINode:
		return n.qname()
	}
	return n.localName()
}

func (n *xmlNode) documentElement() *xmlNode {
	for _, c := range n.children {
		if c.kind == xmlElementNode {
			return c
		}
	}
	return nil
}

func (n *xmlNode) nodeType() string {
	return [...]string{"Document", "Element", "Attribute", "Text", "CDATA", "Comment", "XmlDeclaration", "ProcessingInstruction"}[n.kind]
}

func (n *xmlNode) dotnetString() string {
	return typeOf(n).fullName
}

// ---- parsing ----

type xmlParseError struct{ msg string }

func (e *xmlParseError) Error() string { return e.msg }

// parseXMLDocument parses text into an XmlDocument.
func parseXMLDocument(text string) (*xmlNode, error) {
	doc := newXMLDocument()
	if err := doc.loadInto(text, nil); err != nil {
		return nil, err
	}
	if doc.documentElement() == nil {
		return nil, &xmlParseError{"Root element is missing."}
	}
	return doc, nil
}

// loadInto parses XML and appends the nodes to n (a document, or an element
// for InnerXml). scopeNS gives the namespaces in scope at n.
func (n *xmlNode) loadInto(text string, scopeNS map[string]string) error {
	trimmed := strings.TrimLeft(strings.TrimPrefix(text, "\ufeff"), " \t\r\n")
	if n.kind == xmlDocumentNode && !strings.HasPrefix(trimmed, "<") {
		return &xmlParseError{"Data at the root level is invalid. Line 1, position 1."}
	}
	dec := xml.NewDecoder(strings.NewReader(text))
	dec.Strict = true
	dec.AutoClose = nil
	type frame struct {
		node *xmlNode
		ns   map[string]string
	}
	base := map[string]string{"xml": "http://www.w3.org/XML/1998/namespace"}
	for k, v := range scopeNS {
		base[k] = v
	}
	stack := []frame{{node: n, ns: base}}
	roots := 0
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return &xmlParseError{fmt.Sprintf("%s Line %d.", capitalize(se.Msg), se.Line)}
			}
			return &xmlParseError{err.Error()}
		}
		top := stack[len(stack)-1]
		switch t := tok.(type) {
		case xml.StartElement:
			if top.node == n && n.kind == xmlDocumentNode {
				roots++
				if roots > 1 {
					return &xmlParseError{"There are multiple root elements."}
				}
			}
			scope := top.ns
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
					scope = copyNS(scope)
					if a.Name.Space == "xmlns" {
						scope[a.Name.Local] = a.Value
					} else {
						scope[""] = a.Value
					}
				}
			}
			el := &xmlNode{kind: xmlElementNode, prefix: t.Name.Space, local: t.Name.Local, doc: n.doc, parent: top.node}
			el.ns = scope[t.Name.Space]
			if t.Name.Space != "" {
				uri, ok := scope[t.Name.Space]
				if !ok {
					return &xmlParseError{fmt.Sprintf("'%s' is an undeclared prefix.", t.Name.Space)}
				}
				el.ns = uri
			}
			for _, a := range t.Attr {
				at := &xmlNode{kind: xmlAttributeNode, prefix: a.Name.Space, local: a.Name.Local, value: a.Value, parent: el, doc: n.doc}
				switch {
				case a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns"):
					at.ns = "http://www.w3.org/2000/xmlns/"
				case a.Name.Space != "":
					at.ns = scope[a.Name.Space]
				}
				el.attrs = append(el.attrs, at)
			}
			top.node.children = append(top.node.children, el)
			stack = append(stack, frame{node: el, ns: scope})
		case xml.EndElement:
			if len(stack) < 2 || stack[len(stack)-1].node.qname() != qualified(t.Name) {
				return &xmlParseError{fmt.Sprintf("The '%s' start tag does not match the end tag of '%s'.", stack[len(stack)-1].node.qname(), qualified(t.Name))}
			}
			stack = stack[:len(stack)-1]
		case xml.CharData:
			s := string(t)
			if strings.TrimSpace(s) == "" {
				continue
			}
			if top.node.kind == xmlDocumentNode {
				return &xmlParseError{"Data at the root level is invalid. Line 1, position 1."}
			}
			top.node.children = append(top.node.children, &xmlNode{kind: xmlTextNode, value: s, parent: top.node, doc: n.doc})
		case xml.Comment:
			top.node.children = append(top.node.children, &xmlNode{kind: xmlCommentNode, value: string(t), parent: top.node, doc: n.doc})
		case xml.ProcInst:
			if t.Target == "xml" {
				top.node.children = append(top.node.children, &xmlNode{kind: xmlDeclNode, local: "xml", value: strings.TrimSpace(string(t.Inst)), parent: top.node, doc: n.doc})
			} else {
				top.node.children = append(top.node.children, &xmlNode{kind: xmlPINode, local: t.Target, value: string(t.Inst), parent: top.node, doc: n.doc})
			}
		}
	}
	if len(stack) > 1 {
		var open []string
		for _, f := range stack[1:] {
			open = append(open, f.node.qname())
		}
		return &xmlParseError{fmt.Sprintf("Unexpected end of file has occurred. The following elements are not closed: %s.", strings.Join(open, ", "))}
	}
	return nil
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

func qualified(n xml.Name) string {
	if n.Space != "" {
		return n.Space + ":" + n.Local
	}
	return n.Local
}

func copyNS(m map[string]string) map[string]string {
	c := make(map[string]string, len(m)+1)
	for k, v := range m {
		c[k] = v
	}
	return c
}

// ---- serialisation ----

func escapeXMLText(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	return r.Replace(s)
}

func escapeXMLAttr(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "\n", "&#xA;", "\r", "&#xD;", "\t", "&#x9;")
	return r.Replace(s)
}

// inScopeNS returns the namespace declarations in scope at n (from its
// ancestors' xmlns attributes).
func (n *xmlNode) inScopeNS() map[string]string {
	var chain []*xmlNode
	for p := n; p != nil && p.kind == xmlElementNode; p = p.parent {
		chain = append(chain, p)
	}
	ns := map[string]string{"": ""}
	for i := len(chain) - 1; i >= 0; i-- {
		for _, a := range chain[i].attrs {
			if a.prefix == "xmlns" {
				ns[a.local] = a.value
			} else if a.prefix == "" && a.local == "xmlns" {
				ns[""] = a.value
			}
		}
	}
	return ns
}

func (n *xmlNode) outerXML() string {
	var b strings.Builder
	var scope map[string]string
	if n.kind == xmlElementNode && n.parent != nil {
		scope = n.parent.inScopeNS()
	} else {
		scope = map[string]string{"": ""}
	}
	n.write(&b, scope)
	return b.String()
}

func (n *xmlNode) innerXML() string {
	var b strings.Builder
	scope := map[string]string{"": ""}
	if n.kind == xmlElementNode {
		scope = n.inScopeNS()
	}
	for _, c := range n.children {
		c.write(&b, scope)
	}
	return b.String()
}

func (n *xmlNode) write(b *strings.Builder, scope map[string]string) {
	switch n.kind {
	case xmlDocumentNode:
		for _, c := range n.children {
			c.write(b, scope)
		}
	case xmlDeclNode:
		b.WriteString("<?xml " + n.value + "?>")
	case xmlPINode:
		b.WriteString("<?" + n.local + " " + n.value + "?>")
	case xmlCommentNode:
		b.WriteString("<!--" + n.value + "-->")
	case xmlTextNode:
		b.WriteString(escapeXMLText(n.value))
	case xmlCDataNode:
		b.WriteString("<![CDATA[" + n.value + "]]>")
	case xmlAttributeNode:
		b.WriteString(n.qname() + `="` + escapeXMLAttr(n.value) + `"`)
	case xmlElementNode:
		inner := scope
		declared := map[string]bool{}
		for _, a := range n.attrs {
			if a.prefix == "xmlns" {
				declared[a.local] = true
				inner = withNS(inner, a.local, a.value)
			} else if a.prefix == "" && a.local == "xmlns" {
				declared[""] = true
				inner = withNS(inner, "", a.value)
			}
		}
		b.WriteString("<" + n.qname())
		// Declare the element's namespace if it is not in scope (elements
		// created with CreateElement(name, ns) or moved between documents).
		if !declared[n.prefix] && inner[n.prefix] != n.ns {
			if n.prefix == "" {
				b.WriteString(` xmlns="` + escapeXMLAttr(n.ns) + `"`)
			} else {
				b.WriteString(` xmlns:` + n.prefix + `="` + escapeXMLAttr(n.ns) + `"`)
			}
			inner = withNS(inner, n.prefix, n.ns)
		}
		for _, a := range n.attrs {
			b.WriteString(" ")
			a.write(b, inner)
		}
		if len(n.children) == 0 {
			b.WriteString(" />")
			return
		}
		b.WriteString(">")
		for _, c := range n.children {
			c.write(b, inner)
		}
		b.WriteString("</" + n.qname() + ">")
	}
}

func withNS(m map[string]string, prefix, uri string) map[string]string {
	c := copyNS(m)
	c[prefix] = uri
	return c
}

func (n *xmlNode) innerText() string {
	switch n.kind {
	case xmlTextNode, xmlCDataNode, xmlAttributeNode, xmlCommentNode, xmlDeclNode, xmlPINode:
		return n.value
	}
	var b strings.Builder
	var walk func(*xmlNode)
	walk = func(x *xmlNode) {
		for _, c := range x.children {
			switch c.kind {
			case xmlTextNode, xmlCDataNode:
				b.WriteString(c.value)
			case xmlElementNode:
				walk(c)
			}
		}
	}
	walk(n)
	return b.String()
}

func (n *xmlNode) setInnerText(s string) {
	if n.kind != xmlElementNode {
		n.value = s
		return
	}
	n.children = nil
	if s != "" {
		n.children = []*xmlNode{{kind: xmlTextNode, value: s, parent: n, doc: n.doc}}
	}
}

// ---- PowerShell's XML adapter ----

// simpleText reports whether PowerShell shows an element as a string: no
// attributes and only text (or nothing) inside.
func (n *xmlNode) simpleText() (string, bool) {
	if n.kind != xmlElementNode || len(n.attrs) > 0 {
		return "", false
	}
	for _, c := range n.children {
		if c.kind != xmlTextNode && c.kind != xmlCDataNode {
			return "", false
		}
	}
	return n.innerText(), true
}

func (n *xmlNode) attr(name string) *xmlNode {
	for _, a := range n.attrs {
		if strings.EqualFold(a.qname(), name) || (a.prefix == "" && strings.EqualFold(a.local, name)) {
			return a
		}
	}
	return nil
}

func (n *xmlNode) childElements(name string) []*xmlNode {
	var out []*xmlNode
	for _, c := range n.children {
		if c.kind == xmlElementNode && (strings.EqualFold(c.local, name) || strings.EqualFold(c.qname(), name)) {
			out = append(out, c)
		}
	}
	return out
}

func (n *xmlNode) childByName(name string) Value {
	for _, c := range n.children {
		if c.kind == xmlElementNode && strings.EqualFold(c.qname(), name) {
			return c
		}
	}
	return nil
}

// adaptedNames lists the properties PowerShell's adapter shows: attributes,
// then child element names (once each), then #text.
func (n *xmlNode) adaptedNames() []string {
	var names []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[strings.ToLower(s)] {
			seen[strings.ToLower(s)] = true
			names = append(names, s)
		}
	}
	for _, a := range n.attrs {
		add(a.qname())
	}
	hasText := false
	for _, c := range n.children {
		switch c.kind {
		case xmlElementNode:
			add(c.local)
		case xmlDeclNode:
			add("xml")
		case xmlTextNode, xmlCDataNode:
			hasText = true
		}
	}
	if hasText {
		add("#text")
	}
	return names
}

// elementValue is what the adapter returns for child elements: a string for
// simple ones, the element otherwise; several become an array.
func elementValue(els []*xmlNode) Value {
	vals := make([]Value, len(els))
	for i, e := range els {
		if s, ok := e.simpleText(); ok {
			vals[i] = s
		} else {
			vals[i] = e
		}
	}
	if len(vals) == 1 {
		return vals[0]
	}
	return vals
}

func (n *xmlNode) getProperty(name string) Value {
	ln := strings.ToLower(name)
	switch n.kind {
	case xmlElementNode, xmlDocumentNode:
		if n.kind == xmlElementNode {
			if a := n.attr(name); a != nil {
				return a.value
			}
		}
		if els := n.childElements(name); len(els) > 0 {
			return elementValue(els)
		}
		if ln == "#text" {
			var parts []string
			for _, c := range n.children {
				if c.kind == xmlTextNode || c.kind == xmlCDataNode {
					parts = append(parts, c.value)
				}
			}
			if len(parts) == 0 {
				return nil
			}
			return strings.Join(parts, "")
		}
		if n.kind == xmlDocumentNode && ln == "xml" {
			for _, c := range n.children {
				if c.kind == xmlDeclNode {
					return c.value
				}
			}
		}
	}
	switch ln {
	case "name":
		return n.name()
	case "localname":
		return n.localName()
	case "namespaceuri":
		return n.ns
	case "prefix":
		return n.prefix
	case "outerxml":
		return n.outerXML()
	case "innerxml":
		if n.kind == xmlAttributeNode {
			return escapeXMLAttr(n.value)
		}
		return n.innerXML()
	case "innertext":
		return n.innerText()
	case "value", "#text", "data":
		switch n.kind {
		case xmlElementNode, xmlDocumentNode:
			return nil
		}
		return n.value
	case "parentnode":
		if n.kind == xmlAttributeNode || n.parent == nil {
			return nil
		}
		return n.parent
	case "ownerelement":
		if n.kind == xmlAttributeNode {
			return n.parent
		}
		return nil
	case "childnodes":
		return &xmlNodeList{nodes: append([]*xmlNode(nil), n.children...)}
	case "attributes":
		if n.kind != xmlElementNode {
			return nil
		}
		return &xmlNodeList{nodes: append([]*xmlNode(nil), n.attrs...)}
	case "firstchild":
		if len(n.children) > 0 {
			return n.children[0]
		}
		return nil
	case "lastchild":
		if len(n.children) > 0 {
			return n.children[len(n.children)-1]
		}
		return nil
	case "nextsibling", "previoussibling", "nextelementsibling":
		if n.parent == nil || n.kind == xmlAttributeNode {
			return nil
		}
		sib := n.parent.children
		for i, c := range sib {
			if c == n {
				if ln == "previoussibling" && i > 0 {
					return sib[i-1]
				}
				if ln != "previoussibling" && i+1 < len(sib) {
					return sib[i+1]
				}
			}
		}
		return nil
	case "ownerdocument":
		if n.kind == xmlDocumentNode {
			return nil
		}
		return n.doc
	case "documentelement":
		if n.kind == xmlDocumentNode {
			if de := n.documentElement(); de != nil {
				return de
			}
		}
		return nil
	case "hasattributes":
		return len(n.attrs) > 0
	case "haschildnodes":
		return len(n.children) > 0
	case "isempty":
		return n.kind == xmlElementNode && len(n.children) == 0
	case "nodetype":
		return n.nodeType()
	case "preservewhitespace":
		return false
	case "nametable":
		return &nsManager{prefixes: map[string]string{}}
	case "count", "length":
		return 1
	}
	return nil
}

func (n *xmlNode) setProperty(name string, val Value) error {
	s, isStr := val.(string)
	ln := strings.ToLower(name)
	if n.kind == xmlElementNode {
		if a := n.attr(name); a != nil {
			if !isStr {
				return xmlSetError(name)
			}
			a.value = s
			return nil
		}
		if els := n.childElements(name); len(els) == 1 {
			if !isStr {
				return xmlSetError(name)
			}
			els[0].setInnerText(s)
			return nil
		}
	}
	switch ln {
	case "innertext", "value", "#text":
		if val == nil {
			s = ""
		} else {
			s = ToString(val)
		}
		if n.kind == xmlElementNode || n.kind == xmlDocumentNode {
			if ln == "value" {
				return netErr("System.InvalidOperationException", "Cannot set a value on node type 'Element'.")
			}
			n.setInnerText(s)
			return nil
		}
		n.value = s
		return nil
	case "innerxml":
		if n.kind != xmlElementNode {
			return propertyNotFound(name)
		}
		old := n.children
		n.children = nil
		if err := n.loadInto(ToString(val), n.inScopeNS()); err != nil {
			n.children = old
			return netErr("System.Xml.XmlException", err.Error())
		}
		for _, c := range n.children {
			c.parent = n
		}
		return nil
	case "prefix":
		n.prefix = ToString(val)
		return nil
	}
	return propertyNotFound(name)
}

func xmlSetError(name string) error {
	rec := rtError("InvalidOperation", "RuntimeException", fmt.Sprintf("Cannot set \"%s\" because only strings can be used as values to set XmlNode properties.", name))
	rec.FullyQualifiedErrorID = "ExceptionWhenSetting"
	return rec
}

// ---- methods ----

func (n *xmlNode) clone(deep bool, doc *xmlNode) *xmlNode {
	c := &xmlNode{kind: n.kind, prefix: n.prefix, local: n.local, ns: n.ns, value: n.value, doc: doc}
	for _, a := range n.attrs {
		ac := a.clone(false, doc)
		ac.parent = c
		c.attrs = append(c.attrs, ac)
	}
	if deep {
		for _, ch := range n.children {
			cc := ch.clone(true, doc)
			cc.parent = c
			c.children = append(c.children, cc)
		}
	}
	return c
}

func (n *xmlNode) detach() {
	if n.parent == nil || n.kind == xmlAttributeNode {
		return
	}
	p := n.parent
	for i, c := range p.children {
		if c == n {
			p.children = append(p.children[:i], p.children[i+1:]...)
			break
		}
	}
	n.parent = nil
}

func (n *xmlNode) indexOf(child *xmlNode) int {
	for i, c := range n.children {
		if c == child {
			return i
		}
	}
	return -1
}

func (n *xmlNode) insertAt(child *xmlNode, i int) error {
	intoOwnDocument := n.kind == xmlDocumentNode && child.doc == n
	if child.doc != n.doc && !intoOwnDocument {
		return netErr("System.ArgumentException", "The node to be inserted is from a different document context.")
	}
	for p := n; p != nil; p = p.parent {
		if p == child {
			return netErr("System.InvalidOperationException", "The new child element is an ancestor of the current node.")
		}
	}
	if n.kind == xmlDocumentNode && child.kind == xmlElementNode && n.documentElement() != nil && n.documentElement() != child {
		return netErr("System.InvalidOperationException", "This document already has a 'DocumentElement' node.")
	}
	child.detach()
	if i < 0 || i > len(n.children) {
		i = len(n.children)
	}
	n.children = append(n.children[:i], append([]*xmlNode{child}, n.children[i:]...)...)
	child.parent = n
	return nil
}

func nodeArg(args []Value, i int) (*xmlNode, bool) {
	if i >= len(args) {
		return nil, false
	}
	n, ok := args[i].(*xmlNode)
	return n, ok
}

func (in *interp) xmlMethod(n *xmlNode, ln, name string, args []Value) (Value, error) {
	argc := len(args)
	switch ln {
	case "getattribute":
		if argc >= 1 && n.kind == xmlElementNode {
			a := n.attrByName(ToString(args[0]), namespaceArg(args), argc == 2)
			if a == nil {
				return "", nil
			}
			return a.value, nil
		}
	case "getattributenode":
		if argc >= 1 && n.kind == xmlElementNode {
			if a := n.attrByName(ToString(args[0]), namespaceArg(args), argc == 2); a != nil {
				return a, nil
			}
			return nil, nil
		}
	case "hasattribute":
		if argc >= 1 && n.kind == xmlElementNode {
			return n.attrByName(ToString(args[0]), namespaceArg(args), argc == 2) != nil, nil
		}
	case "setattribute":
		if (argc == 2 || argc == 3) && n.kind == xmlElementNode {
			qn := ToString(args[0])
			val := ToString(args[argc-1])
			ns := ""
			if argc == 3 {
				ns = ToString(args[1])
			}
			if a := n.attrByName(qn, ns, argc == 3); a != nil {
				a.value = val
			} else {
				prefix, local := splitQName(qn)
				at := &xmlNode{kind: xmlAttributeNode, prefix: prefix, local: local, ns: ns, value: val, parent: n, doc: n.doc}
				n.attrs = append(n.attrs, at)
			}
			if argc == 3 {
				return val, nil
			}
			return nil, nil
		}
	case "removeattribute":
		if argc >= 1 && n.kind == xmlElementNode {
			a := n.attrByName(ToString(args[0]), namespaceArg(args), argc == 2)
			for i, x := range n.attrs {
				if x == a {
					n.attrs = append(n.attrs[:i], n.attrs[i+1:]...)
					break
				}
			}
			return nil, nil
		}
	case "removeallattributes":
		n.attrs = nil
		return nil, nil
	case "setattributenode":
		if a, ok := nodeArg(args, 0); ok && a.kind == xmlAttributeNode && n.kind == xmlElementNode {
			if old := n.attrByName(a.qname(), a.ns, false); old != nil {
				old.value = a.value
				return old, nil
			}
			a.parent = n
			n.attrs = append(n.attrs, a)
			return nil, nil
		}
	case "appendchild", "prependchild":
		if c, ok := nodeArg(args, 0); ok && argc == 1 {
			if c.kind == xmlAttributeNode {
				return nil, netErr("System.InvalidOperationException", "The specified node cannot be inserted as the valid child of this node, because the specified node is the wrong type.")
			}
			pos := -1
			if ln == "prependchild" {
				pos = 0
			}
			if err := n.insertAt(c, pos); err != nil {
				return nil, err
			}
			return c, nil
		}
	case "insertbefore", "insertafter":
		if c, ok := nodeArg(args, 0); ok && argc == 2 {
			ref, _ := nodeArg(args, 1)
			pos := len(n.children)
			if ref != nil {
				i := n.indexOf(ref)
				if i < 0 {
					return nil, netErr("System.ArgumentException", "The reference node is not a child of this node.")
				}
				pos = i
				if ln == "insertafter" {
					pos = i + 1
				}
			} else if ln == "insertafter" {
				pos = 0
			}
			if c.parent == n && n.indexOf(c) < pos {
				pos--
			}
			if err := n.insertAt(c, pos); err != nil {
				return nil, err
			}
			return c, nil
		}
	case "removechild":
		if c, ok := nodeArg(args, 0); ok && argc == 1 {
			if c.parent != n || n.indexOf(c) < 0 {
				return nil, netErr("System.ArgumentException", "The node to be removed is not a child of this node.")
			}
			c.detach()
			return c, nil
		}
	case "replacechild":
		if nc, ok := nodeArg(args, 0); ok && argc == 2 {
			old, _ := nodeArg(args, 1)
			i := n.indexOf(old)
			if old == nil || i < 0 {
				return nil, netErr("System.ArgumentException", "The node to be removed is not a child of this node.")
			}
			old.detach()
			if err := n.insertAt(nc, i); err != nil {
				return nil, err
			}
			return old, nil
		}
	case "removeall":
		n.children = nil
		n.attrs = nil
		return nil, nil
	case "clonenode", "clone":
		deep := ln == "clone" || (argc == 1 && ToBool(args[0]))
		return n.clone(deep, n.doc), nil
	case "selectnodes", "selectsinglenode":
		if argc == 1 || argc == 2 {
			var nsm *nsManager
			if argc == 2 {
				nsm, _ = args[1].(*nsManager)
			}
			nodes, err := selectXPath(n, ToString(args[0]), nsm)
			if err != nil {
				return nil, err
			}
			if ln == "selectsinglenode" {
				if len(nodes) == 0 {
					return nil, nil
				}
				return nodes[0], nil
			}
			return &xmlNodeList{nodes: nodes}, nil
		}
	case "getelementsbytagname":
		if argc >= 1 {
			want := ToString(args[0])
			var out []*xmlNode
			var walk func(*xmlNode)
			walk = func(x *xmlNode) {
				for _, c := range x.children {
					if c.kind == xmlElementNode {
						if want == "*" || c.qname() == want || (argc == 2 && c.local == want && c.ns == ToString(args[1])) {
							out = append(out, c)
						}
						walk(c)
					}
				}
			}
			walk(n)
			return &xmlNodeList{nodes: out}, nil
		}
	case "normalize":
		return nil, nil
	}
	if n.kind == xmlDocumentNode {
		switch ln {
		case "createelement":
			if argc >= 1 && argc <= 3 {
				var prefix, local, ns string
				switch argc {
				case 1:
					prefix, local = splitQName(ToString(args[0]))
					if prefix != "" {
						return nil, netErr("System.ArgumentException", "Cannot use a prefix with an empty namespace.")
					}
				case 2:
					prefix, local = splitQName(ToString(args[0]))
					ns = ToString(args[1])
				case 3:
					prefix, local, ns = ToString(args[0]), ToString(args[1]), ToString(args[2])
				}
				return &xmlNode{kind: xmlElementNode, prefix: prefix, local: local, ns: ns, doc: n}, nil
			}
		case "createattribute":
			if argc >= 1 {
				prefix, local := splitQName(ToString(args[0]))
				return &xmlNode{kind: xmlAttributeNode, prefix: prefix, local: local, ns: namespaceArg(args), doc: n}, nil
			}
		case "createtextnode":
			if argc == 1 {
				return &xmlNode{kind: xmlTextNode, value: ToString(args[0]), doc: n}, nil
			}
		case "createcdatasection":
			if argc == 1 {
				return &xmlNode{kind: xmlCDataNode, value: ToString(args[0]), doc: n}, nil
			}
		case "createcomment":
			if argc == 1 {
				return &xmlNode{kind: xmlCommentNode, value: ToString(args[0]), doc: n}, nil
			}
		case "createxmldeclaration":
			if argc == 3 {
				v := `version="` + ToString(args[0]) + `"`
				if e := ToString(args[1]); e != "" {
					v += ` encoding="` + e + `"`
				}
				if s := ToString(args[2]); s != "" {
					v += ` standalone="` + s + `"`
				}
				return &xmlNode{kind: xmlDeclNode, local: "xml", value: v, doc: n}, nil
			}
		case "importnode":
			if c, ok := nodeArg(args, 0); ok && argc == 2 {
				return c.clone(ToBool(args[1]), n), nil
			}
		case "loadxml":
			if argc == 1 {
				fresh, err := parseXMLDocument(ToString(args[0]))
				if err != nil {
					return nil, netErr("System.Xml.XmlException", err.Error())
				}
				n.children = nil
				for _, c := range fresh.children {
					c.setDoc(n)
					c.parent = n
					n.children = append(n.children, c)
				}
				return nil, nil
			}
		case "save", "load":
			if argc == 1 {
				path := ToString(args[0])
				if _, isStr := args[0].(string); !isStr {
					path = typeName(args[0])
				}
				return nil, netErr("System.IO.DirectoryNotFoundException", fmt.Sprintf("Could not find a part of the path '%s'.", path))
			}
		}
	}
	return nil, methodNotFound(n, name)
}

func (n *xmlNode) setDoc(doc *xmlNode) {
	n.doc = doc
	for _, a := range n.attrs {
		a.doc = doc
	}
	for _, c := range n.children {
		c.setDoc(doc)
	}
}

func splitQName(q string) (prefix, local string) {
	if i := strings.IndexByte(q, ':'); i >= 0 {
		return q[:i], q[i+1:]
	}
	return "", q
}

// attrByName finds an attribute by qualified name, or by local name and
// namespace when byNS.
func (n *xmlNode) attrByName(name, ns string, byNS bool) *xmlNode {
	for _, a := range n.attrs {
		if byNS {
			if a.local == name && a.ns == ns {
				return a
			}
			continue
		}
		if a.qname() == name {
			return a
		}
	}
	return nil
}
