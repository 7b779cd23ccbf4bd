package lync_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lyncdr/terraform-provider-lync/internal/lync"
	"github.com/lyncdr/terraform-provider-lync/internal/lync/lynctest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// recorder is a Runner that records every script and answers with the
// result line of its reply function (default: {"ok":true}).
type recorder struct {
	mu    sync.Mutex
	calls []lynctest.Call
	reply func(c lynctest.Call) (stdout, stderr string, code int)
}

func (r *recorder) Run(_ context.Context, host, script string) (string, string, int, error) {
	c, err := lynctest.Decode(host, script)
	if err != nil {
		return "", "", 0, err
	}
	r.mu.Lock()
	r.calls = append(r.calls, c)
	r.mu.Unlock()
	if r.reply == nil {
		return lynctest.OK(nil), "", 0, nil
	}
	stdout, stderr, code := r.reply(c)
	return stdout, stderr, code, nil
}

func (r *recorder) last(t *testing.T) lynctest.Call {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.calls) == 0 {
		t.Fatal("no script ran")
	}
	return r.calls[len(r.calls)-1]
}

// okReply answers every script with a result that has the shape it declares
// and means success.
func okReply(c lynctest.Call) (string, string, int) {
	switch c.Script {
	case lync.ScriptPublishTopology:
		return lynctest.OK(map[string]any{"published": true, "relations": []any{}}), "", 0
	case lync.ScriptEnsureBackupService:
		return lynctest.OK(map[string]any{"before": "Running", "status": "Running"}), "", 0
	}
	return lynctest.OK(nil), "", 0
}

// everyFunction calls every function of the Client once with the given values.
func everyFunction(ctx context.Context, c *lync.Client, host, s string) {
	pools := []string{s, s + "2"}
	_, _ = c.ReadTopology(ctx, host, pools)
	_, _ = c.PublishTopology(ctx, host, s+"-expected", s+"-xml", pools)
	_, _ = c.EnableTopology(ctx, host, pools)
	_, _ = c.ReadPairState(ctx, host, pools)
	_, _ = c.EnsureBackupService(ctx, host)
	_ = c.InvokeBackupSync(ctx, host, pools)
	_, _ = c.ReadBackupStatus(ctx, host, pools)
}

const scriptCount = 7

func TestGoldenScripts(t *testing.T) {
	r := &recorder{reply: okReply}
	everyFunction(context.Background(), lync.New(r, lync.Options{}), "mgmt01.contoso.com", "pool01.contoso.com")
	if len(r.calls) != scriptCount {
		t.Fatalf("%d scripts ran, want %d", len(r.calls), scriptCount)
	}
	seen := map[string]bool{}
	for _, c := range r.calls {
		seen[c.Script] = true
		path := filepath.Join("testdata", c.Script+".golden")
		if *update {
			if err := os.WriteFile(path, []byte(c.Text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (go test -update creates it)", err)
		}
		if c.Text != string(want) {
			t.Errorf("%s differs from %s (go test -update rewrites it):\n%s", c.Script, path, c.Text)
		}
		for _, must := range []string{
			"$ErrorActionPreference = 'Stop'\n",
			"$ProgressPreference = 'SilentlyContinue'\n",
			"Import-Module $in.module\n",
			"    $json = ConvertTo-Json -InputObject $r -Depth 8 -Compress\n",
			"    $failed = [ordered]@{ ok = $false; error = $e }\n",
			"        inner = @(Get-LyncInnerMessages $_.Exception)\n",
			"    $json = ConvertTo-Json -InputObject $failed -Depth 8 -Compress\n",
			"    exit 1\n",
		} {
			if !strings.Contains(c.Text, must) {
				t.Errorf("%s lacks %q", c.Script, must)
			}
		}
		// Success and failure both print the ASCII (base64) result line,
		// after an empty line, and nothing else writes to stdout.
		resultLine := "[Console]::Out.WriteLine([Environment]::NewLine + '" + lync.ResultMarker + "' + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($json)))\n"
		if strings.Count(c.Text, resultLine) != 2 || strings.Count(c.Text, "[Console]::Out.") != 2 {
			t.Errorf("%s does not print its result line exactly once on each path", c.Script)
		}
		lits, err := lynctest.Literals(c.Text)
		if err != nil {
			t.Fatalf("%s: %v", c.Script, err)
		}
		wantLits := 1
		if c.Script == lync.ScriptPublishTopology {
			wantLits = 3 // the parameters, the expected and the new document
		}
		if len(lits) != wantLits {
			t.Errorf("%s decodes %d literals, want %d", c.Script, len(lits), wantLits)
		}
	}
	if len(seen) != scriptCount {
		t.Errorf("scripts seen: %v", seen)
	}
	if got := r.calls[0].Params["module"]; got != "Lync" {
		t.Errorf("default module = %v", got)
	}
	if got := r.calls[4].Params["bootstrapper"]; got != lync.DefaultBootstrapperPath {
		t.Errorf("default bootstrapper = %v", got)
	}
}

// TestNoValueReachesScriptText feeds hostile text through every parameter of
// every function (and both options) and proves that the scripts are the
// same text as with harmless values except for the base64 literals, and that
// each literal decodes to exactly the values given.
func TestNoValueReachesScriptText(t *testing.T) {
	hostile := "x' \" ‘ ’ ‚ ‛ “ ” „ $(Remove-Item C:\\ -Recurse) `n`$env:PATH ; exit 0 ; & calc.exe\r\n]]> <!-- --> @' '@ @\" \"@ # Zürich 東京 \u2028 \x00"
	render := func(value string) []lynctest.Call {
		r := &recorder{reply: okReply}
		c := lync.New(r, lync.Options{Module: value + "-module", BootstrapperPath: value + "-bootstrapper"})
		everyFunction(context.Background(), c, "host.contoso.com", value)
		return r.calls
	}
	benign, bad := render("pool01.contoso.com"), render(hostile)
	if len(benign) != scriptCount || len(bad) != scriptCount {
		t.Fatalf("scripts: %d and %d", len(benign), len(bad))
	}
	// strip replaces every base64 literal by the name of its variable.
	strip := func(t *testing.T, text string) (string, []lynctest.Lit) {
		lits, err := lynctest.Literals(text)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		at := 0
		for _, l := range lits {
			b.WriteString(text[at:l.Start] + "<" + l.Var + ">")
			at = l.End
		}
		return b.String() + text[at:], lits
	}
	for i := range bad {
		name := bad[i].Script
		badText, lits := strip(t, bad[i].Text)
		if benignText, _ := strip(t, benign[i].Text); badText != benignText {
			t.Errorf("%s: a parameter changed the script text outside the base64 literals", name)
		}
		for _, piece := range []string{"Remove-Item", "calc.exe", "Zürich", "]]>", "“", "`$env"} {
			if strings.Contains(bad[i].Text, piece) {
				t.Errorf("%s: %q appears in the script text", name, piece)
			}
		}
		// The parameter literal carries exactly the values given, as UTF-8
		// JSON; each text literal exactly its text, as UTF-8.
		wantParams := map[string]any{"module": hostile + "-module"}
		wantText := map[string]string{}
		switch name {
		case lync.ScriptEnsureBackupService:
			wantParams["bootstrapper"] = hostile + "-bootstrapper"
		case lync.ScriptPublishTopology:
			wantText["expected"], wantText["xml"] = hostile+"-expected", hostile+"-xml"
			fallthrough
		default:
			wantParams["pools"] = []any{hostile, hostile + "2"}
		}
		gotText := map[string]string{}
		for _, l := range lits {
			raw, err := base64.StdEncoding.DecodeString(l.B64)
			if err != nil {
				t.Fatalf("%s: $%s: %v", name, l.Var, err)
			}
			if l.Var != lynctest.ParamsVar {
				gotText[l.Var] = string(raw)
				continue
			}
			var got map[string]any
			if err := json.Unmarshal(raw, &got); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if !reflect.DeepEqual(got, wantParams) {
				t.Errorf("%s: parameters decode to %#v, want %#v", name, got, wantParams)
			}
			if !json.Valid(raw) || !strings.Contains(string(raw), `Z\u00fcrich`) && !strings.Contains(string(raw), "Zürich") {
				t.Errorf("%s: parameters are not the UTF-8 JSON of the values: %s", name, raw)
			}
		}
		if !reflect.DeepEqual(gotText, wantText) {
			t.Errorf("%s: text literals decode to %q, want %q", name, gotText, wantText)
		}
	}
}

// line is the result line that carries js.
var line = lynctest.ResultLine

// b64 is the base64 of the UTF-8 bytes of s.
func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestResultDecoding(t *testing.T) {
	ctx := context.Background()
	noise := "Windows PowerShell\r\nCopyright (C) 2012 Microsoft Corporation.\r\n" +
		strings.TrimSuffix(line(`{"ok":true,"xml":"`+b64("stale")+`"}`), "\n") + "\r\n" + // an earlier marker line: the last one wins
		"Bootstrapper chatter " + line(`{"ok":false}`) + // a marker that does not start its line
		"Z\xfcrich \x93quoted\x94\r\n" // console code page text
	cases := []struct {
		name   string
		stdout string
		stderr string
		code   int
		check  func(t *testing.T, top *lync.Topology, err error)
	}{
		{"marker among noise", noise + line(`{"ok":true,"xml":"`+b64("<Topology />")+`","relations":[{"poolFqdn":"p1","backupPoolFqdn":"p2","error":""}]}`) + "\r\nmore noise\r\n", "", 0,
			func(t *testing.T, top *lync.Topology, err error) {
				if err != nil || top.XML != "<Topology />" {
					t.Fatalf("%+v %v", top, err)
				}
				if r, ok := top.Relations.Get("P1"); !ok || r.BackupPoolFqdn != "p2" {
					t.Errorf("relations %+v", top.Relations)
				}
			}},
		{"CRLF and BOM", "\ufeff" + strings.TrimSuffix(line(`{"ok":true,"xml":"","relations":[]}`), "\n") + "\r\n", "", 0,
			func(t *testing.T, top *lync.Topology, err error) {
				if err != nil || top.XML != "" || len(top.Relations) != 0 {
					t.Fatalf("%+v %v", top, err)
				}
			}},
		{"non-ASCII round trip", line(`{"ok":true,"xml":"` + b64(`<Site Name="Zürich" City="東京" Note="‘quoted’ `+"\u2028"+` ]]>"/>`) + `","relations":{"poolFqdn":"pool-zürich","backupPoolFqdn":"pool-東京","error":"Zugriff verweigert: «Zürich»"}}`), "", 0,
			func(t *testing.T, top *lync.Topology, err error) {
				if err != nil {
					t.Fatal(err)
				}
				if top.XML != `<Site Name="Zürich" City="東京" Note="‘quoted’ `+"\u2028"+` ]]>"/>` {
					t.Errorf("xml %q", top.XML)
				}
				want := lync.Relations{{PoolFqdn: "pool-zürich", BackupPoolFqdn: "pool-東京", Error: "Zugriff verweigert: «Zürich»"}}
				if !reflect.DeepEqual(top.Relations, want) {
					t.Errorf("relations %q", top.Relations)
				}
			}},
		{"marker text inside a value", line(`{"ok":true,"xml":"`+b64("a\n##lync-result## {\"ok\":false}")+`","relations":{"poolFqdn":"p1","backupPoolFqdn":""}}`) + "\n", "", 0,
			func(t *testing.T, top *lync.Topology, err error) {
				if err != nil || top.XML != "a\n##lync-result## {\"ok\":false}" {
					t.Fatalf("%+v %v", top, err)
				}
				if len(top.Relations) != 1 || top.Relations[0].PoolFqdn != "p1" {
					t.Errorf("single object not read as a one-element list: %+v", top.Relations)
				}
			}},
		{"missing marker", "just text\n", "#< CLIXML\nImport-Module : The specified module 'Lync' was not loaded", 1,
			func(t *testing.T, _ *lync.Topology, err error) {
				var re *lync.ResultError
				if !errors.As(err, &re) || re.ExitCode != 1 || re.Host != "mgmt01" || re.Script != lync.ScriptReadTopology {
					t.Fatalf("%#v", err)
				}
				for _, want := range []string{"exit code 1", "The specified module 'Lync' was not loaded", "mgmt01", "read-topology"} {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("%q lacks %q", err, want)
					}
				}
			}},
		{"plain JSON instead of base64", lync.ResultMarker + `{"ok":true,"xml":"","relations":[]}` + "\n", "", 0,
			func(t *testing.T, _ *lync.Topology, err error) {
				var re *lync.ResultError
				if !errors.As(err, &re) || !strings.Contains(err.Error(), "not valid base64") || !strings.Contains(err.Error(), `{\"ok\":true`) {
					t.Fatalf("%v", err)
				}
			}},
		{"truncated base64", strings.TrimSuffix(line(`{"ok":true,"xml":"","relations":[]}`), "=\n") + "\n", "", 0,
			func(t *testing.T, _ *lync.Topology, err error) {
				var re *lync.ResultError
				if !errors.As(err, &re) || !strings.Contains(err.Error(), "not valid base64") {
					t.Fatalf("%v", err)
				}
			}},
		{"malformed JSON", line("{\"ok\":tru"), "", 0,
			func(t *testing.T, _ *lync.Topology, err error) {
				var re *lync.ResultError
				if !errors.As(err, &re) || !strings.Contains(err.Error(), "not valid JSON") || !strings.Contains(err.Error(), `{\"ok\":tru`) {
					t.Fatalf("%v", err)
				}
			}},
		{"no ok field", line(`{"xml":""}`), "", 0,
			func(t *testing.T, _ *lync.Topology, err error) {
				var re *lync.ResultError
				if !errors.As(err, &re) || !strings.Contains(err.Error(), `no "ok" field`) {
					t.Fatalf("%v", err)
				}
			}},
		{"topology field not base64", line(`{"ok":true,"xml":"<Topology />","relations":[]}`), "", 0,
			func(t *testing.T, _ *lync.Topology, err error) {
				var re *lync.ResultError
				if !errors.As(err, &re) || !strings.Contains(err.Error(), "expected shape") || !strings.Contains(err.Error(), "base64") {
					t.Fatalf("%v", err)
				}
			}},
		{"ok false", "noise\n" + lynctest.Fail(lynctest.Failure{Step: "read topology", Type: "System.UnauthorizedAccessException", ID: "AccessDenied,Microsoft.Rtc.Management.Deploy.Cmdlets.GetTopologyCmdlet", Category: "PermissionDenied", Message: "Access is denied.", Cmdlet: "Get-CsTopology", Host: "MGMT01"}), "", 1,
			func(t *testing.T, _ *lync.Topology, err error) {
				var ce *lync.CmdletError
				if !errors.As(err, &ce) {
					t.Fatalf("%#v", err)
				}
				want := lync.CmdletError{Script: lync.ScriptReadTopology, Host: "mgmt01", Computer: "MGMT01", Step: "read topology", Cmdlet: "Get-CsTopology",
					Category: "PermissionDenied", ErrorID: "AccessDenied,Microsoft.Rtc.Management.Deploy.Cmdlets.GetTopologyCmdlet", Type: "System.UnauthorizedAccessException", Message: "Access is denied."}
				if !reflect.DeepEqual(*ce, want) {
					t.Errorf("got %+v", *ce)
				}
				if got := err.Error(); got != `Get-CsTopology failed on mgmt01 (step "read topology"): Access is denied. [PermissionDenied, AccessDenied,Microsoft.Rtc.Management.Deploy.Cmdlets.GetTopologyCmdlet]` {
					t.Errorf("message %q", got)
				}
			}},
		{"localized failure", lynctest.Fail(lynctest.Failure{Step: "read topology", Category: "PermissionDenied", Message: "Zugriff verweigert für „Zürich“ (東京).", Cmdlet: "Get-CsTopology", Host: "MGMT01"}), "", 1,
			func(t *testing.T, _ *lync.Topology, err error) {
				var ce *lync.CmdletError
				if !errors.As(err, &ce) || ce.Message != "Zugriff verweigert für „Zürich“ (東京)." {
					t.Fatalf("%#v", err)
				}
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := &recorder{reply: func(lynctest.Call) (string, string, int) { return c.stdout, c.stderr, c.code }}
			top, err := lync.New(r, lync.Options{}).ReadTopology(ctx, "mgmt01", []string{"p1"})
			c.check(t, top, err)
		})
	}

	t.Run("transport error", func(t *testing.T) {
		boom := errors.New("dial tcp: connection refused")
		c := lync.New(lynctest.RunnerFunc(func(context.Context, string, string) (string, string, int, error) { return "", "", 0, boom }), lync.Options{})
		_, err := c.ReadTopology(ctx, "mgmt01", nil)
		if !errors.Is(err, boom) || !strings.Contains(err.Error(), "mgmt01") {
			t.Errorf("%v", err)
		}
	})
}

func TestReadPairStateShapes(t *testing.T) {
	// Windows PowerShell 3.0 shapes: single objects for one-element arrays,
	// null for empty ones, the {"value":[...],"Count":n} wrapping.
	stdout := line(`{"ok":true,"topology":"` + b64("<Topology/>") + `","pools":[` +
		`{"poolFqdn":"pool01","exists":true,"fqdn":"pool01.contoso.com","site":"Site:Redmond","computers":"fe01a","services":{"computer":"fe01a","status":"Running","error":""},"backupPoolFqdn":"pool02","relationError":"","statusRead":true,"modules":{"value":[{"identity":"UserServices.PresenceFocus","exportStatus":"SteadyState","importStatus":"NormalState"},{"identity":"CentralMgmt.CMSMaster","exportStatus":"FinalState","importStatus":"NormalState"}],"Count":2},"statusError":""},` +
		`{"poolFqdn":"pool02","exists":true,"fqdn":"pool02.contoso.com","site":"Site:Dublin","computers":["fe02a","fe02b"],"services":[{"computer":"fe02a","status":"NotInstalled","error":""},{"computer":"fe02b","status":"","error":"The RPC server is unavailable"}],"backupPoolFqdn":"","relationError":"","statusRead":false,"modules":null,"statusError":""},` +
		`{"poolFqdn":"gone","exists":false}]}`)
	r := &recorder{reply: func(lynctest.Call) (string, string, int) { return stdout, "", 0 }}
	st, err := lync.New(r, lync.Options{}).ReadPairState(context.Background(), "mgmt01", []string{"pool01", "pool02", "gone"})
	if err != nil {
		t.Fatal(err)
	}
	want := &lync.PairState{Topology: "<Topology/>", Pools: []lync.PoolState{
		{PoolFqdn: "pool01", Exists: true, Fqdn: "pool01.contoso.com", Site: "Site:Redmond", Computers: []string{"fe01a"},
			Services: []lync.ServiceStatus{{Computer: "fe01a", Status: "Running"}}, BackupPoolFqdn: "pool02",
			Backup: &lync.BackupStatus{PoolFqdn: "pool01", Modules: []lync.BackupModule{
				{Identity: "UserServices.PresenceFocus", ExportStatus: "SteadyState", ImportStatus: "NormalState"},
				{Identity: "CentralMgmt.CMSMaster", ExportStatus: "FinalState", ImportStatus: "NormalState"}}}},
		{PoolFqdn: "pool02", Exists: true, Fqdn: "pool02.contoso.com", Site: "Site:Dublin", Computers: []string{"fe02a", "fe02b"},
			Services: []lync.ServiceStatus{{Computer: "fe02a", Status: "NotInstalled"}, {Computer: "fe02b", Error: "The RPC server is unavailable"}}},
		{PoolFqdn: "gone"},
	}}
	if !reflect.DeepEqual(st, want) {
		t.Errorf("got  %+v\nwant %+v", st, want)
	}
	if st.Pool("POOL02") != &st.Pools[1] || st.Pool("nope") != nil {
		t.Error("Pool lookup")
	}

	// A single pool object instead of an array.
	stdout = line(`{"ok":true,"topology":"","pools":{"poolFqdn":"gone","exists":false}}`)
	st, err = lync.New(r, lync.Options{}).ReadPairState(context.Background(), "mgmt01", []string{"gone"})
	if err != nil || len(st.Pools) != 1 || st.Pools[0].Exists {
		t.Errorf("%+v %v", st, err)
	}
}

func TestPublishTopology(t *testing.T) {
	ctx := context.Background()
	published := true
	r := &recorder{reply: func(lynctest.Call) (string, string, int) {
		return lynctest.OK(map[string]any{"published": published, "relations": []map[string]string{{"poolFqdn": "a", "backupPoolFqdn": "b"}, {"poolFqdn": "b", "backupPoolFqdn": "a"}}}), "", 0
	}}
	c := lync.New(r, lync.Options{Module: "SkypeForBusiness"})
	rels, err := c.PublishTopology(ctx, "mgmt01", "<old/>", "<new/>", []string{"a", "b"})
	if err != nil || len(rels) != 2 {
		t.Fatalf("%v %v", rels, err)
	}
	if got := r.last(t); got.String("expected") != "<old/>" || got.String("xml") != "<new/>" || got.String("module") != "SkypeForBusiness" || !reflect.DeepEqual(got.Strings("pools"), []string{"a", "b"}) {
		t.Errorf("params %v", got.Params)
	}
	if got := r.last(t); !reflect.DeepEqual(got.Payloads, map[string]string{"expected": "<old/>", "xml": "<new/>"}) || strings.Contains(string(got.JSON), "old") {
		t.Errorf("the documents are not text payloads of their own: %q, parameters %s", got.Payloads, got.JSON)
	}
	published = false
	if _, err := c.PublishTopology(ctx, "mgmt01", "<old/>", "<new/>", []string{"a", "b"}); !errors.Is(err, lync.ErrTopologyChanged) {
		t.Errorf("conflict gave %v", err)
	}
}

// TestLargeTopology: a topology document of several megabytes stays out of
// the JSON parameter document (Windows PowerShell 3.0's ConvertFrom-Json
// refuses JSON above about 2 MB) and round-trips exactly both ways.
func TestLargeTopology(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<Topology xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008">`)
	for i := 0; b.Len() < 3<<20; i++ {
		b.WriteString(`<Site SiteId="` + strconv.Itoa(i) + `"><Name>Zürich 東京 ‘` + strconv.Itoa(i) + `’</Name><Location City="Genève" /></Site>`)
	}
	b.WriteString(`</Topology>`)
	big := b.String()
	newer := strings.Replace(big, "Genève", "Genf", 1)
	r := &recorder{reply: func(c lynctest.Call) (string, string, int) {
		if c.Script == lync.ScriptReadTopology {
			return lynctest.OK(map[string]any{"xml": big, "relations": []any{}}), "", 0
		}
		return lynctest.OK(map[string]any{"published": c.String("expected") == big && c.String("xml") == newer, "relations": []any{}}), "", 0
	}}
	c := lync.New(r, lync.Options{})
	top, err := c.ReadTopology(context.Background(), "mgmt01", []string{"p1"})
	if err != nil || top.XML != big {
		t.Fatalf("read: %v (equal: %v)", err, top != nil && top.XML == big)
	}
	if _, err := c.PublishTopology(context.Background(), "mgmt01", top.XML, newer, []string{"p1"}); err != nil {
		t.Fatalf("publish: %v", err)
	}
	if got := r.last(t); len(got.JSON) > 1024 {
		t.Errorf("the JSON parameter document is %d bytes", len(got.JSON))
	}
}

func numbered(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "line " + strconv.Itoa(i+1)
	}
	return out
}

func TestEnsureBackupService(t *testing.T) {
	cases := []struct {
		name   string
		result map[string]any
		want   lync.ServiceState
		reason lync.BackupServiceProblem
		msg    string
	}{
		{"running: nothing done", map[string]any{"before": "Running", "status": "Running"},
			lync.ServiceState{Host: "fe01", Before: "Running", Status: "Running"}, 0, ""},
		{"stopped: started", map[string]any{"before": "Stopped", "status": "Running", "started": true},
			lync.ServiceState{Host: "fe01", Before: "Stopped", Status: "Running", StartedNow: true}, 0, ""},
		{"installed and started", map[string]any{"before": "NotInstalled", "status": "Running", "bootstrapperRan": true, "exitCode": 0, "output": []string{"Checking prerequisites", "Done"}, "started": true},
			lync.ServiceState{Host: "fe01", Before: "NotInstalled", Status: "Running", InstalledNow: true, StartedNow: true, BootstrapperOutput: []string{"Checking prerequisites", "Done"}}, 0, ""},
		{"bootstrapper failed", map[string]any{"before": "NotInstalled", "status": "NotInstalled", "bootstrapperRan": true, "exitCode": 1603, "output": "Another Lync Server product with version 6.0.9319.0 is already installed."},
			lync.ServiceState{Host: "fe01", Before: "NotInstalled", Status: "NotInstalled", BootstrapperOutput: []string{"Another Lync Server product with version 6.0.9319.0 is already installed."}},
			lync.BootstrapperFailed, "Bootstrapper.exe failed on fe01 with exit code 1603; last output: Another Lync Server product"},
		{"long output keeps the last 20 lines", map[string]any{"before": "NotInstalled", "status": "Running", "bootstrapperRan": true, "exitCode": 0, "output": numbered(25), "started": true},
			lync.ServiceState{Host: "fe01", Before: "NotInstalled", Status: "Running", InstalledNow: true, StartedNow: true, BootstrapperOutput: numbered(25)[5:]}, 0, ""},
		{"not installed after", map[string]any{"before": "NotInstalled", "status": "NotInstalled", "bootstrapperRan": true, "exitCode": 0, "output": []string{}},
			lync.ServiceState{Host: "fe01", Before: "NotInstalled", Status: "NotInstalled", BootstrapperOutput: []string{}},
			lync.NotInstalledAfterBootstrapper, "Bootstrapper.exe finished on fe01 but LYNCBACKUP is not installed; is the pool paired in the ENABLED topology?"},
		{"not running after start", map[string]any{"before": "Stopped", "status": "Stopped", "started": true},
			lync.ServiceState{Host: "fe01", Before: "Stopped", Status: "Stopped", StartedNow: true},
			lync.NotRunningAfterStart, `LYNCBACKUP on fe01 is "Stopped" after Start-CsWindowsService`},
		{"start failed", map[string]any{"before": "Stopped", "status": "Stopped", "started": true, "startError": "Service 'LYNCBACKUP' cannot be started; caused by: The service did not respond"},
			lync.ServiceState{Host: "fe01", Before: "Stopped", Status: "Stopped", StartedNow: true},
			lync.NotRunningAfterStart, `Start-CsWindowsService -Name LYNCBACKUP failed on fe01: Service 'LYNCBACKUP' cannot be started; caused by: The service did not respond (LYNCBACKUP is "Stopped"); check the "LS Backup Service" event log on fe01`},
		{"3010: installed, restart required", map[string]any{"before": "NotInstalled", "status": "Running", "bootstrapperRan": true, "exitCode": 3010, "rebootRequired": true, "output": []string{"A restart is required."}, "started": true},
			lync.ServiceState{Host: "fe01", Before: "NotInstalled", Status: "Running", InstalledNow: true, StartedNow: true, RebootRequired: true, BootstrapperOutput: []string{"A restart is required."}}, 0, ""},
		{"3010 but not installed", map[string]any{"before": "NotInstalled", "status": "NotInstalled", "bootstrapperRan": true, "exitCode": 3010, "rebootRequired": true},
			lync.ServiceState{Host: "fe01", Before: "NotInstalled", Status: "NotInstalled", RebootRequired: true},
			lync.NotInstalledAfterBootstrapper, "LYNCBACKUP is not installed"},
		{"3010 without a run is no restart", map[string]any{"before": "Stopped", "status": "Running", "exitCode": 3010, "started": true},
			lync.ServiceState{Host: "fe01", Before: "Stopped", Status: "Running", StartedNow: true}, 0, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := &recorder{reply: func(lynctest.Call) (string, string, int) { return lynctest.OK(c.result), "", 0 }}
			st, err := lync.New(r, lync.Options{BootstrapperPath: `D:\Lync\Deployment\Bootstrapper.exe`}).EnsureBackupService(context.Background(), "fe01")
			if got := r.last(t); got.Host != "fe01" || got.String("bootstrapper") != `D:\Lync\Deployment\Bootstrapper.exe` {
				t.Errorf("ran on %s with %v", got.Host, got.Params)
			}
			if st == nil || !reflect.DeepEqual(*st, c.want) {
				t.Errorf("state %+v, want %+v", st, c.want)
			}
			var be *lync.BackupServiceError
			if c.reason == 0 {
				if err != nil {
					t.Errorf("error %v", err)
				}
				return
			}
			if !errors.As(err, &be) || be.Reason != c.reason || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("error %v, want reason %d with %q", err, c.reason, c.msg)
			}
		})
	}
}

func TestCmdletErrorInnerMessages(t *testing.T) {
	r := &recorder{reply: func(lynctest.Call) (string, string, int) {
		return lynctest.Fail(lynctest.Failure{Step: "enable topology", Type: "Microsoft.Rtc.Management.ManagementException", Category: "InvalidOperation",
			Message: "Cannot open the Central Management store.", Cmdlet: "Enable-CsTopology", Host: "MGMT01",
			Inner: []string{"Cannot open the Central Management store.", "Login failed for user 'NT AUTHORITY\\ANONYMOUS LOGON'.", ""}}), "", 1
	}}
	_, err := lync.New(r, lync.Options{}).EnableTopology(context.Background(), "mgmt01", nil)
	var ce *lync.CmdletError
	if !errors.As(err, &ce) || len(ce.Inner) != 3 || ce.Inner[1] != "Login failed for user 'NT AUTHORITY\\ANONYMOUS LOGON'." {
		t.Fatalf("%#v", err)
	}
	// An inner message that repeats the outer one, or is empty, is left out.
	want := `Enable-CsTopology failed on mgmt01 (step "enable topology"): Cannot open the Central Management store.; caused by: Login failed for user 'NT AUTHORITY\ANONYMOUS LOGON'. [InvalidOperation, ]`
	if err.Error() != want {
		t.Errorf("message\n%s\nwant\n%s", err, want)
	}
}

func TestPublishTopologySimpleURLs(t *testing.T) {
	ctx := context.Background()
	global := map[string]any{"identity": "Global", "error": "Access is denied.", "simpleUrls": []map[string]any{
		{"component": "meet", "domain": "contoso.com", "activeUrl": "https://meet.contoso.com", "entries": []string{"https://meet.contoso.com", "https://contoso.com/meet"}},
		{"component": "dialin", "domain": "*", "activeUrl": "https://dialin.contoso.com", "entries": "https://dialin.contoso.com"},
	}}
	rels := []map[string]string{{"poolFqdn": "a", "backupPoolFqdn": "b"}}
	cases := []struct {
		name  string
		reply string
		check func(t *testing.T, res *lync.PublishResult, err error)
	}{
		{"restored", lynctest.OK(map[string]any{"published": true, "simpleUrls": map[string]any{"restored": "Global", "failed": nil}, "relations": rels}),
			func(t *testing.T, res *lync.PublishResult, err error) {
				if err != nil || !reflect.DeepEqual(res.RestoredSimpleURLs, []string{"Global"}) || len(res.Relations) != 1 {
					t.Fatalf("%+v %v", res, err)
				}
			}},
		{"nothing to restore", lynctest.OK(map[string]any{"published": true, "simpleUrls": map[string]any{"restored": []string{}, "failed": []any{}}, "relations": rels}),
			func(t *testing.T, res *lync.PublishResult, err error) {
				if err != nil || len(res.RestoredSimpleURLs) != 0 {
					t.Fatalf("%+v %v", res, err)
				}
			}},
		{"not restored", lynctest.Fail(lynctest.Failure{Step: "restore simple URLs", Message: "Publish-CsTopology cleared simple URL configurations that could not be restored: Global (Access is denied.)",
			Host: "MGMT01", Extra: map[string]any{"simpleUrls": map[string]any{"restored": []string{"site:Dublin"}, "failed": global}}}),
			func(t *testing.T, _ *lync.PublishResult, err error) {
				var se *lync.SimpleURLError
				if !errors.As(err, &se) || se.Host != "mgmt01" || !reflect.DeepEqual(se.Restored, []string{"site:Dublin"}) || len(se.Failed) != 1 || len(se.Failed[0].SimpleURLs) != 2 {
					t.Fatalf("%#v", err)
				}
				want := "publishing the topology on mgmt01 cleared simple URL configurations that could not be restored: Global (Access is denied.) held " +
					"meet contoso.com https://meet.contoso.com (also https://contoso.com/meet), dialin * https://dialin.contoso.com. " +
					"Restore them with Set-CsSimpleUrlConfiguration (New-CsSimpleUrl, New-CsSimpleUrlEntry), then run Enable-CsComputer on the servers"
				if err.Error() != want {
					t.Errorf("message\n%s\nwant\n%s", err, want)
				}
				var ce *lync.CmdletError
				if !errors.As(err, &ce) || ce.Step != "restore simple URLs" {
					t.Errorf("does not unwrap to the script's error: %#v", err)
				}
			}},
		{"enable failed, not restored", lynctest.Fail(lynctest.Failure{Step: "enable topology", Cmdlet: "Enable-CsTopology", Message: "Cannot enable the topology.", Host: "MGMT01",
			Extra: map[string]any{"simpleUrls": map[string]any{"restored": nil, "failed": []any{global}}}}),
			func(t *testing.T, _ *lync.PublishResult, err error) {
				var se *lync.SimpleURLError
				if !errors.As(err, &se) || !strings.HasSuffix(err.Error(), `; the publish itself failed too: Enable-CsTopology failed on mgmt01 (step "enable topology"): Cannot enable the topology.`) {
					t.Fatalf("%v", err)
				}
			}},
		{"enable failed, restored", lynctest.Fail(lynctest.Failure{Step: "enable topology", Cmdlet: "Enable-CsTopology", Message: "Cannot enable the topology.", Host: "MGMT01",
			Extra: map[string]any{"simpleUrls": map[string]any{"restored": []string{"Global"}, "failed": []any{}}}}),
			func(t *testing.T, _ *lync.PublishResult, err error) {
				var se *lync.SimpleURLError
				var ce *lync.CmdletError
				if errors.As(err, &se) || !errors.As(err, &ce) || ce.Step != "enable topology" {
					t.Fatalf("%#v", err)
				}
			}},
		{"refused", lynctest.OK(map[string]any{"published": false, "simpleUrls": nil, "relations": rels}),
			func(t *testing.T, _ *lync.PublishResult, err error) {
				if !errors.Is(err, lync.ErrTopologyChanged) {
					t.Fatalf("%v", err)
				}
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := &recorder{reply: func(lynctest.Call) (string, string, int) { return c.reply, "", 0 }}
			res, err := lync.New(r, lync.Options{}).PublishTopologyResult(ctx, "mgmt01", "<old/>", "<new/>", []string{"a", "b"})
			c.check(t, res, err)
		})
	}
}

func TestBackupSyncAndStatus(t *testing.T) {
	r := &recorder{reply: func(c lynctest.Call) (string, string, int) {
		if c.Script == lync.ScriptReadBackupStatus {
			return lynctest.OK(map[string]any{"statuses": []map[string]any{
				{"poolFqdn": "pool01", "modules": map[string]string{"identity": "ConfServices.DataConf", "exportStatus": "NonSteadyState", "importStatus": "NormalState"}, "error": ""},
				{"poolFqdn": "pool02", "modules": nil, "error": "The Backup Service is not reachable."},
			}}), "", 0
		}
		return lynctest.OK(nil), "", 0
	}}
	c := lync.New(r, lync.Options{})
	if err := c.InvokeBackupSync(context.Background(), "mgmt01", []string{"pool01", "pool02"}); err != nil {
		t.Fatal(err)
	}
	if got := r.last(t); got.Script != lync.ScriptInvokeBackupSync || !reflect.DeepEqual(got.Strings("pools"), []string{"pool01", "pool02"}) {
		t.Errorf("%+v", got)
	}
	st, err := c.ReadBackupStatus(context.Background(), "mgmt01", []string{"pool01", "pool02"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]lync.BackupStatus{
		"pool01": {PoolFqdn: "pool01", Modules: []lync.BackupModule{{Identity: "ConfServices.DataConf", ExportStatus: "NonSteadyState", ImportStatus: "NormalState"}}},
		"pool02": {PoolFqdn: "pool02", Error: "The Backup Service is not reachable."},
	}
	if !reflect.DeepEqual(st, want) {
		t.Errorf("got %+v", st)
	}
	if len(r.calls) != 2 {
		t.Errorf("%d invocations for two steps", len(r.calls))
	}
}

func TestLockTopology(t *testing.T) {
	c := lync.New(&recorder{}, lync.Options{})
	ctx := context.Background()
	var inside, maxInside atomic.Int32
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			host := "MGMT-lock.contoso.com"
			if i%2 == 0 {
				host = "mgmt-lock.contoso.com"
			}
			unlock, err := c.LockTopology(ctx, host)
			if err != nil {
				t.Error(err)
				return
			}
			if n := inside.Add(1); n > maxInside.Load() {
				maxInside.Store(n)
			}
			time.Sleep(2 * time.Millisecond)
			inside.Add(-1)
			unlock()
			unlock() // idempotent
		}()
	}
	wg.Wait()
	if maxInside.Load() != 1 {
		t.Errorf("%d holders at once", maxInside.Load())
	}
	unlock, _ := c.LockTopology(ctx, "mgmt-lock.contoso.com")
	defer unlock()
	other, err := lync.New(&recorder{}, lync.Options{}).LockTopology(ctx, "other.contoso.com")
	if err != nil {
		t.Fatal(err)
	}
	other()
	short, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	if _, err := lync.New(&recorder{}, lync.Options{}).LockTopology(short, "mgmt-lock.contoso.com"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a second client got the held lock: %v", err)
	}
}
