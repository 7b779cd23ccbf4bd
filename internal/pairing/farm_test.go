package pairing

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lyncdr/terraform-provider-lync/internal/lync"
	"github.com/lyncdr/terraform-provider-lync/internal/lync/lynctest"
	"github.com/lyncdr/terraform-provider-lync/internal/lync/topology"
)

// farm is a fake Lync farm behind a lync.Runner: it decodes each script's
// parameters and answers the way the scripts' results are shaped. It uses the
// topology package to read the documents it is given (the lab farm, not this
// fake, is the independent implementation).
type farm struct {
	t  *testing.T
	mu sync.Mutex

	published, enabled string
	services           map[string]string // lower-case FE -> LYNCBACKUP status
	serviceErr         map[string]string // lower-case FE -> read error
	synced             map[string]int    // lower-case pool -> status polls since its sync
	calls              []string          // "script@host"
	docs               map[string]*topology.Document

	// knobs
	failOnce               map[string]lynctest.Failure // "script" or "script@host" -> next call fails
	bootstrapFail          map[string]bool             // lower-case FE -> Bootstrapper.exe exits 1603 (once)
	conflicts              int                         // publishes that find the topology changed
	publishFailsAtEnable   bool                        // next publish publishes, then Enable-CsTopology fails
	encodingBroken         bool                        // publishing and enabling never changes the relationships
	relationsFromPublished bool                        // Get-CsPoolBackupRelationship reads the published topology
	steadyAfter            int                         // status polls after a sync until steady
	neverSteady            bool
	errorState             string // pool whose DataConf module is in ErrorState after a sync
	ensureDelay            time.Duration
	readDelay              time.Duration // Get-CsTopology takes this long
	inEnsure, maxEnsure    atomic.Int32
}

var mgmtHosts atomic.Int32

func newFarm(t *testing.T) *farm {
	t.Helper()
	b, err := os.ReadFile("../lync/topology/testdata/two-site.xml")
	if err != nil {
		t.Fatal(err)
	}
	f := &farm{t: t, published: string(b), enabled: string(b), services: map[string]string{}, serviceErr: map[string]string{},
		synced: map[string]int{}, docs: map[string]*topology.Document{}, failOnce: map[string]lynctest.Failure{}, bootstrapFail: map[string]bool{}, steadyAfter: 2}
	for _, p := range f.doc(f.published).Pools() {
		if p.FrontEnd {
			for _, m := range p.Machines {
				f.services[strings.ToLower(m)] = lync.ServiceNotInstalled
			}
		}
	}
	return f
}

// workflow returns a Workflow on the farm with fast polling and a management
// host of its own (the topology lock is process-wide).
func (f *farm) workflow(events *[]Event, tweak ...func(*Options)) *Workflow {
	var mu sync.Mutex
	o := Options{
		ManagementHost:  fmt.Sprintf("mgmt%02d.contoso.com", mgmtHosts.Add(1)),
		PollInterval:    time.Millisecond,
		MaxPollInterval: 3 * time.Millisecond,
		Progress: func(e Event) {
			if events != nil {
				mu.Lock()
				*events = append(*events, e)
				mu.Unlock()
			}
		},
	}
	for _, fn := range tweak {
		fn(&o)
	}
	return New(lync.New(f, lync.Options{}), o)
}

func (f *farm) doc(xml string) *topology.Document {
	if d, ok := f.docs[xml]; ok {
		return d
	}
	d, err := topology.Parse(xml)
	if err != nil {
		f.t.Fatalf("farm topology: %v", err)
	}
	f.docs[xml] = d
	return d
}

// partner per the enabled topology ("" when unpaired or unknown).
func (f *farm) partner(pool string) string {
	p, _ := f.doc(f.enabled).Partner(pool)
	return p
}

func (f *farm) machines(pool string) []string {
	p, _ := f.doc(f.published).Pool(pool)
	return p.Machines
}

// relationDoc is the document Get-CsPoolBackupRelationship reads: the
// enabled one, or, like the lab farm, the published one (which one a real
// server reads is not documented).
func (f *farm) relationDoc() *topology.Document {
	if f.relationsFromPublished {
		return f.doc(f.published)
	}
	return f.doc(f.enabled)
}

func (f *farm) relations(pools []string) []map[string]any {
	d := f.relationDoc()
	var out []map[string]any
	for _, p := range pools {
		rel := map[string]any{"poolFqdn": p, "backupPoolFqdn": "", "error": ""}
		if _, ok := d.Pool(p); !ok {
			rel["error"] = "Cannot find pool " + p
		} else {
			rel["backupPoolFqdn"], _ = d.Partner(p)
		}
		out = append(out, rel)
	}
	return out
}

func (f *farm) allRunning(pools ...string) bool {
	for _, p := range pools {
		for _, m := range f.machines(p) {
			if f.services[strings.ToLower(m)] != lync.ServiceRunning {
				return false
			}
		}
	}
	return true
}

// modules is Get-CsBackupServiceStatus -PoolFqdn pool; poll counts a poll.
func (f *farm) modules(pool string, poll bool) ([]map[string]string, string) {
	partner := f.partner(pool)
	if partner == "" {
		return nil, "The pool " + pool + " has no backup pool."
	}
	if !f.allRunning(pool, partner) {
		return nil, "The Backup Service is not running on every Front End server of " + pool + " and " + partner + "."
	}
	key := strings.ToLower(pool)
	n, synced := f.synced[key]
	if synced && poll {
		n++
		f.synced[key] = n
	}
	cmsExport := "NotInitialized"
	if strings.EqualFold(f.doc(f.enabled).CMSPool(), pool) {
		cmsExport = "FinalState"
	}
	dataConf, presence := "SteadyState", "FinalState"
	switch {
	case !synced:
		dataConf, presence, cmsExport = "NotInitialized", "NotInitialized", "NotInitialized"
	case strings.EqualFold(f.errorState, pool):
		dataConf = "ErrorState"
	case f.neverSteady || n < f.steadyAfter:
		dataConf = "NonSteadyState"
	}
	return []map[string]string{
		{"identity": "UserServices.PresenceFocus", "exportStatus": presence, "importStatus": "NormalState"},
		{"identity": "ConfServices.DataConf", "exportStatus": dataConf, "importStatus": "NormalState"},
		{"identity": "CentralMgmt.CMSMaster", "exportStatus": cmsExport, "importStatus": "NormalState"},
	}, ""
}

func (f *farm) Run(ctx context.Context, host, script string) (string, string, int, error) {
	c, err := lynctest.Decode(host, script)
	if err != nil {
		f.t.Errorf("undecodable script: %v", err)
		return "", "", 0, err
	}
	if c.Script == lync.ScriptReadTopology && f.readDelay > 0 {
		time.Sleep(f.readDelay)
	}
	if c.Script == lync.ScriptEnsureBackupService {
		n := f.inEnsure.Add(1)
		for m := f.maxEnsure.Load(); n > m && !f.maxEnsure.CompareAndSwap(m, n); m = f.maxEnsure.Load() {
		}
		defer f.inEnsure.Add(-1)
		if f.ensureDelay > 0 {
			select {
			case <-time.After(f.ensureDelay):
			case <-ctx.Done():
				return "", "", 0, ctx.Err()
			}
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, c.Script+"@"+host)
	for _, key := range []string{c.Script + "@" + host, c.Script} {
		if fail, ok := f.failOnce[key]; ok {
			delete(f.failOnce, key)
			fail.Host = strings.ToUpper(strings.Split(host, ".")[0])
			return "noise before the result\r\n" + lynctest.Fail(fail), "", 1, nil
		}
	}
	pools := c.Strings("pools")
	ok := func(fields map[string]any) (string, string, int, error) { return lynctest.OK(fields), "", 0, nil }
	switch c.Script {
	case lync.ScriptReadTopology:
		return ok(map[string]any{"xml": f.published, "relations": f.relations(pools)})
	case lync.ScriptPublishTopology:
		if f.conflicts > 0 {
			f.conflicts--
			f.published = strings.Replace(f.published, `Signature="`, `Signature="0`, 1)
		}
		if c.String("expected") != f.published {
			return ok(map[string]any{"published": false, "relations": f.relations(pools)})
		}
		f.published = c.String("xml")
		if f.publishFailsAtEnable {
			f.publishFailsAtEnable = false
			return lynctest.Fail(lynctest.Failure{Step: "enable topology", Cmdlet: "Enable-CsTopology", Category: "InvalidOperation", Message: "Enable-CsTopology timed out."}), "", 1, nil
		}
		if !f.encodingBroken {
			f.enabled = f.published
		}
		return ok(map[string]any{"published": true, "relations": f.relations(pools)})
	case lync.ScriptEnableTopology:
		if !f.encodingBroken {
			f.enabled = f.published
		}
		return ok(map[string]any{"relations": f.relations(pools)})
	case lync.ScriptReadPairState:
		d := f.doc(f.enabled)
		var out []map[string]any
		for _, p := range pools {
			pool, exists := d.Pool(p)
			if !exists {
				out = append(out, map[string]any{"poolFqdn": p, "exists": false})
				continue
			}
			var services []map[string]string
			for _, m := range pool.Machines {
				if e := f.serviceErr[strings.ToLower(m)]; e != "" {
					services = append(services, map[string]string{"computer": m, "status": "", "error": e})
				} else {
					services = append(services, map[string]string{"computer": m, "status": f.services[strings.ToLower(m)], "error": ""})
				}
			}
			partner, _ := f.relationDoc().Partner(p)
			entry := map[string]any{"poolFqdn": p, "exists": true, "fqdn": pool.Fqdn, "site": "Site:" + pool.Site,
				"computers": pool.Machines, "services": services, "backupPoolFqdn": partner, "relationError": "", "statusRead": partner != ""}
			if partner != "" {
				entry["modules"], entry["statusError"] = f.modules(p, false)
			}
			out = append(out, entry)
		}
		return ok(map[string]any{"topology": f.published, "pools": out})
	case lync.ScriptEnsureBackupService:
		fe := strings.ToLower(host)
		before := f.services[fe]
		res := map[string]any{"before": before, "bootstrapperRan": false, "exitCode": 0, "output": []string{}, "started": false}
		if before == lync.ServiceNotInstalled {
			res["bootstrapperRan"] = true
			res["output"] = []string{"Installing Lync Server Backup Service", "Done"}
			if f.bootstrapFail[fe] {
				delete(f.bootstrapFail, fe)
				res["exitCode"], res["output"] = 1603, []string{"Another Lync Server product with version 6.0.9319.0 is already installed."}
			} else {
				for _, p := range f.doc(f.enabled).Pools() {
					if slices.ContainsFunc(p.Machines, func(m string) bool { return strings.EqualFold(m, fe) }) && f.partner(p.Fqdn) != "" {
						f.services[fe] = "Stopped"
					}
				}
			}
		}
		if res["exitCode"] == 0 && f.services[fe] != lync.ServiceNotInstalled && f.services[fe] != lync.ServiceRunning {
			f.services[fe] = lync.ServiceRunning
			res["started"] = true
		}
		res["status"] = f.services[fe]
		return ok(res)
	case lync.ScriptInvokeBackupSync:
		for _, p := range pools {
			if _, e := f.modules(p, false); e != "" {
				return lynctest.Fail(lynctest.Failure{Step: "Invoke-CsBackupServiceSync -PoolFqdn " + p, Cmdlet: "Invoke-CsBackupServiceSync", Category: "InvalidOperation", Message: e}), "", 1, nil
			}
			f.synced[strings.ToLower(p)] = 0
		}
		return ok(nil)
	case lync.ScriptReadBackupStatus:
		var out []map[string]any
		for _, p := range pools {
			mods, e := f.modules(p, true)
			out = append(out, map[string]any{"poolFqdn": p, "modules": mods, "error": e})
		}
		return ok(map[string]any{"statuses": out})
	}
	f.t.Errorf("unexpected script %s", c.Script)
	return "", "", 1, nil
}

// takeCalls returns the calls so far, with the per-server ones reduced to
// their script name, and forgets them.
func (f *farm) takeCalls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.calls
	f.calls = nil
	return out
}

func scriptsOf(calls []string) []string {
	out := make([]string, len(calls))
	for i, c := range calls {
		out[i], _, _ = strings.Cut(c, "@")
	}
	return out
}

func count(calls []string, script string) int {
	n := 0
	for _, c := range scriptsOf(calls) {
		if c == script {
			n++
		}
	}
	return n
}

var mutating = []string{lync.ScriptPublishTopology, lync.ScriptEnableTopology, lync.ScriptEnsureBackupService, lync.ScriptInvokeBackupSync}

func mutations(calls []string) []string {
	var out []string
	for _, c := range calls {
		s, _, _ := strings.Cut(c, "@")
		if slices.Contains(mutating, s) {
			out = append(out, c)
		}
	}
	return out
}
