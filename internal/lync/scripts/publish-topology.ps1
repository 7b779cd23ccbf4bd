{{template "begin" .}}
    $step = 'read current topology'
    $current = (Get-CsTopology -AsXml).ToString()
    $published = $false
    # -eq is case-insensitive, which is enough: every publish gives the
    # document a new Signature GUID, so any publish since the caller read the
    # topology shows up as a difference.
    if ($current -eq $in.expected) {
        $step = 'publish topology'
        Publish-CsTopology -Document ([System.Xml.Linq.XElement]::Parse($in.xml)) -Force
        $step = 'enable topology'
        Enable-CsTopology
        $published = $true
    }
{{- template "relations" .}}
    $r = [ordered]@{ ok = $true; published = $published; relations = $relations }
{{- template "end" .}}
