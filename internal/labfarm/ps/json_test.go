package ps

import (
	"strings"
	"testing"
)

func TestConvertToJson(t *testing.T) {
	tests := []struct{ src, want string }{
		{`ConvertTo-Json -InputObject ([ordered]@{a=1; b='x'; c=$null; d=$true; e=1.5}) -Compress`, `{"a":1,"b":"x","c":null,"d":true,"e":1.5}`},
		{`ConvertTo-Json -InputObject @(1) -Compress`, `[1]`},
		{`@(1) | ConvertTo-Json -Compress`, `1`},
		{`1,2 | ConvertTo-Json -Compress`, `[1,2]`},
		{`@() | ConvertTo-Json -Compress; 'none'`, `none`},
		{`ConvertTo-Json -InputObject @() -Compress`, `[]`},
		{`$null | ConvertTo-Json`, `null`},
		{`'a"b\c<d>&''' | ConvertTo-Json`, `"a\"b\\c\u003cd\u003e\u0026\u0027"`},
		{"\"tab`tnl`n\" | ConvertTo-Json", `"tab\tnl\n"`},
		{`[pscustomobject]@{z=1; a=@{}} | ConvertTo-Json -Compress`, `{"z":1,"a":{}}`},
		{`@{a=@{b=@{c=@{d=1}}}} | ConvertTo-Json -Compress`, `{"a":{"b":{"c":"System.Collections.Hashtable"}}}`},
		{`@{a=@{b=@{c=@{d=1}}}} | ConvertTo-Json -Compress -Depth 8`, `{"a":{"b":{"c":{"d":1}}}}`},
		{`[pscustomobject]@{a=[pscustomobject]@{b=[pscustomobject]@{c=[pscustomobject]@{d=1}}}} | ConvertTo-Json -Compress`, `{"a":{"b":{"c":"@{d=1}"}}}`},
		{`ConvertTo-Json -InputObject @{ l = @(1, @(2, @(3, @(4)))) } -Compress`, `{"l":[1,[2,"3 System.Object[]"]]}`},
		{`ConvertTo-Json ([ordered]@{ok=$true; n=@(1,2)})`, "{\r\n    \"ok\":  true,\r\n    \"n\":  [\r\n              1,\r\n              2\r\n          ]\r\n}"},
	}
	for _, tc := range tests {
		r := runScript(t, tc.src)
		got := strings.TrimSuffix(r.out, "\r\n")
		if got != tc.want || r.err != "" {
			t.Errorf("%s\n got %q\nwant %q\n%s", tc.src, got, tc.want, r.errText())
		}
	}
}

func TestConvertFromJson(t *testing.T) {
	tests := []struct{ src, want string }{
		{`$o = '{"name":"a","n":5,"f":1.5,"b":true,"z":null,"arr":[1,"x"],"o":{"k":"v"}}' | ConvertFrom-Json; $o.name; $o.n.GetType().Name; $o.f; $o.b; $o.z -eq $null; $o.arr.Count; $o.o.k; $o.GetType().Name`, "a|Int32|1.5|True|True|2|v|PSCustomObject"},
		{`$o = ConvertFrom-Json '{"b":1,"a":2}'; ($o.psobject.Properties.Name) -join ','`, "b,a"},
		{`('[1,2,3]' | ConvertFrom-Json | Measure-Object).Count; (ConvertFrom-Json '[1,2,3]').Count`, "1|3"},
		{`$j = '{"s":"é \u003c$(x)\u0027"}'; (ConvertFrom-Json $j).s`, "é <$(x)'"},
		{`$in = [ordered]@{ name = 'x'; list = @('a','b'); inner = [ordered]@{ k = 1 } }; $rt = ConvertTo-Json $in -Depth 5 -Compress | ConvertFrom-Json; ConvertTo-Json $rt -Depth 5 -Compress`, `{"name":"x","list":["a","b"],"inner":{"k":1}}`},
	}
	for _, tc := range tests {
		r := runScript(t, tc.src)
		if got := strings.Join(r.lines(), "|"); got != tc.want || r.err != "" {
			t.Errorf("%s\n got %q\nwant %q\n%s", tc.src, got, tc.want, r.errText())
		}
	}
	r := runScript(t, `ConvertFrom-Json 'not json'`)
	if r.code != 1 || !strings.Contains(r.errText(), "ConvertFrom-Json : Invalid JSON primitive: not.") || !strings.Contains(r.errText(), "System.ArgumentException,Microsoft.PowerShell.Commands.ConvertFromJsonCommand") {
		t.Fatalf("bad error: %s", r.errText())
	}
}
