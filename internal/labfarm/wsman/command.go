package wsman

import (
	"context"
	"fmt"
)

// command is one command running, or run, in a shell. The executor runs in
// its own goroutine; requests talk to it only through stdin, out and cancel.
type command struct {
	id     string
	cancel context.CancelFunc // Signal, Delete, idle expiry and Close terminate the command
	stdin  *stdin
	out    *output
}

// startCommand registers a command in sh and runs it. It returns nil when the
// shell disappeared meanwhile or the server is closing.
func (s *Server) startCommand(sh *shell, line string) *command {
	ctx, cancel := context.WithCancel(s.ctx)
	c := &command{
		id:     newGUID(),
		cancel: cancel,
		stdin:  newStdin(ctx.Done()),
		out:    newOutput(ctx.Done()),
	}
	if !s.addCommand(sh, c) {
		cancel()
		return nil
	}
	cmd := Command{
		Host:        sh.host,
		User:        sh.user,
		CommandLine: line,
		Stdin:       c.stdin,
		Stdout:      streamWriter{out: c.out},
		Stderr:      streamWriter{out: c.out, stderr: true},
	}
	go func() {
		defer s.running.Done()
		defer cancel()
		code := s.execute(ctx, cmd)
		c.stdin.retire()
		c.out.finish(code)
	}()
	return c
}

// execute runs the executor, turning a panic into exit code 1 with the panic
// on stderr: one broken emulated cmdlet must fail its command, not take the
// whole farm (and every other test using it) down.
func (s *Server) execute(ctx context.Context, cmd Command) (code int) {
	defer func() {
		if p := recover(); p != nil {
			s.cfg.Logger.Error("wsman: executor panicked", "host", cmd.Host, "command", abbreviate(cmd.CommandLine, 120), "panic", p)
			_, _ = fmt.Fprintf(cmd.Stderr, "lab farm: executor panic: %v\r\n", p)
			code = 1
		}
	}()
	return s.cfg.Executor.Run(ctx, cmd)
}
