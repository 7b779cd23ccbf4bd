package labfarm

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lyncdr/terraform-provider-lync/internal/labfarm/farm"
)

func TestControlAPIState(t *testing.T) {
	f := startTestFarm(t, Options{})
	ctx := context.Background()
	c := f.Client()
	st, err := c.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Domain != "contoso.com" || st.CMSPool != "pool01.contoso.com" || len(st.Pools) != 6 || st.Scale != testScale {
		t.Fatalf("%+v", st)
	}
	p, ok := st.Pool("pool10.contoso.com")
	if !ok || p.Version != "2010" || p.Edition != "Enterprise" || p.Site != "Redmond" || len(p.Servers) != 2 {
		t.Fatalf("pool10 %+v", p)
	}
	if s, _ := st.Server("fe05.contoso.com"); !s.Reachable || s.LyncBackup != farm.StatusNotInstalled {
		t.Fatalf("fe05 %+v", s)
	}
	if st.Published.Signature == "" || st.Published.Signature != st.Enabled.Signature || len(st.Published.Pairs) != 0 {
		t.Fatalf("documents %+v %+v", st.Published, st.Enabled)
	}
	if st.Latency.SyncInterval != 2*time.Minute {
		t.Fatalf("latency %+v", st.Latency)
	}
	xml, err := c.Topology(ctx, false)
	if err != nil || !strings.HasPrefix(xml, `<Topology xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008" Signature="`+st.Published.Signature+`"`) {
		t.Fatalf("topology %v %.200s", err, xml)
	}
	if enabled, err := c.Topology(ctx, true); err != nil || enabled != xml {
		t.Fatalf("enabled topology differs: %v", err)
	}
}

func TestControlAPIFaultsAndActions(t *testing.T) {
	f := startTestFarm(t, Options{})
	ctx := context.Background()
	c := f.Client()

	id, err := c.InjectFault(ctx, Fault{Kind: FaultServerDown, Server: "fe02.contoso.com", Mode: "timeout"})
	if err != nil || id == "" {
		t.Fatalf("inject: %q %v", id, err)
	}
	id2, err := c.InjectFault(ctx, Fault{Kind: FaultBootstrapperFailure, Server: "fe03.contoso.com", ExitCode: 1603, Count: 2})
	if err != nil {
		t.Fatal(err)
	}
	faults, err := c.Faults(ctx)
	if err != nil || len(faults) != 2 || faults[1].Remaining != 2 || faults[1].Message != farm.DefaultBootstrapperFailure {
		t.Fatalf("faults %+v %v", faults, err)
	}
	st, _ := c.State(ctx)
	if s, _ := st.Server("fe02.contoso.com"); s.Reachable || s.Down != "timeout" {
		t.Fatalf("fe02 %+v", s)
	}
	if err := c.ClearFault(ctx, id); err != nil {
		t.Fatal(err)
	}
	var apiErr *APIError
	if err := c.ClearFault(ctx, id); !errors.As(err, &apiErr) || apiErr.Status != http.StatusNotFound {
		t.Fatalf("clear twice: %v", err)
	}
	if _, err := c.InjectFault(ctx, Fault{Kind: "earthquake"}); !errors.As(err, &apiErr) || apiErr.Status != http.StatusBadRequest ||
		!strings.Contains(apiErr.Message, `unknown fault kind "earthquake"`) {
		t.Fatalf("bad kind: %v", err)
	}
	if err := c.ClearFaults(ctx); err != nil {
		t.Fatal(err)
	}
	if faults, _ := c.Faults(ctx); len(faults) != 0 {
		t.Fatalf("faults left: %+v (%s)", faults, id2)
	}

	// Actions.
	if err := c.StopBackupService(ctx, "fe01.contoso.com"); !errors.As(err, &apiErr) || !strings.Contains(apiErr.Message, "LYNCBACKUP is not installed on fe01.contoso.com") {
		t.Fatalf("stop absent service: %v", err)
	}
	if err := c.RemovePairing(ctx, "nope.contoso.com"); err == nil {
		t.Fatal("remove pairing of an unknown pool")
	}
	m := f.Model()
	root, _ := farm.ParseXML(m.PublishedXML())
	_ = farm.SetPairing(root, "pool01.contoso.com", "pool02.contoso.com", farm.Failover{Automatic: true, FailureDetection: 120, FailbackDetection: 240})
	if _, err := m.Publish(root.String()); err != nil {
		t.Fatal(err)
	}
	m.Enable()
	st, _ = c.State(ctx)
	if p, _ := st.Pool("pool02.contoso.com"); p.BackupPool != "pool01.contoso.com" || p.EnabledBackupPool != "pool01.contoso.com" || len(st.Backup) != 2 {
		t.Fatalf("paired state %+v backup %+v", p, st.Backup)
	}
	if err := c.RemovePairing(ctx, "pool02.contoso.com"); err != nil {
		t.Fatal(err)
	}
	st, _ = c.State(ctx)
	if p, _ := st.Pool("pool01.contoso.com"); p.BackupPool != "" || p.EnabledBackupPool != "" || len(st.Backup) != 0 {
		t.Fatalf("after remove-pairing %+v", p)
	}

	// Clock.
	if err := c.SetScale(ctx, 0.5); err != nil {
		t.Fatal(err)
	}
	before, _ := c.State(ctx)
	cs, err := c.Advance(ctx, time.Hour)
	if err != nil || cs.Scale != 0.5 || cs.FarmTime.Sub(before.FarmTime) < time.Hour {
		t.Fatalf("advance %+v %v", cs, err)
	}
	if err := c.SetScale(ctx, -1); !errors.As(err, &apiErr) || apiErr.Status != http.StatusBadRequest {
		t.Fatalf("bad scale: %v", err)
	}

	// Reset.
	_, _ = c.InjectFault(ctx, Fault{Kind: FaultTransient, Count: 3})
	if err := c.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	st, _ = c.State(ctx)
	if len(st.Faults) != 0 || st.Published.Signature == before.Published.Signature {
		t.Fatalf("after reset %+v", st)
	}
}

func TestControlAPIBadRequests(t *testing.T) {
	f := startTestFarm(t, Options{})
	for _, tc := range []struct {
		method, path, body string
		status             int
	}{
		{"GET", "/v1/nothing", "", 404},
		{"POST", "/v1/faults", "{not json", 400},
		{"POST", "/v1/faults", `{"kind":"transient","count":1,"extra":1}`, 400},
		{"PUT", "/v1/clock", `{"advance":"soon"}`, 400},
		{"GET", "/v1/topology?document=draft", "", 400},
		{"DELETE", "/v1/state", "", 405},
	} {
		req, _ := http.NewRequest(tc.method, f.ControlURL()+tc.path, strings.NewReader(tc.body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%s %s: %d, want %d", tc.method, tc.path, resp.StatusCode, tc.status)
		}
	}
}
