// Package wsman is the lab farm's WS-Management server: the WinRM remote shell
// (WinRS) protocol that Windows serves on port 5985/5986, emulated closely
// enough that the unmodified github.com/masterzen/winrm client, pywinrm and
// Ansible cannot tell it from a Lync Front End server.
//
// It is a wire layer only. It owns shells, commands, streams, long-polling,
// authentication and fault injection, and hands every command line to an
// [Executor]; it never interprets PowerShell. It imports nothing from the
// provider or from the rest of the lab farm.
//
// # Serving
//
// [Server] is an [http.Handler] for POST /wsman. One listener serves the whole
// farm: the HTTP Host header (lower-cased, port stripped) names the emulated
// server, exactly as the provider's endpoint host would on a real network.
//
//	srv, err := wsman.New(wsman.Config{Executor: farm, KnownHost: farm.HasServer})
//	hs := &http.Server{Handler: srv, ConnContext: srv.ConnContext} // ConnContext: for NTLM
//	go hs.Serve(listener)              // or tls.NewListener(listener, tlsConfig)
//	...
//	srv.Close()                        // first: cancels commands, releases long-polls
//	hs.Shutdown(ctx)
//
// [NewTLSConfig] issues an in-memory CA and a server certificate for HTTPS;
// clients trust the returned CA PEM (masterzen: Endpoint.CACert).
//
// A request whose Host names no server of the farm gets HTTP 404 with a
// text/plain body "lab farm: no server named ..." and a warning in the log.
// masterzen reports only "http response error: 404 - invalid content type"
// (it drops non-SOAP bodies), so look for the log line or the body (curl) when
// a test fails that way.
//
// # Protocol
//
// Create, Command, Send, Receive, Signal and Delete follow MS-WSMV and the
// envelopes recorded from Windows Server (masterzen's and pypsrp's fixtures).
// Receive long-polls for min(w:OperationTimeout, Config.MaxHold) and answers
// HTTP 500 w:TimedOut when nothing happened; output is split so that every
// response stays under the request's w:MaxEnvelopeSize.
//
// Faults are HTTP 500 SOAP 1.2 faults carrying a WSManFault Code, the number
// clients match on:
//
//	Situation                                Code/Subcode                          WSManFault Code
//	Receive: nothing within the hold time    s:Receiver w:TimedOut                 2150858793 OPERATION_TIMEDOUT
//	unknown, expired or foreign ShellId      s:Sender w:InvalidSelectors           2150858843 UNEXPECTED_SELECTORS
//	no ShellId selector                      s:Sender w:InvalidSelectors           2150858842 INSUFFCIENT_SELECTORS
//	unknown CommandId, stream or signal      s:Sender w:InvalidParameter           2150858810 INVALID_PARAMETER
//	command line over MaxCommandLine         s:Receiver w:InternalError            2147942606 (HRESULT of ERROR_FILENAME_EXCED_RANGE)
//	more than MaxShellsPerUser shells        s:Sender w:QuotaLimit                 2150859173 QUOTA_MAX_SHELLS
//	unknown a:Action                         s:Sender a:ActionNotSupported         2150858771 ACTION_NOT_SUPPORTED
//	no a:Action or a:MessageID               s:Sender a:MessageInformationHeaderRequired 2150858769 MESSAGE_INFORMATION_HEADER_REQUIRED
//	ResourceURI other than the cmd shell     s:Sender a:DestinationUnreachable     2150858811 INVALID_RESOURCE_URI
//	body not XML / not a SOAP 1.2 envelope   s:Sender w:SchemaValidationError      2150858819 INVALID_XML
//	body element of the action missing       s:Sender w:SchemaValidationError      2150858817 SCHEMA_VALIDATION_ERROR
//
// (Names are winerror.h's ERROR_WSMAN_* constants.)
//
// Outside SOAP: wrong or missing credentials give 401 with
// WWW-Authenticate: Basic realm="WSMAN" (and Negotiate and NTLM when
// Config.NTLM is set); a request body over 512 KiB gives 413; requests after
// [Server.Close] give 503. All of these are text/plain, as HTTP.sys answers,
// so masterzen reports "http response error: N - invalid content type".
//
// # Authentication
//
// Basic is always offered: Config.Authenticate checks the credentials (or,
// when it is nil, Config.Password does). Clients: masterzen's default
// transport (preemptive Basic), pywinrm 'basic'/'plaintext'/'ssl', Ansible's
// defaults.
//
// With Config.NTLM the server also speaks NTLM, NTLMv2 only, the way
// Windows does for WinRM with Negotiate authentication enabled:
//
//  1. A request without credentials gets 401 with WWW-Authenticate:
//     Negotiate, NTLM and Basic realm="WSMAN".
//  2. Authorization: NTLM (or Negotiate) with a raw NTLMSSP NEGOTIATE gets
//     an empty 401 with WWW-Authenticate: <same scheme> <CHALLENGE>. The
//     CHALLENGE announces the NetBIOS domain Config.NTLMDomain (default:
//     derived from the Host, fe01.contoso.com → CONTOSO) and echoes only
//     the flags the client asked for. SPNEGO-wrapped tokens (Kerberos,
//     Windows' own clients) are refused with 401.
//  3. The AUTHENTICATE's NTLMv2 response is checked against the password
//     Config.Password returns for its user and domain (DOMAIN\user and
//     user@domain forms; user names case-insensitive). Success serves the
//     request (clients send the body with every leg) as DOMAIN\user, and
//     authenticates the TCP connection: later requests on it without an
//     Authorization header are accepted as that user, as on Windows. A
//     wrong password gives 401 text/plain, as for Basic.
//
// The handshake's state lives in the connection: set http.Server.ConnContext
// (httptest: ts.Config.ConnContext) to [Server.ConnContext], or NEGOTIATEs
// get HTTP 500. One leniency: an AUTHENTICATE is also accepted when its
// CHALLENGE went out on another connection to the same host, because
// masterzen's ClientNTLM, whose Send and Receive overlap, sometimes sends the
// two legs on different pooled connections (Windows then answers 401).
// Every leg is a request: the Interceptor sees it and HostStats.Requests
// counts it.
//
// Clients: masterzen with Parameters.TransportDecorator = func()
// winrm.Transporter { return &winrm.ClientNTLM{} } (Azure/go-ntlmssp). Its
// Negotiator sends each request anonymously first, so a request on an
// authenticated connection costs one round trip and one on a new
// connection three. It puts the announced domain, not the one of a
// DOMAIN\user name, in the AUTHENTICATE; user@domain is sent as such.
// ClientNTLM ignores Parameters.Dial and dials the endpoint's host (use
// 127.0.0.1 with a KnownHost that accepts it, or winrm.NewClientNTLMWithDial).
// Against a server without NTLM, ClientNTLM falls back to Basic (the 401
// offers neither Negotiate nor NTLM), so it works there too. pywinrm
// transport 'ntlm' (requests_ntlm) sends the typed domain upper-cased; it
// does not fall back to Basic (InvalidCredentialsError against a Basic-only
// server).
//
// Message encryption (NTLM sealing: multipart/encrypted bodies with
// protocol="application/HTTP-SPNEGO-session-encrypted") is not implemented;
// the server derives no session keys. Clients that seal start with an empty
// POST, which Windows answers with 200 once authenticated; this server
// answers it with 400 ("does not implement NTLM message encryption"), and
// sealed bodies with 415. masterzen's opt-in winrm.NewEncryption("ntlm")
// transport then falls back to plain ClientNTLM (over HTTPS with a private CA
// it always does, as its HTTP client ignores Endpoint.CACert). pywinrm seals
// by default over plain HTTP and so fails with WinRMTransportError 400; use
// HTTPS (pywinrm's NTLM over HTTPS sends plain SOAP) or
// message_encryption='never'.
//
// # Fault injection
//
// Config.Interceptor is asked about every request and answers an [Action]:
// proceed, reset the connection (host down), hang (host unreachable), or a
// transient 503/500.
package wsman
