package pairing

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/lyncdr/terraform-provider-lync/internal/lync"
	"github.com/lyncdr/terraform-provider-lync/internal/lync/topology"
)

// Observe reads the pairing of s.PoolFqdn as it is: whether the pool exists,
// its actual partner, the voice option, every Front End server's LYNCBACKUP
// and the backup status in both directions. A pool that does not exist gives
// PoolExists false; an unpaired pool an empty BackupPoolFqdn. Anything that
// cannot be read is an error (*StepError), never a guess.
func (w *Workflow) Observe(ctx context.Context, s Spec) (*State, error) {
	if err := w.validate(s, false); err != nil {
		return nil, err
	}
	pools := []string{s.PoolFqdn}
	if s.BackupPoolFqdn != "" && !same(s.BackupPoolFqdn, s.PoolFqdn) {
		pools = append(pools, s.BackupPoolFqdn)
	}
	ps, err := w.c.ReadPairState(ctx, w.o.ManagementHost, pools)
	if err != nil {
		return nil, commandFailed(StepObserve, w.o.ManagementHost, "Could Not Read Pairing State", err)
	}
	return w.stateOf(ctx, ps, s, StepObserve)
}

func (w *Workflow) readFailed(step, detail string) *StepError {
	return &StepError{Step: step, Host: w.o.ManagementHost, Summary: "Could Not Read Pairing State",
		Detail: fmt.Sprintf("On %s: %s. Nothing was assumed; fix the cause (the server named, its WinRM access, the account's rights) and run again", w.o.ManagementHost, detail)}
}

// stateOf builds the State of s from a PairState. It reads the partner's
// state too when the partner is not among the pools ps holds (the pool was
// paired with another pool out of band).
func (w *Workflow) stateOf(ctx context.Context, ps *lync.PairState, s Spec, step string) (*State, error) {
	st := &State{PoolFqdn: s.PoolFqdn}
	pa := ps.Pool(s.PoolFqdn)
	if pa == nil || !pa.Exists {
		return st, nil
	}
	st.PoolExists = true
	if pa.RelationError != "" {
		return nil, w.readFailed(step, fmt.Sprintf("Get-CsPoolBackupRelationship -PoolFqdn %s failed: %s", s.PoolFqdn, pa.RelationError))
	}
	doc, err := topology.Parse(ps.Topology)
	if err != nil {
		return nil, w.readFailed(step, err.Error())
	}
	va, err := doc.Voice(s.PoolFqdn)
	if err != nil {
		return nil, w.readFailed(step, err.Error())
	}
	st.Voice = voiceFrom(va)
	partner := pa.BackupPoolFqdn
	if partner == "" {
		st.VoiceConsistent = true
		st.Servers = serversOf(s.PoolFqdn, pa)
		return st, nil
	}
	if same(partner, s.BackupPoolFqdn) {
		partner = s.BackupPoolFqdn
	}
	st.BackupPoolFqdn = partner
	pb := ps.Pool(partner)
	if pb == nil {
		more, err := w.c.ReadPairState(ctx, w.o.ManagementHost, []string{partner})
		if err != nil {
			return nil, commandFailed(step, w.o.ManagementHost, "Could Not Read Pairing State", err)
		}
		pb = more.Pool(partner)
	}
	switch {
	case pb == nil || !pb.Exists:
		return nil, w.readFailed(step, fmt.Sprintf("Get-CsPoolBackupRelationship names %s as the backup pool of %s, but Get-CsPool does not know %s", partner, s.PoolFqdn, partner))
	case pb.RelationError != "":
		return nil, w.readFailed(step, fmt.Sprintf("Get-CsPoolBackupRelationship -PoolFqdn %s failed: %s", partner, pb.RelationError))
	}
	vb, err := doc.Voice(partner)
	if err != nil {
		return nil, w.readFailed(step, err.Error())
	}
	st.VoiceConsistent = va == vb
	st.Servers = append(serversOf(s.PoolFqdn, pa), serversOf(partner, pb)...)

	var unreadable []string
	allRunning := true
	for _, p := range []*lync.PoolState{pa, pb} {
		for _, sv := range p.Services {
			if sv.Error != "" {
				unreadable = append(unreadable, sv.Computer+": "+sv.Error)
			}
		}
	}
	for _, sv := range st.Servers {
		allRunning = allRunning && sv.BackupService == lync.ServiceRunning
	}
	if len(unreadable) > 0 {
		return nil, w.readFailed(step, "LYNCBACKUP could not be read on "+strings.Join(unreadable, "; ")+
			" (reading a remote server's service needs membership of its Performance Monitor Users group)")
	}

	cms := doc.CMSPool()
	dirA := directionOf(s.PoolFqdn, partner, pa, cms)
	var dirB Direction
	if same(pb.BackupPoolFqdn, s.PoolFqdn) {
		dirB = directionOf(partner, s.PoolFqdn, pb, cms)
	} else {
		// The partner does not name s.PoolFqdn back: that direction does not exist.
		dirB = Direction{PoolFqdn: partner, BackupPoolFqdn: s.PoolFqdn, CMSMaster: same(cms, partner)}
	}
	if allRunning {
		// With every service running a failing Get-CsBackupServiceStatus is
		// not explained by the drift we know of: it is a read error.
		for _, p := range []*lync.PoolState{pa, pb} {
			if p.Backup != nil && p.Backup.Error != "" {
				return nil, w.readFailed(step, fmt.Sprintf("Get-CsBackupServiceStatus -PoolFqdn %s failed: %s", p.PoolFqdn, p.Backup.Error))
			}
		}
	}
	st.Directions = []Direction{dirA, dirB}
	st.Converged = allRunning && len(st.Servers) > 0 && dirA.Steady && dirB.Steady
	return st, nil
}

// serversOf lists a pool's servers, sorted by FQDN, named after pool.
func serversOf(pool string, p *lync.PoolState) []Server {
	var out []Server
	for _, c := range p.Computers {
		sv := Server{Fqdn: c, PoolFqdn: pool}
		for _, s := range p.Services {
			if same(s.Computer, c) {
				sv.BackupService = s.Status
			}
		}
		out = append(out, sv)
	}
	slices.SortFunc(out, func(a, b Server) int { return strings.Compare(strings.ToLower(a.Fqdn), strings.ToLower(b.Fqdn)) })
	return out
}

// directionOf is the direction from -> to as p's backup status reports it.
func directionOf(from, to string, p *lync.PoolState, cmsPool string) Direction {
	return newDirection(from, to, p.Backup, same(cmsPool, from))
}

func newDirection(from, to string, b *lync.BackupStatus, cmsMaster bool) Direction {
	d := Direction{PoolFqdn: from, BackupPoolFqdn: to, CMSMaster: cmsMaster}
	if b == nil {
		return d
	}
	for _, m := range b.Modules {
		d.Modules = append(d.Modules, Module(m))
	}
	v := evaluate(d.Modules, cmsMaster)
	d.Steady = v.steady && b.Error == ""
	d.Failed = v.failed
	return d
}

// pending says what keeps a direction from being steady.
func pending(d Direction, statusErr string) []string {
	if statusErr != "" {
		return []string{"Get-CsBackupServiceStatus failed: " + statusErr}
	}
	return evaluate(d.Modules, d.CMSMaster).pending
}
