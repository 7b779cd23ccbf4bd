package winrm

import (
	"encoding/xml"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
)

// PowerShell started with -EncodedCommand and a redirected stderr (always the
// case under WinRS) serializes its error, warning, verbose, debug, progress
// and information streams as CLIXML documents, each announced by this marker.
const clixmlMarker = "#< CLIXML"

// DecodeCLIXML turns a stderr that may contain CLIXML into readable text.
//
// It handles what real hosts produce: several markers, plain text before,
// between and after the documents, several <Objs> documents after one
// marker. It keeps the error stream verbatim and the warning, verbose and
// debug streams as "WARNING: ", "VERBOSE: " and "DEBUG: " lines; it drops
// progress records (which PowerShell emits even for module loading); it
// decodes _xHHHH_ escapes (UTF-16 code units, surrogate pairs included) and
// strips ANSI escape sequences (PowerShell 7 colours its errors). Line
// endings become "\n" and trailing white space is trimmed. A document that
// does not parse is kept as it came, so no information is ever lost.
func DecodeCLIXML(s string) string {
	var out strings.Builder
	rest := s
	for {
		i := strings.Index(rest, clixmlMarker)
		if i < 0 {
			out.WriteString(rest)
			break
		}
		out.WriteString(rest[:i])
		rest = rest[i:]

		// Consume the marker, then every document that follows it.
		after := trimLeadingSpace(rest[len(clixmlMarker):])
		if !strings.HasPrefix(after, "<Objs") {
			if strings.HasPrefix(after, clixmlMarker) {
				rest = after // "#< CLIXML\r\n#< CLIXML\r\n<Objs>…": one marker is enough
				continue
			}
			out.WriteString(clixmlMarker) // a marker without a document: keep it
			rest = rest[len(clixmlMarker):]
			continue
		}
		for strings.HasPrefix(after, "<Objs") {
			end := strings.Index(after, "</Objs>")
			if end < 0 {
				out.WriteString(after) // truncated document: keep it raw
				after = ""
				break
			}
			doc := after[:end+len("</Objs>")]
			text, err := renderCLIXML(doc)
			if err != nil {
				out.WriteString(doc)
			} else {
				out.WriteString(text)
			}
			after = after[len(doc):]
			if next := trimLeadingSpace(after); strings.HasPrefix(next, "<Objs") {
				after = next
			}
		}
		rest = after
	}
	return tidy(out.String())
}

// clixmlStreams maps a stream name (the S attribute) to the prefix that
// PowerShell's console host prints for it. Streams not listed are printed
// without prefix; progress is dropped.
var clixmlStreams = map[string]string{
	"error":   "",
	"warning": "WARNING: ",
	"verbose": "VERBOSE: ",
	"debug":   "DEBUG: ",
}

// renderCLIXML renders one <Objs> document.
func renderCLIXML(doc string) (string, error) {
	d := xml.NewDecoder(strings.NewReader(doc))
	var out strings.Builder
	depth := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			if depth != 0 {
				return "", io.ErrUnexpectedEOF
			}
			return out.String(), nil
		}
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				if t.Name.Local != "Objs" {
					return "", errors.New("clixml: root element is not Objs")
				}
				depth++
				continue
			}
			stream := strings.ToLower(attr(t, "S"))
			switch {
			case stream == "progress":
				if err := d.Skip(); err != nil {
					return "", err
				}
			case t.Name.Local == "S": // a string record: the common case
				var s struct {
					Text string `xml:",chardata"`
				}
				if err := d.DecodeElement(&s, &t); err != nil {
					return "", err
				}
				writeRecord(&out, stream, decodeXMLEscapes(s.Text))
			case t.Name.Local == "Obj": // e.g. an information record
				var o struct {
					ToString string `xml:"ToString"`
				}
				if err := d.DecodeElement(&o, &t); err != nil {
					return "", err
				}
				if o.ToString != "" {
					writeRecord(&out, stream, decodeXMLEscapes(o.ToString))
				}
			default:
				if err := d.Skip(); err != nil {
					return "", err
				}
			}
		case xml.EndElement:
			depth--
		}
	}
}

// writeRecord appends one record. Error records carry their own line breaks
// (a long message is split over several records); other streams hold one
// message per record and get a prefix and a line break.
func writeRecord(out *strings.Builder, stream, text string) {
	if stream == "error" {
		out.WriteString(text)
		return
	}
	out.WriteString(clixmlStreams[stream])
	out.WriteString(text)
	if !strings.HasSuffix(text, "\n") {
		out.WriteString("\n")
	}
}

func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// decodeXMLEscapes decodes the _xHHHH_ escapes of XmlConvert.EncodeName,
// which PowerShell uses for control characters and for characters outside
// the BMP (as two escapes, a surrogate pair). A lone surrogate becomes
// U+FFFD. "_x005F_" is an escaped underscore, so "_x005F_x000A_" decodes to
// the literal text "_x000A_".
func decodeXMLEscapes(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	var units []uint16
	flush := func() {
		if len(units) > 0 {
			b.WriteString(string(utf16.Decode(units)))
			units = units[:0]
		}
	}
	for i := 0; i < len(s); {
		if u, ok := xmlEscapeAt(s, i); ok {
			units = append(units, u)
			i += len("_xHHHH_")
			continue
		}
		flush()
		b.WriteByte(s[i]) // escapes are ASCII, so copying bytes keeps UTF-8 intact
		i++
	}
	flush()
	return b.String()
}

func xmlEscapeAt(s string, i int) (uint16, bool) {
	if i+7 > len(s) || s[i] != '_' || s[i+1] != 'x' || s[i+6] != '_' {
		return 0, false
	}
	v, err := strconv.ParseUint(s[i+2:i+6], 16, 16)
	if err != nil {
		return 0, false
	}
	return uint16(v), true
}

// ansiEscape matches CSI sequences such as the SGR colours "\x1b[31;1m".
var ansiEscape = regexp.MustCompile(`\x1b\[[0-9;?]*[ -/]*[@-~]`)

// tidy strips ANSI sequences, normalizes line endings and trims trailing
// white space.
func tidy(s string) string {
	s = ansiEscape.ReplaceAllString(s, "")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.TrimRight(s, " \t\r\n")
}

func trimLeadingSpace(s string) string { return strings.TrimLeft(s, " \t\r\n") }
