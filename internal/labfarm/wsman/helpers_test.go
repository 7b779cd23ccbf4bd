package wsman

import (
	"context"
	"crypto/tls"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/masterzen/winrm"
)

const (
	testUser     = `CONTOSO\labadmin`
	testPassword = "Pa55w.rd"
)

var farmHosts = []string{"fe01.contoso.com", "fe02.contoso.com"}

// execFunc adapts a function to Executor.
type execFunc func(ctx context.Context, cmd Command) int

func (f execFunc) Run(ctx context.Context, cmd Command) int { return f(ctx, cmd) }

// farm is a Server behind an httptest listener on 127.0.0.1.
type farm struct {
	srv   *Server
	ts    *httptest.Server
	addr  string // 127.0.0.1:port
	port  int
	https bool
	caPEM []byte
	logs  *logRecorder
}

type farmOptions struct {
	https         bool
	wrap          func(http.Handler) http.Handler // middleware around the Server
	noConnContext bool                            // serve without Server.ConnContext
}

// startFarm serves cfg; unset Authenticate (when Password is unset too),
// KnownHost and Logger get test defaults (testUser/testPassword, farmHosts, a
// recorder that prints on failure). The HTTP server uses Server.ConnContext
// unless opts.noConnContext.
func startFarm(t *testing.T, cfg Config, opts farmOptions) *farm {
	t.Helper()
	if cfg.Authenticate == nil && cfg.Password == nil {
		cfg.Authenticate = func(u, p string) bool { return u == testUser && p == testPassword }
	}
	if cfg.KnownHost == nil {
		cfg.KnownHost = func(h string) bool { return slices.Contains(farmHosts, h) }
	}
	logs := &logRecorder{out: t.Output()}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(logs)
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var h http.Handler = srv
	if opts.wrap != nil {
		h = opts.wrap(srv)
	}
	ts := httptest.NewUnstartedServer(h)
	if !opts.noConnContext {
		ts.Config.ConnContext = srv.ConnContext
	}
	f := &farm{srv: srv, ts: ts, https: opts.https, logs: logs}
	if opts.https {
		tlsConfig, caPEM, err := NewTLSConfig(farmHosts...)
		if err != nil {
			t.Fatal(err)
		}
		ts.TLS, f.caPEM = tlsConfig, caPEM
		ts.StartTLS()
	} else {
		ts.Start()
	}
	t.Cleanup(ts.Close)
	t.Cleanup(func() { _ = srv.Close() }) // first: releases long-polls that ts.Close waits for
	f.addr = ts.Listener.Addr().String()
	_, port, _ := net.SplitHostPort(f.addr)
	f.port, _ = strconv.Atoi(port)
	return f
}

// clientConfig tweaks a masterzen client.
type clientConfig struct {
	user, password string
	caPEM          []byte        // nil: the farm's CA
	noCA           bool          // trust no CA at all
	timeout        time.Duration // Endpoint.Timeout (response header timeout)
	// transport is Parameters.TransportDecorator (nil: masterzen's default
	// Basic transport, which dials through Parameters.Dial). Decorators
	// such as &winrm.ClientNTLM{} dial the endpoint's host themselves.
	transport func() winrm.Transporter
}

// client returns an unmodified masterzen client for host whose connections
// go to the farm's listener, like a DNS entry pointing at it.
func (f *farm) client(t *testing.T, host string, cc clientConfig) *winrm.Client {
	t.Helper()
	if cc.user == "" {
		cc.user, cc.password = testUser, testPassword
	}
	if cc.timeout == 0 {
		cc.timeout = 20 * time.Second
	}
	ca := f.caPEM
	if cc.caPEM != nil {
		ca = cc.caPEM
	}
	if cc.noCA {
		ca = nil
	}
	params := winrm.NewParameters("PT60S", "en-US", 153600)
	addr := f.addr
	params.Dial = func(network, _ string) (net.Conn, error) { return net.Dial(network, addr) }
	params.TransportDecorator = cc.transport
	endpoint := winrm.NewEndpoint(host, f.port, f.https, false, ca, nil, nil, cc.timeout)
	c, err := winrm.NewClientWithParameters(endpoint, cc.user, cc.password, params)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// logRecorder is a slog.Handler that prints to the test's output and lets a
// test wait for a message.
type logRecorder struct {
	out io.Writer

	mu      sync.Mutex
	seen    []string
	waiters []logWaiter
}

type logWaiter struct {
	msg string
	ch  chan struct{}
}

func (l *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (l *logRecorder) WithGroup(string) slog.Handler            { return l }

func (l *logRecorder) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &boundRecorder{logRecorder: l, attrs: attrs}
}

func (l *logRecorder) Handle(_ context.Context, r slog.Record) error { return l.handle(r, nil) }

func (l *logRecorder) handle(r slog.Record, bound []slog.Attr) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", r.Level, r.Message)
	for _, a := range bound {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
	}
	r.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
		return true
	})
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintln(l.out, b.String())
	l.seen = append(l.seen, r.Message)
	kept := l.waiters[:0]
	for _, w := range l.waiters {
		if w.msg == r.Message {
			close(w.ch)
		} else {
			kept = append(kept, w)
		}
	}
	l.waiters = kept
	return nil
}

// boundRecorder is a logRecorder with attributes from Logger.With.
type boundRecorder struct {
	*logRecorder
	attrs []slog.Attr
}

func (b *boundRecorder) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &boundRecorder{logRecorder: b.logRecorder, attrs: append(slices.Clip(b.attrs), attrs...)}
}

func (b *boundRecorder) Handle(_ context.Context, r slog.Record) error { return b.handle(r, b.attrs) }

// next returns a channel closed when msg is logged after this call.
func (l *logRecorder) next(msg string) <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	ch := make(chan struct{})
	l.waiters = append(l.waiters, logWaiter{msg: msg, ch: ch})
	return ch
}

// rawRequest is a request envelope as masterzen builds it, for exercising
// what clients do not.
type rawRequest struct {
	action           string
	messageID        string // default: a fresh uuid
	selectorName     string // default ShellId
	shellID          string // no SelectorSet when empty
	resourceURI      string // default: the cmd shell
	maxEnvelopeSize  int    // default 153600
	operationTimeout string // default PT60S
	body             string
}

func (r rawRequest) String() string {
	if r.messageID == "" {
		r.messageID = "uuid:" + strings.ToLower(newGUID())
	}
	if r.selectorName == "" {
		r.selectorName = "ShellId"
	}
	if r.resourceURI == "" {
		r.resourceURI = resourceURICmd
	}
	if r.maxEnvelopeSize == 0 {
		r.maxEnvelopeSize = 153600
	}
	if r.operationTimeout == "" {
		r.operationTimeout = "PT60S"
	}
	selectors := ""
	if r.shellID != "" {
		selectors = `<w:SelectorSet><w:Selector Name="` + r.selectorName + `">` + r.shellID + `</w:Selector></w:SelectorSet>`
	}
	messageID := ""
	if r.messageID != "-" {
		messageID = `<a:MessageID>` + r.messageID + `</a:MessageID>`
	}
	return `<?xml version="1.0" encoding="utf-8" ?>` +
		`<env:Envelope xmlns:env="` + nsSOAP + `" xmlns:a="` + nsAddressing + `" xmlns:rsp="` + nsShell + `" xmlns:w="` + nsWSMan + `" xmlns:p="` + nsMSWSMan + `">` +
		`<env:Header><a:To>http://127.0.0.1:5985/wsman</a:To>` +
		`<a:ReplyTo><a:Address mustUnderstand="true">` + addressAnonymous + `</a:Address></a:ReplyTo>` +
		`<w:MaxEnvelopeSize mustUnderstand="true">` + strconv.Itoa(r.maxEnvelopeSize) + `</w:MaxEnvelopeSize>` +
		`<w:OperationTimeout>` + r.operationTimeout + `</w:OperationTimeout>` + messageID +
		`<w:Locale mustUnderstand="false" xml:lang="en-US"/><p:DataLocale mustUnderstand="false" xml:lang="en-US"/>` +
		`<a:Action mustUnderstand="true">` + r.action + `</a:Action>` + selectors +
		`<w:ResourceURI mustUnderstand="true">` + r.resourceURI + `</w:ResourceURI>` +
		`</env:Header><env:Body>` + r.body + `</env:Body></env:Envelope>`
}

// rawResponse is a parsed reply envelope.
type rawResponse struct {
	status      int
	contentType string
	text        string
	env         responseEnvelope
}

type responseEnvelope struct {
	Header struct {
		Action    string `xml:"http://schemas.xmlsoap.org/ws/2004/08/addressing Action"`
		MessageID string `xml:"http://schemas.xmlsoap.org/ws/2004/08/addressing MessageID"`
		To        string `xml:"http://schemas.xmlsoap.org/ws/2004/08/addressing To"`
		RelatesTo string `xml:"http://schemas.xmlsoap.org/ws/2004/08/addressing RelatesTo"`
	} `xml:"http://www.w3.org/2003/05/soap-envelope Header"`
	Body struct {
		Inner string `xml:",innerxml"`
		Fault *struct {
			Code    string `xml:"http://www.w3.org/2003/05/soap-envelope Code>Value"`
			Subcode string `xml:"http://www.w3.org/2003/05/soap-envelope Code>Subcode>Value"`
			Reason  string `xml:"http://www.w3.org/2003/05/soap-envelope Reason>Text"`
			Detail  struct {
				WSManFault struct {
					Code    string `xml:"Code,attr"`
					Machine string `xml:"Machine,attr"`
					Message string `xml:",innerxml"`
				} `xml:"http://schemas.microsoft.com/wbem/wsman/1/wsmanfault WSManFault"`
			} `xml:"http://www.w3.org/2003/05/soap-envelope Detail"`
		} `xml:"http://www.w3.org/2003/05/soap-envelope Fault"`
		Created struct {
			Reference struct {
				Selectors []nameValue `xml:"http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd SelectorSet>Selector"`
			} `xml:"http://schemas.xmlsoap.org/ws/2004/08/addressing ReferenceParameters"`
		} `xml:"http://schemas.xmlsoap.org/ws/2004/09/transfer ResourceCreated"`
		ShellID string `xml:"http://schemas.microsoft.com/wbem/wsman/1/windows/shell Shell>ShellId"`
		CmdID   string `xml:"http://schemas.microsoft.com/wbem/wsman/1/windows/shell CommandResponse>CommandId"`
		Receive *struct {
			Streams []struct {
				Name      string `xml:"Name,attr"`
				CommandID string `xml:"CommandId,attr"`
				End       string `xml:"End,attr"`
				Data      string `xml:",chardata"`
			} `xml:"http://schemas.microsoft.com/wbem/wsman/1/windows/shell Stream"`
			CommandState struct {
				State    string `xml:"State,attr"`
				ExitCode string `xml:"http://schemas.microsoft.com/wbem/wsman/1/windows/shell ExitCode"`
			} `xml:"http://schemas.microsoft.com/wbem/wsman/1/windows/shell CommandState"`
		} `xml:"http://schemas.microsoft.com/wbem/wsman/1/windows/shell ReceiveResponse"`
	} `xml:"http://www.w3.org/2003/05/soap-envelope Body"`
}

// httpClient posts straight to the farm's listener whatever the URL's host.
func (f *farm) httpClient() *http.Client {
	addr := f.addr
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // test transport
	}
	return &http.Client{Transport: tr}
}

// post sends a raw envelope to host with the test credentials.
func (f *farm) post(t *testing.T, ctx context.Context, host, body string) rawResponse {
	t.Helper()
	resp, err := f.do(ctx, host, body)
	if err != nil {
		t.Fatalf("POST to %s: %v", host, err)
	}
	return resp
}

func (f *farm) do(ctx context.Context, host, body string) (rawResponse, error) {
	scheme := "http"
	if f.https {
		scheme = "https"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, scheme+"://"+host+":"+strconv.Itoa(f.port)+"/wsman", strings.NewReader(body))
	if err != nil {
		return rawResponse{}, err
	}
	req.Header.Set("Content-Type", soapContentType)
	req.SetBasicAuth(testUser, testPassword)
	resp, err := f.httpClient().Do(req)
	if err != nil {
		return rawResponse{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return rawResponse{}, err
	}
	r := rawResponse{status: resp.StatusCode, contentType: resp.Header.Get("Content-Type"), text: string(data)}
	if strings.Contains(r.contentType, "soap+xml") {
		if err := xml.Unmarshal(data, &r.env); err != nil {
			return r, fmt.Errorf("reply is not XML: %w\n%s", err, data)
		}
	}
	return r, nil
}

// faultCode returns the WSManFault Code of a fault reply, "" otherwise.
func (r rawResponse) faultCode() string {
	if r.env.Body.Fault == nil {
		return ""
	}
	return r.env.Body.Fault.Detail.WSManFault.Code
}

// rawCreate creates a shell on host and returns its id.
func (f *farm) rawCreate(t *testing.T, host string) string {
	t.Helper()
	r := f.post(t, context.Background(), host, rawRequest{action: actionCreate,
		body: `<rsp:Shell><rsp:InputStreams>stdin</rsp:InputStreams><rsp:OutputStreams>stdout stderr</rsp:OutputStreams></rsp:Shell>`}.String())
	if r.status != http.StatusOK || r.env.Body.ShellID == "" {
		t.Fatalf("Create: %d %s", r.status, r.text)
	}
	return r.env.Body.ShellID
}

// rawCommand starts a command on fe01 and returns its id.
func (f *farm) rawCommand(t *testing.T, shellID, line string) string {
	t.Helper()
	r := f.post(t, context.Background(), "fe01.contoso.com", rawRequest{action: actionCommand, shellID: shellID,
		body: `<rsp:CommandLine><rsp:Command><![CDATA[` + line + `]]></rsp:Command></rsp:CommandLine>`}.String())
	if r.status != http.StatusOK || r.env.Body.CmdID == "" {
		t.Fatalf("Command: %d %s", r.status, r.text)
	}
	return r.env.Body.CmdID
}

func receiveRequest(shellID, commandID string) rawRequest {
	return rawRequest{action: actionReceive, shellID: shellID,
		body: `<rsp:Receive><rsp:DesiredStream CommandId="` + commandID + `">stdout stderr</rsp:DesiredStream></rsp:Receive>`}
}
