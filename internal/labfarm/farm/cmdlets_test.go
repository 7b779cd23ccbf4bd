package farm

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/lyncdr/terraform-provider-lync/internal/labfarm/ps"
)

func TestModuleImportLatencyOncePerProcess(t *testing.T) {
	f := newTestFarm(t)
	f.lat.ModuleImport = 8 * time.Second
	s := f.Session("fe01.contoso.com")
	var slept []time.Duration
	call := func(name string, bound map[string]ps.Value) error {
		return s.Cmdlet(name).Invoke(&ps.Call{Context: context.Background(), Host: s.host, Bound: bound,
			Emit: func(ps.Value) {}, WriteHost: func(string) {}, WriteError: func(*ps.ErrorRecord) {},
			Sleep: func(d time.Duration) error { slept = append(slept, d); return nil }})
	}
	if err := call("Import-Module", map[string]ps.Value{"Name": []string{"Lync"}}); err != nil {
		t.Fatal(err)
	}
	if err := call("Get-CsTopology", nil); err != nil {
		t.Fatal(err)
	}
	if err := call("Import-Module", map[string]ps.Value{"Name": []string{"lync"}}); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range slept {
		if d == 8*time.Second {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("module import charged %d times: %v", n, slept)
	}
	// A new process pays again, also when a cmdlet auto-loads the module.
	s = f.Session("fe01.contoso.com")
	slept = nil
	if err := call("Get-CsPool", nil); err != nil {
		t.Fatal(err)
	}
	if len(slept) == 0 || slept[0] != 8*time.Second {
		t.Fatalf("auto-load not charged: %v", slept)
	}
}

func TestImportModuleSkypeForBusiness(t *testing.T) {
	f := newTestFarm(t)
	r := mustInvoke(t, f.Session("fe01.contoso.com"), "Import-Module", map[string]ps.Value{"Name": []string{"SkypeForBusiness"}})
	if len(r.errors) != 1 || r.errors[0].Message != "The specified module 'SkypeForBusiness' was not loaded because no valid module file was found in any module directory." ||
		r.errors[0].FullyQualifiedErrorID != "Modules_ModuleNotFound,Microsoft.PowerShell.Commands.ImportModuleCommand" {
		t.Fatalf("%+v", r.errors)
	}
	mustInvoke(t, f.Session("fe01.contoso.com"), "Import-Module", map[string]ps.Value{"Name": []string{`C:\Program Files\Common Files\Microsoft Lync Server 2013\Modules\Lync\Lync.psd1`}})
}

func TestGetCsTopologyAndPool(t *testing.T) {
	f := newTestFarm(t)
	s := f.Session("fe04.contoso.com")
	r := mustInvoke(t, s, "Get-CsTopology", map[string]ps.Value{"AsXml": true})
	if x, ok := r.out[0].(ps.XElement); !ok || x.XML != f.PublishedXML() {
		t.Fatalf("AsXml: %T", r.out[0])
	}
	r = mustInvoke(t, s, "Get-CsTopology", nil)
	if sites := propAs[[]ps.Value](t, r.out[0], "Sites"); len(sites) != 3 || sites[0] != "Site:Redmond" {
		t.Fatalf("sites %v", sites)
	}
	r = mustInvoke(t, s, "Get-CsPool", map[string]ps.Value{"Identity": "pool02.contoso.com"})
	if len(r.out) != 1 || prop(t, r.out[0], "Site") != "Site:Dublin" || prop(t, r.out[0], "Fqdn") != "pool02.contoso.com" {
		t.Fatalf("%v", r.out)
	}
	services := propAs[[]ps.Value](t, r.out[0], "Services")
	joined := strings.Join(func() []string {
		var out []string
		for _, v := range services {
			out = append(out, as[string](t, v))
		}
		return out
	}(), ",")
	for _, want := range []string{"Registrar:pool02.contoso.com", "UserServer:pool02.contoso.com", "WebServer:pool02.contoso.com", "ConferencingServer:pool02.contoso.com"} {
		if !strings.Contains(joined, want) {
			t.Errorf("services %s lack %s", joined, want)
		}
	}
	if computers := propAs[[]ps.Value](t, r.out[0], "Computers"); len(computers) != 3 || computers[2] != "fe06.contoso.com" {
		t.Errorf("computers %v", computers)
	}
	if r := invoke(t, s, "Get-CsPool", map[string]ps.Value{"Identity": "nope.contoso.com"}); r.err == nil {
		t.Error("unknown pool found")
	}
	r = mustInvoke(t, s, "Get-CsPool", nil)
	if len(r.out) != 10 { // 6 Front End pools + 4 SQL back ends
		t.Errorf("%d pools", len(r.out))
	}
	r = mustInvoke(t, s, "Get-CsPool", map[string]ps.Value{"Filter": "pool0*"})
	if len(r.out) != 3 {
		t.Errorf("filter: %d pools", len(r.out))
	}
}

func TestGetCsServiceRegistrar(t *testing.T) {
	f := newTestFarm(t)
	pairWithPool02(t, f, pool01)
	r := mustInvoke(t, f.Session("fe01.contoso.com"), "Get-CsService", map[string]ps.Value{"Registrar": true, "PoolFqdn": pool01})
	if len(r.out) != 1 || prop(t, r.out[0], "Identity") != "Registrar:pool01.contoso.com" || prop(t, r.out[0], "ServiceId") != "1-Registrar-1" ||
		prop(t, r.out[0], "BackupRegistrar") != "Registrar:pool02.contoso.com" || prop(t, r.out[0], "FailureDetectionInterval") != "00:02:00" {
		t.Fatalf("%v", r.out)
	}
	r = mustInvoke(t, f.Session("fe01.contoso.com"), "Get-CsService", map[string]ps.Value{"BackupServer": true})
	if len(r.out) != 2 {
		t.Fatalf("backup servers %d", len(r.out))
	}
}

func TestGetCsPoolBackupRelationship(t *testing.T) {
	f := newTestFarm(t)
	s := f.Session("fe01.contoso.com")
	if r := mustInvoke(t, s, "Get-CsPoolBackupRelationship", map[string]ps.Value{"PoolFqdn": pool01}); len(r.out) != 0 {
		t.Fatalf("unpaired pool: %v", r.out)
	}
	// It reads the PUBLISHED document: no Enable needed.
	root, _ := ParseXML(f.PublishedXML())
	_ = SetPairing(root, pool01, pool02, Failover{Automatic: true, FailureDetection: 120, FailbackDetection: 240})
	mustInvoke(t, s, "Publish-CsTopology", map[string]ps.Value{"Document": ps.XElement{XML: root.String()}, "Force": true})
	r := mustInvoke(t, s, "Get-CsPoolBackupRelationship", map[string]ps.Value{"PoolFqdn": "Pool02.Contoso.com"})
	if len(r.out) != 1 || prop(t, r.out[0], "PoolFqdn") != pool02 || prop(t, r.out[0], "BackupPoolFqdn") != pool01 {
		t.Fatalf("%v", r.out)
	}
	if o := as[*ps.Object](t, r.out[0]); o.TypeNames[0] != "Microsoft.Rtc.Management.Hadr.BackupService.BackupRelation" {
		t.Errorf("type %v", o.TypeNames)
	}
	for _, bad := range []string{"nope.contoso.com", "not a pool", "sql01.contoso.com"} {
		if r := invoke(t, s, "Get-CsPoolBackupRelationship", map[string]ps.Value{"PoolFqdn": bad}); r.err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
	// The Backup Service follows the ENABLED document: not paired yet.
	if r := invoke(t, s, "Get-CsBackupServiceStatus", map[string]ps.Value{"PoolFqdn": pool01}); r.err == nil ||
		!strings.Contains(r.err.Error(), "does not have a backup pool") {
		t.Fatalf("status before Enable-CsTopology: %v", r.err)
	}
	mustInvoke(t, s, "Enable-CsTopology", nil)
	mustInvoke(t, s, "Get-CsBackupServiceStatus", map[string]ps.Value{"PoolFqdn": pool01})
}

func TestWindowsServiceCmdlets(t *testing.T) {
	f := newTestFarm(t)
	fe01, fe04 := f.Session("fe01.contoso.com"), f.Session("fe04.contoso.com")
	r := invoke(t, fe04, "Get-CsWindowsService", map[string]ps.Value{"Name": "LYNCBACKUP"})
	if rec, ok := r.err.(*ps.ErrorRecord); !ok || rec.Category != "ObjectNotFound" || rec.Message != "Cannot find any service with service name 'LYNCBACKUP'." {
		t.Fatalf("absent service: %#v", r.err)
	}
	if r := invoke(t, fe04, "Start-CsWindowsService", map[string]ps.Value{"Name": "LYNCBACKUP"}); r.err == nil || as[*ps.ErrorRecord](t, r.err).Category != "ObjectNotFound" {
		t.Fatalf("start absent: %v", r.err)
	}
	pairWithPool02(t, f, pool01)
	if code, _, _ := runNative(t, fe04, BootstrapperPath); code != 0 {
		t.Fatal(code)
	}
	// From fe01, look at fe04's services.
	r = mustInvoke(t, fe01, "Get-CsWindowsService", map[string]ps.Value{"Name": "LyncBackup", "ComputerName": "FE04.contoso.com"})
	if prop(t, r.out[0], "Status") != StatusStopped || prop(t, r.out[0], "Name") != "LYNCBACKUP" || prop(t, r.out[0], "DisplayName") != "Lync Server Backup Service" {
		t.Fatalf("%v", r.out[0])
	}
	if _, ok := as[*ps.Object](t, r.out[0]).Get("ActivityLevel"); !ok {
		t.Error("no ActivityLevel")
	}
	// Pipe it to Start-CsWindowsService: the object remembers fe04.
	r = mustInvoke(t, fe01, "Start-CsWindowsService", map[string]ps.Value{"InputObject": r.out[0]})
	if !strings.Contains(r.hostText(), "Service LYNCBACKUP started on fe04.contoso.com.") {
		t.Errorf("report %q", r.hostText())
	}
	if st, _ := f.State().Server("fe04.contoso.com"); st.LyncBackup != StatusRunning {
		t.Fatalf("fe04 %s", st.LyncBackup)
	}
	if st, _ := f.State().Server("fe01.contoso.com"); st.LyncBackup != StatusNotInstalled {
		t.Fatalf("fe01 %s", st.LyncBackup)
	}
	// Starting a running service is silent.
	r = mustInvoke(t, fe04, "Start-CsWindowsService", map[string]ps.Value{"Name": "lyncbackup"})
	if len(r.host) != 0 {
		t.Errorf("start of a running service printed %q", r.hostText())
	}
	r = mustInvoke(t, fe04, "Stop-CsWindowsService", map[string]ps.Value{"Name": "LYNCBACKUP", "Graceful": true})
	if !strings.Contains(r.hostText(), "stopped") {
		t.Errorf("stop report %q", r.hostText())
	}
	r = mustInvoke(t, fe04, "Get-CsWindowsService", map[string]ps.Value{"ExcludeActivityLevel": true})
	if len(r.out) < 8 {
		t.Errorf("%d services", len(r.out))
	}
	if _, ok := as[*ps.Object](t, r.out[0]).Get("ActivityLevel"); ok {
		t.Error("ActivityLevel despite -ExcludeActivityLevel")
	}
	// Unknown and down computers fail.
	if r := invoke(t, fe01, "Get-CsWindowsService", map[string]ps.Value{"ComputerName": "fe99.contoso.com"}); r.err == nil ||
		!strings.Contains(r.err.Error(), "Cannot open Service Control Manager on computer 'fe99.contoso.com'") {
		t.Errorf("unknown computer: %v", r.err)
	}
	if _, err := f.InjectFault(Fault{Kind: FaultServerDown, Server: "fe04.contoso.com"}); err != nil {
		t.Fatal(err)
	}
	if r := invoke(t, fe01, "Start-CsWindowsService", map[string]ps.Value{"Name": "LYNCBACKUP", "ComputerName": "fe04.contoso.com"}); r.err == nil {
		t.Error("start on a down computer succeeded")
	}
	// Lync 2010 servers have no Backup Service, its cmdlets or the 2013 Bootstrapper.
	fe10 := f.Session("fe10.contoso.com")
	if fe10.Cmdlet("Get-CsBackupServiceStatus") != nil || fe10.Native(BootstrapperPath) != nil || fe10.Cmdlet("Get-CsPool") == nil {
		t.Error("Lync 2010 command surface")
	}
	if r := invoke(t, fe10, "Get-CsWindowsService", map[string]ps.Value{"Name": "RTCCLSAGT"}); r.err == nil {
		t.Error("Lync 2010 server has the 2013 CLS agent")
	}
}

func TestBootstrapper(t *testing.T) {
	f := newTestFarm(t)
	fe01 := f.Session("fe01.contoso.com")
	code, out, _ := runNative(t, fe01, BootstrapperPath)
	if code != 0 || !strings.Contains(out, "No roles to install") || !strings.Contains(out, "Bootstrapper.exe has completed successfully.") {
		t.Fatalf("unpaired: %d %s", code, out)
	}
	// Paired in the published document only: nothing to install yet.
	root, _ := ParseXML(f.PublishedXML())
	_ = SetPairing(root, pool01, pool02, Failover{Automatic: true, FailureDetection: 120, FailbackDetection: 240})
	if _, err := f.Publish(root.String()); err != nil {
		t.Fatal(err)
	}
	runNative(t, fe01, BootstrapperPath)
	if st, _ := f.State().Server("fe01.contoso.com"); st.LyncBackup != StatusNotInstalled {
		t.Fatalf("installed from the published document: %s", st.LyncBackup)
	}
	f.Enable()
	code, out, _ = runNative(t, fe01, strings.ToLower(BootstrapperPath))
	if code != 0 || !strings.Contains(out, "Installing BackupService.msi(Feature_BackupService)...success") {
		t.Fatalf("%d %s", code, out)
	}
	if st, _ := f.State().Server("fe01.contoso.com"); st.LyncBackup != StatusStopped {
		t.Fatalf("after bootstrapper: %s", st.LyncBackup)
	}
	code, out, _ = runNative(t, fe01, BootstrapperPath)
	if code != 0 || !strings.Contains(out, "already installed") {
		t.Fatalf("second run: %d %s", code, out)
	}
	if code, _, errOut := runNative(t, fe01, BootstrapperPath, "/Bogus"); code == 0 || !strings.Contains(errOut, "/Bogus") {
		t.Errorf("bad switch: %d %s", code, errOut)
	}
}

func TestBackupCmdletErrors(t *testing.T) {
	f := newTestFarm(t)
	s := f.Session("fe01.contoso.com")
	for _, tc := range []struct {
		cmd   string
		bound map[string]ps.Value
		want  string
	}{
		{"Invoke-CsBackupServiceSync", map[string]ps.Value{"PoolFqdn": pool01}, `Pool "pool01.contoso.com" does not have a backup pool`},
		{"Get-CsBackupServiceStatus", map[string]ps.Value{"PoolFqdn": pool01}, `Pool "pool01.contoso.com" does not have a backup pool`},
		{"Get-CsBackupServiceStatus", map[string]ps.Value{"PoolFqdn": "pool10.contoso.com"}, "Lync Server 2010, which has no Backup Service"},
		{"Get-CsBackupServiceStatus", map[string]ps.Value{"PoolFqdn": "nope.contoso.com"}, "is not a Front End pool"},
		{"Get-CsBackupServiceStatus", map[string]ps.Value{"PoolFqdn": pool01, "Category": "RGS"}, "UserData, CMS"},
		{"Invoke-CsBackupServiceSync", map[string]ps.Value{"PoolFqdn": pool01, "BackupModule": "Everything"}, "not a valid backup module"},
		{"Invoke-CsBackupServiceSync", map[string]ps.Value{"PoolFqdn": "pool 01"}, "Cannot bind parameter 'PoolFqdn'"},
	} {
		r := invoke(t, s, tc.cmd, tc.bound)
		if r.err == nil || !strings.Contains(r.err.Error(), tc.want) {
			t.Errorf("%s %v: %v, want %q", tc.cmd, tc.bound, r.err, tc.want)
		}
	}
	pairWithPool02(t, f, pool01)
	if r := invoke(t, s, "Invoke-CsBackupServiceSync", map[string]ps.Value{"PoolFqdn": pool01, "BackupModule": "ConfServices.DataConf"}); r.err == nil ||
		!strings.Contains(r.err.Error(), `The Backup Service is not running on any Front End server of pool "pool01.contoso.com"`) {
		t.Errorf("sync without LYNCBACKUP: %v", r.err)
	}
	r := mustInvoke(t, s, "Get-CsBackupServiceConfiguration", nil)
	if prop(t, r.out[0], "SyncInterval") != "00:02:00" {
		t.Errorf("SyncInterval %v", prop(t, r.out[0], "SyncInterval"))
	}
}

// A pipeline runs downstream commands synchronously from Emit: no cmdlet may
// emit while it holds the farm lock (Get-CsWindowsService | Start-CsWindowsService).
func TestEmitOutsideTheFarmLock(t *testing.T) {
	f := newTestFarm(t)
	pairWithPool02(t, f, pool01)
	s := f.Session("fe01.contoso.com")
	runNative(t, s, BootstrapperPath)
	done := make(chan error, 1)
	go func() {
		get := s.Cmdlet("Get-CsWindowsService")
		done <- get.Invoke(&ps.Call{Context: context.Background(), Host: s.host, Bound: map[string]ps.Value{"Name": "LYNCBACKUP"},
			Emit: func(v ps.Value) {
				r := invoke(t, s, "Start-CsWindowsService", map[string]ps.Value{"InputObject": v})
				if r.err != nil {
					t.Error(r.err)
				}
			},
			WriteHost: func(string) {}, WriteError: func(*ps.ErrorRecord) {},
			Sleep: func(d time.Duration) error { return f.clock.Sleep(context.Background(), d) }})
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("deadlock: Get-CsWindowsService emits under the farm lock")
	}
	if st, _ := f.State().Server("fe01.contoso.com"); st.LyncBackup != StatusRunning {
		t.Fatalf("%s", st.LyncBackup)
	}
}
