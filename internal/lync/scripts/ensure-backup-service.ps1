{{template "begin" .}}
    $step = 'read LYNCBACKUP'
{{- template "localService" .}}
    $before = $serviceStatus
    $ran = $false
    $exitCode = 0
    $output = @()
    if ($serviceStatus -eq 'NotInstalled') {
        $step = 'run Bootstrapper.exe'
        $lines = @(& $in.bootstrapper)
        $exitCode = $LASTEXITCODE
        $ran = $true
        $output = @($lines | ForEach-Object { [string]$_ })
    }
    $step = 'read LYNCBACKUP again'
{{- template "localService" .}}
    $started = $false
    if (($exitCode -eq 0) -and ($serviceStatus -ne 'NotInstalled') -and ($serviceStatus -ne 'Running')) {
        $step = 'start LYNCBACKUP'
        Start-CsWindowsService -Name 'LYNCBACKUP'
        $started = $true
    }
    $step = 'read LYNCBACKUP after start'
{{- template "localService" .}}
    $r = [ordered]@{ ok = $true; before = $before; status = $serviceStatus; bootstrapperRan = $ran; exitCode = $exitCode; output = $output; started = $started }
{{- template "end" .}}
