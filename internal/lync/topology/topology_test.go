package topology

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func readDoc(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "two-site.xml"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it); got:\n%s", name, got)
	}
}

func mustParse(t *testing.T, doc string) *Document {
	t.Helper()
	d, err := Parse(doc)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestParsePools(t *testing.T) {
	d := mustParse(t, readDoc(t))
	type row struct {
		fqdn     string
		site     string
		frontEnd bool
		version  int
		edition  Edition
		cms      bool
		machines int
	}
	want := []row{
		{"pool01.contoso.com", "Redmond", true, 6, Enterprise, true, 3},
		{"sql01.contoso.com", "Redmond", false, 0, Standard, false, 1},
		{"pool03.contoso.com", "Redmond", true, 6, Enterprise, false, 2},
		{"fs01.contoso.com", "Redmond", false, 0, Standard, false, 1},
		{"pool10.contoso.com", "Redmond", true, 5, Enterprise, false, 2},
		{"dir01.contoso.com", "Redmond", false, 6, Enterprise, false, 2},
		{"pool02.contoso.com", "Dublin", true, 6, Enterprise, false, 2},
		{"sql02.contoso.com", "Dublin", false, 0, Standard, false, 1},
		{"se01.contoso.com", "Dublin", true, 6, Standard, false, 1},
		{"fs02.contoso.com", "Dublin", false, 0, Standard, false, 1},
	}
	pools := d.Pools()
	if len(pools) != len(want) {
		t.Fatalf("got %d pools, want %d", len(pools), len(want))
	}
	for i, w := range want {
		p := pools[i]
		got := row{p.Fqdn, p.Site, p.FrontEnd, p.Version, p.Edition, p.CentralManagement, len(p.Machines)}
		if got != w {
			t.Errorf("pool %d: got %+v, want %+v", i, got, w)
		}
	}
	if p, ok := d.Pool("POOL01.Contoso.COM"); !ok || p.Machines[1] != "fe01b.contoso.com" || p.SiteID != "1" || p.Number != "1" {
		t.Errorf("case-insensitive lookup: %+v %v", p, ok)
	}
	if got := d.CMSPool(); got != "pool01.contoso.com" {
		t.Errorf("CMSPool = %q", got)
	}
	if got, want := d.FrontEndPools(), []string{"pool01.contoso.com", "pool03.contoso.com", "pool10.contoso.com", "pool02.contoso.com", "se01.contoso.com"}; !slices.Equal(got, want) {
		t.Errorf("FrontEndPools = %v", got)
	}
	for _, fe := range d.FrontEndPools() {
		if partner, err := d.Partner(fe); err != nil || partner != "" {
			t.Errorf("Partner(%s) = %q, %v; want unpaired", fe, partner, err)
		}
		if v, err := d.Voice(fe); err != nil || v != (Voice{}) {
			t.Errorf("Voice(%s) = %+v, %v", fe, v, err)
		}
	}
}

// outsideRegistrars returns doc without the Registrar services of the pools:
// the part an edit of their pairing must leave byte-identical.
func outsideRegistrars(t *testing.T, doc string, pools ...string) string {
	t.Helper()
	d := mustParse(t, doc)
	var spans [][2]int
	for _, name := range pools {
		n := d.find(name).registrar.node
		spans = append(spans, [2]int{n.start, n.end})
	}
	slices.SortFunc(spans, func(a, b [2]int) int { return a[0] - b[0] })
	var b strings.Builder
	pos := 0
	for _, s := range spans {
		b.WriteString(doc[pos:s[0]])
		b.WriteString("\x00")
		pos = s[1]
	}
	b.WriteString(doc[pos:])
	return b.String()
}

func TestSetPairing(t *testing.T) {
	doc := readDoc(t)
	voice := Voice{Enabled: true, FailureDetection: 120 * time.Second, FailbackDetection: 240 * time.Second}
	paired, err := SetPairing(doc, "pool01.contoso.com", "POOL02.contoso.com", voice)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "paired.golden", paired)

	if outsideRegistrars(t, paired, "pool01.contoso.com", "pool02.contoso.com") != outsideRegistrars(t, doc, "pool01.contoso.com", "pool02.contoso.com") {
		t.Error("the edit changed text outside the two Registrar services")
	}
	// Inside the Registrar only insertions happened: removing them gives the original.
	if back, err := RemovePairing(paired, "pool02.contoso.com"); err != nil || back != doc {
		t.Errorf("RemovePairing(SetPairing(doc)) is not doc (err %v)", err)
	}

	d := mustParse(t, paired)
	for _, pr := range [][2]string{{"pool01.contoso.com", "pool02.contoso.com"}, {"pool02.contoso.com", "pool01.contoso.com"}} {
		if got, err := d.Partner(pr[0]); err != nil || got != pr[1] {
			t.Errorf("Partner(%s) = %q, %v", pr[0], got, err)
		}
		if v, err := d.Voice(pr[0]); err != nil || v != voice {
			t.Errorf("Voice(%s) = %+v, %v", pr[0], v, err)
		}
	}
	if got, _ := d.Partner("pool03.contoso.com"); got != "" {
		t.Errorf("pool03 got partner %q", got)
	}

	again, err := SetPairing(paired, "pool02.contoso.com", "pool01.contoso.com", voice)
	if err != nil || again != paired {
		t.Errorf("SetPairing on an already paired document changed it (err %v)", err)
	}
}

func TestSetPairingChangesOnlyVoiceWhenPaired(t *testing.T) {
	doc := readDoc(t)
	on := Voice{Enabled: true, FailureDetection: 120 * time.Second, FailbackDetection: 240 * time.Second}
	paired, err := SetPairing(doc, "pool01.contoso.com", "pool02.contoso.com", on)
	if err != nil {
		t.Fatal(err)
	}
	longer := Voice{Enabled: true, FailureDetection: 300 * time.Second, FailbackDetection: 600 * time.Second}
	changed, err := SetPairing(paired, "pool01.contoso.com", "pool02.contoso.com", longer)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.ReplaceAll(strings.ReplaceAll(paired, `FailureDetectionInterval="120"`, `FailureDetectionInterval="300"`), `FailbackDetectionInterval="240"`, `FailbackDetectionInterval="600"`)
	if changed != want {
		t.Error("changing the intervals did more than replace the two values in place")
	}
	off, err := SetPairing(changed, "pool01.contoso.com", "pool02.contoso.com", Voice{FailureDetection: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	want = strings.ReplaceAll(paired, ` FailureDetectionInterval="120" FailbackDetectionInterval="240"`, "")
	want = strings.ReplaceAll(want, `EnableAutomaticFailover="true"`, `EnableAutomaticFailover="false"`)
	if off != want {
		t.Error("disabling voice failover did more than set false and drop the intervals")
	}
	d := mustParse(t, off)
	if v, _ := d.Voice("pool02.contoso.com"); v != (Voice{}) {
		t.Errorf("voice after disabling: %+v", v)
	}
	if p, _ := d.Partner("pool02.contoso.com"); p != "pool01.contoso.com" {
		t.Errorf("partner after disabling voice: %q", p)
	}
}

func TestEditKeepsLineEndingsAndCompactLayout(t *testing.T) {
	lf := readDoc(t)
	compact := regexp.MustCompile(`>\s+<`).ReplaceAllString(lf, "><")
	for name, doc := range map[string]string{"crlf": strings.ReplaceAll(lf, "\n", "\r\n"), "compact": compact} {
		t.Run(name, func(t *testing.T) {
			paired, err := SetPairing(doc, "se01.contoso.com", "pool03.contoso.com", Voice{})
			if err != nil {
				t.Fatal(err)
			}
			if name == "crlf" && strings.Count(paired, "\n") != strings.Count(paired, "\r\n") {
				t.Error("the edit introduced a bare LF into a CRLF document")
			}
			if name == "compact" && strings.ContainsAny(paired, "\r\n") {
				t.Error("the edit introduced line breaks into a compact document")
			}
			if p, err := mustParse(t, paired).Partner("pool03.contoso.com"); err != nil || p != "se01.contoso.com" {
				t.Errorf("Partner = %q, %v", p, err)
			}
			if back, err := RemovePairing(paired, "se01.contoso.com"); err != nil || back != doc {
				t.Errorf("round trip is not byte-identical (err %v)", err)
			}
		})
	}
}

func TestEditWithoutDependencies(t *testing.T) {
	doc := readDoc(t)
	d := mustParse(t, doc)
	// pool03's Registrar with a self-closing <DependsOn /> and se01's with none.
	dep3 := d.find("pool03.contoso.com").registrar.node.child("DependsOn")
	depSE := d.find("se01.contoso.com").registrar.node.child("DependsOn")
	edited, err := applySplices(doc, []splice{
		{dep3.start, dep3.end, "<DependsOn />"},
		{leadingSpace(doc, depSE.start), depSE.end, ""},
	})
	if err != nil {
		t.Fatal(err)
	}
	paired, err := SetPairing(edited, "pool03.contoso.com", "se01.contoso.com", Voice{Enabled: true}.WithDefaults())
	if err != nil {
		t.Fatal(err)
	}
	pd := mustParse(t, paired)
	if p, err := pd.Partner("se01.contoso.com"); err != nil || p != "pool03.contoso.com" {
		t.Fatalf("Partner = %q, %v", p, err)
	}
	if v, _ := pd.Voice("pool03.contoso.com"); v != (Voice{true, DefaultFailureDetection, DefaultFailbackDetection}) {
		t.Errorf("voice = %+v", v)
	}
	for _, want := range []string{
		"      <DependsOn>\n        <Dependency Usage=\"BackupRegistrar\">\n          <ServiceId SiteId=\"2\" RoleName=\"Registrar\" Instance=\"2\" />\n        </Dependency>\n      </DependsOn>",
		"      <ServiceId SiteId=\"2\" RoleName=\"Registrar\" Instance=\"2\" />\n      <DependsOn>\n        <Dependency Usage=\"BackupRegistrar\">\n          <ServiceId SiteId=\"1\" RoleName=\"Registrar\" Instance=\"2\" />",
	} {
		if !strings.Contains(paired, want) {
			t.Errorf("missing the laid-out dependency:\n%s", want)
		}
	}
}

func errKind(err error) ErrorKind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return 0
}

func TestCheckPairing(t *testing.T) {
	doc := readDoc(t)
	paired, err := SetPairing(doc, "pool01.contoso.com", "pool02.contoso.com", Voice{})
	if err != nil {
		t.Fatal(err)
	}
	// one-sided: drop pool02's dependency; double: pool03 also names pool01.
	d := mustParse(t, paired)
	dep02 := backupDeps(d.find("pool02.contoso.com").registrar)[0]
	oneSided, _ := applySplices(paired, []splice{{leadingSpace(paired, dep02.start), dep02.end, ""}})
	reg03 := d.find("pool03.contoso.com").registrar.node.child("DependsOn")
	last := reg03.children[len(reg03.children)-1]
	double, _ := applySplices(paired, []splice{{last.end, last.end, `<Dependency Usage="BackupRegistrar"><ServiceId SiteId="1" RoleName="Registrar" Instance="1" /></Dependency>`}})
	dangling, _ := applySplices(paired, []splice{{last.end, last.end, `<Dependency Usage="BackupRegistrar"><ServiceId SiteId="9" RoleName="Registrar" Instance="1" /></Dependency>`}})

	cases := []struct {
		name, doc, a, b string
		kind            ErrorKind
		msg             []string
	}{
		{"ok", doc, "pool01.contoso.com", "pool02.contoso.com", 0, nil},
		{"ok enterprise with standard", doc, "pool03.contoso.com", "se01.contoso.com", 0, nil},
		{"ok already paired together", paired, "pool02.contoso.com", "pool01.contoso.com", 0, nil},
		{"not found", doc, "pool09.contoso.com", "pool02.contoso.com", ErrPoolNotFound, []string{`"pool09.contoso.com" is not in the topology`, "pool01.contoso.com, pool03.contoso.com, pool10.contoso.com, pool02.contoso.com, se01.contoso.com"}},
		{"not found backup", doc, "pool01.contoso.com", "nope.contoso.com", ErrPoolNotFound, []string{`"nope.contoso.com"`}},
		{"sql cluster", doc, "pool01.contoso.com", "sql02.contoso.com", ErrNotFrontEnd, []string{`"sql02.contoso.com" is not a Front End pool`, "no Registrar"}},
		{"director", doc, "dir01.contoso.com", "pool02.contoso.com", ErrNotFrontEnd, []string{"Director"}},
		{"lync 2010", doc, "pool10.contoso.com", "pool02.contoso.com", ErrUnsupportedVersion, []string{`"pool10.contoso.com" runs Lync Server 2010 (Registrar ServiceVersion 5)`, "Lync Server 2013 or later"}},
		{"same pool", doc, "pool01.contoso.com", "POOL01.contoso.com", ErrSamePool, []string{"cannot be paired with itself"}},
		{"third pool (a)", paired, "pool01.contoso.com", "pool03.contoso.com", ErrAlreadyPaired, []string{`"pool01.contoso.com" is already paired with "pool02.contoso.com"`}},
		{"third pool (b)", paired, "pool03.contoso.com", "pool02.contoso.com", ErrAlreadyPaired, []string{`"pool02.contoso.com" is already paired with "pool01.contoso.com"`}},
		{"one-sided", oneSided, "pool01.contoso.com", "pool02.contoso.com", ErrInconsistent, []string{"one-sided"}},
		{"double", double, "pool01.contoso.com", "pool02.contoso.com", ErrInconsistent, []string{"named as backup pool by both"}},
		{"dangling", dangling, "pool03.contoso.com", "se01.contoso.com", ErrInconsistent, []string{"9-Registrar-1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := mustParse(t, c.doc).CheckPairing(c.a, c.b)
			if errKind(err) != c.kind {
				t.Fatalf("got %v (kind %d), want kind %d", err, errKind(err), c.kind)
			}
			for _, m := range c.msg {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("message %q lacks %q", err, m)
				}
			}
			if _, serr := SetPairing(c.doc, c.a, c.b, Voice{}); errKind(serr) != c.kind {
				t.Errorf("SetPairing gave %v", serr)
			}
		})
	}
}

func TestInvalidInput(t *testing.T) {
	doc := readDoc(t)
	for _, v := range []Voice{
		{Enabled: true, FailureDetection: 10 * time.Second, FailbackDetection: 240 * time.Second},
		{Enabled: true, FailureDetection: 120 * time.Second, FailbackDetection: 25 * time.Hour},
		{Enabled: true, FailureDetection: 150500 * time.Millisecond, FailbackDetection: 240 * time.Second},
		{Enabled: true},
	} {
		if _, err := SetPairing(doc, "pool01.contoso.com", "pool02.contoso.com", v); errKind(err) != ErrInvalidVoice {
			t.Errorf("voice %+v: got %v", v, err)
		}
	}
	if v := (Voice{Enabled: true}).WithDefaults(); v.Validate() != nil || v.FailureDetection != 120*time.Second || v.FailbackDetection != 240*time.Second {
		t.Errorf("WithDefaults = %+v", v)
	}
	for _, bad := range []string{"", "not xml", "<Topology><Clusters>", `<TopologyBuilder xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.TopologyBuilder.2008"/>`} {
		if _, err := Parse(bad); errKind(err) != ErrMalformed {
			t.Errorf("Parse(%q) = %v", bad, err)
		}
	}
	if out, err := RemovePairing(doc, "pool01.contoso.com"); err != nil || out != doc {
		t.Errorf("RemovePairing of an unpaired pool: %v", err)
	}
	if _, err := RemovePairing(doc, "gone.contoso.com"); errKind(err) != ErrPoolNotFound {
		t.Errorf("RemovePairing of a missing pool: %v", err)
	}
}
