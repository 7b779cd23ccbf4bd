package wsman

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// pywinrmPython is the interpreter Debian's python3-winrm installs for; the
// python3 first on PATH may be another one.
const pywinrmPython = "/usr/bin/python3"

// pywinrmResult is what testdata/pywinrm_client.py prints.
type pywinrmResult struct {
	StatusCode int    `json:"status_code"`
	StdOut     string `json:"std_out"`
	StdErr     string `json:"std_err"`
	Error      string `json:"error"`
	Message    string `json:"message"`
}

// TestPywinrm runs pywinrm (Ansible's WinRM library) against the server. It
// fails, never skips, when pywinrm is missing: CI installs it.
func TestPywinrm(t *testing.T) {
	if out, err := exec.Command(pywinrmPython, "-c", "import winrm").CombinedOutput(); err != nil {
		t.Fatalf("%s cannot import pywinrm (%v: %s); install it with: apt-get update && apt-get install -y python3-winrm",
			pywinrmPython, err, out)
	}
	run := execFunc(func(ctx context.Context, cmd Command) int {
		if b64, ok := strings.CutPrefix(cmd.CommandLine, "powershell -encodedcommand "); ok {
			script, err := decodeEncodedCommand(b64)
			if err != nil {
				fmt.Fprintf(cmd.Stdout, "bad -encodedcommand: %v\r\n", err)
				return 1
			}
			fmt.Fprintf(cmd.Stdout, "ps: %s\r\n", script)
			return 0
		}
		if strings.Contains(cmd.CommandLine, "slow") {
			select {
			case <-time.After(1200 * time.Millisecond):
			case <-ctx.Done():
				return 1
			}
		}
		fmt.Fprintf(cmd.Stdout, "cmd: %s\r\n", cmd.CommandLine)
		fmt.Fprintf(cmd.Stderr, "err: %s@%s\r\n", cmd.User, cmd.Host)
		return 5
	})
	f := startFarm(t, Config{
		Executor:  run,
		KnownHost: func(host string) bool { return host == "127.0.0.1" },
		MaxHold:   300 * time.Millisecond,
	}, farmOptions{})
	url := fmt.Sprintf("http://127.0.0.1:%d/wsman", f.port)

	tests := []struct {
		name string
		args []string
		want pywinrmResult
	}{
		{
			name: "run_cmd",
			args: []string{testUser, testPassword, "cmd", "ipconfig", "/all", "/späť"},
			want: pywinrmResult{StatusCode: 5, StdOut: "cmd: ipconfig /all /späť\r\n", StdErr: "err: " + testUser + "@127.0.0.1\r\n"},
		},
		{
			name: "run_ps",
			args: []string{testUser, testPassword, "ps", "Get-CsPool -Identity 'pool01.contoso.com' | ConvertTo-Json"},
			want: pywinrmResult{StatusCode: 0, StdOut: "ps: Get-CsPool -Identity 'pool01.contoso.com' | ConvertTo-Json\r\n"},
		},
		{
			name: "slow command retried over w:TimedOut",
			args: []string{testUser, testPassword, "cmd", "slow"},
			want: pywinrmResult{StatusCode: 5, StdOut: "cmd: slow\r\n", StdErr: "err: " + testUser + "@127.0.0.1\r\n"},
		},
		{
			name: "wrong password",
			args: []string{testUser, "wrong", "cmd", "whoami"},
			want: pywinrmResult{Error: "InvalidCredentialsError", Message: "the specified credentials were rejected by the server"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, pywinrmPython, append([]string{"testdata/pywinrm_client.py", url}, tt.args...)...)
			cmd.Env = append(os.Environ(), "NO_PROXY=127.0.0.1", "no_proxy=127.0.0.1", "PYTHONUTF8=1")
			var stderr strings.Builder
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("pywinrm_client.py: %v\n%s", err, stderr.String())
			}
			var got pywinrmResult
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("pywinrm_client.py printed %q: %v\n%s", out, err, stderr.String())
			}
			if got != tt.want {
				t.Fatalf("pywinrm got  %+v\nwant %+v\nstderr: %s", got, tt.want, stderr.String())
			}
		})
	}
	if st := f.srv.Stats()["127.0.0.1"]; st.CommandsRun != 3 || st.OpenShells != 0 {
		t.Errorf("Stats = %+v; pywinrm must have deleted every shell", st)
	}
}
