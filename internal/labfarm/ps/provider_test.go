package ps

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
)

// The shape of what the provider sends (main DESIGN.md §3; the provider's
// internal/winrm/bootstrap.go and internal/lync/scripts/common.ps1 and
// publish-topology.ps1 rendered, copied here as text because nothing under
// internal/labfarm imports the provider side). A constant bootstrap on the
// command line reads the real script, base64 UTF-8, from stdin in lines of
// at most 200 characters (a console ReadLine returns at most 254) up to the
// end-of-script line ".". The script takes its small parameters from one
// base64 JSON literal and each topology document from a base64 literal of
// its own, and prints one result line: the marker, then base64 of the UTF-8
// JSON. Change these together with the provider's scripts.
const providerBootstrap = `$ErrorActionPreference = 'Stop'; $b = New-Object Text.StringBuilder; ` +
	`while (($l = [Console]::In.ReadLine()) -ne '.') { ` +
	`if ($null -eq $l) { throw 'stdin ended before the end-of-script line; the script was not run' }; ` +
	`[void]$b.Append($l) }; ` +
	`& ([scriptblock]::Create([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($b.ToString()))))`

// providerStdin is the provider's stdin for script: base64 of its UTF-8 in
// CRLF-terminated lines of 200 characters, then the end-of-script line.
func providerStdin(script string) string {
	b64 := base64.StdEncoding.EncodeToString([]byte(script))
	var b strings.Builder
	for len(b64) > 200 {
		b.WriteString(b64[:200] + "\r\n")
		b64 = b64[200:]
	}
	b.WriteString(b64 + "\r\n.\r\n")
	return b.String()
}

const providerMarker = "##lync-result## "

// providerPublishScript is publish-topology.ps1 rendered; PARAMS_B64,
// EXPECTED_B64 and XML_B64 stand for the literals the provider fills in.
const providerPublishScript = `# terraform-provider-lync: publish-topology
# Every parameter is in a base64 (UTF-8) literal below and is only used as data.
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$step = 'decode parameters'
try {
    $in = ConvertFrom-Json ([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('PARAMS_B64')))
    $step = 'import module'
    Import-Module $in.module
    # The two documents have literals of their own (base64 of UTF-8), not
    # fields of $in: ConvertFrom-Json of Windows PowerShell 3.0 refuses JSON
    # above about 2 MB.
    $step = 'decode topology documents'
    $expected = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('EXPECTED_B64'))
    $xml = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('XML_B64'))
    $step = 'read current topology'
    $current = (Get-CsTopology -AsXml).ToString()
    $published = $false
    # -eq is case-insensitive, which is enough: every publish gives the
    # document a new Signature GUID, so any publish since the caller read the
    # topology shows up as a difference.
    if ($current -eq $expected) {
        $step = 'publish topology'
        Publish-CsTopology -Document ([System.Xml.Linq.XElement]::Parse($xml)) -Force
        $step = 'enable topology'
        Enable-CsTopology
        $published = $true
    }
    $step = 'read backup relationships'
    $relations = @($in.pools | ForEach-Object {
        $p = [string]$_
        $backupPool = ''
        $relationError = ''
        try {
            foreach ($rel in @(Get-CsPoolBackupRelationship -PoolFqdn $p)) {
                $backupPool = [string]$rel.BackupPoolFqdn
            }
        } catch {
            $relationError = $_.Exception.Message
        }
        [ordered]@{ poolFqdn = $p; backupPoolFqdn = $backupPool; error = $relationError }
    })
    $r = [ordered]@{ ok = $true; published = $published; relations = $relations }
    $json = ConvertTo-Json -InputObject $r -Depth 8 -Compress
    [Console]::Out.WriteLine('##lync-result## ' + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($json)))
} catch {
    $e = [ordered]@{
        step = $step
        type = $_.Exception.GetType().FullName
        id = $_.FullyQualifiedErrorId
        category = $_.CategoryInfo.Category.ToString()
        message = $_.Exception.Message
        cmdlet = [string]$_.InvocationInfo.MyCommand.Name
        host = $env:COMPUTERNAME
    }
    $json = ConvertTo-Json -InputObject ([ordered]@{ ok = $false; error = $e }) -Depth 8 -Compress
    [Console]::Out.WriteLine('##lync-result## ' + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($json)))
    exit 1
}

`

// The documents travel byte for byte: quotes, a here-string terminator,
// $(...) and non-ASCII letters stay data.
const (
	providerCurrentXML = `<Topology xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008" Signature="11111111-1111-1111-1111-111111111111"><Sites><CentralSite SiteId="1"><Name>Zürich 'HQ' "$(Remove-Item C:\)"</Name></CentralSite></Sites></Topology>`
	providerNewXML     = `<Topology xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008" Signature="11111111-1111-1111-1111-111111111111"><Sites><CentralSite SiteId="1"><Name>Zürich 'HQ' "$(Remove-Item C:\)"</Name></CentralSite></Sites><!-- '@ "@ paired --></Topology>`
)

func encodeCommand(script string) string {
	return base64.StdEncoding.EncodeToString(utf16le(script))
}

// topologyFake is the Lync side of the publish script: what it received
// and what it answers.
type topologyFake struct {
	current      string // Get-CsTopology -AsXml
	failTopology bool
	imported     []string
	published    []string // Publish-CsTopology -Document, as XML
	enabled      int
	partners     map[string]string // pool -> backup pool
}

func (tf *topologyFake) commands() *fakeCommands {
	f := newFake()
	f.add(&Cmdlet{
		Name:     "Import-Module",
		FullName: "Microsoft.PowerShell.Commands.ImportModuleCommand",
		Params:   []Param{{Name: "Name", Type: TypeStringArray, Position: 0, Mandatory: true}},
		Invoke: func(c *Call) error {
			names, _ := c.Bound["Name"].([]string)
			tf.imported = append(tf.imported, names...)
			return nil
		},
	})
	f.add(&Cmdlet{
		Name:     "Get-CsTopology",
		FullName: "Lab.GetTopologyCmdlet",
		Params:   []Param{{Name: "AsXml", Type: TypeSwitch, Position: -1}},
		Invoke: func(c *Call) error {
			if tf.failTopology {
				return NewError("ResourceUnavailable", "CmsUnavailable,Lab.GetTopologyCmdlet", "", "Cannot reach the Central Management store.")
			}
			c.Emit(XElement{XML: tf.current})
			return nil
		},
	})
	f.add(&Cmdlet{
		Name:     "Publish-CsTopology",
		FullName: "Lab.PublishTopologyCmdlet",
		Params:   []Param{{Name: "Document", Type: TypeObject, Position: -1}, {Name: "Force", Type: TypeSwitch, Position: -1}},
		Invoke: func(c *Call) error {
			x, ok := c.Bound["Document"].(XElement)
			if !ok || !c.Bool("Force") {
				return NewError("InvalidArgument", "BadDocument,Lab.PublishTopologyCmdlet", "", "expected -Document <XElement> -Force")
			}
			tf.published = append(tf.published, x.XML)
			return nil
		},
	})
	f.add(&Cmdlet{
		Name:   "Enable-CsTopology",
		Params: []Param{},
		Invoke: func(c *Call) error { tf.enabled++; return nil },
	})
	f.add(&Cmdlet{
		Name:     "Get-CsPoolBackupRelationship",
		FullName: "Lab.GetPoolBackupRelationshipCmdlet",
		Params:   []Param{{Name: "PoolFqdn", Type: TypeString, Position: -1, Mandatory: true}},
		Invoke: func(c *Call) error {
			p := c.String("PoolFqdn")
			if p == "bad.contoso.com" {
				return NewError("ObjectNotFound", "PoolNotFound,Lab.GetPoolBackupRelationshipCmdlet", p, `Pool "bad.contoso.com" was not found.`)
			}
			if b := tf.partners[p]; b != "" {
				c.Emit(NewObject("Microsoft.Rtc.Management.Hadr.BackupService.BackupRelation").Set("PoolFqdn", p).Set("BackupPoolFqdn", b))
			}
			return nil
		},
	})
	return f
}

// publishScript renders the script as the provider does to publish
// providerNewXML over providerCurrentXML.
func publishScript(params string) string {
	return strings.NewReplacer(
		"PARAMS_B64", base64.StdEncoding.EncodeToString([]byte(params)),
		"EXPECTED_B64", base64.StdEncoding.EncodeToString([]byte(providerCurrentXML)),
		"XML_B64", base64.StdEncoding.EncodeToString([]byte(providerNewXML)),
	).Replace(providerPublishScript)
}

// runBootstrap runs bootstrap as the provider's command line with stdin and
// returns stdout, stderr and the exit code.
func runBootstrap(cmds Commands, bootstrap, stdin string) (string, string, int) {
	var out, errb bytes.Buffer
	env := &Env{Host: "fe01.contoso.com", Commands: cmds, Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb}
	cl := "powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand " + encodeCommand(bootstrap)
	code := RunCommandLine(context.Background(), env, cl)
	return out.String(), errb.String(), code
}

// runPublish sends the publish script through the bootstrap and returns
// stdout, stderr and the exit code.
func runPublish(t *testing.T, cmds Commands, params string) (string, string, int) {
	t.Helper()
	return runBootstrap(cmds, providerBootstrap, providerStdin(publishScript(params)))
}

// resultJSON decodes the result line as the provider does: the last line
// that starts with the marker, base64 of UTF-8 JSON, ASCII on the wire.
func resultJSON(t *testing.T, out string) (string, map[string]any) {
	t.Helper()
	lines := strings.Split(out, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimRight(lines[i], "\r")
		payload, ok := strings.CutPrefix(l, providerMarker)
		if !ok {
			continue
		}
		for _, r := range l {
			if r > 0x7e {
				t.Fatalf("result line is not ASCII: %q", l)
			}
		}
		js, err := base64.StdEncoding.DecodeString(payload)
		if err != nil {
			t.Fatalf("result is not base64: %v: %q", err, l)
		}
		var m map[string]any
		if err := json.Unmarshal(js, &m); err != nil {
			t.Fatalf("result is not JSON: %v: %q", err, js)
		}
		return string(js), m
	}
	t.Fatalf("no result line in %q", out)
	return "", nil
}

const providerParams = `{"module":"Lync","pools":["pool01.contoso.com","pool02.contoso.com","bad.contoso.com"]}`

func TestProviderPublishScript(t *testing.T) {
	tf := &topologyFake{current: providerCurrentXML, partners: map[string]string{"pool01.contoso.com": "pool02.contoso.com", "pool02.contoso.com": "pool01.contoso.com"}}
	out, errs, code := runPublish(t, tf.commands(), providerParams)
	if code != 0 || errs != "" {
		t.Fatalf("code %d stderr %q out %q", code, errs, out)
	}
	js, _ := resultJSON(t, out)
	want := `{"ok":true,"published":true,"relations":[` +
		`{"poolFqdn":"pool01.contoso.com","backupPoolFqdn":"pool02.contoso.com","error":""},` +
		`{"poolFqdn":"pool02.contoso.com","backupPoolFqdn":"pool01.contoso.com","error":""},` +
		`{"poolFqdn":"bad.contoso.com","backupPoolFqdn":"","error":"Pool \"bad.contoso.com\" was not found."}]}`
	if js != want {
		t.Fatalf("result\n%s\nwant\n%s", js, want)
	}
	if out != providerMarker+base64.StdEncoding.EncodeToString([]byte(want))+"\r\n" {
		t.Fatalf("stdout has more than the result line: %q", out)
	}
	if len(tf.imported) != 1 || tf.imported[0] != "Lync" || tf.enabled != 1 ||
		len(tf.published) != 1 || tf.published[0] != providerNewXML {
		t.Fatalf("imported %q, enabled %d, published %q", tf.imported, tf.enabled, tf.published)
	}
}

// A topology published by someone else since the caller read it: nothing is
// published, the relationships are still read.
func TestProviderPublishScriptTopologyChanged(t *testing.T) {
	tf := &topologyFake{current: strings.Replace(providerCurrentXML, "1111-1111-1111-111111111111", "2222-2222-2222-222222222222", 1)}
	out, errs, code := runPublish(t, tf.commands(), `{"module":"Lync","pools":["pool01.contoso.com"]}`)
	if code != 0 || errs != "" {
		t.Fatalf("code %d stderr %q", code, errs)
	}
	js, _ := resultJSON(t, out)
	if want := `{"ok":true,"published":false,"relations":[{"poolFqdn":"pool01.contoso.com","backupPoolFqdn":"","error":""}]}`; js != want {
		t.Fatalf("result %s\nwant   %s", js, want)
	}
	if len(tf.published) != 0 || tf.enabled != 0 {
		t.Fatalf("published %q enabled %d", tf.published, tf.enabled)
	}
}

// A failing cmdlet: the error result names the step, the error record and
// the host; exit 1 and nothing on stderr.
func TestProviderPublishScriptFailure(t *testing.T) {
	tf := &topologyFake{current: providerCurrentXML, failTopology: true}
	out, errs, code := runPublish(t, tf.commands(), providerParams)
	if code != 1 || errs != "" {
		t.Fatalf("code %d stderr %q out %q", code, errs, out)
	}
	js, _ := resultJSON(t, out)
	want := `{"ok":false,"error":{"step":"read current topology","type":"System.InvalidOperationException",` +
		`"id":"CmsUnavailable,Lab.GetTopologyCmdlet","category":"ResourceUnavailable",` +
		`"message":"Cannot reach the Central Management store.","cmdlet":"Get-CsTopology","host":"FE01"}}`
	if js != want {
		t.Fatalf("result\n%s\nwant\n%s", js, want)
	}
}

// A missing cmdlet (Lync module absent): CommandNotFoundException.
func TestProviderPublishScriptUnknownCmdlet(t *testing.T) {
	tf := &topologyFake{current: providerCurrentXML}
	f := tf.commands()
	delete(f.cmdlets, "get-cstopology")
	out, _, code := runPublish(t, f, providerParams)
	_, m := resultJSON(t, out)
	e, _ := m["error"].(map[string]any)
	if code != 1 || m["ok"] != false || e["type"] != "System.Management.Automation.CommandNotFoundException" ||
		e["id"] != "CommandNotFoundException" || e["category"] != "ObjectNotFound" || e["cmdlet"] != "Get-CsTopology" ||
		e["step"] != "read current topology" {
		t.Fatalf("code %d result %v", code, m)
	}
}

// Bad parameters fail at the first step.
func TestProviderPublishScriptBadParameters(t *testing.T) {
	tf := &topologyFake{current: providerCurrentXML}
	out, _, code := runPublish(t, tf.commands(), `{"module":`)
	_, m := resultJSON(t, out)
	e, _ := m["error"].(map[string]any)
	if code != 1 || e["step"] != "decode parameters" || len(tf.imported) != 0 {
		t.Fatalf("code %d result %v", code, m)
	}
}

// The bootstrap runs nothing when stdin ends before the end-of-script line
// (a delivery cut short): exit 1 with the reason on stderr.
func TestProviderBootstrapTruncatedStdin(t *testing.T) {
	stdin := providerStdin(publishScript(providerParams))
	for _, cut := range []int{0, 150, 202, len(stdin) - 3} {
		tf := &topologyFake{current: providerCurrentXML}
		f := tf.commands()
		out, errs, code := runBootstrap(f, providerBootstrap, stdin[:cut])
		if code != 1 || out != "" || len(f.ran) != 0 ||
			!strings.Contains(decodeCLIXML(errs), "stdin ended before the end-of-script line; the script was not run") {
			t.Errorf("cut after %d of %d bytes: code %d out %q stderr %q", cut, len(stdin), code, out, decodeCLIXML(errs))
		}
	}
}

// The bootstrap before this one read the script as one line of base64.
// Console-mode stdin returns at most 254 characters of a line, so on a real
// server, and in the farm, that fails for any script longer than 190 bytes.
func TestSingleLineBootstrapFails(t *testing.T) {
	const oldBootstrap = `$ErrorActionPreference = 'Stop'; $s = [Console]::In.ReadLine(); & ([scriptblock]::Create([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($s))))`
	tf := &topologyFake{current: providerCurrentXML}
	script := publishScript(providerParams)
	out, errs, code := runBootstrap(tf.commands(), oldBootstrap, base64.StdEncoding.EncodeToString([]byte(script))+"\r\n")
	if code != 1 || out != "" || len(tf.imported) != 0 ||
		!strings.Contains(decodeCLIXML(errs), `Exception calling "FromBase64String" with "1" argument(s)`) {
		t.Fatalf("code %d out %q stderr %q", code, out, decodeCLIXML(errs))
	}
	// A script short enough for one console line still works that way.
	out, errs, code = runBootstrap(nil, oldBootstrap, base64.StdEncoding.EncodeToString([]byte("'short'"))+"\r\n")
	if code != 0 || out != "short\r\n" {
		t.Fatalf("short script: code %d out %q stderr %q", code, out, decodeCLIXML(errs))
	}
}
