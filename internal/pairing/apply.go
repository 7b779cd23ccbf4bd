package pairing

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/lyncdr/terraform-provider-lync/internal/lync"
	"github.com/lyncdr/terraform-provider-lync/internal/lync/topology"
)

// maxPublishAttempts bounds the read-edit-publish retries when the topology
// changes under an edit.
const maxPublishAttempts = 3

// Pair performs the seed procedure for s, in order: check the preconditions
// (before anything changes), pair the pools in the topology with the voice
// option and publish and enable it unless it already says exactly that,
// verify the pairing with Get-CsPoolBackupRelationship, make LYNCBACKUP run
// on every Front End server of both pools (Bootstrapper.exe where it is not
// installed), synchronize both ways and wait until both directions are
// steady, then confirm and return the State. Every step skips work already
// done, so Pair resumes a failed Pair.
func (w *Workflow) Pair(ctx context.Context, s Spec) (*State, error) { return w.apply(ctx, s) }

// Converge brings an existing pairing back to s: the voice option through
// the topology when it differs, missing or stopped Backup Services, a resync
// of the directions that are not steady, and the wait. It is the same
// idempotent workflow as Pair, which does only what is needed.
func (w *Workflow) Converge(ctx context.Context, s Spec) (*State, error) { return w.apply(ctx, s) }

// Reconfigure changes only what the topology holds for s, the voice option,
// publishing and enabling it when it differs, and leaves the Backup Service
// alone: the update of a pair whose convergence the caller does not manage.
func (w *Workflow) Reconfigure(ctx context.Context, s Spec) (*State, error) {
	if err := w.validate(s, true); err != nil {
		return nil, err
	}
	if _, err := w.ensureTopology(ctx, s); err != nil {
		return nil, err
	}
	st, err := w.Observe(ctx, s)
	if err != nil {
		return nil, err
	}
	if !same(st.BackupPoolFqdn, s.BackupPoolFqdn) {
		return nil, &StepError{Step: StepConfirm, Host: w.o.ManagementHost, Summary: "Pairing Not Confirmed",
			Detail: fmt.Sprintf("After the topology change, Get-CsPoolBackupRelationship on %s reports %q as the backup pool of %s, not %s. Another change to the topology may have happened meanwhile; apply again",
				w.o.ManagementHost, st.BackupPoolFqdn, s.PoolFqdn, s.BackupPoolFqdn)}
	}
	return st, nil
}

func (w *Workflow) apply(ctx context.Context, s Spec) (*State, error) {
	if err := w.validate(s, true); err != nil {
		return nil, err
	}
	host := w.o.ManagementHost
	pools := []string{s.PoolFqdn, s.BackupPoolFqdn}

	top, err := w.ensureTopology(ctx, s)
	if err != nil {
		return nil, err
	}

	ps, err := w.c.ReadPairState(ctx, host, pools)
	if err != nil {
		return nil, commandFailed(StepBackupService, host, "Could Not Read Pool State", err)
	}
	servers, err := w.frontEnds(ps, pools)
	if err != nil {
		return nil, err
	}
	// Bootstrapper.exe installs the Backup Service per the ENABLED topology,
	// and whether Get-CsPoolBackupRelationship reads the published or the
	// enabled one is not documented. So when nothing was published or
	// enabled now and no Front End server of either pool has LYNCBACKUP yet
	// (a run that failed between publish and enable; a pairing published in
	// Topology Builder only), enable the topology first; Enable-CsTopology is
	// idempotent. One installed server shows that the enabled topology has
	// the pairing.
	noneInstalled := !slices.ContainsFunc(servers, func(fe feServer) bool { return fe.status != lync.ServiceNotInstalled })
	if !top.changed && noneInstalled {
		unlock, err := w.lockTopology(ctx, StepTopology)
		if err != nil {
			return nil, err
		}
		err = w.enableTopology(ctx, s, "no Front End server has LYNCBACKUP yet")
		unlock()
		if err != nil {
			return nil, err
		}
		top.changed, top.paired = true, true
	}
	ranEnsure, restarted, err := w.ensureServices(ctx, servers)
	if err != nil {
		return nil, err
	}

	// A new pairing or a (re)started Backup Service syncs both ways; otherwise
	// only the directions that are not steady.
	var syncPools []string
	if top.paired || restarted {
		syncPools = pools
	} else {
		for _, pr := range [][2]string{{s.PoolFqdn, s.BackupPoolFqdn}, {s.BackupPoolFqdn, s.PoolFqdn}} {
			if !directionOf(pr[0], pr[1], ps.Pool(pr[0]), top.cms).Steady {
				syncPools = append(syncPools, pr[0])
			}
		}
	}
	if len(syncPools) > 0 {
		w.emit(StepSync, host, "Invoke-CsBackupServiceSync -PoolFqdn "+strings.Join(syncPools, ", "), map[string]any{"pools": syncPools})
		if err := w.c.InvokeBackupSync(ctx, host, syncPools); err != nil {
			return nil, commandFailed(StepSync, host, "Backup Sync Failed", err)
		}
		if err := w.waitSteady(ctx, s, top.cms); err != nil {
			return nil, err
		}
	}

	if top.changed || ranEnsure || len(syncPools) > 0 {
		if ps, err = w.c.ReadPairState(ctx, host, pools); err != nil {
			return nil, commandFailed(StepConfirm, host, "Could Not Confirm The Pairing", err)
		}
	}
	st, err := w.stateOf(ctx, ps, s, StepConfirm)
	if err != nil {
		return nil, err
	}
	if !same(st.BackupPoolFqdn, s.BackupPoolFqdn) {
		return nil, &StepError{Step: StepConfirm, Host: host, Summary: "Pairing Not Confirmed",
			Detail: fmt.Sprintf("At the end, Get-CsPoolBackupRelationship on %s reports %q as the backup pool of %s, not %s. Another change to the topology may have happened meanwhile; run Get-CsPoolBackupRelationship -PoolFqdn %s and apply again",
				host, st.BackupPoolFqdn, s.PoolFqdn, s.BackupPoolFqdn, s.PoolFqdn)}
	}
	w.emit(StepConfirm, host, fmt.Sprintf("%s and %s are paired (converged: %v)", s.PoolFqdn, s.BackupPoolFqdn, st.Converged), map[string]any{"converged": st.Converged})
	return st, nil
}

type topologyResult struct {
	changed bool   // a publish or an enable ran
	paired  bool   // the pairing itself was created or enabled (not only the voice option changed)
	cms     string // FQDN of the CMS master pool
}

// ensureTopology makes the published and enabled topology pair s's pools
// with s's voice option. It holds the management host's topology lock for the
// whole read-edit-publish and retries when the topology changed under it.
func (w *Workflow) ensureTopology(ctx context.Context, s Spec) (topologyResult, error) {
	host := w.o.ManagementHost
	a, b := s.PoolFqdn, s.BackupPoolFqdn
	pools := []string{a, b}
	unlock, err := w.lockTopology(ctx, StepTopology)
	if err != nil {
		return topologyResult{}, err
	}
	defer unlock()
	for attempt := 1; ; attempt++ {
		t, err := w.c.ReadTopology(ctx, host, pools)
		if err != nil {
			return topologyResult{}, commandFailed(StepTopology, host, "Could Not Read The Topology", err)
		}
		doc, err := w.checkTopology(t.XML, s)
		if err != nil {
			return topologyResult{}, err
		}
		res := topologyResult{cms: doc.CMSPool()}
		partner, _ := doc.Partner(a)
		enabled := pairedIn(t.Relations, a, b)
		newXML, err := topology.SetPairing(t.XML, a, b, s.Voice.topology())
		if err != nil {
			return topologyResult{}, w.precondition(err)
		}
		fields := map[string]any{"pool": a, "backup_pool": b, "attempt": attempt}
		var rels lync.Relations
		switch {
		case newXML != t.XML:
			msg := fmt.Sprintf("publishing and enabling the topology with %s and %s paired", a, b)
			if partner != "" {
				msg = fmt.Sprintf("publishing and enabling the topology with the voice failover settings of %s and %s", a, b)
			}
			w.emit(StepTopology, host, msg, fields)
			var retry bool
			if rels, retry, err = w.publish(ctx, StepTopology, t.XML, newXML, pools, attempt); retry {
				continue
			} else if err != nil {
				return topologyResult{}, err
			}
			res.paired = partner == "" || !enabled
		case !enabled:
			if err := w.enableTopology(ctx, s, "Get-CsPoolBackupRelationship does not show it"); err != nil {
				return topologyResult{}, err
			}
			res.changed, res.paired = true, true
			return res, nil
		default:
			w.emit(StepTopology, host, fmt.Sprintf("the topology already pairs %s and %s with these voice settings", a, b), fields)
			return res, nil
		}
		res.changed = true
		if !pairedIn(rels, a, b) {
			return topologyResult{}, postconditionFailed(host, a, b, rels)
		}
		w.emit(StepTopology, host, fmt.Sprintf("Get-CsPoolBackupRelationship shows %s and %s backing each other", a, b), fields)
		return res, nil
	}
}

// publish publishes newXML (made from current) and enables it. retry
// reports that the topology changed meanwhile and the caller should read and
// edit it again; after maxPublishAttempts that is an error.
func (w *Workflow) publish(ctx context.Context, step, current, newXML string, pools []string, attempt int) (rels lync.Relations, retry bool, err error) {
	host := w.o.ManagementHost
	res, err := w.c.PublishTopologyResult(ctx, host, current, newXML, pools)
	var sue *lync.SimpleURLError
	switch {
	case errors.Is(err, lync.ErrTopologyChanged) && attempt < maxPublishAttempts:
		w.emit(step, host, "the topology changed while it was being edited; reading it again", map[string]any{"attempt": attempt})
		return nil, true, nil
	case errors.Is(err, lync.ErrTopologyChanged):
		return nil, false, &StepError{Step: step, Host: host, Summary: "Topology Changed Concurrently", Err: err,
			Detail: fmt.Sprintf("%v. It changed under each of %d attempts: wait until other topology changes (Topology Builder, other applies) are finished", err, attempt)}
	case errors.As(err, &sue):
		return nil, false, commandFailed(step, host, "Simple URLs Not Restored After Publishing", err)
	case err != nil:
		return nil, false, commandFailed(step, host, "Topology Publish Failed", err)
	}
	if len(res.RestoredSimpleURLs) > 0 {
		w.emit(step, host, "warning: publishing the topology reset the simple URLs of "+strings.Join(res.RestoredSimpleURLs, ", ")+
			"; they were restored as they were (check that Enable-CsComputer is not needed on your Front End servers)",
			map[string]any{"warning": true, "restored_simple_urls": res.RestoredSimpleURLs})
	}
	return res.Relations, false, nil
}

// lockTopology takes the topology lock of the management host.
func (w *Workflow) lockTopology(ctx context.Context, step string) (func(), error) {
	host := w.o.ManagementHost
	unlock, err := w.c.LockTopology(ctx, host)
	if err != nil {
		return nil, &StepError{Step: step, Host: host, Summary: "Timed Out Waiting For The Topology",
			Detail: "Another apply or destroy is editing the topology through " + host + " and did not finish before the deadline; run again", Err: err}
	}
	return unlock, nil
}

// enableTopology runs Enable-CsTopology for a topology that already pairs
// s's pools (a run that failed between Publish-CsTopology and
// Enable-CsTopology, or a pairing published in Topology Builder) and verifies
// the pairing. The caller holds the topology lock.
func (w *Workflow) enableTopology(ctx context.Context, s Spec, why string) error {
	host, a, b := w.o.ManagementHost, s.PoolFqdn, s.BackupPoolFqdn
	fields := map[string]any{"pool": a, "backup_pool": b}
	w.emit(StepTopology, host, fmt.Sprintf("the published topology pairs %s and %s but %s: running Enable-CsTopology", a, b, why), fields)
	rels, err := w.c.EnableTopology(ctx, host, []string{a, b})
	if err != nil {
		return commandFailed(StepTopology, host, "Enable-CsTopology Failed", err)
	}
	if !pairedIn(rels, a, b) {
		return postconditionFailed(host, a, b, rels)
	}
	w.emit(StepTopology, host, fmt.Sprintf("Get-CsPoolBackupRelationship shows %s and %s backing each other", a, b), fields)
	return nil
}

// pairedIn: each pool's relationship names the other.
func pairedIn(rels lync.Relations, a, b string) bool {
	ra, okA := rels.Get(a)
	rb, okB := rels.Get(b)
	return okA && okB && ra.Error == "" && rb.Error == "" && same(ra.BackupPoolFqdn, b) && same(rb.BackupPoolFqdn, a)
}

func describeRelation(rels lync.Relations, pool string) string {
	r, ok := rels.Get(pool)
	switch {
	case !ok:
		return pool + " not reported"
	case r.Error != "":
		return pool + " failed (" + r.Error + ")"
	case r.BackupPoolFqdn == "":
		return pool + " has no backup pool"
	}
	return pool + " is backed up by " + r.BackupPoolFqdn
}

func postconditionFailed(host, a, b string, rels lync.Relations) *StepError {
	return &StepError{Step: StepTopology, Host: host, Summary: "Pairing Not Confirmed After Publish",
		Detail: fmt.Sprintf("After publishing and enabling the topology on %s, Get-CsPoolBackupRelationship reports: %s; %s. "+
			"The pairing is written in a modelled topology encoding (internal/lync/topology/pairing_encoding.go) that may not match this Lync Server version: "+
			"pair two pools once in Topology Builder, capture the real encoding with scripts/capture-pairing.ps1 and report it. "+
			"The published topology now carries the modelled pairing; destroy (unpair) removes it",
			host, describeRelation(rels, a), describeRelation(rels, b))}
}

// feServer is a Front End server and what ReadPairState said about it.
type feServer struct {
	fqdn, pool, status, readErr string
}

// frontEnds lists the Front End servers of the pools.
func (w *Workflow) frontEnds(ps *lync.PairState, pools []string) ([]feServer, error) {
	var out []feServer
	for _, name := range pools {
		p := ps.Pool(name)
		if p == nil || !p.Exists {
			return nil, &StepError{Step: StepBackupService, Host: w.o.ManagementHost, Summary: "Pool Not Found",
				Detail: fmt.Sprintf("Get-CsPool on %s does not know pool %s although the published topology lists it: the topology may not be enabled (run Enable-CsTopology) or the pool not deployed yet", w.o.ManagementHost, name)}
		}
		if len(p.Computers) == 0 {
			return nil, &StepError{Step: StepBackupService, Host: w.o.ManagementHost, Summary: "No Front End Servers",
				Detail: fmt.Sprintf("Get-CsPool on %s lists no servers in pool %s; deploy the pool's Front End servers first", w.o.ManagementHost, name)}
		}
		for _, sv := range serversOf(name, p) {
			fe := feServer{fqdn: sv.Fqdn, pool: name, status: sv.BackupService}
			for _, s := range p.Services {
				if same(s.Computer, sv.Fqdn) {
					fe.readErr = s.Error
				}
			}
			out = append(out, fe)
		}
	}
	return out, nil
}

// ensureServices runs EnsureBackupService on every server whose LYNCBACKUP
// is not known to be running, at most ServerParallelism at once. ran tells
// whether any server was worked on, restarted whether a service was installed
// or started. Every server is tried; the error names each that failed.
func (w *Workflow) ensureServices(ctx context.Context, servers []feServer) (ran, restarted bool, err error) {
	var need []feServer
	for _, fe := range servers {
		if fe.status != lync.ServiceRunning {
			need = append(need, fe)
		}
	}
	if len(need) == 0 {
		w.emit(StepBackupService, w.o.ManagementHost, fmt.Sprintf("LYNCBACKUP is running on all %d Front End servers", len(servers)), nil)
		return false, false, nil
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs = make([]error, len(need))
		sem  = make(chan struct{}, w.o.ServerParallelism)
	)
	for i, fe := range need {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				errs[i] = ctx.Err()
				return
			}
			defer func() { <-sem }()
			was := fe.status
			if was == "" {
				was = "unknown: " + fe.readErr
			}
			w.emit(StepBackupService, fe.fqdn, "ensuring LYNCBACKUP (was "+was+")", map[string]any{"pool": fe.pool, "status": fe.status})
			st, err := w.c.EnsureBackupService(ctx, fe.fqdn)
			if st != nil && (st.InstalledNow || st.StartedNow) {
				mu.Lock()
				restarted = true
				mu.Unlock()
			}
			if err != nil {
				errs[i] = err
				w.emit(StepBackupService, fe.fqdn, "LYNCBACKUP failed: "+err.Error(), map[string]any{"pool": fe.pool, "error": err.Error()})
				return
			}
			if st.RebootRequired {
				w.emit(StepBackupService, fe.fqdn, "warning: Bootstrapper.exe installed the Backup Service on "+fe.fqdn+
					" and asks for a restart (exit code 3010); restart the server in a maintenance window, and re-apply the cumulative update first",
					map[string]any{"warning": true, "pool": fe.pool})
			}
			w.emit(StepBackupService, fe.fqdn, fmt.Sprintf("LYNCBACKUP is %s (installed now: %v, started now: %v)", st.Status, st.InstalledNow, st.StartedNow),
				map[string]any{"pool": fe.pool, "status": st.Status, "installed_now": st.InstalledNow, "started_now": st.StartedNow, "bootstrapper_output": st.BootstrapperOutput})
		}()
	}
	wg.Wait()
	var lines []string
	var failedHost string
	for i, e := range errs {
		if e == nil {
			continue
		}
		line := need[i].fqdn + ": " + e.Error()
		if hint := remedy(e); hint != "" {
			line += ". " + hint
		}
		lines = append(lines, line)
		failedHost = need[i].fqdn
	}
	if len(lines) == 0 {
		return true, restarted, nil
	}
	se := &StepError{Step: StepBackupService, Summary: "Backup Service Setup Failed", Err: errors.Join(errs...),
		Detail: fmt.Sprintf("LYNCBACKUP could not be made to run on %d of the %d Front End servers that needed it:%s\nThe other servers are done; apply again to retry.",
			len(lines), len(need), listLines(lines))}
	if len(lines) == 1 {
		se.Host = failedHost
	}
	return true, restarted, se
}

// waitSteady polls the backup status of both directions, with backoff, until
// both are steady or ctx ends.
func (w *Workflow) waitSteady(ctx context.Context, s Spec, cms string) error {
	host := w.o.ManagementHost
	pools := []string{s.PoolFqdn, s.BackupPoolFqdn}
	interval := w.o.PollInterval
	var last []polled
	for poll := 1; ; poll++ {
		statuses, err := w.c.ReadBackupStatus(ctx, host, pools)
		if err != nil {
			if ctx.Err() != nil {
				return notSteady(host, ctx.Err(), last)
			}
			return commandFailed(StepWait, host, "Could Not Read Backup Status", err)
		}
		last = last[:0]
		report := map[string]any{}
		for _, pr := range [][2]string{{s.PoolFqdn, s.BackupPoolFqdn}, {s.BackupPoolFqdn, s.PoolFqdn}} {
			var b *lync.BackupStatus
			statusErr := "no status reported"
			if st, ok := statuses[pr[0]]; ok {
				b, statusErr = &st, st.Error
			}
			d := newDirection(pr[0], pr[1], b, same(cms, pr[0]))
			last = append(last, polled{d, statusErr})
			mods := map[string]string{}
			for _, m := range d.Modules {
				mods[m.Identity] = m.ExportStatus + "/" + m.ImportStatus
			}
			if statusErr != "" {
				mods["error"] = statusErr
			}
			report[pr[0]+" -> "+pr[1]] = mods
		}
		if last[0].dir.Steady && last[1].dir.Steady {
			w.emit(StepWait, host, fmt.Sprintf("the Backup Service is steady in both directions (poll %d)", poll), map[string]any{"poll": poll, "directions": report})
			return nil
		}
		w.emit(StepWait, host, fmt.Sprintf("waiting for steady state (poll %d, next in %s)", poll, interval), map[string]any{"poll": poll, "directions": report})
		timer := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			timer.Stop()
			return notSteady(host, ctx.Err(), last)
		case <-timer.C:
		}
		interval = min(interval*3/2, w.o.MaxPollInterval)
	}
}

// polled is one direction at the last poll.
type polled struct {
	dir       Direction
	statusErr string
}

func notSteady(host string, cause error, last []polled) *StepError {
	var lines []string
	failed := false
	for _, p := range last {
		if p.dir.Steady {
			continue
		}
		failed = failed || p.dir.Failed
		lines = append(lines, fmt.Sprintf("%s -> %s: %s", p.dir.PoolFqdn, p.dir.BackupPoolFqdn, strings.Join(pending(p.dir, p.statusErr), "; ")))
	}
	if len(last) == 0 {
		lines = append(lines, "no backup status was read before the deadline")
	}
	se := &StepError{Step: StepWait, Host: host, Err: cause, Summary: "Backup Not In Steady State",
		Detail: "The Backup Service did not reach steady state in both directions before the deadline:" + listLines(lines) +
			"\nSynchronizing a large pool can take long: apply again to keep waiting (finished steps are not redone), or allow more time. " +
			"Check Get-CsBackupServiceStatus -PoolFqdn <pool> on " + host + ", the \"LS Backup Service\" event log on the Front End servers, " +
			"and that each pool's Front End servers reach the other pool's file store over SMB (TCP 445)."}
	if failed {
		se.Summary = "Backup Service In ErrorState"
		se.Detail = "The Backup Service reports ErrorState (it failed to export or import changes) and did not recover before the deadline:" + listLines(lines) +
			"\nCheck the \"LS Backup Service\" event log on the Front End servers of the pool named (for example events 4069 and 4070), " +
			"that each pool's Front End servers can write to the other pool's file store over SMB (TCP 445), and that the cumulative update was re-applied " +
			"after Bootstrapper.exe installed the Backup Service; then apply again."
	}
	return se
}
