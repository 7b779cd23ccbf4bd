package labfarm

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lyncdr/terraform-provider-lync/internal/labfarm/farm"
)

// The seed's procedure driven by pywinrm (Ansible's WinRM library, Debian's
// python3-winrm 0.3.0) instead of the Go client: testdata/seed_pywinrm.py
// pairs the pools in the topology with PowerShell (Get-CsTopology -AsXml,
// an [xml] edit, Publish-CsTopology -Document, Enable-CsTopology), runs the
// seed's steps 8-10 exactly as the seed writes them and then the negative
// cases below, and prints one JSON line per command. This test checks the
// report and the farm's state through the control API.

// pywinrmPython is the interpreter Debian's python3-winrm installs for; the
// python3 first on PATH may be another one.
const pywinrmPython = "/usr/bin/python3"

// pywinrmReport is one line of seed_pywinrm.py's output: a command, or the
// final result (Step "result").
type pywinrmReport struct {
	Step         string `json:"step"`
	Host         string `json:"host"`
	Command      string `json:"command"`
	StatusCode   *int   `json:"status_code"`
	Stdout       string `json:"stdout"`
	Stderr       string `json:"stderr"`
	StderrCLIXML bool   `json:"stderr_clixml"`
	Error        string `json:"error"`
	Message      string `json:"message"`

	OK                bool                `json:"ok"`
	Steady            map[string]bool     `json:"steady"`
	Polls             int                 `json:"polls"`
	FrontEnds         map[string][]string `json:"front_ends"`
	CMSPool           string              `json:"cms_pool"`
	TopologyPublished bool                `json:"topology_published"`
}

func (r pywinrmReport) code() int {
	if r.StatusCode == nil {
		return -1
	}
	return *r.StatusCode
}

// The seed's commands as the script must have sent them.
const (
	pywinrmBootstrapper = `& 'C:\Program Files\Microsoft Lync Server 2013\Deployment\Bootstrapper.exe'`
	pywinrmStartBackup  = "Start-CsWindowsService -Name LYNCBACKUP"
)

// pywinrmNegatives run after the procedure; each must fail with exit code 1
// (powershell.exe -EncodedCommand when the last statement failed) and these
// texts on stderr once the CLIXML is decoded.
var pywinrmNegatives = []struct {
	host, command string
	want          []string
}{
	{"fe07.contoso.com", "Invoke-CsBackupServiceSync -PoolFqdn pool03.contoso.com", []string{
		`Invoke-CsBackupServiceSync : Pool "pool03.contoso.com" does not have a backup pool.`,
		"FullyQualifiedErrorId : NoBackupPool,"}},
	{"fe07.contoso.com", pywinrmStartBackup, []string{
		"Start-CsWindowsService : Cannot find any service with service name 'LYNCBACKUP'.",
		"CategoryInfo          : ObjectNotFound"}},
	{"fe01.contoso.com", "Get-CsFoo", []string{
		"Get-CsFoo : The term 'Get-CsFoo' is not recognized as the name of a cmdlet, function, script file, or operable program.",
		"FullyQualifiedErrorId : CommandNotFoundException"}},
	{"fe01.contoso.com", "Get-CsBackupServiceStatus -PoolFqdn pool01.contoso.com -Bogus 1", []string{
		"Get-CsBackupServiceStatus : A parameter cannot be found that matches parameter name 'Bogus'.",
		"FullyQualifiedErrorId : NamedParameterNotFound"}},
}

// parseModuleTable reads the Identity/ExportStatus/ImportStatus rows of a
// default table view; a cell cut to the column width ("NotInitia...") is
// read as the status it starts.
func parseModuleTable(text string) []farm.ModuleState {
	exports := []string{farm.ExportNotInitialized, farm.ExportNonSteadyState, farm.ExportSteadyState, farm.ExportFinalState, farm.ExportErrorState}
	imports := []string{farm.ImportNormalState, farm.ImportErrorState}
	cell := func(v string, states []string) string {
		if prefix, ok := strings.CutSuffix(v, "..."); ok {
			for _, s := range states {
				if strings.HasPrefix(s, prefix) {
					return s
				}
			}
		}
		return v
	}
	var mods []farm.ModuleState
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) == 3 && strings.Contains(f[0], ".") && f[0] != "--------" {
			mods = append(mods, farm.ModuleState{Identity: f[0], ExportStatus: cell(f[1], exports), ImportStatus: cell(f[2], imports)})
		}
	}
	return mods
}

func TestPywinrmSeedProcedure(t *testing.T) {
	requireInterpreter(t)
	if out, err := exec.Command(pywinrmPython, "-c", "import winrm").CombinedOutput(); err != nil {
		t.Fatalf("%s cannot import pywinrm (%v: %s); install it with: apt-get update && apt-get install -y python3-winrm",
			pywinrmPython, err, out)
	}
	f := startTestFarm(t, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	user, password := f.Credentials()
	args := []string{"testdata/seed_pywinrm.py", "--winrm", f.WinRMURL(), "--user", user, "--password", password,
		"--pool1", seedPool1, "--pool2", seedPool2, "--interval", "0.02", "--timeout", "30"}
	for _, n := range pywinrmNegatives {
		args = append(args, "--run", n.host, n.command)
	}
	cmd := exec.CommandContext(ctx, pywinrmPython, args...)
	cmd.Env = append(os.Environ(), "NO_PROXY=127.0.0.1", "no_proxy=127.0.0.1", "PYTHONUTF8=1", "PYTHONDONTWRITEBYTECODE=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	t.Logf("seed_pywinrm.py ran %d commands in %v", strings.Count(stdout.String(), "\n")-1, time.Since(start).Round(time.Millisecond))
	if err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			t.Fatalf("seed_pywinrm.py: %v", err)
		}
		t.Errorf("seed_pywinrm.py exited %d (1: a seed step failed or no steady state)\nstderr:\n%s", exit.ExitCode(), stderr.String())
	}

	var reports []pywinrmReport
	byStep := map[string][]pywinrmReport{}
	perHost := map[string]int{}
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var r pywinrmReport
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("seed_pywinrm.py printed %q: %v", sc.Text(), err)
		}
		reports = append(reports, r)
		byStep[r.Step] = append(byStep[r.Step], r)
		if r.Step != "result" {
			perHost[r.Host]++
		}
	}
	if len(reports) == 0 || reports[len(reports)-1].Step != "result" {
		t.Fatalf("no result line; stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	}
	result := reports[len(reports)-1]

	// Every command of the procedure went through pywinrm and exited 0.
	for _, r := range reports {
		if r.Step == "extra" || r.Step == "result" {
			continue
		}
		if r.Error != "" || r.code() != 0 {
			t.Errorf("step %s on %s: %s: exit %d %s %s\nstdout:\n%s\nstderr:\n%s",
				r.Step, r.Host, r.Command, r.code(), r.Error, r.Message, r.Stdout, r.Stderr)
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	// Discovery and setup (steps 2-6, in PowerShell through pywinrm).
	pools := []string{seedPool1, seedPool2}
	wantFE := map[string][]string{
		seedPool1: {"fe01.contoso.com", "fe02.contoso.com", "fe03.contoso.com"},
		seedPool2: {"fe04.contoso.com", "fe05.contoso.com", "fe06.contoso.com"},
	}
	for _, p := range pools {
		if !slices.Equal(result.FrontEnds[p], wantFE[p]) {
			t.Errorf("front ends of %s from Get-CsPool: %v", p, result.FrontEnds[p])
		}
	}
	if result.CMSPool != seedPool1 {
		t.Errorf("CMS pool from Get-CsService -CentralManagement: %q", result.CMSPool)
	}
	setup := byStep["setup"]
	if !result.TopologyPublished || len(setup) != 3 ||
		!strings.Contains(setup[1].Command, "(Get-CsTopology -AsXml).ToString()") ||
		!strings.Contains(setup[1].Command, "Publish-CsTopology -Document") || setup[2].Command != "Enable-CsTopology" {
		t.Fatalf("topology setup: published=%v, %d commands", result.TopologyPublished, len(setup))
	}
	frontEnds := append(slices.Clone(wantFE[seedPool1]), wantFE[seedPool2]...)

	// Step 8: Bootstrapper.exe on every Front End, with its progress lines.
	hostsOf := func(rs []pywinrmReport) []string {
		var hs []string
		for _, r := range rs {
			hs = append(hs, r.Host)
		}
		return hs
	}
	if got := hostsOf(byStep["8"]); !slices.Equal(got, frontEnds) {
		t.Fatalf("Bootstrapper ran on %v, want %v", got, frontEnds)
	}
	for _, r := range byStep["8"] {
		if r.Command != pywinrmBootstrapper {
			t.Errorf("step 8 command %q", r.Command)
		}
		for _, line := range []string{
			"Checking prerequisites for bootstrapper...prerequisites satisfied.",
			"Checking for roles to install per the topology of " + r.Host,
			"Installing BackupService.msi(Feature_BackupService)...success",
			"Bootstrapper.exe has completed successfully.",
		} {
			if !strings.Contains(r.Stdout, line) {
				t.Errorf("Bootstrapper on %s: no %q in\n%s", r.Host, line, r.Stdout)
			}
		}
	}

	// Step 9: Start-CsWindowsService, then Get-CsWindowsService says Running.
	running := regexp.MustCompile(`(?m)^Running\s+LYNCBACKUP\s`)
	for _, step := range []string{"9", "9-check"} {
		if got := hostsOf(byStep[step]); !slices.Equal(got, frontEnds) {
			t.Fatalf("step %s ran on %v, want %v", step, got, frontEnds)
		}
	}
	for _, r := range byStep["9"] {
		if r.Command != pywinrmStartBackup || !strings.Contains(r.Stdout, "Service LYNCBACKUP started on "+r.Host+".") {
			t.Errorf("step 9 on %s: %q\n%s", r.Host, r.Command, r.Stdout)
		}
	}
	for _, r := range byStep["9-check"] {
		if !strings.Contains(r.Stdout, "Running") || !running.MatchString(r.Stdout) {
			t.Errorf("Get-CsWindowsService -Name LYNCBACKUP on %s:\n%s", r.Host, r.Stdout)
		}
	}

	// Step 10: the forced syncs, then the status polls.
	sync := byStep["10-sync"]
	if len(sync) != 2 || sync[0].Command != "Invoke-CsBackupServiceSync -PoolFqdn "+seedPool1 ||
		sync[1].Command != "Invoke-CsBackupServiceSync -PoolFqdn "+seedPool2 {
		t.Fatalf("step 10 syncs: %+v", sync)
	}
	for _, r := range sync {
		if strings.TrimSpace(r.Stdout) != "" {
			t.Errorf("Invoke-CsBackupServiceSync printed %q (Outputs: None)", r.Stdout)
		}
	}
	partner := map[string]string{seedPool1: seedPool2, seedPool2: seedPool1}
	last := map[string][]farm.ModuleState{}
	for _, r := range byStep["10-status"] {
		pool, ok := strings.CutPrefix(r.Command, "Get-CsBackupServiceStatus -PoolFqdn ")
		if !ok || partner[pool] == "" {
			t.Fatalf("step 10 status command %q", r.Command)
		}
		if !strings.Contains(r.Stdout, "PoolFqdn") || !strings.Contains(r.Stdout, "BackupModules") ||
			!regexp.MustCompile(regexp.QuoteMeta(pool)+`\s+`+regexp.QuoteMeta(partner[pool])).MatchString(r.Stdout) {
			t.Errorf("%s on %s:\n%s", r.Command, r.Host, r.Stdout)
		}
	}
	var seen []string
	for _, r := range byStep["10-modules"] {
		pool := strings.TrimSuffix(strings.TrimPrefix(r.Command, "(Get-CsBackupServiceStatus -PoolFqdn "), ").BackupModules")
		if partner[pool] == "" {
			t.Fatalf("step 10 modules command %q", r.Command)
		}
		if !strings.Contains(r.Stdout, "Identity") || !strings.Contains(r.Stdout, "ExportStatus") || !strings.Contains(r.Stdout, "ImportStatus") {
			t.Errorf("%s: no table header:\n%s", r.Command, r.Stdout)
		}
		mods := parseModuleTable(r.Stdout)
		last[pool] = mods
		for _, m := range mods {
			seen = append(seen, pool+" "+m.Identity+" "+m.ExportStatus)
		}
	}
	t.Logf("%d status polls; statuses seen: %v", result.Polls, compactSeen(seen))
	for _, pool := range pools {
		mods := last[pool]
		var ids []string
		for _, m := range mods {
			ids = append(ids, m.Identity)
		}
		if !slices.Equal(ids, []string{farm.ModulePresenceFocus, farm.ModuleDataConf, farm.ModuleCMSMaster}) {
			t.Fatalf("modules of %s: %+v", pool, mods)
		}
		if !farm.IsSteady(pool, seedPool1, mods) || !result.Steady[pool] {
			t.Errorf("%s not steady at the last poll: %+v (script: %v)", pool, mods, result.Steady)
		}
		cms := mods[2].ExportStatus
		if pool == seedPool1 && cms != farm.ExportSteadyState && cms != farm.ExportFinalState ||
			pool == seedPool2 && cms != farm.ExportNotInitialized {
			t.Errorf("CMS module of %s exports %s", pool, cms)
		}
	}
	if !result.OK {
		t.Errorf("script result: %+v", result)
	}

	// The negative cases: exit code 1 and PowerShell's error on stderr.
	extra := byStep["extra"]
	if len(extra) != len(pywinrmNegatives) {
		t.Fatalf("%d extra commands, want %d", len(extra), len(pywinrmNegatives))
	}
	for i, n := range pywinrmNegatives {
		r := extra[i]
		if r.Host != n.host || r.Command != n.command || r.Error != "" {
			t.Errorf("extra %d: %+v", i, r)
			continue
		}
		if r.code() != 1 || strings.TrimSpace(r.Stdout) != "" || !r.StderrCLIXML {
			t.Errorf("%s on %s: exit %d, CLIXML %v, stdout %q", n.command, n.host, r.code(), r.StderrCLIXML, r.Stdout)
		}
		for _, w := range n.want {
			if !strings.Contains(r.Stderr, w) {
				t.Errorf("%s on %s: stderr lacks %q:\n%s", n.command, n.host, w, r.Stderr)
			}
		}
		if strings.Contains(r.Stderr, "_x000D_") || strings.Contains(r.Stderr, "<S ") {
			t.Errorf("%s: stderr not decoded:\n%s", n.command, r.Stderr)
		}
	}

	// The farm agrees (control API).
	st, err := f.Client().State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, pool := range pools {
		p, ok := st.Pool(pool)
		if !ok || p.BackupPool != partner[pool] || p.EnabledBackupPool != partner[pool] {
			t.Errorf("control API pool %s: %+v", pool, p)
		}
		for _, s := range p.Servers {
			if s.LyncBackup != farm.StatusRunning {
				t.Errorf("control API: LYNCBACKUP on %s is %s", s.Fqdn, s.LyncBackup)
			}
		}
		d, ok := st.Direction(pool)
		if !ok || d.BackupPool != partner[pool] || !d.Active || !d.Steady || len(d.Modules) != 3 {
			t.Errorf("control API direction %s: %+v", pool, d)
			continue
		}
		for i, m := range d.Modules {
			text := last[pool][i]
			// SteadyState in the text may have become FinalState since.
			nowFinal := text.ExportStatus == farm.ExportSteadyState && m.ExportStatus == farm.ExportFinalState
			if m.Identity != text.Identity || m.ImportStatus != text.ImportStatus ||
				m.ExportStatus != text.ExportStatus && !nowFinal {
				t.Errorf("control API %s module %+v, last Get-CsBackupServiceStatus %+v", pool, m, text)
			}
		}
	}
	if p, _ := st.Pool("pool03.contoso.com"); p.BackupPool != "" {
		t.Errorf("pool03 paired: %+v", p)
	} else {
		for _, s := range p.Servers {
			if s.LyncBackup != farm.StatusNotInstalled {
				t.Errorf("control API: LYNCBACKUP on %s is %s", s.Fqdn, s.LyncBackup)
			}
		}
	}
	if _, ok := st.Direction("pool03.contoso.com"); ok {
		t.Error("control API: a Backup Service direction for pool03")
	}
	// The Host header routed every command to its server, one shell each,
	// and pywinrm deleted every shell.
	for host, n := range perHost {
		if w := st.WinRM[host]; w.Commands != n || w.Shells != n || w.OpenShells != 0 {
			t.Errorf("WinRM counters of %s: %+v, want %d commands in %d closed shells", host, w, n, n)
		}
	}
	for host, w := range st.WinRM {
		if perHost[host] == 0 && w.Commands != 0 {
			t.Errorf("WinRM counters of %s: %+v, but the script sent it nothing", host, w)
		}
	}
}

// compactSeen sorts the statuses seen and drops duplicates.
func compactSeen(seen []string) []string {
	slices.Sort(seen)
	return slices.Compact(seen)
}
