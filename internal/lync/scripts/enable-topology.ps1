{{template "begin" .}}
    $step = 'enable topology'
    Enable-CsTopology -Force -Confirm:$false
{{- template "relations" .}}
    $r = [ordered]@{ ok = $true; relations = $relations }
{{- template "end" .}}
