// Package lynctest helps tests fake the Lync side of a lync.Runner: it
// decodes what a rendered script asks for and encodes the result line a
// script prints. It is only imported by _test.go files.
package lynctest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"

	"github.com/lyncdr/terraform-provider-lync/internal/lync"
)

// RunnerFunc adapts a function to lync.Runner.
type RunnerFunc func(ctx context.Context, host, script string) (stdout, stderr string, exitCode int, err error)

// Run implements lync.Runner.
func (f RunnerFunc) Run(ctx context.Context, host, script string) (string, string, int, error) {
	return f(ctx, host, script)
}

// Call is one rendered script as a Runner receives it.
type Call struct {
	Host   string
	Script string         // lync.Script* name, from the script's first line
	Params map[string]any // the decoded parameter document
	JSON   []byte         // the parameter document as sent
	Text   string         // the whole script
}

var (
	header  = regexp.MustCompile(`^# terraform-provider-lync: ([a-z-]+)\r?\n`)
	literal = regexp.MustCompile(`FromBase64String\('([A-Za-z0-9+/=]*)'\)`)
)

// Literal returns the base64 parameter literal of a script and its offsets.
func Literal(script string) (b64 string, start, end int, err error) {
	all := literal.FindAllStringSubmatchIndex(script, -1)
	if len(all) != 1 {
		return "", 0, 0, fmt.Errorf("lynctest: want exactly one base64 parameter literal, found %d", len(all))
	}
	m := all[0]
	return script[m[2]:m[3]], m[2], m[3], nil
}

// Decode reads a rendered script.
func Decode(host, script string) (Call, error) {
	h := header.FindStringSubmatch(script)
	if h == nil {
		return Call{}, errors.New("lynctest: the script does not start with its name")
	}
	b64, _, _, err := Literal(script)
	if err != nil {
		return Call{}, err
	}
	js, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return Call{}, err
	}
	c := Call{Host: host, Script: h[1], JSON: js, Text: script}
	if err := json.Unmarshal(js, &c.Params); err != nil {
		return Call{}, err
	}
	return c, nil
}

// String returns a string parameter.
func (c Call) String(key string) string {
	s, _ := c.Params[key].(string)
	return s
}

// Strings returns a string-array parameter.
func (c Call) Strings(key string) []string {
	raw, _ := c.Params[key].([]any)
	out := make([]string, 0, len(raw))
	for _, v := range raw {
		s, _ := v.(string)
		out = append(out, s)
	}
	return out
}

// OK returns the result line of a successful script with the given fields.
func OK(fields map[string]any) string {
	m := map[string]any{"ok": true}
	for k, v := range fields {
		m[k] = v
	}
	js, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return lync.ResultMarker + string(js) + "\n"
}

// Failure is the error object of a failed script.
type Failure struct {
	Step, Type, ID, Category, Message, Cmdlet, Host string
}

// Fail returns the result line of a failed script.
func Fail(f Failure) string {
	js, err := json.Marshal(map[string]any{"ok": false, "error": map[string]string{
		"step": f.Step, "type": f.Type, "id": f.ID, "category": f.Category, "message": f.Message, "cmdlet": f.Cmdlet, "host": f.Host,
	}})
	if err != nil {
		panic(err)
	}
	return lync.ResultMarker + string(js) + "\n"
}
