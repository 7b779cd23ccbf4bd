package farm

import (
	"reflect"
	"strings"
	"testing"
)

func TestDefaultTopologyDocument(t *testing.T) {
	root, err := BuildDocument(DefaultDefinition())
	if err != nil {
		t.Fatal(err)
	}
	topo, err := ParseTopology(root)
	if err != nil {
		t.Fatal(err)
	}
	type poolInfo struct {
		Site, Edition, Version string
		Machines               []string
	}
	got := map[string]poolInfo{}
	for _, p := range topo.Pools {
		got[p.Fqdn] = poolInfo{p.SiteName, p.Edition, p.Version(), p.Machines}
	}
	want := map[string]poolInfo{
		"pool01.contoso.com": {"Redmond", EditionEnterprise, "2013", []string{"fe01.contoso.com", "fe02.contoso.com", "fe03.contoso.com"}},
		"se01.contoso.com":   {"Redmond", EditionStandard, "2013", []string{"se01.contoso.com"}},
		"pool10.contoso.com": {"Redmond", EditionEnterprise, "2010", []string{"fe10.contoso.com", "fe11.contoso.com"}},
		"pool02.contoso.com": {"Dublin", EditionEnterprise, "2013", []string{"fe04.contoso.com", "fe05.contoso.com", "fe06.contoso.com"}},
		"se02.contoso.com":   {"Dublin", EditionStandard, "2013", []string{"se02.contoso.com"}},
		"pool03.contoso.com": {"Tokyo", EditionEnterprise, "2013", []string{"fe07.contoso.com", "fe08.contoso.com"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("pools:\n got %v\nwant %v", got, want)
	}
	if topo.CMSPool != "pool01.contoso.com" {
		t.Errorf("CMS pool %q", topo.CMSPool)
	}
	if len(topo.Pairs()) != 0 {
		t.Errorf("default farm is paired: %v", topo.Pairs())
	}
	if topo.DefaultDomain != "contoso.com" {
		t.Errorf("domain %q", topo.DefaultDomain)
	}
	// The SQL back ends are clusters, not Front End pools.
	if topo.Pool("sql01.contoso.com") != nil || len(topo.Clusters) != 10 {
		t.Errorf("clusters: %d, sql01 is a pool: %v", len(topo.Clusters), topo.Pool("sql01.contoso.com") != nil)
	}
	text := root.String()
	for _, want := range []string{
		`<Topology xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008" Signature=`,
		`<InternalDomains AllowAllDomains="false" DefaultDomain="contoso.com">`,
		`<CentralSite SiteId="2">`,
		`<Name>Dublin</Name>`,
		`<Cluster RequiresReplication="true" RequiresSetup="true" Fqdn="pool02.contoso.com">`,
		`<Machine OrdinalInCluster="1" Fqdn="se01.contoso.com" FaultDomain="se01.contoso.com" UpgradeDomain="se01.contoso.com">`,
		`<NetInterface InterfaceSide="Primary" InterfaceNumber="1" IPAddress="0.0.0.0" />`,
		`<Service RoleVersion="1" ServiceVersion="6" Type="Microsoft.Rtc.Management.Deploy.Internal.ServiceRoles.RegistrarService">`,
		`<Service RoleVersion="1" ServiceVersion="5" Type="Microsoft.Rtc.Management.Deploy.Internal.ServiceRoles.RegistrarService">`,
		`<RegistrarService xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008" IsDirector="false" />`,
		`<ServiceId SiteId="1" RoleName="CentralMgmt" Instance="1" />`,
		`<CentralMgmtService xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008" IsActive="true" />`,
		`<SqlInstanceId Name="rtc">`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("document lacks %s", want)
		}
	}
}

func TestTopologyXMLRoundTrip(t *testing.T) {
	root, err := BuildDocument(DefaultDefinition())
	if err != nil {
		t.Fatal(err)
	}
	text := root.String()
	again, err := ParseXML(text)
	if err != nil {
		t.Fatal(err)
	}
	if again.String() != text {
		t.Fatal("document changes on a parse/write round trip")
	}
	// A document written with prefixes, an XML declaration and a BOM, as
	// [xml].OuterXml or another tool may produce, reads the same.
	prefixed := "\ufeff<?xml version=\"1.0\" encoding=\"utf-16\"?>\n" + strings.Replace(strings.Replace(text,
		`<Topology xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008"`,
		`<t:Topology xmlns:t="urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008" xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008"`, 1),
		"</Topology>", "</t:Topology>", 1)
	p, err := ParseXML(prefixed)
	if err != nil {
		t.Fatal(err)
	}
	if p.String() != text {
		t.Fatal("prefixed document does not read the same")
	}
}

func TestParseXMLErrors(t *testing.T) {
	for name, doc := range map[string]string{
		"empty":     "",
		"unclosed":  "<Topology>",
		"two roots": "<a/><b/>",
		"dtd":       `<!DOCTYPE x [<!ENTITY a "b">]><x/>`,
		"text":      "hello",
	} {
		if _, err := ParseXML(doc); err == nil || !strings.Contains(err.Error(), "not well-formed") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestOutOfBandMachineIsDerived(t *testing.T) {
	f := newTestFarm(t)
	root, _ := ParseXML(f.PublishedXML())
	for _, c := range root.Child(NSTopology, "Clusters").All(NSTopology, "Cluster") {
		if v, _ := c.Attr("Fqdn"); v == "pool03.contoso.com" {
			c.Add(NewElement(NSTopology, "Machine", "OrdinalInCluster", "3", "Fqdn", "fe09.contoso.com", "FaultDomain", "FaultDomain3", "UpgradeDomain", "UpgradeDomain3"))
		}
	}
	if f.KnownHost("fe09.contoso.com") {
		t.Fatal("fe09 known before publish")
	}
	if _, err := f.Publish(root.String()); err != nil {
		t.Fatal(err)
	}
	if !f.KnownHost("fe09.contoso.com") {
		t.Fatal("fe09 unknown after publish")
	}
	if p := f.Published().Pool("pool03.contoso.com"); len(p.Machines) != 3 {
		t.Fatalf("pool03 machines %v", p.Machines)
	}
	if p := f.Enabled().Pool("pool03.contoso.com"); len(p.Machines) != 2 {
		t.Fatalf("enabled pool03 machines %v before Enable", p.Machines)
	}
}

func TestPublishChangesSignature(t *testing.T) {
	f := newTestFarm(t)
	before := f.Published().Signature
	if _, err := f.Publish(f.PublishedXML()); err != nil {
		t.Fatal(err)
	}
	after := f.Published().Signature
	if after == before || len(after) != 36 {
		t.Fatalf("signature %q -> %q", before, after)
	}
	if f.Enabled().Signature != before {
		t.Fatal("publish changed the enabled document")
	}
	f.Enable()
	if f.Enabled().Signature != after {
		t.Fatal("enable did not take the published document")
	}
}
