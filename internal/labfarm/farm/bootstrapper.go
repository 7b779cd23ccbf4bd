package farm

import (
	"fmt"
	"io"
	"strings"

	"github.com/lyncdr/terraform-provider-lync/internal/labfarm/ps"
)

// BootstrapperPath is where Lync Server 2013 keeps Bootstrapper.exe: the
// seed's "<system drive>\Program Files\Microsoft Lync Server 2013\Deployment\Bootstrapper.exe"
// on the C: system drive (lync-dr.md §5 [C]).
const BootstrapperPath = `C:\Program Files\Microsoft Lync Server 2013\Deployment\Bootstrapper.exe`

// bootstrapper is Bootstrapper.exe on a Lync Server 2013 Front End.
//
// Run with no switch (or /Setup, /SourceDirectory:<path>) it installs what
// the ENABLED topology asks of the server: on a server whose pool is paired
// there, the Backup Service ("Microsoft Lync Server 2013, Backup Service"
// MSI), which leaves LYNCBACKUP installed and Stopped (lync-dr.md §10.3 [I]).
// It is idempotent; on an unpaired pool it installs nothing. It exits 0 on
// success; a bootstrapper-failure fault makes it print the fault's message
// on stderr and exit with the fault's code, and a
// bootstrapper-reboot-required fault makes a run that installs the service
// exit 3010 (success, restart required). /BootstrapLocalMgmt only checks the local
// management store. The console lines and the log path are modelled ([U] §5:
// exit codes and logs are undocumented).
func (s *Session) bootstrapper() *ps.Native {
	return &ps.Native{
		Path: BootstrapperPath,
		Run: func(c *ps.NativeCall) int {
			out := func(format string, args ...any) { fmt.Fprintf(c.Stdout, format+"\r\n", args...) }
			localOnly := false
			for _, a := range c.Args {
				la := strings.ToLower(a)
				switch {
				case la == "/bootstraplocalmgmt":
					localOnly = true
				case la == "/setup", strings.HasPrefix(la, "/sourcedirectory:"):
				default:
					fmt.Fprintf(c.Stderr, "Bootstrapper.exe: unrecognized command-line argument \"%s\".\r\n", a)
					return 87 // ERROR_INVALID_PARAMETER
				}
			}
			out("Checking prerequisites for bootstrapper...prerequisites satisfied.")
			out("Log file: C:\\Users\\labadmin\\AppData\\Local\\Temp\\Bootstrap-%s-[%s].html",
				strings.ToUpper(strings.SplitN(s.host, ".", 2)[0]), s.f.clock.Now().UTC().Format("2006_01_02][15_04_05"))
			out("Checking for local management store...local management store is installed.")
			if err := c.Sleep(s.f.lat.BootstrapperCheck); err != nil {
				return exitCancelled(c.Stderr)
			}
			if localOnly {
				out("Bootstrapper.exe has completed successfully.")
				return 0
			}
			s.f.mu.Lock()
			fault := s.f.bootstrapperFaultLocked(FaultBootstrapperFailure, s.host)
			pool := s.f.enabled.topo.PoolOfMachine(s.host)
			paired := pool != nil && s.f.enabled.topo.Partner(pool.Fqdn) != ""
			installed := s.f.serverLocked(s.host).service(LyncBackup) != nil
			s.f.mu.Unlock()
			out("Checking for roles to install per the topology of %s, this may take a few minutes...", s.host)
			switch {
			case fault != nil:
				if err := c.Sleep(s.f.lat.BootstrapperInstall); err != nil {
					return exitCancelled(c.Stderr)
				}
				out("Installing BackupService.msi(Feature_BackupService)...failure code %d", fault.ExitCode)
				fmt.Fprintf(c.Stderr, "%s\r\n", fault.Message)
				out("Bootstrapper.exe has failed. See the log file for details.")
				return fault.ExitCode
			case paired && !installed:
				if err := c.Sleep(s.f.lat.BootstrapperInstall); err != nil {
					return exitCancelled(c.Stderr)
				}
				s.f.mu.Lock()
				s.f.serverLocked(s.host).installLyncBackup()
				reboot := s.f.bootstrapperFaultLocked(FaultBootstrapperReboot, s.host)
				s.f.mu.Unlock()
				out("Installing BackupService.msi(Feature_BackupService)...success")
				out("Enabling role 'BackupService' on %s...success", s.host)
				if reboot != nil {
					out("A restart of %s is required to complete the installation.", s.host)
					out("Bootstrapper.exe has completed successfully.")
					return reboot.ExitCode
				}
			case paired:
				out("Backup Service (LYNCBACKUP) is already installed.")
			default:
				out("No roles to install or remove on this computer.")
			}
			out("Bootstrapper.exe has completed successfully.")
			return 0
		},
	}
}

// exitCancelled is the exit of a Bootstrapper killed by a WinRM terminate.
func exitCancelled(stderr io.Writer) int {
	fmt.Fprint(stderr, "Bootstrapper.exe was stopped before it completed.\r\n")
	return 1
}
