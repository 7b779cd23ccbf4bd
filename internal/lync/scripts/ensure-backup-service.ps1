{{template "begin" .}}
    $step = 'read LYNCBACKUP'
{{- template "localService" .}}
    $before = $serviceStatus
    $ran = $false
    $exitCode = 0
    $output = @()
    if ($serviceStatus -eq 'NotInstalled') {
        $step = 'run Bootstrapper.exe'
        $exe = [string]$in.bootstrapper
        # Its stderr is captured with its stdout. Under 'Stop' the first line
        # it writes to stderr would end the script, so the preference is
        # 'Continue' while it runs (a missing program still ends the script).
        $ErrorActionPreference = 'Continue'
        try {
            $output = @(& $exe 2>&1 | ForEach-Object { [string]$_ })
            $exitCode = $LASTEXITCODE
        } finally {
            $ErrorActionPreference = 'Stop'
        }
        $ran = $true
    }
    # 3010 (ERROR_SUCCESS_REBOOT_REQUIRED): installed, and the server asks
    # for a restart.
    $rebootRequired = $ran -and ($exitCode -eq 3010)
    $step = 'read LYNCBACKUP again'
{{- template "localService" .}}
    $started = $false
    $startError = ''
    if ((($exitCode -eq 0) -or $rebootRequired) -and ($serviceStatus -ne 'NotInstalled') -and ($serviceStatus -ne 'Running')) {
        $step = 'start LYNCBACKUP'
        $started = $true
        try {
            Start-CsWindowsService -Name 'LYNCBACKUP' -Confirm:$false
        } catch {
            $startError = Get-LyncErrorText $_
        }
    }
    $step = 'read LYNCBACKUP after start'
{{- template "localService" .}}
    $r = [ordered]@{ ok = $true; before = $before; status = $serviceStatus; bootstrapperRan = $ran; exitCode = $exitCode; rebootRequired = $rebootRequired; output = $output; started = $started; startError = $startError }
{{- template "end" .}}
