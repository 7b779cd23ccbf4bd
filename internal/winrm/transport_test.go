package winrm

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// These tests use a scripted server to produce answers the lab farm never
// gives: they check the guards the transport puts around the library.

const (
	envOpen = `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:rsp="http://schemas.microsoft.com/wbem/wsman/1/windows/shell">`
	created = envOpen + `<s:Header><a:Action>http://schemas.xmlsoap.org/ws/2004/09/transfer/CreateResponse</a:Action></s:Header><s:Body><rsp:Shell><rsp:ShellId>S1</rsp:ShellId></rsp:Shell></s:Body></s:Envelope>`
	started = envOpen + `<s:Header><a:Action>http://schemas.microsoft.com/wbem/wsman/1/windows/shell/CommandResponse</a:Action></s:Header><s:Body><rsp:CommandResponse><rsp:CommandId>C1</rsp:CommandId></rsp:CommandResponse></s:Body></s:Envelope>`
	emptyOK = envOpen + `<s:Header></s:Header><s:Body></s:Body></s:Envelope>`
)

type cannedReply struct {
	status      int
	contentType string
	body        string
}

// scriptedServer answers Create and Command normally and Receive with
// receive(n) for the n-th Receive (1-based), once the script has arrived.
func scriptedServer(t *testing.T, receive func(n int) cannedReply) (*Client, *atomic.Int32) {
	t.Helper()
	var receives atomic.Int32
	var sendOnce sync.Once
	sawSend := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		reply := cannedReply{200, soapContentType, emptyOK}
		switch opOf(string(body)) {
		case OpCreateShell:
			reply.body = created
		case OpCommand:
			reply.body = started
		case OpSend:
			sendOnce.Do(func() { close(sawSend) })
		case OpReceive:
			select {
			case <-sawSend:
			case <-time.After(5 * time.Second):
			}
			reply = receive(int(receives.Add(1)))
		}
		w.Header().Set("Content-Type", reply.contentType)
		w.WriteHeader(reply.status)
		_, _ = io.WriteString(w, reply.body)
	}))
	t.Cleanup(ts.Close)
	c := newClient(t, Config{
		Username:         "u",
		Addresses:        map[string]string{"*": ts.Listener.Addr().String()},
		OperationTimeout: 10 * time.Second,
		Retry:            RetryPolicy{MaxAttempts: 2, BaseBackoff: time.Millisecond},
	})
	return c, &receives
}

func TestTransportMalformedReceiveIsAnErrorNotAPanic(t *testing.T) {
	// The library panics in a goroutine on an empty Receive body
	// (masterzen/winrm#185), which would kill the whole provider.
	c, _ := scriptedServer(t, func(int) cannedReply { return cannedReply{200, soapContentType, ""} })
	_, err := c.Run(context.Background(), "fe01.contoso.com", "x")
	e := wantError(t, err, ErrProtocol)
	if e.Op != OpReceive || !strings.Contains(err.Error(), "malformed Receive response") {
		t.Fatalf("err = %v", err)
	}
}

func TestTransportReceiveFaultEndsPolling(t *testing.T) {
	// The library treats any Receive fault as "not done yet" and would poll
	// until the timeout; a vanished shell must fail at once.
	c, receives := scriptedServer(t, func(n int) cannedReply {
		if n == 1 {
			return cannedReply{500, soapContentType, fault("w:TimedOut", "2150858793", "no output yet")}
		}
		return cannedReply{500, soapContentType, fault("w:InvalidSelectors", "2150858843", "The request for the Windows Remote Shell with ShellId S1 failed because the shell was not found on the server.")}
	})
	_, err := c.Run(context.Background(), "fe01.contoso.com", "x")
	e := wantError(t, err, ErrTransient)
	if !e.OutcomeUnknown || e.Attempts != 1 || receives.Load() != 2 ||
		!strings.Contains(err.Error(), "the shell was not found on the server. (w:InvalidSelectors, code 2150858843)") {
		t.Fatalf("receives %d, err = %v", receives.Load(), err)
	}
}

func TestTransportNonSOAPOKIsExplained(t *testing.T) {
	c, _ := scriptedServer(t, func(int) cannedReply {
		return cannedReply{200, "text/html", "<html><body><h1>Proxy login</h1></body></html>"}
	})
	_, err := c.Run(context.Background(), "fe01.contoso.com", "x")
	assertKind(t, err, ErrProtocol)
	if !strings.Contains(err.Error(), "answered HTTP 200 while reading the script's output: Proxy login") ||
		!strings.Contains(err.Error(), "did not answer like a WinRM service") {
		t.Fatalf("err = %v", err)
	}
}

func TestTransportCompletesWithExitCode(t *testing.T) {
	done := envOpen + `<s:Header><a:Action>http://schemas.microsoft.com/wbem/wsman/1/windows/shell/ReceiveResponse</a:Action></s:Header><s:Body><rsp:ReceiveResponse>` +
		`<rsp:Stream Name="stdout" CommandId="C1">b2sNCg==</rsp:Stream>` +
		`<rsp:CommandState CommandId="C1" State="http://schemas.microsoft.com/wbem/wsman/1/windows/shell/CommandState/Done"><rsp:ExitCode>7</rsp:ExitCode></rsp:CommandState>` +
		`</rsp:ReceiveResponse></s:Body></s:Envelope>`
	c, _ := scriptedServer(t, func(int) cannedReply { return cannedReply{200, soapContentType, done} })
	res, err := c.Run(context.Background(), "fe01.contoso.com", "x")
	if err != nil {
		t.Fatal(err)
	}
	if res.ExitCode != 7 || res.Stdout != "ok\r\n" {
		t.Fatalf("%+v", res)
	}
}
