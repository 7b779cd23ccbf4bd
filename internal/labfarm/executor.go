package labfarm

import (
	"context"
	"log/slog"
	"time"

	"github.com/lyncdr/terraform-provider-lync/internal/labfarm/farm"
	"github.com/lyncdr/terraform-provider-lync/internal/labfarm/ps"
	"github.com/lyncdr/terraform-provider-lync/internal/labfarm/wsman"
)

// executor runs WinRS commands on the farm: each command is one
// powershell.exe process on the addressed host. It charges the PowerShell
// start latency on the farm clock, then hands the command line to the
// interpreter with that host's Lync commands (a fresh farm.Session, so the
// Lync module import is paid once per process).
type executor struct {
	model  *farm.Farm
	logger *slog.Logger
}

var _ wsman.Executor = (*executor)(nil)

// Run implements wsman.Executor.
func (e *executor) Run(ctx context.Context, cmd wsman.Command) int {
	start := time.Now()
	clock := e.model.Clock()
	if err := clock.Sleep(ctx, e.model.Latency().PowerShellStart); err != nil {
		return ps.ExitCodeCancelled
	}
	env := ps.Env{
		Host:     cmd.Host,
		Commands: e.model.Session(cmd.Host),
		Stdin:    cmd.Stdin,
		Stdout:   cmd.Stdout,
		Stderr:   cmd.Stderr,
		Sleep:    clock.Sleep,
	}
	code := runCommandLine(ctx, env, cmd.CommandLine)
	e.logger.Debug("lab farm: command", "host", cmd.Host, "user", cmd.User, "exit", code, "wall", time.Since(start))
	return code
}
