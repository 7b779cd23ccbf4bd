package farm

import (
	"fmt"
	"strings"

	"github.com/lyncdr/terraform-provider-lync/internal/labfarm/ps"
)

// poolFqdnParam is the -PoolFqdn parameter of the Hadr cmdlets (type Fqdn).
func poolFqdnParam(fromPipeline bool) ps.Param {
	return ps.Param{Name: "PoolFqdn", Type: ps.TypeString, Position: -1, Mandatory: true, FromPipeline: fromPipeline}
}

// checkFqdn fails the way binding to the Fqdn type does for a value that is
// not a host name.
func checkFqdn(value, class string) error {
	if IsFQDN(value) {
		return nil
	}
	return cmdletError("InvalidArgument", "ParameterArgumentTransformationError", class, value,
		fmt.Sprintf("Cannot bind parameter 'PoolFqdn'. Cannot convert value \"%s\" to type \"Microsoft.Rtc.Management.Deploy.Fqdn\". Error: \"Invalid FQDN: %s\"", value, value))
}

// getPoolBackupRelationship is Get-CsPoolBackupRelationship -PoolFqdn
// [-Force] [-LocalStore] (lync-dr.md §1.6 [C]): a BackupRelation with
// PoolFqdn and BackupPoolFqdn for a paired pool, nothing for an unpaired one
// (property names [U], DESIGN.md §2). It reads the published document.
func (s *Session) getPoolBackupRelationship() *ps.Cmdlet {
	return &ps.Cmdlet{
		Name:   "Get-CsPoolBackupRelationship",
		Params: append([]ps.Param{poolFqdnParam(false)}, switches("Force", "LocalStore")...),
		Invoke: func(c *ps.Call) error {
			pool := strings.ToLower(c.String("PoolFqdn"))
			if err := checkFqdn(pool, classGetRelationship); err != nil {
				return err
			}
			if err := c.Sleep(s.f.lat.TopologyRead); err != nil {
				return err
			}
			t := s.f.Published()
			if t.Pool(pool) == nil {
				return cmdletError("ObjectNotFound", "PoolNotFound", classGetRelationship, pool,
					fmt.Sprintf("Pool \"%s\" is not a Front End pool in the topology.", pool))
			}
			if partner := t.Partner(pool); partner != "" {
				c.Emit(ps.NewObject("Microsoft.Rtc.Management.Hadr.BackupService.BackupRelation").
					Set("PoolFqdn", pool).Set("BackupPoolFqdn", partner))
			}
			return nil
		},
	}
}

// backupPoolLocked resolves a pool for the Backup Service cmdlets in the
// enabled topology and returns its partner, or the error those cmdlets give.
// The texts for an unknown or unpaired pool are [U] (lync-dr.md §8: "not
// found"); the Lync 2013 sibling cmdlets are documented to fail when the pool
// has no backup pool (§3 [C]).
func (s *Session) backupPoolLocked(pool, class string) (string, error) {
	p := s.f.enabled.topo.Pool(pool)
	switch {
	case p == nil:
		return "", cmdletError("ObjectNotFound", "PoolNotFound", class, pool,
			fmt.Sprintf("Pool \"%s\" is not a Front End pool in the topology.", pool))
	case !p.SupportsBackupService():
		return "", cmdletError("InvalidOperation", "BackupServiceNotSupported", class, pool,
			fmt.Sprintf("Pool \"%s\" runs Lync Server %s, which has no Backup Service.", pool, p.Version()))
	}
	partner := s.f.enabled.topo.Partner(pool)
	if partner == "" {
		return "", cmdletError("InvalidOperation", "NoBackupPool", class, pool,
			fmt.Sprintf("Pool \"%s\" does not have a backup pool. Associate a backup pool in Topology Builder, publish and enable the topology.", pool))
	}
	return partner, nil
}

// getBackupServiceStatus is Get-CsBackupServiceStatus -PoolFqdn [-Category
// UserData|CMS] [-Force] (lync-dr.md §2.1 [C]): one object with PoolFqdn and
// BackupPoolFqdn ([U], DESIGN.md §2) and BackupModules (Identity,
// ExportStatus, ImportStatus [C]) for the direction pool -> partner of the
// enabled topology. It answers even while LYNCBACKUP is stopped, with the
// statuses of the direction model (backup.go). -BackupModule is rejected by
// the interpreter as on a real server (§2.1, [U]).
func (s *Session) getBackupServiceStatus() *ps.Cmdlet {
	return &ps.Cmdlet{
		Name:   "Get-CsBackupServiceStatus",
		Params: []ps.Param{poolFqdnParam(false), named("Category", ps.TypeString), named("Force", ps.TypeSwitch)},
		Invoke: func(c *ps.Call) error {
			pool := strings.ToLower(c.String("PoolFqdn"))
			if err := checkFqdn(pool, classGetBackupStatus); err != nil {
				return err
			}
			var category string
			if c.Has("Category") {
				switch strings.ToLower(c.String("Category")) {
				case "userdata":
					category = "UserData"
				case "cms":
					category = "CMS"
				default:
					return cmdletError("InvalidArgument", "ParameterArgumentTransformationError", classGetBackupStatus, c.String("Category"),
						fmt.Sprintf("Cannot bind parameter 'Category'. Cannot convert value \"%s\" to type \"Microsoft.Rtc.Management.Hadr.BackupService.BackupCategory\". Error: \"Unable to match the identifier name %s to a valid enumerator name. Specify one of the following enumerator names and try again: UserData, CMS\"",
							c.String("Category"), c.String("Category")))
				}
			}
			if err := c.Sleep(s.f.lat.BackupServiceCall); err != nil {
				return err
			}
			s.f.mu.Lock()
			partner, err := s.backupPoolLocked(pool, classGetBackupStatus)
			var mods []ModuleState
			if err == nil {
				now := s.f.clock.Now()
				s.f.reconcileLocked(now)
				mods = s.f.modulesLocked(s.f.dirs[pool], now)
			}
			s.f.mu.Unlock()
			if err != nil {
				return err
			}
			var modules []ps.Value
			for _, m := range mods {
				isCMS := m.Identity == ModuleCMSMaster
				if (category == "UserData" && isCMS) || (category == "CMS" && !isCMS) {
					continue
				}
				modules = append(modules, ps.NewObject("Microsoft.Rtc.Management.Hadr.BackupService.BackupModuleStatus").
					Set("Identity", m.Identity).Set("ExportStatus", m.ExportStatus).Set("ImportStatus", m.ImportStatus))
			}
			c.Emit(ps.NewObject("Microsoft.Rtc.Management.Hadr.BackupService.BackupServiceStatus").
				Set("PoolFqdn", pool).Set("BackupPoolFqdn", partner).Set("BackupModules", modules))
			return nil
		},
	}
}

// backupModuleNames are the -BackupModule values of Invoke-CsBackupServiceSync:
// the dotted names of the cmdlet help and the short names of the Lync 2013
// operations page (lync-dr.md §3, [C-doc-inconsistent]); both are accepted.
var backupModuleNames = map[string]bool{
	"userservices.presencefocus": true, "confservices.dataconf": true, "centralmgmt.cmsmaster": true,
	"all": true, "presencefocus": true, "dataconf": true, "cmsmaster": true,
}

// invokeBackupServiceSync is Invoke-CsBackupServiceSync -PoolFqdn
// [-BackupModule] [-Force] (lync-dr.md §3 [C]). It forces the sync of the
// direction pool -> partner and returns nothing ("Outputs: None"); it
// returns once the sync is triggered (whether the real one blocks is [U]).
// It fails on an unpaired pool and when LYNCBACKUP runs on no Front End of
// the pool or of its partner (texts [U]). The farm syncs all modules of the
// direction together; -BackupModule is validated only.
func (s *Session) invokeBackupServiceSync() *ps.Cmdlet {
	return &ps.Cmdlet{
		Name:   "Invoke-CsBackupServiceSync",
		Params: []ps.Param{poolFqdnParam(true), named("BackupModule", ps.TypeString), named("Force", ps.TypeSwitch)},
		Invoke: func(c *ps.Call) error {
			pool := strings.ToLower(c.String("PoolFqdn"))
			if err := checkFqdn(pool, classInvokeBackupSync); err != nil {
				return err
			}
			if c.Has("BackupModule") && !backupModuleNames[strings.ToLower(c.String("BackupModule"))] {
				return cmdletError("InvalidArgument", "InvalidBackupModule", classInvokeBackupSync, c.String("BackupModule"),
					fmt.Sprintf("\"%s\" is not a valid backup module. Valid values are: UserServices.PresenceFocus, ConfServices.DataConf, CentralMgmt.CMSMaster.", c.String("BackupModule")))
			}
			if err := c.Sleep(s.f.lat.BackupServiceCall); err != nil {
				return err
			}
			s.f.mu.Lock()
			defer s.f.mu.Unlock()
			partner, err := s.backupPoolLocked(pool, classInvokeBackupSync)
			if err != nil {
				return err
			}
			now := s.f.clock.Now()
			s.f.reconcileLocked(now)
			for _, p := range []string{pool, partner} {
				if _, ok := s.f.backupRunningSinceLocked(p, now); !ok {
					return cmdletError("ResourceUnavailable", "BackupServiceNotRunning", classInvokeBackupSync, p,
						fmt.Sprintf("The Backup Service is not running on any Front End server of pool \"%s\". Run Bootstrapper.exe and Start-CsWindowsService -Name LYNCBACKUP on the Front End servers of %s.", p, p))
				}
			}
			if d := s.f.dirs[pool]; d != nil {
				d.forceSync(now, &s.f.lat)
			}
			return nil
		},
	}
}

// getBackupServiceConfiguration is Get-CsBackupServiceConfiguration
// [[-Identity]] [-LocalStore]: the single Global instance with the
// documented defaults (lync-dr.md §2.5 [C]); SyncInterval follows the farm's
// latency profile.
func (s *Session) getBackupServiceConfiguration() *ps.Cmdlet {
	return &ps.Cmdlet{
		Name:   "Get-CsBackupServiceConfiguration",
		Params: []ps.Param{{Name: "Identity", Type: ps.TypeString, Position: 0}, named("Filter", ps.TypeString), named("LocalStore", ps.TypeSwitch)},
		Invoke: func(c *ps.Call) error {
			if id := c.String("Identity"); id != "" && !strings.EqualFold(id, "global") {
				return cmdletError("ObjectNotFound", "ItemNotFound", classGetBackupConfig, id,
					fmt.Sprintf("Cannot get item \"%s\" because it does not exist.", id))
			}
			c.Emit(ps.NewObject("Microsoft.Rtc.Management.WritableConfig.Settings.BackupService.BackupServiceConfiguration").
				Set("Identity", "Global").
				Set("SyncInterval", formatTimeSpan(s.f.lat.SyncInterval)).
				Set("MaxBatchesPerCmsSync", 500).
				Set("MaxBatchesPerUserStoreSync", 500).
				Set("MaxConcurrentCalls", 10).
				Set("MaxDataConfPackageSizeKB", 102400))
			return nil
		},
	}
}
