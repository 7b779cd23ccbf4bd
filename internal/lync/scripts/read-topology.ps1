{{template "begin" .}}
    $step = 'read topology'
    $xml = (Get-CsTopology -AsXml).ToString()
{{- template "relations" .}}
    # xml is base64 (UTF-8), exact by construction: the way the publish script
    # takes the document back, never through ConvertTo-Json's string escaping.
    $r = [ordered]@{ ok = $true; xml = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($xml)); relations = $relations }
{{- template "end" .}}
