package winrm

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"unicode/utf16"
	"unicode/utf8"
)

// Bootstrap is the whole of what travels on the command line: it reads one
// line of base64 (UTF-8 script text) from stdin and runs it as a script block.
//
// Why stdin and not -EncodedCommand with the script itself: WinRS starts the
// command through cmd.exe, whose command line is limited to 8191 characters
// ("The filename or extension is too long."), i.e. about 3000 characters of
// script once UTF-16 and base64 have inflated it. The bootstrap keeps the
// command line constant (about 560 characters) whatever the script's size.
//
// It also makes retries safe: the script cannot start before its last line
// has arrived, so a failure before the stdin Send means the script never ran.
//
// The lab farm's PowerShell interpreter supports exactly these constructs;
// change them together.
const Bootstrap = `$ErrorActionPreference = 'Stop'; $s = [Console]::In.ReadLine(); & ([scriptblock]::Create([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($s))))`

// commandLine is the WinRS command: Windows PowerShell without profile (no
// user profile output can pollute stdout), non-interactive (a prompt would
// hang until the timeout) and without execution policy checks (scripts come
// from the provider, not from disk).
var commandLine = "powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand " + encodePowerShellCommand(Bootstrap)

// encodePowerShellCommand encodes s for -EncodedCommand: base64 of UTF-16LE
// without byte order mark.
func encodePowerShellCommand(s string) string {
	units := utf16.Encode([]rune(s))
	buf := make([]byte, 2*len(units))
	for i, u := range units {
		binary.LittleEndian.PutUint16(buf[2*i:], u)
	}
	return base64.StdEncoding.EncodeToString(buf)
}

// stdinPayload is what the bootstrap expects on stdin: the script as base64
// of UTF-8 on a single CRLF-terminated line. Base64 keeps every character of
// the script, including quotes, newlines and non-ASCII letters, out of reach
// of console code pages and line splitting.
func stdinPayload(script string) ([]byte, error) {
	if script == "" {
		return nil, errors.New("winrm: script is empty")
	}
	if !utf8.ValidString(script) {
		return nil, errors.New("winrm: script is not valid UTF-8")
	}
	n := base64.StdEncoding.EncodedLen(len(script))
	buf := make([]byte, n+2)
	base64.StdEncoding.Encode(buf, []byte(script))
	copy(buf[n:], "\r\n")
	return buf, nil
}
