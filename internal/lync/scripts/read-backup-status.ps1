{{template "begin" .}}
    $step = 'read backup status'
    $readStatus = $true
    $statuses = @($in.pools | ForEach-Object {
        $p = [string]$_
{{- template "backupStatus" .}}
        [ordered]@{ poolFqdn = $p; modules = $modules; error = $statusError }
    })
    $r = [ordered]@{ ok = $true; statuses = $statuses }
{{- template "end" .}}
