package winrm

import (
	"errors"
	"io"
	"net/http"
	"sync"

	"github.com/Azure/go-ntlmssp"
)

// ntlmTransport authenticates every request of one server with NTLM, as the
// library's ClientNTLM does: an [ntlmssp.Negotiator] takes the credentials
// from the request's Basic header and runs the handshake (anonymous try,
// NEGOTIATE, CHALLENGE, AUTHENTICATE), or falls back to Basic when the
// server does not offer NTLM.
//
// NTLM authenticates a TCP connection, not a request: the NEGOTIATE and the
// AUTHENTICATE of a handshake must travel on the same connection, with no
// other request in between. A Negotiator over one shared pooled
// http.Transport does not guarantee that when requests run concurrently,
// as they do here (up to Config.MaxConcurrentPerHost executions per server,
// each with a held Receive while stdin is sent): a leg may take a
// connection another request just released, or a new one, and the server
// rejects it. So each request, with all the legs of its handshake, runs on
// a transport of its own that holds at most one connection; the transports
// are pooled. A pooled transport keeps its connection, which stays
// authenticated on Windows, so the next request on it passes with the
// Negotiator's anonymous try in one round trip. Every request of a Client
// carries the same credentials, so sharing authenticated connections
// between its requests lends no one another's identity.
type ntlmTransport struct {
	// newTransport returns an http.Transport with the settings of the
	// server (dialer with the address map, TLS, timeouts).
	newTransport func() *http.Transport

	mu sync.Mutex
	// idle holds the transports no request is using, the most recently
	// used last. Its length never exceeds the peak number of concurrent
	// requests to the server, which the per-host cap bounds.
	idle []*http.Transport
}

var _ http.RoundTripper = (*ntlmTransport)(nil)

// RoundTrip sends req, which carries Basic credentials, with NTLM
// authentication. The transport used goes back to the pool when the
// response body is closed, since its connection is busy until then.
func (p *ntlmTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	tr := p.get()
	legs := &ntlmLegs{rt: tr}
	resp, err := ntlmssp.Negotiator{RoundTripper: legs}.RoundTrip(req)
	if err != nil {
		// The Negotiator may return without closing the last response
		// (a malformed challenge), which would keep the only connection
		// of tr busy forever: close it, and retire tr.
		if legs.last != nil {
			_ = legs.last.Body.Close()
		}
		tr.CloseIdleConnections()
		if legs.err == nil || !errors.Is(err, legs.err) {
			return nil, &ntlmError{err: err}
		}
		return nil, err
	}
	resp.Body = &releaseOnClose{ReadCloser: resp.Body, release: func() { p.put(tr) }}
	return resp, nil
}

// CloseIdleConnections closes the connections of the transports no request
// is using; the transports stay usable.
func (p *ntlmTransport) CloseIdleConnections() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, tr := range p.idle {
		tr.CloseIdleConnections()
	}
}

func (p *ntlmTransport) get() *http.Transport {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.idle); n > 0 {
		tr := p.idle[n-1]
		p.idle = p.idle[:n-1]
		return tr
	}
	tr := p.newTransport()
	// One connection: a leg waits for the previous leg's connection to be
	// released instead of dialling another.
	tr.MaxConnsPerHost = 1
	tr.MaxIdleConnsPerHost = 1
	return tr
}

func (p *ntlmTransport) put(tr *http.Transport) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.idle = append(p.idle, tr)
}

// ntlmLegs sends the legs of one request's handshake and remembers the last
// outcome. Each leg goes out as a copy of the request: the Negotiator
// rewrites the Authorization header of its request between legs, while
// net/http may not be done with the previous leg's request yet.
type ntlmLegs struct {
	rt   http.RoundTripper
	last *http.Response
	err  error
}

func (l *ntlmLegs) RoundTrip(req *http.Request) (*http.Response, error) {
	l.last, l.err = l.rt.RoundTrip(req.Clone(req.Context()))
	return l.last, l.err
}

// ntlmError is a failure of the NTLM handshake itself, such as a challenge
// the client cannot answer, as opposed to a failure of the connection.
type ntlmError struct{ err error }

func (e *ntlmError) Error() string { return "NTLM handshake failed: " + e.err.Error() }
func (e *ntlmError) Unwrap() error { return e.err }

// releaseOnClose calls release once, after the body is closed.
type releaseOnClose struct {
	io.ReadCloser
	once    sync.Once
	release func()
}

func (b *releaseOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.release)
	return err
}
