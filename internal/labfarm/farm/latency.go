package farm

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Latency is the farm's latency profile, in farm time. The clock's scale
// turns it into wall time, so the defaults below are the real-world numbers
// and a benchmark at any scale keeps their ratios.
//
// Sources (lync-dr.md): only SyncInterval is documented ([C] §2.5). The other
// defaults are estimates ([I]) from the orders of magnitude the reference
// and the procedure describe ("starting PowerShell and importing the Lync
// module costs seconds", the Bootstrapper installs an MSI, "Synchronizing
// the data may take some time") or modelled choices ([U]); Default's table
// says which. A definition file may override any of them.
type Latency struct {
	// PowerShellStart is charged once per WinRS command: starting
	// powershell.exe on Windows Server 2012. [I] estimate: 2 s.
	PowerShellStart time.Duration
	// ModuleImport is charged once per powershell.exe process, at the first
	// Import-Module Lync or the first Lync cmdlet (module auto-loading).
	// [I] estimate: the Lync module loads ~8 s on a Lync 2013 Front End.
	ModuleImport time.Duration
	// TopologyRead is one read of the Central Management store (Get-CsTopology,
	// Get-CsPool, Get-CsService, Get-CsPoolBackupRelationship,
	// Get-CsSimpleUrlConfiguration), and one write of a configuration
	// collection (Set-CsSimpleUrlConfiguration). [I] 1 s.
	TopologyRead time.Duration
	// TopologyPublish is Publish-CsTopology: validation and the CMS write. [I] 20 s.
	TopologyPublish time.Duration
	// TopologyEnable is Enable-CsTopology: AD and file-share updates. [I] 15 s.
	TopologyEnable time.Duration
	// BootstrapperCheck is a Bootstrapper.exe run that finds nothing to
	// install: it still checks prerequisites and every role. [I] 45 s.
	BootstrapperCheck time.Duration
	// BootstrapperInstall is added when the run installs the Backup Service
	// MSI ("Microsoft Lync Server 2013, Backup Service", §8). [I] 3 min.
	BootstrapperInstall time.Duration
	// ServiceStart and ServiceStop are one Start-/Stop-CsWindowsService of one
	// service without -NoWait. [I] 10 s and 8 s.
	ServiceStart time.Duration
	ServiceStop  time.Duration
	// BackupServiceCall is one WCF call to the Backup Service
	// (Get-CsBackupServiceStatus, Invoke-CsBackupServiceSync returns after
	// triggering the sync: whether it blocks is [U] §3). [I] 2 s.
	BackupServiceCall time.Duration
	// SyncInterval is the Backup Service's SyncInterval: the first automatic
	// sync happens one interval after LYNCBACKUP runs in both pools, and a
	// direction reaches FinalState one interval after SteadyState. [C] §2.5:
	// default 00:02:00.
	SyncInterval time.Duration
	// InitialSync is how long a direction stays NonSteadyState after its
	// first sync starts (the backlog of a newly paired pool). [U] modelled:
	// 3 min, inside the 5 min engineering RPO (§6.6).
	InitialSync time.Duration
}

// DefaultLatency returns the default profile (see the field comments for the
// source of each number).
func DefaultLatency() Latency {
	return Latency{
		PowerShellStart:     2 * time.Second,
		ModuleImport:        8 * time.Second,
		TopologyRead:        1 * time.Second,
		TopologyPublish:     20 * time.Second,
		TopologyEnable:      15 * time.Second,
		BootstrapperCheck:   45 * time.Second,
		BootstrapperInstall: 3 * time.Minute,
		ServiceStart:        10 * time.Second,
		ServiceStop:         8 * time.Second,
		BackupServiceCall:   2 * time.Second,
		SyncInterval:        2 * time.Minute,
		InitialSync:         3 * time.Minute,
	}
}

// fields names every duration for JSON, in the camelCase the definition file
// uses.
func (l *Latency) fields() map[string]*time.Duration {
	return map[string]*time.Duration{
		"powerShellStart":     &l.PowerShellStart,
		"moduleImport":        &l.ModuleImport,
		"topologyRead":        &l.TopologyRead,
		"topologyPublish":     &l.TopologyPublish,
		"topologyEnable":      &l.TopologyEnable,
		"bootstrapperCheck":   &l.BootstrapperCheck,
		"bootstrapperInstall": &l.BootstrapperInstall,
		"serviceStart":        &l.ServiceStart,
		"serviceStop":         &l.ServiceStop,
		"backupServiceCall":   &l.BackupServiceCall,
		"syncInterval":        &l.SyncInterval,
		"initialSync":         &l.InitialSync,
	}
}

// MarshalJSON writes the profile as {"name": "2m0s", ...}.
func (l Latency) MarshalJSON() ([]byte, error) {
	out := map[string]string{}
	for name, p := range l.fields() {
		out[name] = p.String()
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads Go duration strings ("90s", "3m") into the named fields
// and leaves the others unchanged, so a definition file overrides only what
// it names.
func (l *Latency) UnmarshalJSON(b []byte) error {
	var in map[string]string
	if err := json.Unmarshal(b, &in); err != nil {
		return fmt.Errorf("latency must be an object of duration strings such as \"90s\": %v", err)
	}
	fields := l.fields()
	names := make([]string, 0, len(in))
	for n := range in {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p, ok := fields[n]
		if !ok {
			known := make([]string, 0, len(fields))
			for k := range fields {
				known = append(known, k)
			}
			sort.Strings(known)
			return fmt.Errorf("latency.%s: unknown latency (known: %s)", n, strings.Join(known, ", "))
		}
		d, err := time.ParseDuration(in[n])
		if err != nil || d < 0 {
			return fmt.Errorf("latency.%s: %q is not a non-negative duration such as \"90s\"", n, in[n])
		}
		*p = d
	}
	if l.SyncInterval <= 0 {
		return fmt.Errorf("latency.syncInterval: must be positive")
	}
	return nil
}
