{{template "begin" .}}
    # The two documents have literals of their own (base64 of UTF-8), not
    # fields of $in: ConvertFrom-Json of Windows PowerShell 3.0 refuses JSON
    # above about 2 MB.
    $step = 'decode topology documents'
    $expected = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('{{.Text.expected}}'))
    $xml = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('{{.Text.xml}}'))
    $step = 'read current topology'
    $current = (Get-CsTopology -AsXml).ToString()
    $published = $false
    $simpleUrls = $null
    # An exact comparison: any change since the caller read the topology, by
    # another apply or in Topology Builder, refuses the publish. It is
    # ordinal: String.Equals(String, String) compares the characters, where
    # -ceq compares by culture and takes some different strings as equal.
    if ([string]::Equals($current, $expected)) {
        $step = 'parse the new topology document'
        Add-Type -AssemblyName System.Xml.Linq
        $document = [System.Xml.Linq.XElement]::Parse($xml)
        # Republishing a Get-CsTopology document loses the simple URLs ("you
        # will then need to reconfigure your simple URLs"): every collection
        # is saved first, and whatever changed is put back afterwards, also
        # when publishing or enabling fails.
        $step = 'read simple URLs'
        function Get-LyncSimpleUrls {
            param($Config)
            @($Config.{{.P.URLConfigList}} | Where-Object { $null -ne $_ } | ForEach-Object {
                [ordered]@{
                    component = [string]$_.{{.P.URLComponent}}
                    domain = [string]$_.{{.P.URLDomain}}
                    activeUrl = [string]$_.{{.P.URLActive}}
                    entries = @($_.{{.P.URLEntries}} | Where-Object { $null -ne $_ } | ForEach-Object { [string]$_.{{.P.URLEntryURL}} })
                }
            })
        }
        function Get-LyncSimpleUrlKey {
            param($Config)
            ConvertTo-Json -InputObject @(Get-LyncSimpleUrls $Config) -Depth 4 -Compress
        }
        $savedUrls = @(Get-CsSimpleUrlConfiguration)
        foreach ($cfg in $savedUrls) {
            Assert-LyncShape $cfg @('{{.P.URLConfigIdentity}}', '{{.P.URLConfigList}}') 'Get-CsSimpleUrlConfiguration'
            $what = 'A simple URL of Get-CsSimpleUrlConfiguration -Identity ' + [string]$cfg.{{.P.URLConfigIdentity}}
            foreach ($u in @($cfg.{{.P.URLConfigList}} | Where-Object { $null -ne $_ })) {
                Assert-LyncShape $u @('{{.P.URLComponent}}', '{{.P.URLDomain}}', '{{.P.URLEntries}}', '{{.P.URLActive}}') $what
                foreach ($entry in @($u.{{.P.URLEntries}} | Where-Object { $null -ne $_ })) {
                    Assert-LyncShape $entry @('{{.P.URLEntryURL}}') $what
                }
            }
        }
        $publishFailure = $null
        $failedStep = ''
        try {
            $step = 'publish topology'
            Publish-CsTopology -Document $document -Force -Confirm:$false
            $step = 'enable topology'
            Enable-CsTopology -Force -Confirm:$false
            $published = $true
        } catch {
            $publishFailure = $_
            $failedStep = $step
        }
        $step = 'restore simple URLs'
        $restored = @()
        $notRestored = @()
        foreach ($cfg in $savedUrls) {
            $id = [string]$cfg.{{.P.URLConfigIdentity}}
            $want = Get-LyncSimpleUrlKey $cfg
            $have = $null
            try {
                foreach ($now in @(Get-CsSimpleUrlConfiguration -Identity $id)) { $have = Get-LyncSimpleUrlKey $now }
            } catch {
                $have = $null
            }
            if ([string]::Equals($want, $have)) { continue }
            $problem = ''
            try {
                Set-CsSimpleUrlConfiguration -Instance $cfg -Force -Confirm:$false
                $have = $null
                foreach ($now in @(Get-CsSimpleUrlConfiguration -Identity $id)) { $have = Get-LyncSimpleUrlKey $now }
                if (-not [string]::Equals($want, $have)) {
                    $problem = 'Set-CsSimpleUrlConfiguration -Instance returned, but the collection reads ' + [string]$have
                }
            } catch {
                $problem = Get-LyncErrorText $_
            }
            if ($problem -eq '') {
                $restored += $id
            } else {
                $notRestored += [ordered]@{ identity = $id; simpleUrls = @(Get-LyncSimpleUrls $cfg); error = $problem }
            }
        }
        $simpleUrls = [ordered]@{ restored = $restored; failed = $notRestored }
        if ($null -ne $publishFailure) {
            $step = $failedStep
            throw $publishFailure
        }
        if ($notRestored.Count -gt 0) {
            throw ('Publish-CsTopology cleared simple URL configurations that could not be restored: ' + (@($notRestored | ForEach-Object { $_.identity + ' (' + $_.error + ')' }) -join '; '))
        }
    }
{{- template "relations" .}}
    $r = [ordered]@{ ok = $true; published = $published; simpleUrls = $simpleUrls; relations = $relations }
{{- template "end" .}}
