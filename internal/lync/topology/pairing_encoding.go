package topology

// THE PAIRING ENCODING IS MODELLED, NOT CAPTURED.
//
// No public sample shows how Topology Builder stores "Associated Backup Pool"
// and "Automatic failover and failback for Voice" in the published topology.
// This file is the only place that knows our model of it (DESIGN.md §1):
//
//   - A pair is one <Dependency Usage="BackupRegistrar"> on the Registrar
//     service of each pool, wrapping the ServiceId of the partner's Registrar:
//
//     <Dependency Usage="BackupRegistrar"><ServiceId SiteId="2" RoleName="Registrar" Instance="1" /></Dependency>
//
//     Exactly one on each side, each naming the other; none means unpaired;
//     anything else is an inconsistent document.
//   - The voice option lives on the Registrar's <RegistrarService> element
//     (ServiceRoles.2008 namespace): EnableAutomaticFailover="true|false",
//     FailureDetectionInterval and FailbackDetectionInterval in whole seconds
//     (30..86400), the intervals present only when failover is enabled.
//     Unpairing removes all three.
//
// Every publish is verified by its post-condition through
// Get-CsPoolBackupRelationship, so a wrong model fails loudly; an
// administrator captures the real encoding with scripts/capture-pairing.ps1
// (diff of the topology before and after pairing in Topology Builder) and
// adapts this file alone.

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

const (
	usageBackupRegistrar          = "BackupRegistrar"
	elemRegistrarService          = "RegistrarService"
	attrEnableAutomaticFailover   = "EnableAutomaticFailover"
	attrFailureDetectionInterval  = "FailureDetectionInterval"
	attrFailbackDetectionInterval = "FailbackDetectionInterval"
)

// Topology Builder's defaults and the documented range of the intervals.
const (
	DefaultFailureDetection  = 120 * time.Second
	DefaultFailbackDetection = 240 * time.Second
	MinDetectionInterval     = 30 * time.Second
	MaxDetectionInterval     = 86400 * time.Second
)

// Voice is the "Automatic failover and failback for Voice" option of a pool.
type Voice struct {
	Enabled           bool
	FailureDetection  time.Duration
	FailbackDetection time.Duration
}

// WithDefaults fills zero intervals of an enabled option with Topology
// Builder's defaults and clears the intervals of a disabled one.
func (v Voice) WithDefaults() Voice {
	if !v.Enabled {
		return Voice{}
	}
	if v.FailureDetection == 0 {
		v.FailureDetection = DefaultFailureDetection
	}
	if v.FailbackDetection == 0 {
		v.FailbackDetection = DefaultFailbackDetection
	}
	return v
}

// Validate checks the intervals of an enabled option.
func (v Voice) Validate() error {
	if !v.Enabled {
		return nil
	}
	for _, iv := range []struct {
		name string
		d    time.Duration
	}{{"failure detection interval", v.FailureDetection}, {"failback detection interval", v.FailbackDetection}} {
		if iv.d < MinDetectionInterval || iv.d > MaxDetectionInterval || iv.d%time.Second != 0 {
			return &Error{Kind: ErrInvalidVoice, Detail: fmt.Sprintf("the %s is %s; it must be a whole number of seconds from %s to %s",
				iv.name, iv.d, MinDetectionInterval, MaxDetectionInterval)}
		}
	}
	return nil
}

// backupDeps are the BackupRegistrar dependencies of a Registrar service.
func backupDeps(reg *service) []*node {
	var out []*node
	for _, dep := range reg.node.child("DependsOn").childrenNamed("Dependency") {
		if dep.attr("Usage") == usageBackupRegistrar {
			out = append(out, dep)
		}
	}
	return out
}

// depTarget resolves the pool whose Registrar a dependency names, or nil.
func (d *Document) depTarget(dep *node) *pool {
	id := dep.child("ServiceId")
	if id == nil {
		return nil
	}
	s := d.serviceByID(serviceID{id.attr("SiteId"), id.attr("RoleName"), id.attr("Instance")})
	if s == nil || !s.onCluster || !strings.EqualFold(s.id.role, "Registrar") {
		return nil
	}
	return d.poolByKey(s.cluster)
}

// backupTargets resolves every BackupRegistrar dependency of p.
func (d *Document) backupTargets(p *pool) ([]*pool, error) {
	if p.registrar == nil {
		return nil, nil
	}
	var out []*pool
	for _, dep := range backupDeps(p.registrar) {
		t := d.depTarget(dep)
		if t == nil {
			id := dep.child("ServiceId")
			ref := "(no ServiceId)"
			if id != nil {
				ref = id.attr("SiteId") + "-" + id.attr("RoleName") + "-" + id.attr("Instance")
			}
			return nil, inconsistent("the Registrar of pool %s names a backup Registrar %s that is not a Registrar in the topology", p.Fqdn, ref)
		}
		out = append(out, t)
	}
	return out, nil
}

// partner returns the pool p is paired with, nil when unpaired, and an
// ErrInconsistent error when the document breaks the encoding's rules around p.
func (d *Document) partner(p *pool) (*pool, error) {
	targets, err := d.backupTargets(p)
	if err != nil {
		return nil, err
	}
	var referrers []*pool
	for _, q := range d.pools {
		if q == p || !q.FrontEnd {
			continue
		}
		qt, err := d.backupTargets(q)
		if err != nil {
			return nil, err
		}
		for _, t := range qt {
			if t == p {
				referrers = append(referrers, q)
			}
		}
	}
	switch {
	case len(targets) > 1:
		names := make([]string, len(targets))
		for i, t := range targets {
			names[i] = t.Fqdn
		}
		return nil, inconsistent("pool %s names %d backup pools (%s); a pool has exactly one", p.Fqdn, len(targets), strings.Join(names, ", "))
	case len(targets) == 0 && len(referrers) == 0:
		return nil, nil
	case len(targets) == 0:
		return nil, inconsistent("pool %s is named as backup pool by %s but names no backup pool itself (one-sided pairing)", p.Fqdn, referrers[0].Fqdn)
	}
	t := targets[0]
	if t == p {
		return nil, inconsistent("pool %s names itself as its backup pool", p.Fqdn)
	}
	back, err := d.backupTargets(t)
	if err != nil {
		return nil, err
	}
	if len(back) != 1 || back[0] != p {
		return nil, inconsistent("pool %s names %s as its backup pool, but %s does not name %s back (one-sided pairing)", p.Fqdn, t.Fqdn, t.Fqdn, p.Fqdn)
	}
	for _, r := range referrers {
		if r != t {
			return nil, inconsistent("pool %s is named as backup pool by both %s and %s", p.Fqdn, t.Fqdn, r.Fqdn)
		}
	}
	return t, nil
}

// registrarServiceElement is the <RegistrarService> child of a Registrar.
func registrarServiceElement(reg *service) *node {
	for _, c := range reg.node.children {
		if c.name.Local == elemRegistrarService && c.name.Space == NamespaceServiceRoles {
			return c
		}
	}
	return nil
}

// readVoice reads the voice option of a Registrar.
func readVoice(p *pool) (Voice, error) {
	el := registrarServiceElement(p.registrar)
	if el == nil {
		return Voice{}, nil
	}
	switch v := el.attr(attrEnableAutomaticFailover); strings.ToLower(v) {
	case "", "false":
		return Voice{}, nil
	case "true":
	default:
		return Voice{}, inconsistent("pool %s: %s=%q is not a boolean", p.Fqdn, attrEnableAutomaticFailover, v)
	}
	out := Voice{Enabled: true}
	for _, iv := range []struct {
		attr string
		dst  *time.Duration
	}{{attrFailureDetectionInterval, &out.FailureDetection}, {attrFailbackDetectionInterval, &out.FailbackDetection}} {
		s := el.attr(iv.attr)
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return Voice{}, inconsistent("pool %s: %s is true but %s=%q is not a number of seconds", p.Fqdn, attrEnableAutomaticFailover, iv.attr, s)
		}
		*iv.dst = time.Duration(n) * time.Second
	}
	return out, nil
}

// voiceEdits sets the voice attributes of p's Registrar: v when paired,
// none at all when not.
func (d *Document) voiceEdits(p *pool, v Voice, paired bool) []splice {
	type want struct {
		name, value string
		present     bool
	}
	wants := []want{
		{attrEnableAutomaticFailover, strconv.FormatBool(v.Enabled), paired},
		{attrFailureDetectionInterval, strconv.Itoa(int(v.FailureDetection / time.Second)), paired && v.Enabled},
		{attrFailbackDetectionInterval, strconv.Itoa(int(v.FailbackDetection / time.Second)), paired && v.Enabled},
	}
	el := registrarServiceElement(p.registrar)
	if el == nil {
		if !paired {
			return nil
		}
		// No <RegistrarService> at all (not seen in real documents): add one.
		attrs := ""
		for _, w := range wants {
			if w.present {
				attrs += " " + w.name + `="` + w.value + `"`
			}
		}
		last := p.registrar.node.children[len(p.registrar.node.children)-1]
		text := indentOf(d.raw, last) + `<RegistrarService xmlns="` + NamespaceServiceRoles + `" IsDirector="false"` + attrs + " />"
		return []splice{{last.end, last.end, text}}
	}
	var out []splice
	for _, w := range wants {
		out = append(out, setAttr(d.raw, el, w.name, w.value, w.present)...)
	}
	return out
}

// addBackupDep adds to from's Registrar a BackupRegistrar dependency naming
// to's Registrar, laid out like its siblings.
func (d *Document) addBackupDep(from, to *pool) []splice {
	reg := from.registrar.node
	id := to.registrar.id
	serviceID := `<ServiceId SiteId="` + escapeAttr(id.site) + `" RoleName="` + escapeAttr(id.role) + `" Instance="` + escapeAttr(id.instance) + `" />`
	unit := "  "
	if len(reg.children) > 0 {
		if in, out := indentOf(d.raw, reg.children[0]), indentOf(d.raw, reg); in != "" && out != "" && strings.HasPrefix(in, out) && len(in) > len(out) {
			unit = in[len(out):]
		}
	}
	dependency := func(ws string, multiline bool, innerWS string) string {
		if !multiline {
			return `<Dependency Usage="` + usageBackupRegistrar + `">` + serviceID + `</Dependency>`
		}
		return `<Dependency Usage="` + usageBackupRegistrar + `">` + innerWS + serviceID + ws + `</Dependency>`
	}

	dependsOn := reg.child("DependsOn")
	if dependsOn != nil && len(dependsOn.children) > 0 {
		last := dependsOn.children[len(dependsOn.children)-1]
		ws := indentOf(d.raw, last)
		multiline, innerWS := ws != "", ws+unit
		if sib := dependsOn.child("Dependency"); sib != nil {
			if inner := sib.child("ServiceId"); inner != nil {
				innerWS = indentOf(d.raw, inner)
				multiline = innerWS != ""
			}
		}
		return []splice{{last.end, last.end, ws + dependency(ws, multiline, innerWS)}}
	}

	var outer string // whitespace before DependsOn
	if dependsOn != nil {
		outer = indentOf(d.raw, dependsOn)
	} else if sid := reg.child("ServiceId"); sid != nil {
		outer = indentOf(d.raw, sid)
	}
	ws, multiline := "", outer != ""
	if multiline {
		ws = outer + unit
	}
	dep := ws + dependency(ws, multiline, ws+unit) + outer
	switch {
	case dependsOn != nil && dependsOn.selfClosing():
		open := strings.TrimRight(strings.TrimSuffix(d.raw[dependsOn.start:dependsOn.tagEnd], "/>"), " \t\r\n")
		name := open[1:]
		if i := strings.IndexAny(name, " \t\r\n"); i >= 0 {
			name = name[:i]
		}
		return []splice{{dependsOn.start, dependsOn.end, open + ">" + dep + "</" + name + ">"}}
	case dependsOn != nil:
		return []splice{{dependsOn.tagEnd, dependsOn.endStart, dep}}
	default:
		at := reg.tagEnd
		if sid := reg.child("ServiceId"); sid != nil {
			at = sid.end
		}
		return []splice{{at, at, outer + "<DependsOn>" + dep + "</DependsOn>"}}
	}
}

// removeBackupDeps removes every BackupRegistrar dependency of p's Registrar
// together with the whitespace before it, which undoes addBackupDep exactly.
func (d *Document) removeBackupDeps(p *pool) []splice {
	var out []splice
	for _, dep := range backupDeps(p.registrar) {
		out = append(out, splice{leadingSpace(d.raw, dep.start), dep.end, ""})
	}
	return out
}
