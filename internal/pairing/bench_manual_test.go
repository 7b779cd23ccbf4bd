package pairing_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/lyncdr/terraform-provider-lync/internal/labfarm/farm"
	"github.com/lyncdr/terraform-provider-lync/internal/lync"
	"github.com/lyncdr/terraform-provider-lync/internal/lync/topology"
)

// runManual runs the seed's procedure ("Deploying paired Front End pools for
// disaster recovery in Lync Server 2013") step by step, as an administrator
// would type it: one PowerShell invocation (one WinRS command, so one
// powershell.exe with its start and, for Lync cmdlets, its module import) per
// seed command, through the same winrm client as the provider, in plain
// PowerShell text:
//
//  1. Get-CsTopology -AsXml on the management host; the edit of Topology
//     Builder (Associated Backup Pool, automatic failover for voice) is
//     topology.SetPairing; Publish-CsTopology; Enable-CsTopology.
//  2. For each Front End server of both pools, one after another:
//     Bootstrapper.exe, then Start-CsWindowsService -Name LYNCBACKUP.
//  3. Invoke-CsBackupServiceSync -PoolFqdn for each pool.
//  4. Get-CsBackupServiceStatus -PoolFqdn for each pool, polled (pollWall
//     between rounds) until both directions are steady.
//
// It returns the farm time it took and a summary of when each step ended.
func runManual(r *benchFarm, pollWall time.Duration) (time.Duration, string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	clock := r.farm.Model().Clock()
	t0 := clock.Now()
	var marks []string
	mark := func(name string) { marks = append(marks, fmt.Sprintf("%s@%s", name, fmtFarm(clock.Now().Sub(t0)))) }
	ps := func(host, script string) (string, error) {
		res, err := r.winrm.Run(ctx, host, script)
		if err != nil {
			return "", fmt.Errorf("%s: %w", host, err)
		}
		if res.ExitCode != 0 {
			return "", fmt.Errorf("%s: %q exited %d: %s", host, firstLine(script), res.ExitCode, res.Stderr)
		}
		return res.Stdout, nil
	}

	// 1. The topology.
	current, err := ps(benchMgmtHost, "(Get-CsTopology -AsXml).ToString()")
	if err != nil {
		return 0, "", err
	}
	edited, err := topology.SetPairing(strings.TrimSpace(current), benchPool, benchBackupPool, topology.Voice{Enabled: true}.WithDefaults())
	if err != nil {
		return 0, "", err
	}
	if _, err := ps(benchMgmtHost, "Publish-CsTopology -Document ([System.Xml.Linq.XElement]::Parse('"+strings.ReplaceAll(edited, "'", "''")+"')) -Force"); err != nil {
		return 0, "", err
	}
	if _, err := ps(benchMgmtHost, "Enable-CsTopology"); err != nil {
		return 0, "", err
	}
	mark("published+enabled")

	// 2. The Backup Service, server by server. The administrator knows the
	// Front End servers of the pools; the benchmark takes them from the farm.
	st := r.farm.State()
	var servers []string
	for _, pool := range []string{benchPool, benchBackupPool} {
		p, ok := st.Pool(pool)
		if !ok {
			return 0, "", fmt.Errorf("the farm has no pool %s", pool)
		}
		for _, s := range p.Servers {
			servers = append(servers, s.Fqdn)
		}
	}
	for _, fe := range servers {
		if _, err := ps(fe, "& '"+lync.DefaultBootstrapperPath+"'\nexit $LASTEXITCODE"); err != nil {
			return 0, "", err
		}
		if _, err := ps(fe, "Start-CsWindowsService -Name LYNCBACKUP"); err != nil {
			return 0, "", err
		}
	}
	mark(fmt.Sprintf("services-done(%d servers)", len(servers)))

	// 3. Force the sync both ways.
	for _, pool := range []string{benchPool, benchBackupPool} {
		if _, err := ps(benchMgmtHost, "Invoke-CsBackupServiceSync -PoolFqdn "+pool); err != nil {
			return 0, "", err
		}
	}
	mark("sync-invoked")

	// 4. Wait for steady state in both directions (a pool already seen
	// steady is not read again).
	const statusScript = `$status = Get-CsBackupServiceStatus -PoolFqdn %s
foreach ($m in $status.BackupModules) { "$($m.Identity) $($m.ExportStatus) $($m.ImportStatus)" }`
	pending := []string{benchPool, benchBackupPool}
	reads := 0
	for len(pending) > 0 {
		var still []string
		for _, pool := range pending {
			out, err := ps(benchMgmtHost, fmt.Sprintf(statusScript, pool))
			if err != nil {
				return 0, "", err
			}
			reads++
			var mods []farm.ModuleState
			for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
				if f := strings.Fields(line); len(f) == 3 {
					mods = append(mods, farm.ModuleState{Identity: f[0], ExportStatus: f[1], ImportStatus: f[2]})
				}
			}
			// The documented rule (the CMS module is NotInitialized on the
			// pool that is not the CMS master); pool01 hosts the CMS.
			if !farm.IsSteady(pool, st.CMSPool, mods) {
				still = append(still, pool)
			}
		}
		pending = still
		if len(pending) > 0 {
			select {
			case <-ctx.Done():
				return 0, "", fmt.Errorf("not steady before the deadline: %v", pending)
			case <-time.After(pollWall):
			}
		}
	}
	mark(fmt.Sprintf("steady(%d status reads)", reads))
	total := clock.Now().Sub(t0)
	marks = append(marks, "total "+fmtFarm(total))
	return total, strings.Join(marks, ", "), nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 80 {
		s = s[:80] + "..."
	}
	return s
}
