package farm

import (
	"time"
)

// Backup module identities and status values, exactly as Get-CsBackupServiceStatus
// prints them (lync-dr.md §2.2, §2.3 [C]).
const (
	ModulePresenceFocus = "UserServices.PresenceFocus"
	ModuleDataConf      = "ConfServices.DataConf"
	ModuleCMSMaster     = "CentralMgmt.CMSMaster"

	ExportNotInitialized = "NotInitialized"
	ExportNonSteadyState = "NonSteadyState"
	ExportSteadyState    = "SteadyState"
	ExportFinalState     = "FinalState"
	ExportErrorState     = "ErrorState"
	ImportNormalState    = "NormalState"
	ImportErrorState     = "ErrorState"
)

// Modules lists the Lync 2013 backup modules in the order the real output
// shows them (§2.2 [C]); the SfB-era RGS modules are not modelled.
var Modules = []string{ModulePresenceFocus, ModuleDataConf, ModuleCMSMaster}

// direction is the Backup Service sync of one pool towards its partner.
// "The Backup Service sync status is defined unidirectionally from a pool
// (P1) to its backup pool (P2)" (lync-dr.md §2.4 [C]).
//
// The timing is MODELLED ([U]: no durations are published, §3):
//
//   - a direction is active while it is paired in the enabled topology, no
//     sync-stuck/sync-error fault blocks it, and LYNCBACKUP runs (Running, on
//     a server that is up) on at least one Front End of each pool;
//   - while active and never synced it is NotInitialized until the first
//     sync: one SyncInterval after it became active, or at once when
//     Invoke-CsBackupServiceSync forces it;
//   - after a sync starts it is NonSteadyState for InitialSync (the backlog),
//     then SteadyState, then FinalState one SyncInterval later (the lab farm
//     has no user traffic, so nothing is left to export);
//   - when it stops being active it makes no progress and keeps reporting the
//     status it had (a snapshot, as §2.4 says the states are); after one
//     SyncInterval without export it reports NonSteadyState, because changes
//     pile up unexported. When it becomes active again after such an outage
//     it starts a new catch-up (NonSteadyState for InitialSync); after a
//     shorter outage it resumes where it was.
//
// Unpairing deletes the direction; a new pairing starts NotInitialized.
type direction struct {
	from, to string

	initialized bool
	// syncFrom is the farm time the current catch-up began.
	syncFrom time.Time

	active        bool
	activeSince   time.Time
	inactiveSince time.Time
	frozen        string // status reported while inactive

	// eligible: not blocked by a fault (the pairing exists by construction).
	eligible      bool
	eligibleSince time.Time
}

func newDirection(from, to string, now time.Time) *direction {
	return &direction{from: from, to: to, inactiveSince: now, frozen: ExportNotInitialized}
}

// exportStatus is the export status of the data modules at now, before any
// fault override.
func (d *direction) exportStatus(now time.Time, lat *Latency) string {
	if d.active {
		start := d.syncFrom
		if !d.initialized {
			start = d.activeSince.Add(lat.SyncInterval)
			if now.Before(start) {
				return ExportNotInitialized
			}
		}
		switch e := now.Sub(start); {
		case e < lat.InitialSync:
			return ExportNonSteadyState
		case e < lat.InitialSync+lat.SyncInterval:
			return ExportSteadyState
		}
		return ExportFinalState
	}
	if !d.initialized {
		return ExportNotInitialized
	}
	if now.Sub(d.inactiveSince) >= lat.SyncInterval {
		return ExportNonSteadyState
	}
	return d.frozen
}

// materialize records the automatic first sync once its time has passed.
func (d *direction) materialize(now time.Time, lat *Latency) {
	if d.active && !d.initialized {
		if auto := d.activeSince.Add(lat.SyncInterval); !now.Before(auto) {
			d.initialized, d.syncFrom = true, auto
		}
	}
}

// setActive flips the direction at farm time at (<= now).
func (d *direction) setActive(active bool, at time.Time, lat *Latency) {
	if d.active == active {
		return
	}
	d.materialize(at, lat)
	if !active {
		d.frozen = d.exportStatus(at, lat)
		d.active, d.inactiveSince = false, at
		return
	}
	d.active, d.activeSince = true, at
	if d.initialized {
		if outage := at.Sub(d.inactiveSince); outage >= lat.SyncInterval {
			d.syncFrom = at
		} else {
			d.syncFrom = d.syncFrom.Add(outage)
		}
	}
}

// forceSync is Invoke-CsBackupServiceSync: a direction that never synced
// starts its first sync now (while a fault blocks the direction the sync
// starts but makes no progress); otherwise the running sync goes on (the lab
// farm has no new changes to push).
func (d *direction) forceSync(now time.Time, lat *Latency) {
	d.materialize(now, lat)
	if !d.initialized {
		d.initialized, d.syncFrom = true, now
		if !d.active {
			d.frozen = ExportNonSteadyState
		}
	}
}
