package wsman

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/md5"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/masterzen/winrm"
)

// The account the NTLM tests use: testUser is CONTOSO\labadmin.
const (
	ntlmUser   = "labadmin"
	ntlmDomain = "CONTOSO"
)

// MS-NLMP 4.2.4: NTLMv2 authentication test vectors.
func TestNTLMv2KnownAnswer(t *testing.T) {
	key := ntowfv2("Password", "User", "Domain")
	if got := hex.EncodeToString(key); got != "0c868a403bfd7a93a3001ef22ef02e3f" {
		t.Fatalf("NTOWFv2 = %s", got)
	}
	var info []byte
	info = appendAVPair(info, avNbDomain, utf16le("Domain"))
	info = appendAVPair(info, avNbComputer, utf16le("Server"))
	info = appendAVPair(info, avEOL, nil)
	blob := []byte{1, 1, 0, 0, 0, 0, 0, 0}
	blob = append(blob, make([]byte, 8)...)               // Time
	blob = append(blob, bytes.Repeat([]byte{0xaa}, 8)...) // ClientChallenge
	blob = append(blob, 0, 0, 0, 0)
	blob = append(blob, info...)
	blob = append(blob, 0, 0, 0, 0)
	challenge := [8]byte{0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef}
	proof, _ := hex.DecodeString("68cd0ab851e51c96aabc927bebef6a1c")

	m := &ntlmAuthenticateMessage{user: "User", domain: "Domain", ntResponse: append(slices.Clip(proof), blob...)}
	if !m.verify(challenge, "Password") {
		t.Fatal("the MS-NLMP 4.2.4 NTLMv2 response does not verify")
	}
	if m.verify(challenge, "password") {
		t.Fatal("a wrong password verifies")
	}
	m.user = "USER" // user names are case-insensitive, domains are used as sent
	if !m.verify(challenge, "Password") {
		t.Fatal("the upper-cased user name does not verify")
	}
	m.domain = "DOMAIN"
	if m.verify(challenge, "Password") {
		t.Fatal("verifies with a differently cased domain, which changes NTOWFv2")
	}
	m.ntResponse = m.ntResponse[:24] // an NTLMv1-sized response
	if m.verify(challenge, "Password") {
		t.Fatal("an NTLMv1-sized response verifies")
	}
}

func TestSplitAccount(t *testing.T) {
	for _, tt := range []struct{ account, domain, wantUser, wantDomain string }{
		{`CONTOSO\labadmin`, "", "labadmin", "CONTOSO"},
		{"labadmin@contoso.com", "", "labadmin", "contoso.com"},
		{"labadmin", "", "labadmin", ""},
		{"labadmin", "CONTOSO", "labadmin", "CONTOSO"},
		{"labadmin@contoso.com", "CONTOSO", "labadmin@contoso.com", "CONTOSO"},
	} {
		if u, d := splitAccount(tt.account, tt.domain); u != tt.wantUser || d != tt.wantDomain {
			t.Errorf("splitAccount(%q, %q) = %q, %q", tt.account, tt.domain, u, d)
		}
	}
}

// passwordBook is a Config.Password recording its lookups: labadmin in
// CONTOSO (or contoso.com, or no domain), case-insensitive.
type passwordBook struct {
	mu      sync.Mutex
	lookups []string // user|domain
}

func (b *passwordBook) password(user, domain string) (string, bool) {
	b.mu.Lock()
	b.lookups = append(b.lookups, user+"|"+domain)
	b.mu.Unlock()
	if !strings.EqualFold(user, ntlmUser) {
		return "", false
	}
	switch strings.ToLower(domain) {
	case "", "contoso", "contoso.com":
		return testPassword, true
	}
	return "", false
}

func (b *passwordBook) seen() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.lookups)
}

// authLog is middleware recording the Authorization scheme of every request
// and the status of its reply.
type authLog struct {
	mu      sync.Mutex
	entries []string // "scheme status", scheme "-" for none
}

func (a *authLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, _, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if scheme == "" {
			scheme = "-"
		}
		rw := &recordingWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(rw, r)
		a.mu.Lock()
		a.entries = append(a.entries, scheme+" "+strconv.Itoa(rw.status))
		a.mu.Unlock()
	})
}

func (a *authLog) count(entry string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := 0
	for _, e := range a.entries {
		if e == entry {
			n++
		}
	}
	return n
}

func (a *authLog) String() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return strings.Join(a.entries, ", ")
}

// ntlmFarm starts a farm offering NTLM, where Basic always fails so that a
// success proves NTLM. It also answers to 127.0.0.1: &winrm.ClientNTLM{}
// ignores Parameters.Dial and dials the endpoint's host.
func ntlmFarm(t *testing.T, cfg Config, opts farmOptions) (*farm, *passwordBook, *authLog) {
	t.Helper()
	book := &passwordBook{}
	log := &authLog{}
	cfg.NTLM = true
	if cfg.Password == nil {
		cfg.Password = book.password
	}
	if cfg.Authenticate == nil {
		cfg.Authenticate = func(user, _ string) bool {
			t.Errorf("Basic credentials of %s checked; the client should have used NTLM", user)
			return false
		}
	}
	if cfg.KnownHost == nil {
		cfg.KnownHost = func(h string) bool { return h == "127.0.0.1" || slices.Contains(farmHosts, h) }
	}
	wrap := opts.wrap
	opts.wrap = func(h http.Handler) http.Handler {
		if wrap != nil {
			h = wrap(h)
		}
		return log.wrap(h)
	}
	return startFarm(t, cfg, opts), book, log
}

func clientNTLM() winrm.Transporter { return &winrm.ClientNTLM{} }

// recordingExecutor is echoExecutor remembering the users it ran for.
type recordingExecutor struct {
	mu    sync.Mutex
	users []string
}

func (e *recordingExecutor) Run(ctx context.Context, cmd Command) int {
	e.mu.Lock()
	e.users = append(e.users, cmd.User)
	e.mu.Unlock()
	return echoExecutor(ctx, cmd)
}

func (e *recordingExecutor) seen() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.users)
}

func TestMasterzenClientNTLM(t *testing.T) {
	for _, https := range []bool{false, true} {
		t.Run(map[bool]string{false: "http", true: "https"}[https], func(t *testing.T) {
			exec := &recordingExecutor{}
			f, book, authLog := ntlmFarm(t, Config{Executor: exec, NTLMDomain: ntlmDomain}, farmOptions{https: https})
			client := f.client(t, "127.0.0.1", clientConfig{transport: clientNTLM})
			for _, line := range []string{"hostname", "whoami /all"} {
				stdout, stderr, code, err := client.RunWithContextWithString(context.Background(), line, "")
				if err != nil || code != 3 || stdout != "127.0.0.1: "+line+"\r\n" || stderr != "warning\r\n" {
					t.Fatalf("Run(%q) = %q, %q, %d, %v\nrequests: %s", line, stdout, stderr, code, err, authLog)
				}
			}
			// Azure/go-ntlmssp puts the server's TargetName in the
			// AUTHENTICATE's domain, replacing the CONTOSO the user typed.
			if got := exec.seen(); !slices.Equal(got, []string{testUser, testUser}) {
				t.Errorf("executor ran for %q, want %s twice", got, testUser)
			}
			if got := book.seen(); len(got) == 0 || got[0] != ntlmUser+"|"+ntlmDomain {
				t.Errorf("Password lookups %q, want %s|%s", got, ntlmUser, ntlmDomain)
			}
			// Every handshake: anonymous → 401, NEGOTIATE → 401, AUTHENTICATE
			// → 200; then the connection is authenticated and the client's
			// anonymous first tries succeed.
			handshakes := authLog.count("NTLM 200")
			if handshakes == 0 || authLog.count("NTLM 401") != handshakes || authLog.count("- 401") != handshakes {
				t.Errorf("unexpected handshakes: %s", authLog)
			}
			if authLog.count("- 200") < 5 {
				t.Errorf("few requests on authenticated connections: %s", authLog)
			}
			if st := f.srv.Stats()["127.0.0.1"]; st.CommandsRun != 2 || st.OpenShells != 0 {
				t.Errorf("Stats = %+v", st)
			}
		})
	}
}

func TestMasterzenClientNTLMWrongPassword(t *testing.T) {
	f, _, authLog := ntlmFarm(t, Config{Executor: execFunc(func(context.Context, Command) int {
		t.Error("executor called for an unauthenticated client")
		return 0
	})}, farmOptions{})
	failed := f.logs.next("wsman: NTLM authentication failed")
	_, _, _, err := f.client(t, "127.0.0.1", clientConfig{user: testUser, password: "wrong", transport: clientNTLM}).
		RunWithContextWithString(context.Background(), "whoami", "")
	if err == nil || !strings.Contains(err.Error(), "401 - invalid content type") {
		t.Fatalf("err = %v, want masterzen's 401 error", err)
	}
	select {
	case <-failed:
	default:
		t.Error("no log line for the failed NTLM authentication")
	}
	if authLog.count("NTLM 401") != 2 { // NEGOTIATE, then the rejected AUTHENTICATE
		t.Errorf("requests: %s", authLog)
	}
}

// The account forms clients write, through NewClientNTLMWithDial (also
// unmodified masterzen) so that the Host header names a farm server and the
// announced domain is derived from it.
func TestMasterzenClientNTLMAccountForms(t *testing.T) {
	for _, tt := range []struct {
		account    string
		wantLookup string // user|domain
		wantUser   string // Command.User
	}{
		{`CONTOSO\labadmin`, "labadmin|CONTOSO", `CONTOSO\labadmin`},
		{`FABRIKAM\labadmin`, "labadmin|CONTOSO", `CONTOSO\labadmin`}, // go-ntlmssp sends the server's domain
		{"labadmin", "labadmin|CONTOSO", `CONTOSO\labadmin`},
		{`contoso\LabAdmin`, "LabAdmin|CONTOSO", `CONTOSO\LabAdmin`},
		{"labadmin@contoso.com", "labadmin|contoso.com", "labadmin@contoso.com"},
		{"LABADMIN@CONTOSO.COM", "LABADMIN|CONTOSO.COM", "LABADMIN@CONTOSO.COM"},
	} {
		t.Run(tt.account, func(t *testing.T) {
			exec := &recordingExecutor{}
			f, book, _ := ntlmFarm(t, Config{Executor: exec}, farmOptions{})
			addr := f.addr
			dial := func() winrm.Transporter {
				return winrm.NewClientNTLMWithDial(func(network, _ string) (net.Conn, error) { return net.Dial(network, addr) })
			}
			stdout, _, code, err := f.client(t, "fe02.contoso.com", clientConfig{user: tt.account, password: testPassword, transport: dial}).
				RunWithContextWithString(context.Background(), "hostname", "")
			if err != nil || code != 3 || stdout != "fe02.contoso.com: hostname\r\n" {
				t.Fatalf("Run = %q, %d, %v", stdout, code, err)
			}
			if got := book.seen(); got[0] != tt.wantLookup {
				t.Errorf("Password lookups %q, want %q first", got, tt.wantLookup)
			}
			if got := exec.seen(); len(got) != 1 || got[0] != tt.wantUser {
				t.Errorf("Command.User = %q, want %q", got, tt.wantUser)
			}
		})
	}
}

// With NTLM offered, the default masterzen transport (preemptive Basic)
// still works, and so does Basic checked against Config.Password.
func TestNTLMServerAcceptsBasic(t *testing.T) {
	for _, viaPassword := range []bool{false, true} {
		t.Run(map[bool]string{false: "Authenticate", true: "Password"}[viaPassword], func(t *testing.T) {
			cfg := Config{Executor: echoExecutor, NTLM: true, Password: (&passwordBook{}).password}
			if !viaPassword {
				cfg.Authenticate = func(u, p string) bool { return u == testUser && p == testPassword }
			}
			f := startFarm(t, cfg, farmOptions{})
			for _, account := range []string{testUser, "labadmin@contoso.com", "LabAdmin"} {
				stdout, _, _, err := f.client(t, "fe01.contoso.com", clientConfig{user: account, password: testPassword}).
					RunWithContextWithString(context.Background(), "hostname", "")
				if viaPassword || account == testUser {
					if err != nil || stdout != "fe01.contoso.com: hostname\r\n" {
						t.Errorf("Basic as %s: %q, %v", account, stdout, err)
					}
				} else if err == nil || !strings.Contains(err.Error(), "401") {
					t.Errorf("Basic as %s accepted although Authenticate refuses it: %v", account, err)
				}
			}
			_, _, _, err := f.client(t, "fe01.contoso.com", clientConfig{user: testUser, password: "wrong"}).
				RunWithContextWithString(context.Background(), "hostname", "")
			if err == nil || !strings.Contains(err.Error(), "401 - invalid content type") {
				t.Errorf("wrong Basic password: %v", err)
			}
		})
	}
}

func TestNTLMRequiresPassword(t *testing.T) {
	if _, err := New(Config{Executor: echoExecutor, NTLM: true}); err == nil || !strings.Contains(err.Error(), "Password") {
		t.Fatalf("New without Password: %v", err)
	}
}

// A server without NTLM answers 401 with Basic only. masterzen's ClientNTLM
// then falls back to Basic (its Negotiator does so whenever the 401 offers
// neither Negotiate nor NTLM); an NTLM token is refused.
func TestNTLMOffServer(t *testing.T) {
	authLog := &authLog{}
	f := startFarm(t, Config{Executor: echoExecutor}, farmOptions{wrap: authLog.wrap})
	stdout, _, _, err := f.client(t, "127.0.0.1", clientConfig{transport: clientNTLM}).
		RunWithContextWithString(context.Background(), "hostname", "")
	if err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("ClientNTLM to an unknown host: %q, %v", stdout, err)
	}
	f = startFarm(t, Config{Executor: echoExecutor, KnownHost: func(string) bool { return true }}, farmOptions{wrap: authLog.wrap})
	stdout, _, _, err = f.client(t, "127.0.0.1", clientConfig{transport: clientNTLM}).
		RunWithContextWithString(context.Background(), "hostname", "")
	if err != nil || stdout != "127.0.0.1: hostname\r\n" {
		t.Fatalf("ClientNTLM against a Basic-only server: %q, %v", stdout, err)
	}
	if authLog.count("Basic 200") == 0 || authLog.count("NTLM 401")+authLog.count("Negotiate 401") != 0 {
		t.Errorf("ClientNTLM did not fall back to Basic: %s", authLog)
	}

	nc := newNTLMConn(t, f, "127.0.0.1")
	resp := nc.post(t, "NTLM "+base64.StdEncoding.EncodeToString(testNegotiate()))
	if resp.StatusCode != http.StatusUnauthorized || !slices.Equal(resp.Header.Values("WWW-Authenticate"), []string{`Basic realm="WSMAN"`}) {
		t.Errorf("NTLM NEGOTIATE to a Basic-only server: %d %q", resp.StatusCode, resp.Header.Values("WWW-Authenticate"))
	}
}

// ntlmConn is a raw NTLM client on one keep-alive connection.
type ntlmConn struct {
	f      *farm
	host   string
	client *http.Client
	body   string
}

func newNTLMConn(t *testing.T, f *farm, host string) *ntlmConn {
	t.Helper()
	client := f.httpClient()
	tr, ok := client.Transport.(*http.Transport)
	if !ok {
		t.Fatal("httpClient has no *http.Transport")
	}
	tr.MaxConnsPerHost = 1 // one TCP connection, reused
	t.Cleanup(tr.CloseIdleConnections)
	return &ntlmConn{f: f, host: host, client: client, body: rawRequest{action: actionCreate,
		body: `<rsp:Shell><rsp:InputStreams>stdin</rsp:InputStreams><rsp:OutputStreams>stdout stderr</rsp:OutputStreams></rsp:Shell>`}.String()}
}

// response is an HTTP reply with its body read.
type response struct {
	*http.Response
	text string
}

func (c *ntlmConn) postHost(t *testing.T, host, authorization string) response {
	t.Helper()
	scheme := "http"
	if c.f.https {
		scheme = "https"
	}
	req, err := http.NewRequest(http.MethodPost, scheme+"://"+host+":"+strconv.Itoa(c.f.port)+"/wsman", strings.NewReader(c.body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", soapContentType)
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	resp, err := c.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	text, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{Response: resp, text: string(text)}
}

func (c *ntlmConn) post(t *testing.T, authorization string) response {
	t.Helper()
	return c.postHost(t, c.host, authorization)
}

// handshake runs NEGOTIATE and AUTHENTICATE and returns the final reply.
func (c *ntlmConn) handshake(t *testing.T, scheme, user, domain, password string) response {
	t.Helper()
	resp := c.post(t, scheme+" "+base64.StdEncoding.EncodeToString(testNegotiate()))
	token, ok := strings.CutPrefix(resp.Header.Get("WWW-Authenticate"), scheme+" ")
	if resp.StatusCode != http.StatusUnauthorized || !ok {
		t.Fatalf("NEGOTIATE: %d %q %s", resp.StatusCode, resp.Header.Values("WWW-Authenticate"), resp.text)
	}
	challenge, err := base64.StdEncoding.DecodeString(token)
	if err != nil {
		t.Fatal(err)
	}
	return c.post(t, scheme+" "+base64.StdEncoding.EncodeToString(testAuthenticate(t, challenge, user, domain, password)))
}

// testNegotiate is a NEGOTIATE message as Azure/go-ntlmssp sends it, minus
// the domain.
func testNegotiate() []byte {
	msg := append([]byte(ntlmSignature), 1, 0, 0, 0)
	msg = binary.LittleEndian.AppendUint32(msg, ntlmFlagUnicode|ntlmFlagRequestTarget|ntlmFlagNTLM|ntlmFlagExtendedSecure|
		ntlmFlagTargetInfo|ntlmFlag128|ntlmFlag56|ntlmFlagSign|ntlmFlagSeal|ntlmFlagKeyExch)
	return append(msg, make([]byte, 16)...) // empty Domain and Workstation
}

// testAuthenticate answers a CHALLENGE with an NTLMv2 AUTHENTICATE, as a
// client computes it (MS-NLMP 3.3.2), independently of the server's parser.
func testAuthenticate(t *testing.T, challenge []byte, user, domain, password string) []byte {
	t.Helper()
	if len(challenge) < 48 || string(challenge[:8]) != ntlmSignature || challenge[8] != ntlmChallenge {
		t.Fatalf("not a CHALLENGE: %x", challenge)
	}
	flags := binary.LittleEndian.Uint32(challenge[20:])
	if flags&ntlmFlagKeyExch == 0 || flags&ntlmFlagUnicode == 0 || flags&0x80 != 0 { // 0x80: LM_KEY
		t.Errorf("CHALLENGE flags %#x: want KEY_EXCH echoed, UNICODE, no LM_KEY", flags)
	}
	infoLen := int(binary.LittleEndian.Uint16(challenge[40:]))
	infoOff := int(binary.LittleEndian.Uint32(challenge[44:]))
	info := challenge[infoOff : infoOff+infoLen]

	blob := []byte{1, 1, 0, 0, 0, 0, 0, 0}
	blob = binary.LittleEndian.AppendUint64(blob, fileTime(time.Now()))
	blob = append(blob, "cliChall"...)
	blob = append(blob, 0, 0, 0, 0)
	blob = append(blob, info...)
	blob = append(blob, 0, 0, 0, 0)
	mac := hmac.New(md5.New, ntowfv2(password, user, domain))
	mac.Write(challenge[24:32])
	mac.Write(blob)
	nt := append(mac.Sum(nil), blob...)

	fields := [][]byte{nil, nt, utf16le(domain), utf16le(user), utf16le("WKS01"), nil} // Lm, Nt, Domain, User, Workstation, SessionKey
	msg := append([]byte(ntlmSignature), 3, 0, 0, 0)
	offset := 64
	for _, f := range fields {
		msg = appendVarField(msg, len(f), offset)
		offset += len(f)
	}
	msg = binary.LittleEndian.AppendUint32(msg, ntlmFlagUnicode|ntlmFlagNTLM|ntlmFlagExtendedSecure|ntlmFlagTargetInfo)
	for _, f := range fields {
		msg = append(msg, f...)
	}
	return msg
}

// The handshake at the HTTP level: offers, challenge, connection-oriented
// authentication, and the ways it fails.
func TestNTLMHandshake(t *testing.T) {
	f, book, _ := ntlmFarm(t, Config{Executor: echoExecutor}, farmOptions{})

	t.Run("offer", func(t *testing.T) {
		resp := newNTLMConn(t, f, "fe01.contoso.com").post(t, "")
		want := []string{"Negotiate", "NTLM", `Basic realm="WSMAN"`}
		if resp.StatusCode != http.StatusUnauthorized || !slices.Equal(resp.Header.Values("WWW-Authenticate"), want) ||
			!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
			t.Fatalf("anonymous request: %d %q %q", resp.StatusCode, resp.Header.Values("WWW-Authenticate"), resp.Header.Get("Content-Type"))
		}
	})

	t.Run("challenge", func(t *testing.T) {
		resp := newNTLMConn(t, f, "fe01.contoso.com").post(t, "Negotiate "+base64.StdEncoding.EncodeToString(testNegotiate()))
		token, ok := strings.CutPrefix(resp.Header.Get("WWW-Authenticate"), "Negotiate ")
		msg, err := base64.StdEncoding.DecodeString(token)
		if resp.StatusCode != http.StatusUnauthorized || !ok || err != nil || resp.text != "" {
			t.Fatalf("NEGOTIATE: %d %q %q %v", resp.StatusCode, resp.Header.Values("WWW-Authenticate"), resp.text, err)
		}
		targetLen, targetOff := binary.LittleEndian.Uint16(msg[12:]), binary.LittleEndian.Uint32(msg[16:])
		target, _ := fromUTF16LE(msg[targetOff : targetOff+uint32(targetLen)])
		info := string(msg[binary.LittleEndian.Uint32(msg[44:]):])
		if target != "CONTOSO" || !strings.Contains(info, string(utf16le("fe01.contoso.com"))) || !strings.Contains(info, string(utf16le("FE01"))) {
			t.Errorf("CHALLENGE TargetName %q, TargetInfo %q", target, info)
		}
	})

	t.Run("connection-oriented", func(t *testing.T) {
		nc := newNTLMConn(t, f, "fe01.contoso.com")
		if resp := nc.handshake(t, "NTLM", ntlmUser, ntlmDomain, testPassword); resp.StatusCode != http.StatusOK ||
			!strings.Contains(resp.text, "ResourceCreated") {
			t.Fatalf("AUTHENTICATE: %d %s", resp.StatusCode, resp.text)
		}
		if resp := nc.post(t, ""); resp.StatusCode != http.StatusOK {
			t.Errorf("anonymous request on the authenticated connection: %d %s", resp.StatusCode, resp.text)
		}
		if resp := nc.postHost(t, "fe02.contoso.com", ""); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("the connection's authentication carried over to another host: %d", resp.StatusCode)
		}
		if resp := newNTLMConn(t, f, "fe01.contoso.com").post(t, ""); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("anonymous request on a new connection: %d", resp.StatusCode)
		}
		// A failed handshake de-authenticates the connection.
		if resp := nc.handshake(t, "NTLM", ntlmUser, ntlmDomain, "wrong"); resp.StatusCode != http.StatusUnauthorized ||
			!strings.Contains(resp.text, "credentials rejected") {
			t.Errorf("wrong password: %d %s", resp.StatusCode, resp.text)
		}
		if resp := nc.post(t, ""); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("anonymous request after a failed handshake: %d", resp.StatusCode)
		}
		if st := f.srv.Stats()["fe01.contoso.com"]; st.ShellsCreated != 2 {
			t.Errorf("Stats = %+v, want the 2 authenticated Creates", st)
		}
	})

	t.Run("account forms", func(t *testing.T) {
		for _, tt := range []struct{ user, domain, wantLookup string }{
			{"labadmin", "CONTOSO", "labadmin|CONTOSO"},
			{`CONTOSO\LABADMIN`, "", "LABADMIN|CONTOSO"},
			{"labadmin@contoso.com", "", "labadmin|contoso.com"},
			{"labadmin", "", "labadmin|"},
		} {
			before := len(book.seen())
			if resp := newNTLMConn(t, f, "fe01.contoso.com").handshake(t, "Negotiate", tt.user, tt.domain, testPassword); resp.StatusCode != http.StatusOK {
				t.Errorf("%s in %q: %d %s", tt.user, tt.domain, resp.StatusCode, resp.text)
			}
			if got := book.seen()[before:]; !slices.Equal(got, []string{tt.wantLookup}) {
				t.Errorf("%s in %q: lookups %q, want %q", tt.user, tt.domain, got, tt.wantLookup)
			}
		}
	})

	t.Run("failures", func(t *testing.T) {
		for _, tt := range []struct {
			name, authorization, want string
		}{
			{"AUTHENTICATE to a CHALLENGE the server did not send", "NTLM " + base64.StdEncoding.EncodeToString(
				testAuthenticate(t, mustChallenge(t), ntlmUser, ntlmDomain, testPassword)), "credentials rejected"},
			{"SPNEGO", "Negotiate YIIBhgYGKwYBBQUCoIIBejCCAXag", "SPNEGO"},
			{"not base64", "NTLM !!!", "not base64"},
			{"not NTLMSSP", "NTLM " + base64.StdEncoding.EncodeToString([]byte("hello world, not ntlm")), "not an NTLMSSP message"},
			{"unknown scheme", "Bearer abc", "scheme Bearer is not offered"},
		} {
			resp := newNTLMConn(t, f, "fe01.contoso.com").post(t, tt.authorization)
			if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(resp.text, tt.want) ||
				len(resp.Header.Values("WWW-Authenticate")) != 3 {
				t.Errorf("%s: %d %q %s", tt.name, resp.StatusCode, resp.Header.Values("WWW-Authenticate"), resp.text)
			}
		}
	})

	t.Run("sealing refused", func(t *testing.T) {
		nc := newNTLMConn(t, f, "fe01.contoso.com")
		nc.body = ""
		if resp := nc.handshake(t, "Negotiate", ntlmUser, ntlmDomain, testPassword); resp.StatusCode != http.StatusBadRequest ||
			!strings.Contains(resp.text, "does not implement NTLM message encryption") {
			t.Errorf("authenticated empty POST: %d %s", resp.StatusCode, resp.text)
		}
		req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("http://fe01.contoso.com:%d/wsman", f.port), strings.NewReader("--Encrypted Boundary\r\n"))
		req.Header.Set("Content-Type", `multipart/encrypted;protocol="application/HTTP-SPNEGO-session-encrypted";boundary="Encrypted Boundary"`)
		resp, err := nc.client.Do(req) // on the authenticated connection
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnsupportedMediaType {
			t.Errorf("sealed message: %d", resp.StatusCode)
		}
	})
}

func TestNTLMAuthenticateWithoutChallenge(t *testing.T) {
	f, _, _ := ntlmFarm(t, Config{Executor: echoExecutor}, farmOptions{})
	token := testAuthenticate(t, mustChallenge(t), ntlmUser, ntlmDomain, testPassword)
	resp := newNTLMConn(t, f, "fe01.contoso.com").post(t, "NTLM "+base64.StdEncoding.EncodeToString(token))
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(resp.text, "without a CHALLENGE") {
		t.Fatalf("AUTHENTICATE without NEGOTIATE: %d %s", resp.StatusCode, resp.text)
	}
}

// A NEGOTIATE and its AUTHENTICATE on different connections, as
// masterzen's ClientNTLM sometimes sends them when requests overlap: the
// farm accepts it (Windows would not) and authenticates the connection that
// carried the AUTHENTICATE. Each challenge is answered once.
func TestNTLMChallengeFromAnotherConnection(t *testing.T) {
	f, _, _ := ntlmFarm(t, Config{Executor: echoExecutor}, farmOptions{})
	a, b := newNTLMConn(t, f, "fe01.contoso.com"), newNTLMConn(t, f, "fe01.contoso.com")
	resp := a.post(t, "NTLM "+base64.StdEncoding.EncodeToString(testNegotiate()))
	challenge, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(resp.Header.Get("WWW-Authenticate"), "NTLM "))
	if err != nil {
		t.Fatal(err)
	}
	token := "NTLM " + base64.StdEncoding.EncodeToString(testAuthenticate(t, challenge, ntlmUser, ntlmDomain, testPassword))
	if resp := b.post(t, token); resp.StatusCode != http.StatusOK {
		t.Fatalf("AUTHENTICATE on another connection: %d %s", resp.StatusCode, resp.text)
	}
	if resp := b.post(t, ""); resp.StatusCode != http.StatusOK {
		t.Errorf("connection B is not authenticated: %d", resp.StatusCode)
	}
	if resp := a.post(t, ""); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("connection A is authenticated: %d", resp.StatusCode)
	}
	if resp := a.post(t, token); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("the AUTHENTICATE was accepted twice: %d", resp.StatusCode)
	}
}

// mustChallenge returns a CHALLENGE from a connection of its own.
func mustChallenge(t *testing.T) []byte {
	t.Helper()
	msg, _, err := newNTLMChallenge(testNegotiate(), ntlmTargetNames{nbDomain: "CONTOSO"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

func TestNTLMWithoutConnContext(t *testing.T) {
	f, _, _ := ntlmFarm(t, Config{Executor: echoExecutor}, farmOptions{noConnContext: true})
	logged := f.logs.next("wsman: NTLM needs per-connection state: set http.Server.ConnContext to the wsman Server's ConnContext method")
	resp := newNTLMConn(t, f, "fe01.contoso.com").post(t, "NTLM "+base64.StdEncoding.EncodeToString(testNegotiate()))
	if resp.StatusCode != http.StatusInternalServerError || !strings.Contains(resp.text, "ConnContext") {
		t.Fatalf("NEGOTIATE without ConnContext: %d %s", resp.StatusCode, resp.text)
	}
	select {
	case <-logged:
	default:
		t.Error("no error logged")
	}
}

// masterzen's optional Encryption transport (NTLM sealing, via
// bodgit/ntlmssp) first sends an empty POST through its own NTLM handshake
// and expects 200; this server answers 400, so it falls back to plain
// ClientNTLM. Plain HTTP only: over HTTPS its http.Client ignores the CA.
// Without stdin, so that the transport's shared state sees no concurrent
// requests (its known race).
func TestMasterzenEncryptionFallsBackToClientNTLM(t *testing.T) {
	f, _, authLog := ntlmFarm(t, Config{Executor: echoExecutor, NTLMDomain: ntlmDomain}, farmOptions{})
	refused := f.logs.next("wsman: message encryption setup refused")
	encryption := func() winrm.Transporter {
		e, err := winrm.NewEncryption("ntlm")
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	var stdout, stderr bytes.Buffer
	code, err := f.client(t, "127.0.0.1", clientConfig{transport: encryption}).
		RunWithContext(context.Background(), "hostname", &stdout, &stderr)
	if err != nil || code != 3 || stdout.String() != "127.0.0.1: hostname\r\n" {
		t.Fatalf("Run = %q, %d, %v\nrequests: %s", stdout.String(), code, err, authLog)
	}
	select {
	case <-refused:
	default:
		t.Errorf("the Encryption transport did not try to set up sealing: %s", authLog)
	}
}
