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
	Script string // lync.Script* name, from the script's first line
	// Params is the decoded parameter document, plus every text payload
	// under the name of the variable the script decodes it into ("expected"
	// and "xml" of the publish script), so that a fake reads both alike.
	Params   map[string]any
	JSON     []byte            // the parameter document as sent
	Payloads map[string]string // the decoded text payloads by variable name
	Text     string            // the whole script
}

// ParamsVar is the variable a script decodes its JSON parameter document into.
const ParamsVar = "in"

var (
	header = regexp.MustCompile(`^# terraform-provider-lync: ([a-z-]+)\r?\n`)
	// Every base64 literal of a script, and the one form a literal may
	// take: a whole line that assigns its decoded UTF-8 text (or, for $in,
	// the JSON it parses) to a variable.
	anyLiteral = regexp.MustCompile(`FromBase64String\('`)
	literal    = regexp.MustCompile(`(?m)^[ \t]*\$([A-Za-z]+) = (ConvertFrom-Json \()?\[Text\.Encoding\]::UTF8\.GetString\(\[Convert\]::FromBase64String\('([A-Za-z0-9+/=]*)'\)\)(\))?\r?$`)
)

// Lit is one base64 literal of a script.
type Lit struct {
	Var        string // the variable it is decoded into ("in" for the parameters)
	B64        string
	Start, End int // offsets of B64 in the script
}

// Literals returns the base64 literals of a script in order. It fails unless
// there is exactly one parameter literal and every literal has the expected
// form.
func Literals(script string) ([]Lit, error) {
	var out []Lit
	params := 0
	for _, m := range literal.FindAllStringSubmatchIndex(script, -1) {
		l := Lit{Var: script[m[2]:m[3]], B64: script[m[6]:m[7]], Start: m[6], End: m[7]}
		parsed, closed := m[4] >= 0, m[8] >= 0
		if (l.Var == ParamsVar) != parsed || parsed != closed {
			return nil, fmt.Errorf("lynctest: literal of $%s: only $%s is ConvertFrom-Json of a literal", l.Var, ParamsVar)
		}
		if parsed {
			params++
		}
		out = append(out, l)
	}
	if n := len(anyLiteral.FindAllStringIndex(script, -1)); n != len(out) {
		return nil, fmt.Errorf("lynctest: %d base64 literals, %d of them in the expected form", n, len(out))
	}
	if params != 1 {
		return nil, fmt.Errorf("lynctest: want exactly one base64 parameter literal, found %d", params)
	}
	return out, nil
}

// Decode reads a rendered script.
func Decode(host, script string) (Call, error) {
	h := header.FindStringSubmatch(script)
	if h == nil {
		return Call{}, errors.New("lynctest: the script does not start with its name")
	}
	lits, err := Literals(script)
	if err != nil {
		return Call{}, err
	}
	c := Call{Host: host, Script: h[1], Payloads: map[string]string{}, Text: script}
	for _, l := range lits {
		raw, err := base64.StdEncoding.DecodeString(l.B64)
		if err != nil {
			return Call{}, fmt.Errorf("lynctest: literal of $%s: %w", l.Var, err)
		}
		if l.Var == ParamsVar {
			c.JSON = raw
		} else if _, dup := c.Payloads[l.Var]; dup {
			return Call{}, fmt.Errorf("lynctest: two literals for $%s", l.Var)
		} else {
			c.Payloads[l.Var] = string(raw)
		}
	}
	if err := json.Unmarshal(c.JSON, &c.Params); err != nil {
		return Call{}, err
	}
	for k, v := range c.Payloads {
		if _, dup := c.Params[k]; dup {
			return Call{}, fmt.Errorf("lynctest: %q is both a parameter and a text payload", k)
		}
		c.Params[k] = v
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

// TextResultFields are the result fields that the scripts send as base64 of
// UTF-8 text (the topology document of read-topology and read-pair-state). OK
// encodes the string values of these fields like the scripts do.
var TextResultFields = []string{"xml", "topology"}

// ResultLine returns the result line that carries js, as a script prints it:
// the marker and the base64 of the bytes.
func ResultLine(js string) string {
	return lync.ResultMarker + base64.StdEncoding.EncodeToString([]byte(js)) + "\n"
}

// OK returns the result line of a successful script with the given fields;
// string values of TextResultFields are given as plain text.
func OK(fields map[string]any) string {
	m := map[string]any{"ok": true}
	for k, v := range fields {
		m[k] = v
	}
	for _, k := range TextResultFields {
		if s, ok := m[k].(string); ok {
			m[k] = base64.StdEncoding.EncodeToString([]byte(s))
		}
	}
	js, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return ResultLine(string(js))
}

// Failure is the error object of a failed script.
type Failure struct {
	Step, Type, ID, Category, Message, Cmdlet, Host string
	// Inner are the messages of the inner exceptions.
	Inner []string
	// Extra are further top-level fields of the failure line (the publish
	// script's simpleUrls).
	Extra map[string]any
}

// Fail returns the result line of a failed script.
func Fail(f Failure) string {
	e := map[string]any{
		"step": f.Step, "type": f.Type, "id": f.ID, "category": f.Category, "message": f.Message, "cmdlet": f.Cmdlet, "host": f.Host,
	}
	if f.Inner != nil {
		e["inner"] = f.Inner
	}
	m := map[string]any{"ok": false, "error": e}
	for k, v := range f.Extra {
		m[k] = v
	}
	js, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return ResultLine(string(js))
}
