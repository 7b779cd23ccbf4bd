package farm

// This file is the lab farm's copy of the MODELLED encoding of a pool pair in
// the published topology document (main DESIGN.md §1). No public sample shows
// how Topology Builder stores "Associated Backup Pool" (lync-dr.md §1.4, [U]),
// so the encoding is a hypothesis shared with the provider by specification,
// not by code: the provider keeps its own copy in internal/lync/topology and
// neither imports the other. Everything that knows the element and attribute
// names of the pairing is here; replace this file when a real before/after
// capture (scripts/capture-pairing.ps1) shows the true encoding.
//
// The encoding, on the Registrar service of each Front End pool:
//
//	<Dependency Usage="BackupRegistrar"><ServiceId SiteId=".." RoleName="Registrar" Instance=".." /></Dependency>
//	<RegistrarService xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008" IsDirector="false"
//	    EnableAutomaticFailover="true" FailureDetectionInterval="120" FailbackDetectionInterval="240" />
//
// Paired means exactly one BackupRegistrar dependency on each of the two
// Registrar services, each naming the other; unpaired means none. The
// intervals are seconds, 30 to 86400, present only when
// EnableAutomaticFailover is true; unpairing removes all three attributes.

import (
	"fmt"
	"strconv"
	"strings"
)

// UsageBackupRegistrar is the Dependency Usage that names the partner's
// Registrar. [U] modelled.
const UsageBackupRegistrar = "BackupRegistrar"

// Topology Builder's default detection intervals, in seconds (DESIGN.md §1).
const (
	DefaultFailureDetection  = 120
	DefaultFailbackDetection = 240
	minDetectionInterval     = 30
	maxDetectionInterval     = 86400
)

// Failover is the "Automatic failover and failback for Voice" option of the
// seed's step 5 and its intervals, in seconds (0 when absent).
type Failover struct {
	Automatic         bool `json:"automaticFailover"`
	FailureDetection  int  `json:"failureDetectionInterval,omitempty"`
	FailbackDetection int  `json:"failbackDetectionInterval,omitempty"`
}

// backupLink is one BackupRegistrar dependency found on a pool's Registrar.
type backupLink struct {
	Target ServiceKey
	// Partner is the Front End pool the target Registrar is installed on, nil
	// when the target is missing or not on a Front End pool.
	Partner *Pool
	// TargetExists says whether the target service is in the document.
	TargetExists bool
}

// poolLinks is what the encoding says about one pool.
type poolLinks struct {
	Links    []backupLink
	Failover Failover
	// failoverSet reports whether any of the three attributes is present.
	failoverSet bool
}

// readBackupLinks reads the encoding of every Front End pool. It fails only
// on attribute values that cannot be read; consistency is checked by
// checkPairingRules.
func readBackupLinks(t *Topology) (map[*Pool]*poolLinks, error) {
	out := map[*Pool]*poolLinks{}
	for _, p := range t.Pools {
		pl := &poolLinks{}
		for _, d := range p.registrar.DependsOn {
			if d.Usage != UsageBackupRegistrar {
				continue
			}
			target := t.service(d.Target)
			pl.Links = append(pl.Links, backupLink{Target: d.Target, Partner: t.poolOfService(target), TargetExists: target != nil})
		}
		if rs := p.registrar.el.Child(NSServiceRoles, "RegistrarService"); rs != nil {
			if v, ok := rs.Attr("EnableAutomaticFailover"); ok {
				b, err := parseXMLBool(v)
				if err != nil {
					return nil, fmt.Errorf("pool %s: RegistrarService EnableAutomaticFailover=%q is not true or false", p.Fqdn, v)
				}
				pl.Failover.Automatic, pl.failoverSet = b, true
			}
			for _, a := range []struct {
				name string
				dst  *int
			}{{"FailureDetectionInterval", &pl.Failover.FailureDetection}, {"FailbackDetectionInterval", &pl.Failover.FailbackDetection}} {
				if v, ok := rs.Attr(a.name); ok {
					n, err := strconv.Atoi(v)
					if err != nil {
						return nil, fmt.Errorf("pool %s: RegistrarService %s=%q is not a number of seconds", p.Fqdn, a.name, v)
					}
					*a.dst, pl.failoverSet = n, true
				}
			}
		}
		out[p] = pl
	}
	return out, nil
}

func parseXMLBool(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, fmt.Errorf("not a boolean")
}

// SetPairing writes the pair a<->b into the document in place, replacing
// whatever pairing either pool had. It does not check the rules; publishing
// the result does.
func SetPairing(root *Element, a, b string, fo Failover) error {
	t, err := parseStructure(root)
	if err != nil {
		return err
	}
	pa, pb := t.Pool(a), t.Pool(b)
	for _, x := range []struct {
		name string
		p    *Pool
	}{{a, pa}, {b, pb}} {
		if x.p == nil {
			return fmt.Errorf("%s is not a Front End pool of the topology", x.name)
		}
	}
	sides := [][2]*Pool{{pa, pb}, {pb, pa}}
	if pa == pb {
		sides = sides[:1] // a self pairing (which publishing rejects) is written once
	}
	for _, x := range sides {
		from, to := x[0], x[1]
		clearLinks(from.registrar)
		deps := from.registrar.el.Child(NSTopology, "DependsOn")
		if deps == nil {
			deps = NewElement(NSTopology, "DependsOn")
			from.registrar.el.InsertBefore(deps, NSTopology, "InstalledOn")
		}
		deps.Add(NewElement(NSTopology, "Dependency", "Usage", UsageBackupRegistrar).Add(serviceIDElement(to.registrar.Key)))
		writeFailover(from.registrar, &fo)
	}
	return nil
}

// RemovePairing removes the pool's BackupRegistrar dependency and failover
// attributes, and those of every Registrar that names the pool's Registrar,
// in place. Removing an absent pairing is a no-op.
func RemovePairing(root *Element, pool string) error {
	t, err := parseStructure(root)
	if err != nil {
		return err
	}
	p := t.Pool(pool)
	if p == nil {
		return fmt.Errorf("%s is not a Front End pool of the topology", pool)
	}
	for _, other := range t.Pools {
		if other == p {
			continue
		}
		for _, d := range other.registrar.DependsOn {
			if d.Usage == UsageBackupRegistrar && sameServiceKey(d.Target, p.registrar.Key) {
				clearLinks(other.registrar)
				writeFailover(other.registrar, nil)
				break
			}
		}
	}
	clearLinks(p.registrar)
	writeFailover(p.registrar, nil)
	return nil
}

func sameServiceKey(a, b ServiceKey) bool {
	return a.SiteID == b.SiteID && a.Instance == b.Instance && strings.EqualFold(a.Role, b.Role)
}

func clearLinks(reg *service) {
	if reg.dependsOnE == nil {
		return
	}
	for _, d := range reg.DependsOn {
		if d.Usage == UsageBackupRegistrar {
			reg.dependsOnE.RemoveChild(d.el)
		}
	}
}

// writeFailover sets (fo != nil) or removes (fo == nil) the three failover
// attributes of the RegistrarService element.
func writeFailover(reg *service, fo *Failover) {
	rs := reg.el.Child(NSServiceRoles, "RegistrarService")
	if rs == nil {
		if fo == nil {
			return
		}
		rs = NewElement(NSServiceRoles, "RegistrarService", "IsDirector", "false")
		reg.el.Add(rs)
	}
	for _, a := range []string{"EnableAutomaticFailover", "FailureDetectionInterval", "FailbackDetectionInterval"} {
		rs.RemoveAttr(a)
	}
	if fo == nil {
		return
	}
	rs.SetAttr("EnableAutomaticFailover", strconv.FormatBool(fo.Automatic))
	if fo.Automatic {
		rs.SetAttr("FailureDetectionInterval", strconv.Itoa(fo.FailureDetection))
		rs.SetAttr("FailbackDetectionInterval", strconv.Itoa(fo.FailbackDetection))
	}
}
