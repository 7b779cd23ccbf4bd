package lync

// cmdletShapes names the properties of cmdlet output that the scripts read.
// This is the one place to change when a real server names them differently.
//
// Confidence (reference/lync-dr.md, DESIGN.md §2):
//   - [U] = modelled, no public sample confirms it; verify in a real lab.
//   - [C] = confirmed by Microsoft documentation or a Microsoft sample.
type cmdletShapes struct {
	// Get-CsPoolBackupRelationship emits a
	// Microsoft.Rtc.Management.Hadr.BackupService.BackupRelation (type [C])
	// for a paired pool and nothing for an unpaired one.
	RelationBackupPool string // [U] BackupRelation.BackupPoolFqdn

	// Get-CsPool.
	PoolFqdn      string // [C] Fqdn
	PoolSite      string // [C] Site ("Site:Redmond")
	PoolComputers string // [C] Computers (FQDNs of the pool's servers)

	// Get-CsWindowsService: Microsoft.Rtc.Management.Deployment.Core.NTService.
	ServiceStatus string // [C] Status (Running, Stopped, ...)

	// Get-CsBackupServiceStatus: only BackupModules and its three properties
	// are confirmed (Jens Trier's sample); nothing else is read.
	BackupModules      string // [C] BackupModules
	ModuleIdentity     string // [C] Identity (UserServices.PresenceFocus, ConfServices.DataConf, CentralMgmt.CMSMaster)
	ModuleExportStatus string // [C] ExportStatus
	ModuleImportStatus string // [C] ImportStatus
}

var shapes = cmdletShapes{
	RelationBackupPool: "BackupPoolFqdn",
	PoolFqdn:           "Fqdn",
	PoolSite:           "Site",
	PoolComputers:      "Computers",
	ServiceStatus:      "Status",
	BackupModules:      "BackupModules",
	ModuleIdentity:     "Identity",
	ModuleExportStatus: "ExportStatus",
	ModuleImportStatus: "ImportStatus",
}

// Values the scripts report for the LYNCBACKUP service.
const (
	ServiceRunning      = "Running"
	ServiceNotInstalled = "NotInstalled"
)
