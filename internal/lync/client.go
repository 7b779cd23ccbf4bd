// Package lync is the Lync Server command surface the provider needs: one
// typed Go function per group of cmdlets (or executable) that one step runs on
// one host. Each function renders one PowerShell script from scripts/, runs it
// through a Runner in a single invocation, and decodes the one JSON result
// line the script prints. Failures come back typed: *CmdletError (the script
// ran and a cmdlet failed), *ResultError (no usable result), the Runner's own
// error for transport failures, and the step-specific errors in errors.go.
//
// No user value is ever part of the script text: parameters travel as one
// base64 (UTF-8 JSON) literal that the script decodes into $in, and large text
// payloads (topology documents) as base64 (UTF-8) literals of their own. The
// result line is base64 too, so that it is ASCII whatever the console code
// page of the server.
package lync

import (
	"context"
	"fmt"
)

// Runner runs one PowerShell script on a host. err reports a transport
// failure; a script that ran and failed reports it through stdout (its result
// line) and a non-zero exit code, with err nil.
type Runner interface {
	Run(ctx context.Context, host, script string) (stdout, stderr string, exitCode int, err error)
}

// Defaults of Options.
const (
	// DefaultModule is the Lync Server 2013 module; Skype for Business Server
	// 2015 and 2019 use "SkypeForBusiness".
	DefaultModule           = "Lync"
	DefaultBootstrapperPath = `C:\Program Files\Microsoft Lync Server 2013\Deployment\Bootstrapper.exe`
)

// Options configure a Client.
type Options struct {
	// Module is the PowerShell module the scripts import (default "Lync").
	Module string
	// BootstrapperPath is the full path of Bootstrapper.exe on the Front End
	// servers (default: the Lync Server 2013 path).
	BootstrapperPath string
}

// Client runs the Lync command surface through a Runner. It is safe for
// concurrent use.
type Client struct {
	r Runner
	o Options
}

// New returns a Client.
func New(r Runner, o Options) *Client {
	if o.Module == "" {
		o.Module = DefaultModule
	}
	if o.BootstrapperPath == "" {
		o.BootstrapperPath = DefaultBootstrapperPath
	}
	return &Client{r: r, o: o}
}

// params is what every script receives; each script adds its own fields.
type params struct {
	Module string `json:"module"`
}

func (c *Client) base() params { return params{Module: c.o.Module} }

// run renders script name with p, runs it on host, and decodes its result
// into out (which may be nil).
func (c *Client) run(ctx context.Context, host, name string, p any, out any) error {
	return c.runText(ctx, host, name, p, nil, out)
}

// runText is run for a script that also takes text payloads (see
// scriptData.Text).
func (c *Client) runText(ctx context.Context, host, name string, p any, text map[string]string, out any) error {
	script, err := render(name, p, text)
	if err != nil {
		return err
	}
	stdout, stderr, code, err := c.r.Run(ctx, host, script)
	if err != nil {
		return fmt.Errorf("lync: running %s on %s: %w", name, host, err)
	}
	return decodeResult(name, host, stdout, stderr, code, out)
}
