package lync

import (
	"context"
	"strings"
)

// BackupRelation is what Get-CsPoolBackupRelationship says about one pool.
type BackupRelation struct {
	PoolFqdn       string `json:"poolFqdn"`       // as asked
	BackupPoolFqdn string `json:"backupPoolFqdn"` // "" when unpaired
	Error          string `json:"error"`          // the cmdlet failed for this pool (for example: no such pool)
}

// Relations are the backup relationships of several pools.
type Relations []BackupRelation

// Get returns the relationship of pool (case-insensitive).
func (rs Relations) Get(pool string) (BackupRelation, bool) {
	for _, r := range rs {
		if strings.EqualFold(r.PoolFqdn, pool) {
			return r, true
		}
	}
	return BackupRelation{}, false
}

// Topology is the published topology document and the backup relationships
// of the pools asked for, read in one invocation.
type Topology struct {
	XML       string // (Get-CsTopology -AsXml).ToString()
	Relations Relations
}

type poolsParams struct {
	params
	Pools []string `json:"pools"`
}

func (c *Client) poolsParams(pools []string) poolsParams {
	if pools == nil {
		pools = []string{}
	}
	return poolsParams{c.base(), pools}
}

// ReadTopology reads the topology document on host (a management server) and
// the backup relationship of each pool in pools.
func (c *Client) ReadTopology(ctx context.Context, host string, pools []string) (*Topology, error) {
	var res struct {
		XML       base64Text           `json:"xml"`
		Relations list[BackupRelation] `json:"relations"`
	}
	if err := c.run(ctx, host, ScriptReadTopology, c.poolsParams(pools), &res); err != nil {
		return nil, err
	}
	return &Topology{XML: string(res.XML), Relations: Relations(res.Relations)}, nil
}

// PublishTopology publishes newXML and enables it, provided the current
// topology is still expectedCurrent (the text ReadTopology returned);
// otherwise it publishes nothing and returns ErrTopologyChanged. It returns the
// backup relationships of pools as read right after Enable-CsTopology, so that
// the caller can verify the post-condition without another invocation.
func (c *Client) PublishTopology(ctx context.Context, host, expectedCurrent, newXML string, pools []string) (Relations, error) {
	// The two documents are text payloads, not parameters: see scriptData.Text.
	text := map[string]string{"expected": expectedCurrent, "xml": newXML}
	var res struct {
		Published bool                 `json:"published"`
		Relations list[BackupRelation] `json:"relations"`
	}
	if err := c.runText(ctx, host, ScriptPublishTopology, c.poolsParams(pools), text, &res); err != nil {
		return nil, err
	}
	if !res.Published {
		return nil, ErrTopologyChanged
	}
	return Relations(res.Relations), nil
}

// EnableTopology runs Enable-CsTopology (for a topology that was published
// but not enabled) and returns the backup relationships of pools afterwards.
func (c *Client) EnableTopology(ctx context.Context, host string, pools []string) (Relations, error) {
	var res struct {
		Relations list[BackupRelation] `json:"relations"`
	}
	if err := c.run(ctx, host, ScriptEnableTopology, c.poolsParams(pools), &res); err != nil {
		return nil, err
	}
	return Relations(res.Relations), nil
}
