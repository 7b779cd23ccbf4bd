package ps

import (
	"strings"
	"testing"
)

// [Console]::In.ReadLine() emulates WinRS console-mode stdin: at most 254
// characters (UTF-16 code units) of a line, the rest of the line lost.
func TestConsoleReadLineCutsLongLines(t *testing.T) {
	long := strings.Repeat("0123456789", 30) // 300
	stdin := long + "\r\n" +
		strings.Repeat("x", 254) + "\n" + // exactly the limit
		strings.Repeat("é", 255) + "\r\n" + // 255 characters, 510 bytes
		strings.Repeat("a", 253) + "\U0001F600b\r\n" + // a surrogate pair across the limit
		strings.Repeat("a", 252) + "\U0001F600b\r\n" + // a surrogate pair just fits
		"last" // no line end before end of input
	r := runWith(t, nil, stdin, `for ($i = 0; $i -lt 5; $i++) { $l = [Console]::In.ReadLine(); "$($l.Length) $l" }
$l = [Console]::ReadLine(); "$($l.Length) $l"
$l = [Console]::In.ReadLine(); $null -eq $l; $l -eq $null`)
	want := []string{
		"254 " + long[:254],
		"254 " + strings.Repeat("x", 254),
		"254 " + strings.Repeat("é", 254),
		"254 " + strings.Repeat("a", 253) + "\uFFFD",
		"254 " + strings.Repeat("a", 252) + "\U0001F600",
		"4 last",
		"True", "True",
	}
	got := r.lines()
	if r.code != 0 || r.err != "" || len(got) != len(want) {
		t.Fatalf("code %d err %s lines %q", r.code, r.errText(), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d:\n got %q\nwant %q", i, got[i], want[i])
		}
	}
	// The static [Console]::ReadLine() reads the same console.
	r = runWith(t, nil, long+"\r\n", `[Console]::ReadLine().Length`)
	if got := r.lines(); len(got) != 1 || got[0] != "254" {
		t.Fatalf("[Console]::ReadLine(): %q %s", got, r.errText())
	}
	// ReadToEnd is not line-based and is not cut.
	r = runWith(t, nil, long, `[Console]::In.ReadToEnd().Length`)
	if got := r.lines(); len(got) != 1 || got[0] != "300" {
		t.Fatalf("ReadToEnd: %q %s", got, r.errText())
	}
}

func TestConsoleLine(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"abc", "abc"},
		{strings.Repeat("z", 255), strings.Repeat("z", 254)},
		{strings.Repeat("中", 300), strings.Repeat("中", 254)},
		{strings.Repeat("\U0001F600", 127), strings.Repeat("\U0001F600", 127)},
		{strings.Repeat("\U0001F600", 128), strings.Repeat("\U0001F600", 127)},
		{"a" + strings.Repeat("\U0001F600", 127), "a" + strings.Repeat("\U0001F600", 126) + "\uFFFD"},
	} {
		if got := consoleLine(tc.in); got != tc.want {
			t.Errorf("consoleLine(%d bytes) = %d bytes %.20q…, want %d bytes", len(tc.in), len(got), got, len(tc.want))
		}
	}
}

// What the provider's bootstrap (and a variant of it) is built from: reading
// lines in a loop to a terminator, collecting them without quadratic
// copying, end of input as $null.
func TestLineCollectingConstructs(t *testing.T) {
	stdin := "ab\r\ncd\r\n\r\nef\r\n.\r\nafter\r\n"
	r := runWith(t, nil, stdin, `$b = New-Object System.Text.StringBuilder
while ($true) {
    $l = [Console]::In.ReadLine()
    if ($l -eq $null) { 'eof'; break }
    if ($l -eq '.') { break }
    [void]$b.Append($l)
}
$b.ToString(); $b.Length; $b.GetType().FullName
$list = New-Object 'System.Collections.Generic.List[string]'
while (($l = [Console]::In.ReadLine()) -ne $null) { $list.Add($l) }
$list.Count; $list -join '+'
$null -eq [Console]::In.ReadLine()
$c = New-Object Text.StringBuilder; $c.Append('x').Append(1) | Out-Null; [void]$c.Append('y'); $c.ToString()`)
	want := "abcdef|6|System.Text.StringBuilder|1|after|True|x1y"
	if got := strings.Join(r.lines(), "|"); got != want || r.code != 0 || r.err != "" {
		t.Fatalf("got  %q\nwant %q\ncode %d err %s", got, want, r.code, r.errText())
	}
	// End of input without the terminator.
	r = runWith(t, nil, "ab\r\ncd", `$n = 0; while (($l = [Console]::In.ReadLine()) -ne '.') { if ($null -eq $l) { throw 'no terminator' }; $n++ }; 'not reached'`)
	if r.code != 1 || r.out != "" || !strings.Contains(r.errText(), "no terminator") {
		t.Fatalf("code %d out %q err %s", r.code, r.out, r.errText())
	}
}
