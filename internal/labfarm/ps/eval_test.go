package ps

import (
	"strings"
	"testing"
)

// TestEval checks scalar output of language constructs: each script's stdout
// lines joined by "|".
func TestEval(t *testing.T) {
	tests := []struct{ src, want string }{
		// literals and strings
		{"'a''b'; \"x`ty\"; \"q\"\"q\"", "a'b|x\ty|q\"q"},
		{`$n = 5; "n=$n, $($n * 2), ${n}"`, "n=5, 10, 5"},
		{`$o = [pscustomobject]@{P='v'}; "$o.P"`, "@{P=v}.P"},
		{`$o = [pscustomobject]@{P='v'}; "$($o.P)"`, "v"},
		{"'single $x `n'", "single $x `n"},
		{"\"a`$b `\"c`\"\"", "a$b \"c\""},
		{"$x = 'w'\n@\"\nhello $x\n\"@", "hello w"},
		{"\u2018it\u2019\u2019s\u2019", "it\u2019s"},
		{`0x10; 1kb; 1.5; 10/4; 10/5; 7%3; 2gb`, "16|1024|1.5|2.5|2|1|2147483648"},
		{`[int]'42' + 1; [double]'1.5'; [string]12; [bool]'False'; [bool]''; [int]2.5; [int]3.5`, "43|1.5|12|True|False|2|4"},
		{`0.1 + 0.2; 1e20; 1/3`, "0.3|1E+20|0.333333333333333"},
		// arrays and ranges
		{`$a = 1,2,3; $a[0]; $a[-1]; $a.Count; $a.Length`, "1|3|3|3"},
		{`$a = @(); $a.Count; $b = @(5); $b.Count; $null.Count; 'abc'.Count; 'abc'.Length`, "0|1|0|1|3"},
		{`1..3; 3..1 -join ','`, "1|2|3|3,2,1"},
		{`$a = 1,2; $a += 3; $a -join '-'; (1,2 + 3).Count`, "1-2-3|3"},
		{`@(1,2,3)[1..2] -join ','; $a = 10,20; $a[0] = 5; $a -join ','`, "2,3|5,20"},
		{`,1 | ForEach-Object { $_.GetType().Name }; (,(1,2)).Count`, "Int32|1"},
		// hashtables
		{`$h = @{ a = 1; 'b' = 2 }; $h.a; $h['b']; $h.Count; $h.ContainsKey('A')`, "1|2|2|True"},
		{`$h = [ordered]@{ z = 1; y = 2 }; $h.Keys -join ','; $h.Add('x', 3); $h.Remove('z'); $h.Keys -join ','`, "z,y|y,x"},
		{`$h = @{}; $h.k = 'v'; $h['n'] = 1; $h.k; $h.n; $h.missing -eq $null`, "v|1|True"},
		{`$h = @{a=1} + @{b=2}; $h.Count`, "2"},
		// operators
		{`1 -eq 1; 'A' -eq 'a'; 'A' -ceq 'a'; 1 -eq '1'; '1' -eq 1; $null -eq $null`, "True|True|False|True|True|True"},
		{`@(1,2,3,2) -eq 2 -join ','; @(1,2,3) -gt 1 -join ','; @('a','b') -ne 'a'`, "2,2|2,3|b"},
		{`'abc' -like 'A*'; 'abc' -notlike '*z'; 'abc' -clike 'A*'`, "True|True|False"},
		{`'pool1.contoso.com' -match '^(?<host>[^.]+)\.'; $Matches.host; $Matches[0]`, "True|pool1|pool1."},
		{`'a1b22' -replace '\d+', '#'; 'John Smith' -replace '(\w+) (\w+)', '$2, $1'`, "a#b#|Smith, John"},
		{`'a, b,c' -split ',\s*' -join '|'; -split ' x  y ' -join '+'; 'a-b-c' -split '-', 2 -join '|'`, "a|b|c|x+y|a|b-c"},
		{`1,2,3 -contains 2; 2 -in 1,2,3; 4 -notin 1,2; 'x' -notcontains 'x'`, "True|True|True|False"},
		{`5 -is [int]; 'a' -is [string]; @() -is [array]; 1 -isnot [string]; '5' -as [int]; 'x' -as [int]`, "True|True|True|True|5"},
		{`'{0}-{1:N1}-{2,4}|{3:D3}|{4:X}' -f 'a', 3.14159, 7, 5, 255`, "a-3.1-   7|005|FF"},
		{`$true -and $false; $true -or $false; -not $true; !$false; $true -xor $true`, "False|True|False|True|False"},
		{`6 -band 3; 6 -bor 1; 1 -shl 4`, "2|7|16"},
		{`$i = 1; $i++; $i; ++$i; $i; $i--; $i; ($i++)`, "2|3|2|2"},
		{`$x = 5; $x += 2; $x -= 1; $x *= 3; $x /= 2; $x`, "9"},
		{`$s = 'a'; $s += 'b'; $s; 'ab' * 2`, "ab|abab"},
		{`-1; - 2; -(3); +'4'`, "-1|-2|-3|4"},
		// member access
		{`'  Hi  '.Trim(); 'Hi'.ToUpper(); 'a,b'.Split(',')[1]; 'abcdef'.Substring(2, 3); 'abc'.IndexOf('c'); 'x'.PadLeft(3, '.')`, "Hi|HI|b|cde|2|..x"},
		{`'abc'.StartsWith('a'); 'abc'.EndsWith('C'); 'abc'.Contains('b'); 'a.b'.Replace('.', '-'); 'ABC'.ToLowerInvariant()`, "True|False|True|a-b|abc"},
		{`$objs = @([pscustomobject]@{N='a'}, [pscustomobject]@{N='b'}); $objs.N -join ','; ($objs | Select-Object -First 1).N`, "a,b|a"},
		{`@('a','bb').Length; @('a','bb').ToUpper() -join ','`, "2|A,BB"},
		{`(1).GetType().FullName; 'x'.GetType().Name; @().GetType().FullName; (@{}).GetType().Name; $null -eq $null.Foo`, "System.Int32|String|System.Object[]|Hashtable|True"},
		{`([pscustomobject]@{a=1}).GetType().FullName; ([ordered]@{}).GetType().FullName`, "System.Management.Automation.PSCustomObject|System.Collections.Specialized.OrderedDictionary"},
		{`[string]::IsNullOrEmpty(''); [string]::IsNullOrWhiteSpace(' '); [string]::Join('-', @('a','b')); [math]::Max(3, 7); [int]::MaxValue`, "True|True|a-b|7|2147483647"},
		{`$PSVersionTable.PSVersion.Major; $env:COMPUTERNAME; $env:NOPE -eq $null`, "3|FE01|True"},
		// control flow
		{`if ($false) { 'a' } elseif (0) { 'b' } else { 'c' }`, "c"},
		{`foreach ($i in 1..5) { if ($i -eq 2) { continue }; if ($i -eq 4) { break }; $i }`, "1|3"},
		{`for ($i = 0; $i -lt 3; $i++) { $i }`, "0|1|2"},
		{`$i = 0; while ($i -lt 2) { $i; $i++ }; do { 'once' } while ($false); do { $i-- } until ($i -le 0); $i`, "0|1|once|0"},
		{`switch (2) { 1 { 'one' } 2 { 'two' } default { 'other' } }; switch ('x') { 'y' { 1 } default { 'd' } }`, "two|d"},
		{`switch -wildcard ('abc') { 'a*' { 'w' } }; switch -regex ('a1') { '\d' { 'r' } }; switch (1,2) { {$_ -gt 1} { "big $_" } }`, "w|r|big 2"},
		{`:outer foreach ($a in 1..2) { foreach ($b in 1..2) { if ($b -eq 2) { continue outer }; "$a$b" } }`, "11|21"},
		{`try { throw 'x' } catch { "c:$_" } finally { 'f' }`, "c:x|f"},
		{`try { [int]'abc' } catch [System.Management.Automation.RuntimeException] { 'rt' } catch { 'other' }`, "rt"},
		{`try { throw [System.InvalidOperationException]::new('bad') } catch [System.ArgumentException] { 'arg' } catch [System.InvalidOperationException] { $_.Exception.Message }`, "bad"},
		{`try { try { throw 'in' } finally { 'inner-finally' } } catch { "outer:$_" }`, "inner-finally|outer:in"},
		{`function f { return 1; 2 }; f; function g { 'a'; return }; g`, "1|a"},
		{`function f { param($x = 'd', [int]$n) "$x$n" }; f; f -x a -n 2; f b 3; f -n:4`, "d0|a2|b3|d4"},
		{`function f([switch]$S, $rest) { "$S $rest" }; f; f -S; f -S:$false x`, "False |True |False x"},
		{`function f { "args=$($args -join ',')" }; f 1 2 -z`, "args=1,2,-z"},
		{`function f { param([Parameter(Mandatory=$true)][string]$Name) "n=$Name" }; $p = @{Name='s'}; f @p; $a = @('pos'); f @a`, "n=s|n=pos"},
		{`function f { process { $_ * 10 } }; 1,2 | f; function g { $input | ForEach-Object { $_ + 1 } }; 5,6 | g`, "10|20|6|7"},
		{`function f { begin { 'b' } process { "p$_" } end { 'e' } }; 1 | f`, "b|p1|e"},
		{`$sb = { param($a) "sb:$a" }; & $sb 1; $sb.Invoke(2); & { $args[0] } 3`, "sb:1|sb:2|3"},
		{`$x = 1; & { $x = 2 }; $x; . { $x = 3 }; $x; 1..2 | ForEach-Object { $y = $_ }; $y`, "1|3|2"},
		{`$script:v = 1; function f { $script:v = 2; $global:w = 3 }; f; $v; $w`, "2|3"},
		{`$sb = [scriptblock]::Create('1 + 1'); & $sb; Invoke-Expression '"ie"'`, "2|ie"},
		{`[void](1); $null = 2; 3 | Out-Null; [void]$x; 'end'`, "end"},
		{`$r = $(1; 2); $r.Count; $s = @(Write-Output 1); $s.GetType().Name; $e = $(); $e -eq $null`, "2|Object[]|True"},
		{`$a, $b = 1, 2, 3; $a; $b -join ','`, "1|2,3"},
		{`exit 0; 'never'`, ""},
		// pipelines and object cmdlets
		{`1..10 | Where-Object { $_ % 3 -eq 0 } | ForEach-Object { $_ * 2 }`, "6|12|18"},
		{`$o = @([pscustomobject]@{N='a';S='Running'}, [pscustomobject]@{N='b';S='Stopped'}); ($o | Where-Object S -eq 'Running').N; ($o | ? { $_.S -like 'S*' }).N`, "a|b"},
		{`'b','a','c' | Sort-Object; 3,1,2 | Sort-Object -Descending | Select-Object -First 1; 'a','A','b' | Sort-Object -Unique`, "a|b|c|3|a|b"},
		{`$o = 1..3 | ForEach-Object { [pscustomobject]@{V=$_; M=$_ % 2} }; ($o | Sort-Object M, V -Descending | ForEach-Object { $_.V }) -join ','`, "3,1,2"},
		{`(1..5 | Measure-Object).Count; (1..4 | Measure-Object -Sum -Average -Maximum).Sum; (1,2 | Measure-Object -Average).Average`, "5|10|1.5"},
		{`[pscustomobject]@{a=1;b=2} | Select-Object -ExpandProperty b; ([pscustomobject]@{a=1;b=2} | Select-Object a).psobject.Properties.Name`, "2|a"},
		{`$x = [pscustomobject]@{Fqdn='p'} | Select-Object @{Name='Pool';Expression={$_.Fqdn.ToUpper()}}, @{n='L';e={1}}; $x.Pool; $x.L`, "P|1"},
		{`1..5 | Select-Object -Last 2; 1,1,2 | Select-Object -Unique; 1..5 | Select-Object -Skip 3`, "4|5|1|2|4|5"},
		{`'a','b' | ForEach-Object -Begin { 'B' } -Process { $_ } -End { 'E' }; 'x','y' | ForEach-Object ToUpper; [pscustomobject]@{N=1} | ForEach-Object N`, "B|a|b|E|X|Y|1"},
		{`$g = 'a','b','a' | Group-Object; $g[0].Name; $g[0].Count`, "a|2"},
		{`$o = New-Object PSObject -Property @{ k = 'v' }; $o.k; $l = New-Object System.Collections.ArrayList; [void]$l.Add(1); $l.Add(2) | Out-Null; $l.Count`, "v|2"},
		{`$o = [pscustomobject]@{}; $o | Add-Member -NotePropertyName n -NotePropertyValue 1; Add-Member -InputObject $o -MemberType NoteProperty -Name m -Value 2; $o.n + $o.m`, "3"},
		{`Write-Output 1,2 -NoEnumerate | ForEach-Object { $_.Count }; echo x`, "2|x"},
		{`'abc' | Out-String; (1,2 | Out-String).Length`, "abc||6"},
		{`Write-Host 'host' -NoNewline; Write-Host ' more'; Write-Host a b -Separator ','`, "host more|a,b"},
		{`$x = Get-Variable -Name PSVersionTable -ValueOnly; $x.PSVersion.Major; Set-Variable -Name q -Value 7; $q`, "3|7"},
		{`(Get-Date).ToString('yyyy').Length; (Get-Date -Date '2020-01-02T03:04:05').ToString('yyyy-MM-dd HH:mm:ss')`, "4|2020-01-02 03:04:05"},
		{`Join-Path 'C:\a' 'b.txt'; Split-Path 'C:\a\b.txt' -Leaf; Split-Path 'C:\a\b.txt'`, `C:\a\b.txt|b.txt|C:\a`},
		{`Test-Path 'C:\nope'; (Get-Command Write-Output).Name`, "False|Write-Output"},
		// static methods and encodings
		{`$b = [Text.Encoding]::UTF8.GetBytes('hé'); $b.Count; [Convert]::ToBase64String($b); [System.Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('aMOp'))`, "3|aMOp|hé"},
		{`[Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes('ab')); [Text.Encoding]::Unicode.GetString([byte[]](97,0))`, "YQBiAA==|a"},
		{`$x = [System.Xml.Linq.XElement]::Parse('<a x="1"><b/></a>'); $x.ToString(); ([xml]$x).a.x`, `<a x="1"><b /></a>|1`},
		{`[guid]::NewGuid().ToString().Length; [regex]::Escape('a.b'); [datetime]'2020-05-06' -lt [datetime]'2021-01-01'`, `36|a\.b|True`},
		{`$sb = New-Object System.Text.StringBuilder; [void]$sb.Append('a'); [void]$sb.AppendFormat('{0}', 1); $sb.ToString()`, "a1"},
		{"param([string]$Pool = 'p1', [int]$N)\n\"$Pool $N\"", "p1 0"},
		{`$l = New-Object 'System.Collections.Generic.List[string]'; $l.Add('q'); $l.Count; [string[]]$a = 'a','b'; $a.GetType().FullName; $a[0] = 1; $a[0].GetType().Name`, "1|System.String[]|String"},
		{`$x = if ($true) { 'a' } else { 'b' }; $x; $i = foreach ($n in 1..3) { $n * 2 }; $i -join ','; switch ('a') { 'a' { 1; break } 'a' { 2 } }`, "a|2,4,6|1"},
		{`@{b=2;a=1}.GetEnumerator() | Sort-Object Key | ForEach-Object { "$($_.Key)=$($_.Value)" }; "host: $env:COMPUTERNAME:"`, "a=1|b=2|host: FE01:"},
		{"@(1, 2,\n  3).Count; 'abc'.Substring(\n  1)", "3|bc"},
		{`cd 'C:\Program Files'; Set-Location .\Lync; (Get-Location).Path; cd ..; "$(Get-Location)"`, `C:\Program Files\Lync|C:\Program Files`},
		{`[Console]::Out.WriteLine('raw'); [Console]::Out.Write('no'); [Console]::Out.WriteLine('nl')`, "raw|nonl"},
		{`$e = [Environment]::NewLine; $e.Length; [Environment]::MachineName`, "2|FE01"},
	}
	for _, tc := range tests {
		r := runScript(t, tc.src)
		got := strings.Join(r.lines(), "|")
		if got != tc.want || r.err != "" {
			t.Errorf("%s\n got %q (code %d)\nwant %q\nstderr %s", tc.src, got, r.code, tc.want, r.errText())
		}
	}
}
