{{template "begin" .}}
    foreach ($p in $in.pools) {
        $step = 'Invoke-CsBackupServiceSync -PoolFqdn ' + $p
        Invoke-CsBackupServiceSync -PoolFqdn $p
    }
    $r = [ordered]@{ ok = $true }
{{- template "end" .}}
