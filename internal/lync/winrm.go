package lync

import (
	"context"

	"github.com/lyncdr/terraform-provider-lync/internal/winrm"
)

// OverWinRM runs the scripts over a WinRM client: the Runner of production
// code, and of every test that talks to a farm over the wire.
func OverWinRM(c *winrm.Client) Runner { return winrmRunner{c} }

type winrmRunner struct{ c *winrm.Client }

func (r winrmRunner) Run(ctx context.Context, host, script string) (string, string, int, error) {
	res, err := r.c.Run(ctx, host, script)
	if err != nil {
		return "", "", 0, err
	}
	return res.Stdout, res.Stderr, res.ExitCode, nil
}
