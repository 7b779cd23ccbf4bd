package winrm

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"

	"golang.org/x/text/encoding/unicode"
)

// decodeEncodedCommand reverses -EncodedCommand with an independent UTF-16
// implementation.
func decodeEncodedCommand(t *testing.T, b64 string) string {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatalf("base64: %v", err)
	}
	s, err := unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder().Bytes(raw)
	if err != nil {
		t.Fatalf("utf-16: %v", err)
	}
	return string(s)
}

func TestCommandLine(t *testing.T) {
	const prefix = "powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand "
	if !strings.HasPrefix(commandLine, prefix) {
		t.Fatalf("command line %q does not start with %q", commandLine, prefix)
	}
	if got := decodeEncodedCommand(t, strings.TrimPrefix(commandLine, prefix)); got != Bootstrap {
		t.Errorf("encoded command decodes to %q, want the bootstrap", got)
	}
	// cmd.exe's limit is 8191 characters; the bootstrap must stay far below.
	if n := len(commandLine); n > 1024 {
		t.Errorf("command line is %d characters long, want it short", n)
	}
	// Non-ASCII survives the UTF-16 encoding.
	if got := decodeEncodedCommand(t, encodePowerShellCommand("Zoë \U0001F600")); got != "Zoë \U0001F600" {
		t.Errorf("round trip = %q", got)
	}
}

func TestStdinPayload(t *testing.T) {
	script := "Write-Output 'Jürgen'\r\n$x = \"a`\"b\"\n" + strings.Repeat("# filler\n", 30000) // ~270 kB
	payload, err := stdinPayload(script)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasSuffix(payload, []byte("\r\n")) || bytes.Count(payload, []byte("\n")) != 1 {
		t.Fatal("payload must be exactly one CRLF-terminated line")
	}
	decoded, err := base64.StdEncoding.DecodeString(string(bytes.TrimSuffix(payload, []byte("\r\n"))))
	if err != nil {
		t.Fatal(err)
	}
	if string(decoded) != script {
		t.Error("payload does not decode to the script")
	}
	// Whatever the size of the script, the command line is the same.
	if !strings.Contains(commandLine, encodePowerShellCommand(Bootstrap)) || len(commandLine) > 8191 {
		t.Error("the command line depends on the script")
	}

	if _, err := stdinPayload(""); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty script: %v", err)
	}
	if _, err := stdinPayload("\xff\xfe"); err == nil || !strings.Contains(err.Error(), "UTF-8") {
		t.Errorf("invalid UTF-8: %v", err)
	}
}
