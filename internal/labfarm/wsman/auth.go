package wsman

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Authentication schemes, as logged.
const (
	schemeBasic = "basic"
	schemeNTLM  = "ntlm"
	// schemeNTLMConnection is a request without credentials on a connection
	// that completed an NTLM handshake: NTLM authenticates connections.
	schemeNTLMConnection = "ntlm-connection"
)

// identity is who sent a request and how the server knows.
type identity struct {
	user   string
	scheme string
}

// connKey is the context key of a connection's connAuth.
type connKey struct{}

// connAuth is what one TCP connection remembers between its requests: the
// NTLM challenge it was sent last and, after a successful AUTHENTICATE, who
// it belongs to. An HTTP/1.1 connection serves one request at a time; the mutex
// is for HTTP/2, where NTLM makes little sense but must not race.
type connAuth struct {
	mu      sync.Mutex
	pending *ntlmPending
	user    string // NTLM-authenticated account; "" when none
	host    string // the host user authenticated to
}

// ConnContext is the http.Server.ConnContext hook that gives every TCP
// connection the state NTLM authentication needs: the challenge sent in the
// handshake's second leg, and the account the connection authenticated as
// (later requests on it need no Authorization header, as on Windows). Only
// Config.NTLM needs it; set it on the server that serves s:
//
//	hs := &http.Server{Handler: srv, ConnContext: srv.ConnContext}
//
//	ts := httptest.NewUnstartedServer(srv)     // tests
//	ts.Config.ConnContext = srv.ConnContext
//	ts.Start()                                 // or StartTLS
//
// To combine it with a ConnContext of your own, call one from the other:
// func(ctx context.Context, c net.Conn) context.Context { return
// srv.ConnContext(mine(ctx, c), c) }. Without it, an NTLM NEGOTIATE is
// answered with HTTP 500 and an error in the log that says so.
func (s *Server) ConnContext(ctx context.Context, _ net.Conn) context.Context {
	return context.WithValue(ctx, connKey{}, &connAuth{})
}

// connState returns r's connection state, nil without Server.ConnContext.
func connState(r *http.Request) *connAuth {
	st, _ := r.Context().Value(connKey{}).(*connAuth)
	return st
}

// connectionUser returns the account the connection authenticated as by
// NTLM for host, "" when none.
func (c *connAuth) connectionUser(host string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.host != host {
		return ""
	}
	return c.user
}

// challenged starts a handshake. The connection stays authenticated until
// the AUTHENTICATE: a client with several requests in flight may run a
// handshake on a connection another of its requests authenticated.
func (c *connAuth) challenged(p *ntlmPending) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pending = p
}

// takePending returns and forgets the pending challenge: each challenge
// answers one AUTHENTICATE.
func (c *connAuth) takePending() *ntlmPending {
	c.mu.Lock()
	defer c.mu.Unlock()
	p := c.pending
	c.pending = nil
	return p
}

// authenticated records the outcome of an AUTHENTICATE; user "" when it
// failed.
func (c *connAuth) authenticated(user, host string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.user, c.host = user, host
	if user == "" {
		c.host = ""
	}
}

// authenticate finds out who sent r. When it cannot, it answers the request
// itself (401 with the offered schemes, the NTLM challenge, or 500 for a
// server set up without ConnContext) and returns false.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, host string, log *slog.Logger) (identity, bool) {
	authz := strings.TrimSpace(r.Header.Get("Authorization"))
	scheme, token, _ := strings.Cut(authz, " ")
	switch {
	case authz == "":
		if st := connState(r); s.cfg.NTLM && st != nil {
			if user := st.connectionUser(host); user != "" {
				return identity{user: user, scheme: schemeNTLMConnection}, true
			}
		}
		// Routine: NTLM clients (and masterzen's ClientNTLM even against a
		// Basic-only server) send every request anonymously first.
		log.Debug("wsman: no credentials; answering 401 with the offered schemes")
		s.unauthorized(w, "credentials missing")
		return identity{}, false

	case strings.EqualFold(scheme, "Basic"):
		user, password, ok := r.BasicAuth()
		if !ok || !s.checkBasic(user, password) {
			log.Info("wsman: authentication failed", "user", user, "basic", ok)
			s.unauthorized(w, "Basic credentials missing or rejected")
			return identity{}, false
		}
		return identity{user: user, scheme: schemeBasic}, true

	case s.cfg.NTLM && (strings.EqualFold(scheme, "NTLM") || strings.EqualFold(scheme, "Negotiate")):
		return s.ntlmStep(w, r, host, scheme, strings.TrimSpace(token), log)
	}
	log.Info("wsman: authentication failed", "scheme", scheme, "reason", "scheme not offered")
	s.unauthorized(w, "authentication scheme "+scheme+" is not offered")
	return identity{}, false
}

// checkBasic checks Basic credentials: Config.Authenticate, else
// Config.Password, else anything goes.
func (s *Server) checkBasic(account, password string) bool {
	switch {
	case s.cfg.Authenticate != nil:
		return s.cfg.Authenticate(account, password)
	case s.cfg.Password != nil:
		want, ok := s.cfg.Password(splitAccount(account, ""))
		return ok && subtle.ConstantTimeCompare([]byte(want), []byte(password)) == 1
	}
	return true
}

// unauthorized answers 401 with the schemes the server offers, in the order
// Windows lists them, and a text/plain explanation.
func (s *Server) unauthorized(w http.ResponseWriter, why string) {
	h := w.Header()
	offered := "Basic"
	if s.cfg.NTLM {
		h.Add("WWW-Authenticate", "Negotiate")
		h.Add("WWW-Authenticate", "NTLM")
		offered = "Negotiate, NTLM or Basic"
	}
	h.Add("WWW-Authenticate", `Basic realm="WSMAN"`)
	writeText(w, http.StatusUnauthorized, "lab farm: 401 Unauthorized: "+why+" (this server accepts "+offered+")")
}

// ntlmStep handles one leg of an NTLM handshake (scheme NTLM, or Negotiate
// carrying a raw NTLMSSP token, as every non-Windows client sends it):
// NEGOTIATE gets a CHALLENGE in a 401, AUTHENTICATE is verified and, when it
// holds, authenticates this request and the connection.
func (s *Server) ntlmStep(w http.ResponseWriter, r *http.Request, host, scheme, token string, log *slog.Logger) (identity, bool) {
	if strings.EqualFold(scheme, "Negotiate") { // answer in the client's spelling of the scheme
		scheme = "Negotiate"
	} else {
		scheme = "NTLM"
	}
	fail := func(why string, attrs ...any) (identity, bool) {
		log.Info("wsman: NTLM authentication failed", append([]any{"reason", why}, attrs...)...)
		if st := connState(r); st != nil {
			st.authenticated("", host)
		}
		s.unauthorized(w, "NTLM: "+why)
		return identity{}, false
	}
	raw, err := base64.StdEncoding.DecodeString(token)
	if err != nil {
		return fail("token is not base64")
	}
	typ, err := parseNTLMMessage(raw)
	if err != nil {
		return fail(err.Error())
	}
	st := connState(r)
	if st == nil {
		log.Error("wsman: NTLM needs per-connection state: set http.Server.ConnContext to the wsman Server's ConnContext method")
		writeText(w, http.StatusInternalServerError,
			"lab farm: NTLM is enabled but the HTTP server does not keep per-connection state; set http.Server.ConnContext = (*wsman.Server).ConnContext")
		return identity{}, false
	}

	switch typ {
	case ntlmNegotiate:
		msg, challenge, err := newNTLMChallenge(raw, s.ntlmNames(host), time.Now())
		if err != nil {
			return fail(err.Error())
		}
		p := &ntlmPending{host: host, challenge: challenge, issued: time.Now()}
		st.challenged(p)
		s.challenges.add(p)
		log.Debug("wsman: NTLM challenge sent", "scheme", scheme)
		// HTTP.sys answers the NEGOTIATE leg with an empty 401.
		w.Header().Set("WWW-Authenticate", scheme+" "+base64.StdEncoding.EncodeToString(msg))
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(http.StatusUnauthorized)
		return identity{}, false

	case ntlmAuthenticate:
		own := st.takePending()
		defer s.challenges.answered(own) // answered or failed, it is used up
		candidates := s.challenges.candidates(host, own, time.Now())
		if len(candidates) == 0 {
			return fail("AUTHENTICATE without a CHALLENGE (send NEGOTIATE first, on the same connection)")
		}
		m, err := parseNTLMAuthenticate(raw)
		if err != nil {
			return fail(err.Error())
		}
		if m.user == "" {
			return fail("anonymous NTLM is not accepted")
		}
		if len(m.ntResponse) < ntlmResponseV2Len {
			return fail("only NTLMv2 is accepted", "user", m.user)
		}
		user, domain := splitAccount(m.user, m.domain)
		password, known := s.cfg.Password(user, domain)
		var matched *ntlmPending
		for _, p := range candidates {
			if known && m.verify(p.challenge, password) {
				matched = p
				break
			}
		}
		if matched == nil {
			return fail("credentials rejected", "user", m.user, "domain", m.domain, "known", known)
		}
		s.challenges.answered(matched)
		if matched != own {
			log.Debug("wsman: NTLM AUTHENTICATE answered a CHALLENGE sent on another connection")
		}
		account := ntlmAccountName(m.user, m.domain)
		st.authenticated(account, host)
		log.Debug("wsman: NTLM authenticated", "user", account, "workstation", m.workstation)
		return identity{user: account, scheme: schemeNTLM}, true
	}
	return fail("unexpected NTLMSSP message type", "type", typ)
}

// ntlmAccountName is the account an AUTHENTICATE names, as Command.User
// shows it: DOMAIN\user, or the user name as sent when it is already
// qualified (user@domain) or has no domain.
func ntlmAccountName(user, domain string) string {
	if domain == "" || strings.ContainsAny(user, `\@`) {
		return user
	}
	return domain + `\` + user
}

// refuseEncrypted answers requests that need NTLM message encryption
// (sealing), which this server does not implement, and returns true:
//   - a multipart/encrypted body (pywinrm, or masterzen's Encryption, after
//     their encryption setup succeeded) gets 415;
//   - an empty POST authenticated by NTLM, the encryption setup of pywinrm
//     (transport 'ntlm' over http) and of masterzen's Encryption transport,
//     gets 400. Windows answers 200 there; any other status makes masterzen's
//     Encryption fall back to unencrypted ClientNTLM and pywinrm fail with a
//     WinRMTransportError carrying this explanation.
func (s *Server) refuseEncrypted(w http.ResponseWriter, r *http.Request, id identity, body []byte, log *slog.Logger) bool {
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case strings.HasPrefix(mediaType, "multipart/") && strings.Contains(mediaType, "encrypted"):
		log.Info("wsman: encrypted message refused", "user", id.user, "content-type", r.Header.Get("Content-Type"))
		writeText(w, http.StatusUnsupportedMediaType,
			"lab farm: encrypted WinRM messages (NTLM/Kerberos/CredSSP sealing) are not supported; use HTTPS, or disable message encryption (pywinrm: message_encryption='never')")
		return true
	case len(body) == 0 && id.scheme != schemeBasic:
		log.Info("wsman: message encryption setup refused", "user", id.user)
		writeText(w, http.StatusBadRequest,
			"lab farm: empty request after NTLM authentication: this server does not implement NTLM message encryption (sealing); use HTTPS, or disable message encryption (pywinrm: message_encryption='never')")
		return true
	}
	return false
}
