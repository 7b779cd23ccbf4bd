package farm

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/lyncdr/terraform-provider-lync/internal/labfarm/ps"
)

// stateJSON is the farm state without the clock, for before/after checks.
func stateJSON(t *testing.T, f *Farm) string {
	t.Helper()
	b, err := json.Marshal(struct {
		State
		Document string
	}{f.State(), f.PublishedXML()})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	delete(m, "farmTime")
	b, _ = json.Marshal(m)
	return string(b)
}

// editDoc returns the published document after edit.
func editDoc(t *testing.T, f *Farm, edit func(root *Element)) string {
	t.Helper()
	root, err := ParseXML(f.PublishedXML())
	if err != nil {
		t.Fatal(err)
	}
	edit(root)
	return root.String()
}

// pairPool01With returns an edit that pairs pool01 with pool b.
func pairPool01With(b string) func(*Element) {
	return func(root *Element) {
		if err := SetPairing(root, pool01, b, Failover{Automatic: true, FailureDetection: 120, FailbackDetection: 240}); err != nil {
			panic(err)
		}
	}
}

// registrar returns the Registrar Service element of a pool.
func registrar(t *testing.T, root *Element, pool string) *Element {
	t.Helper()
	topo, err := parseStructure(root)
	if err != nil {
		t.Fatal(err)
	}
	return topo.Pool(pool).registrar.el
}

func TestPublishRejectsRuleViolations(t *testing.T) {
	const p1, p2, p3 = "pool01.contoso.com", "pool02.contoso.com", "pool03.contoso.com"
	cases := []struct {
		name string
		// paired pairs pool01 with pool02 (published and enabled) first.
		paired bool
		edit   func(t *testing.T, root *Element)
		want   []string
	}{
		{"one-sided", false, func(t *testing.T, root *Element) {
			pairPool01With(p2)(root)
			RemoveLinksForTest(t, root, p2)
		}, []string{"pool pool01.contoso.com names pool02.contoso.com as its backup pool, but pool02.contoso.com does not name pool01.contoso.com", "reciprocal"}},
		{"two partners", false, func(t *testing.T, root *Element) {
			pairPool01With(p2)(root)
			deps := registrar(t, root, p1).Child(NSTopology, "DependsOn")
			deps.Add(NewElement(NSTopology, "Dependency", "Usage", UsageBackupRegistrar).Add(serviceIDElement(ServiceKey{3, "Registrar", 1})))
		}, []string{"pool pool01.contoso.com names 2 backup pools (pool02.contoso.com, pool03.contoso.com)", "only one other pool"}},
		{"already paired with a third pool", true, func(t *testing.T, root *Element) {
			// pool03 names pool01, which stays paired with pool02.
			deps := registrar(t, root, p3).Child(NSTopology, "DependsOn")
			deps.Add(NewElement(NSTopology, "Dependency", "Usage", UsageBackupRegistrar).Add(serviceIDElement(ServiceKey{1, "Registrar", 1})))
		}, []string{"pool pool03.contoso.com names pool01.contoso.com as its backup pool, but pool01.contoso.com is already paired with pool02.contoso.com"}},
		{"lync 2010", false, func(t *testing.T, root *Element) {
			pairPool01With("pool10.contoso.com")(root)
		}, []string{"pool pool01.contoso.com cannot be paired with pool10.contoso.com: pool10.contoso.com runs Lync Server 2010, which has no Backup Service"}},
		{"self", false, func(t *testing.T, root *Element) {
			pairPool01With(p1)(root)
		}, []string{"pool pool01.contoso.com cannot be its own backup pool"}},
		{"not a front end pool", false, func(t *testing.T, root *Element) {
			deps := registrar(t, root, p1).Child(NSTopology, "DependsOn")
			deps.Add(NewElement(NSTopology, "Dependency", "Usage", UsageBackupRegistrar).Add(serviceIDElement(ServiceKey{1, "UserStore", 1})))
		}, []string{"pool pool01.contoso.com names 1-UserStore-1 as its backup, which is not the Registrar of a Front End pool"}},
		{"missing registrar", false, func(t *testing.T, root *Element) {
			deps := registrar(t, root, p1).Child(NSTopology, "DependsOn")
			deps.Add(NewElement(NSTopology, "Dependency", "Usage", UsageBackupRegistrar).Add(serviceIDElement(ServiceKey{9, "Registrar", 1})))
		}, []string{"names backup Registrar 9-Registrar-1, which is not in the topology"}},
		{"interval out of range", false, func(t *testing.T, root *Element) {
			_ = SetPairing(root, p1, p2, Failover{Automatic: true, FailureDetection: 10, FailbackDetection: 240})
		}, []string{"pool pool01.contoso.com: FailureDetectionInterval=10 is out of range: it must be 30 to 86400 seconds"}},
		{"intervals without automatic failover", false, func(t *testing.T, root *Element) {
			pairPool01With(p2)(root)
			registrar(t, root, p2).Child(NSServiceRoles, "RegistrarService").SetAttr("EnableAutomaticFailover", "false")
		}, []string{"pool pool02.contoso.com: FailureDetectionInterval and FailbackDetectionInterval need EnableAutomaticFailover"}},
		{"wrong namespace", false, func(t *testing.T, root *Element) {
			root.Name.Space = "urn:schema:Microsoft.Rtc.Management.Deploy.WritableTopology.2008"
		}, []string{"the document is not a published topology", "WritableTopology"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newTestFarm(t)
			if tc.paired {
				pairWithPool02(t, f, p1)
			}
			doc := editDoc(t, f, func(root *Element) { tc.edit(t, root) })
			before := stateJSON(t, f)
			r := invoke(t, f.Session("fe01.contoso.com"), "Publish-CsTopology", map[string]ps.Value{"Document": ps.XElement{XML: doc}, "Force": true})
			if r.err == nil {
				t.Fatal("publish succeeded")
			}
			for _, w := range tc.want {
				if !strings.Contains(r.err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, r.err)
				}
			}
			if after := stateJSON(t, f); after != before {
				t.Errorf("farm changed by a rejected publish:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

// RemoveLinksForTest removes a pool's BackupRegistrar link only (one side).
func RemoveLinksForTest(t *testing.T, root *Element, pool string) {
	t.Helper()
	topo, err := parseStructure(root)
	if err != nil {
		t.Fatal(err)
	}
	clearLinks(topo.Pool(pool).registrar)
	writeFailover(topo.Pool(pool).registrar, nil)
}

func TestPublishMalformedAndFileName(t *testing.T) {
	f := newTestFarm(t)
	s := f.Session("fe01.contoso.com")
	before := stateJSON(t, f)
	for name, bound := range map[string]map[string]ps.Value{
		"malformed": {"Document": "<Topology xmlns='urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008'>"},
		"number":    {"Document": 42},
		"filename":  {"FileName": `C:\Topologies\Topology.xml`},
		"both":      {"FileName": `C:\t.xml`, "Document": "<x/>"},
		"neither":   {},
	} {
		r := invoke(t, s, "Publish-CsTopology", bound)
		if r.err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		t.Logf("%s: %v", name, r.err)
	}
	if r := invoke(t, s, "Publish-CsTopology", map[string]ps.Value{"FileName": `C:\Topologies\Topology.xml`}); !strings.Contains(r.err.Error(), `Cannot find path 'C:\Topologies\Topology.xml' because it does not exist.`) {
		t.Errorf("filename error %v", r.err)
	}
	if after := stateJSON(t, f); after != before {
		t.Error("farm changed")
	}
}

func TestPublishAcceptsEnterpriseWithStandard(t *testing.T) {
	// Topology Builder allows EE<->SE although it is unsupported (§7.2).
	f := newTestFarm(t)
	doc := editDoc(t, f, pairPool01With("se02.contoso.com"))
	r := invoke(t, f.Session("fe01.contoso.com"), "Publish-CsTopology", map[string]ps.Value{"Document": doc})
	if r.err != nil {
		t.Fatal(r.err)
	}
	if f.Published().Partner("se02.contoso.com") != "pool01.contoso.com" {
		t.Fatal("not paired")
	}
}

func TestPublishWhatIfChangesNothing(t *testing.T) {
	f := newTestFarm(t)
	before := stateJSON(t, f)
	doc := editDoc(t, f, pairPool01With("pool02.contoso.com"))
	r := mustInvoke(t, f.Session("fe01.contoso.com"), "Publish-CsTopology", map[string]ps.Value{"Document": doc, "WhatIf": true})
	if !strings.Contains(r.hostText(), "What if") {
		t.Errorf("host %q", r.hostText())
	}
	if stateJSON(t, f) != before {
		t.Fatal("WhatIf changed the farm")
	}
}
