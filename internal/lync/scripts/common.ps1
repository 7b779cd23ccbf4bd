{{- /*
  Blocks shared by the scripts. Data: .Name (script name), .Params (the base64
  literal of the JSON parameters), .Text (base64 literals of the text
  payloads, by name), .Marker (result line prefix), .P (cmdlet property names,
  see shapes.go). Nothing else is ever rendered into a script.
  The result line is the marker and the base64 of the UTF-8 JSON, so that it is
  ASCII whatever the console code page.
*/ -}}
{{define "begin" -}}
# terraform-provider-lync: {{.Name}}
# Every parameter is in a base64 (UTF-8) literal below and is only used as data.
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
# The messages of the inner exceptions of an exception, outermost first: the
# real cause of a management cmdlet's failure (a SQL login, an AD bind) is
# often only there.
function Get-LyncInnerMessages {
    param($Exception)
    $x = $null
    if ($null -ne $Exception) { $x = $Exception.InnerException }
    for ($i = 0; ($null -ne $x) -and ($i -lt 10); $i++) {
        [string]$x.Message
        $x = $x.InnerException
    }
}
# The text of an error record for a per-item error field: its message and
# those of its inner exceptions.
function Get-LyncErrorText {
    param($Record)
    (@([string]$Record.Exception.Message) + @(Get-LyncInnerMessages $Record.Exception)) -join '; caused by: '
}
# Fails unless $Object has every property in $Property. The scripts read
# cmdlet output by property name (shapes.go); a property a real server names
# differently must fail clearly, never read as '' (an unpaired pool, a
# missing service, an empty status).
function Assert-LyncShape {
    param($Object, [string[]]$Property, [string]$What)
    if ($null -eq $Object) { throw ($What + ' returned $null') }
    $have = @($Object.PSObject.Properties | ForEach-Object { [string]$_.Name })
    $missing = @($Property | Where-Object { $have -notcontains $_ })
    if ($missing.Count -gt 0) {
        throw ($What + ' returned an object without ' + ($missing -join ', ') + ', which terraform-provider-lync reads; its properties are: ' +
            ($have -join ', ') + '. The provider''s model of this output (shapes.go) does not match this server.')
    }
}
$step = 'decode parameters'
try {
    $in = ConvertFrom-Json ([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('{{.Params}}')))
    $step = 'import module'
    Import-Module $in.module
{{- end}}

{{define "end"}}
    $json = ConvertTo-Json -InputObject $r -Depth 8 -Compress
    # An empty line first, so that host text without a trailing newline
    # cannot swallow the marker (only a line that starts with it counts).
    [Console]::Out.WriteLine([Environment]::NewLine + '{{.Marker}}' + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($json)))
} catch {
    $e = [ordered]@{
        step = $step
        type = $_.Exception.GetType().FullName
        id = $_.FullyQualifiedErrorId
        category = [string]$_.CategoryInfo.Category
        message = $_.Exception.Message
        inner = @(Get-LyncInnerMessages $_.Exception)
        cmdlet = [string]$_.InvocationInfo.MyCommand.Name
        host = $env:COMPUTERNAME
    }
    $failed = [ordered]@{ ok = $false; error = $e }
    # What the publish script did to the simple URLs before it failed.
    if ($null -ne $simpleUrls) { $failed.simpleUrls = $simpleUrls }
    $json = ConvertTo-Json -InputObject $failed -Depth 8 -Compress
    [Console]::Out.WriteLine([Environment]::NewLine + '{{.Marker}}' + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($json)))
    exit 1
}
{{end}}

{{- /* Sets $backupPool ('' when unpaired) and $relationError for pool $p. */ -}}
{{define "relation"}}
        $backupPool = ''
        $relationError = ''
        try {
            foreach ($rel in @(Get-CsPoolBackupRelationship -PoolFqdn $p)) {
                Assert-LyncShape $rel @('{{.P.RelationBackupPool}}') ('Get-CsPoolBackupRelationship -PoolFqdn ' + $p)
                $backupPool = [string]$rel.{{.P.RelationBackupPool}}
            }
        } catch {
            $relationError = Get-LyncErrorText $_
        }
{{- end}}

{{- /* $relations: the backup relationship of every pool in $in.pools. */ -}}
{{define "relations"}}
    $step = 'read backup relationships'
    $relations = @($in.pools | ForEach-Object {
        $p = [string]$_
{{- template "relation" .}}
        [ordered]@{ poolFqdn = $p; backupPoolFqdn = $backupPool; error = $relationError }
    })
{{- end}}

{{- /* When $readStatus: sets $modules and $statusError from Get-CsBackupServiceStatus for pool $p. */ -}}
{{define "backupStatus"}}
        $modules = @()
        $statusError = ''
        if ($readStatus) {
            try {
                $statusObjects = @(Get-CsBackupServiceStatus -PoolFqdn $p)
                foreach ($status in $statusObjects) {
                    Assert-LyncShape $status @('{{.P.BackupModules}}') ('Get-CsBackupServiceStatus -PoolFqdn ' + $p)
                }
                $modules = @($statusObjects | ForEach-Object { $_.{{.P.BackupModules}} } | Where-Object { $null -ne $_ } | ForEach-Object {
                    Assert-LyncShape $_ @('{{.P.ModuleIdentity}}', '{{.P.ModuleExportStatus}}', '{{.P.ModuleImportStatus}}') ('A backup module of Get-CsBackupServiceStatus -PoolFqdn ' + $p)
                    [ordered]@{ identity = [string]$_.{{.P.ModuleIdentity}}; exportStatus = [string]$_.{{.P.ModuleExportStatus}}; importStatus = [string]$_.{{.P.ModuleImportStatus}} }
                })
            } catch {
                $modules = @()
                $statusError = Get-LyncErrorText $_
            }
        }
{{- end}}

{{- /* Sets $serviceStatus of the local LYNCBACKUP service: its status, or
     'NotInstalled' when Get-CsWindowsService fails with ObjectNotFound or
     returns nothing (which of the two a real server does is unconfirmed). */ -}}
{{define "localService"}}
    $serviceStatus = 'NotInstalled'
    try {
        foreach ($svc in @(Get-CsWindowsService -Name 'LYNCBACKUP' -ExcludeActivityLevel)) {
            Assert-LyncShape $svc @('{{.P.ServiceStatus}}') 'Get-CsWindowsService -Name LYNCBACKUP'
            $serviceStatus = [string]$svc.{{.P.ServiceStatus}}
        }
    } catch {
        if ([string]$_.CategoryInfo.Category -ne 'ObjectNotFound') { throw $_ }
    }
{{- end}}
