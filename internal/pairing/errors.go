package pairing

import (
	"errors"
	"fmt"
	"strings"

	"github.com/lyncdr/terraform-provider-lync/internal/lync"
)

// PreconditionError: the pairing cannot be done as asked; nothing was
// changed. Summary is a short Title Case title, Detail says what to do.
type PreconditionError struct {
	Summary, Detail string
	// Pool is the pool the failure is about, when it is about one: the
	// caller can point at the setting that names it.
	Pool string
	Err  error // the underlying error, if any (a *topology.Error)
}

func (e *PreconditionError) Error() string { return e.Summary + ": " + e.Detail }
func (e *PreconditionError) Unwrap() error { return e.Err }

// StepError: a step of the workflow failed. Summary is a short Title Case
// title; Detail names the host(s), what failed and what to check. Work done
// by earlier steps stays done; running the workflow again resumes.
type StepError struct {
	Step    string // Step* constant
	Host    string // where it failed ("" when several hosts are named in Detail)
	Summary string
	Detail  string
	Err     error // the underlying error(s): *lync.CmdletError, transport errors, ctx errors, ...
}

func (e *StepError) Error() string { return e.Summary + ": " + e.Detail }
func (e *StepError) Unwrap() error { return e.Err }

// commandFailed wraps an error of the lync layer in a StepError.
func commandFailed(step, host, summary string, err error) *StepError {
	detail := err.Error()
	if hint := remedy(err); hint != "" {
		detail += ". " + hint
	}
	return &StepError{Step: step, Host: host, Summary: summary, Detail: detail, Err: err}
}

// remedy suggests what to do about a failure of the lync layer.
func remedy(err error) string {
	var ce *lync.CmdletError
	var re *lync.ResultError
	switch {
	case errors.As(err, &ce):
		msg := strings.ToLower(ce.Message + "\n" + strings.Join(ce.Inner, "\n"))
		switch {
		case strings.Contains(msg, "anonymous logon") || strings.Contains(msg, "0x80072020") || strings.Contains(msg, "an operations error occurred"):
			// SQL Server's "Login failed for user 'NT AUTHORITY\ANONYMOUS
			// LOGON'" and AD's 0x80072020 "An operations error occurred":
			// the credentials did not reach the next server.
			return "The Lync management cmdlets on " + ce.Host + " reach Active Directory, the SQL Server back ends and other servers in turn, " +
				"and the credentials of a WinRM logon are not passed on to them (the WinRM double hop); with Basic authentication to a local account " +
				"that cannot work at all. Run the provider where delegation is possible: a domain account over an authentication that delegates " +
				"(CredSSP, or Kerberos with delegation to those servers); see Limits in the README"
		case ce.Category == "PermissionDenied" || strings.Contains(msg, "access is denied") || strings.Contains(msg, "permission"):
			return "The account must be a member of RTCUniversalServerAdmins (and, for Enable-CsTopology, hold setup permissions from Grant-CsSetupPermission or be a Domain Admin); log on again after changing group membership"
		case ce.Step == "import module":
			return "Check that the Lync Server Management Shell is installed on " + ce.Host + " and that the module name is right (Lync for Lync Server 2013, SkypeForBusiness for 2015/2019)"
		}
	case errors.As(err, &re):
		return "Check that PowerShell runs on " + re.Host + " over WinRM and that the Lync Server Management Shell is installed there"
	}
	return ""
}

// listLines formats per-item problems, one per line.
func listLines(items []string) string {
	var b strings.Builder
	for _, it := range items {
		fmt.Fprintf(&b, "\n  - %s", it)
	}
	return b.String()
}
