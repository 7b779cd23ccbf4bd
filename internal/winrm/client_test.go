package winrm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lyncdr/terraform-provider-lync/internal/labfarm/wsman"
	mzwinrm "github.com/masterzen/winrm"
)

func TestRunDeliversLargeScriptOnStdin(t *testing.T) {
	var hosts sync.Map
	f := startFarm(t, powershell(func(ctx context.Context, cmd wsman.Command, script string) int {
		hosts.Store(cmd.Host, true)
		return echo(ctx, cmd, script)
	}), farmOptions{}) // the farm enforces cmd.exe's 8191-character limit
	c := newClient(t, f.config())

	// 200 kB of script with quotes, CRLFs and non-ASCII text: more than one
	// stdin chunk, and its echo spans several Receives.
	var b strings.Builder
	for i := 0; b.Len() < 200<<10; i++ {
		fmt.Fprintf(&b, "Write-Output 'Zeile %d: Jürgen \"quoted\" $(not expanded) ✓'\r\n", i)
	}
	script := b.String()
	res, err := c.Run(context.Background(), "FE01.contoso.com", script)
	if err != nil {
		t.Fatal(err)
	}
	if res.ExitCode != 0 || res.Stdout != script || res.Stderr != "" {
		t.Fatalf("exit %d, stdout %d bytes (want %d), stderr %q", res.ExitCode, len(res.Stdout), len(script), res.Stderr)
	}
	if res.Duration <= 0 {
		t.Error("no duration")
	}
	if _, ok := hosts.Load("fe01.contoso.com"); !ok {
		t.Error("the farm did not see the FQDN as Host header")
	}
}

func TestRunExitCodesAndStderr(t *testing.T) {
	f := startFarm(t, powershell(func(_ context.Context, cmd wsman.Command, script string) int {
		code, _ := strconv.Atoi(strings.TrimPrefix(script, "exit "))
		fmt.Fprint(cmd.Stdout, "out\r\n")
		if code != 0 {
			// What powershell.exe writes for an uncaught error under WinRS.
			fmt.Fprint(cmd.Stderr, "#< CLIXML\r\n"+objsOpen+progressRecord+
				`<S S="Error">Get-CsPool : Pool "x" not found._x000D__x000A_</S>`+
				`<S S="Error">    + CategoryInfo : ObjectNotFound_x000D__x000A_</S></Objs>`)
		}
		return code
	}), farmOptions{})
	c := newClient(t, f.config())
	for _, code := range []int{0, 1, 3, 16001} {
		res, err := c.Run(context.Background(), "fe01.contoso.com", fmt.Sprintf("exit %d", code))
		if err != nil {
			t.Fatalf("exit %d: %v", code, err)
		}
		if res.ExitCode != code || res.Stdout != "out\r\n" {
			t.Errorf("exit code %d, stdout %q; want %d", res.ExitCode, res.Stdout, code)
		}
		wantErr := ""
		if code != 0 {
			wantErr = "Get-CsPool : Pool \"x\" not found.\n    + CategoryInfo : ObjectNotFound"
		}
		if res.Stderr != wantErr {
			t.Errorf("stderr %q, want %q", res.Stderr, wantErr)
		}
	}
}

func TestRunSlowCommandOutlivesReceiveHolds(t *testing.T) {
	f := startFarm(t, powershell(func(ctx context.Context, cmd wsman.Command, _ string) int {
		for i := range 3 {
			fmt.Fprintf(cmd.Stdout, "step %d\r\n", i)
			select {
			case <-time.After(250 * time.Millisecond): // longer than the hold
			case <-ctx.Done():
				return 1
			}
		}
		return 0
	}), farmOptions{maxHold: 100 * time.Millisecond})
	c := newClient(t, f.config())
	res, err := c.Run(context.Background(), "fe01.contoso.com", "slow")
	if err != nil {
		t.Fatal(err)
	}
	if res.Stdout != "step 0\r\nstep 1\r\nstep 2\r\n" || res.ExitCode != 0 {
		t.Fatalf("exit %d, stdout %q", res.ExitCode, res.Stdout)
	}
}

func TestRunHTTPS(t *testing.T) {
	f := startFarm(t, powershell(echo), farmOptions{https: true})

	t.Run("trusted CA", func(t *testing.T) {
		res, err := newClient(t, f.config()).Run(context.Background(), "fe02.contoso.com", "hello")
		if err != nil || res.Stdout != "hello" {
			t.Fatalf("%v, %+v", err, res)
		}
	})
	t.Run("system roots reject the farm's CA", func(t *testing.T) {
		cfg := f.config()
		cfg.CACertPEM = nil
		_, err := newClient(t, cfg).Run(context.Background(), "fe01.contoso.com", "hello")
		e := wantError(t, err, ErrTLS)
		if !strings.Contains(err.Error(), "ca_certificate") || e.Attempts != 1 {
			t.Fatalf("attempts %d, err %v", e.Attempts, err)
		}
	})
	t.Run("another CA", func(t *testing.T) {
		cfg := f.config()
		cfg.CACertPEM = testCAPEM(t)
		_, err := newClient(t, cfg).Run(context.Background(), "fe01.contoso.com", "hello")
		assertKind(t, err, ErrTLS)
	})
	t.Run("insecure", func(t *testing.T) {
		cfg := f.config()
		cfg.CACertPEM, cfg.Insecure = nil, true
		if _, err := newClient(t, cfg).Run(context.Background(), "fe01.contoso.com", "hello"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("certificate checked against the FQDN, not the dialled address", func(t *testing.T) {
		// The certificate names 127.0.0.1 and the farm's hosts, not this name.
		_, err := newClient(t, f.config()).Run(context.Background(), "fe09.example.net", "hello")
		assertKind(t, err, ErrTLS)
		if !strings.Contains(err.Error(), "must name fe09.example.net") || !strings.Contains(err.Error(), f.addr) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("HTTP client on the HTTPS port", func(t *testing.T) {
		cfg := f.config()
		cfg.HTTPS, cfg.CACertPEM = false, nil
		_, err := newClient(t, cfg).Run(context.Background(), "fe01.contoso.com", "hello")
		assertKind(t, err, ErrProtocol) // Go's TLS server answers 400 in plain text
		if !strings.Contains(err.Error(), "HTTP 400") || !strings.Contains(err.Error(), "turn HTTPS on") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestRunAddressMap(t *testing.T) {
	var seen sync.Map
	f := startFarm(t, powershell(func(_ context.Context, cmd wsman.Command, _ string) int {
		seen.Store(cmd.Host, true)
		return 0
	}), farmOptions{})

	// fe02 has its own entry, every other name falls to "*" — here a port
	// nobody listens on.
	dead := deadAddress(t)
	cfg := f.config()
	cfg.Addresses = map[string]string{"*": dead, "FE02.contoso.com": f.addr}
	c := newClient(t, cfg)

	if _, err := c.Run(context.Background(), "fe02.contoso.com", "x"); err != nil {
		t.Fatal(err)
	}
	if _, ok := seen.Load("fe02.contoso.com"); !ok {
		t.Error("Host header was not the FQDN")
	}

	start := time.Now()
	_, err := c.Run(context.Background(), "fe01.contoso.com", "x")
	e := wantError(t, err, ErrConnect)
	want := fmt.Sprintf("winrm: cannot reach WinRM on fe01.contoso.com (dialled %s): dial tcp %s: connect: connection refused (after 3 attempts)", dead, dead)
	if !strings.HasPrefix(err.Error(), want) || e.Addr != dead || e.Attempts != 3 || e.OutcomeUnknown {
		t.Fatalf("err = %v\nwant prefix %s", err, want)
	}
	if time.Since(start) > 5*time.Second {
		t.Error("retries took too long")
	}
}

// deadAddress returns a loopback address that refuses connections.
func deadAddress(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}

func TestRunWrongPassword(t *testing.T) {
	f := startFarm(t, powershell(echo), farmOptions{})
	cfg := f.config()
	cfg.Password = "wrong-password"
	_, err := newClient(t, cfg).Run(context.Background(), "fe01.contoso.com", "x")
	e := wantError(t, err, ErrAuth)
	// testUser is written DOMAIN\user: the hint says that Basic does not
	// take domain accounts (the farm does, Windows does not).
	const want = `winrm: the WinRM service on fe01.contoso.com rejected the credentials (HTTP 401). ` +
		`WinRM's Basic authentication accepts local accounts only, and "CONTOSO\labadmin" looks like a domain account: ` +
		`set auth = "ntlm" for a domain account. Otherwise: check username/password; ` +
		`Basic authentication must be enabled on the WinRM service (winrm set winrm/config/service/auth @{Basic="true"}), ` +
		`and over HTTP AllowUnencrypted must be true — prefer HTTPS`
	if err.Error() != want || e.Attempts != 1 || e.StatusCode != 401 {
		t.Fatalf("err = %v (attempts %d)\nwant %s", err, e.Attempts, want)
	}
	if strings.Contains(err.Error(), "wrong-password") {
		t.Fatal("password in the error")
	}
}

func TestRunUnknownHostShowsTheServersExplanation(t *testing.T) {
	f := startFarm(t, powershell(echo), farmOptions{})
	_, err := newClient(t, f.config()).Run(context.Background(), "fe09.contoso.com", "x")
	e := wantError(t, err, ErrProtocol)
	if e.StatusCode != 404 || !strings.Contains(err.Error(),
		`WinRM on fe09.contoso.com answered HTTP 404 while opening a remote shell: lab farm: no server named "fe09.contoso.com" in this farm`) {
		t.Fatalf("err = %v", err)
	}
}

func TestRunCommandLineFaultIsReadable(t *testing.T) {
	// A farm with a tiny command-line limit answers Windows' fault.
	f := startFarm(t, powershell(echo), farmOptions{maxCommandLine: 100})
	_, err := newClient(t, f.config()).Run(context.Background(), "fe01.contoso.com", "x")
	e := wantError(t, err, ErrProtocol)
	if e.Op != OpCommand || !strings.Contains(err.Error(), "while starting PowerShell: The filename or extension is too long.") {
		t.Fatalf("err = %v", err)
	}
	if st := f.srv.Stats()["fe01.contoso.com"]; st.OpenShells != 0 {
		t.Errorf("the shell was not deleted: %+v", st)
	}
}

func TestRunPerHostConcurrencyCap(t *testing.T) {
	var running, peak atomic.Int32
	var perHost sync.Map
	f := startFarm(t, powershell(func(ctx context.Context, cmd wsman.Command, _ string) int {
		n := running.Add(1)
		defer running.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		v, _ := perHost.LoadOrStore(cmd.Host, new(atomic.Int32))
		counter, _ := v.(*atomic.Int32)
		hn := counter.Add(1)
		defer counter.Add(-1)
		if hn > 2 {
			fmt.Fprintf(cmd.Stderr, "%d concurrent commands on %s", hn, cmd.Host)
			return 1
		}
		time.Sleep(80 * time.Millisecond)
		return 0
	}), farmOptions{})
	cfg := f.config()
	cfg.MaxConcurrentPerHost = 2
	c := newClient(t, cfg)

	var wg sync.WaitGroup
	errs := make(chan error, 12)
	for i := range 12 {
		wg.Go(func() {
			res, err := c.Run(context.Background(), farmHosts[i%2], "work")
			if err == nil && res.ExitCode != 0 {
				err = errors.New(res.Stderr)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	// Two hosts, two slots each: four at once at most, and the cap is no
	// global serialization either.
	if p := peak.Load(); p > 4 || p < 3 {
		t.Errorf("peak concurrency %d, want 3-4", p)
	}
}

func TestRunWaitingForASlotRespectsContext(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{}, 1)
	f := startFarm(t, powershell(func(ctx context.Context, _ wsman.Command, _ string) int {
		started <- struct{}{}
		select {
		case <-release:
		case <-ctx.Done():
		}
		return 0
	}), farmOptions{})
	cfg := f.config()
	cfg.MaxConcurrentPerHost = 1
	c := newClient(t, cfg)

	done := make(chan error, 1)
	go func() {
		_, err := c.Run(context.Background(), "fe01.contoso.com", "hold")
		done <- err
	}()
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := c.Run(ctx, "fe01.contoso.com", "queued")
	e := wantError(t, err, ErrTimeout)
	if e.Op != OpWait || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestRunRetriesTransientFailuresBeforeTheScript(t *testing.T) {
	tests := []struct {
		name   string
		op     wsman.Op
		action wsman.Action
	}{
		{"reset on create", wsman.OpCreate, wsman.Reset},
		{"503 on create", wsman.OpCreate, wsman.Unavailable},
		{"500 text on command", wsman.OpCommand, wsman.InternalError},
		{"reset on command", wsman.OpCommand, wsman.Reset},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var injected atomic.Int32
			var runs atomic.Int32
			f := startFarm(t, powershell(func(ctx context.Context, cmd wsman.Command, s string) int {
				runs.Add(1)
				return echo(ctx, cmd, s)
			}), farmOptions{intercept: func(_ string, op wsman.Op) wsman.Action {
				if op == tt.op && injected.Add(1) <= 2 {
					return tt.action
				}
				return wsman.Proceed
			}})
			logs := &logRecorder{}
			cfg := f.config()
			cfg.Log = logs.log
			res, err := newClient(t, cfg).Run(context.Background(), "fe01.contoso.com", "hello")
			if err != nil {
				t.Fatal(err)
			}
			if res.Stdout != "hello" || runs.Load() != 1 {
				t.Fatalf("stdout %q, script ran %d times", res.Stdout, runs.Load())
			}
			warns := 0
			for _, r := range logs.all() {
				if r.level == LevelWarn {
					warns++
				}
			}
			if warns != 2 {
				t.Errorf("%d retry warnings logged, want 2", warns)
			}
		})
	}

	t.Run("gives up after MaxAttempts with the server's text", func(t *testing.T) {
		var creates atomic.Int32
		f := startFarm(t, powershell(echo), farmOptions{intercept: func(_ string, op wsman.Op) wsman.Action {
			if op == wsman.OpCreate {
				creates.Add(1)
			}
			return wsman.Unavailable
		}})
		_, err := newClient(t, f.config()).Run(context.Background(), "fe01.contoso.com", "hello")
		e := wantError(t, err, ErrTransient)
		if e.Attempts != 3 || creates.Load() != 3 || e.StatusCode != 503 ||
			!strings.Contains(err.Error(), "answered HTTP 503 while opening a remote shell: lab farm: fe01.contoso.com: 503 Service Unavailable (injected failure) (after 3 attempts)") {
			t.Fatalf("creates %d, err = %v", creates.Load(), err)
		}
	})
}

func TestRunNeverRetriesOnceTheScriptWasSent(t *testing.T) {
	t.Run("connection lost while reading output", func(t *testing.T) {
		var runs atomic.Int32
		scriptRead := make(chan struct{})
		terminated := make(chan struct{})
		f := startFarm(t, powershell(func(ctx context.Context, _ wsman.Command, _ string) int {
			runs.Add(1)
			close(scriptRead)
			<-ctx.Done() // until the client's Signal
			close(terminated)
			return 0
		}), farmOptions{intercept: func(_ string, op wsman.Op) wsman.Action {
			select {
			case <-scriptRead:
				if op == wsman.OpReceive {
					return wsman.Reset // the server went away mid-command
				}
			default:
			}
			return wsman.Proceed
		}, maxHold: 50 * time.Millisecond})
		_, err := newClient(t, f.config()).Run(context.Background(), "fe01.contoso.com", "Publish-CsTopology")
		e := wantError(t, err, ErrTransient)
		if !e.OutcomeUnknown || e.Attempts != 1 || e.Op != OpReceive || runs.Load() != 1 ||
			!strings.Contains(err.Error(), "outcome unknown") {
			t.Fatalf("runs %d, err = %#v\n%v", runs.Load(), e, err)
		}
		closedWithin(t, terminated, 5*time.Second, "terminating the orphaned command")
	})

	t.Run("connection lost while sending the script", func(t *testing.T) {
		var sends atomic.Int32
		stdinErr := make(chan error, 1)
		f := startFarm(t, execFunc(func(ctx context.Context, cmd wsman.Command) int {
			_, err := io.ReadAll(cmd.Stdin)
			stdinErr <- err
			return 0
		}), farmOptions{intercept: func(_ string, op wsman.Op) wsman.Action {
			if op == wsman.OpSend && sends.Add(1) == 1 {
				return wsman.Reset
			}
			return wsman.Proceed
		}})
		_, err := newClient(t, f.config()).Run(context.Background(), "fe01.contoso.com", "Publish-CsTopology")
		e := wantError(t, err, ErrTransient)
		if !e.OutcomeUnknown || e.Op != OpSend || e.Attempts != 1 {
			t.Fatalf("err = %#v", e)
		}
		// The library would have closed stdin after the failed Send and let
		// a truncated script start; instead the command was terminated
		// without end of input.
		select {
		case err := <-stdinErr:
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("the command's stdin ended with %v, want termination", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("the command was not terminated")
		}
		if n := sends.Load(); n != 1 {
			t.Errorf("%d Sends after the failed one, want none", n-1)
		}
	})
}

func TestRunCancelReachesTheServer(t *testing.T) {
	started := make(chan struct{})
	terminated := make(chan struct{})
	f := startFarm(t, powershell(func(ctx context.Context, _ wsman.Command, _ string) int {
		close(started)
		<-ctx.Done()
		close(terminated)
		return 1
	}), farmOptions{maxHold: 20 * time.Second}) // a held Receive must not delay the cancel
	c := newClient(t, f.config())

	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-started
		time.Sleep(50 * time.Millisecond) // let the Receive be held
		cancel()
	}()
	start := time.Now()
	_, err := c.Run(ctx, "fe01.contoso.com", "Wait-Forever")
	e := wantError(t, err, ErrCanceled)
	if !errors.Is(err, context.Canceled) || !e.OutcomeUnknown || e.Op != OpRun {
		t.Fatalf("err = %#v", e)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Run returned %s after the cancel", d)
	}
	closedWithin(t, terminated, 5*time.Second, "terminating the command")
	waitNoOpenShells(t, f)
}

func TestRunOperationTimeout(t *testing.T) {
	terminated := make(chan struct{})
	f := startFarm(t, powershell(func(ctx context.Context, _ wsman.Command, _ string) int {
		<-ctx.Done()
		close(terminated)
		return 1
	}), farmOptions{maxHold: 20 * time.Second})
	cfg := f.config()
	cfg.OperationTimeout = 300 * time.Millisecond
	start := time.Now()
	_, err := newClient(t, cfg).Run(context.Background(), "fe01.contoso.com", "Wait-Forever")
	e := wantError(t, err, ErrTimeout)
	if e.Op != OpRun || !e.OutcomeUnknown || e.Attempts != 1 || !errors.Is(err, context.DeadlineExceeded) ||
		!strings.Contains(err.Error(), "the script on fe01.contoso.com did not finish in time and was terminated: operation timeout of 300ms exceeded") {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %s", d)
	}
	closedWithin(t, terminated, 5*time.Second, "terminating the command")
}

func TestRunCallerDeadline(t *testing.T) {
	f := startFarm(t, powershell(func(ctx context.Context, _ wsman.Command, _ string) int {
		<-ctx.Done()
		return 1
	}), farmOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := newClient(t, f.config()).Run(ctx, "fe01.contoso.com", "Wait-Forever")
	assertKind(t, err, ErrTimeout)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
}

func TestRunRejectsBadInput(t *testing.T) {
	c := newClient(t, Config{Username: "u"})
	for host, script := range map[string]string{
		"":                      "x",
		"fe01.contoso.com:5986": "x",
		"https://fe01":          "x",
		"fe01.contoso.com":      "",
	} {
		if _, err := c.Run(context.Background(), host, script); err == nil {
			t.Errorf("Run(%q, %q) succeeded", host, script)
		}
	}
}

func TestRunLogsWithoutSecrets(t *testing.T) {
	f := startFarm(t, powershell(echo), farmOptions{})
	logs := &logRecorder{}
	cfg := f.config()
	cfg.Log = logs.log
	c := newClient(t, cfg)
	// A script that (wrongly) embeds the password: the logs still redact it.
	script := "$p = '" + testPassword + "'; Get-CsPool"
	if _, err := c.Run(context.Background(), "fe01.contoso.com", script); err != nil {
		t.Fatal(err)
	}
	var sawDebug, sawTrace bool
	for _, r := range logs.all() {
		all := r.msg + fmt.Sprint(r.fields)
		if strings.Contains(all, testPassword) {
			t.Errorf("log record leaks the password: %s %s", r.level, all)
		}
		if r.level == LevelDebug && r.fields["script_bytes"] == len(script) {
			sawDebug = true
			if _, ok := r.fields["script"]; ok {
				t.Error("script text logged at debug level")
			}
		}
		if r.level == LevelTrace && strings.Contains(fmt.Sprint(r.fields["script"]), "Get-CsPool") {
			sawTrace = true
		}
	}
	if !sawDebug || !sawTrace {
		t.Errorf("debug record with script size: %v, trace record with script: %v", sawDebug, sawTrace)
	}
}

func TestRunLeavesLibraryGlobalsAlone(t *testing.T) {
	before := *mzwinrm.DefaultParameters
	f := startFarm(t, powershell(echo), farmOptions{})
	if _, err := newClient(t, f.config()).Run(context.Background(), "fe01.contoso.com", "x"); err != nil {
		t.Fatal(err)
	}
	after := *mzwinrm.DefaultParameters
	if after.Timeout != before.Timeout || after.EnvelopeSize != before.EnvelopeSize ||
		after.TransportDecorator != nil || after.Dial != nil {
		t.Errorf("winrm.DefaultParameters changed: %+v", after)
	}
}

// waitNoOpenShells waits until the farm reports no open shell: every
// execution deletes its shell, also when cancelled.
func waitNoOpenShells(t *testing.T, f *testFarm) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		open := 0
		for _, st := range f.srv.Stats() {
			open += st.OpenShells
		}
		if open == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d shells still open", open)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestRunHangingServerIsBoundedByOperationTimeout(t *testing.T) {
	var runs atomic.Int32
	f := startFarm(t, powershell(func(ctx context.Context, cmd wsman.Command, s string) int {
		runs.Add(1)
		return 0
	}), farmOptions{intercept: func(_ string, op wsman.Op) wsman.Action {
		if op == wsman.OpCreate {
			return wsman.Hang
		}
		return wsman.Proceed
	}})
	cfg := f.config()
	cfg.OperationTimeout = 300 * time.Millisecond
	_, err := newClient(t, cfg).Run(context.Background(), "fe01.contoso.com", "x")
	e := wantError(t, err, ErrTimeout)
	want := fmt.Sprintf("winrm: timed out opening a remote shell on fe01.contoso.com (dialled %s): operation timeout of 300ms exceeded", f.addr)
	if e.Op != OpCreateShell || e.OutcomeUnknown || e.Attempts != 1 || !strings.HasPrefix(err.Error(), want) || runs.Load() != 0 {
		t.Fatalf("err = %v\nwant prefix %s", err, want)
	}
}
