package topology

import "strings"

// lookup finds a pool or returns ErrPoolNotFound naming the Front End pools.
func (d *Document) lookup(fqdn string) (*pool, error) {
	if p := d.find(fqdn); p != nil {
		return p, nil
	}
	return nil, &Error{Kind: ErrPoolNotFound, Pool: fqdn, Known: d.FrontEndPools()}
}

// Partner returns the FQDN of the pool fqdn is paired with in this document
// ("" when unpaired), per the modelled encoding.
func (d *Document) Partner(fqdn string) (string, error) {
	p, err := d.lookup(fqdn)
	if err != nil {
		return "", err
	}
	t, err := d.partner(p)
	if err != nil || t == nil {
		return "", err
	}
	return t.Fqdn, nil
}

// Voice returns the voice failover option published on fqdn's Registrar.
func (d *Document) Voice(fqdn string) (Voice, error) {
	p, err := d.lookup(fqdn)
	if err != nil {
		return Voice{}, err
	}
	if p.registrar == nil {
		return Voice{}, nil
	}
	return readVoice(p)
}

// checkPairable validates that p can be half of a pair.
func checkPairable(p *pool) error {
	if !p.FrontEnd {
		detail := "it has no UserServices service"
		switch {
		case p.registrar == nil:
			detail = "it has no Registrar service (for example a SQL Server, file server or Edge pool)"
		case registrarServiceElement(p.registrar) != nil && strings.EqualFold(registrarServiceElement(p.registrar).attr("IsDirector"), "true"):
			detail = "it is a Director pool"
		}
		return &Error{Kind: ErrNotFrontEnd, Pool: p.Fqdn, Detail: detail}
	}
	if p.Version < MinPairingVersion {
		return &Error{Kind: ErrUnsupportedVersion, Pool: p.Fqdn, Version: p.Version}
	}
	return nil
}

// CheckPairing validates that poolA and poolB can be paired: both exist, are
// Front End pools of Lync Server 2013 or later, are different pools, and
// neither is paired with a third pool. Already being paired with each other is
// fine. An Enterprise/Standard mismatch is not an error here (Topology Builder
// allows it; Microsoft does not support it): callers warn about it.
func (d *Document) CheckPairing(poolA, poolB string) error {
	a, err := d.lookup(poolA)
	if err != nil {
		return err
	}
	b, err := d.lookup(poolB)
	if err != nil {
		return err
	}
	if a == b {
		return &Error{Kind: ErrSamePool, Pool: a.Fqdn}
	}
	for _, p := range []*pool{a, b} {
		if err := checkPairable(p); err != nil {
			return err
		}
	}
	for _, pr := range [][2]*pool{{a, b}, {b, a}} {
		t, err := d.partner(pr[0])
		if err != nil {
			return err
		}
		if t != nil && t != pr[1] {
			return &Error{Kind: ErrAlreadyPaired, Pool: pr[0].Fqdn, Other: t.Fqdn}
		}
	}
	return nil
}

// SetPairing returns doc with poolA and poolB paired and both carrying the
// voice option v, changing nothing else. When doc already says exactly that,
// it is returned unchanged.
func SetPairing(doc, poolA, poolB string, v Voice) (string, error) {
	d, err := Parse(doc)
	if err != nil {
		return "", err
	}
	if err := v.Validate(); err != nil {
		return "", err
	}
	if err := d.CheckPairing(poolA, poolB); err != nil {
		return "", err
	}
	a, b := d.find(poolA), d.find(poolB)
	var edits []splice
	if t, _ := d.partner(a); t == nil {
		edits = append(edits, d.addBackupDep(a, b)...)
		edits = append(edits, d.addBackupDep(b, a)...)
	}
	if !v.Enabled {
		v = Voice{}
	}
	edits = append(edits, d.voiceEdits(a, v, true)...)
	edits = append(edits, d.voiceEdits(b, v, true)...)
	return applySplices(doc, edits)
}

// RemovePairing returns doc with the pairing of poolFqdn (both sides) and the
// voice option of both pools removed, changing nothing else. An unpaired pool
// gives doc unchanged.
func RemovePairing(doc, poolFqdn string) (string, error) {
	d, err := Parse(doc)
	if err != nil {
		return "", err
	}
	p, err := d.lookup(poolFqdn)
	if err != nil {
		return "", err
	}
	t, err := d.partner(p)
	if err != nil || t == nil {
		return doc, err
	}
	var edits []splice
	for _, q := range []*pool{p, t} {
		edits = append(edits, d.removeBackupDeps(q)...)
		edits = append(edits, d.voiceEdits(q, Voice{}, false)...)
	}
	return applySplices(doc, edits)
}
