{{template "begin" .}}
    $step = 'read topology'
    $xml = (Get-CsTopology -AsXml).ToString()
{{- template "relations" .}}
    $r = [ordered]@{ ok = $true; xml = $xml; relations = $relations }
{{- template "end" .}}
