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
$step = 'decode parameters'
try {
    $in = ConvertFrom-Json ([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('{{.Params}}')))
    $step = 'import module'
    Import-Module $in.module
{{- end}}

{{define "end"}}
    $json = ConvertTo-Json -InputObject $r -Depth 8 -Compress
    [Console]::Out.WriteLine('{{.Marker}}' + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($json)))
} catch {
    $e = [ordered]@{
        step = $step
        type = $_.Exception.GetType().FullName
        id = $_.FullyQualifiedErrorId
        category = $_.CategoryInfo.Category.ToString()
        message = $_.Exception.Message
        cmdlet = [string]$_.InvocationInfo.MyCommand.Name
        host = $env:COMPUTERNAME
    }
    $json = ConvertTo-Json -InputObject ([ordered]@{ ok = $false; error = $e }) -Depth 8 -Compress
    [Console]::Out.WriteLine('{{.Marker}}' + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($json)))
    exit 1
}
{{end}}

{{- /* Sets $backupPool ('' when unpaired) and $relationError for pool $p. */ -}}
{{define "relation"}}
        $backupPool = ''
        $relationError = ''
        try {
            foreach ($rel in @(Get-CsPoolBackupRelationship -PoolFqdn $p)) {
                $backupPool = [string]$rel.{{.P.RelationBackupPool}}
            }
        } catch {
            $relationError = $_.Exception.Message
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
                $status = Get-CsBackupServiceStatus -PoolFqdn $p
                $modules = @($status.{{.P.BackupModules}} | Where-Object { $null -ne $_ } | ForEach-Object {
                    [ordered]@{ identity = [string]$_.{{.P.ModuleIdentity}}; exportStatus = $_.{{.P.ModuleExportStatus}}.ToString(); importStatus = $_.{{.P.ModuleImportStatus}}.ToString() }
                })
            } catch {
                $statusError = $_.Exception.Message
            }
        }
{{- end}}

{{- /* Sets $serviceStatus of the local LYNCBACKUP service: its status, or 'NotInstalled'. */ -}}
{{define "localService"}}
    $serviceStatus = 'NotInstalled'
    try {
        $serviceStatus = (Get-CsWindowsService -Name 'LYNCBACKUP').{{.P.ServiceStatus}}.ToString()
    } catch {
        if ($_.CategoryInfo.Category.ToString() -ne 'ObjectNotFound') { throw $_ }
    }
{{- end}}
