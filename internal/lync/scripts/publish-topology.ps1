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
    # An exact (case-sensitive) comparison: any change since the caller read
    # the topology, by another apply or in Topology Builder, refuses the publish.
    if ($current -ceq $expected) {
        $step = 'publish topology'
        Publish-CsTopology -Document ([System.Xml.Linq.XElement]::Parse($xml)) -Force
        $step = 'enable topology'
        Enable-CsTopology -Force
        $published = $true
    }
{{- template "relations" .}}
    $r = [ordered]@{ ok = $true; published = $published; relations = $relations }
{{- template "end" .}}
