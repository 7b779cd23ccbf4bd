package winrm

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"unicode/utf16"
	"unicode/utf8"
)

// Bootstrap is the whole of what travels on the command line: it reads the
// script from stdin as base64 (UTF-8 script text) in lines, up to the
// end-of-script line ".", and runs it as a script block.
//
// Why stdin and not -EncodedCommand with the script itself: WinRS starts the
// command through cmd.exe, whose command line is limited to 8191 characters
// ("The filename or extension is too long."), i.e. about 3000 characters of
// script once UTF-16 and base64 have inflated it. The bootstrap keeps the
// command line constant (about 1000 characters) whatever the script's size.
//
// Why many short lines and not one: the library always sends
// WINRS_CONSOLEMODE_STDIN=TRUE (so does pywinrm), so powershell.exe's stdin
// is a console, and .NET Framework's Console.ReadLine reads a console
// through a 256-character buffer: it returns at most 254 characters of a
// line and loses the rest. One line of base64 would reach the server cut
// after 254 characters, that is for any script longer than about 190
// characters. stdinPayload therefore sends lines of at most
// [payloadLineLength] characters. They are collected in a StringBuilder:
// string += would copy the whole text on every line (quadratic for a
// multi-megabyte topology on Windows PowerShell 3.0).
//
// It also makes retries safe: the script cannot start before its last line
// has arrived, so a failure before the stdin Send means the script never ran.
// The end-of-script line (never base64) is what says the script is complete:
// if stdin ends without it (a truncated delivery), the bootstrap throws
// before running anything, with a message on stderr and exit code 1.
//
// The lab farm's PowerShell interpreter supports exactly these constructs and
// emulates the console's 254-character lines; change them together.
const Bootstrap = `$ErrorActionPreference = 'Stop'; $b = New-Object Text.StringBuilder; ` +
	`while (($l = [Console]::In.ReadLine()) -ne '.') { ` +
	`if ($null -eq $l) { throw 'stdin ended before the end-of-script line; the script was not run' }; ` +
	`[void]$b.Append($l) }; ` +
	`& ([scriptblock]::Create([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($b.ToString()))))`

// payloadLineLength is the length of the base64 lines on stdin: well below
// the 254 characters a console ReadLine returns.
const payloadLineLength = 200

// payloadEnd is the end-of-script line. It cannot be base64.
const payloadEnd = "."

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
// of UTF-8, in CRLF-terminated lines of at most payloadLineLength
// characters, then the end-of-script line. Base64 keeps every character of
// the script, including quotes, newlines and non-ASCII letters, out of reach
// of console code pages and line splitting.
func stdinPayload(script string) ([]byte, error) {
	if script == "" {
		return nil, errors.New("winrm: script is empty")
	}
	if !utf8.ValidString(script) {
		return nil, errors.New("winrm: script is not valid UTF-8")
	}
	enc := make([]byte, base64.StdEncoding.EncodedLen(len(script)))
	base64.StdEncoding.Encode(enc, []byte(script))
	lines := (len(enc) + payloadLineLength - 1) / payloadLineLength
	buf := make([]byte, 0, len(enc)+2*lines+len(payloadEnd)+2)
	for len(enc) > 0 {
		n := min(len(enc), payloadLineLength)
		buf = append(buf, enc[:n]...)
		buf = append(buf, "\r\n"...)
		enc = enc[n:]
	}
	buf = append(buf, payloadEnd+"\r\n"...)
	return buf, nil
}
