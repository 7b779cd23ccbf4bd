package farm

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/lyncdr/terraform-provider-lync/internal/labfarm/ps"
)

const (
	pool01 = "pool01.contoso.com"
	pool02 = "pool02.contoso.com"
)

func expectExport(t *testing.T, f *Farm, pool string, want ...string) {
	t.Helper()
	if got := exportStatuses(t, f, pool); !reflect.DeepEqual(got, want) {
		t.Errorf("%s export statuses %v, want %v", pool, got, want)
	}
}

func advance(t *testing.T, f *Farm, d time.Duration) {
	t.Helper()
	if err := f.clock.Advance(d); err != nil {
		t.Fatal(err)
	}
}

func TestBackupDirectionsOverFarmTime(t *testing.T) {
	const (
		NI  = ExportNotInitialized
		NSS = ExportNonSteadyState
		SS  = ExportSteadyState
		FS  = ExportFinalState
	)
	f := newTestFarm(t)
	pairWithPool02(t, f, pool01)
	// Paired but LYNCBACKUP not installed: nothing moves.
	expectExport(t, f, pool01, NI, NI, NI)
	advance(t, f, 10*time.Minute)
	expectExport(t, f, pool01, NI, NI, NI)

	deployBackup(t, f, pool01, pool02)
	fe01 := f.Session("fe01.contoso.com")
	mustInvoke(t, fe01, "Invoke-CsBackupServiceSync", map[string]ps.Value{"PoolFqdn": pool01})
	// pool01 -> pool02 syncs at once; pool02 waits for its first automatic
	// sync, one SyncInterval away. pool02 is not the CMS master.
	expectExport(t, f, pool01, NSS, NSS, NSS)
	expectExport(t, f, pool02, NI, NI, NI)

	advance(t, f, 2*time.Minute+time.Second)
	expectExport(t, f, pool01, NSS, NSS, NSS)
	expectExport(t, f, pool02, NSS, NSS, NI)

	advance(t, f, time.Minute)
	expectExport(t, f, pool01, SS, SS, SS)
	expectExport(t, f, pool02, NSS, NSS, NI)

	advance(t, f, 2*time.Minute)
	expectExport(t, f, pool01, FS, FS, FS)
	expectExport(t, f, pool02, SS, SS, NI)
	st := f.State()
	for _, p := range []string{pool01, pool02} {
		if d, _ := st.Direction(p); !d.Steady || !d.Active {
			t.Errorf("%s not steady/active: %+v", p, d)
		}
	}

	// The cmdlet reports the same, with ImportStatus NormalState.
	r := mustInvoke(t, fe01, "Get-CsBackupServiceStatus", map[string]ps.Value{"PoolFqdn": "POOL02.contoso.com"})
	if len(r.out) != 1 {
		t.Fatalf("%d objects", len(r.out))
	}
	if prop(t, r.out[0], "PoolFqdn") != pool02 || prop(t, r.out[0], "BackupPoolFqdn") != pool01 {
		t.Errorf("pool fields %v %v", prop(t, r.out[0], "PoolFqdn"), prop(t, r.out[0], "BackupPoolFqdn"))
	}
	mods := propAs[[]ps.Value](t, r.out[0], "BackupModules")
	var lines []string
	for _, m := range mods {
		lines = append(lines, strings.Join([]string{propAs[string](t, m, "Identity"), propAs[string](t, m, "ExportStatus"), propAs[string](t, m, "ImportStatus")}, " "))
	}
	want := []string{"UserServices.PresenceFocus SteadyState NormalState", "ConfServices.DataConf SteadyState NormalState", "CentralMgmt.CMSMaster NotInitialized NormalState"}
	if !reflect.DeepEqual(lines, want) {
		t.Errorf("modules %v", lines)
	}
	r = mustInvoke(t, fe01, "Get-CsBackupServiceStatus", map[string]ps.Value{"PoolFqdn": pool02, "Category": "cms"})
	if mods := propAs[[]ps.Value](t, r.out[0], "BackupModules"); len(mods) != 1 || prop(t, mods[0], "Identity") != ModuleCMSMaster {
		t.Errorf("-Category CMS: %v", mods)
	}

	// LYNCBACKUP stops on every Front End of pool02: both directions stop
	// (each needs the service in both pools), keep their snapshot for one
	// SyncInterval, then report NonSteadyState.
	for _, m := range []string{"fe04.contoso.com", "fe05.contoso.com", "fe06.contoso.com"} {
		if err := f.StopBackupService(m); err != nil {
			t.Fatal(err)
		}
	}
	expectExport(t, f, pool01, FS, FS, FS)
	expectExport(t, f, pool02, SS, SS, NI)
	advance(t, f, 2*time.Minute+time.Second)
	expectExport(t, f, pool01, NSS, NSS, NSS)
	expectExport(t, f, pool02, NSS, NSS, NI)
	if r := invoke(t, fe01, "Invoke-CsBackupServiceSync", map[string]ps.Value{"PoolFqdn": pool01}); r.err == nil ||
		!strings.Contains(r.err.Error(), `The Backup Service is not running on any Front End server of pool "pool02.contoso.com"`) {
		t.Errorf("sync with the partner's service stopped: %v", r.err)
	}

	// Started again on one server: a new catch-up.
	mustInvoke(t, f.Session("fe05.contoso.com"), "Start-CsWindowsService", map[string]ps.Value{"Name": "lyncbackup"})
	expectExport(t, f, pool01, NSS, NSS, NSS)
	advance(t, f, 3*time.Minute+time.Second)
	expectExport(t, f, pool01, SS, SS, SS)
	expectExport(t, f, pool02, SS, SS, NI)

	// Unpairing resets the directions; pairing again starts from scratch.
	if err := f.RemovePairingOutOfBand(pool02); err != nil {
		t.Fatal(err)
	}
	if st := f.State(); len(st.Backup) != 0 || st.Published.Pairs == nil || len(st.Enabled.Pairs) != 0 {
		t.Fatalf("after unpairing: backup %+v published %+v enabled %+v", st.Backup, st.Published, st.Enabled)
	}
	pairWithPool02(t, f, pool01)
	expectExport(t, f, pool01, NI, NI, NI)
}

func TestBackupShortOutageResumes(t *testing.T) {
	f := newTestFarm(t)
	pairWithPool02(t, f, pool01)
	deployBackup(t, f, pool01, pool02)
	mustInvoke(t, f.Session("fe01.contoso.com"), "Invoke-CsBackupServiceSync", map[string]ps.Value{"PoolFqdn": pool01})
	advance(t, f, 2*time.Minute)
	// A 1-minute outage of the only running service of pool01... every
	// Front End of pool01 runs it, so stop all three.
	for _, m := range []string{"fe01.contoso.com", "fe02.contoso.com", "fe03.contoso.com"} {
		if err := f.StopBackupService(m); err != nil {
			t.Fatal(err)
		}
	}
	advance(t, f, time.Minute)
	expectExport(t, f, pool01, ExportNonSteadyState, ExportNonSteadyState, ExportNonSteadyState)
	mustInvoke(t, f.Session("fe02.contoso.com"), "Start-CsWindowsService", map[string]ps.Value{"Name": "LYNCBACKUP"})
	// 2 of the 3 minutes of catch-up were done; one more is needed.
	advance(t, f, time.Minute+time.Second)
	expectExport(t, f, pool01, ExportSteadyState, ExportSteadyState, ExportSteadyState)
}

func TestBackupStartPendingCountsFromSettle(t *testing.T) {
	f := newTestFarm(t)
	f.lat.ServiceStart = 30 * time.Second
	pairWithPool02(t, f, pool01)
	for _, m := range []string{"fe01.contoso.com", "fe04.contoso.com"} {
		s := f.Session(m)
		runNative(t, s, BootstrapperPath)
		r := mustInvoke(t, s, "Start-CsWindowsService", map[string]ps.Value{"Name": "LYNCBACKUP", "NoWait": true})
		if !strings.Contains(r.hostText(), "not waiting") {
			t.Errorf("host %q", r.hostText())
		}
	}
	if st, _ := f.State().Server("fe01.contoso.com"); st.LyncBackup != StatusStartPending {
		t.Fatalf("status %s", st.LyncBackup)
	}
	// Nobody looks for 10 minutes: the first automatic sync happened one
	// SyncInterval after both services reached Running (+30 s), so at +10 min
	// the direction has spent 7.5 min syncing: FinalState.
	advance(t, f, 10*time.Minute)
	expectExport(t, f, pool01, ExportFinalState, ExportFinalState, ExportFinalState)
}
