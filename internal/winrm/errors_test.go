package winrm

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/url"
	"strings"
	"syscall"
	"testing"

	"github.com/masterzen/winrm"
)

// tooLongFault is Windows' answer to an over-long command line (masterzen's
// fixture executeCommandResponseWithError).
const tooLongFault = `<s:Envelope xml:lang="en-US" xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"><s:Header><a:Action>http://schemas.dmtf.org/wbem/wsman/1/wsman/fault</a:Action></s:Header><s:Body><s:Fault><s:Code><s:Value>s:Receiver</s:Value><s:Subcode><s:Value>w:InternalError</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang="">The filename or extension is too long. </s:Text></s:Reason><s:Detail><f:WSManFault xmlns:f="http://schemas.microsoft.com/wbem/wsman/1/wsmanfault" Code="2147942606" Machine="52.12.219.136"><f:Message><f:ProviderFault provider="Shell cmd plugin" path="%systemroot%\system32\winrscmd.dll">The filename or extension is too long. </f:ProviderFault></f:Message></f:WSManFault></s:Detail></s:Fault></s:Body></s:Envelope>`

func fault(subcode, code, msg string) string {
	return `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><s:Fault><s:Code><s:Value>s:Sender</s:Value><s:Subcode><s:Value>` +
		subcode + `</s:Value></s:Subcode></s:Code><s:Reason><s:Text>reason text</s:Text></s:Reason><s:Detail><f:WSManFault xmlns:f="http://schemas.microsoft.com/wbem/wsman/1/wsmanfault" Code="` +
		code + `"><f:Message>` + msg + `</f:Message></f:WSManFault></s:Detail></s:Fault></s:Body></s:Envelope>`
}

func TestParseFault(t *testing.T) {
	f := parseFault([]byte(tooLongFault))
	if f == nil {
		t.Fatal("no fault parsed")
	}
	if f.Subcode != "w:InternalError" || f.Code != "2147942606" || f.Message != "The filename or extension is too long." {
		t.Errorf("parsed %+v", f)
	}
	if got := f.Error(); got != "The filename or extension is too long. (w:InternalError, code 2147942606)" {
		t.Errorf("Error() = %q", got)
	}
	if f.kind() != ErrProtocol || f.isTimedOut() {
		t.Errorf("kind %v, timed out %v", f.kind(), f.isTimedOut())
	}

	noDetail := `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><s:Fault><s:Code><s:Value>s:Receiver</s:Value></s:Code><s:Reason><s:Text>just a reason</s:Text></s:Reason></s:Fault></s:Body></s:Envelope>`
	if f := parseFault([]byte(noDetail)); f == nil || f.Message != "just a reason" || f.Subcode != "s:Receiver" {
		t.Errorf("reason fallback: %+v", f)
	}
	for _, notFault := range []string{"", "hello", `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><x/></s:Body></s:Envelope>`} {
		if f := parseFault([]byte(notFault)); f != nil {
			t.Errorf("parseFault(%q) = %+v, want nil", notFault, f)
		}
	}

	kinds := map[string]Kind{
		fault("w:TimedOut", "2150858793", "x"):                ErrTransient,
		fault("w:AccessDenied", "5", "Access is denied."):     ErrAuth,
		fault("w:QuotaLimit", "2150859173", "too many"):       ErrTransient,
		fault("w:InvalidSelectors", "2150858843", "gone"):     ErrTransient,
		fault("w:SchemaValidationError", "2150858819", "bad"): ErrProtocol,
	}
	for body, want := range kinds {
		if f := parseFault([]byte(body)); f == nil || f.kind() != want {
			t.Errorf("kind of %q = %v, want %v", body, f, want)
		}
	}
	if f := parseFault([]byte(fault("w:TimedOut", "2150858793", "x"))); !f.isTimedOut() {
		t.Error("TimedOut not recognized")
	}
}

func TestClassify(t *testing.T) {
	c, err := New(Config{Username: "u", Password: "s3cret-pw", HTTPS: true, Addresses: map[string]string{"*": "127.0.0.1:45986"}})
	if err != nil {
		t.Fatal(err)
	}
	h := c.host("fe01.contoso.com")
	urlErr := func(err error) error { return &url.Error{Op: "Post", URL: h.url, Err: err} }
	dialErr := func(err error) error {
		return urlErr(&net.OpError{Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 45986}, Err: err})
	}

	tests := []struct {
		name      string
		op        Op
		err       error
		status    int
		payload   bool
		kind      Kind
		temporary bool
		want      []string
	}{
		{
			name: "401", op: OpCreateShell, status: 401, kind: ErrAuth,
			err:  &statusError{Code: 401, Status: "401 Unauthorized", Body: "401 Unauthorized", Challenge: `Basic realm="WSMAN"`},
			want: []string{`winrm: the WinRM service on fe01.contoso.com rejected the credentials (HTTP 401). Check username/password; Basic authentication must be enabled on the WinRM service (winrm set winrm/config/service/auth @{Basic="true"}), and over HTTP AllowUnencrypted must be true — prefer HTTPS`},
		},
		{
			name: "401 from a Negotiate-only server", op: OpCreateShell, kind: ErrAuth,
			err:  &statusError{Code: 401, Status: "401 Unauthorized", Challenge: "Negotiate"},
			want: []string{`(the server offers only "Negotiate": enable Basic, or set auth = "ntlm")`},
		},
		{
			name: "403", op: OpCreateShell, kind: ErrAuth,
			err:  &statusError{Code: 403, Status: "403 Forbidden"},
			want: []string{"denied access while opening a remote shell", "Administrators"},
		},
		{
			name: "unknown host text of the lab farm", op: OpCreateShell, kind: ErrProtocol,
			err:  &statusError{Code: 404, Status: "404 Not Found", Body: `lab farm: no server named "fe09.contoso.com" in this farm`},
			want: []string{`WinRM on fe01.contoso.com answered HTTP 404 while opening a remote shell: lab farm: no server named "fe09.contoso.com" in this farm`},
		},
		{
			name: "503 before the command", op: OpCreateShell, kind: ErrTransient, temporary: true,
			err:  &statusError{Code: 503, Status: "503 Service Unavailable", Body: "busy"},
			want: []string{"answered HTTP 503 while opening a remote shell: busy", "usually temporary"},
		},
		{
			name: "connection refused", op: OpCreateShell, kind: ErrConnect, temporary: true,
			err:  dialErr(syscall.ECONNREFUSED),
			want: []string{"winrm: cannot reach WinRM on fe01.contoso.com (dialled 127.0.0.1:45986): dial tcp 127.0.0.1:45986: connection refused", "address map"},
		},
		{
			name: "dial timeout", op: OpCreateShell, kind: ErrTimeout, temporary: true,
			err:  dialErr(&timeoutErr{}),
			want: []string{"timed out opening a remote shell on fe01.contoso.com (dialled 127.0.0.1:45986)"},
		},
		{
			name: "name not found", op: OpCreateShell, kind: ErrConnect,
			err:  urlErr(&net.DNSError{Err: "no such host", Name: "fe01.contoso.com", IsNotFound: true}),
			want: []string{"no such host", "does not resolve"},
		},
		{
			name: "unknown authority", op: OpCreateShell, kind: ErrTLS,
			err:  urlErr(&tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}),
			want: []string{"TLS connection to WinRM on fe01.contoso.com (dialled 127.0.0.1:45986) failed", "ca_certificate"},
		},
		{
			name: "hostname mismatch", op: OpCreateShell, kind: ErrTLS,
			err:  urlErr(&tls.CertificateVerificationError{Err: x509.HostnameError{Certificate: &x509.Certificate{}, Host: "fe01.contoso.com"}}),
			want: []string{"must name fe01.contoso.com", "dials 127.0.0.1:45986"},
		},
		{
			name: "HTTP on the HTTPS port", op: OpCreateShell, kind: ErrTLS,
			err:  urlErr(errors.New("http: server gave HTTP response to HTTPS client")),
			want: []string{"plain HTTP"},
		},
		{
			name: "EOF before the script", op: OpReceive, kind: ErrTransient, temporary: true,
			err:  urlErr(io.EOF),
			want: []string{"WinRM on fe01.contoso.com failed while reading the script's output: EOF"},
		},
		{
			name: "EOF after the script was sent", op: OpReceive, payload: true, kind: ErrTransient, temporary: true,
			err:  urlErr(io.EOF),
			want: []string{"outcome unknown", "Check the server's state"},
		},
		{
			name: "reset", op: OpSend, payload: true, kind: ErrTransient, temporary: true,
			err:  urlErr(&net.OpError{Op: "read", Err: syscall.ECONNRESET}),
			want: []string{"while sending the script", "connection reset", "outcome unknown"},
		},
		{
			name: "command line too long", op: OpCommand, kind: ErrProtocol,
			err:  parseFault([]byte(tooLongFault)),
			want: []string{"WinRM on fe01.contoso.com failed while starting PowerShell: The filename or extension is too long. (w:InternalError, code 2147942606)"},
		},
		{
			name: "library error carrying a fault body", op: OpCreateShell, kind: ErrAuth,
			err:  &winrm.ExecuteCommandError{Inner: errors.New("received error response"), Body: fault("w:AccessDenied", "5", "Access is denied.")},
			want: []string{"denied access while opening a remote shell: Access is denied. (w:AccessDenied, code 5)"},
		},
		{
			name: "library error without a fault", op: OpCommand, kind: ErrProtocol,
			err:  &winrm.ExecuteCommandError{Inner: errors.New("unsupported action: x"), Body: "<a>weird</a>"},
			want: []string{"unsupported action: x: weird"},
		},
		{
			name: "response header timeout", op: OpCreateShell, kind: ErrTimeout, temporary: true,
			err:  urlErr(&timeoutErr{}),
			want: []string{"timed out opening a remote shell"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := c.classify(h, tt.op, tt.err, tt.status, tt.payload)
			if e.Kind != tt.kind || e.temporary != tt.temporary || e.OutcomeUnknown != tt.payload {
				t.Errorf("kind %v temporary %v outcome unknown %v; want %v %v %v", e.Kind, e.temporary, e.OutcomeUnknown, tt.kind, tt.temporary, tt.payload)
			}
			msg := e.Error()
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message\n%s\ndoes not contain\n%s", msg, w)
				}
			}
			if strings.Contains(msg, "s3cret-pw") || strings.Contains(msg, "Post \"") {
				t.Errorf("message leaks the password or the URL error prefix: %s", msg)
			}
			var target *Error
			if !errors.As(error(e), &target) || !errors.Is(e, tt.kind) {
				t.Error("errors.As / errors.Is do not work")
			}
			if errors.Is(e, otherKind(tt.kind)) {
				t.Error("errors.Is matches another kind")
			}
		})
	}
}

func otherKind(k Kind) Kind {
	if k == ErrProtocol {
		return ErrAuth
	}
	return ErrProtocol
}

func TestContextError(t *testing.T) {
	c, _ := New(Config{Username: "u"})
	h := c.host("fe01.contoso.com")

	e := c.contextError(h, OpCreateShell, context.Canceled, false)
	if e.Kind != ErrCanceled || !errors.Is(e, context.Canceled) || !errors.Is(e, ErrCanceled) {
		t.Errorf("canceled: %#v", e)
	}
	if want := "winrm: canceled while opening a remote shell on fe01.contoso.com: context canceled"; e.Error() != want {
		t.Errorf("got %q, want %q", e.Error(), want)
	}
	e = c.contextError(h, OpRun, context.DeadlineExceeded, true)
	if e.Kind != ErrTimeout || !e.OutcomeUnknown || !errors.Is(e, context.DeadlineExceeded) {
		t.Errorf("deadline: %#v", e)
	}
	for _, w := range []string{"the script on fe01.contoso.com did not finish in time and was terminated", "outcome unknown", "raise the timeout"} {
		if !strings.Contains(e.Error(), w) {
			t.Errorf("%q lacks %q", e.Error(), w)
		}
	}
}

func TestErrorMessageParts(t *testing.T) {
	e := &Error{Kind: ErrTransient, Op: OpCreateShell, Host: "h", Addr: "a:1", Attempts: 3, Err: io.EOF, Hint: "Try again"}
	if want := "winrm: WinRM on h failed while opening a remote shell: EOF (after 3 attempts). Try again"; e.Error() != want {
		t.Errorf("got %q\nwant %q", e.Error(), want)
	}
	if Kind(99).String() != "kind(99)" || ErrAuth.String() != "auth" {
		t.Error("Kind.String")
	}
}

func TestOpOf(t *testing.T) {
	for action, want := range wsmanActions {
		body := `<env:Envelope><env:Header><a:To>x</a:To><a:Action mustUnderstand="true">` + action + `</a:Action></env:Header><env:Body/></env:Envelope>`
		if got := opOf(body); got != want {
			t.Errorf("opOf(%s) = %s, want %s", action, got, want)
		}
	}
	if opOf("<x/>") != OpRun {
		t.Error("unknown body")
	}
}

func TestExcerpt(t *testing.T) {
	html := []byte("<!DOCTYPE html><html><head><title>Bad Request</title></head><body><h2>Bad Request - Invalid Hostname</h2><hr><p>HTTP Error 400. The request hostname is invalid.</p></body></html>")
	if got := excerpt(html); got != "Bad Request Bad Request - Invalid Hostname HTTP Error 400. The request hostname is invalid." {
		t.Errorf("excerpt(html) = %q", got)
	}
	long := []byte(strings.Repeat("ü", 400))
	if got := excerpt(long); len(got) > 510 || !strings.HasSuffix(got, "…") {
		t.Errorf("long excerpt: %d bytes", len(got))
	}
}

type timeoutErr struct{}

func (*timeoutErr) Error() string   { return "i/o timeout" }
func (*timeoutErr) Timeout() bool   { return true }
func (*timeoutErr) Temporary() bool { return true }
