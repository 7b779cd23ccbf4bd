package farm

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/lyncdr/terraform-provider-lync/internal/labfarm/ps"
)

// runPS runs a script on a farm host through the interpreter, as one
// powershell.exe -EncodedCommand process.
func runPS(t *testing.T, f *Farm, host, script string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &ps.Env{Host: host, Commands: f.Session(host), Stdout: &out, Stderr: &errb,
		Sleep: func(ctx context.Context, d time.Duration) error { return f.clock.Sleep(ctx, d) }}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	code := ps.Run(ctx, env, script)
	return out.String(), errb.String(), code
}

// Every command of a session names its class, and binding errors carry the
// same class as the cmdlet's own errors.
func TestCmdletClasses(t *testing.T) {
	f := newTestFarm(t)
	s := f.Session("fe01.contoso.com")
	if len(s.cmdlets) != len(cmdletClasses) {
		t.Errorf("%d cmdlets, %d classes", len(s.cmdlets), len(cmdletClasses))
	}
	for name, c := range s.cmdlets {
		if c.FullName == "" || c.FullName != cmdletClasses[name] {
			t.Errorf("%s: FullName %q", c.Name, c.FullName)
		}
	}
	out, _, code := runPS(t, f, "fe01.contoso.com", `try { Get-CsBackupServiceStatus -PoolFqdn pool01.contoso.com -BackupModule ConfServices.DataConf } catch { $_.FullyQualifiedErrorId }
try { Get-CsBackupServiceStatus -PoolFqdn pool03.contoso.com } catch { $_.FullyQualifiedErrorId }`)
	want := "NamedParameterNotFound," + classGetBackupStatus + "\r\n" +
		"NoBackupPool," + classGetBackupStatus + "\r\n"
	if code != 0 || out != want {
		t.Fatalf("exit %d\ngot  %q\nwant %q", code, out, want)
	}
}

// Get-CsWindowsService shows each running service's counters as its
// ActivityLevel; -ExcludeActivityLevel leaves the property out.
func TestWindowsServiceActivityLevel(t *testing.T) {
	f := newTestFarm(t)
	pairWithPool02(t, f, pool01)
	deployBackup(t, f, pool01, pool02)
	if err := f.clock.Advance(time.Minute); err != nil {
		t.Fatal(err)
	}
	fe04 := f.Session("fe04.contoso.com")
	r := mustInvoke(t, fe04, "Get-CsWindowsService", nil)
	levels := map[string]string{}
	for _, o := range r.out {
		levels[propAs[string](t, o, "Name")] = propAs[string](t, o, "ActivityLevel")
	}
	if levels[LyncBackup] == "" || !strings.Contains(levels["RTCSRV"], "=0") || levels["REPLICA"] != "" {
		t.Errorf("activity levels %q", levels)
	}
	mustInvoke(t, fe04, "Stop-CsWindowsService", map[string]ps.Value{"Name": LyncBackup, "NoWait": true})
	r = mustInvoke(t, fe04, "Get-CsWindowsService", map[string]ps.Value{"Name": LyncBackup})
	if prop(t, r.out[0], "ActivityLevel") != "" {
		t.Errorf("a stopping service has counters: %q", prop(t, r.out[0], "ActivityLevel"))
	}
	out, _, code := runPS(t, f, "fe04.contoso.com", `Get-CsWindowsService -Name RTCSRV -ExcludeActivityLevel | Format-List`)
	if code != 0 || strings.Contains(out, "ActivityLevel") || !strings.Contains(out, "RTCSRV") {
		t.Errorf("exit %d: %q", code, out)
	}
}

// The default view of BackupModules through the interpreter: the §2.2
// sample's layout, every value in full although the first row is
// SteadyState and the CMS module (pool02 is not the CMS master) is
// NotInitialized.
func TestBackupModulesDefaultView(t *testing.T) {
	f := newTestFarm(t)
	pairWithPool02(t, f, pool01)
	deployBackup(t, f, pool01, pool02)
	mustInvoke(t, f.Session("fe01.contoso.com"), "Invoke-CsBackupServiceSync", map[string]ps.Value{"PoolFqdn": pool01})
	advance(t, f, 5*time.Minute+time.Second)
	expectExport(t, f, pool02, ExportSteadyState, ExportSteadyState, ExportNotInitialized)
	out, errs, code := runPS(t, f, "fe04.contoso.com", `(Get-CsBackupServiceStatus -PoolFqdn pool02.contoso.com).BackupModules`)
	want := "\r\n" +
		"Identity                   ExportStatus   ImportStatus\r\n" +
		"--------                   ------------   ------------\r\n" +
		"UserServices.PresenceFocus SteadyState    NormalState\r\n" +
		"ConfServices.DataConf      SteadyState    NormalState\r\n" +
		"CentralMgmt.CMSMaster      NotInitialized NormalState\r\n" +
		"\r\n\r\n"
	if code != 0 || out != want {
		t.Fatalf("exit %d\ngot  %q\nwant %q\n%s", code, out, want, errs)
	}
}
