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

// ResultMarker starts the one line of stdout that carries a script's result:
// the marker, then the base64 of the UTF-8 bytes of the compact JSON result.
const ResultMarker = "##lync-result## "

//go:embed scripts/*.ps1
var scriptFS embed.FS

var scripts = template.Must(template.New("").Option("missingkey=error").ParseFS(scriptFS, "scripts/*.ps1"))

// scriptData is everything a template sees. Params and the values of Text
// are base64 literals; the rest are constants of this package.
type scriptData struct {
	Name   string
	Params string
	// Text holds the large text payloads (topology documents) by name, each
	// the base64 of its UTF-8 bytes. They travel outside the JSON parameter
	// document because Windows PowerShell 3.0's ConvertFrom-Json refuses a
	// document above about 2 MB (JavaScriptSerializer.MaxJsonLength), and the
	// publish script carries two topology documents.
	Text   map[string]string
	Marker string
	P      cmdletShapes
}

// render returns the text of script name with its parameters p (small values,
// one JSON document) and its text payloads text (see scriptData.Text; nil for
// none). Every value reaches the script only as a base64 literal, whose
// alphabet cannot close the single-quoted string it sits in.
func render(name string, p any, text map[string]string) (string, error) {
	js, err := json.Marshal(p)
	if err != nil {
		return "", fmt.Errorf("lync: encoding the parameters of %s: %w", name, err)
	}
	data := scriptData{Name: name, Params: base64.StdEncoding.EncodeToString(js), Text: map[string]string{}, Marker: ResultMarker, P: shapes}
	for k, v := range text {
		data.Text[k] = base64.StdEncoding.EncodeToString([]byte(v))
	}
	var b bytes.Buffer
	if err := scripts.ExecuteTemplate(&b, name+".ps1", data); err != nil {
		return "", fmt.Errorf("lync: rendering %s: %w", name, err)
	}
	return b.String(), nil
}
