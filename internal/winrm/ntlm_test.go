package winrm

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lyncdr/terraform-provider-lync/internal/labfarm/wsman"
)

// These tests run the client with AuthNTLM against the lab farm fronted by
// the test NTLM responder (ntlm_responder_test.go), which verifies the
// client's NTLMv2 responses and is strict about which connection each leg
// of a handshake uses.

func newNTLMResponder() *ntlmResponder {
	return &ntlmResponder{
		scheme: "Negotiate",
		domain: "CONTOSO",
		accounts: map[string]string{
			`contoso\labadmin`:     testPassword,
			"labadmin@contoso.com": testPassword,
		},
		basicUser:     testUser,
		basicPassword: testPassword,
	}
}

func ntlmConfig(f *testFarm) Config {
	cfg := f.config()
	cfg.Auth = AuthNTLM
	return cfg
}

func TestRunNTLM(t *testing.T) {
	script := strings.Repeat("Get-CsPool -Identity pool01.contoso.com\n", 500)
	tests := []struct {
		name     string
		https    bool
		scheme   string
		user     string
		identity string // user|domain the server received
	}{
		{"DOMAIN\\user over HTTP", false, "Negotiate", `CONTOSO\labadmin`, "labadmin|CONTOSO"},
		{"DOMAIN\\user over HTTPS", true, "Negotiate", `CONTOSO\labadmin`, "labadmin|CONTOSO"},
		{"user@domain over HTTPS", true, "Negotiate", "labadmin@contoso.com", "labadmin@contoso.com|"},
		{"NTLM scheme", false, "NTLM", `CONTOSO\labadmin`, "labadmin|CONTOSO"},
		// go-ntlmssp authenticates "X\user" in the domain of the server's
		// challenge, whatever X is.
		{"DNS domain prefix", false, "Negotiate", `contoso.com\labadmin`, "labadmin|CONTOSO"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := newNTLMResponder()
			resp.scheme = tt.scheme
			f := startFarm(t, powershell(echo), farmOptions{https: tt.https, ntlm: resp})
			cfg := ntlmConfig(f)
			cfg.Username = tt.user
			res, err := newClient(t, cfg).Run(context.Background(), "fe01.contoso.com", script)
			if err != nil {
				t.Fatal(err)
			}
			if res.ExitCode != 0 || res.Stdout != script {
				t.Fatalf("exit %d, %d bytes of stdout, stderr %q", res.ExitCode, len(res.Stdout), res.Stderr)
			}
			if resp.handshakes.Load() == 0 || resp.rejected.Load() != 0 || resp.crossed.Load() != 0 {
				t.Errorf("handshakes %d, rejected %d, crossed %d", resp.handshakes.Load(), resp.rejected.Load(), resp.crossed.Load())
			}
			for _, id := range resp.seen() {
				if id != tt.identity {
					t.Errorf("the server received %q, want %q", id, tt.identity)
				}
			}
		})
	}
}

func TestRunNTLMWrongPassword(t *testing.T) {
	for _, https := range []bool{false, true} {
		t.Run(fmt.Sprintf("https=%v", https), func(t *testing.T) {
			resp := newNTLMResponder()
			f := startFarm(t, powershell(echo), farmOptions{https: https, ntlm: resp})
			cfg := ntlmConfig(f)
			cfg.Password = "wrong-password"
			_, err := newClient(t, cfg).Run(context.Background(), "fe01.contoso.com", "x")
			e := wantError(t, err, ErrAuth)
			want := "winrm: the WinRM service on fe01.contoso.com rejected the credentials (HTTP 401). " + hintAuth401NTLM
			if !https {
				want += hintNTLMOverHTTP
			}
			if err.Error() != want || e.Attempts != 1 || e.StatusCode != 401 {
				t.Fatalf("err = %v (attempts %d)\nwant %s", err, e.Attempts, want)
			}
			if strings.Contains(err.Error(), "wrong-password") {
				t.Fatal("password in the error")
			}
			if resp.rejected.Load() != 1 || resp.handshakes.Load() != 0 {
				t.Errorf("rejected %d, handshakes %d", resp.rejected.Load(), resp.handshakes.Load())
			}
		})
	}
}

// TestRunNTLMConcurrentExecutions runs many executions at once, each with a
// held Receive while its stdin is sent: every leg of every handshake must
// stay on its connection.
func TestRunNTLMConcurrentExecutions(t *testing.T) {
	resp := newNTLMResponder()
	f := startFarm(t, powershell(func(_ context.Context, cmd wsman.Command, script string) int {
		time.Sleep(20 * time.Millisecond)
		return echo(context.Background(), cmd, script)
	}), farmOptions{ntlm: resp})
	cfg := ntlmConfig(f)
	cfg.MaxConcurrentPerHost = 4
	cfg.Retry.MaxAttempts = 1 // a crossed handshake must show, not be retried away
	c := newClient(t, cfg)

	const runs = 24
	var wg sync.WaitGroup
	errs := make(chan error, runs)
	for i := range runs {
		wg.Go(func() {
			script := fmt.Sprintf("run %d\n", i) + strings.Repeat("x", 5_000+i*200)
			res, err := c.Run(context.Background(), farmHosts[i%2], script)
			if err == nil && res.Stdout != script {
				err = fmt.Errorf("run %d: stdout differs (%d bytes, stderr %q)", i, len(res.Stdout), res.Stderr)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	conns, handshakes := resp.conns.Load(), resp.handshakes.Load()
	t.Logf("%d executions: %d handshakes on %d connections", runs, handshakes, conns)
	if resp.crossed.Load() != 0 || resp.rejected.Load() != 0 {
		t.Errorf("crossed %d, rejected %d", resp.crossed.Load(), resp.rejected.Load())
	}
	// Connections are kept and stay authenticated: one handshake each at
	// most, and far fewer connections than requests.
	if handshakes == 0 || handshakes > conns || int(conns) > 2*3*cfg.MaxConcurrentPerHost {
		t.Errorf("%d handshakes on %d connections", handshakes, conns)
	}
}

func TestRunNTLMReusesAuthenticatedConnections(t *testing.T) {
	resp := newNTLMResponder()
	f := startFarm(t, powershell(echo), farmOptions{ntlm: resp})
	c := newClient(t, ntlmConfig(f))
	for i := range 5 {
		if _, err := c.Run(context.Background(), "fe01.contoso.com", fmt.Sprint("run ", i)); err != nil {
			t.Fatal(err)
		}
	}
	// One execution uses two connections at once (Receive and Send).
	if conns, hs := resp.conns.Load(), resp.handshakes.Load(); conns > 3 || hs != conns {
		t.Errorf("5 executions: %d handshakes on %d connections", hs, conns)
	}
	// Close drops the idle connections; the client stays usable.
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	before := resp.conns.Load()
	if _, err := c.Run(context.Background(), "fe01.contoso.com", "again"); err != nil {
		t.Fatal(err)
	}
	if resp.conns.Load() == before {
		t.Error("Close kept the idle connections")
	}
}

// TestRunNTLMAgainstBasicOnlyServer documents the fallback: against a
// server that offers only Basic, AuthNTLM authenticates with Basic.
func TestRunNTLMAgainstBasicOnlyServer(t *testing.T) {
	f := startFarm(t, powershell(echo), farmOptions{}) // the farm speaks Basic only
	res, err := newClient(t, ntlmConfig(f)).Run(context.Background(), "fe01.contoso.com", "hello")
	if err != nil || res.Stdout != "hello" {
		t.Fatalf("%v, %+v", err, res)
	}

	cfg := ntlmConfig(f)
	cfg.Password = "wrong-password"
	_, err = newClient(t, cfg).Run(context.Background(), "fe01.contoso.com", "x")
	assertKind(t, err, ErrAuth)
	const want = `The server offers only "Basic realm=\"WSMAN\"", not Negotiate, so the client fell back to Basic authentication, ` +
		`which WinRM accepts for local accounts only`
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v\nwant it to contain %s", err, want)
	}
}

func TestRunBasicAgainstNTLMOnlyServer(t *testing.T) {
	resp := newNTLMResponder()
	f := startFarm(t, powershell(echo), farmOptions{ntlm: resp})
	_, err := newClient(t, f.config()).Run(context.Background(), "fe01.contoso.com", "x")
	assertKind(t, err, ErrAuth)
	for _, w := range []string{
		`WinRM's Basic authentication accepts local accounts only, and "CONTOSO\labadmin" looks like a domain account: set auth = "ntlm"`,
		`(the server offers only "Negotiate": enable Basic, or set auth = "ntlm")`,
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("err = %v\nwant it to contain %s", err, w)
		}
	}
}

func TestRunNTLMUnanswerableChallenge(t *testing.T) {
	resp := newNTLMResponder()
	resp.keyExch = true
	f := startFarm(t, powershell(echo), farmOptions{ntlm: resp})
	c := newClient(t, ntlmConfig(f))
	// Twice: a failed handshake must not leave its connection stuck.
	for range 2 {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err := c.Run(ctx, "fe01.contoso.com", "x")
		cancel()
		e := wantError(t, err, ErrAuth)
		var ne *ntlmError
		if !errors.As(err, &ne) || e.Attempts != 1 ||
			!strings.Contains(err.Error(), "NTLM handshake failed: Key exchange requested but not supported") ||
			!strings.HasSuffix(err.Error(), hintNTLMHandshake) {
			t.Fatalf("err = %v (attempts %d)", err, e.Attempts)
		}
	}
}

func TestHint401(t *testing.T) {
	tests := []struct {
		name      string
		auth      AuthMode
		https     bool
		user      string
		challenge string
		want      string // exact hint
	}{
		{"basic, local account", AuthBasic, true, "admin", `Basic realm="WSMAN"`, hintAuth401},
		{"basic, dot-local account", AuthBasic, true, `.\admin`, `Basic realm="WSMAN"`, hintAuth401},
		{"basic, no challenge", AuthBasic, true, "admin", "", hintAuth401},
		{"basic, DOMAIN\\user", AuthBasic, true, `CONTOSO\admin`, `Negotiate, Basic realm="WSMAN"`,
			`WinRM's Basic authentication accepts local accounts only, and "CONTOSO\admin" looks like a domain account: ` +
				`set auth = "ntlm" for a domain account. Otherwise: check username/password; Basic authentication must be enabled ` +
				`on the WinRM service (winrm set winrm/config/service/auth @{Basic="true"}), and over HTTP AllowUnencrypted must be true — prefer HTTPS`},
		{"basic, UPN", AuthBasic, true, "admin@contoso.com", `Basic realm="WSMAN"`,
			`WinRM's Basic authentication accepts local accounts only, and "admin@contoso.com" looks like a domain account: set auth = "ntlm" for a domain account. Otherwise: check ` +
				hintAuth401[len("Check "):]},
		{"basic, server without Basic", AuthBasic, true, "admin", "Negotiate",
			hintAuth401 + ` (the server offers only "Negotiate": enable Basic, or set auth = "ntlm")`},
		{"basic, server with Kerberos only", AuthBasic, true, "admin", "Kerberos",
			hintAuth401 + ` (the server offers only "Kerberos")`},
		{"ntlm over HTTPS", AuthNTLM, true, `CONTOSO\admin`, "Negotiate", hintAuth401NTLM},
		{"ntlm over HTTP", AuthNTLM, false, `CONTOSO\admin`, "Negotiate", hintAuth401NTLM + hintNTLMOverHTTP},
		{"ntlm, no challenge", AuthNTLM, false, `CONTOSO\admin`, "", hintAuth401NTLM + hintNTLMOverHTTP},
		{"ntlm fell back to Basic", AuthNTLM, true, `CONTOSO\admin`, `Basic realm="WSMAN"`,
			`The server offers only "Basic realm=\"WSMAN\"", not Negotiate, so the client fell back to Basic authentication, ` +
				`which WinRM accepts for local accounts only: enable Negotiate authentication on the WinRM service ` +
				`(winrm set winrm/config/service/auth @{Negotiate="true"}), or use a local account`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Client{cfg: Config{Auth: tt.auth, HTTPS: tt.https, Username: tt.user}}
			if got := c.hint401(tt.challenge); got != tt.want {
				t.Errorf("hint\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
	if !strings.Contains(hintNTLMOverHTTP, `AllowUnencrypted="true"`) || !strings.Contains(hintNTLMOverHTTP, "use HTTPS") {
		t.Errorf("the HTTP hint does not explain AllowUnencrypted: %s", hintNTLMOverHTTP)
	}
}

func TestDomainAccount(t *testing.T) {
	for user, want := range map[string]bool{
		`CONTOSO\admin`: true, "admin@contoso.com": true, `contoso.com\admin`: true,
		"admin": false, `.\admin`: false, `\admin`: false,
	} {
		if got := domainAccount(user); got != want {
			t.Errorf("domainAccount(%q) = %v, want %v", user, got, want)
		}
	}
}

// TestRunNTLMLabFarm runs against the lab farm's own NTLM server, with
// Basic refused so that only NTLM can succeed.
func TestRunNTLMLabFarm(t *testing.T) {
	noBasic := func(string, string) bool { return false }
	for _, https := range []bool{false, true} {
		t.Run(fmt.Sprintf("https=%v", https), func(t *testing.T) {
			var users sync.Map
			f := startFarm(t, powershell(func(ctx context.Context, cmd wsman.Command, script string) int {
				users.Store(cmd.User, true)
				return echo(ctx, cmd, script)
			}), farmOptions{https: https, farmNTLM: true, basicAuth: noBasic})

			for _, user := range []string{`CONTOSO\labadmin`, "labadmin@contoso.com"} {
				cfg := ntlmConfig(f)
				cfg.Username = user
				cfg.MaxConcurrentPerHost = 3
				c := newClient(t, cfg)
				var wg sync.WaitGroup
				errs := make(chan error, 8)
				for i := range 8 {
					wg.Go(func() {
						script := fmt.Sprintf("run %d ", i) + strings.Repeat("y", 5_000)
						res, err := c.Run(context.Background(), farmHosts[i%2], script)
						if err == nil && res.Stdout != script {
							err = fmt.Errorf("%s run %d: stdout differs, stderr %q", user, i, res.Stderr)
						}
						errs <- err
					})
				}
				wg.Wait()
				close(errs)
				for err := range errs {
					if err != nil {
						t.Error(err)
					}
				}
			}
			for _, want := range []string{`CONTOSO\labadmin`, "labadmin@contoso.com"} {
				if _, ok := users.Load(want); !ok {
					t.Errorf("no command ran as %q", want)
				}
			}

			cfg := ntlmConfig(f)
			cfg.Password = "wrong-password"
			_, err := newClient(t, cfg).Run(context.Background(), "fe01.contoso.com", "x")
			e := wantError(t, err, ErrAuth)
			want := "winrm: the WinRM service on fe01.contoso.com rejected the credentials (HTTP 401). " + hintAuth401NTLM
			if !https {
				want += hintNTLMOverHTTP
			}
			if err.Error() != want || e.Attempts != 1 || strings.Contains(err.Error(), "wrong-password") {
				t.Fatalf("err = %v (attempts %d)\nwant %s", err, e.Attempts, want)
			}
		})
	}
}
