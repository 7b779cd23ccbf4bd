package winrm

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/masterzen/winrm"
	"github.com/masterzen/winrm/soap"
)

// Protocol timing. The WS-Management OperationTimeout is how long the server
// may hold a Receive when there is no output; the HTTP response-header
// timeout must be clearly longer, or the client gives up on a held Receive
// and loses output the server writes into it afterwards (reference §1.4).
const (
	wsmanOperationTimeout = "PT20S"
	responseHeaderTimeout = 30 * time.Second
	// cleanupTimeout bounds each Signal and Delete, which are sent even after
	// the caller's context is done so that no command is left running.
	cleanupTimeout = 10 * time.Second
	// envelopeSize is the MaxEnvelopeSize the client announces (the
	// library's default); stdin is sent in chunks just below it.
	envelopeSize = 153600
	// maxResponseBytes caps how much of a response is read: a WinRM
	// response is at most a few hundred kB; an error page is smaller.
	maxResponseBytes = 16 << 20
)

const soapContentType = "application/soap+xml;charset=UTF-8"

// hostConn holds what the executions on one server share: the HTTP
// transport with its connection pool, the endpoint and the concurrency cap.
type hostConn struct {
	fqdn     string
	addr     string // dialled host:port
	mapped   bool   // addr comes from the address map
	url      string // https://fqdn:port/wsman — the FQDN stays in the URL
	endpoint *winrm.Endpoint
	http     *http.Client
	slots    chan struct{}
}

// newHostConn builds the transport of one server.
//
// This package gives the library its own transport (Parameters.
// TransportDecorator) instead of setting Parameters.Dial on the library's:
// the library's transport has no context (a cancelled run would still wait
// for a dial or a held Receive), no TLS handshake timeout, follows proxy
// environment variables (which would defeat the address map), and reduces
// every non-SOAP error to "invalid content type", losing the body that says
// what is wrong.
//
// With AuthNTLM the transport is an [ntlmTransport] built from the same
// http.Transport settings.
func (c *Client) newHostConn(fqdn string) *hostConn {
	addr, mapped := c.addrs.resolve(fqdn, c.cfg.Port)
	dialer := &net.Dialer{Timeout: c.cfg.ConnectTimeout, KeepAlive: 30 * time.Second}
	newTransport := func() *http.Transport {
		return &http.Transport{
			Proxy: nil,
			// Dial the mapped address whatever the URL says: the URL keeps
			// the FQDN for the Host header and for TLS verification.
			DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
				return dialer.DialContext(ctx, network, addr)
			},
			TLSClientConfig: &tls.Config{
				ServerName:         fqdn,
				RootCAs:            c.roots, // nil: system roots
				InsecureSkipVerify: c.cfg.Insecure,
				MinVersion:         tls.VersionTLS12,
			},
			TLSHandshakeTimeout:   c.cfg.ConnectTimeout,
			ResponseHeaderTimeout: responseHeaderTimeout,
			// Each execution uses up to two connections at once (Receive is
			// held while stdin is sent).
			MaxIdleConnsPerHost: 2 * c.cfg.MaxConcurrentPerHost,
			IdleConnTimeout:     90 * time.Second,
		}
	}
	var rt http.RoundTripper
	if c.cfg.Auth == AuthNTLM {
		rt = &ntlmTransport{newTransport: newTransport}
	} else {
		rt = newTransport()
	}
	scheme := "http"
	if c.cfg.HTTPS {
		scheme = "https"
	}
	u := url.URL{Scheme: scheme, Host: net.JoinHostPort(fqdn, strconv.Itoa(c.cfg.Port)), Path: "/wsman"}
	return &hostConn{
		fqdn:   fqdn,
		addr:   addr,
		mapped: mapped,
		url:    u.String(),
		endpoint: &winrm.Endpoint{
			Host:          fqdn,
			Port:          c.cfg.Port,
			HTTPS:         c.cfg.HTTPS,
			Insecure:      c.cfg.Insecure,
			TLSServerName: fqdn,
			CACert:        c.cfg.CACertPEM,
			Timeout:       responseHeaderTimeout,
		},
		http:  &http.Client{Transport: rt},
		slots: make(chan struct{}, c.cfg.MaxConcurrentPerHost),
	}
}

// acquire takes one of the host's execution slots, waiting as long as ctx
// allows. The returned func gives it back.
func (h *hostConn) acquire(ctx context.Context) (release func(), err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	select {
	case h.slots <- struct{}{}:
		return func() { <-h.slots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (h *hostConn) close() {
	h.http.CloseIdleConnections()
}

// exchange is the library's transport for one execution of one script. It
// is also its flight recorder: which step failed first, with which error,
// and whether the script was put on the wire. The library loses that
// information (its Run returns exit code 0 with a bare error, and it ignores
// stdin errors altogether).
type exchange struct {
	host     *hostConn
	username string
	password string
	ctx      context.Context    // the execution's context
	abort    context.CancelFunc // cancels ctx: terminates the remote command

	mu          sync.Mutex
	phase       Op           // furthest step started
	failure     *stepFailure // first failed step (cleanup excluded)
	aborted     bool         // a step failed: deliver no more stdin
	payloadSent bool         // a Send with the script was posted
	cleanupDead bool         // a cleanup request could not connect
}

type stepFailure struct {
	op     Op
	err    error
	status int // HTTP status of the response, 0 without one
}

var _ winrm.Transporter = (*exchange)(nil)

// parameters returns fresh library parameters that route every request of
// the execution through x. They are never shared (the library's
// DefaultParameters is a mutable global).
func (x *exchange) parameters() *winrm.Parameters {
	p := winrm.NewParameters(wsmanOperationTimeout, "en-US", envelopeSize)
	p.TransportDecorator = func() winrm.Transporter { return x }
	return p
}

// Transport is called by the library with the endpoint; the host connection
// is already configured.
func (x *exchange) Transport(*winrm.Endpoint) error { return nil }

// Post sends one SOAP request. It keeps the library's contract (SOAP bodies
// are returned whatever the status, so that the Receive "TimedOut" fault
// makes it poll again) and improves on it: other faults, non-SOAP answers
// and malformed Receive bodies become errors that say what happened.
func (x *exchange) Post(_ *winrm.Client, msg *soap.SoapMessage) (string, error) {
	body := msg.String()
	op := opOf(body)
	ctx := x.ctx
	switch op {
	case opSignal, opDelete:
		// Clean up even when the execution's context is done.
		if x.cleanupSkipped() {
			return "", errors.New("cleanup skipped: the server is unreachable")
		}
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
		defer cancel()
	case OpSend:
		if !x.beginSend() {
			return "", errPayloadWithheld
		}
	default:
		x.enter(op)
	}

	resp, err := x.do(ctx, body)
	if err != nil {
		if op == OpReceive && isTimeout(err) && x.ctx.Err() == nil {
			// The HTTP response-header timeout fired on a held Receive; the
			// library polls again on a *url.Error with Timeout().
			return "", err
		}
		x.fail(op, err, 0)
		return "", err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil && resp.StatusCode == http.StatusOK {
		x.fail(op, err, resp.StatusCode)
		return "", err
	}
	// An error status with a body cut short (the server closed the
	// connection after its error page) is reported with what arrived.
	if !strings.Contains(resp.Header.Get("Content-Type"), "application/soap+xml") {
		serr := newStatusError(resp, data)
		x.fail(op, serr, resp.StatusCode)
		return "", serr
	}
	if f := parseFault(data); f != nil {
		if op == OpReceive && f.isTimedOut() {
			return string(data), nil // no output yet: the library polls again
		}
		x.fail(op, f, resp.StatusCode)
		return "", f
	}
	if resp.StatusCode != http.StatusOK {
		serr := newStatusError(resp, data)
		x.fail(op, serr, resp.StatusCode)
		return "", serr
	}
	if op == OpReceive && !wellFormedXML(data) {
		err := errors.New("the server sent a malformed Receive response")
		x.fail(op, err, resp.StatusCode)
		return "", err
	}
	return string(data), nil
}

func (x *exchange) do(ctx context.Context, body string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, x.host.url, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", soapContentType)
	// Also with AuthNTLM: the NTLM transport takes the credentials from
	// the Basic header and replaces it.
	req.SetBasicAuth(x.username, x.password)
	return x.host.http.Do(req)
}

// phaseRank orders the steps so that phase only moves forward (Receive and
// Send run concurrently).
var phaseRank = map[Op]int{OpCreateShell: 1, OpCommand: 2, OpReceive: 3, OpSend: 4}

func (x *exchange) enter(op Op) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if phaseRank[op] > phaseRank[x.phase] {
		x.phase = op
	}
}

// beginSend decides whether stdin may go out. Once a step has failed the
// script is withheld: the bootstrap waits for it, so withholding guarantees
// that the script did not run and that the execution may be retried.
func (x *exchange) beginSend() bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.aborted || x.ctx.Err() != nil {
		return false
	}
	x.payloadSent = true
	x.phase = OpSend
	return true
}

// fail records the first failed step. A failure caused by the execution's
// own context is not recorded: the caller reports the cancellation itself.
// A failed Send aborts the execution: the library would otherwise ignore it
// and close stdin, letting a truncated script start.
func (x *exchange) fail(op Op, err error, status int) {
	if op == opSignal || op == opDelete {
		if isConnectFailure(err) {
			x.mu.Lock()
			x.cleanupDead = true
			x.mu.Unlock()
		}
		return
	}
	x.mu.Lock()
	if x.ctx.Err() == nil && x.failure == nil {
		x.failure = &stepFailure{op: op, err: err, status: status}
	}
	x.aborted = true
	x.mu.Unlock()
	if op == OpSend {
		x.abort()
	}
}

func (x *exchange) cleanupSkipped() bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.cleanupDead
}

// outcome returns what the execution recorded, for classification.
func (x *exchange) outcome() (phase Op, failure *stepFailure, payloadSent bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	phase = x.phase
	if phase == "" {
		phase = OpCreateShell
	}
	return phase, x.failure, x.payloadSent
}

// wsmanActions maps the request Action URIs the library sends to steps.
var wsmanActions = map[string]Op{
	"http://schemas.xmlsoap.org/ws/2004/09/transfer/Create":           OpCreateShell,
	"http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Command": OpCommand,
	"http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Send":    OpSend,
	"http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Receive": OpReceive,
	"http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Signal":  opSignal,
	"http://schemas.xmlsoap.org/ws/2004/09/transfer/Delete":           opDelete,
}

// opOf finds the step of a request from its a:Action header, the first
// Action element of the envelope (the library's request builders are
// byte-identical across its versions).
func opOf(body string) Op {
	i := strings.Index(body, ":Action")
	if i < 0 {
		return OpRun
	}
	rest := body[i:]
	start := strings.IndexByte(rest, '>')
	end := strings.IndexByte(rest, '<')
	if start < 0 || end < start {
		return OpRun
	}
	if op, ok := wsmanActions[strings.TrimSpace(rest[start+1:end])]; ok {
		return op
	}
	return OpRun
}

// newStatusError captures a non-SOAP (or unexpected) answer, keeping a
// readable excerpt of its body: IIS, HTTP.sys, proxies and test servers
// explain themselves there.
func newStatusError(resp *http.Response, body []byte) *statusError {
	return &statusError{
		Code:      resp.StatusCode,
		Status:    resp.Status,
		Body:      excerpt(body),
		Challenge: strings.Join(resp.Header.Values("WWW-Authenticate"), ", "),
	}
}

// excerpt reduces a response body to at most 500 characters of text: tags
// removed (HTML error pages), white space collapsed.
func excerpt(body []byte) string {
	s := string(body)
	if strings.Contains(s, "<") {
		if t := xmlText(s); strings.TrimSpace(t) != "" {
			s = t
		}
	}
	s = collapseSpace(s)
	const limit = 500
	if len(s) > limit {
		cut := limit
		for cut > 0 && !utf8RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
