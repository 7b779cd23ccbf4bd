package labfarm

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/masterzen/winrm"

	"github.com/lyncdr/terraform-provider-lync/internal/labfarm/wsman"
)

// TestMasterzenScriptsAgainstTheFarm runs PowerShell on a farm server with
// the unmodified masterzen client, over HTTP and HTTPS: output long enough to
// need several Receives, and a script slower than the Receive hold time.
func TestMasterzenScriptsAgainstTheFarm(t *testing.T) {
	for _, useTLS := range []bool{false, true} {
		t.Run(fmt.Sprintf("tls=%v", useTLS), func(t *testing.T) {
			// A farm minute lasts 600 ms; the server answers an idle
			// Receive after 100 ms, so a one-minute Start-Sleep spans
			// several timed-out Receives.
			f := startTestFarm(t, Options{TLS: useTLS, Scale: 0.01, WSMan: wsman.Config{MaxHold: 100 * time.Millisecond}})
			c := winrmClient(t, f, "fe04.contoso.com", "", "")
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()

			stdout, stderr, code, err := c.RunWithContextWithString(ctx,
				winrm.Powershell(`1..20000 | ForEach-Object { "line $_ from $env:COMPUTERNAME" }`), "")
			if err != nil || code != 0 {
				t.Fatalf("long output: exit %d, err %v, stderr %q", code, err, stderr)
			}
			lines := strings.Split(strings.TrimRight(stdout, "\r\n"), "\r\n")
			if len(lines) != 20000 || lines[0] != "line 1 from FE04" || lines[19999] != "line 20000 from FE04" {
				t.Fatalf("long output: %d lines, first %q, last %q", len(lines), lines[0], lines[len(lines)-1])
			}

			start := time.Now()
			stdout, stderr, code, err = c.RunWithContextWithString(ctx,
				winrm.Powershell(`Write-Output 'before'; Start-Sleep -Seconds 60; Write-Output 'after'; exit 3`), "")
			if err != nil || code != 3 || stdout != "before\r\nafter\r\n" {
				t.Fatalf("slow script: exit %d, err %v, stdout %q, stderr %q", code, err, stdout, stderr)
			}
			if wall := time.Since(start); wall < 500*time.Millisecond {
				t.Fatalf("slow script took %v; it should outlast several Receive holds", wall)
			}
			// Two runs of Create, Command, Send, Signal and Delete are 10
			// requests; 400 KB of output and a 600 ms sleep need at least 5
			// Receives each at a 153600-byte envelope and a 100 ms hold.
			if st := f.State().WinRM["fe04.contoso.com"]; st.Commands != 2 || st.OpenShells != 0 || st.Requests < 20 {
				t.Fatalf("WinRM counters of fe04: %+v", st)
			}
		})
	}
}
