package wsman

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/masterzen/winrm"
)

// These tests drive the server with the unmodified masterzen/winrm client,
// the client the provider uses.

// echoExecutor writes "<host>: <command line>" to stdout, "warning" to stderr
// and exits with 3.
var echoExecutor = execFunc(func(_ context.Context, cmd Command) int {
	fmt.Fprintf(cmd.Stdout, "%s: %s\r\n", cmd.Host, cmd.CommandLine)
	fmt.Fprint(cmd.Stderr, "warning\r\n")
	return 3
})

func TestMasterzenRunsCommands(t *testing.T) {
	var mu sync.Mutex
	var seen []Command
	exec := execFunc(func(ctx context.Context, cmd Command) int {
		mu.Lock()
		seen = append(seen, cmd)
		mu.Unlock()
		return echoExecutor(ctx, cmd)
	})
	f := startFarm(t, Config{Executor: exec}, farmOptions{})
	ctx := context.Background()

	stdout, stderr, code, err := f.client(t, "fe01.contoso.com", clientConfig{}).RunWithContextWithString(ctx, "cmd.exe /c echo hi", "")
	if err != nil || code != 3 || stdout != "fe01.contoso.com: cmd.exe /c echo hi\r\n" || stderr != "warning\r\n" {
		t.Fatalf("Run = %q, %q, %d, %v", stdout, stderr, code, err)
	}

	// The Host header selects the server, case-insensitively.
	stdout, _, _, err = f.client(t, "FE02.Contoso.COM", clientConfig{}).RunPSWithContext(ctx, "Get-CsPool | ConvertTo-Json")
	if err != nil {
		t.Fatal(err)
	}
	line, ok := strings.CutPrefix(stdout, "fe02.contoso.com: powershell.exe -EncodedCommand ")
	if !ok {
		t.Fatalf("stdout = %q", stdout)
	}
	if script := decodePowerShell(t, strings.TrimSpace(line)); !strings.HasSuffix(script, "Get-CsPool | ConvertTo-Json") {
		t.Fatalf("decoded script = %q", script)
	}

	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 2 || seen[0].User != testUser || seen[0].Host != "fe01.contoso.com" || seen[1].Host != "fe02.contoso.com" {
		t.Fatalf("executor saw %+v", seen)
	}
	stats := f.srv.Stats()
	for _, host := range farmHosts {
		// Create, Command, Receive(s), Signal, Delete (and a Send with stdin).
		if st := stats[host]; st.ShellsCreated != 1 || st.CommandsRun != 1 || st.OpenShells != 0 || st.Requests < 5 {
			t.Errorf("Stats()[%s] = %+v", host, st)
		}
	}
}

// decodePowerShell decodes an -EncodedCommand argument or fails the test.
func decodePowerShell(t *testing.T, b64 string) string {
	t.Helper()
	script, err := decodeEncodedCommand(b64)
	if err != nil {
		t.Fatal(err)
	}
	return script
}

// decodeEncodedCommand decodes an -EncodedCommand argument: base64 of the
// UTF-16LE script.
func decodeEncodedCommand(b64 string) (string, error) {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(raw)%2 != 0 {
		return "", fmt.Errorf("bad -EncodedCommand %q: %v", b64, err)
	}
	units := make([]uint16, len(raw)/2)
	for i := range units {
		units[i] = uint16(raw[2*i]) | uint16(raw[2*i+1])<<8
	}
	return string(utf16.Decode(units)), nil
}

func TestMasterzenOverHTTPS(t *testing.T) {
	f := startFarm(t, Config{Executor: echoExecutor}, farmOptions{https: true})
	ctx := context.Background()

	stdout, _, code, err := f.client(t, "fe01.contoso.com", clientConfig{}).RunWithContextWithString(ctx, "hostname", "")
	if err != nil || code != 3 || stdout != "fe01.contoso.com: hostname\r\n" {
		t.Fatalf("Run over HTTPS = %q, %d, %v", stdout, code, err)
	}

	_, _, _, err = f.client(t, "fe01.contoso.com", clientConfig{noCA: true}).RunWithContextWithString(ctx, "hostname", "")
	if err == nil || !strings.Contains(err.Error(), "x509") {
		t.Fatalf("Run without the CA: err = %v, want an x509 error", err)
	}
}

// recorder is middleware that keeps every reply, to count Receives and
// faults the client hides.
type recorder struct {
	mu      sync.Mutex
	replies []recorded
}

type recorded struct {
	status int
	body   string
}

func (rec *recorder) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rw := &recordingWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(rw, r)
		rec.mu.Lock()
		rec.replies = append(rec.replies, recorded{status: rw.status, body: rw.body.String()})
		rec.mu.Unlock()
	})
}

// count returns how many replies contain s.
func (rec *recorder) count(s string) (n int) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for _, r := range rec.replies {
		if strings.Contains(r.body, s) {
			n++
		}
	}
	return n
}

type recordingWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (w *recordingWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

func (w *recordingWriter) Write(p []byte) (int, error) {
	w.body.Write(p)
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection (Reset).
func (w *recordingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func TestMasterzenLongOutputSpansReceives(t *testing.T) {
	var want bytes.Buffer
	for i := 0; want.Len() < 700_000; i++ {
		fmt.Fprintf(&want, "line %06d of a long Get-CsTopology -AsXml document\r\n", i)
	}
	exec := execFunc(func(_ context.Context, cmd Command) int {
		data := want.Bytes()
		for len(data) > 0 {
			n := min(8192, len(data))
			if _, err := cmd.Stdout.Write(data[:n]); err != nil {
				return 1
			}
			data = data[n:]
		}
		return 0
	})
	rec := &recorder{}
	f := startFarm(t, Config{Executor: exec}, farmOptions{wrap: rec.wrap})

	stdout, stderr, code, err := f.client(t, "fe01.contoso.com", clientConfig{}).RunWithContextWithString(context.Background(), "type topology.xml", "")
	if err != nil || code != 0 || stderr != "" {
		t.Fatalf("Run = %d, %q, %v", code, stderr, err)
	}
	if stdout != want.String() {
		t.Fatalf("stdout differs: got %d bytes, want %d", len(stdout), want.Len())
	}
	if n := rec.count("ReceiveResponse"); n < 5 {
		t.Errorf("%d ReceiveResponses for %d bytes, want the output split over at least 5", n, want.Len())
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for _, r := range rec.replies {
		if len(r.body) >= 153600 {
			t.Errorf("reply of %d bytes exceeds the client's MaxEnvelopeSize 153600", len(r.body))
		}
	}
}

func TestMasterzenSlowCommandOutlivesReceiveHolds(t *testing.T) {
	exec := execFunc(func(ctx context.Context, cmd Command) int {
		fmt.Fprint(cmd.Stdout, "start\r\n")
		select {
		case <-time.After(time.Second):
		case <-ctx.Done():
			return 1
		}
		fmt.Fprint(cmd.Stdout, "end\r\n")
		return 0
	})
	rec := &recorder{}
	f := startFarm(t, Config{Executor: exec, MaxHold: 150 * time.Millisecond}, farmOptions{wrap: rec.wrap})

	stdout, _, code, err := f.client(t, "fe01.contoso.com", clientConfig{}).RunWithContextWithString(context.Background(), "Start-CsPool", "")
	if err != nil || code != 0 || stdout != "start\r\nend\r\n" {
		t.Fatalf("Run = %q, %d, %v", stdout, code, err)
	}
	if n := rec.count(`Code="2150858793"`); n < 3 {
		t.Errorf("%d w:TimedOut faults for a 1 s command with 150 ms holds, want at least 3", n)
	}
}

func TestMasterzenStdinReachesExecutor(t *testing.T) {
	exec := execFunc(func(_ context.Context, cmd Command) int {
		in, err := io.ReadAll(cmd.Stdin)
		if err != nil {
			fmt.Fprintf(cmd.Stderr, "read stdin: %v", err)
			return 1
		}
		if len(in) < 100 {
			_, _ = cmd.Stdout.Write(in)
		} else {
			fmt.Fprintf(cmd.Stdout, "%d %x", len(in), sha256.Sum256(in))
		}
		return 0
	})
	f := startFarm(t, Config{Executor: exec}, farmOptions{})
	c := f.client(t, "fe01.contoso.com", clientConfig{})

	stdout, stderr, code, err := c.RunWithContextWithString(context.Background(), "more", "hello\r\nworld\r\n")
	if err != nil || code != 0 || stdout != "hello\r\nworld\r\n" {
		t.Fatalf("small stdin: %q, %q, %d, %v", stdout, stderr, code, err)
	}

	// 400 KB: masterzen sends it in Sends of 152600 bytes (~203 KB base64).
	big := bytes.Repeat([]byte("0123456789abcdef"), 25_000)
	stdout, stderr, code, err = c.RunWithContextWithString(context.Background(), "more", string(big))
	if want := fmt.Sprintf("%d %x", len(big), sha256.Sum256(big)); err != nil || code != 0 || stdout != want {
		t.Fatalf("large stdin: %q, %q, %d, %v; want %q", stdout, stderr, code, err, want)
	}
}

func TestMasterzenContextCancelTerminatesCommand(t *testing.T) {
	cancelled := make(chan struct{})
	exec := execFunc(func(ctx context.Context, cmd Command) int {
		fmt.Fprint(cmd.Stdout, "waiting\r\n")
		<-ctx.Done()
		close(cancelled)
		return 1
	})
	f := startFarm(t, Config{Executor: exec, MaxHold: 200 * time.Millisecond}, farmOptions{})

	ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond)
	defer cancel()
	_, _, _, err := f.client(t, "fe01.contoso.com", clientConfig{}).RunWithContextWithString(ctx, "Wait-Forever", "")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	select {
	case <-cancelled:
	case <-time.After(5 * time.Second):
		t.Fatal("the executor's context was not cancelled by the client's Signal")
	}
}

func TestMasterzenWrongPassword(t *testing.T) {
	f := startFarm(t, Config{Executor: execFunc(func(context.Context, Command) int {
		t.Error("executor called for an unauthenticated client")
		return 0
	})}, farmOptions{})
	_, _, _, err := f.client(t, "fe01.contoso.com", clientConfig{user: testUser, password: "wrong"}).
		RunWithContextWithString(context.Background(), "whoami", "")
	if err == nil || !strings.Contains(err.Error(), "401 - invalid content type") {
		t.Fatalf("err = %v, want masterzen's 401 error", err)
	}
}

func TestMasterzenUnknownHostIsRefused(t *testing.T) {
	f := startFarm(t, Config{Executor: echoExecutor}, farmOptions{})
	_, _, _, err := f.client(t, "fe09.contoso.com", clientConfig{}).RunWithContextWithString(context.Background(), "whoami", "")
	if err == nil || !strings.Contains(err.Error(), "404 - invalid content type") {
		t.Fatalf("err = %v, want a 404 refusal", err)
	}
	// What masterzen drops, a plain HTTP client shows.
	r, err := f.do(context.Background(), "fe09.contoso.com", rawRequest{action: actionCreate}.String())
	if err != nil {
		t.Fatal(err)
	}
	if r.status != http.StatusNotFound || !strings.Contains(r.text, `lab farm: no server named "fe09.contoso.com" in this farm`) {
		t.Fatalf("refusal = %d %q", r.status, r.text)
	}
	if st := f.srv.Stats()["fe09.contoso.com"]; st.Requests != 2 || st.ShellsCreated != 0 {
		t.Errorf("Stats for the unknown host = %+v", st)
	}
}

func TestMasterzenCommandLineLimit(t *testing.T) {
	ran := 0
	var mu sync.Mutex
	exec := execFunc(func(context.Context, Command) int {
		mu.Lock()
		ran++
		mu.Unlock()
		return 0
	})
	f := startFarm(t, Config{Executor: exec}, farmOptions{})
	c := f.client(t, "fe01.contoso.com", clientConfig{})
	ctx := context.Background()

	atLimit := "cmd /c rem " + strings.Repeat("x", DefaultMaxCommandLine-len("cmd /c rem "))
	if _, _, code, err := c.RunWithContextWithString(ctx, atLimit, ""); err != nil || code != 0 {
		t.Fatalf("a command line of exactly %d characters: %d, %v", DefaultMaxCommandLine, code, err)
	}

	// A script inlined in -EncodedCommand: 3500 characters become ~9400.
	_, _, _, err := c.RunPSWithContext(ctx, strings.Repeat("Get-CsPool;", 320))
	var fault *winrm.ExecuteCommandError
	if !errors.As(err, &fault) || !strings.Contains(fault.Body, `Code="2147942606"`) ||
		!strings.Contains(fault.Body, "The filename or extension is too long.") {
		t.Fatalf("err = %v, want the Windows 'filename or extension is too long' fault", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if ran != 1 {
		t.Errorf("executor ran %d times, want 1 (the over-long command must not run)", ran)
	}
	if st := f.srv.Stats()["fe01.contoso.com"]; st.OpenShells != 0 || st.CommandsRun != 1 {
		t.Errorf("Stats = %+v", st)
	}
}

func TestMasterzenInjectedFailures(t *testing.T) {
	tests := []struct {
		name    string
		action  Action
		https   bool
		onlyOp  Op            // OpUnknown: every request
		timeout time.Duration // client response header timeout
		wantErr string
	}{
		{name: "reset", action: Reset, wantErr: "connection reset by peer"},
		{name: "reset over https", action: Reset, https: true, wantErr: "connection reset by peer"},
		{name: "unavailable", action: Unavailable, wantErr: "503 - invalid content type"},
		{name: "internal error", action: InternalError, wantErr: "500 - invalid content type"},
		{name: "hang", action: Hang, timeout: 300 * time.Millisecond, wantErr: "timeout awaiting response headers"},
		{name: "reset on receive", action: Reset, onlyOp: OpReceive, wantErr: "connection reset by peer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			intercept := func(host string, op Op) Action {
				if host == "fe01.contoso.com" && (tt.onlyOp == OpUnknown || op == tt.onlyOp) {
					return tt.action
				}
				return Proceed
			}
			f := startFarm(t, Config{Executor: echoExecutor, Interceptor: intercept}, farmOptions{https: tt.https})
			ctx := context.Background()

			_, _, code, err := f.client(t, "fe01.contoso.com", clientConfig{timeout: tt.timeout}).RunWithContextWithString(ctx, "whoami", "")
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v (exit %d), want an error containing %q", err, code, tt.wantErr)
			}
			t.Logf("client saw: exit %d, %v", code, err)

			// The other server of the farm is unaffected.
			if _, _, code, err := f.client(t, "fe02.contoso.com", clientConfig{}).RunWithContextWithString(ctx, "whoami", ""); err != nil || code != 3 {
				t.Fatalf("fe02: %d, %v", code, err)
			}
		})
	}
}

func TestMasterzenConcurrentRuns(t *testing.T) {
	exec := execFunc(func(ctx context.Context, cmd Command) int {
		select {
		case <-time.After(time.Duration(len(cmd.CommandLine)%7) * 10 * time.Millisecond):
		case <-ctx.Done():
		}
		in, _ := io.ReadAll(cmd.Stdin)
		fmt.Fprintf(cmd.Stdout, "%s|%s|%s", cmd.Host, cmd.CommandLine, in)
		fmt.Fprintf(cmd.Stderr, "%s", cmd.CommandLine)
		return len(cmd.CommandLine) % 5
	})
	f := startFarm(t, Config{Executor: exec, MaxHold: 300 * time.Millisecond}, farmOptions{})

	var wg sync.WaitGroup
	for g := range 8 {
		host := farmHosts[g%len(farmHosts)]
		c := f.client(t, host, clientConfig{})
		wg.Go(func() {
			for i := range 3 {
				line := fmt.Sprintf("job-%d-%d%s", g, i, strings.Repeat("!", g+i))
				stdout, stderr, code, err := c.RunWithContextWithString(context.Background(), line, "in-"+line)
				if want := host + "|" + line + "|in-" + line; err != nil || stdout != want || stderr != line || code != len(line)%5 {
					t.Errorf("%s on %s: %q, %q, %d, %v; want %q", line, host, stdout, stderr, code, err, want)
				}
			}
		})
	}
	wg.Wait()
	for _, host := range farmHosts {
		if st := f.srv.Stats()[host]; st.CommandsRun != 12 || st.OpenShells != 0 {
			t.Errorf("Stats()[%s] = %+v", host, st)
		}
	}
}

func TestMasterzenExecutorPanicFailsCommand(t *testing.T) {
	f := startFarm(t, Config{Executor: execFunc(func(context.Context, Command) int { panic("boom") })}, farmOptions{})
	_, stderr, code, err := f.client(t, "fe01.contoso.com", clientConfig{}).RunWithContextWithString(context.Background(), "Get-CsPool", "")
	if err != nil || code != 1 || !strings.Contains(stderr, "executor panic: boom") {
		t.Fatalf("Run = %q, %d, %v", stderr, code, err)
	}
}
