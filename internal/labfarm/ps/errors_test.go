package ps

import (
	"strings"
	"testing"
)

func poolCmdlet() *Cmdlet {
	return &Cmdlet{
		Name:     "Get-CsPool",
		FullName: "Microsoft.Rtc.Management.Xds.GetPoolCmdlet",
		Params: []Param{
			{Name: "PoolFqdn", Type: TypeString, Position: 0, Mandatory: true},
			{Name: "Port", Type: TypeInt, Position: -1},
			{Name: "Enabled", Type: TypeBool, Position: -1},
			{Name: "Force", Type: TypeSwitch, Position: -1},
			{Name: "Tags", Type: TypeStringArray, Position: -1},
		},
		Invoke: func(c *Call) error {
			c.Emit(NewObject("Lab.Pool").Set("Fqdn", c.String("PoolFqdn")).Set("Port", c.Int("Port")).Set("Force", c.Bool("Force")).Set("Tags", c.Bound["Tags"]))
			return nil
		},
	}
}

func TestCommandNotFoundRendering(t *testing.T) {
	r := runScript(t, "Get-Foo")
	want := "#< CLIXML\r\n<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">" +
		"<S S=\"Error\">Get-Foo : The term 'Get-Foo' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again._x000D__x000A_</S>" +
		"<S S=\"Error\">At line:1 char:1_x000D__x000A_</S>" +
		"<S S=\"Error\">+ Get-Foo_x000D__x000A_</S>" +
		"<S S=\"Error\">+ ~~~~~~~_x000D__x000A_</S>" +
		"<S S=\"Error\">    + CategoryInfo          : ObjectNotFound: (Get-Foo:String) [], CommandNotFoundException_x000D__x000A_</S>" +
		"<S S=\"Error\">    + FullyQualifiedErrorId : CommandNotFoundException_x000D__x000A_</S>" +
		"<S S=\"Error\"> _x000D__x000A_</S></Objs>"
	if r.err != want || r.code != 1 || r.out != "" {
		t.Fatalf("code %d out %q\nerr  %q\nwant %q", r.code, r.out, r.err, want)
	}
}

func TestBindingErrors(t *testing.T) {
	f := newFake().add(poolCmdlet())
	tests := []struct{ src, want string }{
		{"Get-CsPool -PoolFqdn p -Foo 1", "Get-CsPool : A parameter cannot be found that matches parameter name 'Foo'.\nAt line:1 char:24\n+ Get-CsPool -PoolFqdn p -Foo 1\n+                        ~~~~\n    + CategoryInfo          : InvalidArgument: (:) [Get-CsPool], ParameterBindingException\n    + FullyQualifiedErrorId : NamedParameterNotFound,Microsoft.Rtc.Management.Xds.GetPoolCmdlet\n \n"},
		{"Get-CsPool -P x", "Get-CsPool : Parameter cannot be processed because the parameter name 'P' is ambiguous. Possible matches include: -PoolFqdn -Port.\nAt line:1 char:12\n+ Get-CsPool -P x\n+            ~~\n    + CategoryInfo          : InvalidArgument: (:) [Get-CsPool], ParameterBindingException\n    + FullyQualifiedErrorId : AmbiguousParameter,Microsoft.Rtc.Management.Xds.GetPoolCmdlet\n \n"},
		{"Get-CsPool", "Get-CsPool : Cannot process command because of one or more missing mandatory parameters: PoolFqdn.\nAt line:1 char:1\n+ Get-CsPool\n+ ~~~~~~~~~~\n    + CategoryInfo          : InvalidArgument: (:) [Get-CsPool], ParameterBindingException\n    + FullyQualifiedErrorId : MissingMandatoryParameter,Microsoft.Rtc.Management.Xds.GetPoolCmdlet\n \n"},
		{"Get-CsPool p -Port abc", "Get-CsPool : Cannot bind parameter 'Port'. Cannot convert value \"abc\" to type \"System.Int32\". Error: \"Input string was not in a correct format.\"\nAt line:1 char:14\n+ Get-CsPool p -Port abc\n+              ~~~~~\n    + CategoryInfo          : InvalidArgument: (:) [Get-CsPool], ParameterBindingException\n    + FullyQualifiedErrorId : CannotConvertArgumentNoMessage,Microsoft.Rtc.Management.Xds.GetPoolCmdlet\n \n"},
		{"Get-CsPool p -Port", "Get-CsPool : Missing an argument for parameter 'Port'. Specify a parameter of type 'System.Int32' and try again.\nAt line:1 char:14\n+ Get-CsPool p -Port\n+              ~~~~~\n    + CategoryInfo          : InvalidArgument: (:) [Get-CsPool], ParameterBindingException\n    + FullyQualifiedErrorId : MissingArgument,Microsoft.Rtc.Management.Xds.GetPoolCmdlet\n \n"},
		{"Get-CsPool p q", "Get-CsPool : A positional parameter cannot be found that accepts argument 'q'.\nAt line:1 char:14\n+ Get-CsPool p q\n+              ~\n    + CategoryInfo          : InvalidArgument: (:) [Get-CsPool], ParameterBindingException\n    + FullyQualifiedErrorId : PositionalParameterNotFound,Microsoft.Rtc.Management.Xds.GetPoolCmdlet\n \n"},
		{"Get-CsPool p -Enabled 'yes'", "Get-CsPool : Cannot process argument transformation on parameter 'Enabled'. Cannot convert value \"System.String\" to type \"System.Boolean\". Boolean parameters accept only Boolean values and numbers, such as $True, $False, 1 or 0.\nAt line:1 char:14\n+ Get-CsPool p -Enabled 'yes'\n+              ~~~~~~~~\n    + CategoryInfo          : InvalidData: (:) [Get-CsPool], ParameterBindingException\n    + FullyQualifiedErrorId : ParameterArgumentTransformationError,Microsoft.Rtc.Management.Xds.GetPoolCmdlet\n \n"},
		{"Get-CsPool p -Port 1 -Port 2", "Get-CsPool : Cannot bind parameter because parameter 'Port' is specified more than once. To provide multiple values to parameters that can accept multiple values, use the array syntax. For example, \"-parameter value1,value2,value3\".\nAt line:1 char:22\n+ Get-CsPool p -Port 1 -Port 2\n+                      ~~~~~\n    + CategoryInfo          : InvalidArgument: (:) [Get-CsPool], ParameterBindingException\n    + FullyQualifiedErrorId : ParameterAlreadyBound,Microsoft.Rtc.Management.Xds.GetPoolCmdlet\n \n"},
		{"Get-CsPool -PoolFqdn ''", "Get-CsPool : Cannot bind argument to parameter 'PoolFqdn' because it is an empty string.\nAt line:1 char:12\n+ Get-CsPool -PoolFqdn ''\n+            ~~~~~~~~~\n    + CategoryInfo          : InvalidData: (:) [Get-CsPool], ParameterBindingException\n    + FullyQualifiedErrorId : ParameterArgumentValidationErrorEmptyStringNotAllowed,Microsoft.Rtc.Management.Xds.GetPoolCmdlet\n \n"},
		{"Get-CsPool p -ErrorAction Maybe", "Get-CsPool : Cannot bind parameter 'ErrorAction'. Cannot convert value \"Maybe\" to type \"System.Management.Automation.ActionPreference\". Error: \"Unable to match the identifier name Maybe to a valid enumerator name. Specify one of the following enumerator names and try again: SilentlyContinue, Stop, Continue, Inquire, Ignore, Suspend\"\nAt line:1 char:14\n+ Get-CsPool p -ErrorAction Maybe\n+              ~~~~~~~~~~~~\n    + CategoryInfo          : InvalidArgument: (:) [Get-CsPool], ParameterBindingException\n    + FullyQualifiedErrorId : CannotConvertArgumentNoMessage,Microsoft.Rtc.Management.Xds.GetPoolCmdlet\n \n"},
	}
	for _, tc := range tests {
		r := runWith(t, f, "", tc.src)
		if r.errText() != tc.want || r.code != 1 {
			t.Errorf("%s\n got %q (code %d)\nwant %q", tc.src, r.errText(), r.code, tc.want)
		}
	}
	if len(f.ran) != 0 {
		t.Fatalf("cmdlet ran despite binding errors: %v", f.ran)
	}
}

func TestBindingSuccess(t *testing.T) {
	f := newFake().add(poolCmdlet())
	r := runWith(t, f, "", `$p = Get-CsPool -poolf a -por 5 -f -Tags x,y -Verbose -ErrorAction Stop -ea SilentlyContinue:$false; $p.Fqdn; $p.Port; $p.Force; $p.Tags.GetType().Name
$q = Get-CsPool -PoolFqdn:'b' -Force:$false; $q.Fqdn; $q.Force
$h = @{ PoolFqdn = 'c'; Port = '7' }; (Get-CsPool @h).Port
(Get-CsPool @('d')).Fqdn
'e','f' | ForEach-Object { (Get-CsPool $_).Fqdn }`)
	// "-ea SilentlyContinue:$false" duplicates ErrorAction: line 1 fails to
	// bind, whatever the exit code, and the other lines run.
	got := strings.Join(r.lines(), "|")
	if !strings.HasSuffix(got, "b|False|7|d|e|f") {
		t.Fatalf("got %q err %s", got, r.errText())
	}
	r = runWith(t, f, "", `$p = Get-CsPool -poolf a -por 5 -f -Tags x,y -Verbose -ErrorAction Stop; $p.Fqdn; $p.Port; $p.Force; $p.Tags.GetType().Name`)
	if got := strings.Join(r.lines(), "|"); got != "a|5|True|String[]" || r.err != "" {
		t.Fatalf("got %q err %s", got, r.errText())
	}
}

func TestPipelineBinding(t *testing.T) {
	var seen []string
	var inputs [][]Value
	f := newFake().add(&Cmdlet{
		Name:   "Set-Thing",
		Params: []Param{{Name: "Identity", Type: TypeString, Position: 0, Mandatory: true, FromPipeline: true}, {Name: "Value", Type: TypeInt, Position: 1}},
		Invoke: func(c *Call) error {
			seen = append(seen, c.String("Identity")+"="+ToString(c.Bound["Value"]))
			return nil
		},
	}).add(&Cmdlet{
		Name:   "Out-Thing",
		Params: []Param{{Name: "Name", Type: TypeString, Position: 0}},
		Invoke: func(c *Call) error { inputs = append(inputs, c.Input); return nil },
	})
	r := runWith(t, f, "", `'a','b' | Set-Thing -Value 3; Set-Thing c 4; @() | Set-Thing -Value 1; 1,2,3 | Out-Thing; Out-Thing`)
	if r.err != "" || strings.Join(seen, ",") != "a=3,b=3,c=4" {
		t.Fatalf("seen %v err %s", seen, r.errText())
	}
	if len(inputs) != 2 || len(inputs[0]) != 3 || inputs[1] != nil {
		t.Fatalf("inputs %v", inputs)
	}
}

func TestErrorActionAndExitCodes(t *testing.T) {
	f := newFake().add(&Cmdlet{
		Name:   "Test-Warn",
		Params: []Param{{Name: "Fail", Type: TypeSwitch, Position: -1}},
		Invoke: func(c *Call) error {
			c.WriteError(&ErrorRecord{Message: "soft", ExceptionType: "System.Exception", FullyQualifiedErrorID: "Soft", Category: "NotSpecified"})
			c.Emit("after-soft")
			if c.Bool("Fail") {
				return NewError("InvalidOperation", "Hard,Lab.TestWarn", "t", "hard")
			}
			return nil
		},
	}).addNative(&Native{Path: `C:\tools\fail.exe`, Run: func(c *NativeCall) int { _, _ = c.Stdout.Write([]byte("native out\r\n")); return 3 }})
	tests := []struct {
		src      string
		code     int
		out      string
		errParts []string
	}{
		{"Test-Warn", 1, "after-soft", []string{"Test-Warn : soft", "FullyQualifiedErrorId : Soft"}},
		{"Test-Warn; 'ok'", 0, "after-soft|ok", []string{"Test-Warn : soft"}},
		{"Test-Warn -ErrorAction SilentlyContinue; $?; $Error.Count", 0, "after-soft|False|1", nil},
		{"Test-Warn -ErrorAction Stop; 'no'", 1, "", []string{"Test-Warn : soft"}},
		{"$ErrorActionPreference = 'Stop'; Test-Warn; 'no'", 1, "", []string{"Test-Warn : soft"}},
		{"try { Test-Warn -ErrorAction Stop } catch { 'caught ' + $_.FullyQualifiedErrorId + ' ' + $_.InvocationInfo.MyCommand.Name }", 0, "caught Soft Test-Warn", nil},
		{"Test-Warn -Fail -ErrorAction SilentlyContinue; 'next'", 0, "after-soft|next", []string{"Test-Warn : hard", "InvalidOperation: (t:String) [Test-Warn], InvalidOperationException", "FullyQualifiedErrorId : Hard,Lab.TestWarn"}},
		{"Test-Warn -Fail 2>$null; 'x'; $Error.Count", 0, "after-soft|x|2", []string{"Test-Warn : hard"}},
		{"$r = Test-Warn 2>&1; $r.Count; $r[0].GetType().Name", 0, "2|ErrorRecord", nil},
		{"exit 7", 7, "", nil},
		{"function f { exit 4 }; f; 'no'", 4, "", nil},
		{"try { exit 2 } finally { 'fin' }", 2, "fin", nil},
		{"throw 'x'; 'no'", 1, "", []string{"x", "+ throw 'x'"}},
		{"$null.Foo(); 'after'", 0, "after", []string{"You cannot call a method on a null-valued expression.", "InvokeMethodOnNull"}},
		{"$ErrorActionPreference = 'Stop'; $null.Foo(); 'after'", 1, "", []string{"You cannot call a method on a null-valued expression."}},
		{"$ErrorActionPreference = 'SilentlyContinue'; Get-Nope; 'after'; $Error[0].FullyQualifiedErrorId", 0, "after|CommandNotFoundException", nil},
		{`& 'C:\tools\fail.exe' /x | Out-Null; $LASTEXITCODE; $?`, 0, "3|True", nil},
		{`& 'C:\tools\fail.exe'`, 1, "native out", nil},
		{`& 'C:\tools\missing.exe'`, 1, "", []string{`The term 'C:\tools\missing.exe' is not recognized`}},
		{"Write-Error 'we'; 'after'", 0, "after", []string{"Write-Error 'we' : we", "NotSpecified: (:) [Write-Error], WriteErrorException"}},
		{"function f { Write-Error 'inner' }; f", 1, "", []string{"f : inner", "At line:1 char:37", "FullyQualifiedErrorId : Microsoft.PowerShell.Commands.WriteErrorException,f"}},
		{"1/0", 1, "", []string{"Attempted to divide by zero.", "RuntimeException"}},
		{"[int]'abc'", 1, "", []string{`Cannot convert value "abc" to type "System.Int32". Error: "Input string was not in a correct format."`, "InvalidCastFromStringToInteger"}},
		{"[Convert]::FromBase64String('!!')", 1, "", []string{`Exception calling "FromBase64String" with "1" argument(s): "Invalid length for a Base-64 char array or string."`, "FullyQualifiedErrorId : FormatException"}},
		{"$x = [pscustomobject]@{a=1}; $x.b = 2", 1, "", []string{"The property 'b' cannot be found on this object. Verify that the property exists and can be set."}},
		{"'a'.Nope()", 1, "", []string{"Method invocation failed because [System.String] does not contain a method named 'Nope'."}},
		{"[Nope.Type]::X", 1, "", []string{"Unable to find type [Nope.Type]."}},
		{"Write-Warning 'careful'; 'x'", 0, "x", []string{"careful"}},
		{"Write-Verbose 'hidden'; Write-Verbose 'shown' -Verbose", 0, "", []string{"shown"}},
		{"Import-Module Lync", 1, "", []string{"Import-Module : The specified module 'Lync' was not loaded because no valid module file was found in any module directory.", "ResourceUnavailable: (Lync:String) [Import-Module], FileNotFoundException", "Modules_ModuleNotFound,Microsoft.PowerShell.Commands.ImportModuleCommand"}},
	}
	for _, tc := range tests {
		r := runWith(t, f, "", tc.src)
		out := strings.Join(r.lines(), "|")
		et := r.errText()
		ok := r.code == tc.code && out == tc.out
		for _, p := range tc.errParts {
			ok = ok && strings.Contains(et, p)
		}
		if tc.errParts == nil && strings.Contains(et, "Error") {
			ok = false
		}
		if !ok {
			t.Errorf("%s\n code %d (want %d) out %q (want %q)\nerr %s", tc.src, r.code, tc.code, out, tc.out, et)
		}
	}
}

func TestCatchErrorRecord(t *testing.T) {
	f := newFake().add(poolCmdlet())
	r := runWith(t, f, "", `try { Get-CsPool -Nope 1 } catch {
  $_.Exception.GetType().FullName
  $_.FullyQualifiedErrorId
  [string]$_.CategoryInfo.Category
  $_.CategoryInfo.Reason
  $_.InvocationInfo.MyCommand.Name
  $_.ToString()
  $_.Exception.InnerException -eq $null
  $Error[0].FullyQualifiedErrorId
}
try { throw [pscustomobject]@{ code = 5 } } catch { $_.TargetObject.code; $_.Exception.Message }`)
	want := "System.Management.Automation.ParameterBindingException|NamedParameterNotFound,Microsoft.Rtc.Management.Xds.GetPoolCmdlet|InvalidArgument|ParameterBindingException|Get-CsPool|A parameter cannot be found that matches parameter name 'Nope'.|True|NamedParameterNotFound,Microsoft.Rtc.Management.Xds.GetPoolCmdlet|5|@{code=5}"
	if got := strings.Join(r.lines(), "|"); got != want {
		t.Fatalf("got  %q\nwant %q\n%s", got, want, r.errText())
	}
}

func TestCLIXMLEscaping(t *testing.T) {
	got := clixmlEscape("a<b>&c\r\n_x0041_\t\x01é\U0001F600")
	want := "a&lt;b&gt;&amp;c_x000D__x000A__x005F_x0041__x0009__x0001_é_xD83D__xDE00_"
	if got != want {
		t.Fatalf("got %q want %q", got, want)
	}
}
