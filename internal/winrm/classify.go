package winrm

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"syscall"

	"github.com/masterzen/winrm"
)

// Hints, written for the person who has to fix the server or the
// configuration. They name the provider settings where the fix is there.
const (
	hintAuth401 = `Check username/password; Basic authentication must be enabled on the WinRM service ` +
		`(winrm set winrm/config/service/auth @{Basic="true"}), and over HTTP AllowUnencrypted must be true — prefer HTTPS`
	hintAuth401NTLM = `Check username/password (a domain account is written DOMAIN\user or user@domain.fqdn); Negotiate authentication ` +
		`must be enabled on the WinRM service (winrm set winrm/config/service/auth @{Negotiate="true"}, the default)`
	// hintNTLMOverHTTP completes hintAuth401NTLM over plain HTTP, where a
	// Windows server refuses NTLM messages that are not sealed after a
	// successful handshake, with a 401 that looks like a wrong password.
	hintNTLMOverHTTP = `; over HTTP, Windows also refuses NTLM-authenticated messages that are not encrypted, and this client does not encrypt them: ` +
		`use HTTPS, or set AllowUnencrypted=true on the WinRM service (winrm set winrm/config/service @{AllowUnencrypted="true"}), which sends the scripts in clear text`
	hintNTLMHandshake = "The server's NTLM challenge cannot be answered: this client speaks NTLMv2 authentication only, " +
		"without key exchange or message encryption"
	hintAccessDenied = "The account authenticated but may not open remote shells: " +
		"make it a member of the local Administrators (or Remote Management Users) group of the server"
	hintUnknownAuthority = "The server's certificate is not signed by a trusted CA: set ca_certificate to the PEM of the CA " +
		"that issued the WinRM HTTPS listener's certificate (insecure = true skips verification; labs only)"
	hintCertInvalid    = "The server's certificate is not valid (expired, not yet valid, or not for server authentication); renew the WinRM HTTPS listener's certificate"
	hintHTTPOnHTTPS    = "The port answers plain HTTP: turn HTTPS off, or use the HTTPS listener's port (5986 by default)"
	hintTLSGeneric     = "Check that the port is a WinRM HTTPS listener (winrm enumerate winrm/config/listener) and that it accepts TLS 1.2"
	hintNoSuchHost     = "The name does not resolve from here: fix DNS, or map the server to an address in the address map"
	hintNotWinRM       = "The endpoint did not answer like a WinRM service: check the port and that the listener serves /wsman"
	hintDeadline       = "If the operation legitimately takes longer, raise the timeout"
	hintTransientRetry = "This is usually temporary (service restarting, network blip, server busy); try again"
)

// classify turns the first failure of an execution into an *Error.
// payloadSent tells whether the script had been put on the wire: then the
// outcome is unknown and the failure is never retried.
func (c *Client) classify(h *hostConn, op Op, err error, status int, payloadSent bool) *Error {
	e := &Error{
		Op:             op,
		Host:           h.fqdn,
		Addr:           h.addr,
		StatusCode:     status,
		OutcomeUnknown: payloadSent,
		Err:            unwrapURL(err),
	}
	var (
		se        *statusError
		ntlmErr   *ntlmError
		fault     *Fault
		execErr   *winrm.ExecuteCommandError
		unknownCA x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
		dnsErr    *net.DNSError
		opErr     *net.OpError
	)
	switch {
	case errors.As(err, &se):
		e.StatusCode = se.Code
		c.classifyStatus(e, se)
	case errors.As(err, &ntlmErr):
		e.Kind, e.Hint = ErrAuth, hintNTLMHandshake
	case errors.As(err, &fault):
		e.Kind = fault.kind()
		e.Err = fault
		if e.Kind == ErrAuth {
			e.Hint = hintAccessDenied
		}
		e.temporary = e.Kind == ErrTransient
	case errors.As(err, &execErr):
		// A response the library could not use (e.g. no shell id).
		if f := parseFault([]byte(execErr.Body)); f != nil {
			return c.classify(h, op, f, status, payloadSent)
		}
		e.Kind = ErrProtocol
		e.Err = fmt.Errorf("%w: %s", execErr, excerpt([]byte(execErr.Body)))
		e.Hint = hintNotWinRM
	case errors.As(err, &unknownCA):
		e.Kind, e.Hint = ErrTLS, hintUnknownAuthority
	case errors.As(err, &hostname):
		e.Kind = ErrTLS
		e.Hint = fmt.Sprintf("The certificate must name %s (subject alternative name): the TLS name is always the server FQDN, "+
			"also when the address map dials %s instead", h.fqdn, h.addr)
	case errors.As(err, &invalid):
		e.Kind, e.Hint = ErrTLS, hintCertInvalid
	case strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		e.Kind, e.Hint = ErrTLS, hintHTTPOnHTTPS
	case strings.Contains(err.Error(), "TLS handshake timeout"):
		e.Kind, e.temporary = ErrTimeout, true
		e.Hint = hintTLSGeneric
	case errors.As(err, &dnsErr):
		e.Kind = ErrConnect
		e.temporary = !dnsErr.IsNotFound
		switch {
		case dnsErr.IsNotFound && h.mapped:
			e.Hint = fmt.Sprintf("The address map sends %s to %s, which does not resolve from here: fix that entry", h.fqdn, h.addr)
		case dnsErr.IsNotFound:
			e.Hint = hintNoSuchHost
		}
	case errors.As(err, &opErr) && opErr.Op == "dial":
		e.Kind, e.temporary = ErrConnect, true
		if opErr.Timeout() {
			e.Kind = ErrTimeout
		}
		e.Hint = fmt.Sprintf("Check that the WinRM service on %s is running and listening on %s "+
			"(winrm enumerate winrm/config/listener), that no firewall blocks it, and that the address map is right", h.fqdn, h.addr)
	case isTLSFailure(err):
		e.Kind, e.Hint = ErrTLS, hintTLSGeneric
	case isTimeout(err):
		// Response-header timeout outside Receive: the server accepted
		// the connection but did not answer.
		e.Kind, e.temporary = ErrTimeout, true
	case isConnectionDrop(err):
		e.Kind, e.temporary = ErrTransient, true
		e.Hint = hintTransientRetry
	case strings.Contains(err.Error(), "Command has already been closed"):
		e.Kind, e.Hint = ErrProtocol, "The server returned no shell or command id; "+hintNotWinRM
	default:
		e.Kind = ErrProtocol
	}
	if e.OutcomeUnknown {
		const check = "check the server's state before running the script again"
		if e.Hint == "" || e.Hint == hintTransientRetry {
			e.Hint = strings.ToUpper(check[:1]) + check[1:]
		} else {
			e.Hint += "; " + check
		}
	}
	return e
}

// classifyStatus handles an HTTP error status with a non-SOAP body.
func (c *Client) classifyStatus(e *Error, se *statusError) {
	switch {
	case se.Code == 401:
		e.Kind, e.Hint = ErrAuth, c.hint401(se.Challenge)
		if !strings.Contains(strings.ToLower(se.Body), "unauthorized") {
			return // keep a body that explains more than the status
		}
		se.Body = ""
	case se.Code == 403:
		e.Kind, e.Hint = ErrAuth, hintAccessDenied
	case se.Code == 502 || se.Code == 503 || se.Code == 504 || se.Code == 500:
		// A non-SOAP 5xx comes from a proxy, HTTP.sys or a service that is
		// restarting, never from a command: worth another attempt.
		e.Kind, e.temporary, e.Hint = ErrTransient, true, hintTransientRetry
	case strings.Contains(se.Body, "HTTP request to an HTTPS server"):
		e.Kind, e.Hint = ErrProtocol, "The port expects HTTPS: turn HTTPS on, or use the HTTP listener's port (5985 by default)"
	default:
		e.Kind, e.Hint = ErrProtocol, hintNotWinRM
	}
}

// hint401 explains a rejected authentication. challenge is the 401's
// WWW-Authenticate, which names the schemes the server offers.
func (c *Client) hint401(challenge string) string {
	offers := strings.ToLower(challenge)
	offersBasic := strings.Contains(offers, "basic")
	offersNTLM := strings.Contains(offers, "negotiate") || strings.Contains(offers, "ntlm")
	if c.cfg.Auth == AuthNTLM {
		if challenge != "" && !offersNTLM {
			// The Negotiator fell back to Basic.
			return fmt.Sprintf("The server offers only %q, not Negotiate, so the client fell back to Basic authentication, "+
				"which WinRM accepts for local accounts only: enable Negotiate authentication on the WinRM service "+
				`(winrm set winrm/config/service/auth @{Negotiate="true"}), or use a local account`, challenge)
		}
		if c.cfg.HTTPS {
			return hintAuth401NTLM
		}
		return hintAuth401NTLM + hintNTLMOverHTTP
	}
	hint := hintAuth401
	if domainAccount(c.cfg.Username) {
		hint = fmt.Sprintf(`WinRM's Basic authentication accepts local accounts only, and "%s" looks like a domain account: `+
			`set auth = "ntlm" for a domain account. Otherwise: `, c.cfg.Username) + lowerFirst(hint)
	}
	switch {
	case challenge == "" || offersBasic:
	case offersNTLM:
		hint += fmt.Sprintf(` (the server offers only %q: enable Basic, or set auth = "ntlm")`, challenge)
	default:
		hint += fmt.Sprintf(" (the server offers only %q)", challenge)
	}
	return hint
}

// domainAccount reports whether a user name names a domain account:
// "DOMAIN\user" (not ".\user", a local account) or "user@domain".
func domainAccount(user string) bool {
	if i := strings.IndexByte(user, '\\'); i > 0 && user[:i] != "." {
		return true
	}
	return strings.Contains(user, "@")
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// contextError reports an execution ended by a context: the caller's
// (canceled or deadline) or the operation timeout.
func (c *Client) contextError(h *hostConn, op Op, err error, payloadSent bool) *Error {
	e := &Error{Op: op, Host: h.fqdn, Addr: h.addr, Err: err, OutcomeUnknown: payloadSent, Kind: ErrCanceled}
	if errors.Is(err, context.DeadlineExceeded) {
		e.Kind = ErrTimeout
		if payloadSent {
			e.Op, e.Hint = OpRun, hintDeadline
		}
	}
	return e
}

// unwrapURL drops the `Post "https://…/wsman": ` prefix of net/http errors;
// the message names the host already.
func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// isConnectionDrop reports a connection closed under a request: the server
// (or something in between) went away. The library maps the same condition
// to exit code 16001 when it happens during Receive.
func isConnectionDrop(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, net.ErrClosed) ||
		strings.Contains(err.Error(), "server closed idle connection")
}

// isConnectFailure reports an error that happened before a connection
// existed.
func isConnectFailure(err error) bool {
	var opErr *net.OpError
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr) || (errors.As(err, &opErr) && opErr.Op == "dial")
}

func isTLSFailure(err error) bool {
	var recErr tls.RecordHeaderError
	var alert tls.AlertError
	var verr *tls.CertificateVerificationError
	return errors.As(err, &recErr) || errors.As(err, &alert) || errors.As(err, &verr) ||
		strings.HasPrefix(unwrapURL(err).Error(), "tls: ")
}
