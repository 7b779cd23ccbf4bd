<#
.SYNOPSIS
    Captures how a real Lync Server 2013 / Skype for Business Server farm records a
    pool pairing, so that the provider's modelled encoding can be checked.

.DESCRIPTION
    terraform-provider-lync writes the "Associated Backup Pool" setting into the published
    topology with a MODELLED encoding (DESIGN.md section 1): no public sample shows the real
    one. Run this script in a LAB farm, from a Lync Server Management Shell, on a server with
    the administrative tools:

      1. The script saves the published topology and the state of both pools.
      2. It waits while you pair the two pools in Topology Builder (Edit Properties >
         Resiliency > Associated Backup Pool, Automatic failover and failback for Voice) and
         publish the topology.
      3. It saves everything again and writes a diff of the topology documents plus the
         objects that the provider reads (Get-CsPoolBackupRelationship,
         Get-CsBackupServiceStatus, Get-CsService -Registrar/-BackupServer) with all their
         properties and types.

    Send the output folder (it contains no secrets, but does contain your server names) with
    an issue, or compare it with internal/lync/topology/pairing_encoding.go yourself.

.EXAMPLE
    .\capture-pairing.ps1 -PoolFqdn pool01.contoso.com -BackupPoolFqdn pool02.contoso.com -OutputFolder C:\capture
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)] [string] $PoolFqdn,
    [Parameter(Mandatory = $true)] [string] $BackupPoolFqdn,
    [string] $OutputFolder = (Join-Path $env:TEMP ('lync-pairing-capture-' + (Get-Date -Format 'yyyyMMdd-HHmmss')))
)

$ErrorActionPreference = 'Stop'
Import-Module Lync -ErrorAction SilentlyContinue
if (-not (Get-Command Get-CsTopology -ErrorAction SilentlyContinue)) {
    Import-Module SkypeForBusiness
}
New-Item -ItemType Directory -Force -Path $OutputFolder | Out-Null

function Save-Snapshot([string] $Name) {
    $dir = Join-Path $OutputFolder $Name
    New-Item -ItemType Directory -Force -Path $dir | Out-Null
    (Get-CsTopology -AsXml).ToString() | Set-Content -Encoding UTF8 (Join-Path $dir 'topology.xml')
    foreach ($pool in @($PoolFqdn, $BackupPoolFqdn)) {
        $safe = $pool -replace '[^A-Za-z0-9.-]', '_'
        $report = Join-Path $dir "$safe.txt"
        "### Get-CsPool -Identity $pool" | Out-File $report
        Get-CsPool -Identity $pool | Format-List * | Out-File $report -Append
        foreach ($cmd in @(
                { Get-CsPoolBackupRelationship -PoolFqdn $pool },
                { Get-CsBackupServiceStatus -PoolFqdn $pool },
                { (Get-CsBackupServiceStatus -PoolFqdn $pool).BackupModules },
                { Get-CsService -Registrar -PoolFqdn $pool },
                { Get-CsService -BackupServer -PoolFqdn $pool })) {
            "### $cmd" | Out-File $report -Append
            try {
                $out = & $cmd
                $out | Format-List * | Out-File $report -Append
                $out | Get-Member | Out-File $report -Append
                $out | ConvertTo-Json -Depth 4 | Out-File $report -Append
            } catch {
                ('ERROR: ' + $_.Exception.GetType().FullName + ': ' + $_.Exception.Message + ' [' + $_.FullyQualifiedErrorId + ']') | Out-File $report -Append
            }
        }
        foreach ($computer in (Get-CsPool -Identity $pool).Computers) {
            "### Get-CsWindowsService -Name LYNCBACKUP -ComputerName $computer" | Out-File $report -Append
            try {
                Get-CsWindowsService -Name LYNCBACKUP -ComputerName $computer | Format-List * | Out-File $report -Append
            } catch {
                ('ERROR: ' + $_.Exception.GetType().FullName + ': ' + $_.Exception.Message + ' [' + $_.FullyQualifiedErrorId + ']') | Out-File $report -Append
            }
        }
    }
    return $dir
}

$before = Save-Snapshot 'before'
Write-Host "Saved the current state in $before."
Write-Host "Now pair $PoolFqdn with $BackupPoolFqdn in Topology Builder, select 'Automatic failover and failback for Voice', publish, and press Enter here."
[void](Read-Host)
$after = Save-Snapshot 'after'

$diff = Compare-Object (Get-Content (Join-Path $before 'topology.xml')) (Get-Content (Join-Path $after 'topology.xml'))
$diff | Format-Table -AutoSize -Wrap | Out-String -Width 4096 | Set-Content (Join-Path $OutputFolder 'topology.diff.txt')
Write-Host "Done. See $OutputFolder (topology.diff.txt first)."
