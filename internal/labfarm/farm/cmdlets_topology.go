package farm

import (
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/lyncdr/terraform-provider-lync/internal/labfarm/ps"
)

// getTopology is Get-CsTopology [-AsXml] [-LocalStore] (lync-dr.md §1.5 [C]).
// -AsXml emits the published document as an XElement (hence the
// documented `(Get-CsTopology -AsXml).ToString()`); without it a
// DefaultTopology summary. -LocalStore reads the local replica, which holds
// the same published document in the farm.
func (s *Session) getTopology() *ps.Cmdlet {
	return &ps.Cmdlet{
		Name:   "Get-CsTopology",
		Params: switches("AsXml", "LocalStore"),
		Invoke: func(c *ps.Call) error {
			if err := c.Sleep(s.f.lat.TopologyRead); err != nil {
				return err
			}
			s.f.mu.Lock()
			doc := s.f.published
			s.f.mu.Unlock()
			if c.Bool("AsXml") {
				c.Emit(ps.XElement{XML: doc.text})
				return nil
			}
			t := doc.topo
			var sites, clusters, machines, services []ps.Value
			for _, st := range t.Sites {
				sites = append(sites, "Site:"+st.Name)
			}
			for _, cl := range t.Clusters {
				clusters = append(clusters, cl.Key.String())
				for _, m := range cl.Machines {
					machines = append(machines, m)
				}
			}
			for _, sv := range t.services {
				services = append(services, sv.Key.String())
			}
			c.Emit(ps.NewObject("Microsoft.Rtc.Management.Deploy.Internal.DefaultTopology").
				Set("Sites", sites).Set("Clusters", clusters).Set("Machines", machines).Set("Services", services))
			return nil
		},
	}
}

// publishTopology is Publish-CsTopology (lync-dr.md §1.5 [C]): -FileName or
// -Document, plus -Force, -Report, -WhatIf, -Confirm, -BackupFileName,
// -GlobalCatalog, -GlobalSettingsDomainController.
//
// -Document takes what a script can produce: an XElement
// ([System.Xml.Linq.XElement]::Parse(...), Get-CsTopology -AsXml), the XML
// text, or an [xml] document the interpreter hands over in text form. The
// document is validated (shape and the pairing rules, rules.go) and stored
// as the published document with a new Signature; any failure leaves the
// farm unchanged. A successful publish empties the simple URL collections
// (the documented need to reconfigure them, §1.1 [C]; the exact effect is
// MODELLED, see simpleurl.go). The farm has no file system, so -FileName
// fails like a missing file does.
func (s *Session) publishTopology() *ps.Cmdlet {
	params := []ps.Param{
		{Name: "FileName", Type: ps.TypeString, Position: 0},
		named("Document", ps.TypeObject),
		named("BackupFileName", ps.TypeString),
		named("GlobalCatalog", ps.TypeString),
		named("GlobalSettingsDomainController", ps.TypeString),
		named("Report", ps.TypeString),
	}
	params = append(params, switches("Force", "WhatIf", "Confirm")...)
	return &ps.Cmdlet{
		Name:   "Publish-CsTopology",
		Params: params,
		Invoke: func(c *ps.Call) error {
			switch {
			case c.Has("FileName") && c.Has("Document"):
				return cmdletError("InvalidArgument", "AmbiguousParameterSet", classPublishTopology, "",
					"Parameter set cannot be resolved using the specified named parameters.")
			case c.Has("FileName"):
				name := c.String("FileName")
				return cmdletError("ObjectNotFound", "PathNotFound", classPublishTopology, name,
					fmt.Sprintf("Cannot find path '%s' because it does not exist.", name))
			case !c.Has("Document"):
				return cmdletError("InvalidArgument", "MissingMandatoryParameter", classPublishTopology, "",
					"Cannot process command because of one or more missing mandatory parameters: FileName.")
			}
			text, err := documentText(c.Bound["Document"])
			if err != nil {
				return err
			}
			root, err := ParseXML(text)
			if err != nil {
				return cmdletError("InvalidData", "InvalidTopologyDocument", classPublishTopology, "Document",
					"Cannot publish the topology: "+err.Error())
			}
			if err := c.Sleep(s.f.lat.TopologyPublish); err != nil {
				return err
			}
			if c.Bool("WhatIf") {
				if _, err := ParseTopology(root); err != nil {
					return publishError(err)
				}
				c.WriteHost(`What if: Performing operation "Publish-CsTopology" on Target "Topology".`)
				return nil
			}
			s.f.mu.Lock()
			_, err = s.f.publishLocked(root)
			if err == nil {
				// "After publishing the topology in this manner, you will
				// then need to reconfigure your simple URLs" (§1.1 [C]);
				// how they are lost is MODELLED (simpleurl.go).
				s.f.clearSimpleURLsLocked()
			}
			s.f.mu.Unlock()
			if err != nil {
				return publishError(err)
			}
			return nil
		},
	}
}

func publishError(err error) *ps.ErrorRecord {
	if _, ok := err.(*RuleError); ok {
		return cmdletError("InvalidOperation", "TopologyValidationFailed", classPublishTopology, "Topology", err.Error())
	}
	return cmdletError("InvalidData", "InvalidTopologyDocument", classPublishTopology, "Document", "Cannot publish the topology: "+err.Error())
}

// documentText converts a -Document argument to XML text.
func documentText(v ps.Value) (string, error) {
	switch d := v.(type) {
	case ps.XElement:
		return d.XML, nil
	case *ps.XElement:
		if d != nil {
			return d.XML, nil
		}
	case string:
		return d, nil
	case []byte:
		return string(d), nil
	case fmt.Stringer:
		return d.String(), nil
	}
	return "", cmdletError("InvalidArgument", "ParameterArgumentTransformationError", classPublishTopology, "Document",
		fmt.Sprintf("Cannot bind parameter 'Document'. Cannot convert the \"%v\" value of type \"%T\" to type \"System.Xml.Linq.XElement\".", v, v))
}

// enableTopology is Enable-CsTopology (lync-dr.md §1.5 [C]): the published
// document becomes the enabled one.
func (s *Session) enableTopology() *ps.Cmdlet {
	params := []ps.Param{
		named("GlobalCatalog", ps.TypeString),
		named("GlobalSettingsDomainController", ps.TypeString),
		named("SkipPrepareCheck", ps.TypeBool),
		named("Report", ps.TypeString),
	}
	params = append(params, switches("Force", "WhatIf", "Confirm")...)
	return &ps.Cmdlet{
		Name:   "Enable-CsTopology",
		Params: params,
		Invoke: func(c *ps.Call) error {
			if err := c.Sleep(s.f.lat.TopologyEnable); err != nil {
				return err
			}
			if c.Bool("WhatIf") {
				c.WriteHost(`What if: Performing operation "Enable-CsTopology" on Target "Topology".`)
				return nil
			}
			s.f.Enable()
			return nil
		},
	}
}

// cmdletRole maps XML role names to the role names of cmdlet identities
// (lync-dr.md §1.3: [C] for the first four, the others [I]).
var cmdletRole = map[string]string{
	"UserServices":     "UserServer",
	"Registrar":        "Registrar",
	"WebServices":      "WebServer",
	"ConfServices":     "ConferencingServer",
	"UserStore":        "UserDatabase",
	"FileStore":        "FileStore",
	"CentralMgmt":      "CentralManagement",
	"CentralMgmtStore": "CentralManagementDatabase",
}

func roleName(xmlRole string) string {
	if r, ok := cmdletRole[xmlRole]; ok {
		return r
	}
	return xmlRole
}

// getPool is Get-CsPool [[-Identity] <String>] [-Filter <String>]
// [-LocalStore]: every cluster of the published document, with Identity,
// Fqdn, Site, Services and Computers (DESIGN.md §2). An unknown identity fails
// (message [U]).
func (s *Session) getPool() *ps.Cmdlet {
	return &ps.Cmdlet{
		Name: "Get-CsPool",
		Params: []ps.Param{
			{Name: "Identity", Type: ps.TypeString, Position: 0},
			named("Filter", ps.TypeString),
			named("LocalStore", ps.TypeSwitch),
		},
		Invoke: func(c *ps.Call) error {
			if err := c.Sleep(s.f.lat.TopologyRead); err != nil {
				return err
			}
			t := s.f.Published()
			id := strings.ToLower(c.String("Identity"))
			filter := strings.ToLower(c.String("Filter"))
			found := false
			for _, cl := range t.Clusters {
				if id != "" && cl.Fqdn != id {
					continue
				}
				if filter != "" {
					if ok, _ := path.Match(filter, cl.Fqdn); !ok {
						continue
					}
				}
				found = true
				var services, computers []ps.Value
				for _, sv := range t.services {
					if sv.Installed == cl.Key {
						services = append(services, roleName(sv.Key.Role)+":"+cl.Fqdn)
					}
				}
				for _, m := range cl.Machines {
					computers = append(computers, m)
				}
				c.Emit(ps.NewObject("Microsoft.Rtc.Management.Xds.DisplayPool").
					Set("Identity", cl.Fqdn).Set("Services", services).Set("Computers", computers).
					Set("Fqdn", cl.Fqdn).Set("Site", "Site:"+t.SiteName(cl.Key.SiteID)))
			}
			if id != "" && !found {
				return cmdletError("ObjectNotFound", "PoolNotFound", classGetPool, id,
					fmt.Sprintf("Pool \"%s\" was not found in the topology.", id))
			}
			return nil
		},
	}
}

// getService is Get-CsService with the role switches the DR work needs
// (-Registrar, -UserServer, -WebServer, -ConferencingServer,
// -CentralManagement, -BackupServer) and -PoolFqdn. Objects carry Identity
// (<Role>:<pool>), ServiceId, SiteId, PoolFqdn, Version and Role (§1.3 [C]).
// Registrar objects add BackupRegistrar and the voice failover settings, and
// -BackupServer lists the Backup Service of each paired Lync 2013 pool: both
// are MODELLED ([U] §1.6) from the published document.
func (s *Session) getService() *ps.Cmdlet {
	roles := map[string]string{ // switch -> XML role
		"Registrar": "Registrar", "UserServer": "UserServices", "WebServer": "WebServices",
		"ConferencingServer": "ConfServices", "CentralManagement": "CentralMgmt",
	}
	params := []ps.Param{{Name: "Identity", Type: ps.TypeString, Position: 0}, named("PoolFqdn", ps.TypeString)}
	params = append(params, switches("Registrar", "UserServer", "WebServer", "ConferencingServer", "CentralManagement", "BackupServer", "LocalStore")...)
	return &ps.Cmdlet{
		Name:   "Get-CsService",
		Params: params,
		Invoke: func(c *ps.Call) error {
			if err := c.Sleep(s.f.lat.TopologyRead); err != nil {
				return err
			}
			t := s.f.Published()
			want := map[string]bool{}
			for sw, role := range roles {
				if c.Bool(sw) {
					want[role] = true
				}
			}
			backup := c.Bool("BackupServer")
			all := len(want) == 0 && !backup
			pool := strings.ToLower(c.String("PoolFqdn"))
			id := strings.ToLower(c.String("Identity"))
			for _, sv := range t.services {
				cl := t.cluster(sv.Installed)
				if cl == nil || (!all && !want[sv.Key.Role]) || (pool != "" && cl.Fqdn != pool) {
					continue
				}
				o := serviceObject(t, roleName(sv.Key.Role), sv.Key.String(), cl, sv.Version)
				if v, _ := o.Get("Identity"); id != "" && !strings.EqualFold(fmt.Sprint(v), id) {
					continue
				}
				if sv.Key.Role == "Registrar" {
					if p := t.poolOfService(sv); p != nil {
						partner, fo := t.Partner(p.Fqdn), t.FailoverOf(p.Fqdn)
						o.Set("BackupRegistrar", nil)
						if partner != "" {
							o.Set("BackupRegistrar", "Registrar:"+partner)
						}
						o.Set("EnableAutomaticFailover", fo.Automatic).
							Set("FailureDetectionInterval", timeSpan(fo.FailureDetection)).
							Set("FailbackDetectionInterval", timeSpan(fo.FailbackDetection))
					}
				}
				c.Emit(o)
			}
			if backup || all {
				for _, p := range t.Pools {
					if !p.SupportsBackupService() || t.Partner(p.Fqdn) == "" || (pool != "" && p.Fqdn != pool) {
						continue
					}
					o := serviceObject(t, "BackupServer", fmt.Sprintf("%d-BackupServer-%d", p.Key.SiteID, p.Key.Number), t.cluster(p.Key), p.ServiceVersion)
					o.Set("BackupPoolFqdn", t.Partner(p.Fqdn))
					if id == "" || strings.EqualFold(id, "BackupServer:"+p.Fqdn) {
						c.Emit(o)
					}
				}
			}
			return nil
		},
	}
}

func serviceObject(t *Topology, role, serviceID string, cl *Cluster, version int) *ps.Object {
	return ps.NewObject("Microsoft.Rtc.Management.Xds.DisplayService").
		Set("Identity", role+":"+cl.Fqdn).Set("ServiceId", serviceID).
		Set("SiteId", "Site:"+t.SiteName(cl.Key.SiteID)).Set("PoolFqdn", cl.Fqdn).
		Set("Version", version).Set("Role", role)
}

// timeSpan formats seconds as a .NET TimeSpan ("00:02:00"); 0 is $null.
func timeSpan(seconds int) ps.Value {
	if seconds == 0 {
		return nil
	}
	return formatTimeSpan(time.Duration(seconds) * time.Second)
}

func formatTimeSpan(d time.Duration) string {
	h := int(d / time.Hour)
	m := int(d % time.Hour / time.Minute)
	sec := int(d % time.Minute / time.Second)
	if h >= 24 {
		return fmt.Sprintf("%d.%02d:%02d:%02d", h/24, h%24, m, sec)
	}
	return fmt.Sprintf("%02d:%02d:%02d", h, m, sec)
}
