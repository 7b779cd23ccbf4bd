package lync

import (
	"bytes"
	"encoding/json"
	"strings"
)

// resultLine returns the JSON of the last stdout line that starts with
// ResultMarker. Other output (profiles, host text, Bootstrapper chatter) is
// ignored. Only a line start counts, so a marker inside the JSON of a result
// (a value that happens to contain it) cannot be mistaken for one.
func resultLine(stdout string) (string, bool) {
	lines := strings.Split(stdout, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		line := strings.TrimPrefix(strings.TrimRight(lines[i], "\r"), "\ufeff")
		if rest, ok := strings.CutPrefix(line, ResultMarker); ok {
			return rest, true
		}
	}
	return "", false
}

type wireError struct {
	Step     string `json:"step"`
	Type     string `json:"type"`
	ID       string `json:"id"`
	Category string `json:"category"`
	Message  string `json:"message"`
	Cmdlet   string `json:"cmdlet"`
	Host     string `json:"host"`
}

// decodeResult turns a script's output into out or a typed error.
func decodeResult(name, host, stdout, stderr string, exitCode int, out any) error {
	line, ok := resultLine(stdout)
	if !ok {
		return &ResultError{Script: name, Host: host, ExitCode: exitCode, Stderr: stderr, Problem: "the script printed no result line"}
	}
	var env struct {
		OK    *bool      `json:"ok"`
		Error *wireError `json:"error"`
	}
	if err := json.Unmarshal([]byte(line), &env); err != nil || env.OK == nil {
		problem := `the result has no "ok" field`
		if err != nil {
			problem = "the result is not valid JSON: " + err.Error()
		}
		return &ResultError{Script: name, Host: host, ExitCode: exitCode, Stderr: stderr, Problem: problem}
	}
	if !*env.OK {
		e := env.Error
		if e == nil {
			e = &wireError{}
		}
		return &CmdletError{Script: name, Host: host, Computer: e.Host, Step: e.Step, Cmdlet: e.Cmdlet,
			Category: e.Category, ErrorID: e.ID, Type: e.Type, Message: e.Message}
	}
	if out != nil {
		if err := json.Unmarshal([]byte(line), out); err != nil {
			return &ResultError{Script: name, Host: host, ExitCode: exitCode, Stderr: stderr, Problem: "the result does not have the expected shape: " + err.Error()}
		}
	}
	return nil
}

// list decodes a JSON array, and also what Windows PowerShell makes of one:
// a single object where a one-element array was meant, null for an empty
// one, and the {"value":[...],"Count":n} wrapping of an array that carries
// extended type data.
type list[T any] []T

func (l *list[T]) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || bytes.Equal(b, []byte("null")):
		*l = nil
		return nil
	case b[0] == '[':
		var s []T
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*l = s
		return nil
	case b[0] == '{':
		var wrapped map[string]json.RawMessage
		if err := json.Unmarshal(b, &wrapped); err == nil {
			if v, ok := wrapped["value"]; ok && len(wrapped) <= 2 && bytes.HasPrefix(bytes.TrimSpace(v), []byte("[")) {
				if _, other := wrapped["Count"]; other || len(wrapped) == 1 {
					return l.UnmarshalJSON(v)
				}
			}
		}
	}
	var one T
	if err := json.Unmarshal(b, &one); err != nil {
		return err
	}
	*l = list[T]{one}
	return nil
}
