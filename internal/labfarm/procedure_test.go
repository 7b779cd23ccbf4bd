package labfarm

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lyncdr/terraform-provider-lync/internal/labfarm/farm"
)

// The seed's manual procedure ("Deploying paired Front End pools for disaster
// recovery in Lync Server 2013"), step by step, in PowerShell, over real
// WinRM with the unmodified masterzen client, against the default farm: the
// commands run exactly as the seed writes them.

const (
	seedPool1 = "pool01.contoso.com"
	seedPool2 = "pool02.contoso.com"
)

// ps runs a script on a farm server as masterzen's RunPSWithContext does
// (powershell.exe -EncodedCommand) and returns stdout, stderr and the exit
// code.
func runPS(t *testing.T, f *Farm, host, script string) (string, string, int) {
	t.Helper()
	requireInterpreter(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	stdout, stderr, code, err := winrmClient(t, f, host, "", "").RunPSWithContext(ctx, script)
	if err != nil {
		t.Fatalf("%s: WinRM: %v", host, err)
	}
	return stdout, stderr, code
}

func mustPS(t *testing.T, f *Farm, host, script string) string {
	t.Helper()
	stdout, stderr, code := runPS(t, f, host, script)
	if code != 0 {
		t.Fatalf("%s: exit %d\nscript:\n%s\nstdout:\n%s\nstderr:\n%s", host, code, script, stdout, stderr)
	}
	return stdout
}

// linkEdit is the administrator's edit of the topology document for the
// modelled encoding (main DESIGN.md §1), one side: on the Registrar of pool
// from, a BackupRegistrar dependency naming the Registrar of pool to, and the
// voice failover attributes on RegistrarService. It edits $xml in place.
func linkEdit(from, to string) string {
	return fmt.Sprintf(`
$ns = $xml.Topology.NamespaceURI
$cluster = $xml.Topology.Clusters.Cluster | Where-Object { $_.Fqdn -eq '%s' }
$partner = $xml.Topology.Clusters.Cluster | Where-Object { $_.Fqdn -eq '%s' }
$registrar = $xml.Topology.Services.Service | Where-Object {
    $_.ServiceId.RoleName -eq 'Registrar' -and
    $_.InstalledOn.ClusterId.SiteId -eq $cluster.ClusterId.SiteId -and
    $_.InstalledOn.ClusterId.Number -eq $cluster.ClusterId.Number }
$partnerRegistrar = $xml.Topology.Services.Service | Where-Object {
    $_.ServiceId.RoleName -eq 'Registrar' -and
    $_.InstalledOn.ClusterId.SiteId -eq $partner.ClusterId.SiteId -and
    $_.InstalledOn.ClusterId.Number -eq $partner.ClusterId.Number }
$dependency = $xml.CreateElement('Dependency', $ns)
$dependency.SetAttribute('Usage', 'BackupRegistrar')
$serviceId = $xml.CreateElement('ServiceId', $ns)
$serviceId.SetAttribute('SiteId', $partnerRegistrar.ServiceId.SiteId)
$serviceId.SetAttribute('RoleName', 'Registrar')
$serviceId.SetAttribute('Instance', $partnerRegistrar.ServiceId.Instance)
[void]$dependency.AppendChild($serviceId)
[void]$registrar.DependsOn.AppendChild($dependency)
$registrar.RegistrarService.SetAttribute('EnableAutomaticFailover', 'true')
$registrar.RegistrarService.SetAttribute('FailureDetectionInterval', '120')
$registrar.RegistrarService.SetAttribute('FailbackDetectionInterval', '240')
`, from, to)
}

// pairingEdit pairs two pools: the link on both Registrars.
func pairingEdit(p1, p2 string) string { return linkEdit(p1, p2) + linkEdit(p2, p1) }

// bootstrapperScript runs the seed's step 8 command and reports its exit code.
const bootstrapperScript = "& 'C:\\Program Files\\Microsoft Lync Server 2013\\Deployment\\Bootstrapper.exe'\nexit $LASTEXITCODE"

// publishScript fetches the topology, applies edit and publishes it.
func publishScript(edit string, enable bool) string {
	s := `Import-Module Lync
$xml = [xml](Get-CsTopology -AsXml).ToString()
` + edit + `
Publish-CsTopology -Document ([System.Xml.Linq.XElement]::Parse($xml.OuterXml)) -Force
`
	if enable {
		s += "Enable-CsTopology\n"
	}
	return s
}

func TestSeedProcedureOverWinRM(t *testing.T) {
	requireInterpreter(t)
	f := startTestFarm(t, Options{})
	ctx := context.Background()
	c := f.Client()

	// Steps 2-6: associate the pools (Resiliency, Associated Backup Pool,
	// automatic failover for voice), publish, and enable (the ezcloudinfo
	// variant of §0 runs Enable-CsTopology).
	if out := mustPS(t, f, "fe01.contoso.com", "(Get-CsTopology -AsXml).ToString()"); !strings.Contains(out, `<Topology xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008"`) {
		t.Fatalf("Get-CsTopology -AsXml: %.300s", out)
	}
	mustPS(t, f, "fe01.contoso.com", publishScript(pairingEdit(seedPool1, seedPool2), true))
	for _, p := range [][2]string{{seedPool1, seedPool2}, {seedPool2, seedPool1}} {
		out := mustPS(t, f, "fe04.contoso.com", fmt.Sprintf("(Get-CsPoolBackupRelationship -PoolFqdn %s).BackupPoolFqdn", p[0]))
		if strings.TrimSpace(out) != p[1] {
			t.Fatalf("relationship of %s: %q", p[0], out)
		}
	}
	st, err := c.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := st.Pool(seedPool1); p.BackupPool != seedPool2 || p.EnabledBackupPool != seedPool2 {
		t.Fatalf("after publish+enable: %+v", p)
	}

	// Step 8: Bootstrapper.exe on every Front End of both pools.
	var frontEnds []string
	for _, pool := range []string{seedPool1, seedPool2} {
		p, _ := st.Pool(pool)
		for _, s := range p.Servers {
			frontEnds = append(frontEnds, s.Fqdn)
		}
	}
	// In parallel, as an administrator with six consoles (or the provider)
	// would run them.
	results := make([]string, len(frontEnds))
	var wg sync.WaitGroup
	for i, fe := range frontEnds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(ctx, time.Minute)
			defer cancel()
			stdout, stderr, code, err := winrmClient(t, f, fe, "", "").RunPSWithContext(ctx, bootstrapperScript)
			if err != nil || code != 0 || !strings.Contains(stdout, "Bootstrapper.exe has completed successfully.") {
				results[i] = fmt.Sprintf("%s: exit %d, %v\n%s%s", fe, code, err, stdout, stderr)
			}
		}()
	}
	wg.Wait()
	for _, r := range results {
		if r != "" {
			t.Fatal(r)
		}
	}
	st, _ = c.State(ctx)
	for _, fe := range frontEnds {
		if s, _ := st.Server(fe); s.LyncBackup != farm.StatusStopped {
			t.Fatalf("%s after Bootstrapper: %s", fe, s.LyncBackup)
		}
	}

	// Step 9: Start-CsWindowsService -Name LYNCBACKUP on each Front End.
	for _, fe := range frontEnds {
		mustPS(t, f, fe, "Start-CsWindowsService -Name LYNCBACKUP")
	}
	st, _ = c.State(ctx)
	for _, fe := range frontEnds {
		if s, _ := st.Server(fe); s.LyncBackup != farm.StatusRunning {
			t.Fatalf("%s after Start-CsWindowsService: %s", fe, s.LyncBackup)
		}
	}

	// Step 10: force the sync both ways, then wait for steady state in both
	// directions with Get-CsBackupServiceStatus.
	mustPS(t, f, "fe01.contoso.com", "Invoke-CsBackupServiceSync -PoolFqdn "+seedPool1)
	mustPS(t, f, "fe04.contoso.com", "Invoke-CsBackupServiceSync -PoolFqdn "+seedPool2)
	const statusScript = `$status = Get-CsBackupServiceStatus -PoolFqdn %s
foreach ($m in $status.BackupModules) { "$($m.Identity) $($m.ExportStatus) $($m.ImportStatus)" }`
	deadline := time.Now().Add(30 * time.Second)
	for _, pool := range []string{seedPool1, seedPool2} {
		for {
			out := mustPS(t, f, "fe01.contoso.com", fmt.Sprintf(statusScript, pool))
			var mods []farm.ModuleState
			for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
				fields := strings.Fields(line)
				if len(fields) != 3 {
					t.Fatalf("status line %q", line)
				}
				mods = append(mods, farm.ModuleState{Identity: fields[0], ExportStatus: fields[1], ImportStatus: fields[2]})
			}
			if len(mods) != 3 {
				t.Fatalf("status of %s: %q", pool, out)
			}
			if farm.IsSteady(pool, seedPool1, mods) {
				if pool == seedPool2 && mods[2].ExportStatus != farm.ExportNotInitialized {
					t.Errorf("CMS module of the non-CMS pool: %+v", mods[2])
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s never reached steady state: %+v", pool, mods)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	st, _ = c.State(ctx)
	for _, d := range st.Backup {
		if !d.Steady {
			t.Errorf("control API: %s -> %s not steady: %+v", d.Pool, d.BackupPool, d.Modules)
		}
	}
	if w := st.WinRM["fe01.contoso.com"]; w.Commands < 5 {
		t.Errorf("WinRM counters of fe01: %+v", w)
	}

	// The rules: each violation fails with a clear message and leaves the
	// farm unchanged. Skip an hour first so that both directions sit in
	// FinalState and the before/after comparison does not race the model.
	if _, err := c.Advance(ctx, time.Hour); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, edit, want string
	}{
		{"already paired with a third pool", linkEdit("pool03.contoso.com", seedPool1), "pool03.contoso.com names pool01.contoso.com as its backup pool, but pool01.contoso.com is already paired with pool02.contoso.com"},
		{"two partners", pairingEdit("pool03.contoso.com", seedPool1), "pool pool01.contoso.com names 2 backup pools (pool02.contoso.com, pool03.contoso.com)"},
		{"lync 2010", pairingEdit("pool03.contoso.com", "pool10.contoso.com"), "pool10.contoso.com runs Lync Server 2010"},
		{"self", linkEdit("se01.contoso.com", "se01.contoso.com"), "pool se01.contoso.com cannot be its own backup pool"},
		{"one-sided", linkEdit("pool03.contoso.com", "se02.contoso.com"), "pool03.contoso.com names se02.contoso.com as its backup pool, but se02.contoso.com does not name pool03.contoso.com"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := stateWithoutClock(t, f)
			stdout, stderr, code := runPS(t, f, "fe02.contoso.com", publishScript(tc.edit, false))
			if code == 0 {
				t.Fatalf("publish succeeded:\n%s", stdout)
			}
			if !strings.Contains(stderr, tc.want) || !strings.Contains(stderr, "Topology validation failed") {
				t.Errorf("stderr lacks %q:\n%s", tc.want, stderr)
			}
			if after := stateWithoutClock(t, f); after != before {
				t.Errorf("farm changed:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

// stateWithoutClock is the farm state and published document without the
// farm time and the WinRM counters, for before/after comparisons.
func stateWithoutClock(t *testing.T, f *Farm) string {
	t.Helper()
	st := f.Model().State()
	st.FarmTime = time.Time{}
	return fmt.Sprintf("%+v\n%s", st, f.Model().PublishedXML())
}

func TestLyncCmdletsOverWinRM(t *testing.T) {
	requireInterpreter(t)
	f := startTestFarm(t, Options{})
	ctx := context.Background()

	// A Skype for Business module name fails on a Lync 2013 server.
	_, stderr, code := runPS(t, f, "fe01.contoso.com", "$ErrorActionPreference = 'Stop'\nImport-Module SkypeForBusiness")
	if code == 0 || !strings.Contains(stderr, "The specified module 'SkypeForBusiness' was not loaded because no valid module file was found in any module directory.") {
		t.Fatalf("Import-Module SkypeForBusiness: %d\n%s", code, stderr)
	}
	// LYNCBACKUP before pairing: not installed.
	_, stderr, code = runPS(t, f, "fe01.contoso.com", "Start-CsWindowsService -Name LYNCBACKUP")
	if code == 0 || !strings.Contains(stderr, "Cannot find any service with service name 'LYNCBACKUP'.") || !strings.Contains(stderr, "ObjectNotFound") {
		t.Fatalf("start before Bootstrapper: %d\n%s", code, stderr)
	}
	// An unknown parameter fails the way PowerShell does.
	_, stderr, code = runPS(t, f, "fe01.contoso.com", "Get-CsBackupServiceStatus -PoolFqdn pool01.contoso.com -BackupModule ConfServices.DataConf")
	if code == 0 || !strings.Contains(stderr, "BackupModule") {
		t.Fatalf("-BackupModule on Get-CsBackupServiceStatus: %d\n%s", code, stderr)
	}
	// Lync 2010: no Backup Service cmdlets.
	if _, stderr, code = runPS(t, f, "fe10.contoso.com", "Get-CsBackupServiceStatus -PoolFqdn pool10.contoso.com"); code == 0 || !strings.Contains(stderr, "CommandNotFound") {
		t.Fatalf("2010 server: %d\n%s", code, stderr)
	}

	// Pair, bootstrap fe04 with an injected MSI failure.
	mustPS(t, f, "fe01.contoso.com", publishScript(pairingEdit(seedPool1, seedPool2), true))
	if _, err := f.Client().InjectFault(ctx, Fault{Kind: FaultBootstrapperFailure, Server: "fe04.contoso.com", Count: 1}); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runPS(t, f, "fe04.contoso.com", bootstrapperScript)
	if code != 1603 || !strings.Contains(stderr+stdout, "Another Lync Server product with version 6.0.9319.0 is already installed.") {
		t.Fatalf("Bootstrapper under fault: %d\n%s\n%s", code, stdout, stderr)
	}
	mustPS(t, f, "fe04.contoso.com", bootstrapperScript)

	// The documented pipeline (§4.3): start what is not running, by object.
	out := mustPS(t, f, "fe01.contoso.com", `Get-CsWindowsService -ComputerName fe04.contoso.com | Where-Object {$_.Status -ne "Running"} | Start-CsWindowsService
(Get-CsWindowsService -Name LyncBackup -ComputerName fe04.contoso.com).Status`)
	if !strings.HasSuffix(strings.TrimSpace(out), "Running") || !strings.Contains(out, "Service LYNCBACKUP started on fe04.contoso.com.") {
		t.Fatalf("pipeline start: %q", out)
	}
	// A down server cannot be reached with -ComputerName.
	if _, err := f.Client().InjectFault(ctx, Fault{Kind: FaultServerDown, Server: "fe05.contoso.com"}); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code = runPS(t, f, "fe01.contoso.com", "Get-CsWindowsService -Name LYNCBACKUP -ComputerName fe05.contoso.com"); code == 0 || !strings.Contains(stderr, "Cannot open Service Control Manager on computer 'fe05.contoso.com'") {
		t.Fatalf("down computer: %d\n%s", code, stderr)
	}
	// Relationship and status as the provider reads them: JSON.
	out = mustPS(t, f, "fe01.contoso.com", `Get-CsPoolBackupRelationship -PoolFqdn pool01.contoso.com | Select-Object PoolFqdn, BackupPoolFqdn | ConvertTo-Json -Compress`)
	if strings.TrimSpace(out) != `{"PoolFqdn":"pool01.contoso.com","BackupPoolFqdn":"pool02.contoso.com"}` {
		t.Fatalf("relationship JSON %q", out)
	}
}
