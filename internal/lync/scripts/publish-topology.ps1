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
    # -eq is case-insensitive, which is enough: every publish gives the
    # document a new Signature GUID, so any publish since the caller read the
    # topology shows up as a difference.
    if ($current -eq $expected) {
        $step = 'publish topology'
        Publish-CsTopology -Document ([System.Xml.Linq.XElement]::Parse($xml)) -Force
        $step = 'enable topology'
        Enable-CsTopology
        $published = $true
    }
{{- template "relations" .}}
    $r = [ordered]@{ ok = $true; published = $published; relations = $relations }
{{- template "end" .}}
