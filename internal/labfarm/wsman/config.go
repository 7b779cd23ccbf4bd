package wsman

import (
	"log/slog"
	"time"
)

// Defaults of the Config limits, the values of a Windows Server 2012 R2
// WinRM service unless noted.
const (
	// DefaultMaxHold caps a Receive long-poll. Windows holds up to
	// OperationTimeout (60 s); a farm answers sooner so that tests stay fast
	// while clients still go through their "no output yet, poll again" path.
	DefaultMaxHold = 5 * time.Second
	// DefaultIdleShellTimeout expires shells a client abandoned (Windows:
	// IdleTimeout 7200 s; shorter here so a long test run does not pile up
	// shells of crashed clients).
	DefaultIdleShellTimeout = 15 * time.Minute
	// DefaultMaxShellsPerUser is WinRM's MaxShellsPerUser.
	DefaultMaxShellsPerUser = 30
	// DefaultMaxCommandLine is cmd.exe's command-line limit, which applies
	// because clients send WINRS_SKIP_CMD_SHELL=FALSE.
	DefaultMaxCommandLine = 8191
)

// maxEnvelopeBytes bounds request bodies and the MaxEnvelopeSize a client may
// ask for. Windows defaults to MaxEnvelopeSizekb=500; masterzen's stdin
// chunks reach ~205 KB of base64 per Send, Ansible's ~267 KB.
const maxEnvelopeBytes = 512 << 10

// Config configures a Server. Only Executor is required. For the limits, the
// zero value means the default and a negative value switches the limit off.
type Config struct {
	// Executor runs every command. Required.
	Executor Executor

	// Authenticate checks Basic credentials; user is the account as the
	// client wrote it (CONTOSO\labadmin, labadmin@contoso.com, labadmin).
	// Every request must carry credentials, as WinRM with Basic auth enabled
	// requires, unless NTLM authenticated its connection. Nil checks Basic
	// credentials against Password when that is set, and otherwise accepts
	// any user name and password.
	Authenticate func(user, password string) bool

	// NTLM offers NTLM authentication (NTLMv2; authentication only, no
	// message encryption) next to Basic: a 401 then lists
	// "WWW-Authenticate: Negotiate", "NTLM" and `Basic realm="WSMAN"`, and
	// clients may answer with either. It requires Password, and the HTTP
	// server's ConnContext must be [Server.ConnContext]. See the package
	// documentation for the handshake and what clients do.
	NTLM bool

	// Password returns the password of an account, for NTLM: an NTLMv2
	// response can only be checked with the account's password (its NT
	// hash). user is the account name without domain; domain is the domain
	// the client named (NetBIOS "CONTOSO", DNS "contoso.com" from a
	// user@domain name, or "" for none) as it sent it, in any case. Compare
	// user names case-insensitively (strings.EqualFold), as Windows does,
	// and ignore or check the domain as the farm sees fit. ok is false for an
	// unknown account. Note that masterzen's ClientNTLM (Azure/go-ntlmssp)
	// replaces the domain of a DOMAIN\user name with the one the server
	// announces (NTLMDomain).
	//
	// When Authenticate is nil, Basic credentials are checked against
	// Password too (DOMAIN\user and user@domain split the same way), so one
	// lookup serves both schemes.
	Password func(user, domain string) (password string, ok bool)

	// NTLMDomain is the NetBIOS domain name the NTLM CHALLENGE announces
	// (its TargetName). Empty derives it from the request's host, like a
	// domain member: fe01.contoso.com is in CONTOSO; hosts without a domain
	// part (IP literals, single labels) announce WORKGROUP.
	NTLMDomain string

	// KnownHost reports whether host (lower-case, without port) is a server
	// of the farm. Requests for other hosts are refused with HTTP 404 and a
	// text/plain explanation. Nil accepts every host.
	KnownHost func(host string) bool

	// Interceptor, if set, is consulted for every request to a known host,
	// before authentication, and decides whether the server handles it or
	// injects a failure. op is OpUnknown when the body is not a request the
	// server understands.
	Interceptor func(host string, op Op) Action

	// MaxHold caps how long a Receive waits for output before it answers
	// w:TimedOut; the hold is min(w:OperationTimeout, MaxHold). Zero or
	// negative means DefaultMaxHold.
	MaxHold time.Duration

	// IdleShellTimeout deletes shells, and cancels their commands, when no
	// request has used them for this long. Zero means
	// DefaultIdleShellTimeout; negative keeps shells until Delete or Close.
	IdleShellTimeout time.Duration

	// MaxShellsPerUser is how many shells one user may hold open on one
	// host; Create beyond it fails with w:QuotaLimit. Zero means
	// DefaultMaxShellsPerUser; negative means unlimited.
	MaxShellsPerUser int

	// MaxCommandLine is the longest command line (in characters) a Command
	// may carry; longer ones fail with the Windows fault "The filename or
	// extension is too long." This catches clients that inline whole scripts
	// in -EncodedCommand. Zero means DefaultMaxCommandLine; negative disables
	// the check.
	MaxCommandLine int

	// Logger receives one debug record per request and warnings for refused
	// requests. Nil discards.
	Logger *slog.Logger
}

// withDefaults returns c with zero values replaced by the defaults.
func (c Config) withDefaults() Config {
	if c.MaxHold <= 0 {
		c.MaxHold = DefaultMaxHold
	}
	if c.IdleShellTimeout == 0 {
		c.IdleShellTimeout = DefaultIdleShellTimeout
	}
	if c.MaxShellsPerUser == 0 {
		c.MaxShellsPerUser = DefaultMaxShellsPerUser
	}
	if c.MaxCommandLine == 0 {
		c.MaxCommandLine = DefaultMaxCommandLine
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}
