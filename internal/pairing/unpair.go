package pairing

import (
	"context"
	"fmt"

	"github.com/lyncdr/terraform-provider-lync/internal/lync"
	"github.com/lyncdr/terraform-provider-lync/internal/lync/topology"
)

// Unpair removes the pairing of s.PoolFqdn with s.BackupPoolFqdn from the
// topology (both sides and the voice option), publishes and enables it, and
// verifies with Get-CsPoolBackupRelationship. Pools, servers and the Backup
// Service are otherwise left alone. A pool that is unpaired, gone, or paired
// with another pool than s.BackupPoolFqdn is left as it is: success.
func (w *Workflow) Unpair(ctx context.Context, s Spec) error {
	if err := w.validate(s, false); err != nil {
		return err
	}
	host := w.o.ManagementHost
	a, b := s.PoolFqdn, s.BackupPoolFqdn
	pools := []string{a}
	if b != "" && !same(a, b) {
		pools = append(pools, b)
	}
	fields := map[string]any{"pool": a, "backup_pool": b}
	unlock, err := w.lockTopology(ctx, StepUnpair)
	if err != nil {
		return err
	}
	defer unlock()
	for attempt := 1; ; attempt++ {
		t, err := w.c.ReadTopology(ctx, host, pools)
		if err != nil {
			return commandFailed(StepUnpair, host, "Could Not Read The Topology", err)
		}
		doc, err := topology.Parse(t.XML)
		if err != nil {
			return w.precondition(err)
		}
		if _, ok := doc.Pool(a); !ok {
			w.emit(StepUnpair, host, a+" is not in the topology: nothing to unpair", fields)
			return nil
		}
		partner, err := doc.Partner(a)
		if err != nil {
			return w.precondition(err)
		}
		var rels lync.Relations
		switch {
		case partner != "" && !same(partner, b):
			fields["warning"] = true
			w.emit(StepUnpair, host, fmt.Sprintf("warning: %s is paired with %s, not %s; that pairing is left alone: only the pairing of this resource is removed", a, partner, b), fields)
			return nil
		case partner != "":
			newXML, err := topology.RemovePairing(t.XML, a)
			if err != nil {
				return w.precondition(err)
			}
			w.emit(StepUnpair, host, fmt.Sprintf("publishing and enabling the topology without the pairing of %s and %s", a, partner), fields)
			var retry bool
			if rels, retry, err = w.publish(ctx, StepUnpair, t.XML, newXML, pools, attempt); retry {
				continue
			} else if err != nil {
				return err
			}
		default:
			rel, _ := t.Relations.Get(a)
			if rel.Error != "" {
				return commandFailed(StepUnpair, host, "Could Not Read Pairing State", fmt.Errorf("Get-CsPoolBackupRelationship -PoolFqdn %s failed on %s: %s", a, host, rel.Error))
			}
			if rel.BackupPoolFqdn == "" || !same(rel.BackupPoolFqdn, b) {
				w.emit(StepUnpair, host, a+" is not paired with "+b+": nothing to do", fields)
				return nil
			}
			w.emit(StepUnpair, host, "the published topology no longer pairs "+a+" and "+b+" but Get-CsPoolBackupRelationship still does: running Enable-CsTopology", fields)
			if rels, err = w.c.EnableTopology(ctx, host, pools); err != nil {
				return commandFailed(StepUnpair, host, "Enable-CsTopology Failed", err)
			}
		}
		for _, p := range pools {
			if r, ok := rels.Get(p); !ok || r.Error != "" || r.BackupPoolFqdn != "" {
				return &StepError{Step: StepUnpair, Host: host, Summary: "Unpairing Not Confirmed",
					Detail: fmt.Sprintf("After publishing and enabling the topology on %s, Get-CsPoolBackupRelationship reports: %s. "+
						"The pairing is removed in a modelled topology encoding (internal/lync/topology/pairing_encoding.go) that may not match this Lync Server version: "+
						"capture the real encoding with scripts/capture-pairing.ps1 and remove the pairing in Topology Builder (Edit Properties > Resiliency)",
						host, describeRelation(rels, p))}
			}
		}
		w.emit(StepUnpair, host, fmt.Sprintf("%s and %s are no longer paired; LYNCBACKUP stays installed, and the replicated user data stays on both pools until Remove-CsUserStoreBackupData removes it", a, b), fields)
		return nil
	}
}
