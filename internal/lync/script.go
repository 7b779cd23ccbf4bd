package lync

import (
	"bytes"
	"embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"text/template"
)

// Names of the scripts in scripts/ (without .ps1). The first line of every
// rendered script is "# terraform-provider-lync: <name>".
const (
	ScriptReadTopology        = "read-topology"
	ScriptPublishTopology     = "publish-topology"
	ScriptEnableTopology      = "enable-topology"
	ScriptReadPairState       = "read-pair-state"
	ScriptEnsureBackupService = "ensure-backup-service"
	ScriptInvokeBackupSync    = "invoke-backup-sync"
	ScriptReadBackupStatus    = "read-backup-status"
)

// ResultMarker starts the one line of stdout that carries a script's result.
const ResultMarker = "##lync-result## "

//go:embed scripts/*.ps1
var scriptFS embed.FS

var scripts = template.Must(template.New("").Option("missingkey=error").ParseFS(scriptFS, "scripts/*.ps1"))

// scriptData is everything a template sees. Params is the base64 literal;
// the rest are constants of this package.
type scriptData struct {
	Name   string
	Params string
	Marker string
	P      cmdletShapes
}

// render returns the text of script name with its parameters p.
func render(name string, p any) (string, error) {
	js, err := json.Marshal(p)
	if err != nil {
		return "", fmt.Errorf("lync: encoding the parameters of %s: %w", name, err)
	}
	var b bytes.Buffer
	data := scriptData{Name: name, Params: base64.StdEncoding.EncodeToString(js), Marker: ResultMarker, P: shapes}
	if err := scripts.ExecuteTemplate(&b, name+".ps1", data); err != nil {
		return "", fmt.Errorf("lync: rendering %s: %w", name, err)
	}
	return b.String(), nil
}
