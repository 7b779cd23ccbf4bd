package lync

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// resultLine returns the payload (the base64 text after ResultMarker) of the
// last stdout line that starts with ResultMarker. Other output (profiles, host
// text, Bootstrapper chatter) is ignored. Only a line start counts, so a
// marker that a noise line merely contains is not mistaken for one.
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

// decodeLine turns the payload of a result line into the JSON it carries.
// The scripts print base64 of the UTF-8 bytes so that the line is ASCII:
// Windows PowerShell writes stdout in the console code page, which would
// mangle any other character of a result (a site's city, a localized message).
func decodeLine(payload string) ([]byte, string) {
	js, err := base64.StdEncoding.DecodeString(strings.TrimSpace(payload))
	if err != nil {
		return nil, "the result line is not valid base64 (" + err.Error() + "): " + excerpt(payload)
	}
	if !json.Valid(js) {
		var v any
		err := json.Unmarshal(js, &v)
		return nil, "the result is not valid JSON (" + err.Error() + "): " + excerpt(string(js))
	}
	return js, ""
}

// excerpt quotes the start of s for an error message.
func excerpt(s string) string {
	const keep = 200
	if len(s) > keep {
		return strconv.Quote(s[:keep]) + "..."
	}
	return strconv.Quote(s)
}

type wireError struct {
	Step     string       `json:"step"`
	Type     string       `json:"type"`
	ID       string       `json:"id"`
	Category string       `json:"category"`
	Message  string       `json:"message"`
	Inner    list[string] `json:"inner"`
	Cmdlet   string       `json:"cmdlet"`
	Host     string       `json:"host"`
}

// decodeResult turns a script's output into out or a typed error. A failed
// script's result line may also carry what the script did before it failed
// (the publish script's simpleUrls); those fields are decoded into out too,
// as far as they fit, and the error is returned.
func decodeResult(name, host, stdout, stderr string, exitCode int, out any) error {
	payload, ok := resultLine(stdout)
	if !ok {
		return &ResultError{Script: name, Host: host, ExitCode: exitCode, Stderr: stderr, Problem: "the script printed no result line"}
	}
	line, problem := decodeLine(payload)
	if problem != "" {
		return &ResultError{Script: name, Host: host, ExitCode: exitCode, Stderr: stderr, Problem: problem}
	}
	var env struct {
		OK    *bool      `json:"ok"`
		Error *wireError `json:"error"`
	}
	if err := json.Unmarshal(line, &env); err != nil || env.OK == nil {
		problem := `the result has no "ok" field`
		if err != nil {
			problem = "the result does not have the expected shape: " + err.Error()
		}
		return &ResultError{Script: name, Host: host, ExitCode: exitCode, Stderr: stderr, Problem: problem}
	}
	if !*env.OK {
		e := env.Error
		if e == nil {
			e = &wireError{}
		}
		if out != nil {
			_ = json.Unmarshal(line, out) // best effort: the error is what matters
		}
		return &CmdletError{Script: name, Host: host, Computer: e.Host, Step: e.Step, Cmdlet: e.Cmdlet,
			Category: e.Category, ErrorID: e.ID, Type: e.Type, Message: e.Message, Inner: []string(e.Inner)}
	}
	if out != nil {
		if err := json.Unmarshal(line, out); err != nil {
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

// base64Text is a string field that the scripts send as the base64 of its
// UTF-8 bytes: the topology document. It could travel as a plain JSON string
// (the result line is base64 anyway), but the document is compared with the
// current one and republished, so it travels the same way in both directions
// (see scriptData.Text): as UTF-8 bytes, exact by construction, never through
// a JSON serializer's string escaping. Size is not the reason: base64 adds a
// third, about what ConvertTo-Json's \u003c escaping of <, >, & and ' adds.
type base64Text string

func (t *base64Text) UnmarshalJSON(b []byte) error {
	var s *string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if s == nil {
		*t = ""
		return nil
	}
	raw, err := base64.StdEncoding.DecodeString(*s)
	if err != nil {
		return fmt.Errorf("a base64 text field is not valid base64: %w", err)
	}
	*t = base64Text(raw)
	return nil
}
