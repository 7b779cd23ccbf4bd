package lync

import (
	"context"
	"strings"
)

// PairState is what one invocation on a management server reads about a set
// of pools: the topology document, and for each pool its servers, the
// LYNCBACKUP service of each server, its backup relationship and, when
// paired, its backup status.
type PairState struct {
	Topology string // (Get-CsTopology -AsXml).ToString()
	Pools    []PoolState
}

// Pool returns the state of pool (case-insensitive), or nil.
func (s *PairState) Pool(pool string) *PoolState {
	for i := range s.Pools {
		if strings.EqualFold(s.Pools[i].PoolFqdn, pool) {
			return &s.Pools[i]
		}
	}
	return nil
}

// PoolState is one pool of a PairState.
type PoolState struct {
	PoolFqdn  string // as asked
	Exists    bool   // Get-CsPool knows the pool; nothing below is set otherwise
	Fqdn      string // as Get-CsPool spells it
	Site      string // Get-CsPool's Site ("Site:Redmond")
	Computers []string
	// Services has one entry per computer: LYNCBACKUP on it.
	Services []ServiceStatus
	// BackupPoolFqdn is the partner per Get-CsPoolBackupRelationship, "" when
	// unpaired (no object, or an empty BackupPoolFqdn).
	BackupPoolFqdn string
	RelationError  string // Get-CsPoolBackupRelationship failed
	// Backup is the Get-CsBackupServiceStatus of a paired pool; nil when
	// unpaired (it is not read then).
	Backup *BackupStatus
}

// ServiceStatus is LYNCBACKUP on one computer.
type ServiceStatus struct {
	Computer string `json:"computer"`
	// Status is the service status (ServiceRunning, "Stopped", ...) or
	// ServiceNotInstalled; "" when it could not be read.
	Status string `json:"status"`
	Error  string `json:"error"` // why it could not be read
}

// BackupStatus is Get-CsBackupServiceStatus -PoolFqdn PoolFqdn: the direction
// PoolFqdn -> its backup pool.
type BackupStatus struct {
	PoolFqdn string
	Modules  []BackupModule
	Error    string // the cmdlet failed
}

// BackupModule is one entry of BackupModules.
type BackupModule struct {
	Identity     string `json:"identity"`
	ExportStatus string `json:"exportStatus"`
	ImportStatus string `json:"importStatus"`
}

type wireBackupStatus struct {
	PoolFqdn string             `json:"poolFqdn"`
	Modules  list[BackupModule] `json:"modules"`
	Error    string             `json:"error"`
}

func (w wireBackupStatus) status() BackupStatus {
	return BackupStatus{PoolFqdn: w.PoolFqdn, Modules: []BackupModule(w.Modules), Error: w.Error}
}

// ReadPairState reads the state of pools on host (a management server). A
// pool that does not exist is reported with Exists false, not as an error; a
// server whose service cannot be read carries the error text.
func (c *Client) ReadPairState(ctx context.Context, host string, pools []string) (*PairState, error) {
	var res struct {
		Topology base64Text `json:"topology"`
		Pools    list[struct {
			PoolFqdn       string              `json:"poolFqdn"`
			Exists         bool                `json:"exists"`
			Fqdn           string              `json:"fqdn"`
			Site           string              `json:"site"`
			Computers      list[string]        `json:"computers"`
			Services       list[ServiceStatus] `json:"services"`
			BackupPoolFqdn string              `json:"backupPoolFqdn"`
			RelationError  string              `json:"relationError"`
			StatusRead     bool                `json:"statusRead"`
			Modules        list[BackupModule]  `json:"modules"`
			StatusError    string              `json:"statusError"`
		}] `json:"pools"`
	}
	if err := c.run(ctx, host, ScriptReadPairState, c.poolsParams(pools), &res); err != nil {
		return nil, err
	}
	out := &PairState{Topology: string(res.Topology)}
	for _, p := range res.Pools {
		ps := PoolState{PoolFqdn: p.PoolFqdn, Exists: p.Exists}
		if p.Exists {
			ps.Fqdn, ps.Site = p.Fqdn, p.Site
			ps.Computers, ps.Services = []string(p.Computers), []ServiceStatus(p.Services)
			ps.BackupPoolFqdn, ps.RelationError = p.BackupPoolFqdn, p.RelationError
			if p.StatusRead {
				st := wireBackupStatus{PoolFqdn: p.PoolFqdn, Modules: p.Modules, Error: p.StatusError}.status()
				ps.Backup = &st
			}
		}
		out.Pools = append(out.Pools, ps)
	}
	return out, nil
}
