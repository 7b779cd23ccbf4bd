// Package pairing is the disaster-recovery workflow of Microsoft's procedure
// "Deploying paired Front End pools for disaster recovery in Lync Server
// 2013": check the preconditions, pair the pools in the topology (publish and
// enable), install and start the Backup Service on every Front End server,
// synchronize both ways and wait for steady state; observe all of it; undo
// the pairing. Every step is idempotent, so a failed run is resumed by the
// next one without redoing finished work.
//
// It runs on the lync command surface and knows neither Terraform nor
// PowerShell.
package pairing

import (
	"strings"
	"sync"
	"time"

	"github.com/lyncdr/terraform-provider-lync/internal/lync"
	"github.com/lyncdr/terraform-provider-lync/internal/lync/topology"
)

// VoiceFailover is the "Automatic failover and failback for Voice" option of
// the pair. When Enabled, zero intervals mean Topology Builder's defaults
// (120 s and 240 s); when not, the intervals are ignored (and reported as 0).
type VoiceFailover struct {
	Enabled           bool
	FailureDetection  time.Duration
	FailbackDetection time.Duration
}

// Spec is the pairing asked for.
type Spec struct {
	PoolFqdn, BackupPoolFqdn string
	Voice                    VoiceFailover
}

// Server is a Front End server of one of the two pools.
type Server struct {
	Fqdn, PoolFqdn string
	// BackupService is LYNCBACKUP's status as reported: "Running", "Stopped",
	// "NotInstalled", ...
	BackupService string
}

// Module is one Backup Service module of a direction.
type Module struct{ Identity, ExportStatus, ImportStatus string }

// Direction is the Backup Service replication from PoolFqdn to its backup
// pool, as Get-CsBackupServiceStatus -PoolFqdn PoolFqdn reports it.
type Direction struct {
	PoolFqdn, BackupPoolFqdn string
	Modules                  []Module
	Steady                   bool // by the rule of steady.go
	Failed                   bool // some module reports ErrorState
	CMSMaster                bool // PoolFqdn hosts the active Central Management store
}

// State is what Observe (and Pair, Converge) report.
type State struct {
	PoolFqdn   string
	PoolExists bool
	// BackupPoolFqdn is the actual partner of PoolFqdn per
	// Get-CsPoolBackupRelationship, "" when unpaired. It is spelled like
	// Spec.BackupPoolFqdn when it is that pool.
	BackupPoolFqdn string
	// Voice is the option as published on PoolFqdn's Registrar.
	Voice VoiceFailover
	// VoiceConsistent: both pools carry the same voice settings.
	VoiceConsistent bool
	// Servers are the Front End servers of both pools: PoolFqdn's first, then
	// its partner's, each sorted by FQDN (only PoolFqdn's when unpaired).
	Servers []Server
	// Directions are PoolFqdn -> partner and partner -> PoolFqdn, when paired.
	Directions []Direction
	// Converged: every server's LYNCBACKUP is running and both directions
	// are steady.
	Converged bool
}

// Event is a progress report.
type Event struct {
	Step, Host, Message string
	Fields              map[string]any
}

// Steps named in Events and errors.
const (
	StepCheck         = "check"
	StepTopology      = "topology"
	StepBackupService = "backup-service"
	StepSync          = "sync"
	StepWait          = "wait"
	StepConfirm       = "confirm"
	StepObserve       = "observe"
	StepUnpair        = "unpair"
)

// Options configure a Workflow.
type Options struct {
	// ManagementHost is the server the topology and pool-wide cmdlets run on
	// (a Front End server of the CMS pool, or any server with the Lync
	// Server Management Shell).
	ManagementHost string
	// ServerParallelism bounds the Front End servers worked on at once
	// (default 4).
	ServerParallelism int
	// PollInterval is the first wait between backup status polls (default
	// 15s); it grows ×1.5 up to MaxPollInterval (default 2m).
	PollInterval    time.Duration
	MaxPollInterval time.Duration
	// Progress receives Events; calls are serialized. May be nil.
	Progress func(Event)
}

// Workflow runs the pairing workflow through a lync.Client. It is safe for
// concurrent use; topology edits are serialized per management host.
type Workflow struct {
	c  *lync.Client
	o  Options
	mu sync.Mutex // serializes Progress
}

// New returns a Workflow.
func New(c *lync.Client, o Options) *Workflow {
	if o.ServerParallelism <= 0 {
		o.ServerParallelism = 4
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 15 * time.Second
	}
	if o.MaxPollInterval <= 0 {
		o.MaxPollInterval = 2 * time.Minute
	}
	if o.MaxPollInterval < o.PollInterval {
		o.MaxPollInterval = o.PollInterval
	}
	return &Workflow{c: c, o: o}
}

func (w *Workflow) emit(step, host, message string, fields map[string]any) {
	if w.o.Progress == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.o.Progress(Event{Step: step, Host: host, Message: message, Fields: fields})
}

func (v VoiceFailover) topology() topology.Voice {
	return topology.Voice{Enabled: v.Enabled, FailureDetection: v.FailureDetection, FailbackDetection: v.FailbackDetection}.WithDefaults()
}

func voiceFrom(v topology.Voice) VoiceFailover {
	return VoiceFailover{Enabled: v.Enabled, FailureDetection: v.FailureDetection, FailbackDetection: v.FailbackDetection}
}

func same(a, b string) bool { return strings.EqualFold(a, b) }
