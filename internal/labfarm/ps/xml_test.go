package ps

import (
	"os"
	"strings"
	"testing"
)

func topologyXML(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/topology.xml")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// topologyCmdlet is Get-CsTopology -AsXml returning an XElement, as the farm
// will provide it.
func topologyCmdlet(xmlText string, published *string) *fakeCommands {
	return newFake().add(&Cmdlet{
		Name:   "Get-CsTopology",
		Params: []Param{{Name: "AsXml", Type: TypeSwitch, Position: -1}},
		Invoke: func(c *Call) error {
			c.Emit(XElement{XML: xmlText})
			return nil
		},
	}).add(&Cmdlet{
		Name:   "Publish-CsTopology",
		Params: []Param{{Name: "Document", Type: TypeObject, Position: -1}, {Name: "Force", Type: TypeSwitch, Position: -1}},
		Invoke: func(c *Call) error {
			x, ok := c.Bound["Document"].(XElement)
			if !ok {
				return NewError("InvalidArgument", "BadDocument", "", "Document is "+typeName(c.Bound["Document"]))
			}
			*published = x.XML
			return nil
		},
	})
}

func TestXMLNavigation(t *testing.T) {
	doc := topologyXML(t)
	f := topologyCmdlet(doc, new(string))
	r := runWith(t, f, "", `$xml = [xml](Get-CsTopology -AsXml).ToString()
$xml.Topology.Sites.CentralSite[0].Name
$xml.Topology.Clusters.Cluster.Count
$xml.Topology.Clusters.Cluster[1].Fqdn
$xml.Topology.Clusters.Cluster[0].ClusterId.SiteId
($xml.Topology.Clusters.Cluster.Machine | ForEach-Object { $_.Fqdn }) -join ','
$xml.Topology.Clusters.Cluster.Machine.FQDN -join ','
$xml.Topology.Signature
$xml.DocumentElement.NamespaceURI
$reg = $xml.Topology.Services.Service | Where-Object { $_.ServiceId.RoleName -eq 'Registrar' -and $_.InstalledOn.ClusterId.SiteId -eq '1' }
$reg.RegistrarService.NamespaceURI
$reg.RegistrarService.IsDirector
$reg.GetAttribute('Type')
$reg.HasAttribute('Nope')
$reg.DependsOn.Dependency.Count
$xml.Topology.InternalDomains.InternalDomain.Name
$xml.Topology.Services.Service[0].DependsOn.Dependency.ServiceId.RoleName
$xml.Topology.Sites.CentralSite[0].Name.GetType().Name
$xml.Topology.Services.Service[2].DependsOn -eq ''
$xml.Topology.Clusters.ParentNode.LocalName
$xml.Topology.Clusters.Cluster[0].Machine[0].ParentNode.Fqdn
$xml.xml`)
	want := []string{"Tenant", "2", "pool2.contoso.com", "1", "fe01.contoso.com,fe02.contoso.com,pool2.contoso.com",
		"fe01.contoso.com,fe02.contoso.com,pool2.contoso.com", "432720da-08b7-47cd-bba0-605b1969f388",
		"urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008", "urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008",
		"false", "Microsoft.Rtc.Management.Deploy.Internal.ServiceRoles.RegistrarService", "False", "2", "contoso.com", "UserStore", "String", "True", "Topology", "pool1.contoso.com",
		`version="1.0" encoding="utf-8"`}
	if got := r.lines(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s\nerr %s", strings.Join(got, "\n"), strings.Join(want, "\n"), r.errText())
	}
}

// TestXMLEditRoundTrip edits the topology the way the DESIGN.md §1 pairing
// encoding needs (a BackupRegistrar dependency and RegistrarService
// attributes) and checks that namespaces survive the round trip.
func TestXMLEditRoundTrip(t *testing.T) {
	doc := topologyXML(t)
	var published string
	f := topologyCmdlet(doc, &published)
	r := runWith(t, f, "", `$ErrorActionPreference = 'Stop'
$xml = [xml](Get-CsTopology -AsXml).ToString()
$ns = 'urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008'
$reg = $xml.SelectSingleNode("//*[local-name()='Service'][ServiceId/@RoleName='Registrar'][InstalledOn/ClusterId/@SiteId='1']")
$dep = $xml.CreateElement('Dependency', $ns)
$dep.SetAttribute('Usage', 'BackupRegistrar')
$sid = $xml.CreateElement('ServiceId', $ns)
$sid.SetAttribute('SiteId', '2'); $sid.SetAttribute('RoleName', 'Registrar'); $sid.SetAttribute('Instance', '1')
[void]$dep.AppendChild($sid)
[void]$reg.DependsOn.AppendChild($dep)
$rs = $reg.RegistrarService
$rs.SetAttribute('EnableAutomaticFailover', 'true')
$rs.SetAttribute('FailureDetectionInterval', '120')
$rs.SetAttribute('FailbackDetectionInterval', '240')
$xml.Topology.Signature = 'new-signature'
($xml.Topology.Clusters.Cluster.Machine | Where-Object { $_.Fqdn -eq 'fe02.contoso.com' }).Fqdn = 'fe03.contoso.com'
$xml.Topology.Sites.CentralSite[0].Name = 'Renamed'
Publish-CsTopology -Document ([System.Xml.Linq.XElement]::Parse($xml.OuterXml)) -Force
$xml.SelectNodes("//*[local-name()='Dependency'][@Usage='BackupRegistrar']").Count
$t = New-Object System.Xml.XmlNamespaceManager($xml.NameTable)
$t.AddNamespace('t', $ns)
$xml.SelectNodes('//t:Cluster', $t).Count
$xml.SelectNodes('//t:Machine[@OrdinalInCluster="2"]', $t)[0].Fqdn
$xml.SelectNodes('//Cluster/@Fqdn') | ForEach-Object { $_.Value }
[void]$reg.DependsOn.RemoveChild($dep)
$rs.RemoveAttribute('FailbackDetectionInterval')
$reg.DependsOn.Dependency.Count`)
	if r.err != "" || r.code != 0 {
		t.Fatalf("code %d err %s", r.code, r.errText())
	}
	if got := strings.Join(r.lines(), "|"); got != "1|2|fe03.contoso.com|pool1.contoso.com|pool2.contoso.com|2" {
		t.Fatalf("got %q", got)
	}
	for _, want := range []string{
		`<Topology xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008" Signature="new-signature">`,
		`<Dependency Usage="BackupRegistrar"><ServiceId SiteId="2" RoleName="Registrar" Instance="1" /></Dependency></DependsOn>`,
		`<RegistrarService xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008" IsDirector="false" EnableAutomaticFailover="true" FailureDetectionInterval="120" FailbackDetectionInterval="240" />`,
		`<Ports xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008"><Port Owner="urn:component:Registrar"`,
		`Fqdn="fe03.contoso.com"`,
		`<Name>Renamed</Name>`,
	} {
		if !strings.Contains(published, want) {
			t.Errorf("published document lacks %s\n%s", want, published)
		}
	}
	if strings.Contains(published, `xmlns=""`) {
		t.Errorf("created elements lost their namespace: %s", published)
	}
	// The published document parses again with the same namespaces.
	d2, err := parseXMLDocument(published)
	if err != nil {
		t.Fatal(err)
	}
	rs := d2.documentElement().childElements("Services")[0].childElements("Service")[1].childElements("RegistrarService")[0]
	if rs.ns != "urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008" {
		t.Fatalf("RegistrarService namespace %q", rs.ns)
	}
}

func TestXMLErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{`[xml]'not xml'`, `Cannot convert value "not xml" to type "System.Xml.XmlDocument". Error: "Data at the root level is invalid. Line 1, position 1."`},
		{`$x = [xml]'<a b="1"/>'; $x.a.b = 2`, `Cannot set "b" because only strings can be used as values to set XmlNode properties.`},
		{`$x = [xml]'<a/>'; $x.Save('C:\t\x.xml')`, `Exception calling "Save" with "1" argument(s): "Could not find a part of the path 'C:\t\x.xml'."`},
		{`$x = [xml]'<a/>'; $x.SelectNodes('//t:a')`, `Namespace Manager or XsltContext needed.`},
		{`[xml]'<a><b></a>'`, `The 'b' start tag does not match the end tag of 'a'.`},
	}
	for _, tc := range tests {
		r := runScript(t, tc.src)
		if r.code != 1 || !strings.Contains(r.errText(), tc.want) {
			t.Errorf("%s\n code %d err %s", tc.src, r.code, r.errText())
		}
	}
}

func TestXMLCreateElementWithoutNamespace(t *testing.T) {
	r := runScript(t, `$x = [xml]'<a xmlns="urn:x"><b/></a>'; $e = $x.CreateElement('c'); [void]$x.a.AppendChild($e); $x.OuterXml; $x.a.InnerXml`)
	if got := strings.Join(r.lines(), "|"); got != `<a xmlns="urn:x"><b /><c xmlns="" /></a>|<b /><c xmlns="" />` {
		t.Fatalf("got %q %s", got, r.errText())
	}
}
