// Package topology reads the published Lync Server topology document (the
// XML of `Get-CsTopology -AsXml`) and edits the pool pairing in it. Everything
// here is pure: text in, text out, no I/O.
//
// Edits are minimal text splices on the original document, so every element,
// attribute, namespace declaration and piece of whitespace the edit does not
// concern stays byte-identical.
package topology

import (
	"slices"
	"strconv"
	"strings"
)

// Namespaces of the published topology document.
const (
	NamespaceTopology     = "urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008"
	NamespaceServiceRoles = "urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008"
)

// Edition of a Front End pool.
type Edition int

const (
	Enterprise Edition = iota
	Standard
)

func (e Edition) String() string {
	if e == Standard {
		return "Standard Edition"
	}
	return "Enterprise Edition"
}

// Pool is a Cluster of the topology.
type Pool struct {
	Fqdn     string
	SiteID   string   // ClusterId/@SiteId
	Number   string   // ClusterId/@Number
	Site     string   // the site's Name, or its SiteId when it has none
	Machines []string // FQDNs, in document order
	// FrontEnd: the cluster has both a Registrar and a UserServices service.
	FrontEnd bool
	// Version is the ServiceVersion of the cluster's Registrar service, 0 when
	// it has none: 5 Lync Server 2010, 6 Lync Server 2013, 7 Skype for
	// Business Server 2015, 8 Skype for Business Server 2019.
	Version int
	// Edition: Standard when the pool is a single machine named like the pool.
	Edition Edition
	// CentralManagement: the active Central Management service is installed
	// on this pool (it is the CMS master of a pair).
	CentralManagement bool
}

// ProductName names a Registrar ServiceVersion.
func ProductName(version int) string {
	switch version {
	case 5:
		return "Lync Server 2010"
	case 6:
		return "Lync Server 2013"
	case 7:
		return "Skype for Business Server 2015"
	case 8:
		return "Skype for Business Server 2019"
	}
	return "ServiceVersion " + strconv.Itoa(version)
}

// MinPairingVersion is the first Registrar ServiceVersion with pool pairing
// (Lync Server 2013).
const MinPairingVersion = 6

type clusterKey struct{ site, number string }

type serviceID struct{ site, role, instance string }

type service struct {
	id        serviceID
	version   int
	node      *node
	cluster   clusterKey // InstalledOn/ClusterId; zero when installed on a SQL instance
	onCluster bool
}

type pool struct {
	Pool
	key       clusterKey
	registrar *service
}

// Document is a parsed published topology document.
type Document struct {
	raw      string
	root     *node
	pools    []*pool
	services []*service
}

// Parse reads a published topology document (not a Topology Builder .tbxml).
func Parse(doc string) (*Document, error) {
	root, err := parseTree(doc)
	if err != nil {
		return nil, &Error{Kind: ErrMalformed, Detail: err.Error()}
	}
	if root.name.Local != "Topology" || root.name.Space != NamespaceTopology {
		return nil, &Error{Kind: ErrMalformed, Detail: "the root element is {" + root.name.Space + "}" + root.name.Local +
			", not {" + NamespaceTopology + "}Topology (a Topology Builder .tbxml cannot be used; use Get-CsTopology -AsXml)"}
	}
	d := &Document{raw: doc, root: root}

	siteNames := map[string]string{}
	for _, s := range root.child("Sites").children {
		id := s.attr("SiteId")
		siteNames[id] = id
		if n := s.child("Name"); n != nil && strings.TrimSpace(n.text) != "" {
			siteNames[id] = strings.TrimSpace(n.text)
		}
	}
	for _, c := range root.child("Clusters").childrenNamed("Cluster") {
		id := c.child("ClusterId")
		if id == nil {
			return nil, &Error{Kind: ErrMalformed, Detail: "cluster " + c.attr("Fqdn") + " has no ClusterId"}
		}
		p := &pool{key: clusterKey{id.attr("SiteId"), id.attr("Number")}}
		p.Fqdn = c.attr("Fqdn")
		p.SiteID, p.Number = p.key.site, p.key.number
		p.Site = siteNames[p.SiteID]
		if p.Site == "" {
			p.Site = p.SiteID
		}
		for _, m := range c.childrenNamed("Machine") {
			p.Machines = append(p.Machines, m.attr("Fqdn"))
		}
		if len(p.Machines) == 1 && strings.EqualFold(p.Machines[0], p.Fqdn) {
			p.Edition = Standard
		}
		d.pools = append(d.pools, p)
	}
	for _, s := range root.child("Services").childrenNamed("Service") {
		id := s.child("ServiceId")
		if id == nil {
			continue
		}
		sv := &service{node: s, id: serviceID{id.attr("SiteId"), id.attr("RoleName"), id.attr("Instance")}}
		sv.version, _ = strconv.Atoi(s.attr("ServiceVersion"))
		if c := s.child("InstalledOn").child("ClusterId"); c != nil {
			sv.cluster, sv.onCluster = clusterKey{c.attr("SiteId"), c.attr("Number")}, true
		}
		d.services = append(d.services, sv)
	}
	for _, p := range d.pools {
		userServices := false
		for _, s := range d.services {
			if !s.onCluster || s.cluster != p.key {
				continue
			}
			switch s.id.role {
			case "Registrar":
				p.registrar = s
				p.Version = s.version
			case "UserServices":
				userServices = true
			}
		}
		p.FrontEnd = p.registrar != nil && userServices
	}
	if cms := d.cmsPool(); cms != nil {
		cms.CentralManagement = true
	}
	return d, nil
}

// cmsPool is the pool the active CentralMgmt service is installed on.
func (d *Document) cmsPool() *pool {
	var candidates []*service
	for _, s := range d.services {
		if s.id.role == "CentralMgmt" && s.onCluster {
			candidates = append(candidates, s)
		}
	}
	for _, s := range candidates {
		if el := s.node.child("CentralMgmtService"); len(candidates) == 1 || (el != nil && strings.EqualFold(el.attr("IsActive"), "true")) {
			return d.poolByKey(s.cluster)
		}
	}
	return nil
}

func (d *Document) poolByKey(k clusterKey) *pool {
	for _, p := range d.pools {
		if p.key == k {
			return p
		}
	}
	return nil
}

func (d *Document) find(fqdn string) *pool {
	for _, p := range d.pools {
		if strings.EqualFold(p.Fqdn, fqdn) {
			return p
		}
	}
	return nil
}

func (d *Document) serviceByID(id serviceID) *service {
	for _, s := range d.services {
		if s.id.site == id.site && strings.EqualFold(s.id.role, id.role) && s.id.instance == id.instance {
			return s
		}
	}
	return nil
}

// XML returns the document text the Document was parsed from.
func (d *Document) XML() string { return d.raw }

// Pools returns every cluster of the document, in document order.
func (d *Document) Pools() []Pool {
	out := make([]Pool, len(d.pools))
	for i, p := range d.pools {
		out[i] = p.Pool
		out[i].Machines = slices.Clone(p.Machines)
	}
	return out
}

// Pool finds a cluster by FQDN, case-insensitively.
func (d *Document) Pool(fqdn string) (Pool, bool) {
	p := d.find(fqdn)
	if p == nil {
		return Pool{}, false
	}
	out := p.Pool
	out.Machines = slices.Clone(p.Machines)
	return out, true
}

// FrontEndPools lists the FQDNs of the Front End pools, in document order.
func (d *Document) FrontEndPools() []string {
	var out []string
	for _, p := range d.pools {
		if p.FrontEnd {
			out = append(out, p.Fqdn)
		}
	}
	return out
}

// CMSPool is the FQDN of the pool hosting the active Central Management
// service, or "".
func (d *Document) CMSPool() string {
	if p := d.cmsPool(); p != nil {
		return p.Fqdn
	}
	return ""
}
