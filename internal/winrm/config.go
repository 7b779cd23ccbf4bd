package winrm

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Defaults applied by [New] to zero-valued [Config] fields.
const (
	DefaultHTTPPort             = 5985
	DefaultHTTPSPort            = 5986
	DefaultConnectTimeout       = 15 * time.Second
	DefaultOperationTimeout     = 30 * time.Minute
	DefaultMaxConcurrentPerHost = 4
	DefaultRetryAttempts        = 3
	DefaultRetryBackoff         = time.Second
	DefaultRetryMaxBackoff      = 30 * time.Second
)

// Config describes how to reach and authenticate to the WinRM service of a
// set of servers. One Config serves every server of a deployment: the server
// is chosen per [Client.Run] call.
type Config struct {
	// Port of the WinRM listener. Zero selects 5985 for HTTP and 5986 for
	// HTTPS. It is also the port of the HTTP Host header.
	Port int

	// HTTPS selects the HTTPS listener. Basic authentication over HTTP sends
	// the password in clear text and needs AllowUnencrypted on the server;
	// so does NTLM, which this client does not encrypt (see AuthNTLM).
	HTTPS bool

	// CACertPEM holds one or more PEM certificates that are trusted to sign
	// the listeners' certificates, instead of the system roots. HTTPS only.
	CACertPEM []byte

	// Insecure skips verification of the server certificate. Labs only;
	// HTTPS only; exclusive with CACertPEM.
	Insecure bool

	// Auth selects the authentication scheme: AuthBasic (the zero value
	// selects it) or AuthNTLM. See [AuthMode].
	Auth AuthMode

	// Username and Password of the account. Local accounts are written
	// "user" or ".\user" and need AuthBasic; domain accounts are written
	// "DOMAIN\user" or "user@domain.fqdn" and need AuthNTLM.
	Username string
	Password string

	// ConnectTimeout bounds the TCP dial plus the TLS handshake of one
	// connection. Zero selects DefaultConnectTimeout.
	ConnectTimeout time.Duration

	// OperationTimeout bounds one execution of a script, from opening the
	// remote shell to the exit code, retries excluded (each attempt gets its
	// own). The context passed to Run applies as well. When it expires the
	// remote command is terminated. Zero selects DefaultOperationTimeout.
	OperationTimeout time.Duration

	// MaxConcurrentPerHost caps the scripts running at once on one server,
	// so that a parallel Terraform run stays below the server's
	// MaxShellsPerUser quota and does not overload it. Callers beyond the
	// cap wait, as long as their context allows. Zero selects
	// DefaultMaxConcurrentPerHost.
	MaxConcurrentPerHost int

	// Addresses maps a server FQDN to the address actually dialled, "host" or
	// "host:port" (the port defaults to Port). The key "*" applies to every
	// server without its own entry. The FQDN stays the HTTP Host header and
	// the TLS server name, so certificates are still checked against it.
	// Use it for NAT, SSH tunnels and test farms that serve every server on
	// one listener. Keys match case-insensitively.
	Addresses map[string]string

	// Retry governs retries of transient failures that happened before the
	// script could have started.
	Retry RetryPolicy

	// Log, when set, receives the transport's log records. Passwords never
	// reach it; the script text is logged at LevelTrace only.
	Log Logger
}

// AuthMode is an authentication scheme of [Config.Auth]. Its values are the
// lower-case names a provider setting can pass through unchanged.
type AuthMode string

const (
	// AuthBasic is HTTP Basic authentication, the default. WinRM accepts it
	// for local accounts only (a domain account is refused with HTTP 401),
	// and only when Basic is enabled on the service (winrm set
	// winrm/config/service/auth @{Basic="true"}). Over HTTP the password
	// travels in clear text and the service needs AllowUnencrypted=true.
	AuthBasic AuthMode = "basic"

	// AuthNTLM is NTLMv2 authentication through the HTTP "Negotiate" (or
	// "NTLM") scheme, which WinRM enables by default and which accepts
	// domain accounts. The account is written "DOMAIN\user" or
	// "user@domain.fqdn". With "DOMAIN\user" the client authenticates the
	// user in the domain the server names in its NTLM challenge (its own
	// domain), whatever DOMAIN says; write an account of another, trusted
	// domain as "user@domain.fqdn".
	//
	// The client authenticates with NTLM but does not encrypt (seal) the
	// messages. Over HTTPS that is all Windows asks for. Over plain HTTP a
	// Windows server refuses unencrypted messages (HTTP 401 after a
	// successful handshake) unless its WinRM service has
	// AllowUnencrypted=true (winrm set winrm/config/service
	// @{AllowUnencrypted="true"}), which also puts the scripts on the wire
	// in clear text: use HTTPS.
	//
	// Against a server that offers only Basic, the client falls back to
	// Basic authentication with the same credentials (so a local account
	// works, a domain account does not), at the cost of one extra round
	// trip per request.
	AuthNTLM AuthMode = "ntlm"
)

// RetryPolicy is an exponential backoff with full jitter.
type RetryPolicy struct {
	// MaxAttempts is the total number of attempts, the first included: 1
	// disables retries. Zero selects DefaultRetryAttempts.
	MaxAttempts int
	// BaseBackoff is the upper bound of the first pause; it doubles after
	// every attempt. Zero selects DefaultRetryBackoff.
	BaseBackoff time.Duration
	// MaxBackoff caps a single pause. Zero selects DefaultRetryMaxBackoff.
	MaxBackoff time.Duration
}

// Level is the severity of a log record, named like tflog's functions.
type Level string

// Log levels used by this package.
const (
	LevelTrace Level = "trace"
	LevelDebug Level = "debug"
	LevelInfo  Level = "info"
	LevelWarn  Level = "warn"
)

// Logger receives structured log records. A Terraform provider plugs tflog in
// here; the hook keeps this package free of Terraform imports.
type Logger func(ctx context.Context, level Level, msg string, fields map[string]any)

// withDefaults returns a copy of c with zero values replaced by defaults. The
// maps and slices are copied so that later changes by the caller do not
// affect a running client.
func (c Config) withDefaults() Config {
	if c.Auth == "" {
		c.Auth = AuthBasic
	}
	if c.Port == 0 {
		c.Port = DefaultHTTPPort
		if c.HTTPS {
			c.Port = DefaultHTTPSPort
		}
	}
	if c.ConnectTimeout == 0 {
		c.ConnectTimeout = DefaultConnectTimeout
	}
	if c.OperationTimeout == 0 {
		c.OperationTimeout = DefaultOperationTimeout
	}
	if c.MaxConcurrentPerHost == 0 {
		c.MaxConcurrentPerHost = DefaultMaxConcurrentPerHost
	}
	if c.Retry.MaxAttempts == 0 {
		c.Retry.MaxAttempts = DefaultRetryAttempts
	}
	if c.Retry.BaseBackoff == 0 {
		c.Retry.BaseBackoff = DefaultRetryBackoff
	}
	if c.Retry.MaxBackoff == 0 {
		c.Retry.MaxBackoff = max(DefaultRetryMaxBackoff, c.Retry.BaseBackoff)
	}
	c.CACertPEM = append([]byte(nil), c.CACertPEM...)
	if c.Addresses != nil {
		m := make(map[string]string, len(c.Addresses))
		for k, v := range c.Addresses {
			m[k] = v
		}
		c.Addresses = m
	}
	return c
}

// validate reports every problem of a defaulted config at once, so that a
// user fixes them in one round.
func (c Config) validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	if c.Port < 1 || c.Port > 65535 {
		bad("port %d is out of range 1-65535", c.Port)
	}
	if c.Auth != AuthBasic && c.Auth != AuthNTLM {
		bad("authentication %q is not supported: use %q or %q", string(c.Auth), string(AuthBasic), string(AuthNTLM))
	}
	if strings.TrimSpace(c.Username) == "" {
		bad("username is required")
	} else if strings.Contains(c.Username, ":") {
		// RFC 7617: the user-id of Basic authentication cannot contain a
		// colon. The NTLM client takes the credentials from the Basic
		// header as well.
		bad("username %q contains a colon, which Basic authentication cannot carry", c.Username)
	}
	if c.ConnectTimeout < 0 {
		bad("connect timeout %s is negative", c.ConnectTimeout)
	}
	if c.OperationTimeout < 0 {
		bad("operation timeout %s is negative", c.OperationTimeout)
	}
	if c.MaxConcurrentPerHost < 0 {
		bad("max concurrent operations per host %d is negative", c.MaxConcurrentPerHost)
	}
	if c.Retry.MaxAttempts < 0 {
		bad("retry max attempts %d is negative", c.Retry.MaxAttempts)
	}
	if c.Retry.BaseBackoff < 0 || c.Retry.MaxBackoff < 0 {
		bad("retry backoff %s/%s is negative", c.Retry.BaseBackoff, c.Retry.MaxBackoff)
	}
	if len(c.CACertPEM) > 0 {
		if !c.HTTPS {
			bad("a CA certificate is set but HTTPS is off; it only applies to HTTPS")
		}
		if c.Insecure {
			bad("a CA certificate and insecure are both set; choose one")
		}
		if _, err := parseCACerts(c.CACertPEM); err != nil {
			errs = append(errs, err)
		}
	}
	if c.Insecure && !c.HTTPS {
		bad("insecure is set but HTTPS is off; it only applies to HTTPS")
	}
	if err := validateAddresses(c.Addresses); err != nil {
		errs = append(errs, err)
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("winrm: invalid configuration: %w", errors.Join(errs...))
}

// parseCACerts builds a pool from PEM text and explains what is wrong with it
// when it cannot: x509.CertPool.AppendCertsFromPEM only says "false".
func parseCACerts(data []byte) (*x509.CertPool, error) {
	pool := x509.NewCertPool()
	n := 0
	rest := data
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("CA certificate #%d cannot be parsed: %w", n+1, err)
		}
		pool.AddCert(cert)
		n++
	}
	if n == 0 {
		return nil, errors.New(`CA certificate: no PEM "CERTIFICATE" block found (expected text starting with -----BEGIN CERTIFICATE-----)`)
	}
	return pool, nil
}
