package lync

import "context"

// InvokeBackupSync runs Invoke-CsBackupServiceSync -PoolFqdn for each pool, in
// order, in one invocation on host.
func (c *Client) InvokeBackupSync(ctx context.Context, host string, pools []string) error {
	return c.run(ctx, host, ScriptInvokeBackupSync, c.poolsParams(pools), nil)
}

// ReadBackupStatus runs Get-CsBackupServiceStatus -PoolFqdn for each pool in
// one invocation on host. The map is keyed by the pool names as given; a pool
// whose status could not be read has its Error set.
func (c *Client) ReadBackupStatus(ctx context.Context, host string, pools []string) (map[string]BackupStatus, error) {
	var res struct {
		Statuses list[wireBackupStatus] `json:"statuses"`
	}
	if err := c.run(ctx, host, ScriptReadBackupStatus, c.poolsParams(pools), &res); err != nil {
		return nil, err
	}
	out := make(map[string]BackupStatus, len(res.Statuses))
	for _, s := range res.Statuses {
		out[s.PoolFqdn] = s.status()
	}
	return out, nil
}
