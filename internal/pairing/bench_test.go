package pairing_test

// Benchmarks of the pairing workflow against the lab farm (main DESIGN.md §6
// of the shared design: "Benchmarks report ratios measured in one run: apply
// time against the critical-path bound of the lab farm's latency profile, and
// against the seed's procedure run step by step").
//
//	go test -run '^$' -bench . -benchtime 3x ./internal/pairing/
//
// They only run with -bench. Every iteration starts two fresh default lab
// farms (internal/labfarm, real WinRM on loopback) and measures, in farm
// time (the farm clock; wall time divided by the scale):
//
//   - the provider: pairing.Workflow.Pair of pool01 <-> pool02 through the
//     real winrm client and the lync scripts, as `terraform apply` runs it;
//   - the seed's procedure run step by step (bench_manual_test.go): one PowerShell
//     invocation per seed command, servers one after another.
//
// and reports, per op:
//
//	farm-s/op               the provider's apply time in farm seconds
//	bound-farm-s            the critical-path bound (criticalPath below)
//	ratio_to_critical_path  provider / bound (1.0 is perfect)
//	manual-farm-s/op        the step-by-step procedure
//	ratio_to_manual         provider / manual (< 1: faster than by hand)
//	winrm-cmds/op           WinRS commands the provider ran (State().WinRM)
//	manual-winrm-cmds/op    WinRS commands of the step-by-step procedure
//
// ns/op is the provider's wall time only (farm setup and the manual run are
// outside the timer).

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lyncdr/terraform-provider-lync/internal/labfarm"
	"github.com/lyncdr/terraform-provider-lync/internal/labfarm/farm"
	"github.com/lyncdr/terraform-provider-lync/internal/lync"
	"github.com/lyncdr/terraform-provider-lync/internal/pairing"
	"github.com/lyncdr/terraform-provider-lync/internal/winrm"
)

const (
	benchPool       = "pool01.contoso.com"
	benchBackupPool = "pool02.contoso.com"
	benchMgmtHost   = "fe01.contoso.com"
)

// benchScale is the farm's time scale (wall seconds per farm second). At
// 0.002 a farm second lasts 2 ms: the provider's ~10 farm minutes take
// ~1.2 s and the step-by-step procedure's ~27 take ~3.3 s, so an iteration
// (both) takes ~4.5 s. The emulator's own work per WinRS command (HTTP,
// shell, interpreting the script; measured ~2.5 ms for a one-liner and
// ~10-15 ms for the provider's scripts, which carry the topology document)
// is then 1-8 farm seconds per command against the 10-250 farm seconds each
// command models: it inflates the provider's farm time by ~8% (~45 farm s
// over ~25 commands). LYNC_BENCH_SCALE overrides the scale: 0.01 shrinks
// that overhead five-fold and makes an iteration last ~22 s.
const benchScale = 0.002

// Poll intervals of the workflow, in FARM time; they are converted to the
// wall-clock values pairing.Options takes. A status poll costs the farm
// PowerShellStart + ModuleImport + 2×BackupServiceCall = 14 farm seconds by
// itself, so sleeping 1 s, growing to 2 s, between polls adds at most ~2 s
// (+ one poll) to the detection of steady state: the ratio measures the
// workflow, not our sleeping. The provider's defaults (15 s growing to
// 2 min) would add up to about two more minutes to an apply; that is a
// setting (status_poll_interval), not part of the workflow's structure.
const (
	benchPollFarm    = 1 * time.Second
	benchMaxPollFarm = 2 * time.Second
)

func scaleOf(b *testing.B) float64 {
	if v := os.Getenv("LYNC_BENCH_SCALE"); v != "" {
		s, err := strconv.ParseFloat(v, 64)
		if err != nil || s < farm.MinScale || s > 1 {
			b.Fatalf("LYNC_BENCH_SCALE=%q: want a number between %g and 1", v, farm.MinScale)
		}
		return s
	}
	return benchScale
}

// wallOf converts a farm duration to wall time at scale.
func wallOf(d time.Duration, scale float64) time.Duration {
	return time.Duration(float64(d) * scale)
}

// BenchmarkPair measures Workflow.Pair and the step-by-step procedure in the
// same iteration and reports the two ratios. Sub-benchmarks:
//
//   - server_parallelism=4: the provider's default (server_parallelism = 4),
//     which is what `terraform apply` does out of the box;
//   - server_parallelism=6: every Front End of the two pools at once, the
//     parallelism the critical-path bound assumes.
func BenchmarkPair(b *testing.B) {
	for _, par := range []int{4, 6} {
		b.Run(fmt.Sprintf("server_parallelism=%d", par), func(b *testing.B) { benchPair(b, par) })
	}
}

func benchPair(b *testing.B, parallelism int) {
	scale := scaleOf(b)
	var (
		provider, manual     time.Duration
		provCmds, manualCmds int
		bound                time.Duration
		terms                []pathTerm
		lastPhases, lastMan  string
	)
	b.ResetTimer()
	b.StopTimer()
	for i := 0; i < b.N; i++ {
		// The provider.
		r := startBenchFarm(b, scale)
		bound, terms = criticalPath(r.farm.Model().Latency())
		tl := &timeline{clock: r.farm.Model().Clock()}
		w := pairing.New(r.lync, pairing.Options{
			ManagementHost:    benchMgmtHost,
			ServerParallelism: parallelism,
			PollInterval:      wallOf(benchPollFarm, scale),
			MaxPollInterval:   wallOf(benchMaxPollFarm, scale),
			Progress:          tl.record,
		})
		spec := pairing.Spec{PoolFqdn: benchPool, BackupPoolFqdn: benchBackupPool, Voice: pairing.VoiceFailover{Enabled: true}}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		tl.start()
		b.StartTimer()
		st, err := w.Pair(ctx, spec)
		b.StopTimer()
		d := tl.stop()
		cancel()
		if err != nil {
			r.close()
			b.Fatalf("Pair: %v", err)
		}
		if !st.Converged {
			r.close()
			b.Fatalf("Pair returned a state that is not converged: %+v", st)
		}
		provider += d
		provCmds += r.commands()
		lastPhases = tl.phases(d)
		r.close()

		// The seed's procedure, step by step, on a fresh farm.
		m := startBenchFarm(b, scale)
		md, mphases, err := runManual(m, wallOf(benchPollFarm, scale))
		if err != nil {
			m.close()
			b.Fatalf("step-by-step procedure: %v", err)
		}
		manual += md
		manualCmds += m.commands()
		lastMan = mphases
		m.close()
	}
	n := float64(b.N)
	prov := provider.Seconds() / n
	man := manual.Seconds() / n
	b.ReportMetric(prov, "farm-s/op")
	b.ReportMetric(bound.Seconds(), "bound-farm-s")
	b.ReportMetric(prov/bound.Seconds(), "ratio_to_critical_path")
	b.ReportMetric(man, "manual-farm-s/op")
	b.ReportMetric(prov/man, "ratio_to_manual")
	b.ReportMetric(float64(provCmds)/n, "winrm-cmds/op")
	b.ReportMetric(float64(manualCmds)/n, "manual-winrm-cmds/op")
	logBound.Do(func() { b.Logf("critical-path bound %s = %s", fmtFarm(bound), describeTerms(terms)) })
	b.Logf("last provider run (farm s): %s", lastPhases)
	b.Logf("last step-by-step run (farm s): %s", lastMan)
}

var logBound sync.Once

// pathTerm is one latency on the critical path, for the log.
type pathTerm struct {
	name string
	d    time.Duration
}

// criticalPath is the shortest farm time in which ANY client can carry out
// the seed's procedure on the default farm (two 3-server Enterprise pools),
// given the lab farm's latency profile l. Each seed step starts once the
// step it depends on has finished (nothing speculative: no Bootstrapper
// started before the topology is enabled, no process pre-started and left
// waiting), independent work runs in parallel, and a PowerShell process does
// its cmdlets one after another. The chain is:
//
//  1. Topology, one process on the management host:
//     PowerShellStart + ModuleImport + TopologyRead (Get-CsTopology: the
//     document must be read to be edited) + TopologyPublish + TopologyEnable.
//     Bootstrapper.exe follows the ENABLED topology, so everything below
//     waits for Enable-CsTopology.
//  2. Backup Service, all six Front End servers at once, each in one process:
//     PowerShellStart + BootstrapperCheck + BootstrapperInstall (the MSI) +
//     ModuleImport (Start-CsWindowsService is a Lync cmdlet; Bootstrapper.exe
//     itself needs no module, and one process pays the import once) +
//     ServiceStart (LYNCBACKUP counts for the Backup Service only once it is
//     Running). The servers are identical, so the slowest is any of them.
//  3. Sync: Invoke-CsBackupServiceSync needs LYNCBACKUP running in both
//     pools. One process per pool, in parallel: PowerShellStart +
//     ModuleImport + BackupServiceCall; the direction's initial sync starts
//     when the call returns. Forcing it beats waiting for the automatic
//     first sync (SyncInterval after the service runs) as long as
//     PowerShellStart + ModuleImport + BackupServiceCall < SyncInterval.
//  4. Convergence: InitialSync (NonSteadyState, then SteadyState).
//
// Observing steady state adds nothing to the bound: a status read that
// started BackupServiceCall before the instant samples it exactly then.
// Not on the path: the provider's safety reads (Get-CsPoolBackupRelationship
// post-conditions, Get-CsPool/Get-CsWindowsService state reads, the final
// confirmation), which the seed does not require; they are part of what the
// ratio measures.
func criticalPath(l farm.Latency) (time.Duration, []pathTerm) {
	forced := l.PowerShellStart + l.ModuleImport + l.BackupServiceCall
	terms := []pathTerm{
		{"topology: PowerShellStart", l.PowerShellStart},
		{"ModuleImport", l.ModuleImport},
		{"TopologyRead", l.TopologyRead},
		{"TopologyPublish", l.TopologyPublish},
		{"TopologyEnable", l.TopologyEnable},
		{"servers in parallel: PowerShellStart", l.PowerShellStart},
		{"BootstrapperCheck", l.BootstrapperCheck},
		{"BootstrapperInstall", l.BootstrapperInstall},
		{"ModuleImport", l.ModuleImport},
		{"ServiceStart", l.ServiceStart},
	}
	if forced < l.SyncInterval {
		terms = append(terms,
			pathTerm{"sync per pool in parallel: PowerShellStart", l.PowerShellStart},
			pathTerm{"ModuleImport", l.ModuleImport},
			pathTerm{"BackupServiceCall", l.BackupServiceCall})
	} else {
		terms = append(terms, pathTerm{"automatic first sync: SyncInterval", l.SyncInterval})
	}
	terms = append(terms, pathTerm{"InitialSync", l.InitialSync})
	var total time.Duration
	for _, t := range terms {
		total += t.d
	}
	return total, terms
}

func describeTerms(terms []pathTerm) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = t.name + " " + fmtFarm(t.d)
	}
	return strings.Join(parts, " + ")
}

func fmtFarm(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 0, 64) }

// benchFarm is a lab farm and the provider's client stack wired to it as
// internal/acctest does.
type benchFarm struct {
	farm  *labfarm.Farm
	winrm *winrm.Client
	lync  *lync.Client
}

func startBenchFarm(b *testing.B, scale float64) *benchFarm {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	f, err := labfarm.Start(ctx, labfarm.Options{Scale: scale})
	if err != nil {
		b.Fatal(err)
	}
	user, password := f.Credentials()
	wc, err := winrm.New(winrm.Config{Port: f.WinRMPort(), Username: user, Password: password,
		Addresses: map[string]string{"*": f.WinRMAddr()}})
	if err != nil {
		_ = f.Close()
		b.Fatal(err)
	}
	return &benchFarm{farm: f, winrm: wc, lync: lync.New(lync.OverWinRM(wc), lync.Options{})}
}

// commands is the number of WinRS commands the farm ran, over all hosts.
func (r *benchFarm) commands() int {
	n := 0
	for _, s := range r.farm.State().WinRM {
		n += s.Commands
	}
	return n
}

func (r *benchFarm) close() {
	_ = r.winrm.Close()
	_ = r.farm.Close()
}

// timeline stamps the workflow's progress events with farm time, to break
// the apply down into phases.
type timeline struct {
	clock *farm.Clock
	t0    time.Time
	mu    sync.Mutex
	marks []mark
}

type mark struct {
	at         time.Duration
	step, text string
}

func (t *timeline) start() { t.t0 = t.clock.Now() }

func (t *timeline) stop() time.Duration { return t.clock.Now().Sub(t.t0) }

func (t *timeline) record(e pairing.Event) {
	at := t.clock.Now().Sub(t.t0)
	t.mu.Lock()
	t.marks = append(t.marks, mark{at, e.Step, e.Message})
	t.mu.Unlock()
}

// phases summarizes the timeline: the farm time at which each phase ended.
func (t *timeline) phases(total time.Duration) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	// first and last return -1 when no event matches.
	first := func(step, prefix string) time.Duration {
		for _, m := range t.marks {
			if m.step == step && strings.HasPrefix(m.text, prefix) {
				return m.at
			}
		}
		return -1
	}
	last := func(step, contains string) time.Duration {
		at := time.Duration(-1)
		for _, m := range t.marks {
			if m.step == step && strings.Contains(m.text, contains) {
				at = m.at
			}
		}
		return at
	}
	var parts []string
	add := func(name string, at time.Duration) {
		if at >= 0 {
			parts = append(parts, fmt.Sprintf("%s@%s", name, fmtFarm(at)))
		}
	}
	add("published+enabled", first(pairing.StepTopology, "Get-CsPoolBackupRelationship shows"))
	add("services-started", first(pairing.StepBackupService, "ensuring LYNCBACKUP"))
	add("services-done", last(pairing.StepBackupService, "LYNCBACKUP is"))
	add("sync-invoked", first(pairing.StepSync, "Invoke-CsBackupServiceSync"))
	polls := 0
	for _, m := range t.marks {
		if m.step == pairing.StepWait {
			polls++
		}
	}
	add(fmt.Sprintf("steady(%d polls)", polls), first(pairing.StepWait, "the Backup Service is steady"))
	add("confirmed", first(pairing.StepConfirm, ""))
	parts = append(parts, "total "+fmtFarm(total))
	return strings.Join(parts, ", ")
}
