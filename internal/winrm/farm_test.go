package winrm

import (
	"bufio"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lyncdr/terraform-provider-lync/internal/labfarm/wsman"
)

// The transport tests run against the lab farm's WS-Management server, the
// same server the acceptance tests use, on a loopback listener. Every server
// name reaches it through the address map, as on a real network with DNS.

const (
	testUser     = `CONTOSO\labadmin`
	testPassword = "Pa55w.rd-not-in-logs"
)

var farmHosts = []string{"fe01.contoso.com", "fe02.contoso.com"}

// execFunc adapts a function to wsman.Executor.
type execFunc func(ctx context.Context, cmd wsman.Command) int

func (f execFunc) Run(ctx context.Context, cmd wsman.Command) int { return f(ctx, cmd) }

// scriptFunc is what a test's emulated PowerShell does with the script.
type scriptFunc func(ctx context.Context, cmd wsman.Command, script string) int

// powershell emulates powershell.exe running the bootstrap: it insists on
// the exact command line, reads lines from stdin like
// [Console]::In.ReadLine() on WinRS console-mode stdin (at most 254
// characters of a line, the rest lost) up to the end-of-script line, decodes
// them and runs the script with run.
func powershell(run scriptFunc) wsman.Executor {
	return execFunc(func(ctx context.Context, cmd wsman.Command) int {
		if cmd.CommandLine != commandLine {
			fmt.Fprintf(cmd.Stderr, "unexpected command line %.80q", cmd.CommandLine)
			return 97
		}
		r := bufio.NewReader(cmd.Stdin)
		var b64 strings.Builder
		for {
			line, err := r.ReadString('\n')
			if err != nil && (!errors.Is(err, io.EOF) || line == "") {
				fmt.Fprintf(cmd.Stderr, "reading stdin: %v (stdin ended before the end-of-script line)", err)
				return 98
			}
			line = strings.TrimRight(line, "\r\n")
			if len(line) > 254 {
				line = line[:254]
			}
			if line == payloadEnd {
				break
			}
			b64.WriteString(line)
		}
		script, err := base64.StdEncoding.DecodeString(b64.String())
		if err != nil {
			fmt.Fprintf(cmd.Stderr, "decoding the script: %v", err)
			return 99
		}
		return run(ctx, cmd, string(script))
	})
}

// echo writes the script back to stdout.
func echo(_ context.Context, cmd wsman.Command, script string) int {
	_, _ = io.WriteString(cmd.Stdout, script)
	return 0
}

type farmOptions struct {
	https          bool
	maxHold        time.Duration
	maxCommandLine int
	intercept      func(host string, op wsman.Op) wsman.Action
	// ntlm, if set, fronts the farm with a test NTLM responder.
	ntlm *ntlmResponder
	// farmNTLM turns on the farm's own NTLM authentication, for the
	// accounts CONTOSO\labadmin and labadmin@contoso.com with testPassword.
	farmNTLM bool
	// basicAuth, if set, replaces the farm's check of Basic credentials.
	basicAuth func(user, password string) bool
}

// testFarm is a wsman.Server behind an httptest listener on 127.0.0.1.
type testFarm struct {
	srv   *wsman.Server
	addr  string
	caPEM []byte
	https bool
}

func startFarm(t *testing.T, exec wsman.Executor, o farmOptions) *testFarm {
	t.Helper()
	cfg := wsman.Config{
		Executor:       exec,
		Authenticate:   func(u, p string) bool { return u == testUser && p == testPassword },
		KnownHost:      func(h string) bool { return slices.Contains(farmHosts, h) },
		Interceptor:    o.intercept,
		MaxHold:        o.maxHold,
		MaxCommandLine: o.maxCommandLine,
	}
	if o.basicAuth != nil {
		cfg.Authenticate = o.basicAuth
	}
	if o.farmNTLM {
		cfg.NTLM = true
		cfg.Password = func(user, domain string) (string, bool) {
			ok := strings.EqualFold(user, "labadmin") && (strings.EqualFold(domain, "CONTOSO") || strings.EqualFold(domain, "contoso.com"))
			return testPassword, ok
		}
	}
	srv, err := wsman.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var handler http.Handler = srv
	if o.ntlm != nil {
		o.ntlm.next, handler = srv, o.ntlm
	}
	ts := httptest.NewUnstartedServer(handler)
	ts.Config.ErrorLog = log.New(io.Discard, "", 0) // TLS failures are expected in some tests
	switch {
	case o.ntlm != nil:
		ts.Config.ConnContext = o.ntlm.connContext
	case o.farmNTLM:
		ts.Config.ConnContext = srv.ConnContext
	}
	f := &testFarm{srv: srv, https: o.https}
	if o.https {
		tlsConfig, caPEM, err := wsman.NewTLSConfig(farmHosts...)
		if err != nil {
			t.Fatal(err)
		}
		ts.TLS, f.caPEM = tlsConfig, caPEM
		ts.StartTLS()
	} else {
		ts.Start()
	}
	t.Cleanup(ts.Close)
	t.Cleanup(func() { _ = srv.Close() }) // runs first: releases held Receives
	f.addr = ts.Listener.Addr().String()
	return f
}

// config returns a client configuration for the farm: every server name
// dials the farm's listener, retries are fast.
func (f *testFarm) config() Config {
	cfg := Config{
		HTTPS:            f.https,
		Username:         testUser,
		Password:         testPassword,
		ConnectTimeout:   5 * time.Second,
		OperationTimeout: 30 * time.Second,
		Addresses:        map[string]string{"*": f.addr},
		Retry:            RetryPolicy{MaxAttempts: 3, BaseBackoff: 5 * time.Millisecond},
	}
	if f.https {
		cfg.CACertPEM = f.caPEM
	}
	return cfg
}

func newClient(t *testing.T, cfg Config) *Client {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// testCAPEM returns a CA certificate in PEM form.
func testCAPEM(t *testing.T) []byte {
	t.Helper()
	_, caPEM, err := wsman.NewTLSConfig("fe01.contoso.com")
	if err != nil {
		t.Fatal(err)
	}
	return caPEM
}

// wantError asserts that err is an *Error of kind and returns it.
func wantError(t *testing.T, err error, kind Kind) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v (%T), want *winrm.Error", err, err)
	}
	if e.Kind != kind {
		t.Fatalf("kind = %v, want %v; err = %v", e.Kind, kind, err)
	}
	if strings.Contains(err.Error(), testPassword) {
		t.Fatalf("the error leaks the password: %v", err)
	}
	return e
}

// assertKind asserts that err is an *Error of kind.
func assertKind(t *testing.T, err error, kind Kind) {
	t.Helper()
	_ = wantError(t, err, kind)
}

// closedWithin waits for ch or fails.
func closedWithin(t *testing.T, ch <-chan struct{}, d time.Duration, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(d):
		t.Fatalf("%s did not happen within %s", what, d)
	}
}

// logRecorder collects log records.
type logRecorder struct {
	mu      sync.Mutex
	records []logRecord
}

type logRecord struct {
	level  Level
	msg    string
	fields map[string]any
}

func (r *logRecorder) log(_ context.Context, level Level, msg string, fields map[string]any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.records = append(r.records, logRecord{level, msg, fields})
}

func (r *logRecorder) all() []logRecord {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.records)
}
