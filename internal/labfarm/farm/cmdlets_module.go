package farm

import (
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
