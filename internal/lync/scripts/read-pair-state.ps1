{{template "begin" .}}
    $step = 'read topology'
    $xml = (Get-CsTopology -AsXml).ToString()
    $step = 'read pools'
    $all = @(Get-CsPool)
    $step = 'read pool state'
    $pools = @($in.pools | ForEach-Object {
        $p = [string]$_
        $pool = $null
        foreach ($candidate in $all) {
            if ([string]$candidate.{{.P.PoolFqdn}} -eq $p) { $pool = $candidate }
        }
        $computers = @($pool.{{.P.PoolComputers}} | Where-Object { $null -ne $_ } | ForEach-Object { [string]$_ })
        $services = @($computers | ForEach-Object {
            $c = $_
            # NotInstalled when Get-CsWindowsService fails with ObjectNotFound
            # or returns nothing; no activity counters (they need Performance
            # Monitor Users rights on the computer and are not used).
            $serviceStatus = 'NotInstalled'
            $serviceError = ''
            try {
                foreach ($svc in @(Get-CsWindowsService -Name 'LYNCBACKUP' -ComputerName $c -ExcludeActivityLevel)) {
                    Assert-LyncShape $svc @('{{.P.ServiceStatus}}') ('Get-CsWindowsService -Name LYNCBACKUP -ComputerName ' + $c)
                    $serviceStatus = [string]$svc.{{.P.ServiceStatus}}
                }
            } catch {
                if ([string]$_.CategoryInfo.Category -ne 'ObjectNotFound') {
                    $serviceStatus = ''
                    $serviceError = Get-LyncErrorText $_
                }
            }
            [ordered]@{ computer = $c; status = $serviceStatus; error = $serviceError }
        })
{{- template "relation" .}}
        $readStatus = ($null -ne $pool) -and ($backupPool -ne '')
{{- template "backupStatus" .}}
        [ordered]@{
            poolFqdn = $p
            exists = ($null -ne $pool)
            fqdn = [string]$pool.{{.P.PoolFqdn}}
            site = [string]$pool.{{.P.PoolSite}}
            computers = $computers
            services = $services
            backupPoolFqdn = $backupPool
            relationError = $relationError
            statusRead = $readStatus
            modules = $modules
            statusError = $statusError
        }
    })
    # topology is base64 (UTF-8), exact by construction: the way the publish script
    # takes the document back, never through ConvertTo-Json's string escaping.
    $r = [ordered]@{ ok = $true; topology = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($xml)); pools = $pools }
{{- template "end" .}}
