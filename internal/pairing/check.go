package pairing

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/lyncdr/terraform-provider-lync/internal/lync/topology"
)

// fqdnPattern accepts DNS names of at least two labels made of letters,
// digits and inner hyphens, without the root's trailing dot. Lync pool and
// server names are always FQDNs; a value outside this alphabet can only be a
// typo (or an attack).
var fqdnPattern = regexp.MustCompile(`^(?i:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.(?i:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?))+$`)

// ValidFQDN reports whether fqdn is a fully qualified domain name as the
// workflow accepts it (no trailing dot).
func ValidFQDN(fqdn string) bool { return len(fqdn) <= 253 && fqdnPattern.MatchString(fqdn) }

// validateFqdn checks the syntax of a pool FQDN.
func validateFqdn(what, fqdn string) error {
	if ValidFQDN(fqdn) {
		return nil
	}
	return &PreconditionError{Summary: "Invalid " + what + " FQDN", Pool: fqdn,
		Detail: fmt.Sprintf("%q is not a fully qualified domain name; give the pool FQDN as Topology Builder shows it, for example pool01.contoso.com", fqdn)}
}

// validate checks what needs no server: the options and the shape of s.
func (w *Workflow) validate(s Spec, needBackup bool) error {
	if w.o.ManagementHost == "" {
		return &PreconditionError{Summary: "Management Host Not Set",
			Detail: "No management host is configured: name a server where the Lync Server Management Shell can read and publish the topology (for example a Front End server of the pool that hosts the Central Management store)"}
	}
	if err := validateFqdn("Pool", s.PoolFqdn); err != nil {
		return err
	}
	if !needBackup {
		return nil
	}
	if err := validateFqdn("Backup Pool", s.BackupPoolFqdn); err != nil {
		return err
	}
	if err := s.Voice.topology().Validate(); err != nil {
		return &PreconditionError{Summary: "Invalid Voice Failover Intervals",
			Detail: err.Error() + ". Topology Builder's defaults are 120 seconds (failure detection) and 240 seconds (failback detection)", Err: err}
	}
	return nil
}

// Check verifies, without changing anything, that s can be applied: the
// plan-time check. Failures are *PreconditionError; a topology that cannot be
// read is a *StepError.
func (w *Workflow) Check(ctx context.Context, s Spec) error {
	if err := w.validate(s, true); err != nil {
		return err
	}
	t, err := w.c.ReadTopology(ctx, w.o.ManagementHost, nil)
	if err != nil {
		return commandFailed(StepCheck, w.o.ManagementHost, "Could Not Read The Topology", err)
	}
	_, err = w.checkTopology(t.XML, s)
	return err
}

// checkTopology applies the preconditions to the topology document and
// reports, as warning Events, what Microsoft does not support but Topology
// Builder allows.
func (w *Workflow) checkTopology(xml string, s Spec) (*topology.Document, error) {
	host := w.o.ManagementHost
	doc, err := topology.Parse(xml)
	if err == nil {
		err = doc.CheckPairing(s.PoolFqdn, s.BackupPoolFqdn)
	}
	if err != nil {
		return nil, w.precondition(err)
	}
	a, _ := doc.Pool(s.PoolFqdn)
	b, _ := doc.Pool(s.BackupPoolFqdn)
	warn := func(msg string) {
		w.emit(StepCheck, host, "warning: "+msg, map[string]any{"warning": true, "pool": s.PoolFqdn, "backup_pool": s.BackupPoolFqdn})
	}
	if a.Edition != b.Edition {
		warn(fmt.Sprintf("%s is an %s pool and %s a %s pool; Topology Builder allows pairing them, but Microsoft supports only Enterprise-with-Enterprise and Standard-with-Standard pairs",
			a.Fqdn, a.Edition, b.Fqdn, b.Edition))
	}
	if a.Version != b.Version {
		warn(fmt.Sprintf("%s runs %s and %s runs %s; pool failover in disaster mode is not supported between pools of different versions",
			a.Fqdn, topology.ProductName(a.Version), b.Fqdn, topology.ProductName(b.Version)))
	}
	if a.SiteID == b.SiteID {
		warn(fmt.Sprintf("%s and %s are both in site %s; paired pools are meant to be in different sites", a.Fqdn, b.Fqdn, a.Site))
	}
	return doc, nil
}

// precondition turns a topology validation error into a PreconditionError
// that says what to do.
func (w *Workflow) precondition(err error) error {
	var te *topology.Error
	if !errors.As(err, &te) {
		return err
	}
	host := w.o.ManagementHost
	p := &PreconditionError{Pool: te.Pool, Err: err}
	switch te.Kind {
	case topology.ErrMalformed:
		p.Summary = "Unreadable Topology"
		p.Detail = fmt.Sprintf("The topology read from %s cannot be used: %s", host, te.Error())
	case topology.ErrPoolNotFound:
		known := "none"
		if len(te.Known) > 0 {
			known = strings.Join(te.Known, ", ")
		}
		p.Summary = "Pool Not Found"
		p.Detail = fmt.Sprintf("Pool %q is not in the published topology read from %s. Front End pools in the topology: %s. Check the FQDN, or define the pool in Topology Builder and publish the topology first",
			te.Pool, host, known)
	case topology.ErrNotFrontEnd:
		p.Summary = "Not A Front End Pool"
		p.Detail = fmt.Sprintf("%q is not a Front End pool: %s. Only Front End pools can be paired for disaster recovery; give the FQDN of a Front End pool", te.Pool, te.Detail)
	case topology.ErrUnsupportedVersion:
		p.Summary = "Unsupported Lync Version"
		p.Detail = fmt.Sprintf("Pool %q runs %s. Pool pairing with the Backup Service was introduced in Lync Server 2013: pair Lync Server 2013 (or later) Front End pools instead",
			te.Pool, topology.ProductName(te.Version))
	case topology.ErrSamePool:
		p.Summary = "Pool Cannot Back Up Itself"
		p.Detail = fmt.Sprintf("The pool and its backup pool are both %q. Choose a different Front End pool, preferably in another site, as the backup pool", te.Pool)
	case topology.ErrAlreadyPaired:
		p.Summary = "Pool Already Paired"
		p.Detail = fmt.Sprintf("Pool %q is already paired with %q in the topology, and a pool has exactly one backup pool. Remove that pairing first (destroy the resource that manages it, or in Topology Builder: Edit Properties > Resiliency > Associated Backup Pool, then publish), and apply again",
			te.Pool, te.Other)
	case topology.ErrInconsistent:
		p.Summary = "Inconsistent Pairing In Topology"
		p.Detail = te.Error() + ". Fix the pairing in Topology Builder (Edit Properties > Resiliency > Associated Backup Pool) and publish the topology, then apply again"
	case topology.ErrInvalidVoice:
		p.Summary = "Invalid Voice Failover Intervals"
		p.Detail = te.Error()
	default:
		p.Summary = "Invalid Pairing"
		p.Detail = te.Error()
	}
	return p
}

// CheckReplacing is Check for the create half of a replacement, which
// Terraform plans before the destroy half has run: the pairing of replaced
// (a pool of the pair the replacement destroys first) is taken out of the
// topology that was read, and the preconditions are applied to what remains.
// So the new pairing is neither refused because of the pairing about to be
// removed, nor allowed onto a pool that another pairing holds.
func (w *Workflow) CheckReplacing(ctx context.Context, s Spec, replaced string) error {
	if err := w.validate(s, true); err != nil {
		return err
	}
	t, err := w.c.ReadTopology(ctx, w.o.ManagementHost, nil)
	if err != nil {
		return commandFailed(StepCheck, w.o.ManagementHost, "Could Not Read The Topology", err)
	}
	xml, err := topology.RemovePairing(t.XML, replaced)
	if err != nil {
		return w.precondition(err)
	}
	_, err = w.checkTopology(xml, s)
	return err
}
