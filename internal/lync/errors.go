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
	// Inner are the messages of the inner exceptions, outermost first: the
	// real cause often hides there ("Login failed for user 'NT
	// AUTHORITY\ANONYMOUS LOGON'" under a generic management store error).
	Inner []string
}

func (e *CmdletError) Error() string {
	what := e.Cmdlet
	if what == "" {
		what = "script " + e.Script
	}
	s := fmt.Sprintf("%s failed on %s (step %q): %s", what, e.Host, e.Step, strings.TrimSpace(e.Message))
	last := strings.TrimSpace(e.Message)
	for _, in := range e.Inner {
		in = strings.TrimSpace(in)
		if in == "" || in == last {
			continue
		}
		s += "; caused by: " + in
		last = in
	}
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
	// StartError is why Start-CsWindowsService failed, when it did
	// (NotRunningAfterStart).
	StartError string
}

// BackupServiceProblem classifies a BackupServiceError.
type BackupServiceProblem int

const (
	// BootstrapperFailed: Bootstrapper.exe exited with a non-zero code.
	BootstrapperFailed BackupServiceProblem = iota + 1
	// NotInstalledAfterBootstrapper: Bootstrapper.exe succeeded but did not
	// install LYNCBACKUP.
	NotInstalledAfterBootstrapper
	// NotRunningAfterStart: Start-CsWindowsService failed (StartError), or
	// returned but the service is not running.
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
		hint := fmt.Sprintf("check the \"LS Backup Service\" event log on %s and re-apply the cumulative update (Bootstrapper.exe installs the Backup Service at RTM level)", e.Host)
		if e.StartError != "" {
			return fmt.Sprintf("Start-CsWindowsService -Name LYNCBACKUP failed on %s: %s (LYNCBACKUP is %q); %s", e.Host, strings.TrimSpace(e.StartError), e.Status, hint)
		}
		return fmt.Sprintf("LYNCBACKUP on %s is %q after Start-CsWindowsService; %s", e.Host, e.Status, hint)
	}
}

// SimpleURLError: the publish script published the topology (or tried to),
// which cleared simple URL configurations, and could not put them all back.
// Failed says which, with the URLs they held, so that an administrator can
// restore them; Err is the script's failure (a *CmdletError: the restore, or
// Publish-CsTopology or Enable-CsTopology when those failed first).
type SimpleURLError struct {
	Host     string
	Restored []string // identities restored
	Failed   []SimpleURLFailure
	Err      error
}

// SimpleURLFailure is one simple URL configuration that could not be restored.
type SimpleURLFailure struct {
	Identity   string      `json:"identity"`
	SimpleURLs []SimpleURL `json:"simpleUrls"` // what it held before publishing
	Error      string      `json:"error"`
}

// SimpleURL is one simple URL of a configuration (Get-CsSimpleUrlConfiguration).
type SimpleURL struct {
	Component string       `json:"component"`
	Domain    string       `json:"domain"`
	ActiveURL string       `json:"activeUrl"`
	Entries   list[string] `json:"entries"`
}

func (e *SimpleURLError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "publishing the topology on %s cleared simple URL configurations that could not be restored:", e.Host)
	for i, f := range e.Failed {
		if i > 0 {
			b.WriteString(";")
		}
		fmt.Fprintf(&b, " %s (%s) held", f.Identity, strings.TrimSpace(f.Error))
		if len(f.SimpleURLs) == 0 {
			b.WriteString(" no URLs")
		}
		for j, u := range f.SimpleURLs {
			if j > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, " %s %s %s", u.Component, u.Domain, u.ActiveURL)
			if extra := otherEntries(u); len(extra) > 0 {
				fmt.Fprintf(&b, " (also %s)", strings.Join(extra, " "))
			}
		}
	}
	b.WriteString(". Restore them with Set-CsSimpleUrlConfiguration (New-CsSimpleUrl, New-CsSimpleUrlEntry), then run Enable-CsComputer on the servers")
	var ce *CmdletError
	if errors.As(e.Err, &ce) && ce.Step != stepRestoreSimpleURLs {
		b.WriteString("; the publish itself failed too: " + ce.Error())
	}
	return b.String()
}

func (e *SimpleURLError) Unwrap() error { return e.Err }

// otherEntries are the SimpleUrlEntry URLs of u besides its active URL.
func otherEntries(u SimpleURL) []string {
	var out []string
	for _, x := range u.Entries {
		if !strings.EqualFold(x, u.ActiveURL) {
			out = append(out, x)
		}
	}
	return out
}

// stepRestoreSimpleURLs is the publish script's step that restores them.
const stepRestoreSimpleURLs = "restore simple URLs"
