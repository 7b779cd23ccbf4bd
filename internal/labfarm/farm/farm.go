package farm

import (
	"crypto/rand"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
)

// Farm is the model of one Lync farm. It is safe for concurrent use: every
// WinRM command runs its cmdlets against the same Farm.
//
// Published versus enabled topology (lync-dr.md §1.5 [C]: "these new (or the
// newly modified) objects do not immediately join your topology; that occurs
// only when the updated topology has been enabled"):
//
//   - Publish-CsTopology validates a document and stores it as the published
//     document, with a new Signature GUID each time (DESIGN.md §1);
//   - Enable-CsTopology makes the published document the enabled one;
//   - Get-CsTopology, Get-CsPool, Get-CsService and
//     Get-CsPoolBackupRelationship read the published document;
//   - Bootstrapper.exe and the Backup Service (its status, sync and cmdlets)
//     follow the enabled document, as the deployed servers do.
//
// The pools, machines and pairing the farm acts on are derived from these
// documents (ParseTopology), never from the definition, which only seeds the
// first document.
type Farm struct {
	mu    sync.Mutex
	def   *Definition
	lat   Latency
	clock *Clock

	published *document
	enabled   *document
	servers   map[string]*server
	dirs      map[string]*direction // by source pool
	faults    []*Fault
	nextFault int
	// simpleURLs are the simple URL configuration collections of the
	// Central Management store (simpleurl.go), Global first.
	simpleURLs []SimpleURLConfig
}

// document is a stored topology document and what the farm derived from it.
type document struct {
	root *Element
	topo *Topology
	text string
}

func newDocument(root *Element, topo *Topology) *document {
	return &document{root: root, topo: topo, text: root.String()}
}

// New builds a farm from a definition, on a clock with the given scale
// (wall seconds per farm second; see Clock).
func New(def *Definition, scale float64) (*Farm, error) {
	if def == nil {
		def = DefaultDefinition()
	}
	clock, err := NewClock(scale)
	if err != nil {
		return nil, err
	}
	f := &Farm{def: def, clock: clock, lat: DefaultLatency()}
	if def.Latency != nil {
		f.lat = *def.Latency
	}
	if err := f.resetLocked(); err != nil {
		return nil, err
	}
	return f, nil
}

// Clock returns the farm clock.
func (f *Farm) Clock() *Clock { return f.clock }

// Latency returns the latency profile.
func (f *Farm) Latency() Latency { return f.lat }

// Definition returns the definition the farm was built from.
func (f *Farm) Definition() *Definition { return f.def }

// Reset puts the farm back to its definition: documents, servers, backup
// state, simple URLs and faults. The clock keeps running at its current scale.
func (f *Farm) Reset() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.resetLocked()
}

func (f *Farm) resetLocked() error {
	root, err := BuildDocument(f.def)
	if err != nil {
		return err
	}
	root.SetAttr("Signature", newGUID())
	topo, err := ParseTopology(root)
	if err != nil {
		return fmt.Errorf("farm definition: %w", err)
	}
	doc := newDocument(root, topo)
	f.published, f.enabled = doc, doc
	f.servers = map[string]*server{}
	f.dirs = map[string]*direction{}
	f.faults = nil
	f.simpleURLs = defaultSimpleURLs(topo.DefaultDomain)
	now := f.clock.Now()
	// Pairs marked deployed: the Bootstrapper ran and LYNCBACKUP runs.
	for _, pr := range f.def.Pairs {
		if !pr.Deployed {
			continue
		}
		for _, pool := range []string{pr.Pool, pr.BackupPool} {
			for _, m := range topo.Pool(pool).Machines {
				s := f.serverLocked(m)
				s.installLyncBackup()
				s.services[LyncBackup].running = true
			}
		}
	}
	f.reconcileLocked(now)
	// A deployed pair has been syncing for a long time already.
	for _, pr := range f.def.Pairs {
		if !pr.Deployed {
			continue
		}
		for _, p := range []string{pr.Pool, pr.BackupPool} {
			if d := f.dirs[p]; d != nil && d.active {
				d.initialized, d.syncFrom = true, now.Add(-f.lat.InitialSync-f.lat.SyncInterval)
			}
		}
	}
	return nil
}

// newGUID returns a random (version 4) GUID, the form of a topology
// Signature.
func newGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// serverLocked returns the runtime state of a machine, creating it from the
// topology on first use.
func (f *Farm) serverLocked(fqdn string) *server {
	fqdn = strings.ToLower(fqdn)
	if s := f.servers[fqdn]; s != nil {
		return s
	}
	pool := f.enabled.topo.PoolOfMachine(fqdn)
	cms := f.enabled.topo.CMSPool
	if pool == nil {
		pool, cms = f.published.topo.PoolOfMachine(fqdn), f.published.topo.CMSPool
	}
	s := newServer(fqdn, pool, cms)
	f.servers[fqdn] = s
	return s
}

// Hosts returns the Front End servers of the farm (the machines of the Front
// End pools of the published and the enabled documents), sorted. These are
// the hosts the WinRM server answers for.
func (f *Farm) Hosts() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hostsLocked()
}

func (f *Farm) hostsLocked() []string {
	set := map[string]bool{}
	for _, d := range []*document{f.published, f.enabled} {
		for _, p := range d.topo.Pools {
			for _, m := range p.Machines {
				set[m] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for h := range set {
		out = append(out, h)
	}
	sort.Strings(out)
	return out
}

// KnownHost reports whether host is a Front End server of the farm.
func (f *Farm) KnownHost(host string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.knownHostLocked(host)
}

func (f *Farm) knownHostLocked(host string) bool {
	host = strings.ToLower(host)
	return f.published.topo.PoolOfMachine(host) != nil || f.enabled.topo.PoolOfMachine(host) != nil
}

// hostPoolLocked returns the pool of a host: from the published document,
// else from the enabled one.
func (f *Farm) hostPoolLocked(host string) *Pool {
	if p := f.published.topo.PoolOfMachine(host); p != nil {
		return p
	}
	return f.enabled.topo.PoolOfMachine(host)
}

// PublishedXML returns the published document as Get-CsTopology -AsXml shows it.
func (f *Farm) PublishedXML() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.published.text
}

// Published returns the topology derived from the published document.
func (f *Farm) Published() *Topology {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.published.topo
}

// Enabled returns the topology derived from the enabled document.
func (f *Farm) Enabled() *Topology {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.enabled.topo
}

// Publish validates a topology document and stores it as the published
// document under a new Signature. On any error the farm is unchanged.
func (f *Farm) Publish(text string) (*Topology, error) {
	root, err := ParseXML(text)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.publishLocked(root)
}

func (f *Farm) publishLocked(root *Element) (*Topology, error) {
	root = root.Clone()
	root.SetAttr("Signature", newGUID())
	topo, err := ParseTopology(root)
	if err != nil {
		return nil, err
	}
	f.published = newDocument(root, topo)
	return topo, nil
}

// Enable makes the published document the enabled one, and starts or resets
// the Backup Service directions of pairs that appeared or changed.
func (f *Farm) Enable() {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.clock.Now()
	f.reconcileLocked(now)
	f.enabled = f.published
	f.reconcileLocked(now)
}

// RemovePairingOutOfBand removes a pool's pairing from both the published and
// the enabled document, as an administrator who unpairs in Topology Builder,
// publishes and enables would, without going through the farm's cmdlets.
func (f *Farm) RemovePairingOutOfBand(pool string) error {
	pool = strings.ToLower(strings.TrimSpace(pool))
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.published.topo.Pool(pool) == nil && f.enabled.topo.Pool(pool) == nil {
		return fmt.Errorf("%s is not a Front End pool of the farm", pool)
	}
	now := f.clock.Now()
	f.reconcileLocked(now)
	sameDoc := f.enabled == f.published
	edit := func(d *document) (*document, error) {
		root := d.root.Clone()
		if d.topo.Pool(pool) != nil {
			if err := RemovePairing(root, pool); err != nil {
				return nil, err
			}
		}
		root.SetAttr("Signature", newGUID())
		topo, err := ParseTopology(root)
		if err != nil {
			return nil, err
		}
		return newDocument(root, topo), nil
	}
	pub, err := edit(f.published)
	if err != nil {
		return err
	}
	en := pub
	if !sameDoc {
		if en, err = edit(f.enabled); err != nil {
			return err
		}
	}
	f.published, f.enabled = pub, en
	f.reconcileLocked(now)
	return nil
}

// StopBackupService stops LYNCBACKUP on a server at once, as a crash or an
// administrator would (a control API action). A server without the service
// is an error.
func (f *Farm) StopBackupService(fqdn string) error {
	fqdn = strings.ToLower(strings.TrimSpace(fqdn))
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.knownHostLocked(fqdn) {
		return fmt.Errorf("%s is not a Front End server of the farm", fqdn)
	}
	now := f.clock.Now()
	f.reconcileLocked(now)
	svc := f.serverLocked(fqdn).service(LyncBackup)
	if svc == nil {
		return fmt.Errorf("LYNCBACKUP is not installed on %s", fqdn)
	}
	svc.running, svc.settleAt = false, now
	f.reconcileLocked(now)
	return nil
}

// reconcileLocked brings the Backup Service directions in line with the
// enabled pairing, the faults and the LYNCBACKUP services at farm time now.
// It runs before reading the model and right after each change, so that
// every activity change is stamped with the time it happened.
func (f *Farm) reconcileLocked(now time.Time) {
	topo := f.enabled.topo
	for from, d := range f.dirs {
		if topo.Partner(from) != d.to {
			delete(f.dirs, from) // unpaired or re-paired: the direction restarts
		}
	}
	for _, pr := range topo.Pairs() {
		for _, x := range [][2]string{{pr[0], pr[1]}, {pr[1], pr[0]}} {
			if f.dirs[x[0]] == nil {
				f.dirs[x[0]] = newDirection(x[0], x[1], now)
			}
		}
	}
	for from, d := range f.dirs {
		eligible := f.syncFaultLocked(from) == nil
		if eligible && !d.eligible {
			d.eligibleSince = now
		}
		d.eligible = eligible
		rf, okf := f.backupRunningSinceLocked(from, now)
		rt, okt := f.backupRunningSinceLocked(d.to, now)
		active := eligible && okf && okt
		at := now
		if active {
			at = latest(rf, rt, d.eligibleSince)
		}
		d.setActive(active, at, &f.lat)
		d.materialize(now, &f.lat)
	}
}

func latest(ts ...time.Time) time.Time {
	var out time.Time
	for _, t := range ts {
		if t.After(out) {
			out = t
		}
	}
	return out
}

// backupRunningSinceLocked reports whether LYNCBACKUP runs on some up Front
// End of the pool (enabled topology), and since when without interruption.
func (f *Farm) backupRunningSinceLocked(pool string, now time.Time) (time.Time, bool) {
	p := f.enabled.topo.Pool(pool)
	if p == nil {
		return time.Time{}, false
	}
	var since time.Time
	found := false
	for _, m := range p.Machines {
		if f.serverDownLocked(m) {
			continue
		}
		s := f.serverLocked(m)
		svc := s.services[LyncBackup]
		if svc == nil || !svc.isRunning(now) {
			continue
		}
		t := latest(svc.settleAt, s.upSince)
		if !found || t.Before(since) {
			since, found = t, true
		}
	}
	return since, found
}

// modulesLocked returns the backup modules of the direction pool ->
// partner at now, with the CMS rule and fault overrides applied.
func (f *Farm) modulesLocked(d *direction, now time.Time) []ModuleState {
	export := d.exportStatus(now, &f.lat)
	importStatus := ImportNormalState
	if x := f.syncFaultLocked(d.from); x != nil {
		switch {
		case x.Kind == FaultSyncStuck:
			export = ExportNonSteadyState
		case x.Mode == "export":
			export = ExportErrorState
		case x.Mode == "import":
			importStatus = ImportErrorState
		default:
			export, importStatus = ExportErrorState, ImportErrorState
		}
	}
	out := make([]ModuleState, 0, len(Modules))
	for _, m := range Modules {
		e := export
		// "the output above is for a pool, which is not the active CMS
		// master. That is why the ExportStatus for CentralMgmt.CMSMaster is
		// NotInitialized." (lync-dr.md §2.2 [C]). When neither pool of the
		// pair hosts the CMS the farm reports NotInitialized on both ([U]).
		if m == ModuleCMSMaster && !strings.EqualFold(d.from, f.enabled.topo.CMSPool) {
			e = ExportNotInitialized
		}
		out = append(out, ModuleState{Identity: m, ExportStatus: e, ImportStatus: importStatus})
	}
	return out
}

// EnabledXML returns the enabled document.
func (f *Farm) EnabledXML() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.enabled.text
}
