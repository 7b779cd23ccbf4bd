package wsman

import (
	"context"
	"io"
)

// Executor runs the command of one WinRS Command request on an emulated host.
// The server owns the shells, streams and long-polling; the executor only runs
// the program. This is the seam between the wire and the farm.
type Executor interface {
	// Run runs the command to completion and returns its exit code. It writes
	// stdout and stderr as the program produces them, so that output reaches
	// the client in several Receives while the command is still running. ctx
	// is cancelled when the client signals terminate, deletes the shell or the
	// server shuts down; Run must then return promptly.
	Run(ctx context.Context, cmd Command) int
}

// Command is one WinRS command as the client sent it.
type Command struct {
	// Host is the lower-case host name of the HTTP Host header, without port:
	// the emulated server the client addressed.
	Host string
	// User is the authenticated user name: as the client sent it for Basic
	// (CONTOSO\labadmin, labadmin@contoso.com, labadmin); DOMAIN\user from
	// an NTLM AUTHENTICATE, or user@domain when the client sent that form.
	User string
	// CommandLine is rsp:Command followed by every rsp:Arguments, joined by
	// single spaces (pywinrm sends all arguments in one rsp:Arguments).
	CommandLine string
	// Stdin yields what the client sends with Send; it reports io.EOF after a
	// Stream with End="true". A read blocked when the command is terminated
	// returns io.ErrUnexpectedEOF, like a pipe whose writer died.
	Stdin io.Reader
	// Stdout and Stderr are the command's output streams. Bytes pass through
	// unchanged (write CRLF line endings, as Windows does). Writes are safe
	// for concurrent use. Like a full pipe, a write blocks while 4 MiB of
	// output wait for the client, until the client reads or the command is
	// terminated (the write then fails); writes after Run returned fail.
	Stdout io.Writer
	Stderr io.Writer
}
