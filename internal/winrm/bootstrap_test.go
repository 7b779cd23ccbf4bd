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
	large := "Write-Output 'Jürgen'\r\n$x = \"a`\"b\"\n" + strings.Repeat("# filler\n", 30000) // ~270 kB
	for _, script := range []string{
		"'x'",                    // one short line
		strings.Repeat("a", 150), // exactly one full line of base64
		strings.Repeat("a", 151), // one full line and a short one
		large,
		strings.Repeat("# é 😀\n", 400000), // 4 MB
	} {
		payload, err := stdinPayload(script)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasSuffix(payload, []byte("\r\n")) {
			t.Fatal("payload must end with CRLF")
		}
		lines := strings.Split(strings.TrimSuffix(string(payload), "\r\n"), "\r\n")
		if len(lines) < 2 || lines[len(lines)-1] != payloadEnd {
			t.Fatalf("payload must end with the end-of-script line %q; last lines %q", payloadEnd, lines[max(0, len(lines)-2):])
		}
		data := lines[:len(lines)-1]
		for i, l := range data {
			// Every line but the last is full; none comes near the
			// console's 254 characters; no bare CR or LF inside.
			if len(l) > payloadLineLength || len(l) == 0 || (i < len(data)-1 && len(l) != payloadLineLength) ||
				strings.ContainsAny(l, "\r\n") {
				t.Fatalf("line %d of %d is %d characters long: %q", i, len(data), len(l), l)
			}
		}
		if want := (base64.StdEncoding.EncodedLen(len(script)) + payloadLineLength - 1) / payloadLineLength; len(data) != want {
			t.Errorf("%d data lines, want %d", len(data), want)
		}
		if len(payload) != cap(payload) {
			t.Errorf("payload length %d, capacity %d: the size is computed up front", len(payload), cap(payload))
		}
		decoded, err := base64.StdEncoding.DecodeString(strings.Join(data, ""))
		if err != nil {
			t.Fatal(err)
		}
		if string(decoded) != script {
			t.Errorf("payload of %d bytes does not decode to the script", len(script))
		}
	}
	// The end-of-script line can never be taken for a line of the script.
	if _, err := base64.StdEncoding.DecodeString(payloadEnd); err == nil || strings.ContainsAny(payloadEnd, "\r\n") {
		t.Errorf("the end-of-script line %q could be base64", payloadEnd)
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
