package ps

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// runCL runs a powershell.exe command line with no cmdlets beyond the
// interpreter's own.
func runCL(t *testing.T, stdin, cl string) result {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{Host: "fe01.contoso.com", Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb}
	code := RunCommandLine(context.Background(), env, cl)
	return result{out.String(), errb.String(), code}
}

func TestRunCommandLine(t *testing.T) {
	enc := encodeCommand("'hi'; [Console]::Out.WriteLine('raw'); exit 3")
	for _, sw := range []string{"-EncodedCommand", "-encodedcommand", "-enc", "-ec", "-e", "/e", "-ENC"} {
		r := runCL(t, "", `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass `+sw+" "+enc)
		if r.out != "hi\r\nraw\r\n" || r.code != 3 {
			t.Errorf("%s: out %q code %d err %q", sw, r.out, r.code, r.err)
		}
	}
	r := runCL(t, "", "PowerShell -nop -noni -ep bypass -OutputFormat Text -InputFormat Text -EncodedCommand "+encodeCommand("Get-Nope"))
	if r.code != 1 || !strings.HasPrefix(r.err, "#< CLIXML\r\n") {
		t.Errorf("encoded errors should be CLIXML: %q", r.err)
	}
	r = runCL(t, "", `powershell -Command "Write-Output 'a b'; Get-Nope"`)
	if r.out != "a b\r\n" || r.code != 1 || !strings.HasPrefix(r.err, "Get-Nope : The term 'Get-Nope' is not recognized") || strings.Contains(r.err, "CLIXML") {
		t.Errorf("-Command: out %q code %d err %q", r.out, r.code, r.err)
	}
	r = runCL(t, "$x = 2\r\n$x * 21\r\n", "powershell.exe -NoProfile -Command -")
	if r.out != "42\r\n" || r.code != 0 {
		t.Errorf("-Command -: out %q code %d err %q", r.out, r.code, r.err)
	}
	r = runCL(t, "", "powershell 1+1")
	if r.out != "2\r\n" {
		t.Errorf("default -Command: %q", r.out)
	}
	for _, tc := range []struct{ cl, prog string }{{"cmd.exe /c dir", "cmd.exe"}, {"ipconfig /all", "ipconfig"}, {`"C:\x y\tool.exe" a`, `C:\x y\tool.exe`}} {
		r = runCL(t, "", tc.cl)
		want := "'" + tc.prog + "' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n"
		if r.code != 1 || r.err != want || r.out != "" {
			t.Errorf("%s: code %d err %q", tc.cl, r.code, r.err)
		}
	}
	r = runCL(t, "", "powershell -File C:\\x.ps1")
	if r.code != exitCodeBadCommandLine || !strings.Contains(r.err, "The argument 'C:\\x.ps1' to the -File parameter does not exist.") {
		t.Errorf("-File: code %d err %q", r.code, r.err)
	}
	r = runCL(t, "", "powershell -EncodedCommand !!!")
	if r.code != exitCodeBadCommandLine || !strings.Contains(r.err, "not properly encoded") {
		t.Errorf("bad base64: code %d err %q", r.code, r.err)
	}
}

func TestSplitCommandLine(t *testing.T) {
	got := strings.Join(splitCommandLine(`a "b c" d\"e "f\\" g""h`), "|")
	if got != `a|b c|d"e|f\|gh` {
		t.Fatalf("got %q", got)
	}
}
