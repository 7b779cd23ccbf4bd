package farm

import (
	"fmt"
	"sort"
	"strings"
)

// checkPairingRules enforces the pool pairing rules of lync-dr.md §7 on the
// links read by the encoding, and on success records the pairing in t.
// Publish-CsTopology runs it before storing a document, so a rejected publish
// leaves the farm unchanged. The rules:
//
//   - one partner per pool, reciprocal (§7.1 [C]: "always 1:1 and
//     reciprocal ... neither can be the backup for any other Front End pool");
//   - the partner is a Front End pool of the topology, not the pool itself;
//   - no Lync Server 2010 pool in a pair (§7.4: the Backup Service is new in
//     Lync 2013 [C]; the prohibition itself is [I]);
//   - voice failover intervals 30..86400 s, only with automatic failover
//     (DESIGN.md §1; the range is Set-CsRegistrar's, §1.4 [C]).
//
// Enterprise with Standard Edition is accepted: Topology Builder and
// topology validation allow it although it is unsupported (§7.2 [C]). Two
// pools of the same site are accepted too (§7.3: not documented as blocked).
func checkPairingRules(t *Topology, links map[*Pool]*poolLinks) error {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	partner := map[string]string{}
	for _, p := range t.Pools {
		pl := links[p]
		switch {
		case len(pl.Links) == 0:
			if pl.failoverSet {
				add("pool %s has voice failover settings (EnableAutomaticFailover, FailureDetectionInterval, FailbackDetectionInterval) but no backup pool", p.Fqdn)
			}
			continue
		case len(pl.Links) > 1:
			var names []string
			for _, l := range pl.Links {
				names = append(names, linkName(l))
			}
			add("pool %s names %d backup pools (%s): a Front End pool can be paired with only one other pool", p.Fqdn, len(pl.Links), strings.Join(names, ", "))
			continue
		}
		l := pl.Links[0]
		switch {
		case !l.TargetExists:
			add("pool %s names backup Registrar %s, which is not in the topology", p.Fqdn, l.Target)
			continue
		case l.Partner == nil:
			add("pool %s names %s as its backup, which is not the Registrar of a Front End pool: only a Front End pool can be a backup pool", p.Fqdn, l.Target)
			continue
		case l.Partner == p:
			add("pool %s cannot be its own backup pool", p.Fqdn)
			continue
		}
		q := l.Partner
		for _, x := range []*Pool{p, q} {
			if !x.SupportsBackupService() {
				add("pool %s cannot be paired with %s: %s runs Lync Server %s, which has no Backup Service; both pools of a pair must run Lync Server 2013", p.Fqdn, q.Fqdn, x.Fqdn, x.Version())
			}
		}
		ql := links[q]
		switch {
		case len(ql.Links) == 0:
			add("pool %s names %s as its backup pool, but %s does not name %s: a pairing must be reciprocal (set the backup pool on both pools)", p.Fqdn, q.Fqdn, q.Fqdn, p.Fqdn)
		case len(ql.Links) == 1 && ql.Links[0].Partner != p && ql.Links[0].Partner != nil && ql.Links[0].Partner != q:
			add("pool %s names %s as its backup pool, but %s is already paired with %s: each pool can be the backup of only one other pool", p.Fqdn, q.Fqdn, q.Fqdn, ql.Links[0].Partner.Fqdn)
		}
		fo := pl.Failover
		switch {
		case !fo.Automatic && (fo.FailureDetection != 0 || fo.FailbackDetection != 0):
			add("pool %s: FailureDetectionInterval and FailbackDetectionInterval need EnableAutomaticFailover=\"true\"", p.Fqdn)
		case fo.Automatic:
			for _, iv := range []struct {
				name string
				v    int
			}{{"FailureDetectionInterval", fo.FailureDetection}, {"FailbackDetectionInterval", fo.FailbackDetection}} {
				if iv.v < minDetectionInterval || iv.v > maxDetectionInterval {
					add("pool %s: %s=%d is out of range: it must be %d to %d seconds", p.Fqdn, iv.name, iv.v, minDetectionInterval, maxDetectionInterval)
				}
			}
		}
		partner[p.Fqdn] = q.Fqdn
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return &RuleError{Problems: dedupe(problems)}
	}
	t.partner = partner
	t.failover = map[string]Failover{}
	for p := range partner {
		t.failover[p] = links[t.Pool(p)].Failover
	}
	return nil
}

func linkName(l backupLink) string {
	if l.Partner != nil {
		return l.Partner.Fqdn
	}
	return l.Target.String()
}

func dedupe(s []string) []string {
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// RuleError is a topology that breaks the pool pairing rules.
type RuleError struct {
	Problems []string
}

func (e *RuleError) Error() string {
	return "Topology validation failed: " + strings.Join(e.Problems, "; ") + "."
}
