package farm

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
)

// Definition describes a farm: what Topology Builder would have published
// before anybody paired anything, plus optional pairs that already exist.
// It is read from JSON (schema and example in internal/labfarm/README.md);
// the farm builds its first published topology document from it.
type Definition struct {
	// Domain is the SIP/AD domain, the topology's DefaultDomain.
	Domain string `json:"domain"`
	// CMSPool is the Front End pool hosting the Central Management store.
	CMSPool string    `json:"cmsPool"`
	Sites   []SiteDef `json:"sites"`
	Pools   []PoolDef `json:"pools"`
	// Pairs are pool pairs already published and enabled at start.
	Pairs []PairDef `json:"pairs,omitempty"`
	// Latency overrides parts of the default latency profile; after parsing
	// it is the complete profile.
	Latency *Latency `json:"latency,omitempty"`
}

// SiteDef is a central site.
type SiteDef struct {
	ID          int    `json:"id"`
	Name        string `json:"name"`
	City        string `json:"city,omitempty"`
	State       string `json:"state,omitempty"`
	CountryCode string `json:"countryCode,omitempty"`
}

// PoolDef is a Front End pool.
type PoolDef struct {
	Fqdn string `json:"fqdn"`
	// Site is the name of a site in Sites.
	Site string `json:"site"`
	// Edition is "Enterprise" or "Standard".
	Edition string `json:"edition"`
	// Version is "2013" or "2010".
	Version string `json:"version"`
	// Servers are the Front End servers of an Enterprise pool. A Standard
	// Edition pool has exactly one server whose FQDN is the pool's; it may be
	// omitted.
	Servers []string `json:"servers,omitempty"`
	// BackEnd is the SQL Server of an Enterprise pool (its Back End cluster,
	// which also holds the pool's file store); default sql-<pool label>.<domain>.
	BackEnd string `json:"backEnd,omitempty"`
}

// PairDef is a pool pair present at start.
type PairDef struct {
	Pool       string `json:"pool"`
	BackupPool string `json:"backupPool"`
	// AutomaticFailover is the "Automatic failover and failback for Voice"
	// option; default true, with the intervals below.
	AutomaticFailover *bool `json:"automaticFailover,omitempty"`
	// FailureDetectionInterval and FailbackDetectionInterval are seconds;
	// defaults 120 and 240 (Topology Builder's).
	FailureDetectionInterval  int `json:"failureDetectionInterval,omitempty"`
	FailbackDetectionInterval int `json:"failbackDetectionInterval,omitempty"`
	// Deployed means the pair was finished before the farm started: the
	// Bootstrapper already installed LYNCBACKUP on every Front End of both
	// pools and it runs. Otherwise only the topology knows the pair.
	Deployed bool `json:"deployed,omitempty"`
}

// Edition and version values of PoolDef.
const (
	EditionEnterprise = "Enterprise"
	EditionStandard   = "Standard"
	Version2013       = "2013"
	Version2010       = "2010"
)

//go:embed default_farm.json
var defaultDefinitionJSON []byte

// DefaultDefinitionJSON returns the embedded default farm definition
// (lync-labfarm -print-definition prints it).
func DefaultDefinitionJSON() []byte { return append([]byte(nil), defaultDefinitionJSON...) }

// DefaultDefinition returns the embedded default farm: contoso.com, sites
// Redmond (CMS; pool01 EE 2013 fe01-03, se01 SE 2013, pool10 EE 2010
// fe10-11), Dublin (pool02 EE 2013 fe04-06, se02 SE 2013) and Tokyo (pool03
// EE 2013 fe07-08); nothing paired.
func DefaultDefinition() *Definition {
	d, err := ParseDefinition(defaultDefinitionJSON)
	if err != nil {
		panic("embedded default farm definition: " + err.Error())
	}
	return d
}

// LoadDefinition reads and validates a definition file.
func LoadDefinition(path string) (*Definition, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("farm definition: %w", err)
	}
	d, err := ParseDefinition(b)
	if err != nil {
		return nil, fmt.Errorf("farm definition %s: %w", path, err)
	}
	return d, nil
}

// ParseDefinition decodes and validates a JSON definition. Unknown fields are
// errors, and every error names the offending field (for example
// `pools[2].servers[0]`).
func ParseDefinition(b []byte) (*Definition, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	lat := DefaultLatency()
	d := &Definition{Latency: &lat} // a "latency" object overrides only what it names
	if err := dec.Decode(d); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return nil, fmt.Errorf("invalid JSON at byte %d: %v", se.Offset, err)
		case errors.As(err, &te):
			return nil, fmt.Errorf("%s: expected a %s, got a JSON %s", te.Field, te.Type, te.Value)
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, errors.New("invalid JSON: unexpected end of the document")
		}
		return nil, fmt.Errorf("invalid definition: %v", err)
	}
	if dec.More() {
		return nil, errors.New("invalid JSON: trailing content after the definition object")
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return d, nil
}

var fqdnRE = regexp.MustCompile(`^(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$`)

// IsFQDN reports whether s looks like a fully qualified host name.
func IsFQDN(s string) bool { return len(s) <= 253 && fqdnRE.MatchString(s) }

// Validate checks the definition, normalizes FQDNs to lower case and fills
// defaults (the Standard Edition server, the Back End FQDN, pair intervals).
func (d *Definition) Validate() error {
	d.Domain = strings.ToLower(strings.TrimSpace(d.Domain))
	if !IsFQDN(d.Domain) {
		return fmt.Errorf("domain: %q is not a DNS domain name", d.Domain)
	}
	if len(d.Sites) == 0 {
		return errors.New("sites: at least one site is required")
	}
	siteByName := map[string]bool{}
	siteIDs := map[int]bool{}
	for i, s := range d.Sites {
		f := fmt.Sprintf("sites[%d]", i)
		if s.ID < 1 {
			return fmt.Errorf("%s.id: %d is not a positive site id", f, s.ID)
		}
		if siteIDs[s.ID] {
			return fmt.Errorf("%s.id: site id %d is used twice", f, s.ID)
		}
		siteIDs[s.ID] = true
		if strings.TrimSpace(s.Name) == "" {
			return fmt.Errorf("%s.name: a site name is required", f)
		}
		if siteByName[strings.ToLower(s.Name)] {
			return fmt.Errorf("%s.name: site name %q is used twice", f, s.Name)
		}
		siteByName[strings.ToLower(s.Name)] = true
	}
	if len(d.Pools) == 0 {
		return errors.New("pools: at least one pool is required")
	}
	hosts := map[string]string{} // fqdn -> field that defined it
	claim := func(fqdn, field string) error {
		if prev, ok := hosts[fqdn]; ok {
			return fmt.Errorf("%s: %q is already used by %s", field, fqdn, prev)
		}
		hosts[fqdn] = field
		return nil
	}
	for i := range d.Pools {
		p := &d.Pools[i]
		f := fmt.Sprintf("pools[%d]", i)
		p.Fqdn = strings.ToLower(strings.TrimSpace(p.Fqdn))
		if !IsFQDN(p.Fqdn) {
			return fmt.Errorf("%s.fqdn: %q is not a fully qualified domain name", f, p.Fqdn)
		}
		if !siteByName[strings.ToLower(p.Site)] {
			return fmt.Errorf("%s.site: %q is not the name of a site in sites", f, p.Site)
		}
		switch p.Version {
		case Version2013, Version2010:
		default:
			return fmt.Errorf("%s.version: %q is not supported (use \"2013\" or \"2010\")", f, p.Version)
		}
		switch p.Edition {
		case EditionStandard:
			if len(p.Servers) == 0 {
				p.Servers = []string{p.Fqdn}
			}
			if len(p.Servers) != 1 || !strings.EqualFold(p.Servers[0], p.Fqdn) {
				return fmt.Errorf("%s.servers: a Standard Edition pool has exactly one server whose FQDN is the pool's (%s)", f, p.Fqdn)
			}
			p.Servers[0] = p.Fqdn
			if p.BackEnd != "" {
				return fmt.Errorf("%s.backEnd: a Standard Edition pool has its own SQL Express back end; remove backEnd", f)
			}
			if err := claim(p.Fqdn, f+".fqdn"); err != nil {
				return err
			}
		case EditionEnterprise:
			if len(p.Servers) == 0 {
				return fmt.Errorf("%s.servers: an Enterprise pool needs at least one Front End server", f)
			}
			if err := claim(p.Fqdn, f+".fqdn"); err != nil {
				return err
			}
			for j, s := range p.Servers {
				s = strings.ToLower(strings.TrimSpace(s))
				p.Servers[j] = s
				sf := fmt.Sprintf("%s.servers[%d]", f, j)
				if !IsFQDN(s) {
					return fmt.Errorf("%s: %q is not a fully qualified domain name", sf, s)
				}
				if err := claim(s, sf); err != nil {
					return err
				}
			}
			if p.BackEnd == "" {
				p.BackEnd = "sql-" + strings.SplitN(p.Fqdn, ".", 2)[0] + "." + d.Domain
			}
			p.BackEnd = strings.ToLower(strings.TrimSpace(p.BackEnd))
			if !IsFQDN(p.BackEnd) {
				return fmt.Errorf("%s.backEnd: %q is not a fully qualified domain name", f, p.BackEnd)
			}
			if err := claim(p.BackEnd, f+".backEnd"); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%s.edition: %q is not an edition (use \"Enterprise\" or \"Standard\")", f, p.Edition)
		}
	}
	d.CMSPool = strings.ToLower(strings.TrimSpace(d.CMSPool))
	if d.CMSPool == "" {
		d.CMSPool = d.Pools[0].Fqdn
	}
	if d.pool(d.CMSPool) == nil {
		return fmt.Errorf("cmsPool: %q is not one of the pools", d.CMSPool)
	}
	for i := range d.Pairs {
		pr := &d.Pairs[i]
		f := fmt.Sprintf("pairs[%d]", i)
		pr.Pool = strings.ToLower(strings.TrimSpace(pr.Pool))
		pr.BackupPool = strings.ToLower(strings.TrimSpace(pr.BackupPool))
		if d.pool(pr.Pool) == nil {
			return fmt.Errorf("%s.pool: %q is not one of the pools", f, pr.Pool)
		}
		if d.pool(pr.BackupPool) == nil {
			return fmt.Errorf("%s.backupPool: %q is not one of the pools", f, pr.BackupPool)
		}
		if pr.AutomaticFailover == nil {
			t := true
			pr.AutomaticFailover = &t
		}
		if *pr.AutomaticFailover {
			if pr.FailureDetectionInterval == 0 {
				pr.FailureDetectionInterval = DefaultFailureDetection
			}
			if pr.FailbackDetectionInterval == 0 {
				pr.FailbackDetectionInterval = DefaultFailbackDetection
			}
		} else if pr.FailureDetectionInterval != 0 || pr.FailbackDetectionInterval != 0 {
			return fmt.Errorf("%s: detection intervals need automaticFailover true", f)
		}
	}
	// The pairing rules (one partner, symmetric, no Lync 2010, no self
	// pairing, interval ranges) are checked on the generated document by the
	// same code as Publish-CsTopology; NewFarm reports them.
	return nil
}

func (d *Definition) pool(fqdn string) *PoolDef {
	for i := range d.Pools {
		if d.Pools[i].Fqdn == fqdn {
			return &d.Pools[i]
		}
	}
	return nil
}

// site returns the site a pool is in.
func (d *Definition) site(name string) SiteDef {
	for _, s := range d.Sites {
		if strings.EqualFold(s.Name, name) {
			return s
		}
	}
	return SiteDef{}
}

// JSON returns the definition as indented JSON.
func (d *Definition) JSON() []byte {
	b, _ := json.MarshalIndent(d, "", "  ")
	return append(b, '\n')
}
