package farm

import (
	"fmt"
	"strconv"
	"strings"
)

// BuildDocument generates the published topology document of a definition,
// in the real published format (lync-dr.md §1.2 [C]): InternalDomains,
// Sites/CentralSite, Clusters (one per Front End pool, one per Enterprise
// Back End SQL server), SqlInstances, and per Front End pool the services
// UserServices, Registrar (with its RegistrarService element), WebServices,
// ConfServices, UserStore and FileStore, plus CentralMgmt and
// CentralMgmtStore on the CMS pool. ServiceVersion is 6 for Lync 2013 and 5
// for Lync 2010 ([I] §1.2). The pairs of the definition are written with the
// modelled encoding (pairing_encoding.go). The Signature is left for the
// caller to set.
//
// Simplifications (not read by anything): an Enterprise pool's file store is
// on its Back End server's cluster, a Standard Edition pool's on itself; Ports
// are listed for the Registrar only.
func BuildDocument(d *Definition) (*Element, error) {
	root := NewElement(NSTopology, "Topology", "Signature", "00000000-0000-0000-0000-000000000000")
	root.Add(NewElement(NSTopology, "InternalDomains", "AllowAllDomains", "false", "DefaultDomain", d.Domain).
		Add(NewElement(NSTopology, "InternalDomain", "Name", d.Domain, "Authoritative", "false", "AllowSubDomains", "false")))
	sites := NewElement(NSTopology, "Sites")
	for _, s := range d.Sites {
		site := NewElement(NSTopology, "CentralSite", "SiteId", strconv.Itoa(s.ID))
		name := NewElement(NSTopology, "Name")
		name.Text = s.Name
		site.Add(name)
		var loc []string
		for _, kv := range [][2]string{{"City", s.City}, {"State", s.State}, {"CountryCode", s.CountryCode}} {
			if kv[1] != "" {
				loc = append(loc, kv[0], kv[1])
			}
		}
		site.Add(NewElement(NSTopology, "Location", loc...))
		sites.Add(site)
	}
	root.Add(sites)
	clusters := NewElement(NSTopology, "Clusters")
	sqlInstances := NewElement(NSTopology, "SqlInstances")
	services := NewElement(NSTopology, "Services")
	root.Add(clusters, sqlInstances, services)

	nextCluster := map[int]int{}
	nextInstance := map[string]int{} // "site/role"
	newService := func(site int, role, typ string, version int) (*Element, ServiceKey) {
		k := fmt.Sprintf("%d/%s", site, role)
		nextInstance[k]++
		key := ServiceKey{SiteID: site, Role: role, Instance: nextInstance[k]}
		el := NewElement(NSTopology, "Service", "RoleVersion", "1", "ServiceVersion", strconv.Itoa(version))
		if typ != "" {
			el.SetAttr("Type", "Microsoft.Rtc.Management.Deploy.Internal.ServiceRoles."+typ)
		}
		el.Add(serviceIDElement(key))
		services.Add(el)
		return el, key
	}
	dependsOn := func(keys ...ServiceKey) *Element {
		deps := NewElement(NSTopology, "DependsOn")
		for _, k := range keys {
			deps.Add(NewElement(NSTopology, "Dependency", "Usage", "Default").Add(serviceIDElement(k)))
		}
		return deps
	}
	onCluster := func(k ClusterKey) *Element {
		return NewElement(NSTopology, "InstalledOn").Add(clusterIDElement(k))
	}
	onSQL := func(instance string, k ClusterKey) *Element {
		return NewElement(NSTopology, "InstalledOn").Add(NewElement(NSTopology, "SqlInstanceId", "Name", instance).Add(clusterIDElement(k)))
	}
	ports := func() *Element { return NewElement(NSServiceRoles, "Ports") }

	for _, p := range d.Pools {
		site := d.site(p.Site).ID
		version := 6
		if p.Version == Version2010 {
			version = 5
		}
		nextCluster[site]++
		fe := ClusterKey{SiteID: site, Number: nextCluster[site]}
		cl := NewElement(NSTopology, "Cluster", "RequiresReplication", "true", "RequiresSetup", "true", "Fqdn", p.Fqdn).Add(clusterIDElement(fe))
		for i, m := range p.Servers {
			fault, upgrade := m, m
			if p.Edition == EditionEnterprise {
				fault, upgrade = fmt.Sprintf("FaultDomain%d", i+1), fmt.Sprintf("UpgradeDomain%d", i+1)
			}
			cl.Add(NewElement(NSTopology, "Machine", "OrdinalInCluster", strconv.Itoa(i+1), "Fqdn", m, "FaultDomain", fault, "UpgradeDomain", upgrade).
				Add(NewElement(NSTopology, "NetInterface", "InterfaceSide", "Primary", "InterfaceNumber", "1", "IPAddress", "0.0.0.0")))
		}
		clusters.Add(cl)
		// The back end: a separate SQL cluster for Enterprise Edition, the
		// local SQL Express "rtc" instance for Standard Edition.
		be, instance := fe, "rtc"
		if p.Edition == EditionEnterprise {
			nextCluster[site]++
			be, instance = ClusterKey{SiteID: site, Number: nextCluster[site]}, ""
			clusters.Add(NewElement(NSTopology, "Cluster", "RequiresReplication", "false", "RequiresSetup", "false", "Fqdn", p.BackEnd).
				Add(clusterIDElement(be)).
				Add(NewElement(NSTopology, "Machine", "OrdinalInCluster", "1", "Fqdn", p.BackEnd, "FaultDomain", p.BackEnd, "UpgradeDomain", p.BackEnd).
					Add(NewElement(NSTopology, "NetInterface", "InterfaceSide", "Primary", "InterfaceNumber", "1", "IPAddress", "0.0.0.0"))))
		}
		sqlInstances.Add(NewElement(NSTopology, "SqlInstance").Add(NewElement(NSTopology, "SqlInstanceId", "Name", instance).Add(clusterIDElement(be))))

		userStore, usKey := newService(site, "UserStore", "", version)
		userStore.Add(NewElement(NSTopology, "DependsOn"), onSQL(instance, be), ports())
		fileStore, fsKey := newService(site, "FileStore", "FileStoreService", version)
		fileStore.Add(NewElement(NSTopology, "DependsOn"), onCluster(be), ports(),
			NewElement(NSServiceRoles, "FileStoreService", "ShareName", strings.SplitN(p.Fqdn, ".", 2)[0]+"share"))
		userServices, uKey := newService(site, "UserServices", "", version)
		registrar, _ := newService(site, "Registrar", "RegistrarService", version)
		web, wKey := newService(site, "WebServices", "WebService", version)
		conf, cKey := newService(site, "ConfServices", "ConfService", version)
		userServices.Add(dependsOn(usKey, fsKey, cKey), onCluster(fe), ports())
		registrar.Add(dependsOn(uKey, wKey), onCluster(fe),
			NewElement(NSServiceRoles, "Ports").Add(
				NewElement(NSServiceRoles, "Port", "Owner", "urn:component:Registrar", "Usage", "SipServer", "InterfaceSide", "Primary", "InterfaceNumber", "1", "Port", "5061", "Protocol", "Mtls", "UrlPath", "/", "AuthorizesRequests", "true", "GruuType", "HomeServer"),
				NewElement(NSServiceRoles, "Port", "Owner", "urn:component:Registrar", "Usage", "WebServer", "InterfaceSide", "Primary", "InterfaceNumber", "1", "Port", "444", "Protocol", "Mtls", "UrlPath", "/LiveServer/Focus/", "AuthorizesRequests", "false")),
			NewElement(NSServiceRoles, "RegistrarService", "IsDirector", "false"))
		web.Add(dependsOn(fsKey, uKey), onCluster(fe), ports(),
			NewElement(NSServiceRoles, "WebService").Add(NewElement(NSServiceRoles, "ExternalSettings", "Host", strings.SplitN(p.Fqdn, ".", 2)[0]+"-ext."+d.Domain)))
		conf.Add(dependsOn(fsKey, wKey), onCluster(fe), ports())
		if p.Fqdn == d.CMSPool {
			store, stKey := newService(site, "CentralMgmtStore", "", version)
			store.Add(NewElement(NSTopology, "DependsOn"), onSQL(instance, be), ports())
			cms, _ := newService(site, "CentralMgmt", "CentralMgmtService", version)
			cms.Add(dependsOn(stKey, fsKey), onCluster(fe), ports(), NewElement(NSServiceRoles, "CentralMgmtService", "IsActive", "true"))
		}
	}
	for i, pr := range d.Pairs {
		fo := Failover{Automatic: *pr.AutomaticFailover, FailureDetection: pr.FailureDetectionInterval, FailbackDetection: pr.FailbackDetectionInterval}
		if err := SetPairing(root, pr.Pool, pr.BackupPool, fo); err != nil {
			return nil, fmt.Errorf("pairs[%d]: %v", i, err)
		}
	}
	return root, nil
}

func clusterIDElement(k ClusterKey) *Element {
	return NewElement(NSTopology, "ClusterId", "SiteId", strconv.Itoa(k.SiteID), "Number", strconv.Itoa(k.Number))
}
