package lync_test

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lyncdr/terraform-provider-lync/internal/labfarm/farm"
	"github.com/lyncdr/terraform-provider-lync/internal/labfarm/ps"
	"github.com/lyncdr/terraform-provider-lync/internal/lync"
	"github.com/lyncdr/terraform-provider-lync/internal/lync/topology"
)

// The tests in this file run the rendered scripts through the lab farm's
// PowerShell interpreter against its farm model, in process (no WinRM): the
// interpreter and the model are an independent implementation of the other
// side of every script. A test can replace single cmdlets of a host to play
// a real server that behaves differently from the model.

// farmRunner is a lync.Runner that runs each script as one powershell.exe
// process on a farm host.
type farmRunner struct {
	f *farm.Farm

	mu        sync.Mutex
	overrides map[string]*ps.Cmdlet // lower-case cmdlet name -> replacement, on every host
	bound     map[string][]map[string]ps.Value
}

func newFarmRunner(t *testing.T) *farmRunner {
	t.Helper()
	def := farm.DefaultDefinition()
	// Every latency zero: farm time moves only when a test advances it.
	lat := farm.Latency{SyncInterval: 2 * time.Minute, InitialSync: 3 * time.Minute}
	def.Latency = &lat
	f, err := farm.New(def, 1)
	if err != nil {
		t.Fatal(err)
	}
	return &farmRunner{f: f, overrides: map[string]*ps.Cmdlet{}, bound: map[string][]map[string]ps.Value{}}
}

// override replaces a cmdlet on every host.
func (r *farmRunner) override(c *ps.Cmdlet) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.overrides[strings.ToLower(c.Name)] = c
}

// calls returns the parameters of every call of a cmdlet so far.
func (r *farmRunner) calls(name string) []map[string]ps.Value {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.bound[strings.ToLower(name)]
}

func (r *farmRunner) Run(ctx context.Context, host, script string) (string, string, int, error) {
	var stdout, stderr bytes.Buffer
	env := ps.Env{Host: strings.ToLower(host), Commands: &hostCommands{r: r, inner: r.f.Session(host)},
		Stdout: &stdout, Stderr: &stderr, Sleep: r.f.Clock().Sleep}
	code := ps.Run(ctx, &env, script)
	return stdout.String(), stderr.String(), code, nil
}

// hostCommands are a farm session's commands with the runner's overrides,
// recording the parameters of every cmdlet call.
type hostCommands struct {
	r     *farmRunner
	inner *farm.Session
}

func (h *hostCommands) Cmdlet(name string) *ps.Cmdlet {
	h.r.mu.Lock()
	c := h.r.overrides[strings.ToLower(name)]
	h.r.mu.Unlock()
	if c == nil {
		c = h.inner.Cmdlet(name)
	}
	if c == nil {
		return nil
	}
	rec := *c
	rec.Invoke = func(call *ps.Call) error {
		h.r.mu.Lock()
		k := strings.ToLower(c.Name)
		h.r.bound[k] = append(h.r.bound[k], call.Bound)
		h.r.mu.Unlock()
		return c.Invoke(call)
	}
	return &rec
}

func (h *hostCommands) Native(path string) *ps.Native { return h.inner.Native(path) }

const (
	mgmt   = "fe01.contoso.com"
	pool01 = "pool01.contoso.com"
	pool02 = "pool02.contoso.com"
)

// pair pairs pool01 and pool02 through the provider's publish script.
func pair(t *testing.T, c *lync.Client) *lync.PublishResult {
	t.Helper()
	ctx := context.Background()
	top, err := c.ReadTopology(ctx, mgmt, []string{pool01, pool02})
	if err != nil {
		t.Fatal(err)
	}
	next, err := topology.SetPairing(top.XML, pool01, pool02, topology.Voice{Enabled: true, FailureDetection: 2 * time.Minute, FailbackDetection: 4 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.PublishTopologyResult(ctx, mgmt, top.XML, next, []string{pool01, pool02})
	if err != nil {
		t.Fatalf("publish: %v", err)
	}
	return res
}

// TestPublishKeepsSimpleURLs: the farm's Publish-CsTopology empties the
// simple URL collections, as the help warns; after the provider's publish
// script they are exactly what they were, and the result says which were
// put back.
func TestPublishKeepsSimpleURLs(t *testing.T) {
	r := newFarmRunner(t)
	site := farm.SimpleURLConfig{Identity: "Site:Dublin", SimpleURLs: []farm.SimpleURL{{Component: "meet", Domain: "contoso.com",
		Entries: []string{"https://meet-dub.contoso.com", "https://contoso.com/meet"}, ActiveURL: "https://meet-dub.contoso.com"}}}
	if err := r.f.SetSimpleURLConfig(site); err != nil {
		t.Fatal(err)
	}
	if err := r.f.SetSimpleURLConfig(farm.SimpleURLConfig{Identity: "Site:Tokyo", SimpleURLs: []farm.SimpleURL{}}); err != nil {
		t.Fatal(err)
	}
	before := r.f.SimpleURLs()
	if len(before) != 3 || len(before[0].SimpleURLs) != 3 {
		t.Fatalf("farm simple URLs: %+v", before)
	}
	c := lync.New(r, lync.Options{})
	res := pair(t, c)
	if got := r.f.SimpleURLs(); !reflect.DeepEqual(got, before) {
		t.Errorf("simple URLs after the publish script:\n%+v\nwant\n%+v", got, before)
	}
	if want := []string{"Global", "Site:Dublin"}; !reflect.DeepEqual(res.RestoredSimpleURLs, want) {
		t.Errorf("restored %q, want %q (the empty Site:Tokyo had nothing to lose)", res.RestoredSimpleURLs, want)
	}
	if rel, ok := res.Relations.Get(pool01); !ok || rel.BackupPoolFqdn != pool02 || rel.Error != "" {
		t.Errorf("relations %+v", res.Relations)
	}
	if got := r.f.Enabled().Partner(pool01); got != pool02 {
		t.Errorf("enabled partner of pool01: %q", got)
	}
	for _, b := range r.calls("Publish-CsTopology") {
		if b["Confirm"] != false || b["Force"] != true {
			t.Errorf("Publish-CsTopology bound %v", b)
		}
	}
	if n := len(r.calls("Add-Type")); n != 1 {
		t.Errorf("Add-Type ran %d times", n)
	}

	// A refused publish (the topology changed meanwhile) touches nothing.
	top, err := c.ReadTopology(context.Background(), mgmt, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.PublishTopologyResult(context.Background(), mgmt, top.XML+" ", top.XML, nil); !errors.Is(err, lync.ErrTopologyChanged) {
		t.Errorf("stale publish: %v", err)
	}
	// Once to save them all, once per collection after publishing, once more
	// after each of the 2 restores; nothing for the refused publish.
	if n := len(r.calls("Get-CsSimpleUrlConfiguration")); n != 1+3+2 {
		t.Errorf("Get-CsSimpleUrlConfiguration ran %d times, want 6", n)
	}
	if n := len(r.calls("Set-CsSimpleUrlConfiguration")); n != 2 {
		t.Errorf("Set-CsSimpleUrlConfiguration ran %d times, want 2", n)
	}
}

// TestPublishSimpleURLRestoreFails: when a simple URL configuration cannot be
// written back, the error is a *SimpleURLError that names it and the URLs it
// held; the pairing is published all the same.
func TestPublishSimpleURLRestoreFails(t *testing.T) {
	r := newFarmRunner(t)
	r.override(&ps.Cmdlet{Name: "Set-CsSimpleUrlConfiguration",
		Params: []ps.Param{{Name: "Instance", Type: ps.TypeObject, Position: -1}, {Name: "Force", Type: ps.TypeSwitch, Position: -1}, {Name: "Confirm", Type: ps.TypeSwitch, Position: -1}},
		Invoke: func(*ps.Call) error {
			return ps.NewError("PermissionDenied", "AccessDenied,SetSimpleUrlConfigurationCmdlet", "Global", "Access to the Central Management store is denied.")
		}})
	c := lync.New(r, lync.Options{})
	top, err := c.ReadTopology(context.Background(), mgmt, nil)
	if err != nil {
		t.Fatal(err)
	}
	next, err := topology.SetPairing(top.XML, pool01, pool02, topology.Voice{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.PublishTopologyResult(context.Background(), mgmt, top.XML, next, []string{pool01, pool02})
	var se *lync.SimpleURLError
	if !errors.As(err, &se) {
		t.Fatalf("error %T %v", err, err)
	}
	if len(se.Failed) != 1 || se.Failed[0].Identity != "Global" || len(se.Failed[0].SimpleURLs) != 3 || se.Failed[0].SimpleURLs[0].ActiveURL != "https://meet.contoso.com" {
		t.Errorf("failed %+v", se.Failed)
	}
	for _, want := range []string{"fe01.contoso.com", "Global", "Access to the Central Management store is denied.", "meet contoso.com https://meet.contoso.com",
		"dialin * https://dialin.contoso.com", "Set-CsSimpleUrlConfiguration"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err, want)
		}
	}
	var ce *lync.CmdletError
	if !errors.As(err, &ce) || ce.Step != "restore simple URLs" {
		t.Errorf("underlying %#v", ce)
	}
	if r.f.Enabled().Partner(pool01) != pool02 {
		t.Error("the pairing was not published")
	}
}

// TestPublishFailureStillRestoresSimpleURLs: Enable-CsTopology fails after
// Publish-CsTopology emptied the simple URLs; they are put back before the
// script reports the failure of Enable-CsTopology.
func TestPublishFailureStillRestoresSimpleURLs(t *testing.T) {
	r := newFarmRunner(t)
	r.override(&ps.Cmdlet{Name: "Enable-CsTopology",
		Params: []ps.Param{{Name: "Force", Type: ps.TypeSwitch, Position: -1}, {Name: "Confirm", Type: ps.TypeSwitch, Position: -1}},
		Invoke: func(*ps.Call) error {
			return ps.NewError("InvalidOperation", "EnableTopologyFailed,EnableTopologyCmdlet", "", "Cannot enable the topology.")
		}})
	before := r.f.SimpleURLs()
	c := lync.New(r, lync.Options{})
	top, err := c.ReadTopology(context.Background(), mgmt, nil)
	if err != nil {
		t.Fatal(err)
	}
	next, err := topology.SetPairing(top.XML, pool01, pool02, topology.Voice{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.PublishTopologyResult(context.Background(), mgmt, top.XML, next, []string{pool01, pool02})
	var ce *lync.CmdletError
	var se *lync.SimpleURLError
	if !errors.As(err, &ce) || errors.As(err, &se) || ce.Step != "enable topology" || ce.Cmdlet != "Enable-CsTopology" || ce.Message != "Cannot enable the topology." {
		t.Fatalf("error %#v", err)
	}
	if got := r.f.SimpleURLs(); !reflect.DeepEqual(got, before) {
		t.Errorf("simple URLs %+v, want %+v", got, before)
	}
}

// TestEnsureBackupServiceOnFarm: Bootstrapper.exe's 3010 is a success that
// asks for a restart; a failing Start-CsWindowsService is
// NotRunningAfterStart with its message; the service is read without
// activity counters.
func TestEnsureBackupServiceOnFarm(t *testing.T) {
	r := newFarmRunner(t)
	c := lync.New(r, lync.Options{})
	pair(t, c)
	ctx := context.Background()

	if _, err := r.f.InjectFault(farm.Fault{Kind: farm.FaultBootstrapperReboot, Server: "fe01.contoso.com"}); err != nil {
		t.Fatal(err)
	}
	st, err := c.EnsureBackupService(ctx, "fe01.contoso.com")
	if err != nil || !st.RebootRequired || !st.InstalledNow || !st.StartedNow || st.Status != lync.ServiceRunning {
		t.Fatalf("3010: %+v %v", st, err)
	}
	if !strings.Contains(strings.Join(st.BootstrapperOutput, "\n"), "restart") {
		t.Errorf("output %q", st.BootstrapperOutput)
	}
	for _, b := range r.calls("Get-CsWindowsService") {
		if b["ExcludeActivityLevel"] != true {
			t.Errorf("Get-CsWindowsService bound %v", b)
		}
	}
	for _, b := range r.calls("Start-CsWindowsService") {
		if b["Confirm"] != false {
			t.Errorf("Start-CsWindowsService bound %v", b)
		}
	}

	// A Bootstrapper.exe failure: its exit code, LYNCBACKUP not installed.
	if _, err := r.f.InjectFault(farm.Fault{Kind: farm.FaultBootstrapperFailure, Server: "fe02.contoso.com"}); err != nil {
		t.Fatal(err)
	}
	_, err = c.EnsureBackupService(ctx, "fe02.contoso.com")
	var be *lync.BackupServiceError
	if !errors.As(err, &be) || be.Reason != lync.BootstrapperFailed || be.ExitCode != 1603 {
		t.Errorf("bootstrapper failure: %v", err)
	}

	// Start-CsWindowsService fails.
	r.override(&ps.Cmdlet{Name: "Start-CsWindowsService",
		Params: []ps.Param{{Name: "Name", Type: ps.TypeString, Position: 0}, {Name: "Confirm", Type: ps.TypeSwitch, Position: -1}},
		Invoke: func(*ps.Call) error {
			return ps.NewError("OpenError", "StartFailed,StartCsWindowsServiceCmdlet", "LYNCBACKUP", "Service 'LYNCBACKUP' cannot be started due to the following error: The service did not respond to the start or control request in a timely fashion.")
		}})
	st, err = c.EnsureBackupService(ctx, "fe03.contoso.com")
	if !errors.As(err, &be) || be.Reason != lync.NotRunningAfterStart || !strings.Contains(be.StartError, "did not respond") || st.Status != "Stopped" || !st.StartedNow {
		t.Fatalf("start failure: %+v %v", st, err)
	}
	for _, want := range []string{"Start-CsWindowsService -Name LYNCBACKUP failed on fe03.contoso.com", "did not respond", "LS Backup Service", "cumulative update"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err, want)
		}
	}
}

// TestReadPairStateShapesOnFarm plays real servers whose cmdlets answer
// differently from the model: Get-CsWindowsService returns nothing for an
// absent service, Get-CsPoolBackupRelationship and Get-CsBackupServiceStatus
// emit objects without the modelled properties. None of it reads as "not
// paired" or as an empty status.
func TestReadPairStateShapesOnFarm(t *testing.T) {
	r := newFarmRunner(t)
	c := lync.New(r, lync.Options{})
	pair(t, c)
	ctx := context.Background()
	r.override(&ps.Cmdlet{Name: "Get-CsWindowsService",
		Params: []ps.Param{{Name: "Name", Type: ps.TypeString, Position: 0}, {Name: "ComputerName", Type: ps.TypeString, Position: -1},
			{Name: "ExcludeActivityLevel", Type: ps.TypeSwitch, Position: -1}},
		Invoke: func(*ps.Call) error { return nil }})
	r.override(&ps.Cmdlet{Name: "Get-CsPoolBackupRelationship",
		Params: []ps.Param{{Name: "PoolFqdn", Type: ps.TypeString, Position: -1}},
		Invoke: func(call *ps.Call) error {
			call.Emit(ps.NewObject("Microsoft.Rtc.Management.Hadr.BackupService.BackupRelation").Set("PoolFqdn", call.Bound["PoolFqdn"]).Set("BackupPool", pool02))
			return nil
		}})
	r.override(&ps.Cmdlet{Name: "Get-CsBackupServiceStatus",
		Params: []ps.Param{{Name: "PoolFqdn", Type: ps.TypeString, Position: -1}},
		Invoke: func(call *ps.Call) error {
			call.Emit(ps.NewObject("").Set("BackupModules", []ps.Value{ps.NewObject("").Set("Identity", "ConfServices.DataConf").Set("ExportState", "SteadyState").Set("ImportStatus", "NormalState")}))
			return nil
		}})
	st, err := c.ReadPairState(ctx, mgmt, []string{pool01})
	if err != nil {
		t.Fatal(err)
	}
	p := st.Pool(pool01)
	if p == nil || !p.Exists || len(p.Services) != 3 {
		t.Fatalf("%+v", st)
	}
	for _, s := range p.Services {
		if s.Status != lync.ServiceNotInstalled || s.Error != "" {
			t.Errorf("no object from Get-CsWindowsService read as %+v", s)
		}
	}
	if p.BackupPoolFqdn != "" || !strings.Contains(p.RelationError, "without BackupPoolFqdn") || !strings.Contains(p.RelationError, "PoolFqdn, BackupPool") {
		t.Errorf("relation %q, error %q", p.BackupPoolFqdn, p.RelationError)
	}
	for _, b := range r.calls("Get-CsWindowsService") {
		if b["ExcludeActivityLevel"] != true {
			t.Errorf("Get-CsWindowsService bound %v", b)
		}
	}

	statuses, err := c.ReadBackupStatus(ctx, mgmt, []string{pool01})
	if err != nil {
		t.Fatal(err)
	}
	if s := statuses[pool01]; len(s.Modules) != 0 || !strings.Contains(s.Error, "without ExportStatus") || !strings.Contains(s.Error, "Identity, ExportState, ImportStatus") {
		t.Errorf("status %+v", s)
	}
}

// TestResultLineAfterHostText: host text without a trailing newline (here
// Write-Host -NoNewline before the script proper) does not swallow the
// result line, which starts on a line of its own.
func TestResultLineAfterHostText(t *testing.T) {
	r := newFarmRunner(t)
	var stdout string
	prefixed := lynctestRunner(func(ctx context.Context, host, script string) (string, string, int, error) {
		out, errOut, code, err := r.Run(ctx, host, "Write-Host -NoNewline 'text without a newline'\n"+script)
		stdout = out
		return out, errOut, code, err
	})
	if err := lync.New(prefixed, lync.Options{}).InvokeBackupSync(context.Background(), mgmt, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "text without a newline\r\n"+lync.ResultMarker) {
		t.Errorf("stdout %q", stdout)
	}
}

type lynctestRunner func(ctx context.Context, host, script string) (string, string, int, error)

func (f lynctestRunner) Run(ctx context.Context, host, script string) (string, string, int, error) {
	return f(ctx, host, script)
}
