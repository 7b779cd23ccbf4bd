package winrm

import (
	"bytes"
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/lyncdr/terraform-provider-lync/internal/labfarm/ps"
)

// runInLab runs a command line with stdin in the lab farm's PowerShell
// interpreter, whose [Console]::In.ReadLine() returns at most 254 characters
// of a line like .NET Framework on WinRS console-mode stdin. It returns
// stdout, stderr (decoded) and the exit code.
func runInLab(t *testing.T, cl string, stdin []byte) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	env := &ps.Env{Host: "fe01.contoso.com", Stdin: bytes.NewReader(stdin), Stdout: &out, Stderr: &errb}
	code := ps.RunCommandLine(ctx, env, cl)
	return out.String(), DecodeCLIXML(errb.String()), code
}

// The real bootstrap and payload, in the emulated powershell.exe: scripts
// of any size arrive whole; a delivery cut short runs nothing.
func TestBootstrapInLabInterpreter(t *testing.T) {
	// About 2 MB: 14,000 lines of base64 on stdin.
	var b strings.Builder
	b.WriteString("$ErrorActionPreference = 'Continue'\n[Console]::Out.WriteLine('Zürich \"HQ\" $(not expanded) ✓')\n")
	for b.Len() < 2<<20 {
		b.WriteString("# filler: ' \" ` $x @' é 😀\r\n")
	}
	b.WriteString("[Console]::Out.WriteLine('ran')\nexit 7\n")
	for _, script := range []string{"'ran'", strings.Repeat("'ran'\n", 200), b.String()} {
		payload, err := stdinPayload(script)
		if err != nil {
			t.Fatal(err)
		}
		stdout, stderr, code := runInLab(t, commandLine, payload)
		wantCode, wantOut := 0, strings.Repeat("ran\r\n", strings.Count(script, "'ran'"))
		if len(script) > 1<<20 {
			wantCode, wantOut = 7, "Zürich \"HQ\" $(not expanded) ✓\r\nran\r\n"
		}
		if code != wantCode || stdout != wantOut || stderr != "" {
			t.Fatalf("%d-byte script: exit %d, stdout %.200q, stderr %q", len(script), code, stdout, stderr)
		}
	}

	// Stdin ends before the end-of-script line: nothing runs, exit 1 and a
	// clear message, wherever the delivery stopped.
	payload, err := stdinPayload(strings.Repeat("[Console]::Out.WriteLine('ran')\n", 20))
	if err != nil {
		t.Fatal(err)
	}
	full := len(payload) - len(payloadEnd+"\r\n")
	for _, cut := range []int{0, 1, payloadLineLength, payloadLineLength + 2, payloadLineLength + 50, full} {
		stdout, stderr, code := runInLab(t, commandLine, payload[:cut])
		if code != 1 || stdout != "" || !strings.Contains(stderr, "stdin ended before the end-of-script line; the script was not run") {
			t.Errorf("stdin cut after %d of %d bytes: exit %d, stdout %q, stderr %q", cut, len(payload), code, stdout, stderr)
		}
	}
	// The end-of-script line without its CRLF is complete.
	if stdout, stderr, code := runInLab(t, commandLine, payload[:len(payload)-2]); code != 0 || strings.Count(stdout, "ran") != 20 {
		t.Errorf("without the last CRLF: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// The previous bootstrap read the script as one line of base64. The lab
// farm's console emulation cuts that line after 254 characters, as Windows
// does, so the old protocol fails for any script longer than 190 bytes:
// the emulation guards against a return to single-line delivery.
func TestSingleLineBootstrapFailsInLab(t *testing.T) {
	const oldBootstrap = `$ErrorActionPreference = 'Stop'; $s = [Console]::In.ReadLine(); & ([scriptblock]::Create([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($s))))`
	oldCommandLine := "powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand " + encodePowerShellCommand(oldBootstrap)
	oneLine := func(script string) []byte {
		return []byte(base64.StdEncoding.EncodeToString([]byte(script)) + "\r\n")
	}

	short := "[Console]::Out.WriteLine('ran')"
	if stdout, stderr, code := runInLab(t, oldCommandLine, oneLine(short)); code != 0 || stdout != "ran\r\n" {
		t.Fatalf("short script: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}

	long := short + "\n" + strings.Repeat("#", 200) // 232 bytes, 312 base64 characters
	if n := len(oneLine(long)) - 2; n <= 254 {
		t.Fatalf("the line is only %d characters long", n)
	}
	stdout, stderr, code := runInLab(t, oldCommandLine, oneLine(long))
	if code == 0 || stdout != "" || !strings.Contains(stderr, "FromBase64String") {
		t.Fatalf("long script, one line: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}

	// The same script in the current protocol runs.
	payload, err := stdinPayload(long)
	if err != nil {
		t.Fatal(err)
	}
	if stdout, stderr, code := runInLab(t, commandLine, payload); code != 0 || stdout != "ran\r\n" {
		t.Fatalf("long script, current protocol: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}
