package lync

import (
	"context"
	"errors"
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

// PublishTopology is PublishTopologyResult for callers that only need the
// relationships.
func (c *Client) PublishTopology(ctx context.Context, host, expectedCurrent, newXML string, pools []string) (Relations, error) {
	res, err := c.PublishTopologyResult(ctx, host, expectedCurrent, newXML, pools)
	if err != nil {
		return nil, err
	}
	return res.Relations, nil
}

// PublishResult is what PublishTopologyResult did.
type PublishResult struct {
	// Relations are the backup relationships of the pools as read right after
	// Enable-CsTopology.
	Relations Relations
	// RestoredSimpleURLs are the identities of the simple URL configurations
	// ("Global", "site:Redmond") that publishing changed and that were put
	// back as they were; worth telling the user.
	RestoredSimpleURLs []string
}

// PublishTopologyResult publishes newXML and enables it, provided the current
// topology is still expectedCurrent (the text ReadTopology returned);
// otherwise it publishes nothing and returns ErrTopologyChanged. It returns the
// backup relationships of pools as read right after Enable-CsTopology, so that
// the caller can verify the post-condition without another invocation.
//
// Republishing a Get-CsTopology document loses the simple URLs (the
// Publish-CsTopology help: "you will then need to reconfigure your simple
// URLs"), so the script saves every simple URL configuration before
// publishing and writes back each one that changed, also when publishing or
// enabling fails. A configuration it cannot restore makes the error a
// *SimpleURLError naming it and the URLs it held.
func (c *Client) PublishTopologyResult(ctx context.Context, host, expectedCurrent, newXML string, pools []string) (*PublishResult, error) {
	// The two documents are text payloads, not parameters: see scriptData.Text.
	text := map[string]string{"expected": expectedCurrent, "xml": newXML}
	var res struct {
		Published  bool                 `json:"published"`
		SimpleURLs *wireSimpleURLs      `json:"simpleUrls"`
		Relations  list[BackupRelation] `json:"relations"`
	}
	err := c.runText(ctx, host, ScriptPublishTopology, c.poolsParams(pools), text, &res)
	if res.SimpleURLs != nil && len(res.SimpleURLs.Failed) > 0 {
		var ce *CmdletError
		if err == nil || errors.As(err, &ce) {
			return nil, &SimpleURLError{Host: host, Restored: []string(res.SimpleURLs.Restored), Failed: []SimpleURLFailure(res.SimpleURLs.Failed), Err: err}
		}
	}
	if err != nil {
		return nil, err
	}
	if !res.Published {
		return nil, ErrTopologyChanged
	}
	out := &PublishResult{Relations: Relations(res.Relations)}
	if res.SimpleURLs != nil {
		out.RestoredSimpleURLs = []string(res.SimpleURLs.Restored)
	}
	return out, nil
}

// wireSimpleURLs is what the publish script did to the simple URLs.
type wireSimpleURLs struct {
	Restored list[string]           `json:"restored"`
	Failed   list[SimpleURLFailure] `json:"failed"`
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
