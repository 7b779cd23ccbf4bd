{{template "begin" .}}
    $step = 'enable topology'
    Enable-CsTopology
{{- template "relations" .}}
    $r = [ordered]@{ ok = $true; relations = $relations }
{{- template "end" .}}
