package pairing

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lyncdr/terraform-provider-lync/internal/lync"
	"github.com/lyncdr/terraform-provider-lync/internal/lync/lynctest"
	"github.com/lyncdr/terraform-provider-lync/internal/lync/topology"
)

const (
	pool01 = "pool01.contoso.com"
	pool02 = "pool02.contoso.com"
	pool03 = "pool03.contoso.com"
)

var spec = Spec{PoolFqdn: pool01, BackupPoolFqdn: pool02, Voice: VoiceFailover{Enabled: true}}

func allFrontEnds() []string {
	return []string{"fe01a.contoso.com", "fe01b.contoso.com", "fe01c.contoso.com", "fe02a.contoso.com", "fe02b.contoso.com"}
}

func mustPair(t *testing.T, w *Workflow) *State {
	t.Helper()
	st, err := w.Pair(context.Background(), spec)
	if err != nil {
		t.Fatalf("Pair: %v", err)
	}
	return st
}

func TestPairFromScratch(t *testing.T) {
	f := newFarm(t)
	var events []Event
	w := f.workflow(&events)
	st := mustPair(t, w)

	calls := f.takeCalls()
	scripts := scriptsOf(calls)
	// Order: check+edit under the lock, publish (with enable), read state,
	// every Front End server, one sync for both pools, polls, confirm.
	want := []string{lync.ScriptReadTopology, lync.ScriptPublishTopology, lync.ScriptReadPairState}
	if !slices.Equal(scripts[:3], want) {
		t.Fatalf("first steps %v", scripts[:3])
	}
	var ensured []string
	for _, c := range calls[3:8] {
		s, host, _ := strings.Cut(c, "@")
		if s != lync.ScriptEnsureBackupService {
			t.Fatalf("step 4 ran %s", c)
		}
		ensured = append(ensured, host)
	}
	slices.Sort(ensured)
	if !slices.Equal(ensured, allFrontEnds()) {
		t.Errorf("EnsureBackupService ran on %v", ensured)
	}
	if scripts[8] != lync.ScriptInvokeBackupSync || count(calls, lync.ScriptInvokeBackupSync) != 1 {
		t.Errorf("sync: %v", scripts)
	}
	polls := count(calls, lync.ScriptReadBackupStatus)
	if polls < f.steadyAfter || scripts[len(scripts)-1] != lync.ScriptReadPairState || len(scripts) != 9+polls+1 {
		t.Errorf("wait and confirm: %v", scripts)
	}
	for _, c := range calls {
		s, host, _ := strings.Cut(c, "@")
		if s != lync.ScriptEnsureBackupService && host != w.o.ManagementHost {
			t.Errorf("%s ran on %s, not the management host", s, host)
		}
	}

	wantState := &State{
		PoolFqdn: pool01, PoolExists: true, BackupPoolFqdn: pool02,
		Voice: VoiceFailover{Enabled: true, FailureDetection: 120 * time.Second, FailbackDetection: 240 * time.Second}, VoiceConsistent: true,
		Converged: true,
	}
	for _, fe := range allFrontEnds() {
		pool := pool01
		if strings.HasPrefix(fe, "fe02") {
			pool = pool02
		}
		wantState.Servers = append(wantState.Servers, Server{Fqdn: fe, PoolFqdn: pool, BackupService: "Running"})
	}
	mods := func(cms string) []Module {
		return []Module{{"UserServices.PresenceFocus", "FinalState", "NormalState"}, {"ConfServices.DataConf", "SteadyState", "NormalState"}, {"CentralMgmt.CMSMaster", cms, "NormalState"}}
	}
	wantState.Directions = []Direction{
		{PoolFqdn: pool01, BackupPoolFqdn: pool02, Modules: mods("FinalState"), Steady: true, CMSMaster: true},
		{PoolFqdn: pool02, BackupPoolFqdn: pool01, Modules: mods("NotInitialized"), Steady: true},
	}
	if !reflect.DeepEqual(st, wantState) {
		t.Errorf("state\n got %+v\nwant %+v", st, wantState)
	}
	if p, _ := f.doc(f.published).Partner(pool02); p != pool01 {
		t.Errorf("published topology pairs pool02 with %q", p)
	}

	// Progress: each step reports, the polls carry per-module status.
	steps := map[string]bool{}
	var sawPoll bool
	for _, e := range events {
		steps[e.Step] = true
		if e.Step == StepWait {
			dirs, _ := e.Fields["directions"].(map[string]any)
			m, _ := dirs[pool01+" -> "+pool02].(map[string]string)
			sawPoll = sawPoll || m["ConfServices.DataConf"] != ""
		}
	}
	for _, s := range []string{StepTopology, StepBackupService, StepSync, StepWait, StepConfirm} {
		if !steps[s] {
			t.Errorf("no %s event", s)
		}
	}
	if !sawPoll {
		t.Error("no poll event with per-module status")
	}

	// Again: nothing to do, two reads.
	if _, err := w.Pair(context.Background(), spec); err != nil {
		t.Fatal(err)
	}
	if got := scriptsOf(f.takeCalls()); !slices.Equal(got, []string{lync.ScriptReadTopology, lync.ScriptReadPairState}) {
		t.Errorf("second Pair ran %v", got)
	}
}

// TestPairResumes fails Pair at each step and checks that the next Pair
// finishes without redoing what the failed one finished.
func TestPairResumes(t *testing.T) {
	cases := []struct {
		name      string
		breakIt   func(f *farm)
		deadline  bool // the deadline passes at the third status poll
		step      string
		summary   string
		msg       []string
		mutations []string // mutating calls the resuming Pair makes, sorted
	}{
		{"publish fails", func(f *farm) {
			f.failOnce[lync.ScriptPublishTopology] = lynctest.Failure{Step: "publish topology", Cmdlet: "Publish-CsTopology", Category: "PermissionDenied", ID: "AccessDenied", Message: "Access is denied."}
		}, false, StepTopology, "Topology Publish Failed", []string{"Publish-CsTopology failed on mgmt", "Access is denied", "RTCUniversalServerAdmins"},
			[]string{"ensure-backup-service@fe01a.contoso.com", "ensure-backup-service@fe01b.contoso.com", "ensure-backup-service@fe01c.contoso.com", "ensure-backup-service@fe02a.contoso.com", "ensure-backup-service@fe02b.contoso.com", "invoke-backup-sync", "publish-topology"}},
		{"enable fails after publish", func(f *farm) { f.publishFailsAtEnable = true }, false, StepTopology, "Topology Publish Failed", []string{"Enable-CsTopology failed", "enable topology"},
			[]string{"enable-topology", "ensure-backup-service@fe01a.contoso.com", "ensure-backup-service@fe01b.contoso.com", "ensure-backup-service@fe01c.contoso.com", "ensure-backup-service@fe02a.contoso.com", "ensure-backup-service@fe02b.contoso.com", "invoke-backup-sync"}},
		{"enable fails after publish, relationships from the published topology", func(f *farm) { f.publishFailsAtEnable, f.relationsFromPublished = true, true }, false, StepTopology, "Topology Publish Failed", []string{"Enable-CsTopology failed"},
			[]string{"enable-topology", "ensure-backup-service@fe01a.contoso.com", "ensure-backup-service@fe01b.contoso.com", "ensure-backup-service@fe01c.contoso.com", "ensure-backup-service@fe02a.contoso.com", "ensure-backup-service@fe02b.contoso.com", "invoke-backup-sync"}},
		{"bootstrapper fails on one server", func(f *farm) { f.bootstrapFail["fe02b.contoso.com"] = true }, false, StepBackupService, "Backup Service Setup Failed",
			[]string{"1 of the 5", "fe02b.contoso.com: Bootstrapper.exe failed on fe02b.contoso.com with exit code 1603", "Another Lync Server product"},
			[]string{"ensure-backup-service@fe02b.contoso.com", "invoke-backup-sync"}},
		{"sync fails", func(f *farm) {
			f.failOnce[lync.ScriptInvokeBackupSync] = lynctest.Failure{Step: "Invoke-CsBackupServiceSync -PoolFqdn pool01.contoso.com", Cmdlet: "Invoke-CsBackupServiceSync", Category: "SecurityError", Message: "WCF permission error"}
		}, false, StepSync, "Backup Sync Failed", []string{"Invoke-CsBackupServiceSync failed", "RTCUniversalServerAdmins"},
			[]string{"invoke-backup-sync"}},
		{"deadline while waiting", func(f *farm) { f.neverSteady, f.steadyAfter = true, 0 }, true, StepWait, "Backup Not In Steady State",
			[]string{"pool01.contoso.com -> pool02.contoso.com: ConfServices.DataConf ExportStatus NonSteadyState", "pool02.contoso.com -> pool01.contoso.com"},
			nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFarm(t)
			ctx := newDeadline()
			w := f.workflow(nil, func(o *Options) {
				if c.deadline {
					o.Progress = ctx.expireAtPoll(3)
				}
			})
			c.breakIt(f)
			_, err := w.Pair(ctx, spec)
			var se *StepError
			if !errors.As(err, &se) || se.Step != c.step || se.Summary != c.summary {
				t.Fatalf("got %#v", err)
			}
			for _, m := range c.msg {
				if !strings.Contains(se.Detail, m) {
					t.Errorf("detail %q lacks %q", se.Detail, m)
				}
			}
			f.takeCalls()
			f.neverSteady = false
			st, err := w.Pair(context.Background(), spec)
			if err != nil {
				t.Fatalf("resume: %v", err)
			}
			if !st.Converged {
				t.Errorf("not converged after resume: %+v", st)
			}
			got := mutations(f.takeCalls())
			for i := range got {
				got[i] = strings.TrimSuffix(got[i], "@"+w.o.ManagementHost)
			}
			slices.Sort(got)
			if !slices.Equal(got, c.mutations) {
				t.Errorf("resume made %v, want %v", got, c.mutations)
			}
		})
	}
}

func TestPreconditionsChangeNothing(t *testing.T) {
	thirdPool := func(f *farm) {
		xml, err := topology.SetPairing(f.published, pool02, pool03, topology.Voice{})
		if err != nil {
			t.Fatal(err)
		}
		f.published, f.enabled = xml, xml
	}
	oneSided := func(f *farm) {
		thirdPool(f)
		// drop pool03's side
		i := strings.LastIndex(f.published, `<Dependency Usage="BackupRegistrar">`)
		j := strings.Index(f.published[i:], "</Dependency>") + i + len("</Dependency>")
		f.published = f.published[:i] + f.published[j:]
	}
	cases := []struct {
		name    string
		setup   func(f *farm)
		spec    Spec
		noHost  bool
		summary string
		detail  []string
	}{
		{"pool not found", nil, Spec{PoolFqdn: "pool09.contoso.com", BackupPoolFqdn: pool02}, false, "Pool Not Found",
			[]string{`"pool09.contoso.com" is not in the published topology`, "pool01.contoso.com, pool03.contoso.com, pool10.contoso.com, pool02.contoso.com, se01.contoso.com"}},
		{"not a front end pool", nil, Spec{PoolFqdn: pool01, BackupPoolFqdn: "sql02.contoso.com"}, false, "Not A Front End Pool", []string{`"sql02.contoso.com"`, "no Registrar"}},
		{"lync 2010", nil, Spec{PoolFqdn: "pool10.contoso.com", BackupPoolFqdn: pool02}, false, "Unsupported Lync Version", []string{"Lync Server 2010", "Lync Server 2013"}},
		{"same pool", nil, Spec{PoolFqdn: pool01, BackupPoolFqdn: "POOL01.contoso.com"}, false, "Pool Cannot Back Up Itself", []string{"pool01.contoso.com"}},
		{"paired with a third pool", thirdPool, spec, false, "Pool Already Paired", []string{`"pool02.contoso.com" is already paired with "pool03.contoso.com"`, "Remove that pairing first"}},
		{"inconsistent topology", oneSided, spec, false, "Inconsistent Pairing In Topology", []string{"one-sided", "Topology Builder"}},
		{"bad fqdn", nil, Spec{PoolFqdn: "pool01.contoso.com'; Remove-Item C:\\", BackupPoolFqdn: pool02}, false, "Invalid Pool FQDN", []string{"not a fully qualified domain name"}},
		{"bad voice", nil, Spec{PoolFqdn: pool01, BackupPoolFqdn: pool02, Voice: VoiceFailover{Enabled: true, FailureDetection: time.Second}}, false, "Invalid Voice Failover Intervals", []string{"30s"}},
		{"no management host", nil, spec, true, "Management Host Not Set", []string{"management host"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFarm(t)
			if c.setup != nil {
				c.setup(f)
			}
			w := f.workflow(nil, func(o *Options) {
				if c.noHost {
					o.ManagementHost = ""
				}
			})
			for name, run := range map[string]func() error{
				"Check": func() error { return w.Check(context.Background(), c.spec) },
				"Pair":  func() error { _, err := w.Pair(context.Background(), c.spec); return err },
			} {
				err := run()
				var pe *PreconditionError
				if !errors.As(err, &pe) || pe.Summary != c.summary {
					t.Fatalf("%s: got %v", name, err)
				}
				for _, d := range c.detail {
					if !strings.Contains(pe.Detail, d) {
						t.Errorf("%s: detail %q lacks %q", name, pe.Detail, d)
					}
				}
				calls := f.takeCalls()
				if m := mutations(calls); len(m) > 0 {
					t.Errorf("%s changed something: %v", name, m)
				}
				if len(calls) > 1 {
					t.Errorf("%s: %v", name, calls)
				}
			}
		})
	}

	t.Run("enterprise with standard is a warning", func(t *testing.T) {
		f := newFarm(t)
		var events []Event
		w := f.workflow(&events)
		if err := w.Check(context.Background(), Spec{PoolFqdn: pool03, BackupPoolFqdn: "se01.contoso.com"}); err != nil {
			t.Fatal(err)
		}
		if len(events) != 1 || events[0].Fields["warning"] != true || !strings.Contains(events[0].Message, "Enterprise Edition pool and se01.contoso.com a Standard Edition pool") {
			t.Errorf("events %+v", events)
		}
		if got := f.takeCalls(); !slices.Equal(scriptsOf(got), []string{lync.ScriptReadTopology}) {
			t.Errorf("Check ran %v", got)
		}
	})
}

func TestPublishConflict(t *testing.T) {
	f := newFarm(t)
	f.conflicts = 1
	var events []Event
	w := f.workflow(&events)
	mustPair(t, w)
	calls := f.takeCalls()
	if count(calls, lync.ScriptPublishTopology) != 2 || count(calls, lync.ScriptReadTopology) != 2 {
		t.Errorf("one conflict: %v", scriptsOf(calls))
	}

	f = newFarm(t)
	f.conflicts = 100
	w = f.workflow(nil)
	_, err := w.Pair(context.Background(), spec)
	var se *StepError
	if !errors.As(err, &se) || se.Summary != "Topology Changed Concurrently" || !errors.Is(err, lync.ErrTopologyChanged) || !strings.Contains(se.Detail, "nothing was published") {
		t.Fatalf("%v", err)
	}
	calls = f.takeCalls()
	if count(calls, lync.ScriptPublishTopology) != maxPublishAttempts || len(mutations(calls)) != maxPublishAttempts {
		t.Errorf("persistent conflict: %v", calls)
	}
}

func TestPostconditionFailure(t *testing.T) {
	f := newFarm(t)
	f.encodingBroken = true
	w := f.workflow(nil)
	_, err := w.Pair(context.Background(), spec)
	var se *StepError
	if !errors.As(err, &se) || se.Summary != "Pairing Not Confirmed After Publish" {
		t.Fatalf("%v", err)
	}
	for _, want := range []string{"pool01.contoso.com has no backup pool", "modelled topology encoding", "scripts/capture-pairing.ps1"} {
		if !strings.Contains(se.Detail, want) {
			t.Errorf("detail lacks %q: %s", want, se.Detail)
		}
	}
	if m := mutations(f.takeCalls()); !slices.Equal(m, []string{"publish-topology@" + w.o.ManagementHost}) {
		t.Errorf("went on after the failed post-condition: %v", m)
	}
}

func TestServerParallelism(t *testing.T) {
	f := newFarm(t)
	f.ensureDelay = 30 * time.Millisecond
	w := f.workflow(nil, func(o *Options) { o.ServerParallelism = 2 })
	mustPair(t, w)
	if got := f.maxEnsure.Load(); got != 2 {
		t.Errorf("%d servers at once, want 2", got)
	}
	f = newFarm(t)
	f.ensureDelay = 30 * time.Millisecond
	mustPair(t, f.workflow(nil)) // default 4
	if got := f.maxEnsure.Load(); got != 4 {
		t.Errorf("%d servers at once with the default, want 4", got)
	}
}

func TestWaitReportsErrorState(t *testing.T) {
	f := newFarm(t)
	f.errorState, f.steadyAfter = pool02, 0
	ctx := newDeadline()
	w := f.workflow(nil, func(o *Options) { o.Progress = ctx.expireAtPoll(3) })
	_, err := w.Pair(ctx, spec)
	var se *StepError
	if !errors.As(err, &se) || se.Summary != "Backup Service In ErrorState" || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("%v", err)
	}
	if !strings.Contains(se.Detail, "pool02.contoso.com -> pool01.contoso.com: ConfServices.DataConf ExportStatus ErrorState") || strings.Contains(se.Detail, "pool01.contoso.com -> pool02.contoso.com") {
		t.Errorf("detail: %s", se.Detail)
	}
}

func TestConverge(t *testing.T) {
	f := newFarm(t)
	w := f.workflow(nil)
	mustPair(t, w)
	f.takeCalls()
	ctx := context.Background()

	st, err := w.Converge(ctx, spec)
	if err != nil || !st.Converged {
		t.Fatalf("%+v %v", st, err)
	}
	if got := scriptsOf(f.takeCalls()); !slices.Equal(got, []string{lync.ScriptReadTopology, lync.ScriptReadPairState}) {
		t.Errorf("converged: ran %v", got)
	}

	longer := spec
	longer.Voice = VoiceFailover{Enabled: true, FailureDetection: 5 * time.Minute, FailbackDetection: 10 * time.Minute}
	st, err = w.Converge(ctx, longer)
	if err != nil || st.Voice != longer.Voice || !st.VoiceConsistent {
		t.Fatalf("voice: %+v %v", st, err)
	}
	if m := mutations(f.takeCalls()); !slices.Equal(m, []string{"publish-topology@" + w.o.ManagementHost}) {
		t.Errorf("voice change made %v", m)
	}

	f.services["fe01b.contoso.com"] = "Stopped"
	if st, err = w.Converge(ctx, longer); err != nil || !st.Converged {
		t.Fatalf("stopped service: %+v %v", st, err)
	}
	if m := mutations(f.takeCalls()); !slices.Equal(m, []string{"ensure-backup-service@fe01b.contoso.com", "invoke-backup-sync@" + w.o.ManagementHost}) {
		t.Errorf("stopped service: %v", m)
	}

	delete(f.synced, pool02) // pool02 -> pool01 back to NotInitialized
	var events []Event
	w.o.Progress = func(e Event) { events = append(events, e) }
	if st, err = w.Converge(ctx, longer); err != nil || !st.Converged {
		t.Fatalf("non-steady direction: %+v %v", st, err)
	}
	if m := mutations(f.takeCalls()); !slices.Equal(m, []string{"invoke-backup-sync@" + w.o.ManagementHost}) {
		t.Errorf("non-steady direction: %v", m)
	}
	for _, e := range events {
		if e.Step == StepSync && !reflect.DeepEqual(e.Fields["pools"], []string{pool02}) {
			t.Errorf("synced %v, want only pool02", e.Fields["pools"])
		}
	}
}

func TestObserve(t *testing.T) {
	ctx := context.Background()
	f := newFarm(t)
	w := f.workflow(nil)

	st, err := w.Observe(ctx, spec)
	if err != nil || !st.PoolExists || st.BackupPoolFqdn != "" || st.Directions != nil || st.Converged || len(st.Servers) != 3 {
		t.Errorf("unpaired: %+v %v", st, err)
	}
	st, err = w.Observe(ctx, Spec{PoolFqdn: "gone.contoso.com", BackupPoolFqdn: pool02})
	if err != nil || st.PoolExists {
		t.Errorf("missing pool: %+v %v", st, err)
	}

	mustPair(t, w)
	f.takeCalls()
	upper := spec
	upper.BackupPoolFqdn = "POOL02.contoso.com"
	st, err = w.Observe(ctx, upper)
	if err != nil || !st.Converged || st.BackupPoolFqdn != "POOL02.contoso.com" {
		t.Errorf("paired: %+v %v", st, err)
	}
	if got := f.takeCalls(); !slices.Equal(scriptsOf(got), []string{lync.ScriptReadPairState}) || len(mutations(got)) > 0 {
		t.Errorf("Observe ran %v", got)
	}

	// Drift: a stopped service is not converged, and is not a read error
	// even though the backup status cannot be read then.
	f.services["fe02a.contoso.com"] = "Stopped"
	st, err = w.Observe(ctx, spec)
	if err != nil || st.Converged || st.Servers[3].BackupService != "Stopped" || st.Directions[0].Steady {
		t.Errorf("stopped service: %+v %v", st, err)
	}
	f.services["fe02a.contoso.com"] = "Running"

	// Could not read: an error, never a guess.
	f.serviceErr["fe01c.contoso.com"] = "The RPC server is unavailable."
	_, err = w.Observe(ctx, spec)
	var se *StepError
	if !errors.As(err, &se) || se.Summary != "Could Not Read Pairing State" || !strings.Contains(se.Detail, "fe01c.contoso.com: The RPC server is unavailable.") {
		t.Errorf("unreadable service: %v", err)
	}
	delete(f.serviceErr, "fe01c.contoso.com")
	f.failOnce[lync.ScriptReadPairState] = lynctest.Failure{Step: "read pools", Cmdlet: "Get-CsPool", Category: "ConnectionError", Message: "Cannot connect to the Central Management store."}
	if _, err = w.Observe(ctx, spec); !errors.As(err, &se) || !strings.Contains(err.Error(), "Get-CsPool failed") {
		t.Errorf("failed read: %v", err)
	}

	// Out of band: pool01 re-paired with pool03; the partner's state is read too.
	xml, _ := topology.RemovePairing(f.published, pool01)
	xml, _ = topology.SetPairing(xml, pool01, pool03, topology.Voice{})
	f.published, f.enabled = xml, xml
	f.takeCalls()
	st, err = w.Observe(ctx, spec)
	if err != nil || st.BackupPoolFqdn != pool03 || st.Servers[3].PoolFqdn != pool03 || st.Converged {
		t.Errorf("re-paired: %+v %v", st, err)
	}
	if got := scriptsOf(f.takeCalls()); !slices.Equal(got, []string{lync.ScriptReadPairState, lync.ScriptReadPairState}) {
		t.Errorf("re-paired: ran %v", got)
	}
}

func TestUnpair(t *testing.T) {
	ctx := context.Background()
	f := newFarm(t)
	original := f.published
	w := f.workflow(nil)
	mustPair(t, w)
	f.takeCalls()

	if err := w.Unpair(ctx, spec); err != nil {
		t.Fatal(err)
	}
	if m := mutations(f.takeCalls()); !slices.Equal(m, []string{"publish-topology@" + w.o.ManagementHost}) {
		t.Errorf("Unpair made %v", m)
	}
	if f.published != original {
		t.Error("the unpaired topology is not byte-identical to the one before pairing")
	}
	for _, fe := range allFrontEnds() {
		if f.services[fe] != "Running" {
			t.Errorf("Unpair touched LYNCBACKUP on %s", fe)
		}
	}
	if err := w.Unpair(ctx, spec); err != nil {
		t.Fatal(err)
	}
	if got := f.takeCalls(); !slices.Equal(scriptsOf(got), []string{lync.ScriptReadTopology}) {
		t.Errorf("second Unpair ran %v", got)
	}
	if err := w.Unpair(ctx, Spec{PoolFqdn: "gone.contoso.com", BackupPoolFqdn: pool02}); err != nil {
		t.Errorf("missing pool: %v", err)
	}

	// Paired with another pool than the spec's: left alone.
	xml, _ := topology.SetPairing(f.published, pool01, pool03, topology.Voice{})
	f.published, f.enabled = xml, xml
	f.takeCalls()
	if err := w.Unpair(ctx, spec); err != nil || len(mutations(f.takeCalls())) != 0 || f.partner(pool01) != pool03 {
		t.Errorf("third pool: %v", err)
	}

	// Resume: published without the pairing, but not enabled.
	f = newFarm(t)
	w = f.workflow(nil)
	mustPair(t, w)
	f.published, _ = topology.RemovePairing(f.published, pool01)
	f.takeCalls()
	if err := w.Unpair(ctx, spec); err != nil {
		t.Fatal(err)
	}
	if m := mutations(f.takeCalls()); !slices.Equal(m, []string{"enable-topology@" + w.o.ManagementHost}) || f.partner(pool01) != "" {
		t.Errorf("resume: %v", m)
	}

	// Not confirmed.
	f = newFarm(t)
	w = f.workflow(nil)
	mustPair(t, w)
	f.encodingBroken = true
	err := w.Unpair(ctx, spec)
	var se *StepError
	if !errors.As(err, &se) || se.Summary != "Unpairing Not Confirmed" || !strings.Contains(se.Detail, "is backed up by") {
		t.Errorf("not confirmed: %v", err)
	}
}

func TestTopologyEditsAreSerialized(t *testing.T) {
	// Two pairings applied at once through the same management host never
	// interleave their read-modify-publish: neither sees a conflict, though
	// reading the topology is slow enough for both reads to overlap without
	// the lock.
	f := newFarm(t)
	f.readDelay = 20 * time.Millisecond
	w := f.workflow(nil)
	other := New(lync.New(f, lync.Options{}), w.o)
	errs := make(chan error, 2)
	go func() { _, err := w.Pair(context.Background(), spec); errs <- err }()
	go func() {
		_, err := other.Pair(context.Background(), Spec{PoolFqdn: pool03, BackupPoolFqdn: "se01.contoso.com"})
		errs <- err
	}()
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if n := count(f.takeCalls(), lync.ScriptPublishTopology); n != 2 {
		t.Errorf("%d publishes for two pairings", n)
	}
	d := f.doc(f.published)
	if p, _ := d.Partner(pool01); p != pool02 {
		t.Errorf("pool01 partner %q", p)
	}
	if p, _ := d.Partner(pool03); p != "se01.contoso.com" {
		t.Errorf("pool03 partner %q", p)
	}
}

// deadline is a context whose deadline passes when the test says so, so
// that waiting can be cut short at a given poll however slow the machine.
type deadline struct {
	context.Context
	done chan struct{}
	once sync.Once
}

func newDeadline() *deadline {
	return &deadline{Context: context.Background(), done: make(chan struct{})}
}

func (d *deadline) Done() <-chan struct{} { return d.done }

func (d *deadline) Err() error {
	select {
	case <-d.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}

// expireAtPoll returns a Progress function that lets the deadline pass at
// the n-th backup status poll.
func (d *deadline) expireAtPoll(n int) func(Event) {
	return func(e Event) {
		if poll, _ := e.Fields["poll"].(int); e.Step == StepWait && poll >= n {
			d.once.Do(func() { close(d.done) })
		}
	}
}
