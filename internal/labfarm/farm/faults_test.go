package farm

import (
	"strings"
	"testing"
	"time"

	"github.com/lyncdr/terraform-provider-lync/internal/labfarm/ps"
)

func TestServerDownFault(t *testing.T) {
	f := newTestFarm(t)
	id, err := f.InjectFault(Fault{Kind: FaultServerDown, Server: "FE04.contoso.com", Mode: "timeout"})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.WireFault("fe04.contoso.com"); got != WireTimeout {
		t.Fatalf("wire %q", got)
	}
	if got := f.WireFault("fe05.contoso.com"); got != WireNone {
		t.Fatalf("other host %q", got)
	}
	if st, _ := f.State().Server("fe04.contoso.com"); st.Reachable || st.Down != "timeout" {
		t.Fatalf("%+v", st)
	}
	if !f.ClearFault(id) || f.ClearFault(id) {
		t.Fatal("clear")
	}
	if st, _ := f.State().Server("fe04.contoso.com"); !st.Reachable {
		t.Fatal("still down")
	}
	if _, err := f.InjectFault(Fault{Kind: FaultServerDown, Server: "fe04.contoso.com"}); err != nil {
		t.Fatal(err)
	}
	if f.WireFault("fe04.contoso.com") != WireRefused {
		t.Fatal("default mode is not refused")
	}
}

func TestTransientFault(t *testing.T) {
	f := newTestFarm(t)
	if _, err := f.InjectFault(Fault{Kind: FaultTransient, Count: 2, Host: "fe01.contoso.com", Mode: "reset"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.InjectFault(Fault{Kind: FaultTransient, Count: 1}); err != nil {
		t.Fatal(err)
	}
	got := []string{f.WireFault("fe01.contoso.com"), f.WireFault("fe02.contoso.com"), f.WireFault("fe01.contoso.com"), f.WireFault("fe01.contoso.com"), f.WireFault("fe02.contoso.com")}
	want := []string{WireReset, WireHTTP503, WireReset, WireNone, WireNone}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("got %v want %v", got, want)
	}
	if len(f.Faults()) != 0 {
		t.Fatalf("used-up faults remain: %+v", f.Faults())
	}
}

func TestFaultValidation(t *testing.T) {
	f := newTestFarm(t)
	for _, bad := range []Fault{
		{Kind: "meteor"},
		{Kind: FaultServerDown},
		{Kind: FaultServerDown, Server: "fe99.contoso.com"},
		{Kind: FaultServerDown, Server: "fe01.contoso.com", Mode: "slow"},
		{Kind: FaultSyncStuck, Pool: "sql01.contoso.com"},
		{Kind: FaultSyncError, Pool: pool01, Mode: "sideways"},
		{Kind: FaultTransient},
		{Kind: FaultTransient, Count: 1, Host: "nope.contoso.com"},
		{Kind: FaultBootstrapperFailure, Server: "fe01.contoso.com", Count: -1},
	} {
		if _, err := f.InjectFault(bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
	if len(f.Faults()) != 0 {
		t.Fatal("rejected faults were kept")
	}
}

func TestBootstrapperFailureFault(t *testing.T) {
	f := newTestFarm(t)
	pairWithPool02(t, f, pool01)
	if _, err := f.InjectFault(Fault{Kind: FaultBootstrapperFailure, Server: "fe05.contoso.com", Count: 1}); err != nil {
		t.Fatal(err)
	}
	s := f.Session("fe05.contoso.com")
	code, out, errOut := runNative(t, s, BootstrapperPath)
	if code != 1603 || errOut != DefaultBootstrapperFailure+"\r\n" || !strings.Contains(out, "failure code 1603") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	if st, _ := f.State().Server("fe05.contoso.com"); st.LyncBackup != StatusNotInstalled {
		t.Fatal("installed despite the failure")
	}
	if code, _, _ := runNative(t, s, BootstrapperPath); code != 0 {
		t.Fatalf("second run exit %d (count 1 should be used up)", code)
	}
	// Until cleared, with a custom code and message.
	id, _ := f.InjectFault(Fault{Kind: FaultBootstrapperFailure, Server: "fe06.contoso.com", ExitCode: 3, Message: "boom"})
	for i := 0; i < 2; i++ {
		if code, _, errOut := runNative(t, f.Session("fe06.contoso.com"), BootstrapperPath); code != 3 || !strings.Contains(errOut, "boom") {
			t.Fatalf("run %d: %d %s", i, code, errOut)
		}
	}
	f.ClearFault(id)
	if code, _, _ := runNative(t, f.Session("fe06.contoso.com"), BootstrapperPath); code != 0 {
		t.Fatal("fault not cleared")
	}
}

func TestSyncFaults(t *testing.T) {
	f := newTestFarm(t)
	pairWithPool02(t, f, pool01)
	deployBackup(t, f, pool01, pool02)
	stuck, err := f.InjectFault(Fault{Kind: FaultSyncStuck, Pool: pool01})
	if err != nil {
		t.Fatal(err)
	}
	mustInvoke(t, f.Session("fe01.contoso.com"), "Invoke-CsBackupServiceSync", map[string]ps.Value{"PoolFqdn": pool01})
	advance(t, f, time.Hour)
	expectExport(t, f, pool01, ExportNonSteadyState, ExportNonSteadyState, ExportNonSteadyState)
	expectExport(t, f, pool02, ExportFinalState, ExportFinalState, ExportNotInitialized)
	f.ClearFault(stuck)
	// Blocked for longer than a SyncInterval: a fresh catch-up.
	expectExport(t, f, pool01, ExportNonSteadyState, ExportNonSteadyState, ExportNonSteadyState)
	advance(t, f, 3*time.Minute+time.Second)
	expectExport(t, f, pool01, ExportSteadyState, ExportSteadyState, ExportSteadyState)

	if _, err := f.InjectFault(Fault{Kind: FaultSyncError, Pool: pool02, Mode: "import"}); err != nil {
		t.Fatal(err)
	}
	d, _ := f.State().Direction(pool02)
	if d.Steady || d.Modules[0].ImportStatus != ImportErrorState || d.Modules[0].ExportStatus != ExportFinalState {
		t.Fatalf("import error: %+v", d)
	}
	f.ClearFaults()
	if _, err := f.InjectFault(Fault{Kind: FaultSyncError, Pool: pool02}); err != nil {
		t.Fatal(err)
	}
	d, _ = f.State().Direction(pool02)
	if d.Modules[0].ImportStatus != ImportErrorState || d.Modules[0].ExportStatus != ExportErrorState || d.Modules[2].ExportStatus != ExportNotInitialized {
		t.Fatalf("error both: %+v", d)
	}
	f.ClearFaults()
	if len(f.Faults()) != 0 {
		t.Fatal("ClearFaults left faults")
	}
}

func TestServerDownStopsBackupActivity(t *testing.T) {
	f := newTestFarm(t)
	pairWithPool02(t, f, "pool03.contoso.com")
	deployBackup(t, f, "pool03.contoso.com", pool02)
	for _, m := range []string{"fe07.contoso.com", "fe08.contoso.com"} {
		if _, err := f.InjectFault(Fault{Kind: FaultServerDown, Server: m}); err != nil {
			t.Fatal(err)
		}
	}
	if d, _ := f.State().Direction(pool02); d.Active {
		t.Fatal("direction active with its partner pool down")
	}
	f.ClearFaults()
	if d, _ := f.State().Direction(pool02); !d.Active {
		t.Fatal("direction inactive after the servers came back")
	}
}

func TestResetAndActions(t *testing.T) {
	f := newTestFarm(t)
	pairWithPool02(t, f, pool01)
	deployBackup(t, f, pool01)
	if err := f.StopBackupService("fe07.contoso.com"); err == nil || !strings.Contains(err.Error(), "not installed") {
		t.Fatalf("stop absent: %v", err)
	}
	if err := f.StopBackupService("nope.contoso.com"); err == nil {
		t.Fatal("stop on unknown server")
	}
	if err := f.StopBackupService("fe01.contoso.com"); err != nil {
		t.Fatal(err)
	}
	if err := f.RemovePairingOutOfBand("nope.contoso.com"); err == nil {
		t.Fatal("unknown pool")
	}
	_, _ = f.InjectFault(Fault{Kind: FaultServerDown, Server: "fe02.contoso.com"})
	if err := f.Reset(); err != nil {
		t.Fatal(err)
	}
	st := f.State()
	if len(st.Faults) != 0 || len(st.Published.Pairs) != 0 || len(st.Backup) != 0 {
		t.Fatalf("after reset %+v", st)
	}
	if s, _ := st.Server("fe01.contoso.com"); s.LyncBackup != StatusNotInstalled {
		t.Fatal("LYNCBACKUP survived a reset")
	}
}
