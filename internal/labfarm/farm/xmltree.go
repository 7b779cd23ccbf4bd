package farm

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Element is a minimal, namespace-aware XML element tree: enough to hold a
// published topology document, edit it and write it back the way
// System.Xml.Linq.XElement.ToString() does (indented, default namespace
// declarations only where the namespace changes).
//
// encoding/xml's Marshal cannot reproduce the real document's namespace
// layout (it invents prefixes), so the farm keeps the document as this tree:
// whatever an administrator or the provider publishes (extra elements,
// unknown attributes) survives a round trip. Comments, processing
// instructions and whitespace between elements are not kept.
type Element struct {
	// Name.Space is the namespace URI, never a prefix.
	Name xml.Name
	// Attrs holds the attributes without the namespace declarations, which
	// the writer derives.
	Attrs []xml.Attr
	// Children are the child elements in document order.
	Children []*Element
	// Text is the character data of an element that has no child elements.
	Text string
}

// NewElement returns an element with the given namespace and attributes,
// given as name/value pairs.
func NewElement(space, local string, attrs ...string) *Element {
	e := &Element{Name: xml.Name{Space: space, Local: local}}
	for i := 0; i+1 < len(attrs); i += 2 {
		e.SetAttr(attrs[i], attrs[i+1])
	}
	return e
}

// Add appends children and returns the element, for chaining.
func (e *Element) Add(children ...*Element) *Element {
	e.Children = append(e.Children, children...)
	return e
}

// Attr returns the value of an unqualified attribute; the lookup is
// case-sensitive like XML.
func (e *Element) Attr(local string) (string, bool) {
	for _, a := range e.Attrs {
		if a.Name.Space == "" && a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

// AttrOr returns the attribute's value or def when it is absent.
func (e *Element) AttrOr(local, def string) string {
	if v, ok := e.Attr(local); ok {
		return v
	}
	return def
}

// SetAttr adds or replaces an unqualified attribute.
func (e *Element) SetAttr(local, value string) {
	for i, a := range e.Attrs {
		if a.Name.Space == "" && a.Name.Local == local {
			e.Attrs[i].Value = value
			return
		}
	}
	e.Attrs = append(e.Attrs, xml.Attr{Name: xml.Name{Local: local}, Value: value})
}

// RemoveAttr removes an unqualified attribute if present.
func (e *Element) RemoveAttr(local string) {
	for i, a := range e.Attrs {
		if a.Name.Space == "" && a.Name.Local == local {
			e.Attrs = append(e.Attrs[:i], e.Attrs[i+1:]...)
			return
		}
	}
}

// Child returns the first child with the given local name in the given
// namespace, or nil.
func (e *Element) Child(space, local string) *Element {
	for _, c := range e.Children {
		if c.Name.Space == space && c.Name.Local == local {
			return c
		}
	}
	return nil
}

// All returns the children with the given local name in the given namespace.
func (e *Element) All(space, local string) []*Element {
	var out []*Element
	for _, c := range e.Children {
		if c.Name.Space == space && c.Name.Local == local {
			out = append(out, c)
		}
	}
	return out
}

// RemoveChild removes a child element by identity.
func (e *Element) RemoveChild(child *Element) {
	for i, c := range e.Children {
		if c == child {
			e.Children = append(e.Children[:i], e.Children[i+1:]...)
			return
		}
	}
}

// InsertBefore inserts child before the first existing child with the given
// local name in the given namespace, or appends it when there is none.
func (e *Element) InsertBefore(child *Element, space, local string) {
	for i, c := range e.Children {
		if c.Name.Space == space && c.Name.Local == local {
			e.Children = append(e.Children[:i], append([]*Element{child}, e.Children[i:]...)...)
			return
		}
	}
	e.Children = append(e.Children, child)
}

// Clone returns a deep copy.
func (e *Element) Clone() *Element {
	c := &Element{Name: e.Name, Text: e.Text}
	c.Attrs = append([]xml.Attr(nil), e.Attrs...)
	for _, ch := range e.Children {
		c.Children = append(c.Children, ch.Clone())
	}
	return c
}

// ParseXML parses one XML document into an element tree. It accepts an XML
// declaration whatever encoding it names (the text is already decoded, as a
// .NET string is), and rejects DTDs and trailing content.
func ParseXML(text string) (*Element, error) {
	dec := xml.NewDecoder(strings.NewReader(strings.TrimPrefix(text, "\ufeff")))
	dec.Strict = true
	dec.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	var root *Element
	var stack []*Element
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("the document is not well-formed XML: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if root != nil && len(stack) == 0 {
				return nil, errors.New("the document is not well-formed XML: more than one root element")
			}
			el := &Element{Name: t.Name}
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
					continue
				}
				el.Attrs = append(el.Attrs, a)
			}
			if len(stack) > 0 {
				parent := stack[len(stack)-1]
				parent.Children = append(parent.Children, el)
				parent.Text = ""
			} else {
				root = el
			}
			stack = append(stack, el)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 0 {
				if len(bytes.TrimSpace(t)) > 0 {
					return nil, errors.New("the document is not well-formed XML: text outside the root element")
				}
				continue
			}
			top := stack[len(stack)-1]
			if len(top.Children) == 0 {
				top.Text += string(t)
			}
		case xml.Directive:
			return nil, errors.New("the document is not well-formed XML: DTDs are not allowed")
		}
	}
	if root == nil {
		return nil, errors.New("the document is not well-formed XML: there is no root element")
	}
	trimText(root)
	return root, nil
}

// trimText drops whitespace-only text, which is indentation.
func trimText(e *Element) {
	if strings.TrimSpace(e.Text) == "" {
		e.Text = ""
	}
	for _, c := range e.Children {
		trimText(c)
	}
}

// String writes the element the way XElement.ToString() does: indented by
// two spaces, no XML declaration.
func (e *Element) String() string {
	var b strings.Builder
	e.write(&b, "", 0)
	return b.String()
}

func (e *Element) write(b *strings.Builder, parentSpace string, depth int) {
	if depth > 0 {
		b.WriteString("\n")
	}
	b.WriteString(strings.Repeat("  ", depth))
	b.WriteString("<")
	b.WriteString(e.Name.Local)
	if e.Name.Space != parentSpace {
		fmt.Fprintf(b, ` xmlns="%s"`, escapeAttr(e.Name.Space))
	}
	prefixes := map[string]string{}
	for _, a := range e.Attrs {
		name := a.Name.Local
		switch a.Name.Space {
		case "":
		case "xml", "http://www.w3.org/XML/1998/namespace":
			name = "xml:" + a.Name.Local
		default:
			p, ok := prefixes[a.Name.Space]
			if !ok {
				p = fmt.Sprintf("p%d", len(prefixes)+1)
				prefixes[a.Name.Space] = p
				fmt.Fprintf(b, ` xmlns:%s="%s"`, p, escapeAttr(a.Name.Space))
			}
			name = p + ":" + a.Name.Local
		}
		fmt.Fprintf(b, ` %s="%s"`, name, escapeAttr(a.Value))
	}
	switch {
	case len(e.Children) > 0:
		b.WriteString(">")
		for _, c := range e.Children {
			c.write(b, e.Name.Space, depth+1)
		}
		b.WriteString("\n")
		b.WriteString(strings.Repeat("  ", depth))
		fmt.Fprintf(b, "</%s>", e.Name.Local)
	case e.Text != "":
		b.WriteString(">")
		var esc bytes.Buffer
		_ = xml.EscapeText(&esc, []byte(e.Text))
		b.Write(esc.Bytes())
		fmt.Fprintf(b, "</%s>", e.Name.Local)
	default:
		b.WriteString(" />")
	}
}

func escapeAttr(s string) string {
	var esc bytes.Buffer
	_ = xml.EscapeText(&esc, []byte(s)) // escapes quotes as &#34;
	return esc.String()
}
