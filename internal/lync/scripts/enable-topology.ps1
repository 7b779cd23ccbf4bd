{{template "begin" .}}
    $step = 'enable topology'
    Enable-CsTopology -Force
{{- template "relations" .}}
    $r = [ordered]@{ ok = $true; relations = $relations }
{{- template "end" .}}
