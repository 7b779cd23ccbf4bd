package farm

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Namespaces of the published topology document (lync-dr.md §1.1, §1.2 [C]).
const (
	NSTopology     = "urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008"
	NSServiceRoles = "urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008"
)

// ClusterKey identifies a cluster (a pool) in the document: ClusterId
// SiteId/Number.
type ClusterKey struct{ SiteID, Number int }

func (k ClusterKey) String() string { return fmt.Sprintf("%d:%d", k.SiteID, k.Number) }

// ServiceKey identifies a service: ServiceId SiteId/RoleName/Instance. Its
// text form is "<SiteId>-<RoleName>-<Instance>" as Get-CsService shows
// (lync-dr.md §1.3 [C]).
type ServiceKey struct {
	SiteID   int
	Role     string
	Instance int
}

func (k ServiceKey) String() string { return fmt.Sprintf("%d-%s-%d", k.SiteID, k.Role, k.Instance) }

// Topology is what the farm derives from a published topology document: the
// pools, machines, CMS pool and pairing it acts on. Everything the farm knows
// about its shape comes from here, so an out-of-band publish that adds a
// Machine or changes a pairing is reflected at once.
type Topology struct {
	Signature     string
	DefaultDomain string
	Sites         []Site
	Clusters      []*Cluster
	// Pools are the Front End pools, in document order.
	Pools []*Pool
	// CMSPool is the FQDN of the Front End pool the CentralMgmt service is
	// installed on ("" if none).
	CMSPool string

	services []*service
	// partner and failover hold the validated pairing (see pairing_encoding.go).
	partner  map[string]string
	failover map[string]Failover
}

// Site is a central site.
type Site struct {
	ID   int
	Name string
}

// Cluster is any cluster of the document (Front End pool, SQL back end, ...).
type Cluster struct {
	Key      ClusterKey
	Fqdn     string
	Machines []string
}

// Pool is a Front End pool: a cluster with both a Registrar and a
// UserServices service installed on it (main DESIGN.md §1).
type Pool struct {
	Fqdn     string
	Key      ClusterKey
	SiteName string
	// Edition is "Standard" when the pool has one Machine whose FQDN is the
	// pool's (lync-dr.md §1.2 [C]), otherwise "Enterprise".
	Edition string
	// ServiceVersion of the Registrar: 5 Lync 2010, 6 Lync 2013 ([I] §1.2),
	// 7 SfB 2015, 8 SfB 2019 ([C]).
	ServiceVersion int
	Machines       []string
	// Roles are the XML role names of the services installed on the pool.
	Roles     []string
	registrar *service
}

// Version returns the product version name of the pool.
func (p *Pool) Version() string { return productVersion(p.ServiceVersion) }

// SupportsBackupService reports whether the pool has the Backup Service:
// pool pairing is new in Lync Server 2013 (lync-dr.md §7.4 [C], 2010 [I]).
func (p *Pool) SupportsBackupService() bool { return p.ServiceVersion >= 6 }

func productVersion(serviceVersion int) string {
	switch serviceVersion {
	case 5:
		return Version2010
	case 6:
		return Version2013
	case 7:
		return "2015"
	case 8:
		return "2019"
	}
	return fmt.Sprintf("ServiceVersion %d", serviceVersion)
}

type service struct {
	Key        ServiceKey
	Version    int
	Type       string
	Installed  ClusterKey
	OnSQL      bool
	DependsOn  []dependency
	el         *Element
	dependsOnE *Element
}

type dependency struct {
	Usage  string
	Target ServiceKey
	el     *Element
}

// Pool returns the Front End pool with the given FQDN (case-insensitive).
func (t *Topology) Pool(fqdn string) *Pool {
	for _, p := range t.Pools {
		if strings.EqualFold(p.Fqdn, fqdn) {
			return p
		}
	}
	return nil
}

// PoolOfMachine returns the Front End pool a machine belongs to.
func (t *Topology) PoolOfMachine(fqdn string) *Pool {
	for _, p := range t.Pools {
		for _, m := range p.Machines {
			if strings.EqualFold(m, fqdn) {
				return p
			}
		}
	}
	return nil
}

// Partner returns the pool paired with pool in this document ("" if none).
func (t *Topology) Partner(pool string) string { return t.partner[strings.ToLower(pool)] }

// FailoverOf returns the voice failover settings of a paired pool.
func (t *Topology) FailoverOf(pool string) Failover { return t.failover[strings.ToLower(pool)] }

// Pairs returns each pair once, the lexically smaller pool first.
func (t *Topology) Pairs() [][2]string {
	var out [][2]string
	for a, b := range t.partner {
		if a < b {
			out = append(out, [2]string{a, b})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

// SiteName returns the name of a site id.
func (t *Topology) SiteName(id int) string {
	for _, s := range t.Sites {
		if s.ID == id {
			return s.Name
		}
	}
	return ""
}

func (t *Topology) cluster(k ClusterKey) *Cluster {
	for _, c := range t.Clusters {
		if c.Key == k {
			return c
		}
	}
	return nil
}

func (t *Topology) service(k ServiceKey) *service {
	for _, s := range t.services {
		if s.Key.SiteID == k.SiteID && s.Key.Instance == k.Instance && strings.EqualFold(s.Key.Role, k.Role) {
			return s
		}
	}
	return nil
}

// poolOfService returns the Front End pool a service is installed on.
func (t *Topology) poolOfService(s *service) *Pool {
	if s == nil || s.OnSQL {
		return nil
	}
	for _, p := range t.Pools {
		if p.Key == s.Installed {
			return p
		}
	}
	return nil
}

// ParseTopology parses a published topology document and checks it the way
// Publish-CsTopology would before storing it: the shape (root element and
// namespace, clusters, services) and the pairing rules of lync-dr.md §7
// (rules.go). A document the farm holds always passed this check.
func ParseTopology(root *Element) (*Topology, error) {
	t, err := parseStructure(root)
	if err != nil {
		return nil, err
	}
	links, err := readBackupLinks(t)
	if err != nil {
		return nil, err
	}
	if err := checkPairingRules(t, links); err != nil {
		return nil, err
	}
	return t, nil
}

// ParseTopologyXML parses document text; see ParseTopology.
func ParseTopologyXML(text string) (*Element, *Topology, error) {
	root, err := ParseXML(text)
	if err != nil {
		return nil, nil, err
	}
	t, err := ParseTopology(root)
	if err != nil {
		return nil, nil, err
	}
	return root, t, nil
}

// parseStructure reads sites, clusters, services and Front End pools without
// looking at the pairing.
func parseStructure(root *Element) (*Topology, error) {
	if root.Name.Local != "Topology" || root.Name.Space != NSTopology {
		return nil, fmt.Errorf("the document is not a published topology: its root element is <%s> in namespace %q, expected <Topology xmlns=%q> as Get-CsTopology -AsXml returns it (Topology Builder .tbxml files cannot be published with Publish-CsTopology)",
			root.Name.Local, root.Name.Space, NSTopology)
	}
	t := &Topology{}
	t.Signature, _ = root.Attr("Signature")
	if d := root.Child(NSTopology, "InternalDomains"); d != nil {
		t.DefaultDomain = strings.ToLower(d.AttrOr("DefaultDomain", ""))
	}
	if sites := root.Child(NSTopology, "Sites"); sites != nil {
		for _, s := range sites.All(NSTopology, "CentralSite") {
			id, err := intAttr(s, "SiteId", "CentralSite")
			if err != nil {
				return nil, err
			}
			name := ""
			if n := s.Child(NSTopology, "Name"); n != nil {
				name = strings.TrimSpace(n.Text)
			}
			t.Sites = append(t.Sites, Site{ID: id, Name: name})
		}
	}
	clusters := root.Child(NSTopology, "Clusters")
	if clusters == nil {
		return nil, fmt.Errorf("the topology document has no <Clusters> element")
	}
	for _, c := range clusters.All(NSTopology, "Cluster") {
		fqdn := strings.ToLower(c.AttrOr("Fqdn", ""))
		key, err := clusterKey(c.Child(NSTopology, "ClusterId"), "Cluster "+fqdn)
		if err != nil {
			return nil, err
		}
		if prev := t.cluster(key); prev != nil {
			return nil, fmt.Errorf("clusters %s and %s both have ClusterId SiteId=%d Number=%d", prev.Fqdn, fqdn, key.SiteID, key.Number)
		}
		cl := &Cluster{Key: key, Fqdn: fqdn}
		for _, m := range c.All(NSTopology, "Machine") {
			mf := strings.ToLower(m.AttrOr("Fqdn", ""))
			if !IsFQDN(mf) {
				return nil, fmt.Errorf("cluster %s has a Machine whose Fqdn %q is not a fully qualified domain name", fqdn, mf)
			}
			cl.Machines = append(cl.Machines, mf)
		}
		t.Clusters = append(t.Clusters, cl)
	}
	if services := root.Child(NSTopology, "Services"); services != nil {
		for _, s := range services.All(NSTopology, "Service") {
			svc, err := parseService(s)
			if err != nil {
				return nil, err
			}
			if t.service(svc.Key) != nil {
				return nil, fmt.Errorf("service %s appears twice in the topology", svc.Key)
			}
			t.services = append(t.services, svc)
		}
	}
	// Front End pools: clusters with a Registrar and UserServices installed.
	for _, c := range t.Clusters {
		var roles []string
		var registrar, users *service
		cms := false
		for _, s := range t.services {
			if s.OnSQL || s.Installed != c.Key {
				continue
			}
			roles = append(roles, s.Key.Role)
			switch s.Key.Role {
			case "Registrar":
				registrar = s
			case "UserServices":
				users = s
			case "CentralMgmt":
				cms = true
			}
		}
		if registrar == nil || users == nil {
			continue
		}
		if len(c.Machines) == 0 {
			return nil, fmt.Errorf("the Front End pool %s has no Machine", c.Fqdn)
		}
		p := &Pool{Fqdn: c.Fqdn, Key: c.Key, SiteName: t.SiteName(c.Key.SiteID), ServiceVersion: registrar.Version,
			Machines: c.Machines, Roles: roles, registrar: registrar, Edition: EditionEnterprise}
		if len(c.Machines) == 1 && c.Machines[0] == c.Fqdn {
			p.Edition = EditionStandard
		}
		t.Pools = append(t.Pools, p)
		if cms {
			t.CMSPool = p.Fqdn
		}
	}
	for _, p := range t.Pools {
		for _, m := range p.Machines {
			if other := t.PoolOfMachine(m); other != p {
				return nil, fmt.Errorf("machine %s is in two Front End pools (%s and %s)", m, other.Fqdn, p.Fqdn)
			}
		}
	}
	return t, nil
}

func parseService(s *Element) (*service, error) {
	id := s.Child(NSTopology, "ServiceId")
	key, err := serviceKey(id, "Service")
	if err != nil {
		return nil, err
	}
	svc := &service{Key: key, Type: s.AttrOr("Type", ""), el: s}
	if v, ok := s.Attr("ServiceVersion"); ok {
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, fmt.Errorf("service %s: ServiceVersion %q is not a number", key, v)
		}
		svc.Version = n
	}
	on := s.Child(NSTopology, "InstalledOn")
	if on == nil {
		return nil, fmt.Errorf("service %s has no InstalledOn element", key)
	}
	cid := on.Child(NSTopology, "ClusterId")
	if sql := on.Child(NSTopology, "SqlInstanceId"); sql != nil {
		svc.OnSQL = true
		cid = sql.Child(NSTopology, "ClusterId")
	}
	if svc.Installed, err = clusterKey(cid, "InstalledOn of service "+key.String()); err != nil {
		return nil, err
	}
	if deps := s.Child(NSTopology, "DependsOn"); deps != nil {
		svc.dependsOnE = deps
		for _, d := range deps.All(NSTopology, "Dependency") {
			target, err := serviceKey(d.Child(NSTopology, "ServiceId"), "Dependency of service "+key.String())
			if err != nil {
				return nil, err
			}
			svc.DependsOn = append(svc.DependsOn, dependency{Usage: d.AttrOr("Usage", ""), Target: target, el: d})
		}
	}
	return svc, nil
}

func clusterKey(e *Element, what string) (ClusterKey, error) {
	if e == nil {
		return ClusterKey{}, fmt.Errorf("%s has no ClusterId element", what)
	}
	site, err := intAttr(e, "SiteId", what+" ClusterId")
	if err != nil {
		return ClusterKey{}, err
	}
	num, err := intAttr(e, "Number", what+" ClusterId")
	if err != nil {
		return ClusterKey{}, err
	}
	return ClusterKey{SiteID: site, Number: num}, nil
}

func serviceKey(e *Element, what string) (ServiceKey, error) {
	if e == nil {
		return ServiceKey{}, fmt.Errorf("%s has no ServiceId element", what)
	}
	site, err := intAttr(e, "SiteId", what+" ServiceId")
	if err != nil {
		return ServiceKey{}, err
	}
	inst, err := intAttr(e, "Instance", what+" ServiceId")
	if err != nil {
		return ServiceKey{}, err
	}
	role, _ := e.Attr("RoleName")
	if role == "" {
		return ServiceKey{}, fmt.Errorf("%s ServiceId has no RoleName", what)
	}
	return ServiceKey{SiteID: site, Role: role, Instance: inst}, nil
}

func intAttr(e *Element, name, what string) (int, error) {
	v, ok := e.Attr(name)
	if !ok {
		return 0, fmt.Errorf("%s has no %s attribute", what, name)
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("%s: %s=%q is not a number", what, name, v)
	}
	return n, nil
}

func serviceIDElement(k ServiceKey) *Element {
	return NewElement(NSTopology, "ServiceId", "SiteId", strconv.Itoa(k.SiteID), "RoleName", k.Role, "Instance", strconv.Itoa(k.Instance))
}
