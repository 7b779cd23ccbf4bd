package lync

import (
	"errors"
	"fmt"
	"strings"
)

// CmdletError: the script ran and failed; these are the fields of the
// PowerShell error record it caught.
type CmdletError struct {
	Script   string // which script (ScriptPublishTopology, ...)
	Host     string // the host the script ran on, as addressed
	Computer string // $env:COMPUTERNAME as the script saw it
	Step     string // what the script was doing
	Cmdlet   string // InvocationInfo.MyCommand.Name, "" for a throw
	Category string // CategoryInfo.Category (ObjectNotFound, PermissionDenied, ...)
	ErrorID  string // FullyQualifiedErrorId
	Type     string // the .NET exception type
	Message  string // Exception.Message
}

func (e *CmdletError) Error() string {
	what := e.Cmdlet
	if what == "" {
		what = "script " + e.Script
	}
	s := fmt.Sprintf("%s failed on %s (step %q): %s", what, e.Host, e.Step, strings.TrimSpace(e.Message))
	if e.Category != "" || e.ErrorID != "" {
		s += fmt.Sprintf(" [%s, %s]", e.Category, e.ErrorID)
	}
	return s
}

// ResultError: the script gave no usable result line (it did not start, was
// killed, or printed something malformed).
type ResultError struct {
	Script   string
	Host     string
	ExitCode int
	Stderr   string
	Problem  string
}

func (e *ResultError) Error() string {
	s := fmt.Sprintf("no result from script %s on %s (exit code %d): %s", e.Script, e.Host, e.ExitCode, e.Problem)
	if stderr := strings.TrimSpace(e.Stderr); stderr != "" {
		const keep = 2000
		if len(stderr) > keep {
			stderr = "..." + stderr[len(stderr)-keep:]
		}
		s += "; stderr: " + stderr
	}
	return s
}

// ErrTopologyChanged: PublishTopology found that the topology is no longer
// the one the edit was made on, and published nothing.
var ErrTopologyChanged = errors.New("the topology changed since it was read (another apply or Topology Builder published meanwhile); nothing was published — run apply again")

// BackupServiceError: EnsureBackupService could not get LYNCBACKUP running.
type BackupServiceError struct {
	Host string
	// Reason says what went wrong; the fields below carry its details.
	Reason BackupServiceProblem
	// ExitCode and Output (its last lines) of Bootstrapper.exe.
	ExitCode int
	Output   []string
	// Status of LYNCBACKUP at the end.
	Status string
}

// BackupServiceProblem classifies a BackupServiceError.
type BackupServiceProblem int

const (
	// BootstrapperFailed: Bootstrapper.exe exited with a non-zero code.
	BootstrapperFailed BackupServiceProblem = iota + 1
	// NotInstalledAfterBootstrapper: Bootstrapper.exe succeeded but did not
	// install LYNCBACKUP.
	NotInstalledAfterBootstrapper
	// NotRunningAfterStart: Start-CsWindowsService returned but the service is
	// not running.
	NotRunningAfterStart
)

func (e *BackupServiceError) Error() string {
	switch e.Reason {
	case BootstrapperFailed:
		s := fmt.Sprintf("Bootstrapper.exe failed on %s with exit code %d", e.Host, e.ExitCode)
		if len(e.Output) > 0 {
			last := e.Output
			if len(last) > 5 {
				last = last[len(last)-5:]
			}
			s += "; last output: " + strings.Join(last, " | ")
		}
		return s
	case NotInstalledAfterBootstrapper:
		return fmt.Sprintf("Bootstrapper.exe finished on %s but LYNCBACKUP is not installed; is the pool paired in the ENABLED topology?", e.Host)
	default:
		return fmt.Sprintf("LYNCBACKUP on %s is %q after Start-CsWindowsService; check the \"LS Backup Service\" event log on %s and re-apply the cumulative update (Bootstrapper.exe installs the Backup Service at RTM level)", e.Host, e.Status, e.Host)
	}
}
