package farm

import (
	"fmt"
	"strings"

	"github.com/lyncdr/terraform-provider-lync/internal/labfarm/ps"
)

// importModule is Import-Module as far as the farm needs it: the Lync module
// (by name or by its manifest path) loads, paying the import latency once per
// process; any other module fails like PowerShell 3.0 does for a module that
// is not installed, which is what a Skype for Business Server module name
// gets on a Lync Server 2013 server.
func (s *Session) importModule() *ps.Cmdlet {
	params := []ps.Param{{Name: "Name", Type: ps.TypeStringArray, Position: 0, Mandatory: true}}
	params = append(params, switches("Force", "Global", "PassThru", "DisableNameChecking")...)
	return &ps.Cmdlet{
		Name:   "Import-Module",
		Params: params,
		Invoke: func(c *ps.Call) error {
			names, _ := c.Bound["Name"].([]string)
			for _, n := range names {
				if !isLyncModule(n) {
					c.WriteError(&ps.ErrorRecord{
						Message:               "The specified module '" + n + "' was not loaded because no valid module file was found in any module directory.",
						ExceptionType:         "System.IO.FileNotFoundException",
						FullyQualifiedErrorID: "Modules_ModuleNotFound," + classImportModule,
						Category:              "ResourceUnavailable",
						TargetName:            n,
					})
					continue
				}
				if err := s.ensureModule(c); err != nil {
					return err
				}
				if c.Bool("PassThru") {
					c.Emit(ps.NewObject("System.Management.Automation.PSModuleInfo").
						Set("Name", "Lync").Set("ModuleType", "Manifest").Set("Version", "5.0.0.0"))
				}
			}
			return nil
		},
	}
}

// isLyncModule accepts "Lync" and a path to the module's folder or manifest
// (C:\Program Files\Common Files\Microsoft Lync Server 2013\Modules\Lync\Lync.psd1).
func isLyncModule(name string) bool {
	n := strings.ToLower(strings.TrimSpace(name))
	n = strings.TrimSuffix(n, ".psd1")
	n = strings.TrimRight(n, `\/`)
	if i := strings.LastIndexAny(n, `\/`); i >= 0 {
		n = n[i+1:]
	}
	return n == "lync"
}

// addType is Add-Type -AssemblyName <String[]>, the one parameter set a
// script needs to load a .NET Framework assembly before it uses its types
// (Add-Type -AssemblyName System.Xml.Linq before [System.Xml.Linq.XElement]).
// The interpreter has no Add-Type of its own and no assemblies to load: the
// types it knows are always there, so loading a framework assembly succeeds
// and changes nothing. A name that is not a .NET Framework assembly fails
// like Windows PowerShell's Add-Type does for an assembly it cannot find.
// The compiling parameter sets (-TypeDefinition, -MemberDefinition, -Path)
// are not modelled, so the interpreter rejects those parameters.
func (s *Session) addType() *ps.Cmdlet {
	return &ps.Cmdlet{
		Name:   "Add-Type",
		Params: []ps.Param{{Name: "AssemblyName", Type: ps.TypeStringArray, Position: -1, Mandatory: true, Aliases: []string{"AN"}}},
		Invoke: func(c *ps.Call) error {
			names, _ := c.Bound["AssemblyName"].([]string)
			for _, n := range names {
				// A full name ("System.Xml.Linq, Version=3.5.0.0, ...") names
				// the same assembly.
				simple := strings.TrimSpace(strings.SplitN(n, ",", 2)[0])
				if !frameworkAssemblies[strings.ToLower(simple)] {
					return cmdletError("ObjectNotFound", "ASSEMBLY_NOT_FOUND", classAddType, n,
						fmt.Sprintf("Cannot add type. The assembly '%s' could not be found.", n))
				}
			}
			return nil
		},
	}
}

// frameworkAssemblies are .NET Framework assemblies that Add-Type
// -AssemblyName resolves by their simple name.
var frameworkAssemblies = map[string]bool{
	"mscorlib": true, "system": true, "system.core": true, "system.data": true, "system.xml": true,
	"system.xml.linq": true, "system.web": true, "system.web.extensions": true, "system.drawing": true,
	"system.windows.forms": true, "system.directoryservices": true, "system.management": true,
	"system.management.automation": true, "system.servicemodel": true, "system.runtime.serialization": true,
	"microsoft.csharp": true, "system.security": true, "system.configuration": true, "system.net": true,
}
