package farm

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDefaultDefinition(t *testing.T) {
	d := DefaultDefinition()
	if d.Domain != "contoso.com" || d.CMSPool != "pool01.contoso.com" || len(d.Pools) != 6 || len(d.Pairs) != 0 {
		t.Fatalf("%+v", d)
	}
	if d.Latency == nil || d.Latency.SyncInterval != 2*time.Minute {
		t.Fatalf("latency %+v", d.Latency)
	}
	// The printed definition parses back to the same farm.
	again, err := ParseDefinition(d.JSON())
	if err != nil {
		t.Fatal(err)
	}
	if string(again.JSON()) != string(d.JSON()) {
		t.Fatal("definition JSON does not round-trip")
	}
}

func TestDefinitionErrorsNameTheField(t *testing.T) {
	base := `{"domain":"contoso.com","sites":[{"id":1,"name":"A"}],"pools":[%s]%s}`
	pool := `{"fqdn":"pool01.contoso.com","site":"A","edition":"Enterprise","version":"2013","servers":["fe01.contoso.com"]}`
	cases := map[string]struct{ doc, want string }{
		"syntax":         {`{"domain":`, "invalid JSON"},
		"unknown field":  {`{"domian":"x"}`, `unknown field "domian"`},
		"type":           {`{"domain":"contoso.com","sites":[{"id":"one"}]}`, "sites.id: expected a int"},
		"domain":         {`{"domain":"not a domain"}`, "domain:"},
		"no sites":       {`{"domain":"contoso.com"}`, "sites: at least one site"},
		"site name":      {`{"domain":"contoso.com","sites":[{"id":1}]}`, "sites[0].name"},
		"pool site":      {strings.Replace(base, "%s", strings.Replace(pool, `"site":"A"`, `"site":"B"`, 1), 1), "pools[0].site"},
		"server fqdn":    {strings.Replace(base, "%s", strings.Replace(pool, "fe01.contoso.com", "fe01", 1), 1), "pools[0].servers[0]: \"fe01\" is not a fully qualified domain name"},
		"edition":        {strings.Replace(base, "%s", strings.Replace(pool, "Enterprise", "Datacenter", 1), 1), "pools[0].edition"},
		"version":        {strings.Replace(base, "%s", strings.Replace(pool, `"2013"`, `"2015"`, 1), 1), "pools[0].version"},
		"duplicate host": {strings.Replace(base, "%s", pool+","+strings.Replace(pool, "pool01", "pool02", 1), 1), "pools[1].servers[0]: \"fe01.contoso.com\" is already used by pools[0].servers[0]"},
		"cms":            {strings.Replace(strings.Replace(base, "%s", pool, 1), "%s", `,"cmsPool":"x.contoso.com"`, 1), "cmsPool"},
		"pair":           {strings.Replace(strings.Replace(base, "%s", pool, 1), "%s", `,"pairs":[{"pool":"pool01.contoso.com","backupPool":"nope.contoso.com"}]`, 1), "pairs[0].backupPool"},
		"latency":        {strings.Replace(strings.Replace(base, "%s", pool, 1), "%s", `,"latency":{"bootstrapperInstal":"1m"}`, 1), "latency.bootstrapperInstal: unknown latency"},
		"latency value":  {strings.Replace(strings.Replace(base, "%s", pool, 1), "%s", `,"latency":{"bootstrapperInstall":"soon"}`, 1), "latency.bootstrapperInstall"},
	}
	for name, tc := range cases {
		doc := strings.ReplaceAll(tc.doc, "%s", "")
		_, err := ParseDefinition([]byte(doc))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to contain %q", name, err, tc.want)
		}
	}
}

func TestLoadDefinitionFile(t *testing.T) {
	path := filepath.Join("..", "testdata", "two-se-pools.json")
	d, err := LoadDefinition(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := New(d, 1)
	if err != nil {
		t.Fatal(err)
	}
	st := f.State()
	if len(st.Pools) != 2 || st.Pools[0].Edition != EditionStandard {
		t.Fatalf("pools %+v", st.Pools)
	}
	// The example starts paired and deployed: steady in both directions.
	if len(st.Backup) != 2 || !st.Backup[0].Steady || !st.Backup[1].Steady {
		t.Fatalf("backup %+v", st.Backup)
	}
	if f.Latency().BootstrapperInstall != 90*time.Second || f.Latency().SyncInterval != 2*time.Minute {
		t.Fatalf("latency %+v", f.Latency())
	}
	if _, err := LoadDefinition(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Fatal("missing file loads")
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	_ = os.WriteFile(bad, []byte(`{"domain":"contoso.com","sites":[{"id":1,"name":"A"}],"pools":[{"fqdn":"p.contoso.com","site":"A","edition":"Standard","version":"2013"}],"pairs":[{"pool":"p.contoso.com","backupPool":"p.contoso.com"}]}`), 0o600)
	d, err = LoadDefinition(bad)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(d, 1); err == nil || !strings.Contains(err.Error(), "cannot be its own backup pool") {
		t.Fatalf("self pair in definition: %v", err)
	}
}
