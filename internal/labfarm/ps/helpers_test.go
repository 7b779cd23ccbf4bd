package ps

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"
)

// fakeCommands is a Commands for tests: cmdlets and natives by name, and a
// log of what ran.
type fakeCommands struct {
	cmdlets map[string]*Cmdlet
	natives map[string]*Native
	ran     []string
}

func newFake() *fakeCommands {
	return &fakeCommands{cmdlets: map[string]*Cmdlet{}, natives: map[string]*Native{}}
}

func (f *fakeCommands) add(c *Cmdlet) *fakeCommands {
	inv := c.Invoke
	name := c.Name
	c.Invoke = func(call *Call) error {
		f.ran = append(f.ran, name)
		return inv(call)
	}
	f.cmdlets[strings.ToLower(c.Name)] = c
	return f
}

func (f *fakeCommands) addNative(n *Native) *fakeCommands {
	f.natives[strings.ToLower(n.Path)] = n
	return f
}

// as returns v as a T, failing the test when it is something else.
func as[T any](t *testing.T, v any) T {
	t.Helper()
	x, ok := v.(T)
	if !ok {
		t.Fatalf("got %T, want %T", v, x)
	}
	return x
}

func (f *fakeCommands) Cmdlet(name string) *Cmdlet { return f.cmdlets[strings.ToLower(name)] }
func (f *fakeCommands) Native(path string) *Native { return f.natives[strings.ToLower(path)] }

type result struct {
	out, err string
	code     int
}

func runWith(t *testing.T, cmds Commands, stdin, script string) result {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{Host: "fe01.contoso.com", Commands: cmds, Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Sleep: func(ctx context.Context, d time.Duration) error { return ctx.Err() }}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	code := Run(ctx, env, script)
	return result{out.String(), errb.String(), code}
}

func runScript(t *testing.T, script string) result { return runWith(t, nil, "", script) }

// lines returns stdout split into lines without the trailing empty one.
func (r result) lines() []string {
	s := strings.TrimSuffix(r.out, "\r\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\r\n")
}

// errText decodes the CLIXML error stream into plain text.
func (r result) errText() string { return decodeCLIXML(r.err) }

func decodeCLIXML(s string) string {
	s = strings.TrimPrefix(s, "#< CLIXML\r\n")
	var b strings.Builder
	for {
		k := strings.Index(s, `<S S="`)
		if k < 0 {
			break
		}
		s = s[k:]
		i := strings.Index(s, `">`)
		j := strings.Index(s, "</S>")
		if i < 0 || j < 0 || j < i {
			break
		}
		b.WriteString(s[i+2 : j])
		s = s[j+4:]
	}
	out := b.String()
	out = strings.ReplaceAll(out, "_x000D__x000A_", "\n")
	out = strings.ReplaceAll(out, "&lt;", "<")
	out = strings.ReplaceAll(out, "&gt;", ">")
	out = strings.ReplaceAll(out, "&amp;", "&")
	return out
}

func jsonEncodeString(s string) (string, error) {
	b, err := json.Marshal(s)
	return string(b), err
}

func encodeB64UTF8(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func ioPipe() (*io.PipeReader, *io.PipeWriter) { return io.Pipe() }
