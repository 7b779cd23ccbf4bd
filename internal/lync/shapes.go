package lync

// cmdletShapes names the properties of cmdlet output that the scripts read.
// This is the one place to change when a real server names them differently:
// a script that gets an object without one of them fails with an error that
// lists the properties the object has (Assert-LyncShape in common.ps1).
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
	// Whether an absent service fails with ObjectNotFound or returns nothing
	// is [U]; the scripts take both as NotInstalled.
	ServiceStatus string // [C] Status (Running, Stopped, ...)

	// Get-CsBackupServiceStatus: only BackupModules and its three properties
	// are confirmed (Jens Trier's sample); nothing else is read.
	BackupModules      string // [C] BackupModules
	ModuleIdentity     string // [C] Identity (UserServices.PresenceFocus, ConfServices.DataConf, CentralMgmt.CMSMaster)
	ModuleExportStatus string // [C] ExportStatus
	ModuleImportStatus string // [C] ImportStatus

	// Get-CsSimpleUrlConfiguration emits
	// Microsoft.Rtc.Management.WritableConfig.Settings.SimpleUrl.SimpleUrlConfiguration
	// (type [C], ODP Get-/Set-CsSimpleUrlConfiguration.md), one per
	// collection (Global, site:Redmond); the publish script saves them and
	// writes changed ones back with Set-CsSimpleUrlConfiguration -Instance.
	URLConfigIdentity string // [C] Identity
	URLConfigList     string // [C] SimpleUrl ("Select-Object -ExpandProperty SimpleUrl")
	URLComponent      string // [C] Component ("Where-Object {$_.Component -eq "Meet"}")
	URLDomain         string // [I] Domain (New-CsSimpleUrl -Domain: "the domain is set to fabrikam.com")
	URLEntries        string // [C] SimpleUrlEntry ("added to the SimpleUrlEntry property of a new simple URL")
	URLEntryURL       string // [I] Url (New-CsSimpleUrlEntry -Url)
	URLActive         string // [I] ActiveUrl (New-CsSimpleUrl -ActiveUrl: "the ActiveUrl is set to ...")
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
	URLConfigIdentity:  "Identity",
	URLConfigList:      "SimpleUrl",
	URLComponent:       "Component",
	URLDomain:          "Domain",
	URLEntries:         "SimpleUrlEntry",
	URLEntryURL:        "Url",
	URLActive:          "ActiveUrl",
}

// Values the scripts report for the LYNCBACKUP service.
const (
	ServiceRunning      = "Running"
	ServiceNotInstalled = "NotInstalled"
)
