package farm

import (
	"sort"
	"strings"
	"time"
)

// State is a snapshot of the whole farm: what GET /v1/state returns.
type State struct {
	FarmTime time.Time `json:"farmTime"`
	// Scale is wall seconds per farm second.
	Scale   float64 `json:"scale"`
	Domain  string  `json:"domain"`
	CMSPool string  `json:"cmsPool"`
	// Published and Enabled summarize the two topology documents.
	Published TopologyState `json:"published"`
	Enabled   TopologyState `json:"enabled"`
	Pools     []PoolState   `json:"pools"`
	// Backup has one entry per direction of every pair of the enabled topology.
	Backup []DirectionState `json:"backup"`
	Faults []Fault          `json:"faults"`
	// SimpleURLs are the simple URL configuration collections (Global
	// first), which a Publish-CsTopology of a Get-CsTopology document empties.
	SimpleURLs []SimpleURLConfig `json:"simpleUrls"`
	// WinRM counts shells and commands per host; the assembled farm fills it
	// from the WS-Management server.
	WinRM   map[string]HostStats `json:"winrm,omitempty"`
	Latency Latency              `json:"latency"`
}

// TopologyState is one topology document.
type TopologyState struct {
	Signature string      `json:"signature"`
	Pairs     []PairState `json:"pairs"`
}

// PairState is one pool pair of a document.
type PairState struct {
	Pool       string `json:"pool"`
	BackupPool string `json:"backupPool"`
	Failover
}

// PoolState is one Front End pool (of the published document, or of the
// enabled one if it is only there).
type PoolState struct {
	Fqdn    string `json:"fqdn"`
	Site    string `json:"site"`
	SiteID  int    `json:"siteId"`
	Edition string `json:"edition"`
	Version string `json:"version"`
	// BackupPool is the partner in the published document,
	// EnabledBackupPool in the enabled one ("" when unpaired).
	BackupPool        string        `json:"backupPool"`
	EnabledBackupPool string        `json:"enabledBackupPool"`
	Servers           []ServerState `json:"servers"`
}

// ServerState is the runtime state of one Front End server.
type ServerState struct {
	Fqdn      string `json:"fqdn"`
	Reachable bool   `json:"reachable"`
	// Down is the mode of a server-down fault ("refused", "timeout") or "".
	Down string `json:"down,omitempty"`
	// LyncBackup is NotInstalled, Stopped, StartPending, Running or StopPending.
	LyncBackup string `json:"lyncBackup"`
}

// DirectionState is the Backup Service sync of Pool towards BackupPool, as
// Get-CsBackupServiceStatus -PoolFqdn Pool reports it.
type DirectionState struct {
	Pool       string `json:"pool"`
	BackupPool string `json:"backupPool"`
	// Active says whether the direction progresses (see direction).
	Active  bool          `json:"active"`
	Steady  bool          `json:"steady"`
	Modules []ModuleState `json:"modules"`
}

// ModuleState is one backup module.
type ModuleState struct {
	Identity     string `json:"identity"`
	ExportStatus string `json:"exportStatus"`
	ImportStatus string `json:"importStatus"`
}

// HostStats are the WinRM counters of one host, from the WS-Management
// server: requests, shells created, shells open now, commands run.
type HostStats struct {
	Requests   int `json:"requests"`
	Shells     int `json:"shells"`
	OpenShells int `json:"openShells"`
	Commands   int `json:"commands"`
}

// IsSteady applies the steady rule of lync-dr.md §2.4 [I]: every module
// exports SteadyState or FinalState and imports NormalState, except that the
// CMS module may be NotInitialized on the pool that is not the CMS master.
func IsSteady(pool, cmsPool string, modules []ModuleState) bool {
	if len(modules) == 0 {
		return false
	}
	for _, m := range modules {
		if m.ImportStatus != ImportNormalState {
			return false
		}
		switch m.ExportStatus {
		case ExportSteadyState, ExportFinalState:
		case ExportNotInitialized:
			if m.Identity != ModuleCMSMaster || strings.EqualFold(pool, cmsPool) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// State returns a snapshot of the farm.
func (f *Farm) State() State {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.clock.Now()
	f.reconcileLocked(now)
	st := State{
		FarmTime:   now,
		Scale:      f.clock.Scale(),
		Domain:     f.published.topo.DefaultDomain,
		CMSPool:    f.enabled.topo.CMSPool,
		Published:  topologyState(f.published.topo),
		Enabled:    topologyState(f.enabled.topo),
		Faults:     f.faultsLocked(),
		SimpleURLs: f.simpleURLsLocked(),
		Latency:    f.lat,
	}
	seen := map[string]bool{}
	for _, d := range []*document{f.published, f.enabled} {
		for _, p := range d.topo.Pools {
			if seen[p.Fqdn] {
				continue
			}
			seen[p.Fqdn] = true
			ps := PoolState{Fqdn: p.Fqdn, Site: p.SiteName, SiteID: p.Key.SiteID, Edition: p.Edition, Version: p.Version(),
				BackupPool: f.published.topo.Partner(p.Fqdn), EnabledBackupPool: f.enabled.topo.Partner(p.Fqdn)}
			for _, m := range p.Machines {
				s := f.serverLocked(m)
				down := f.serverDownModeLocked(m)
				ps.Servers = append(ps.Servers, ServerState{Fqdn: m, Reachable: down == "", Down: down, LyncBackup: s.lyncBackupStatus(now)})
			}
			st.Pools = append(st.Pools, ps)
		}
	}
	for _, d := range f.dirs {
		mods := f.modulesLocked(d, now)
		st.Backup = append(st.Backup, DirectionState{Pool: d.from, BackupPool: d.to, Active: d.active,
			Steady: IsSteady(d.from, st.CMSPool, mods), Modules: mods})
	}
	sort.Slice(st.Backup, func(i, j int) bool { return st.Backup[i].Pool < st.Backup[j].Pool })
	return st
}

func topologyState(t *Topology) TopologyState {
	ts := TopologyState{Signature: t.Signature, Pairs: []PairState{}}
	for _, pr := range t.Pairs() {
		ts.Pairs = append(ts.Pairs, PairState{Pool: pr[0], BackupPool: pr[1], Failover: t.FailoverOf(pr[0])})
	}
	return ts
}

// Pool returns the state of one pool, or false.
func (s State) Pool(fqdn string) (PoolState, bool) {
	for _, p := range s.Pools {
		if strings.EqualFold(p.Fqdn, fqdn) {
			return p, true
		}
	}
	return PoolState{}, false
}

// Server returns the state of one server, or false.
func (s State) Server(fqdn string) (ServerState, bool) {
	for _, p := range s.Pools {
		for _, sv := range p.Servers {
			if strings.EqualFold(sv.Fqdn, fqdn) {
				return sv, true
			}
		}
	}
	return ServerState{}, false
}

// Direction returns the backup direction from pool, or false.
func (s State) Direction(pool string) (DirectionState, bool) {
	for _, d := range s.Backup {
		if strings.EqualFold(d.Pool, pool) {
			return d, true
		}
	}
	return DirectionState{}, false
}
