package farm

import (
	"strings"
	"sync"

	"github.com/lyncdr/terraform-provider-lync/internal/labfarm/ps"
)

// Session is the command surface of one powershell.exe process on one farm
// host: the Lync module's cmdlets and Bootstrapper.exe, as ps.Commands. It
// carries what lives as long as the process: whether the Lync module has been
// imported (its latency is paid once per process, at Import-Module Lync or at
// the first Lync cmdlet, as PowerShell 3.0 module auto-loading does), and
// which server each NTService object came from (for -InputObject).
//
// What exists depends on the host's product version: the Backup Service
// cmdlets and the Lync Server 2013 Bootstrapper path are absent on a Lync
// Server 2010 server (pool pairing is new in Lync 2013, lync-dr.md §7.4).
type Session struct {
	f    *Farm
	host string

	mu       sync.Mutex
	imported bool
	origin   map[*ps.Object]string // NTService -> server FQDN

	cmdlets map[string]*ps.Cmdlet
	natives map[string]*ps.Native
}

// Session returns a new session for one process on host (a Front End server
// of the farm, lower-case FQDN).
func (f *Farm) Session(host string) *Session {
	host = strings.ToLower(host)
	s := &Session{f: f, host: host, origin: map[*ps.Object]string{}, cmdlets: map[string]*ps.Cmdlet{}, natives: map[string]*ps.Native{}}
	f.mu.Lock()
	pool := f.hostPoolLocked(host)
	f.mu.Unlock()
	is2013 := pool != nil && pool.SupportsBackupService()
	add := func(cs ...*ps.Cmdlet) {
		for _, c := range cs {
			c.FullName = cmdletClasses[strings.ToLower(c.Name)]
			s.cmdlets[strings.ToLower(c.Name)] = c
		}
	}
	add(s.importModule(), s.addType())
	add(s.lync(s.getTopology()), s.lync(s.publishTopology()), s.lync(s.enableTopology()), s.lync(s.getPool()), s.lync(s.getService()))
	add(s.lync(s.getSimpleURLConfiguration()), s.lync(s.setSimpleURLConfiguration()))
	add(s.lync(s.getWindowsService()), s.lync(s.startWindowsService()), s.lync(s.stopWindowsService()))
	if is2013 {
		add(s.lync(s.getPoolBackupRelationship()), s.lync(s.getBackupServiceStatus()), s.lync(s.invokeBackupServiceSync()), s.lync(s.getBackupServiceConfiguration()))
		b := s.bootstrapper()
		s.natives[strings.ToLower(b.Path)] = b
	}
	return s
}

// Cmdlet implements ps.Commands.
func (s *Session) Cmdlet(name string) *ps.Cmdlet { return s.cmdlets[strings.ToLower(name)] }

// Native implements ps.Commands.
func (s *Session) Native(path string) *ps.Native { return s.natives[strings.ToLower(path)] }

// Host returns the session's host.
func (s *Session) Host() string { return s.host }

// lync wraps a Lync module cmdlet so that its first use in the process pays
// the module import latency (auto-loading).
func (s *Session) lync(c *ps.Cmdlet) *ps.Cmdlet {
	inner := c.Invoke
	c.Invoke = func(call *ps.Call) error {
		if err := s.ensureModule(call); err != nil {
			return err
		}
		return inner(call)
	}
	return c
}

func (s *Session) ensureModule(call *ps.Call) error {
	s.mu.Lock()
	first := !s.imported
	s.imported = true
	s.mu.Unlock()
	if first {
		return call.Sleep(s.f.lat.ModuleImport)
	}
	return nil
}

func (s *Session) remember(o *ps.Object, server string) {
	s.mu.Lock()
	s.origin[o] = server
	s.mu.Unlock()
}

func (s *Session) originOf(o *ps.Object) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, ok := s.origin[o]
	return h, ok
}

// cmdletError builds a terminating error whose FullyQualifiedErrorId names the
// cmdlet class, as compiled cmdlets do. The class names are [U].
func cmdletError(category, id, class, target, message string) *ps.ErrorRecord {
	return ps.NewError(category, id+","+class, target, message)
}

// Cmdlet implementation classes, for FullyQualifiedErrorId: the cmdlets' own
// errors (cmdletError) and the interpreter's binding errors
// ("NamedParameterNotFound,<class>", ps.Cmdlet.FullName) name the same class.
// The Lync ones are [U], modelled on the Microsoft.Rtc.Management namespaces
// the reference shows; Import-Module's and Add-Type's are PowerShell's own.
const (
	classImportModule      = "Microsoft.PowerShell.Commands.ImportModuleCommand"
	classAddType           = "Microsoft.PowerShell.Commands.AddTypeCommand"
	classGetTopology       = "Microsoft.Rtc.Management.Deploy.Cmdlets.GetTopologyCmdlet"
	classPublishTopology   = "Microsoft.Rtc.Management.Deploy.Cmdlets.PublishTopologyCmdlet"
	classEnableTopology    = "Microsoft.Rtc.Management.Deploy.Cmdlets.EnableTopologyCmdlet"
	classGetPool           = "Microsoft.Rtc.Management.Xds.GetPoolCmdlet"
	classGetService        = "Microsoft.Rtc.Management.Xds.GetServiceCmdlet"
	classGetRelationship   = "Microsoft.Rtc.Management.Hadr.GetPoolBackupRelationshipCmdlet"
	classGetBackupStatus   = "Microsoft.Rtc.Management.Hadr.GetBackupServiceStatusCmdlet"
	classInvokeBackupSync  = "Microsoft.Rtc.Management.Hadr.InvokeBackupServiceSyncCmdlet"
	classGetBackupConfig   = "Microsoft.Rtc.Management.Internal.GetBackupServiceConfigurationCmdlet"
	classGetWindowsService = "Microsoft.Rtc.Management.Deployment.Cmdlets.GetCsWindowsServiceCmdlet"
	classStartService      = "Microsoft.Rtc.Management.Deployment.Cmdlets.StartCsWindowsServiceCmdlet"
	classStopService       = "Microsoft.Rtc.Management.Deployment.Cmdlets.StopCsWindowsServiceCmdlet"
	classGetSimpleURL      = "Microsoft.Rtc.Management.WritableConfig.Settings.SimpleUrl.GetSimpleUrlConfigurationCmdlet"
	classSetSimpleURL      = "Microsoft.Rtc.Management.WritableConfig.Settings.SimpleUrl.SetSimpleUrlConfigurationCmdlet"
)

// cmdletClasses maps every command of a session (lower-case name) to its
// class; Session sets ps.Cmdlet.FullName from it.
var cmdletClasses = map[string]string{
	"import-module":                    classImportModule,
	"add-type":                         classAddType,
	"get-cstopology":                   classGetTopology,
	"publish-cstopology":               classPublishTopology,
	"enable-cstopology":                classEnableTopology,
	"get-cspool":                       classGetPool,
	"get-csservice":                    classGetService,
	"get-cspoolbackuprelationship":     classGetRelationship,
	"get-csbackupservicestatus":        classGetBackupStatus,
	"invoke-csbackupservicesync":       classInvokeBackupSync,
	"get-csbackupserviceconfiguration": classGetBackupConfig,
	"get-cswindowsservice":             classGetWindowsService,
	"start-cswindowsservice":           classStartService,
	"stop-cswindowsservice":            classStopService,
	"get-cssimpleurlconfiguration":     classGetSimpleURL,
	"set-cssimpleurlconfiguration":     classSetSimpleURL,
}

// named is a named-only parameter.
func named(name string, t ps.ParamType) ps.Param { return ps.Param{Name: name, Type: t, Position: -1} }

// switches returns named switch parameters.
func switches(names ...string) []ps.Param {
	out := make([]ps.Param, 0, len(names))
	for _, n := range names {
		out = append(out, named(n, ps.TypeSwitch))
	}
	return out
}
