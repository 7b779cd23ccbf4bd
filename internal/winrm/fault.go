package winrm

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
)

// WS-Management fault codes this package reacts to (MS-WSMV; reference §2.5).
const (
	faultCodeTimedOut        = "2150858793" // Receive: no output within OperationTimeout
	faultCodeInvalidSelector = "2150858843" // shell not found (expired, server restarted)
	faultCodeAccessDenied    = "5"
	faultCodeBusy            = "170"
)

// soapFault mirrors the parts of a SOAP 1.2 fault that WinRM fills in.
// Elements are matched by local name: servers use varying prefixes.
type soapFault struct {
	Body struct {
		Fault *struct {
			Code struct {
				Value   string `xml:"Value"`
				Subcode struct {
					Value string `xml:"Value"`
				} `xml:"Subcode"`
			} `xml:"Code"`
			Reason struct {
				Text []string `xml:"Text"`
			} `xml:"Reason"`
			Detail struct {
				WSManFault *struct {
					Code    string `xml:"Code,attr"`
					Message struct {
						Inner string `xml:",innerxml"`
					} `xml:"Message"`
				} `xml:"WSManFault"`
			} `xml:"Detail"`
		} `xml:"Fault"`
	} `xml:"Body"`
}

// parseFault extracts the fault of a SOAP envelope, or returns nil when body
// is not a fault. The message prefers the WSManFault's f:Message (it holds
// the provider's own words, e.g. "The filename or extension is too long.")
// and falls back to the SOAP Reason.
func parseFault(body []byte) *Fault {
	if !bytes.Contains(body, []byte("Fault")) {
		return nil
	}
	var env soapFault
	_ = xml.Unmarshal(body, &env) // a body that does not parse is no fault
	sf := env.Body.Fault
	if sf == nil {
		return nil
	}
	f := &Fault{Subcode: strings.TrimSpace(sf.Code.Subcode.Value)}
	if f.Subcode == "" {
		f.Subcode = strings.TrimSpace(sf.Code.Value)
	}
	if wf := sf.Detail.WSManFault; wf != nil {
		f.Code = strings.TrimSpace(wf.Code)
		f.Message = collapseSpace(xmlText(wf.Message.Inner))
	}
	if f.Message == "" {
		f.Message = collapseSpace(strings.Join(sf.Reason.Text, " "))
	}
	return f
}

// isTimedOut reports the Receive fault that only means "no output yet".
func (f *Fault) isTimedOut() bool {
	return f.Code == faultCodeTimedOut || localName(f.Subcode) == "TimedOut"
}

// kind classifies a fault: access problems are auth problems; quota, busy,
// timeouts and vanished shells may clear up; anything else is a protocol
// error worth showing verbatim.
func (f *Fault) kind() Kind {
	switch {
	case f.Code == faultCodeAccessDenied || localName(f.Subcode) == "AccessDenied":
		return ErrAuth
	case f.Code == faultCodeBusy || f.Code == faultCodeInvalidSelector || f.isTimedOut():
		return ErrTransient
	case localName(f.Subcode) == "QuotaLimit" || localName(f.Subcode) == "InvalidSelectors":
		return ErrTransient
	}
	return ErrProtocol
}

func localName(qname string) string {
	if i := strings.LastIndexByte(qname, ':'); i >= 0 {
		return qname[i+1:]
	}
	return qname
}

// xmlText returns the character data of an XML (or HTML) fragment, tags
// replaced by spaces; callers collapse white space. On a parse error it
// returns what it had collected so far.
func xmlText(fragment string) string {
	d := xml.NewDecoder(strings.NewReader("<x>" + fragment + "</x>"))
	d.Strict = false
	d.AutoClose = xml.HTMLAutoClose
	d.Entity = xml.HTMLEntity
	var b strings.Builder
	for {
		tok, err := d.Token()
		if err != nil {
			return b.String()
		}
		switch t := tok.(type) {
		case xml.CharData:
			b.Write(t)
		case xml.StartElement, xml.EndElement:
			b.WriteByte(' ') // "<h2>Title</h2><p>Text" reads "Title Text"
		}
	}
}

// collapseSpace trims s and folds runs of white space into one space.
func collapseSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// wellFormedXML reports whether body is a complete XML document. The
// library's Receive parser dereferences a nil document on malformed input and
// panics in a goroutine nobody can recover (masterzen/winrm#185), so the
// transport turns such bodies into errors first.
func wellFormedXML(body []byte) bool {
	d := xml.NewDecoder(bytes.NewReader(body))
	sawElement := false
	for {
		tok, err := d.Token()
		if err != nil {
			return sawElement && errors.Is(err, io.EOF)
		}
		if _, ok := tok.(xml.StartElement); ok {
			sawElement = true
		}
	}
}
