package topology

import (
	"encoding/xml"
	"errors"
	"io"
	"strings"
)

// node is one element of the document together with the byte offsets that
// the edits need. The tree is read once and never changed: an edit is a list
// of splices applied to the original text, so everything the edit does not
// touch stays byte-identical.
type node struct {
	name     xml.Name   // namespace-resolved
	attrs    []xml.Attr // decoded values, in document order
	start    int        // offset of '<'
	tagEnd   int        // offset just after the start tag's '>'
	endStart int        // offset of "</"; == tagEnd for a self-closing element
	end      int        // offset just after the element
	text     string     // character data directly inside the element
	parent   *node
	children []*node
}

func (n *node) selfClosing() bool { return n.end == n.tagEnd }

func (n *node) attr(local string) string {
	for _, a := range n.attrs {
		if a.Name.Space == "" && a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// child returns the first child element with the given local name, or nil.
func (n *node) child(local string) *node {
	if n == nil {
		return nil
	}
	for _, c := range n.children {
		if c.name.Local == local {
			return c
		}
	}
	return nil
}

func (n *node) childrenNamed(local string) []*node {
	if n == nil {
		return nil
	}
	var out []*node
	for _, c := range n.children {
		if c.name.Local == local {
			out = append(out, c)
		}
	}
	return out
}

// parseTree reads raw with encoding/xml and records, for every element, the
// offsets of its start tag, end tag and extent. The decoder's InputOffset is
// the position after the token just returned, so each token's text is the
// range between two consecutive offsets; the end token synthesised for a
// self-closing element is empty.
func parseTree(raw string) (*node, error) {
	d := xml.NewDecoder(strings.NewReader(raw))
	var root, cur *node
	for {
		before := int(d.InputOffset())
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		after := int(d.InputOffset())
		switch t := tok.(type) {
		case xml.StartElement:
			n := &node{name: t.Name, attrs: t.Copy().Attr, start: before, tagEnd: after, parent: cur}
			if cur != nil {
				cur.children = append(cur.children, n)
			} else if root == nil {
				root = n
			}
			cur = n
		case xml.EndElement:
			cur.endStart, cur.end = before, after
			cur = cur.parent
		case xml.CharData:
			if cur != nil {
				cur.text += string(t)
			}
		}
	}
	if root == nil {
		return nil, errors.New("no root element")
	}
	return root, nil
}

// attrSpan locates one attribute inside a start tag.
type attrSpan struct {
	name             string // as written (with its prefix, if any)
	wsStart          int    // start of the whitespace before the name
	valStart, valEnd int    // the value between the quotes
	end              int    // just after the closing quote
}

// scanAttrs lists the attributes of n's start tag as written, and the offset
// after the last attribute (or after the element name) where a new attribute
// goes. encoding/xml does not report attribute positions, so this small
// scanner walks the tag; the tag is already known to be well-formed.
func scanAttrs(raw string, n *node) (spans []attrSpan, insertAt int) {
	tag := raw[n.start:n.tagEnd]
	i := 1
	for i < len(tag) && !isXMLSpace(tag[i]) && tag[i] != '/' && tag[i] != '>' {
		i++
	}
	insertAt = n.start + i
	for {
		ws := i
		for i < len(tag) && isXMLSpace(tag[i]) {
			i++
		}
		if i >= len(tag) || tag[i] == '/' || tag[i] == '>' {
			return spans, insertAt
		}
		nameStart := i
		for i < len(tag) && tag[i] != '=' && !isXMLSpace(tag[i]) {
			i++
		}
		name := tag[nameStart:i]
		for i < len(tag) && tag[i] != '"' && tag[i] != '\'' {
			i++
		}
		if i >= len(tag) {
			return spans, insertAt
		}
		quote := tag[i]
		i++
		valStart := i
		for i < len(tag) && tag[i] != quote {
			i++
		}
		s := attrSpan{name: name, wsStart: n.start + ws, valStart: n.start + valStart, valEnd: n.start + i, end: n.start + i + 1}
		i++
		spans = append(spans, s)
		insertAt = s.end
	}
}

func isXMLSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }

// leadingSpace returns the start of the run of whitespace that ends at off.
func leadingSpace(raw string, off int) int {
	for off > 0 && isXMLSpace(raw[off-1]) {
		off--
	}
	return off
}

// indentOf returns the whitespace run before n (newline included), or "" when
// n does not start a line.
func indentOf(raw string, n *node) string {
	ws := raw[leadingSpace(raw, n.start):n.start]
	if !strings.ContainsAny(ws, "\r\n") {
		return ""
	}
	return ws
}

// splice replaces raw[start:end] with text.
type splice struct {
	start, end int
	text       string
}

// applySplices applies non-overlapping splices; splices at the same offset are
// inserted in the order given.
func applySplices(raw string, edits []splice) (string, error) {
	sorted := append([]splice(nil), edits...)
	// stable insertion sort by start: the lists are short
	for i := 1; i < len(sorted); i++ {
		for j := i; j > 0 && sorted[j].start < sorted[j-1].start; j-- {
			sorted[j], sorted[j-1] = sorted[j-1], sorted[j]
		}
	}
	var b strings.Builder
	pos := 0
	for _, s := range sorted {
		if s.start < pos || s.end < s.start || s.end > len(raw) {
			return "", errors.New("topology: overlapping edits (internal error)")
		}
		b.WriteString(raw[pos:s.start])
		b.WriteString(s.text)
		pos = s.end
	}
	b.WriteString(raw[pos:])
	return b.String(), nil
}

// escapeAttr escapes a value for a double-quoted attribute.
func escapeAttr(v string) string {
	var b strings.Builder
	for _, r := range v {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		case '\t':
			b.WriteString("&#x9;")
		case '\n':
			b.WriteString("&#xA;")
		case '\r':
			b.WriteString("&#xD;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// setAttr returns the splices that make attribute name of n's start tag have
// value (present) or be absent (!present). An existing attribute keeps its
// place; a new one goes after the last attribute.
func setAttr(raw string, n *node, name, value string, present bool) []splice {
	spans, insertAt := scanAttrs(raw, n)
	for _, s := range spans {
		if s.name != name {
			continue
		}
		if !present {
			return []splice{{s.wsStart, s.end, ""}}
		}
		if n.attr(name) == value {
			return nil
		}
		return []splice{{s.valStart, s.valEnd, escapeAttr(value)}}
	}
	if !present {
		return nil
	}
	return []splice{{insertAt, insertAt, " " + name + `="` + escapeAttr(value) + `"`}}
}
