package farm

import (
	"reflect"
	"strings"
	"testing"

	"github.com/lyncdr/terraform-provider-lync/internal/labfarm/ps"
)

func defaultGlobalURLs() []SimpleURL {
	return []SimpleURL{
		{Component: "meet", Domain: "contoso.com", Entries: []string{"https://meet.contoso.com"}, ActiveURL: "https://meet.contoso.com"},
		{Component: "dialin", Domain: "*", Entries: []string{"https://dialin.contoso.com"}, ActiveURL: "https://dialin.contoso.com"},
		{Component: "Admin", Domain: "*", Entries: []string{"https://admin.contoso.com"}, ActiveURL: "https://admin.contoso.com"},
	}
}

func TestDefaultSimpleURLs(t *testing.T) {
	f := newTestFarm(t)
	want := []SimpleURLConfig{{Identity: "Global", SimpleURLs: defaultGlobalURLs()}}
	if got := f.SimpleURLs(); !reflect.DeepEqual(got, want) {
		t.Fatalf("%+v", got)
	}
	if got := f.State().SimpleURLs; !reflect.DeepEqual(got, want) {
		t.Errorf("state %+v", got)
	}
	// Copies: changing what the farm returned changes nothing.
	f.SimpleURLs()[0].SimpleURLs[0].Entries[0] = "x"
	if got := f.SimpleURLs(); !reflect.DeepEqual(got, want) {
		t.Errorf("aliased: %+v", got)
	}
}

func TestGetSimpleURLConfiguration(t *testing.T) {
	f := newTestFarm(t)
	dublin := SimpleURLConfig{Identity: "site:dublin", SimpleURLs: []SimpleURL{{Component: "meet", Domain: "contoso.com",
		Entries: []string{"https://meet-dub.contoso.com", "https://contoso.com/meet"}, ActiveURL: "https://contoso.com/meet"}}}
	if err := f.SetSimpleURLConfig(dublin); err != nil {
		t.Fatal(err)
	}
	s := f.Session("fe04.contoso.com")
	r := mustInvoke(t, s, "Get-CsSimpleUrlConfiguration", nil)
	if len(r.out) != 2 || prop(t, r.out[0], "Identity") != "Global" || prop(t, r.out[1], "Identity") != "Site:Dublin" {
		t.Fatalf("%v", r.out)
	}
	o := as[*ps.Object](t, r.out[0])
	if o.TypeNames[0] != "Microsoft.Rtc.Management.WritableConfig.Settings.SimpleUrl.SimpleUrlConfiguration" || !reflect.DeepEqual(o.Properties(), []string{"Identity", "SimpleUrl"}) {
		t.Errorf("%v %v", o.TypeNames, o.Properties())
	}
	urls := propAs[[]ps.Value](t, r.out[0], "SimpleUrl")
	u := as[*ps.Object](t, urls[0])
	if !reflect.DeepEqual(u.Properties(), []string{"Component", "Domain", "SimpleUrlEntry", "ActiveUrl"}) || prop(t, u, "ActiveUrl") != "https://meet.contoso.com" {
		t.Errorf("%v", u.Properties())
	}
	if e := propAs[[]ps.Value](t, u, "SimpleUrlEntry"); len(e) != 1 || prop(t, e[0], "Url") != "https://meet.contoso.com" {
		t.Errorf("entries %v", e)
	}
	r = mustInvoke(t, s, "Get-CsSimpleUrlConfiguration", map[string]ps.Value{"Identity": "SITE:Dublin"})
	if len(r.out) != 1 || len(propAs[[]ps.Value](t, r.out[0], "SimpleUrl")) != 1 {
		t.Errorf("by identity: %v", r.out)
	}
	r = mustInvoke(t, s, "Get-CsSimpleUrlConfiguration", map[string]ps.Value{"Filter": "site:*"})
	if len(r.out) != 1 || prop(t, r.out[0], "Identity") != "Site:Dublin" {
		t.Errorf("filter: %v", r.out)
	}
	if r = mustInvoke(t, s, "Get-CsSimpleUrlConfiguration", map[string]ps.Value{"Identity": "site:Tokyo"}); len(r.out) != 0 {
		t.Errorf("unknown identity: %v", r.out)
	}
	if r = invoke(t, s, "Get-CsSimpleUrlConfiguration", map[string]ps.Value{"Identity": "Global", "Filter": "*"}); r.err == nil {
		t.Error("-Identity with -Filter")
	}
	// Every read is a snapshot: a later change does not reach an object
	// read before.
	before := mustInvoke(t, s, "Get-CsSimpleUrlConfiguration", map[string]ps.Value{"Identity": "Global"}).out[0]
	mustInvoke(t, s, "Set-CsSimpleUrlConfiguration", map[string]ps.Value{"Identity": "Global", "SimpleUrl": nil})
	if n := len(propAs[[]ps.Value](t, before, "SimpleUrl")); n != 3 {
		t.Errorf("the saved object changed: %d URLs", n)
	}

	for _, bad := range []SimpleURLConfig{{Identity: "site:Paris"}, {Identity: "pool01.contoso.com"},
		{Identity: "Global", SimpleURLs: []SimpleURL{{Component: "meet", Domain: "contoso.com", Entries: []string{"https://a"}, ActiveURL: "https://b"}}}} {
		if err := f.SetSimpleURLConfig(bad); err == nil {
			t.Errorf("SetSimpleURLConfig(%+v) accepted", bad)
		}
	}
}

func TestSetSimpleURLConfiguration(t *testing.T) {
	f := newTestFarm(t)
	s := f.Session("fe01.contoso.com")
	get := func() []SimpleURL { return f.SimpleURLs()[0].SimpleURLs }
	saved := mustInvoke(t, s, "Get-CsSimpleUrlConfiguration", nil).out[0]
	meet := propAs[[]ps.Value](t, saved, "SimpleUrl")[0]

	// Example 1: $null removes every URL and keeps the collection.
	mustInvoke(t, s, "Set-CsSimpleUrlConfiguration", map[string]ps.Value{"Identity": "global", "SimpleUrl": nil})
	if got := f.SimpleURLs(); len(got) != 1 || len(got[0].SimpleURLs) != 0 {
		t.Fatalf("%+v", got)
	}
	// -Instance writes a saved object back as it was.
	mustInvoke(t, s, "Set-CsSimpleUrlConfiguration", map[string]ps.Value{"Instance": saved, "Force": true, "Confirm": false})
	if got := get(); !reflect.DeepEqual(got, defaultGlobalURLs()) {
		t.Fatalf("after -Instance: %+v", got)
	}
	// Remove, Add and Replace (Examples 2 and 3); no -Identity is Global.
	mustInvoke(t, s, "Set-CsSimpleUrlConfiguration", map[string]ps.Value{"SimpleUrl": ps.NewHashtable()})
	h := ps.NewHashtable()
	h.Set("Remove", meet)
	mustInvoke(t, s, "Set-CsSimpleUrlConfiguration", map[string]ps.Value{"SimpleUrl": h})
	if got := get(); len(got) != 2 || got[0].Component != "dialin" {
		t.Fatalf("after Remove: %+v", got)
	}
	h = ps.NewHashtable()
	h.Set("Add", []ps.Value{meet})
	mustInvoke(t, s, "Set-CsSimpleUrlConfiguration", map[string]ps.Value{"Identity": "Global", "SimpleUrl": h})
	if got := get(); len(got) != 3 || got[2].Component != "meet" {
		t.Fatalf("after Add: %+v", got)
	}
	h = ps.NewHashtable()
	h.Set("Replace", meet)
	mustInvoke(t, s, "Set-CsSimpleUrlConfiguration", map[string]ps.Value{"SimpleUrl": h})
	if got := get(); len(got) != 1 || got[0].ActiveURL != "https://meet.contoso.com" {
		t.Fatalf("after Replace: %+v", got)
	}
	// -WhatIf changes nothing.
	r := mustInvoke(t, s, "Set-CsSimpleUrlConfiguration", map[string]ps.Value{"Instance": saved, "WhatIf": true})
	if len(get()) != 1 || !strings.Contains(r.hostText(), "What if") {
		t.Errorf("-WhatIf: %+v %q", get(), r.hostText())
	}

	for name, bound := range map[string]map[string]ps.Value{
		"unknown collection": {"Identity": "site:Dublin", "SimpleUrl": nil},
		"both sets":          {"Identity": "Global", "Instance": saved},
		"not a config":       {"Instance": "Global"},
		"not a URL":          {"SimpleUrl": "https://meet.contoso.com"},
		"bad modifier key":   {"SimpleUrl": func() *ps.Hashtable { h := ps.NewHashtable(); h.Set("Append", meet); return h }()},
		"active not an entry": {"SimpleUrl": ps.NewObject("").Set("Component", "meet").Set("Domain", "contoso.com").
			Set("SimpleUrlEntry", []ps.Value{ps.NewObject("").Set("Url", "https://a.contoso.com")}).Set("ActiveUrl", "https://b.contoso.com")},
	} {
		before := get()
		if r := invoke(t, s, "Set-CsSimpleUrlConfiguration", bound); r.err == nil {
			t.Errorf("%s: accepted", name)
		}
		if !reflect.DeepEqual(get(), before) {
			t.Errorf("%s: changed the farm", name)
		}
	}
	if r := invoke(t, s, "Set-CsSimpleUrlConfiguration", map[string]ps.Value{"Identity": "site:Dublin"}); r.err == nil ||
		as[*ps.ErrorRecord](t, r.err).Category != "ObjectNotFound" {
		t.Errorf("unknown collection: %v", r.err)
	}
}

// Publish-CsTopology of a Get-CsTopology document empties the simple URL
// collections (modelled); a refused or -WhatIf publish, Enable-CsTopology
// and a publish through Farm.Publish (Topology Builder) keep them; Reset
// brings back the defaults.
func TestPublishClearsSimpleURLs(t *testing.T) {
	f := newTestFarm(t)
	if err := f.SetSimpleURLConfig(SimpleURLConfig{Identity: "Site:Tokyo", SimpleURLs: []SimpleURL{{Component: "dialin", Domain: "*",
		Entries: []string{"https://dialin-tyo.contoso.com"}, ActiveURL: "https://dialin-tyo.contoso.com"}}}); err != nil {
		t.Fatal(err)
	}
	before := f.SimpleURLs()
	s := f.Session("fe01.contoso.com")
	doc := ps.XElement{XML: f.PublishedXML()}

	mustInvoke(t, s, "Publish-CsTopology", map[string]ps.Value{"Document": doc, "WhatIf": true})
	if r := invoke(t, s, "Publish-CsTopology", map[string]ps.Value{"Document": "<Topology/>"}); r.err == nil {
		t.Fatal("a wrong document was published")
	}
	mustInvoke(t, s, "Enable-CsTopology", map[string]ps.Value{"Force": true})
	if _, err := f.Publish(f.PublishedXML()); err != nil {
		t.Fatal(err)
	}
	if got := f.SimpleURLs(); !reflect.DeepEqual(got, before) {
		t.Fatalf("changed without a publish of the cmdlet: %+v", got)
	}

	mustInvoke(t, s, "Publish-CsTopology", map[string]ps.Value{"Document": doc, "Force": true, "Confirm": false})
	got := f.SimpleURLs()
	if len(got) != 2 || got[0].Identity != "Global" || got[1].Identity != "Site:Tokyo" || len(got[0].SimpleURLs) != 0 || len(got[1].SimpleURLs) != 0 {
		t.Fatalf("after Publish-CsTopology: %+v", got)
	}
	if err := f.Reset(); err != nil {
		t.Fatal(err)
	}
	if got := f.SimpleURLs(); !reflect.DeepEqual(got, []SimpleURLConfig{{Identity: "Global", SimpleURLs: defaultGlobalURLs()}}) {
		t.Errorf("after Reset: %+v", got)
	}
}

// The documented save-publish-restore round trip through the interpreter.
func TestSimpleURLRoundTripScript(t *testing.T) {
	f := newTestFarm(t)
	out, errs, code := runPS(t, f, "fe01.contoso.com", `$ErrorActionPreference = 'Stop'
$saved = @(Get-CsSimpleUrlConfiguration)
Add-Type -AssemblyName System.Xml.Linq
Publish-CsTopology -Document ([System.Xml.Linq.XElement]::Parse((Get-CsTopology -AsXml).ToString())) -Force -Confirm:$false
'after publish: ' + @((Get-CsSimpleUrlConfiguration -Identity Global).SimpleUrl).Count
foreach ($c in $saved) { Set-CsSimpleUrlConfiguration -Instance $c -Confirm:$false }
Get-CsSimpleUrlConfiguration | Select-Object -ExpandProperty SimpleUrl | Where-Object { $_.Component -eq 'Meet' } | ForEach-Object { $_.ActiveUrl }
Set-CsSimpleUrlConfiguration -Identity Global -SimpleUrl @{Remove = @($saved[0].SimpleUrl)[1]}
@((Get-CsSimpleUrlConfiguration).SimpleUrl | ForEach-Object { $_.Component }) -join ','`)
	if code != 0 || out != "after publish: 0\r\nhttps://meet.contoso.com\r\nmeet,Admin\r\n" {
		t.Fatalf("exit %d\n%q\n%s", code, out, errs)
	}
}

func TestAddType(t *testing.T) {
	f := newTestFarm(t)
	s := f.Session("fe10.contoso.com") // also on a Lync Server 2010 server: it is PowerShell's
	mustInvoke(t, s, "Add-Type", map[string]ps.Value{"AssemblyName": []string{"System.Xml.Linq", "System.Xml.Linq, Version=3.5.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089"}})
	r := invoke(t, s, "Add-Type", map[string]ps.Value{"AssemblyName": []string{"System.Xml.Linq", "Contoso.Missing"}})
	rec, ok := r.err.(*ps.ErrorRecord)
	if !ok || rec.Message != "Cannot add type. The assembly 'Contoso.Missing' could not be found." ||
		rec.FullyQualifiedErrorID != "ASSEMBLY_NOT_FOUND,Microsoft.PowerShell.Commands.AddTypeCommand" || rec.Category != "ObjectNotFound" {
		t.Fatalf("%#v", r.err)
	}
	out, _, code := runPS(t, f, "fe01.contoso.com", `try { Add-Type -TypeDefinition 'public class X {}' } catch { $_.FullyQualifiedErrorId }
Add-Type -AN System.Xml.Linq; 'loaded'`)
	if code != 0 || out != "NamedParameterNotFound,Microsoft.PowerShell.Commands.AddTypeCommand\r\nloaded\r\n" {
		t.Errorf("exit %d: %q", code, out)
	}
}

// Bootstrapper.exe under a bootstrapper-reboot-required fault installs the
// Backup Service and exits 3010, once per count; a run with nothing to
// install exits 0.
func TestBootstrapperRebootRequired(t *testing.T) {
	f := newTestFarm(t)
	pairWithPool02(t, f, pool01)
	if _, err := f.InjectFault(Fault{Kind: FaultBootstrapperReboot, Server: "fe01.contoso.com", Count: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.InjectFault(Fault{Kind: FaultBootstrapperReboot}); err == nil {
		t.Error("a fault without a server was accepted")
	}
	s := f.Session("fe01.contoso.com")
	code, out, errOut := runNative(t, s, BootstrapperPath)
	if code != 3010 || errOut != "" || !strings.Contains(out, "restart") || !strings.Contains(out, "completed successfully") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if st, _ := f.State().Server("fe01.contoso.com"); st.LyncBackup != StatusStopped {
		t.Errorf("LYNCBACKUP %s", st.LyncBackup)
	}
	if len(f.Faults()) != 0 {
		t.Errorf("fault not used up: %+v", f.Faults())
	}
	if code, _, _ := runNative(t, s, BootstrapperPath); code != 0 {
		t.Errorf("second run: exit %d", code)
	}
	// Nothing to install: no restart either.
	if _, err := f.InjectFault(Fault{Kind: FaultBootstrapperReboot, Server: "fe02.contoso.com"}); err != nil {
		t.Fatal(err)
	}
	if err := f.RemovePairingOutOfBand(pool01); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := runNative(t, f.Session("fe02.contoso.com"), BootstrapperPath); code != 0 {
		t.Errorf("unpaired: exit %d", code)
	}
}
