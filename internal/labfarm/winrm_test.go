package labfarm

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// These tests drive the assembled farm over real WinRM with the unmodified
// masterzen/winrm client: routing, credentials, TLS and the wire faults.

func TestWinRMCredentialsAndRouting(t *testing.T) {
	f := startTestFarm(t, Options{})
	ctx := context.Background()
	if _, _, _, err := winrmClient(t, f, "fe01.contoso.com", "labadmin", "wrong").RunWithContextWithString(ctx, "hostname", ""); err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("wrong password: %v", err)
	}
	if _, _, _, err := winrmClient(t, f, "fe99.contoso.com", "", "").RunWithContextWithString(ctx, "hostname", ""); err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("unknown host: %v", err)
	}
	// Domain forms of the user name are accepted, case-insensitively.
	for _, user := range []string{`CONTOSO\LabAdmin`, "labadmin@contoso.com"} {
		if _, _, _, err := winrmClient(t, f, "fe01.contoso.com", user, DefaultPassword).RunWithContextWithString(ctx, "hostname", ""); err != nil {
			t.Fatalf("%s: %v", user, err)
		}
	}
	st := f.State()
	if w := st.WinRM["fe01.contoso.com"]; w.Commands != 2 || w.Shells != 2 || w.OpenShells != 0 {
		t.Fatalf("stats %+v", st.WinRM)
	}
	// The control API reports the same counters.
	cst, err := f.Client().State(ctx)
	if err != nil || cst.WinRM["fe01.contoso.com"] != st.WinRM["fe01.contoso.com"] {
		t.Fatalf("control state WinRM %+v %v", cst.WinRM, err)
	}
}

func TestWinRMWireFaults(t *testing.T) {
	f := startTestFarm(t, Options{})
	ctx := context.Background()
	c := f.Client()
	if _, err := c.InjectFault(ctx, Fault{Kind: FaultServerDown, Server: "fe04.contoso.com"}); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := winrmClient(t, f, "fe04.contoso.com", "", "").RunWithContextWithString(ctx, "hostname", ""); err == nil {
		t.Fatal("a down server answered")
	}
	if _, _, _, err := winrmClient(t, f, "fe05.contoso.com", "", "").RunWithContextWithString(ctx, "hostname", ""); err != nil {
		t.Fatalf("its neighbour: %v", err)
	}
	_ = c.ClearFaults(ctx)

	// A timeout-mode server hangs until the client gives up.
	if _, err := c.InjectFault(ctx, Fault{Kind: FaultServerDown, Server: "fe06.contoso.com", Mode: "timeout"}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, _, _, err := winrmClientTimeout(t, f, "fe06.contoso.com", "", "", 300*time.Millisecond).RunWithContextWithString(ctx, "hostname", "")
	if err == nil || time.Since(start) < 250*time.Millisecond {
		t.Fatalf("timeout mode: %v after %v", err, time.Since(start))
	}
	_ = c.ClearFaults(ctx)

	// One transient 503, then the server answers again.
	if _, err := c.InjectFault(ctx, Fault{Kind: FaultTransient, Count: 1, Host: "fe01.contoso.com"}); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := winrmClient(t, f, "fe01.contoso.com", "", "").RunWithContextWithString(ctx, "hostname", ""); err == nil || !strings.Contains(err.Error(), "503") {
		t.Fatalf("transient: %v", err)
	}
	if _, _, _, err := winrmClient(t, f, "fe01.contoso.com", "", "").RunWithContextWithString(ctx, "hostname", ""); err != nil {
		t.Fatalf("after the transient fault: %v", err)
	}
}

func TestWinRMOverTLS(t *testing.T) {
	f := startTestFarm(t, Options{TLS: true, User: "ops", Password: "s3cret"})
	if !strings.HasPrefix(f.WinRMURL(), "https://127.0.0.1:") || !strings.Contains(string(f.CACertPEM()), "BEGIN CERTIFICATE") {
		t.Fatalf("%s %q", f.WinRMURL(), f.CACertPEM())
	}
	if _, _, _, err := winrmClient(t, f, "se02.contoso.com", "ops", "s3cret").RunWithContextWithString(context.Background(), "hostname", ""); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ca.pem")
	if err := f.WriteCACert(path); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != string(f.CACertPEM()) {
		t.Fatal("CA file differs")
	}
	plain := startTestFarm(t, Options{})
	if err := plain.WriteCACert(path); err == nil {
		t.Fatal("CA of a plain HTTP farm")
	}
}
