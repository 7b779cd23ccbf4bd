package ps

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

// chanWriter reports every write on a channel.
type chanWriter struct {
	mu  sync.Mutex
	buf bytes.Buffer
	ch  chan string
}

func (w *chanWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	w.buf.Write(b)
	w.mu.Unlock()
	w.ch <- string(b)
	return len(b), nil
}

func TestStreamingBeforeSleepEnds(t *testing.T) {
	out := &chanWriter{ch: make(chan string, 16)}
	release := make(chan struct{})
	slept := make(chan time.Duration, 1)
	env := &Env{Host: "fe01.contoso.com", Stdout: out, Stderr: &bytes.Buffer{},
		Sleep: func(ctx context.Context, d time.Duration) error {
			slept <- d
			select {
			case <-release:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}}
	done := make(chan int)
	go func() { done <- Run(context.Background(), env, "'first'; Start-Sleep -Seconds 30; 'second'") }()
	select {
	case s := <-out.ch:
		if s != "first\r\n" {
			t.Fatalf("first write %q", s)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("first line not delivered before the sleep ended")
	}
	if d := <-slept; d != 30*time.Second {
		t.Fatalf("slept %v", d)
	}
	close(release)
	if code := <-done; code != 0 {
		t.Fatalf("exit %d", code)
	}
	if out.buf.String() != "first\r\nsecond\r\n" {
		t.Fatalf("output %q", out.buf.String())
	}
}

func TestStreamingFromCmdletEmit(t *testing.T) {
	out := &chanWriter{ch: make(chan string, 16)}
	release := make(chan struct{})
	f := newFake().add(&Cmdlet{Name: "Get-Slow", Invoke: func(c *Call) error {
		c.Emit("one")
		if err := c.Sleep(time.Minute); err != nil {
			return err
		}
		c.Emit("two")
		return nil
	}})
	env := &Env{Host: "h", Commands: f, Stdout: out, Stderr: &bytes.Buffer{},
		Sleep: func(ctx context.Context, d time.Duration) error { <-release; return nil }}
	done := make(chan int)
	go func() { done <- Run(context.Background(), env, "Get-Slow | ForEach-Object { $_.ToUpper() }") }()
	if s := <-out.ch; s != "ONE\r\n" {
		t.Fatalf("got %q", s)
	}
	close(release)
	<-done
}

func TestCancellation(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	env := &Env{Host: "h", Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}}
	done := make(chan int)
	go func() { done <- Run(ctx, env, "while ($true) { $i++ }") }()
	time.Sleep(20 * time.Millisecond)
	cancel()
	select {
	case code := <-done:
		if code != ExitCodeCancelled {
			t.Fatalf("code %d", code)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("script did not stop")
	}
	// A sleeping script stops too (real timer, no Env.Sleep).
	ctx2, cancel2 := context.WithCancel(context.Background())
	go func() { done <- Run(ctx2, env, "Start-Sleep 3600; 'never'") }()
	time.Sleep(20 * time.Millisecond)
	cancel2()
	select {
	case code := <-done:
		if code != ExitCodeCancelled {
			t.Fatalf("code %d", code)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("sleep did not stop")
	}
	// Blocked on stdin.
	ctx3, cancel3 := context.WithCancel(context.Background())
	pr, pw := ioPipe()
	defer pw.Close()
	env3 := &Env{Host: "h", Stdin: pr, Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}}
	go func() { done <- Run(ctx3, env3, "[Console]::In.ReadLine()") }()
	time.Sleep(20 * time.Millisecond)
	cancel3()
	select {
	case code := <-done:
		if code != ExitCodeCancelled {
			t.Fatalf("code %d", code)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("stdin read did not stop")
	}
}

// TestInjectionStaysData passes hostile strings through every channel a
// value can arrive by and checks the cmdlet receives them byte for byte and
// nothing else runs.
func TestInjectionStaysData(t *testing.T) {
	values := []string{
		`'; Remove-Item C:\ -Recurse; '`,
		`$(Get-Secret)`,
		"`$env:X",
		`";exit 7;"`,
		"\u2018 Unicode quote \u2019",
		"\u201C dq \u201D $(Get-Secret) \u201E",
		`@(Get-Secret) ${x} $env:COMPUTERNAME`,
		"line1\r\nline2; Get-Secret",
		"é中文 \U0001F600 \\ \" ' `",
	}
	for _, v := range values {
		var got []string
		f := newFake().add(&Cmdlet{Name: "Set-Value", Params: []Param{{Name: "Value", Type: TypeString, Position: 0}},
			Invoke: func(c *Call) error { got = append(got, c.String("Value")); return nil }})
		f.add(&Cmdlet{Name: "Get-Secret", Invoke: func(c *Call) error { t.Errorf("Get-Secret ran for %q", v); return nil }})
		f.add(&Cmdlet{Name: "Remove-Item", Invoke: func(c *Call) error { t.Errorf("Remove-Item ran for %q", v); return nil }})
		js, _ := jsonEncodeString(v)
		b64 := encodeB64UTF8(`{"v":` + js + `}`)
		script := `$in = ConvertFrom-Json ([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('` + b64 + `')))
Set-Value $in.v
Set-Value -Value $in.v
$p = @{ Value = $in.v }; Set-Value @p
$line = [Console]::In.ReadLine(); Set-Value ([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($line)))
$x = $in.v; Set-Value "$x"
Set-Value ($in | ConvertTo-Json -Compress | ConvertFrom-Json).v
function f([string]$s) { Set-Value $s }; f $in.v
$in.v | ForEach-Object { Set-Value $_ }`
		r := runWith(t, f, encodeB64UTF8(v)+"\n", script)
		if r.code != 0 || r.err != "" {
			t.Errorf("%q: code %d err %s", v, r.code, r.errText())
		}
		if len(got) != 8 {
			t.Errorf("%q: received %d values: %q", v, len(got), got)
		}
		for _, g := range got {
			if g != v {
				t.Errorf("received %q, want %q", g, v)
			}
		}
		for _, name := range f.ran {
			if name != "Set-Value" {
				t.Errorf("%q: %s ran", v, name)
			}
		}
	}
}

func TestUnicodeQuotesInScript(t *testing.T) {
	r := runScript(t, "Write-Output \u2018a $x\u2019; Write-Output \u201Cb$(1+1)\u201D")
	if got := strings.Join(r.lines(), "|"); got != "a $x|b2" {
		t.Fatalf("got %q", got)
	}
}

func TestFormatting(t *testing.T) {
	r := runScript(t, `[pscustomobject]@{Name='LYNCBACKUP'; Status='Running'; Port=5061}; [pscustomobject]@{Name='RTCSRV'; Status='Stopped'; Port=5062}`)
	want := "\r\nName       Status  Port\r\n----       ------  ----\r\nLYNCBACKUP Running 5061\r\nRTCSRV     Stopped 5062\r\n\r\n\r\n"
	if r.out != want {
		t.Errorf("table:\n%q\nwant\n%q", r.out, want)
	}
	r = runScript(t, `[pscustomobject]@{Identity='x'; Fqdn='p.contoso.com'; Site='Site:1'; Services=@('a','b'); Computers=@('c1','c2','c3','c4','c5')}`)
	want = "\r\n\r\nIdentity  : x\r\nFqdn      : p.contoso.com\r\nSite      : Site:1\r\nServices  : {a, b}\r\nComputers : {c1, c2, c3, c4...}\r\n\r\n\r\n"
	if r.out != want {
		t.Errorf("list:\n%q\nwant\n%q", r.out, want)
	}
	r = runScript(t, `@{a=1}; 'text'; 5`)
	want = "\r\nName                           Value\r\n----                           -----\r\na                              1\r\n\r\n\r\ntext\r\n5\r\n"
	if r.out != want {
		t.Errorf("hashtable:\n%q\nwant\n%q", r.out, want)
	}
	r = runScript(t, `$o = [pscustomobject]@{N='a'}; $o | Format-List; $o | Format-Table | Out-String`)
	if !strings.Contains(r.out, "N : a") || !strings.Contains(r.out, "N\r\n-\r\na") {
		t.Errorf("format cmdlets: %q", r.out)
	}
}

func TestNativeOutputIsPipelineLines(t *testing.T) {
	var calls [][]string
	f := newFake().addNative(&Native{Path: `C:\Program Files\Microsoft Lync Server 2013\Deployment\Bootstrapper.exe`, Run: func(c *NativeCall) int {
		calls = append(calls, c.Args)
		_, _ = c.Stdout.Write([]byte("Checking prerequisites\r\nInstalling"))
		_, _ = c.Stdout.Write([]byte(" LYNCBACKUP\r\n"))
		return 0
	}})
	r := runWith(t, f, "", `$o = & 'C:\Program Files\Microsoft Lync Server 2013\Deployment\Bootstrapper.exe' /BootstrapLocalMgmt "/SourceDirectory:C:\x y" -Flag:1 @('a','b'); $o.Count; $o[1]; $LASTEXITCODE; cd "$env:ProgramFiles\Microsoft Lync Server 2013\Deployment"; .\Bootstrapper.exe | Out-Null; 'done'`)
	if got := strings.Join(r.lines(), "|"); got != "2|Installing LYNCBACKUP|0|done" || r.err != "" {
		t.Fatalf("got %q err %s", got, r.errText())
	}
	if len(calls) != 2 || strings.Join(calls[0], "|") != `/BootstrapLocalMgmt|/SourceDirectory:C:\x y|-Flag:1|a|b` || len(calls[1]) != 0 {
		t.Fatalf("native calls %q", calls)
	}
}
