package wsman

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
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
	Detail     string `json:"detail"` // the response body of a WinRMTransportError
}

// requirePywinrm fails the test when pywinrm is missing: CI installs it.
func requirePywinrm(t *testing.T) {
	t.Helper()
	if out, err := exec.Command(pywinrmPython, "-c", "import winrm").CombinedOutput(); err != nil {
		t.Fatalf("%s cannot import pywinrm (%v: %s); install it with: apt-get update && apt-get install -y python3-winrm",
			pywinrmPython, err, out)
	}
}

// runPywinrm runs testdata/pywinrm_client.py with args after the URL and env
// (PYWINRM_* options) added to the environment.
func runPywinrm(t *testing.T, url string, env []string, args ...string) pywinrmResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, pywinrmPython, append([]string{"testdata/pywinrm_client.py", url}, args...)...)
	// pywinrm 0.3.0 lets REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE override both
	// server_cert_validation='ignore' and ca_trust_path; the farm's
	// certificates are in no system bundle anyway.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "REQUESTS_CA_BUNDLE=") && !strings.HasPrefix(kv, "CURL_CA_BUNDLE=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "NO_PROXY=127.0.0.1", "no_proxy=127.0.0.1", "PYTHONUTF8=1")
	cmd.Env = append(cmd.Env, env...)
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
	if stderr.Len() > 0 {
		t.Logf("pywinrm_client.py stderr: %s", stderr.String())
	}
	return got
}

// TestPywinrm runs pywinrm (Ansible's WinRM library) against the server. It
// fails, never skips, when pywinrm is missing: CI installs it.
func TestPywinrm(t *testing.T) {
	requirePywinrm(t)
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
			if got := runPywinrm(t, url, nil, tt.args...); got != tt.want {
				t.Fatalf("pywinrm got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
	if st := f.srv.Stats()["127.0.0.1"]; st.CommandsRun != 3 || st.OpenShells != 0 {
		t.Errorf("Stats = %+v; pywinrm must have deleted every shell", st)
	}
}

// TestPywinrmNTLM runs pywinrm with transport 'ntlm' (requests_ntlm) against
// a server offering NTLM. Over HTTPS pywinrm sends plain SOAP after the
// handshake; over HTTP it insists on message encryption (sealing) unless
// message_encryption='never', which the server refuses with an explanation.
func TestPywinrmNTLM(t *testing.T) {
	requirePywinrm(t)
	exec := &recordingExecutor{}
	f, book, authLog := ntlmFarm(t, Config{Executor: exec, MaxHold: 300 * time.Millisecond}, farmOptions{https: true})
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, f.caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	httpsURL := fmt.Sprintf("https://127.0.0.1:%d/wsman", f.port)
	ntlm := []string{"PYWINRM_TRANSPORT=ntlm", "PYWINRM_CA_TRUST_PATH=" + caFile}
	want := pywinrmResult{StatusCode: 3, StdOut: "127.0.0.1: ipconfig /all\r\n", StdErr: "warning\r\n"}

	t.Run("https with the CA", func(t *testing.T) {
		if got := runPywinrm(t, httpsURL, ntlm, testUser, testPassword, "cmd", "ipconfig", "/all"); got != want {
			t.Fatalf("pywinrm got  %+v\nwant %+v\nrequests: %s", got, want, authLog)
		}
		// requests_ntlm sends the domain the user typed, upper-cased.
		if got := book.seen(); len(got) == 0 || got[0] != ntlmUser+"|"+ntlmDomain {
			t.Errorf("Password lookups %q", got)
		}
		if got := exec.seen(); !slices.Equal(got, []string{testUser}) {
			t.Errorf("Command.User = %q", got)
		}
		if authLog.count("NTLM 200") == 0 || authLog.count("- 200") == 0 {
			t.Errorf("no NTLM handshake or no request on the authenticated connection: %s", authLog)
		}
	})
	t.Run("https ignoring the certificate, user@domain", func(t *testing.T) {
		env := []string{"PYWINRM_TRANSPORT=ntlm", "PYWINRM_CERT_VALIDATION=ignore"}
		if got := runPywinrm(t, httpsURL, env, "LabAdmin@contoso.com", testPassword, "cmd", "ipconfig", "/all"); got != want {
			t.Fatalf("pywinrm got  %+v\nwant %+v", got, want)
		}
	})
	t.Run("wrong password", func(t *testing.T) {
		got := runPywinrm(t, httpsURL, ntlm, testUser, "wrong", "cmd", "whoami")
		if got.Error != "InvalidCredentialsError" {
			t.Fatalf("pywinrm got %+v, want InvalidCredentialsError", got)
		}
	})

	plain := startFarm(t, Config{Executor: exec, NTLM: true, Password: book.password,
		KnownHost: func(host string) bool { return host == "127.0.0.1" }}, farmOptions{})
	httpURL := fmt.Sprintf("http://127.0.0.1:%d/wsman", plain.port)
	t.Run("http with message encryption", func(t *testing.T) {
		got := runPywinrm(t, httpURL, []string{"PYWINRM_TRANSPORT=ntlm"}, testUser, testPassword, "cmd", "whoami")
		if got.Error != "WinRMTransportError" || !strings.Contains(got.Message, "400") ||
			!strings.Contains(got.Detail, "does not implement NTLM message encryption") {
			t.Fatalf("pywinrm got %+v, want a WinRMTransportError 400 explaining that sealing is unsupported", got)
		}
	})
	t.Run("http without message encryption", func(t *testing.T) {
		env := []string{"PYWINRM_TRANSPORT=ntlm", "PYWINRM_MESSAGE_ENCRYPTION=never"}
		if got := runPywinrm(t, httpURL, env, testUser, testPassword, "cmd", "ipconfig", "/all"); got != want {
			t.Fatalf("pywinrm got  %+v\nwant %+v", got, want)
		}
	})

	basicOnly := startFarm(t, Config{Executor: exec, KnownHost: func(host string) bool { return host == "127.0.0.1" }}, farmOptions{})
	t.Run("server without NTLM", func(t *testing.T) {
		env := []string{"PYWINRM_TRANSPORT=ntlm", "PYWINRM_MESSAGE_ENCRYPTION=never"}
		got := runPywinrm(t, fmt.Sprintf("http://127.0.0.1:%d/wsman", basicOnly.port), env, testUser, testPassword, "cmd", "whoami")
		if got.Error != "InvalidCredentialsError" {
			t.Fatalf("pywinrm got %+v, want InvalidCredentialsError (requests_ntlm does not fall back to Basic)", got)
		}
	})
}
