package wsman

import (
	"bytes"
	"encoding/xml"
	"strings"
)

// XML namespaces of the WinRS protocol. Requests are matched by namespace URI,
// never by prefix: masterzen, pywinrm and Ansible all pick their own prefixes.
const (
	nsSOAP       = "http://www.w3.org/2003/05/soap-envelope"
	nsAddressing = "http://schemas.xmlsoap.org/ws/2004/08/addressing"
	nsTransfer   = "http://schemas.xmlsoap.org/ws/2004/09/transfer"
	nsWSMan      = "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"
	nsMSWSMan    = "http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd"
	nsShell      = "http://schemas.microsoft.com/wbem/wsman/1/windows/shell"
	nsWSManFault = "http://schemas.microsoft.com/wbem/wsman/1/wsmanfault"
)

// Well-known URIs of the protocol.
const (
	addressAnonymous = nsAddressing + "/role/anonymous"
	resourceURICmd   = nsShell + "/cmd"

	actionCreate   = nsTransfer + "/Create"
	actionDelete   = nsTransfer + "/Delete"
	actionCommand  = nsShell + "/Command"
	actionSend     = nsShell + "/Send"
	actionReceive  = nsShell + "/Receive"
	actionSignal   = nsShell + "/Signal"
	actionFault    = "http://schemas.dmtf.org/wbem/wsman/1/wsman/fault"
	responseSuffix = "Response"

	stateRunning = nsShell + "/CommandState/Running"
	stateDone    = nsShell + "/CommandState/Done"

	signalTerminate = nsShell + "/signal/terminate"
	signalCtrlC     = nsShell + "/signal/ctrl_c"
	signalCtrlBreak = nsShell + "/signal/ctrl_break"
)

// Op names the WinRS operation of a request. Interceptors receive it so that a
// test can fail one step of a run (say, reset only Receives to make masterzen
// report exit code 16001).
type Op string

// The operations a WinRS client performs, in the order of a run. OpUnknown is
// a body that is not XML or carries an action the server does not implement.
const (
	OpUnknown Op = ""
	OpCreate  Op = "Create"
	OpCommand Op = "Command"
	OpSend    Op = "Send"
	OpReceive Op = "Receive"
	OpSignal  Op = "Signal"
	OpDelete  Op = "Delete"
)

var opsByAction = map[string]Op{
	actionCreate:  OpCreate,
	actionCommand: OpCommand,
	actionSend:    OpSend,
	actionReceive: OpReceive,
	actionSignal:  OpSignal,
	actionDelete:  OpDelete,
}

// nameValue is a w:Selector or w:Option.
type nameValue struct {
	Name  string `xml:"Name,attr"`
	Value string `xml:",chardata"`
}

// sendStream is one rsp:Stream of a Send.
type sendStream struct {
	Name      string `xml:"Name,attr"`
	CommandID string `xml:"CommandId,attr"`
	End       string `xml:"End,attr"`
	Data      string `xml:",chardata"`
}

// request is the part of a request envelope the server reads. Everything else
// (ReplyTo, Locale, OptionSet, mustUnderstand attributes) is accepted and
// ignored, as Windows does for the options it does not know.
type request struct {
	XMLName xml.Name `xml:"http://www.w3.org/2003/05/soap-envelope Envelope"`
	Header  struct {
		Action           string      `xml:"http://schemas.xmlsoap.org/ws/2004/08/addressing Action"`
		MessageID        string      `xml:"http://schemas.xmlsoap.org/ws/2004/08/addressing MessageID"`
		ResourceURI      string      `xml:"http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd ResourceURI"`
		OperationTimeout string      `xml:"http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd OperationTimeout"`
		MaxEnvelopeSize  string      `xml:"http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd MaxEnvelopeSize"`
		Selectors        []nameValue `xml:"http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd SelectorSet>Selector"`
	} `xml:"http://www.w3.org/2003/05/soap-envelope Header"`
	Body struct {
		CommandLine *struct {
			Command   string   `xml:"http://schemas.microsoft.com/wbem/wsman/1/windows/shell Command"`
			Arguments []string `xml:"http://schemas.microsoft.com/wbem/wsman/1/windows/shell Arguments"`
		} `xml:"http://schemas.microsoft.com/wbem/wsman/1/windows/shell CommandLine"`
		Receive *struct {
			DesiredStream struct {
				CommandID string `xml:"CommandId,attr"`
			} `xml:"http://schemas.microsoft.com/wbem/wsman/1/windows/shell DesiredStream"`
		} `xml:"http://schemas.microsoft.com/wbem/wsman/1/windows/shell Receive"`
		Send *struct {
			Streams []sendStream `xml:"http://schemas.microsoft.com/wbem/wsman/1/windows/shell Stream"`
		} `xml:"http://schemas.microsoft.com/wbem/wsman/1/windows/shell Send"`
		Signal *struct {
			CommandID string `xml:"CommandId,attr"`
			Code      string `xml:"http://schemas.microsoft.com/wbem/wsman/1/windows/shell Code"`
		} `xml:"http://schemas.microsoft.com/wbem/wsman/1/windows/shell Signal"`
	} `xml:"http://www.w3.org/2003/05/soap-envelope Body"`
}

// parseRequest decodes a request envelope. The error is reported to the
// client as an invalid-XML fault.
func parseRequest(body []byte) (*request, error) {
	var req request
	if err := xml.NewDecoder(bytes.NewReader(body)).Decode(&req); err != nil {
		return nil, err
	}
	req.Header.Action = strings.TrimSpace(req.Header.Action)
	req.Header.MessageID = strings.TrimSpace(req.Header.MessageID)
	req.Header.ResourceURI = strings.TrimSpace(req.Header.ResourceURI)
	return &req, nil
}

// op returns the operation the request's a:Action names.
func (r *request) op() Op {
	if r == nil {
		return OpUnknown
	}
	return opsByAction[r.Header.Action]
}

// shellID returns the ShellId selector. The name is matched
// case-insensitively: MS-WSMV spells it ShellID in places while every real
// client and server use ShellId.
func (r *request) shellID() (string, bool) {
	for _, s := range r.Header.Selectors {
		if strings.EqualFold(strings.TrimSpace(s.Name), "ShellId") {
			return strings.TrimSpace(s.Value), true
		}
	}
	return "", false
}

// commandLine joins rsp:Command and every rsp:Arguments with single spaces:
// masterzen sends one Arguments element per argument, pywinrm and Ansible all
// arguments space-joined in one.
func (r *request) commandLine() string {
	cl := r.Body.CommandLine
	parts := make([]string, 0, 1+len(cl.Arguments))
	parts = append(parts, cl.Command)
	parts = append(parts, cl.Arguments...)
	return strings.Join(parts, " ")
}
