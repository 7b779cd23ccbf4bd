package wsman

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
)

// Server is the WS-Management endpoint of the whole farm. It is an
// http.Handler for POST /wsman; serve it with net/http (see the package
// documentation) and call Close before shutting the HTTP server down.
type Server struct {
	cfg Config

	ctx     context.Context // parent of every command's context
	cancel  context.CancelFunc
	closing chan struct{} // closed by Close: releases long-polls and hung requests
	running sync.WaitGroup

	mu     sync.Mutex
	closed bool
	shells map[string]*shell // by upper-case ShellId
	stats  map[string]*HostStats

	challenges ntlmChallenges // NTLM CHALLENGEs awaiting their AUTHENTICATE
}

// New returns a Server for cfg.
func New(cfg Config) (*Server, error) {
	if cfg.Executor == nil {
		return nil, errors.New("wsman: Config.Executor is required")
	}
	if cfg.NTLM && cfg.Password == nil {
		return nil, errors.New("wsman: Config.NTLM requires Config.Password: NTLMv2 responses can only be checked against the account's password")
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Server{
		cfg:     cfg.withDefaults(),
		ctx:     ctx,
		cancel:  cancel,
		closing: make(chan struct{}),
		shells:  make(map[string]*shell),
		stats:   make(map[string]*HostStats),
	}, nil
}

// Close deletes every shell, cancels every running command and waits for the
// executors to return. Requests waiting in a Receive or a Hang are released;
// later requests get HTTP 503. Close it before http.Server.Shutdown or
// httptest.Server.Close, which wait for those requests.
func (s *Server) Close() error {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.closing)
		for _, sh := range s.shells {
			s.removeShellLocked(sh)
		}
	}
	s.mu.Unlock()
	s.cancel()
	s.running.Wait()
	return nil
}

// exchange is one request being served.
type exchange struct {
	w    http.ResponseWriter
	r    *http.Request
	req  *request
	host string
	user string
}

// fail answers the request with a fault.
func (x *exchange) fail(f *fault) {
	writeFault(x.w, x.req.Header.MessageID, x.host, f)
}

// ServeHTTP serves one WS-Management request: routing by Host, fault
// injection, authentication (Basic, and NTLM when Config.NTLM is set), then
// the WinRS operation.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/wsman" {
		writeText(w, http.StatusNotFound, fmt.Sprintf("lab farm: no WS-Management endpoint at %q; clients POST to /wsman", r.URL.Path))
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeText(w, http.StatusMethodNotAllowed, fmt.Sprintf("lab farm: %s not allowed; WS-Management requests are POSTs to /wsman", r.Method))
		return
	}
	host := requestHost(r)
	s.countRequest(host)
	log := s.cfg.Logger.With("host", host)

	if s.cfg.KnownHost != nil && !s.cfg.KnownHost(host) {
		log.Warn("wsman: request for a host that is not in the farm", "remote", r.RemoteAddr)
		writeText(w, http.StatusNotFound, fmt.Sprintf(
			"lab farm: no server named %q in this farm; the HTTP Host header selects the emulated server", host))
		return
	}

	select {
	case <-s.closing:
		writeText(w, http.StatusServiceUnavailable, "lab farm: the WinRM service is stopped")
		return
	default:
	}

	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxEnvelopeBytes))
	if err != nil {
		if maxErr := (*http.MaxBytesError)(nil); errors.As(err, &maxErr) {
			log.Warn("wsman: request body too large", "limit", maxEnvelopeBytes)
			writeText(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("lab farm: request body exceeds %d bytes", maxEnvelopeBytes))
		}
		return // otherwise the client went away while sending
	}
	req, parseErr := parseRequest(body)
	op := req.op()

	if s.cfg.Interceptor != nil {
		if a := s.cfg.Interceptor(host, op); a != Proceed {
			log.Debug("wsman: injected failure", "op", op, "action", a)
			s.inject(a, w, r, host)
			return
		}
	}

	id, ok := s.authenticate(w, r, host, log)
	if !ok {
		return
	}
	if s.refuseEncrypted(w, r, id, body, log) {
		return
	}
	user := id.user

	if parseErr != nil {
		log.Info("wsman: unparseable request", "user", user, "err", parseErr)
		writeFault(w, "", host, faultInvalidXML(parseErr))
		return
	}
	x := &exchange{w: w, r: r, req: req, host: host, user: user}
	log.Debug("wsman: request", "user", user, "auth", id.scheme, "op", op, "action", req.Header.Action)
	s.dispatch(x, op)
}

// dispatch validates the headers every operation needs and runs the operation.
func (s *Server) dispatch(x *exchange, op Op) {
	h := x.req.Header
	switch {
	case h.Action == "":
		x.fail(faultHeaderRequired("a:Action"))
		return
	case h.MessageID == "":
		x.fail(faultHeaderRequired("a:MessageID"))
		return
	case op == OpUnknown:
		x.fail(faultActionNotSupported(h.Action))
		return
	case h.ResourceURI != resourceURICmd:
		x.fail(faultResourceURI(h.ResourceURI))
		return
	case op == OpCreate:
		s.create(x)
		return
	}

	id, ok := x.req.shellID()
	if !ok || id == "" {
		x.fail(faultNoShellSelector())
		return
	}
	sh, f := s.acquireShell(x.host, x.user, id)
	if f != nil {
		s.cfg.Logger.Info("wsman: unknown shell", "host", x.host, "user", x.user, "op", op, "shell", id)
		x.fail(f)
		return
	}
	defer s.releaseShell(sh)

	switch op {
	case OpCommand:
		s.command(x, sh)
	case OpSend:
		s.send(x, sh)
	case OpReceive:
		s.receive(x, sh)
	case OpSignal:
		s.signal(x, sh)
	case OpDelete:
		s.deleteShell(sh)
		writeResponse(x.w, x.req, "")
	}
}
