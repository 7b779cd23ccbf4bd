package winrm

import (
	"context"
	"time"
)

// Runner runs a PowerShell script on a server. The layers above depend on
// this interface, not on *Client, so that they can be tested with a fake.
type Runner interface {
	// Run runs script on host (an FQDN) and returns its result. A script
	// that ran and failed is not an error: look at Result.ExitCode. A
	// non-nil error means the transport failed; it is an *Error, and its
	// OutcomeUnknown field tells whether the script may nevertheless have
	// run.
	Run(ctx context.Context, host string, script string) (*Result, error)
}

// Result is the outcome of a script that ran to completion.
type Result struct {
	// Stdout is the script's standard output as the server sent it (UTF-8,
	// CRLF line endings).
	Stdout string
	// Stderr is the script's standard error as readable text: CLIXML
	// decoded (see DecodeCLIXML), LF line endings, trailing space trimmed.
	Stderr string
	// ExitCode is the process exit code: 0 on success, 1 for an uncaught
	// error, N for "exit N".
	ExitCode int
	// Duration is the wall time of the successful attempt.
	Duration time.Duration
}

var _ Runner = (*Client)(nil)
