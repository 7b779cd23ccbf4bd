package ps

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// moduleCmdlet emits a backup status object shaped like the farm's
// Get-CsBackupServiceStatus, with the CMS module last (the order of the
// confirmed sample, lync-dr.md §2.2).
func moduleCmdlet(exports ...string) *Cmdlet {
	ids := []string{"UserServices.PresenceFocus", "ConfServices.DataConf", "CentralMgmt.CMSMaster"}
	return &Cmdlet{
		Name:   "Get-CsBackupServiceStatus",
		Params: []Param{{Name: "PoolFqdn", Type: TypeString, Position: -1, Mandatory: true}},
		Invoke: func(c *Call) error {
			var mods []Value
			for i, id := range ids {
				mods = append(mods, NewObject("Microsoft.Rtc.Management.Hadr.BackupService.BackupModuleStatus").
					Set("Identity", id).Set("ExportStatus", exports[i]).Set("ImportStatus", "NormalState"))
			}
			c.Emit(NewObject("Microsoft.Rtc.Management.Hadr.BackupService.BackupServiceStatus").
				Set("PoolFqdn", c.String("PoolFqdn")).Set("BackupPoolFqdn", "pool01.contoso.com").Set("BackupModules", mods))
			return nil
		},
	}
}

// The §2.2 sample: every value in full, columns as wide as their widest
// value, although the first row is narrower than the last.
func TestTableWidthsFitAllRowsOfOnePipeline(t *testing.T) {
	want := "\r\n" +
		"Identity                   ExportStatus   ImportStatus\r\n" +
		"--------                   ------------   ------------\r\n" +
		"UserServices.PresenceFocus FinalState     NormalState\r\n" +
		"ConfServices.DataConf      FinalState     NormalState\r\n" +
		"CentralMgmt.CMSMaster      NotInitialized NormalState\r\n" +
		"\r\n\r\n"
	for _, src := range []string{
		`$BackupStatus = Get-CsBackupServiceStatus -PoolFqdn pool02.contoso.com
$BackupStatus.BackupModules`,
		`(Get-CsBackupServiceStatus -PoolFqdn pool02.contoso.com).BackupModules`,
		`Get-CsBackupServiceStatus -PoolFqdn pool02.contoso.com | ForEach-Object { $_.BackupModules }`,
	} {
		f := newFake().add(moduleCmdlet("FinalState", "FinalState", "NotInitialized"))
		r := runWith(t, f, "", src)
		if r.out != want || r.code != 0 {
			t.Errorf("%s\ngot  %q\nwant %q\n%s", src, r.out, want, r.errText())
		}
	}
	f := newFake().add(moduleCmdlet("SteadyState", "SteadyState", "NotInitialized"))
	r := runWith(t, f, "", `(Get-CsBackupServiceStatus -PoolFqdn pool02.contoso.com).BackupModules`)
	if strings.Contains(r.out, "...") || !strings.Contains(r.out, "\r\nCentralMgmt.CMSMaster      NotInitialized NormalState\r\n") ||
		!strings.Contains(r.out, "\r\nUserServices.PresenceFocus SteadyState    NormalState\r\n") {
		t.Errorf("SteadyState first: %q", r.out)
	}
}

// Statements stream: each top-level statement's table is written when it
// ends; a later statement's objects of the same type join the open table
// with its fixed layout (and are cut to it), as one Out-Default does.
func TestTableLayoutFixedAtStatementEnd(t *testing.T) {
	r := runScript(t, `[pscustomobject]@{Name='A'; Status='Run'}, [pscustomobject]@{Name='RTCSRV'; Status='Stopped'}
[pscustomobject]@{Name='LYNCBACKUP'; Status='StartPending'}
'x'
[pscustomobject]@{Name='LYNCBACKUP'; Status='StartPending'}`)
	want := "\r\nName   Status\r\n----   ------\r\nA      Run\r\nRTCSRV Stopped\r\nLYN... StartPending\r\n\r\n\r\n" +
		"x\r\n" +
		"\r\nName       Status\r\n----       ------\r\nLYNCBACKUP StartPending\r\n\r\n\r\n"
	if r.out != want {
		t.Fatalf("got  %q\nwant %q", r.out, want)
	}
	// A numeric column stays right-aligned at the widest value.
	r = runScript(t, `@(1, 12345) | ForEach-Object { [pscustomobject]@{Port=$_; Name="n$_"} }`)
	want = "\r\n Port Name\r\n ---- ----\r\n    1 n1\r\n12345 n12345\r\n\r\n\r\n"
	if r.out != want {
		t.Fatalf("numbers: got %q\nwant %q", r.out, want)
	}
}

// Host text written while a table holds rows comes after those rows.
func TestTableRowsBeforeHostText(t *testing.T) {
	r := runScript(t, `function f { [pscustomobject]@{Name='A'}; Write-Host 'between'; [pscustomobject]@{Name='LONGER'} }
f`)
	want := "\r\nName\r\n----\r\nA\r\nbetween\r\nLONGER\r\n\r\n\r\n"
	if r.out != want {
		t.Fatalf("got  %q\nwant %q", r.out, want)
	}
}

// Within one pipeline, a wait on the farm clock writes what the table holds
// (output streams), and later rows keep the layout fixed then.
func TestTableRowsStreamBeforeWait(t *testing.T) {
	out := &chanWriter{ch: make(chan string, 64)}
	release := make(chan struct{})
	f := newFake().add(&Cmdlet{Name: "Get-Slow", Invoke: func(c *Call) error {
		c.Emit(NewObject("Lab.Row").Set("Name", "a").Set("State", "Up"))
		c.Emit(NewObject("Lab.Row").Set("Name", "bb").Set("State", "Up"))
		if err := c.Sleep(2 * time.Second); err != nil {
			return err
		}
		c.Emit(NewObject("Lab.Row").Set("Name", "cccc").Set("State", "Down"))
		return nil
	}})
	slept := make(chan time.Duration, 4)
	env := &Env{Host: "h", Commands: f, Stdout: out, Stderr: &bytes.Buffer{},
		Sleep: func(ctx context.Context, d time.Duration) error { slept <- d; <-release; return nil }}
	done := make(chan int)
	go func() { done <- Run(context.Background(), env, "Get-Slow") }()
	<-slept
	var before strings.Builder
	for len(out.ch) > 0 {
		before.WriteString(<-out.ch)
	}
	if want := "\r\nName State\r\n---- -----\r\na    Up\r\nbb   Up\r\n"; before.String() != want {
		t.Fatalf("before the wait: %q, want %q", before.String(), want)
	}
	close(release)
	if code := <-done; code != 0 {
		t.Fatalf("exit %d", code)
	}
	out.mu.Lock()
	defer out.mu.Unlock()
	if want := "\r\nName State\r\n---- -----\r\na    Up\r\nbb   Up\r\ncccc Down\r\n\r\n\r\n"; out.buf.String() != want {
		t.Fatalf("output %q, want %q", out.buf.String(), want)
	}
}

// Out-String sees all its input: the widths fit every row.
func TestOutStringTableWidths(t *testing.T) {
	r := runScript(t, `$t = [pscustomobject]@{Name='A'; Status='Run'}, [pscustomobject]@{Name='RTCSRV'; Status='Stopped'} | Out-String; $t.Contains("RTCSRV Stopped")`)
	if got := strings.Join(r.lines(), "|"); got != "True" {
		t.Fatalf("got %q", got)
	}
}
