package winrm

import (
	"errors"
	"fmt"
	"strings"
)

// Kind classifies a transport failure so that callers can react to it without
// parsing messages. Kind implements error, so errors.Is(err, winrm.ErrAuth)
// tells whether err is an *Error of that kind.
type Kind uint8

// Failure kinds. A non-zero exit code of the script is not a failure of the
// transport: it is reported in [Result.ExitCode] with a nil error.
const (
	// ErrConnect: no TCP connection to the WinRM listener (refused,
	// unreachable, name not resolved).
	ErrConnect Kind = iota + 1
	// ErrTLS: the TLS handshake failed (untrusted or mismatched certificate,
	// HTTP spoken on an HTTPS port, ...).
	ErrTLS
	// ErrAuth: the server rejected the credentials or denied access.
	ErrAuth
	// ErrTimeout: a connect, response or operation deadline expired.
	ErrTimeout
	// ErrTransient: a failure that may succeed when tried again (connection
	// reset, HTTP 5xx from a proxy, server quota).
	ErrTransient
	// ErrProtocol: the server answered, but not with what WinRM answers; or
	// it returned a WS-Management fault.
	ErrProtocol
	// ErrCanceled: the caller cancelled the context.
	ErrCanceled
)

var kindNames = map[Kind]string{
	ErrConnect:   "connect",
	ErrTLS:       "tls",
	ErrAuth:      "auth",
	ErrTimeout:   "timeout",
	ErrTransient: "transient",
	ErrProtocol:  "protocol",
	ErrCanceled:  "canceled",
}

// String returns the kind's short name, e.g. "auth".
func (k Kind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Error makes a Kind usable as an errors.Is target.
func (k Kind) Error() string { return "winrm " + k.String() + " error" }

// Op names the step of a script execution that failed.
type Op string

// Steps of one execution, in order. Signal and Delete failures are never
// reported: they only clean up after a result or an error is known.
const (
	OpWait        Op = "wait"         // waiting for a free slot of the per-host cap
	OpCreateShell Op = "create-shell" // WS-Transfer Create of the remote shell
	OpCommand     Op = "command"      // starting powershell.exe with the bootstrap
	OpSend        Op = "send"         // delivering the script on stdin
	OpReceive     Op = "receive"      // polling output and the exit code
	OpRun         Op = "run"          // the execution as a whole (deadlines)
	opSignal      Op = "signal"
	opDelete      Op = "delete"
)

var opPhrases = map[Op]string{
	OpWait:        "waiting for a free WinRM slot",
	OpCreateShell: "opening a remote shell",
	OpCommand:     "starting PowerShell",
	OpSend:        "sending the script",
	OpReceive:     "reading the script's output",
	OpRun:         "running the script",
	opSignal:      "terminating the command",
	opDelete:      "closing the remote shell",
}

func (o Op) phrase() string {
	if s, ok := opPhrases[o]; ok {
		return s
	}
	return string(o)
}

// Error is the error returned by [Client.Run] for every transport failure.
// Its message says what failed, on which server, through which address, and
// (in Hint) what to do about it. It never contains credentials.
type Error struct {
	Kind Kind
	Op   Op
	// Host is the server FQDN the script was meant for.
	Host string
	// Addr is the host:port dialled for Host (differs from Host when the
	// address map applies).
	Addr string
	// StatusCode is the HTTP status when the server answered with an error
	// status, else 0.
	StatusCode int
	// OutcomeUnknown reports that the script may have started (it had been
	// delivered, in part or in full) before the failure, so it may have
	// changed the server. Such failures are never retried.
	OutcomeUnknown bool
	// Attempts is the number of executions tried (1 unless retried).
	Attempts int
	// Err is the underlying cause.
	Err error
	// Hint tells the user what to check or change; may be empty.
	Hint string

	// temporary marks failures worth another attempt if the script was not
	// delivered.
	temporary bool
}

// Error composes "winrm: <what failed>: <cause>[ (outcome)][. <hint>]".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("winrm: ")
	b.WriteString(e.summary())
	if cause := e.cause(); cause != "" {
		b.WriteString(": ")
		b.WriteString(cause)
	}
	if e.OutcomeUnknown {
		b.WriteString(" (outcome unknown: the script had been delivered and may have run, partly or fully; it was not retried)")
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	if e.Hint != "" {
		b.WriteString(". ")
		b.WriteString(e.Hint)
	}
	return b.String()
}

// summary is the first, fixed part of the message: kind, server, address.
func (e *Error) summary() string {
	host := e.Host
	switch e.Kind {
	case ErrConnect:
		return fmt.Sprintf("cannot reach WinRM on %s (dialled %s)", host, e.Addr)
	case ErrTLS:
		return fmt.Sprintf("TLS connection to WinRM on %s (dialled %s) failed", host, e.Addr)
	case ErrAuth:
		if e.StatusCode == 401 {
			return fmt.Sprintf("the WinRM service on %s rejected the credentials (HTTP 401)", host)
		}
		return fmt.Sprintf("the WinRM service on %s denied access while %s", host, e.Op.phrase())
	case ErrTimeout:
		switch e.Op {
		case OpRun:
			return fmt.Sprintf("the script on %s did not finish in time and was terminated", host)
		case OpWait:
			return fmt.Sprintf("timed out waiting for a free WinRM slot for %s", host)
		}
		return fmt.Sprintf("timed out %s on %s (dialled %s)", e.Op.phrase(), host, e.Addr)
	case ErrCanceled:
		return fmt.Sprintf("canceled while %s on %s", e.Op.phrase(), host)
	}
	if e.StatusCode != 0 {
		return fmt.Sprintf("WinRM on %s answered HTTP %d while %s", host, e.StatusCode, e.Op.phrase())
	}
	return fmt.Sprintf("WinRM on %s failed while %s", host, e.Op.phrase())
}

// cause renders Err, leaving out what the summary already says.
func (e *Error) cause() string {
	if e.Err == nil {
		return ""
	}
	var se *statusError
	if errors.As(e.Err, &se) {
		return se.Body // the status code is in the summary
	}
	return e.Err.Error()
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is e's Kind, so errors.Is(err, winrm.ErrAuth)
// works through any wrapping.
func (e *Error) Is(target error) bool {
	k, ok := target.(Kind)
	return ok && k == e.Kind
}

// statusError is an HTTP error status with a body that is not SOAP (an IIS
// or HTTP.sys error page, a proxy's reply, a test server's text).
type statusError struct {
	Code   int
	Status string // e.g. "404 Not Found"
	Body   string // trimmed, tag-stripped, shortened text of the body
	// Challenge is the WWW-Authenticate header of a 401 (several joined
	// with ", "), which tells which authentication schemes the server
	// accepts.
	Challenge string
}

func (e *statusError) Error() string {
	if e.Body == "" {
		return "HTTP " + e.Status
	}
	return "HTTP " + e.Status + ": " + e.Body
}

// Fault is a WS-Management SOAP fault returned by the server.
type Fault struct {
	// Subcode is the WS-Management fault subcode, e.g. "w:InternalError".
	Subcode string
	// Code is the WSManFault code, e.g. "2147942606"; may be empty.
	Code string
	// Message is the human-readable text of the fault.
	Message string
}

func (f *Fault) Error() string {
	var details []string
	if f.Subcode != "" {
		details = append(details, f.Subcode)
	}
	if f.Code != "" {
		details = append(details, "code "+f.Code)
	}
	msg := f.Message
	if msg == "" {
		msg = "WS-Management fault"
	}
	if len(details) == 0 {
		return msg
	}
	return msg + " (" + strings.Join(details, ", ") + ")"
}

// errPayloadWithheld is returned by the transport instead of sending the
// script once the execution has already failed: delivering it would start a
// script whose output nobody reads.
var errPayloadWithheld = errors.New("script not sent: the execution had already failed")
