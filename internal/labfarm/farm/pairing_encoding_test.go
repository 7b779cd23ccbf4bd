package farm

import (
	"strings"
	"testing"
)

func TestPairingEncodingWriteRead(t *testing.T) {
	root, err := BuildDocument(DefaultDefinition())
	if err != nil {
		t.Fatal(err)
	}
	if err := SetPairing(root, "pool01.contoso.com", "pool02.contoso.com", Failover{Automatic: true, FailureDetection: 120, FailbackDetection: 240}); err != nil {
		t.Fatal(err)
	}
	text := root.String()
	// DESIGN.md §1: one BackupRegistrar dependency on each Registrar naming
	// the other, and the failover attributes on RegistrarService.
	for _, want := range []string{
		"<Dependency Usage=\"BackupRegistrar\">\n          <ServiceId SiteId=\"2\" RoleName=\"Registrar\" Instance=\"1\" />",
		"<Dependency Usage=\"BackupRegistrar\">\n          <ServiceId SiteId=\"1\" RoleName=\"Registrar\" Instance=\"1\" />",
		`<RegistrarService xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008" IsDirector="false" EnableAutomaticFailover="true" FailureDetectionInterval="120" FailbackDetectionInterval="240" />`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("document lacks\n%s", want)
		}
	}
	if n := strings.Count(text, `Usage="BackupRegistrar"`); n != 2 {
		t.Errorf("%d BackupRegistrar dependencies, want 2", n)
	}
	_, topo, err := ParseTopologyXML(text)
	if err != nil {
		t.Fatal(err)
	}
	if topo.Partner("pool01.contoso.com") != "pool02.contoso.com" || topo.Partner("POOL02.contoso.com") != "pool01.contoso.com" {
		t.Fatalf("partners: %v", topo.Pairs())
	}
	if fo := topo.FailoverOf("pool02.contoso.com"); fo != (Failover{true, 120, 240}) {
		t.Fatalf("failover %+v", fo)
	}

	// Re-pairing pool02 with pool03 replaces pool02's and pool03's links:
	// pool01 still names pool02, which the rules reject.
	if err := SetPairing(root, "pool02.contoso.com", "pool03.contoso.com", Failover{}); err != nil {
		t.Fatal(err)
	}
	if _, err := ParseTopology(root); err == nil || !strings.Contains(err.Error(), "pool02.contoso.com is already paired with pool03.contoso.com") {
		t.Fatalf("err = %v", err)
	}
	// Without automatic failover the intervals are absent.
	if !strings.Contains(root.String(), `EnableAutomaticFailover="false" />`) {
		t.Error("automatic failover false still writes intervals")
	}

	// Unpairing removes every trace.
	for _, p := range []string{"pool01.contoso.com", "pool02.contoso.com"} {
		if err := RemovePairing(root, p); err != nil {
			t.Fatal(err)
		}
	}
	text = root.String()
	for _, gone := range []string{"BackupRegistrar", "EnableAutomaticFailover", "DetectionInterval"} {
		if strings.Contains(text, gone) {
			t.Errorf("%s left after unpairing", gone)
		}
	}
	if _, err := ParseTopology(root); err != nil {
		t.Fatal(err)
	}
}

func TestRemovePairingUnknownPool(t *testing.T) {
	root, _ := BuildDocument(DefaultDefinition())
	if err := RemovePairing(root, "nope.contoso.com"); err == nil {
		t.Fatal("no error")
	}
	if err := SetPairing(root, "pool01.contoso.com", "sql01.contoso.com", Failover{}); err == nil || !strings.Contains(err.Error(), "sql01.contoso.com is not a Front End pool") {
		t.Fatalf("err = %v", err)
	}
}
