package labfarm

import (
	"context"

	"github.com/lyncdr/terraform-provider-lync/internal/labfarm/ps"
)

// interpreterReady says whether runCommandLine is the real interpreter; the
// PowerShell-level tests fail while it is not.
const interpreterReady = true

// runCommandLine runs one WinRS command line as powershell.exe would on
// env.Host (ps.RunCommandLine: -EncodedCommand, -Command, stdin, exit codes).
func runCommandLine(ctx context.Context, env ps.Env, commandLine string) int {
	return ps.RunCommandLine(ctx, &env, commandLine)
}
