package ps

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// The script shape the provider emits (DESIGN.md §3): a constant bootstrap
// on the command line reads the real script, base64 UTF-8, from stdin.
const providerBootstrap = `$ErrorActionPreference = 'Stop'; $s = [Console]::In.ReadLine(); & ([scriptblock]::Create([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($s))))`

const providerScript = `$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$in = ConvertFrom-Json ([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('IN_B64')))
$step = 'read'
try {
    $r = [ordered]@{ ok = $true; host = $env:COMPUTERNAME; data = @() }
    $params = @{ Name = $in.name }
    $things = @(Get-Thing @params)
    $r.data = @($things | ForEach-Object { [ordered]@{ name = $_.Name; status = $_.Status.ToString() } })
    [Console]::Out.WriteLine('##lync-result## ' + (ConvertTo-Json -InputObject $r -Depth 8 -Compress))
} catch {
    $e = [ordered]@{ ok = $false; error = [ordered]@{ step = $step; type = $_.Exception.GetType().FullName; id = $_.FullyQualifiedErrorId; message = $_.Exception.Message; cmdlet = [string]$_.InvocationInfo.MyCommand.Name } }
    [Console]::Out.WriteLine('##lync-result## ' + (ConvertTo-Json -InputObject $e -Depth 8 -Compress))
    exit 1
}
`

func encodeCommand(script string) string {
	return base64.StdEncoding.EncodeToString(utf16le(script))
}

func thingCmdlet(received *[]string, fail bool) *Cmdlet {
	return &Cmdlet{
		Name:     "Get-Thing",
		FullName: "Lab.GetThingCmdlet",
		Params:   []Param{{Name: "Name", Type: TypeString, Position: 0}},
		Invoke: func(c *Call) error {
			*received = append(*received, c.String("Name"))
			if fail {
				return NewError("ObjectNotFound", "ThingNotFound,Lab.GetThingCmdlet", c.String("Name"), "Cannot find thing \""+c.String("Name")+"\".")
			}
			c.Emit(NewObject("Lab.Thing").Set("Name", c.String("Name")).Set("Status", "Running"))
			return nil
		},
	}
}

func runProvider(t *testing.T, cmds Commands, input string) (string, string, int) {
	t.Helper()
	script := strings.Replace(providerScript, "IN_B64", base64.StdEncoding.EncodeToString([]byte(input)), 1)
	stdin := base64.StdEncoding.EncodeToString([]byte(script)) + "\r\n"
	var out, errb bytes.Buffer
	env := &Env{Host: "fe01.contoso.com", Commands: cmds, Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb}
	cl := "powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand " + encodeCommand(providerBootstrap)
	code := RunCommandLine(context.Background(), env, cl)
	return out.String(), errb.String(), code
}

func resultLine(t *testing.T, out string) map[string]any {
	t.Helper()
	for _, l := range strings.Split(out, "\r\n") {
		if strings.HasPrefix(l, "##lync-result## ") {
			var m map[string]any
			if err := json.Unmarshal([]byte(strings.TrimPrefix(l, "##lync-result## ")), &m); err != nil {
				t.Fatalf("result is not JSON: %v: %q", err, l)
			}
			return m
		}
	}
	t.Fatalf("no result line in %q", out)
	return nil
}

func TestProviderScriptSuccess(t *testing.T) {
	var got []string
	f := newFake().add(thingCmdlet(&got, false))
	out, errs, code := runProvider(t, f, `{"name":"a"}`)
	if code != 0 || errs != "" {
		t.Fatalf("code %d stderr %q out %q", code, errs, out)
	}
	want := `##lync-result## {"ok":true,"host":"FE01","data":[{"name":"a","status":"Running"}]}` + "\r\n"
	if out != want {
		t.Fatalf("got %q\nwant %q", out, want)
	}
	if len(got) != 1 || got[0] != "a" {
		t.Fatalf("cmdlet received %q", got)
	}
}

func TestProviderScriptFailure(t *testing.T) {
	var got []string
	f := newFake().add(thingCmdlet(&got, true))
	out, errs, code := runProvider(t, f, `{"name":"nope"}`)
	if code != 1 {
		t.Fatalf("code %d, out %q err %q", code, out, errs)
	}
	m := resultLine(t, out)
	e := m["error"].(map[string]any)
	if m["ok"] != false || e["cmdlet"] != "Get-Thing" || e["step"] != "read" ||
		e["type"] != "System.InvalidOperationException" || e["id"] != "ThingNotFound,Lab.GetThingCmdlet" ||
		e["message"] != `Cannot find thing "nope".` {
		t.Fatalf("bad error result %v", m)
	}
	if errs != "" {
		t.Fatalf("stderr should be empty, got %q", errs)
	}
}

func TestProviderScriptUnknownCmdletFails(t *testing.T) {
	out, _, code := runProvider(t, newFake(), `{"name":"x"}`)
	m := resultLine(t, out)
	e := m["error"].(map[string]any)
	if code != 1 || e["type"] != "System.Management.Automation.CommandNotFoundException" || e["cmdlet"] != "Get-Thing" {
		t.Fatalf("code %d result %v", code, m)
	}
}

func TestProviderStreamsBeforeSleep(t *testing.T) {
	_ = time.Second
}
