package farm

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/lyncdr/terraform-provider-lync/internal/labfarm/ps"
)

// newTestFarm returns the default farm on a real-time clock (scale 1) with
// every cmdlet latency zero, so that farm time moves only by Clock.Advance
// (and by the wall time the test itself takes) and the backup model's timing
// is exact.
func newTestFarm(t *testing.T) *Farm {
	t.Helper()
	def := DefaultDefinition()
	lat := Latency{SyncInterval: 2 * time.Minute, InitialSync: 3 * time.Minute}
	def.Latency = &lat
	f, err := New(def, 1)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return f
}

// result is what one cmdlet call produced.
type result struct {
	out    []ps.Value
	host   []string
	errors []*ps.ErrorRecord
	err    error
}

func (r result) hostText() string { return strings.Join(r.host, "\n") }

// invoke runs one cmdlet of a session with a hand-built ps.Call.
func invoke(t *testing.T, s *Session, name string, bound map[string]ps.Value) result {
	t.Helper()
	c := s.Cmdlet(name)
	if c == nil {
		t.Fatalf("%s is not a command on %s", name, s.host)
	}
	known := map[string]bool{}
	for _, p := range c.Params {
		known[p.Name] = true
	}
	for k := range bound {
		if !known[k] {
			t.Fatalf("%s has no parameter %s", name, k)
		}
	}
	var r result
	if bound == nil {
		bound = map[string]ps.Value{}
	}
	call := &ps.Call{
		Context:    context.Background(),
		Host:       s.host,
		Bound:      bound,
		Emit:       func(v ps.Value) { r.out = append(r.out, v) },
		WriteHost:  func(text string) { r.host = append(r.host, text) },
		WriteError: func(e *ps.ErrorRecord) { r.errors = append(r.errors, e) },
		Sleep:      func(d time.Duration) error { return s.f.clock.Sleep(context.Background(), d) },
	}
	r.err = c.Invoke(call)
	return r
}

// mustInvoke fails the test when the cmdlet fails.
func mustInvoke(t *testing.T, s *Session, name string, bound map[string]ps.Value) result {
	t.Helper()
	r := invoke(t, s, name, bound)
	if r.err != nil {
		t.Fatalf("%s: %v", name, r.err)
	}
	return r
}

// runNative runs a native program of a session.
func runNative(t *testing.T, s *Session, path string, args ...string) (int, string, string) {
	t.Helper()
	n := s.Native(path)
	if n == nil {
		t.Fatalf("%s is not a program on %s", path, s.host)
	}
	var out, errOut bytes.Buffer
	code := n.Run(&ps.NativeCall{Context: context.Background(), Host: s.host, Args: args, Stdout: &out, Stderr: &errOut,
		Sleep: func(d time.Duration) error { return s.f.clock.Sleep(context.Background(), d) }})
	return code, out.String(), errOut.String()
}

func prop(t *testing.T, v ps.Value, name string) ps.Value {
	t.Helper()
	o, ok := v.(*ps.Object)
	if !ok {
		t.Fatalf("%T is not an object", v)
	}
	x, ok := o.Get(name)
	if !ok {
		t.Fatalf("object has no property %s (has %v)", name, o.Properties())
	}
	return x
}

// as returns v as a T, failing the test when it is something else.
func as[T any](t *testing.T, v any) T {
	t.Helper()
	x, ok := v.(T)
	if !ok {
		t.Fatalf("got %T, want %T", v, x)
	}
	return x
}

// propAs returns a property of an object as a T.
func propAs[T any](t *testing.T, v ps.Value, name string) T {
	t.Helper()
	return as[T](t, prop(t, v, name))
}

// pairWithPool02 pairs a pool with pool02 in the published document,
// publishes and enables it, as the seed's steps 2-6 do.
func pairWithPool02(t *testing.T, f *Farm, pool string) {
	t.Helper()
	root, err := ParseXML(f.PublishedXML())
	if err != nil {
		t.Fatal(err)
	}
	if err := SetPairing(root, pool, pool02, Failover{Automatic: true, FailureDetection: 120, FailbackDetection: 240}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Publish(root.String()); err != nil {
		t.Fatalf("publish: %v", err)
	}
	f.Enable()
}

// deployBackup runs the Bootstrapper and starts LYNCBACKUP on every Front End
// of the pools, as the seed's steps 8-9 do.
func deployBackup(t *testing.T, f *Farm, pools ...string) {
	t.Helper()
	for _, p := range pools {
		for _, m := range f.Enabled().Pool(p).Machines {
			s := f.Session(m)
			if code, out, errOut := runNative(t, s, BootstrapperPath); code != 0 {
				t.Fatalf("bootstrapper on %s: exit %d\n%s%s", m, code, out, errOut)
			}
			mustInvoke(t, s, "Start-CsWindowsService", map[string]ps.Value{"Name": "LYNCBACKUP"})
		}
	}
}

func exportStatuses(t *testing.T, f *Farm, pool string) []string {
	t.Helper()
	d, ok := f.State().Direction(pool)
	if !ok {
		t.Fatalf("no backup direction from %s", pool)
	}
	var out []string
	for _, m := range d.Modules {
		out = append(out, m.ExportStatus)
	}
	return out
}
