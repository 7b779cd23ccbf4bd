package lync

import "context"

// ServiceState is what EnsureBackupService found and did on one server.
type ServiceState struct {
	Host string
	// Before is LYNCBACKUP's status before anything was done
	// (ServiceNotInstalled when it was not installed).
	Before string
	// Status is its status at the end.
	Status       string
	InstalledNow bool // Bootstrapper.exe ran and installed it
	StartedNow   bool // Start-CsWindowsService ran
	// RebootRequired: Bootstrapper.exe exited 3010 (ERROR_SUCCESS_REBOOT_REQUIRED),
	// a success that asks for a restart of the server; worth a warning.
	RebootRequired bool
	// BootstrapperOutput is the last lines (at most 20) Bootstrapper.exe
	// printed, when it ran.
	BootstrapperOutput []string
}

// ExitCodeRebootRequired is the exit code of an installation that succeeded
// and asks for a restart (Windows Installer's ERROR_SUCCESS_REBOOT_REQUIRED).
const ExitCodeRebootRequired = 3010

// EnsureBackupService runs on the Front End server feHost itself: when
// LYNCBACKUP is not installed it runs Bootstrapper.exe (stdout and stderr
// captured) and checks that the service is installed afterwards; when the
// service is not running it starts it with Start-CsWindowsService. A running
// service is left alone. Bootstrapper.exe's exit code 3010 counts as success
// and sets ServiceState.RebootRequired. Failures of Bootstrapper.exe, of
// Start-CsWindowsService and of the post-conditions are *BackupServiceError.
func (c *Client) EnsureBackupService(ctx context.Context, feHost string) (*ServiceState, error) {
	p := struct {
		params
		Bootstrapper string `json:"bootstrapper"`
	}{c.base(), c.o.BootstrapperPath}
	var res struct {
		Before          string       `json:"before"`
		Status          string       `json:"status"`
		BootstrapperRan bool         `json:"bootstrapperRan"`
		ExitCode        int          `json:"exitCode"`
		Output          list[string] `json:"output"`
		Started         bool         `json:"started"`
		StartError      string       `json:"startError"`
	}
	if err := c.run(ctx, feHost, ScriptEnsureBackupService, p, &res); err != nil {
		return nil, err
	}
	reboot := res.BootstrapperRan && res.ExitCode == ExitCodeRebootRequired
	st := &ServiceState{Host: feHost, Before: res.Before, Status: res.Status, StartedNow: res.Started,
		InstalledNow: res.BootstrapperRan && res.Status != ServiceNotInstalled, RebootRequired: reboot}
	if res.BootstrapperRan {
		st.BootstrapperOutput = lastLines(res.Output, maxOutputLines)
	}
	switch {
	case res.BootstrapperRan && res.ExitCode != 0 && !reboot:
		return st, &BackupServiceError{Host: feHost, Reason: BootstrapperFailed, ExitCode: res.ExitCode, Output: st.BootstrapperOutput, Status: res.Status}
	case res.Status == ServiceNotInstalled:
		return st, &BackupServiceError{Host: feHost, Reason: NotInstalledAfterBootstrapper, ExitCode: res.ExitCode, Output: st.BootstrapperOutput, Status: res.Status}
	case res.Status != ServiceRunning:
		return st, &BackupServiceError{Host: feHost, Reason: NotRunningAfterStart, Status: res.Status, StartError: res.StartError}
	}
	return st, nil
}

const maxOutputLines = 20

func lastLines(lines []string, n int) []string {
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return lines
}
