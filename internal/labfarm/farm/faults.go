package farm

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// FaultKind names a fault the farm can inject.
type FaultKind string

// Fault kinds. Each fault stays until it is cleared, or until its count is
// used up where a count applies.
const (
	// FaultServerDown makes a server unreachable: over WinRM (mode "refused":
	// the connection is reset at once; mode "timeout": requests hang until the
	// client gives up), for -ComputerName calls from other servers, and for
	// the Backup Service (its LYNCBACKUP does not count as running).
	FaultServerDown FaultKind = "server-down"
	// FaultBootstrapperFailure makes Bootstrapper.exe fail on a server with
	// ExitCode (default 1603, MSI's ERROR_INSTALL_FAILURE; real exit codes are
	// [U] §5) and Message (default the field error of lync-dr.md §8 [C]), for
	// the next Count runs (0: until cleared).
	FaultBootstrapperFailure FaultKind = "bootstrapper-failure"
	// FaultBootstrapperReboot makes Bootstrapper.exe on a server install what
	// it installs and then exit 3010 (ERROR_SUCCESS_REBOOT_REQUIRED, MSI's
	// "succeeded, restart required"; that Bootstrapper passes it on is [U]
	// §5), for the next Count runs that install something (0: until cleared).
	FaultBootstrapperReboot FaultKind = "bootstrapper-reboot-required"
	// FaultSyncStuck keeps a pool's direction (pool -> its partner) in
	// NonSteadyState, without progress.
	FaultSyncStuck FaultKind = "sync-stuck"
	// FaultSyncError puts a pool's direction in ErrorState, without progress:
	// mode "export" (ExportStatus), "import" (ImportStatus) or "both" (default).
	FaultSyncError FaultKind = "sync-error"
	// FaultTransient fails the next Count WinRM requests (to Host only, if
	// set): mode "http-503" (default) or "reset" (connection reset).
	FaultTransient FaultKind = "transient"
)

// Fault is one injected fault, also the JSON body of POST /v1/faults.
type Fault struct {
	ID   string    `json:"id,omitempty"`
	Kind FaultKind `json:"kind"`
	// Server is the target of server-down, bootstrapper-failure and
	// bootstrapper-reboot-required.
	Server string `json:"server,omitempty"`
	// Pool is the source pool of the direction for sync-stuck and sync-error.
	Pool string `json:"pool,omitempty"`
	// Host optionally limits a transient fault to one host.
	Host     string `json:"host,omitempty"`
	Mode     string `json:"mode,omitempty"`
	ExitCode int    `json:"exitCode,omitempty"`
	Message  string `json:"message,omitempty"`
	// Count is the number of requests (transient, required) or runs
	// (bootstrapper-failure and bootstrapper-reboot-required, 0 = until
	// cleared) the fault affects.
	Count int `json:"count,omitempty"`
	// Remaining is how many of Count are left (state only).
	Remaining int `json:"remaining,omitempty"`
}

// Wire fault decisions returned by Farm.WireFault.
const (
	WireNone    = ""
	WireRefused = "refused"  // reset the connection at once
	WireTimeout = "timeout"  // hang until the client gives up
	WireHTTP503 = "http-503" // answer 503 Service Unavailable
	WireReset   = "reset"    // reset the connection (transient)
)

// bootstrapMSI is the product version in the field error of §8.
const bootstrapMSI = "6.0.9319.0"

// DefaultBootstrapperFailure is the field error of lync-dr.md §8 [C]
// (MicrosoftDocs/OfficeDocs-SkypeForBusiness issue #3011).
const DefaultBootstrapperFailure = "Product: Microsoft Lync Server 2013, Backup Service -- Another Lync Server product with version " + bootstrapMSI +
	" is already installed. Lync Server products with different versions cannot be installed together. Installation cannot continue."

// normalize validates a fault against the farm and fills its defaults. The
// caller holds f.mu.
func (f *Farm) normalizeFault(in Fault) (Fault, error) {
	x := in
	x.ID, x.Remaining = "", 0
	x.Server = strings.ToLower(strings.TrimSpace(x.Server))
	x.Pool = strings.ToLower(strings.TrimSpace(x.Pool))
	x.Host = strings.ToLower(strings.TrimSpace(x.Host))
	x.Mode = strings.ToLower(strings.TrimSpace(x.Mode))
	needServer := func() error {
		if x.Server == "" {
			return fmt.Errorf("fault %s needs server", x.Kind)
		}
		if !f.knownHostLocked(x.Server) {
			return fmt.Errorf("fault %s: %s is not a Front End server of the farm", x.Kind, x.Server)
		}
		return nil
	}
	needPool := func() error {
		if x.Pool == "" {
			return fmt.Errorf("fault %s needs pool", x.Kind)
		}
		if f.published.topo.Pool(x.Pool) == nil && f.enabled.topo.Pool(x.Pool) == nil {
			return fmt.Errorf("fault %s: %s is not a Front End pool of the farm", x.Kind, x.Pool)
		}
		return nil
	}
	modes := func(def string, allowed ...string) error {
		if x.Mode == "" {
			x.Mode = def
		}
		for _, a := range allowed {
			if x.Mode == a {
				return nil
			}
		}
		return fmt.Errorf("fault %s: mode %q is not one of %s", x.Kind, x.Mode, strings.Join(allowed, ", "))
	}
	var err error
	switch x.Kind {
	case FaultServerDown:
		if err = needServer(); err == nil {
			err = modes(WireRefused, WireRefused, WireTimeout)
		}
	case FaultBootstrapperFailure:
		if err = needServer(); err == nil {
			if x.ExitCode == 0 {
				x.ExitCode = 1603
			}
			if x.Message == "" {
				x.Message = DefaultBootstrapperFailure
			}
			if x.Count < 0 {
				err = fmt.Errorf("fault %s: count must not be negative", x.Kind)
			}
			x.Remaining = x.Count
		}
	case FaultBootstrapperReboot:
		if err = needServer(); err == nil {
			if x.Count < 0 {
				err = fmt.Errorf("fault %s: count must not be negative", x.Kind)
			}
			x.ExitCode, x.Remaining = 3010, x.Count
		}
	case FaultSyncStuck:
		err = needPool()
	case FaultSyncError:
		if err = needPool(); err == nil {
			err = modes("both", "export", "import", "both")
		}
	case FaultTransient:
		if x.Count <= 0 {
			err = fmt.Errorf("fault %s needs a positive count (the number of WinRM requests to fail)", x.Kind)
		} else if x.Host != "" && !f.knownHostLocked(x.Host) {
			err = fmt.Errorf("fault %s: %s is not a Front End server of the farm", x.Kind, x.Host)
		} else {
			err = modes(WireHTTP503, WireHTTP503, WireReset)
			x.Remaining = x.Count
		}
	default:
		err = fmt.Errorf("unknown fault kind %q (known: server-down, bootstrapper-failure, bootstrapper-reboot-required, sync-stuck, sync-error, transient)", x.Kind)
	}
	return x, err
}

// InjectFault adds a fault and returns its id.
func (f *Farm) InjectFault(in Fault) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	x, err := f.normalizeFault(in)
	if err != nil {
		return "", err
	}
	f.nextFault++
	x.ID = "f" + strconv.Itoa(f.nextFault)
	now := f.clock.Now()
	f.reconcileLocked(now) // settle the model up to the fault's start
	f.faults = append(f.faults, &x)
	f.reconcileLocked(now)
	return x.ID, nil
}

// ClearFault removes one fault; it reports whether the id existed.
func (f *Farm) ClearFault(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.clock.Now()
	for i, x := range f.faults {
		if x.ID == id {
			f.reconcileLocked(now)
			f.faults = append(f.faults[:i], f.faults[i+1:]...)
			f.faultClearedLocked(x, now)
			f.reconcileLocked(now)
			return true
		}
	}
	return false
}

// ClearFaults removes every fault.
func (f *Farm) ClearFaults() {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.clock.Now()
	f.reconcileLocked(now)
	old := f.faults
	f.faults = nil
	for _, x := range old {
		f.faultClearedLocked(x, now)
	}
	f.reconcileLocked(now)
}

func (f *Farm) faultClearedLocked(x *Fault, now time.Time) {
	if x.Kind == FaultServerDown && !f.serverDownLocked(x.Server) {
		f.serverLocked(x.Server).upSince = now
	}
}

// Faults returns a copy of the active faults.
func (f *Farm) Faults() []Fault {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.faultsLocked()
}

func (f *Farm) faultsLocked() []Fault {
	out := make([]Fault, 0, len(f.faults))
	for _, x := range f.faults {
		out = append(out, *x)
	}
	return out
}

// serverDownMode returns the mode of a server-down fault on the server, or "".
func (f *Farm) serverDownModeLocked(fqdn string) string {
	for _, x := range f.faults {
		if x.Kind == FaultServerDown && x.Server == fqdn {
			return x.Mode
		}
	}
	return ""
}

func (f *Farm) serverDownLocked(fqdn string) bool {
	return f.serverDownModeLocked(strings.ToLower(fqdn)) != ""
}

// WireFault decides what the WinRM server does with one request to host
// before it is handled: WireNone, or one of the Wire* decisions. A transient
// fault is consumed by the call.
func (f *Farm) WireFault(host string) string {
	host = strings.ToLower(host)
	f.mu.Lock()
	defer f.mu.Unlock()
	if mode := f.serverDownModeLocked(host); mode != "" {
		return mode
	}
	for i, x := range f.faults {
		if x.Kind != FaultTransient || (x.Host != "" && x.Host != host) {
			continue
		}
		x.Remaining--
		if x.Remaining <= 0 {
			f.faults = append(f.faults[:i], f.faults[i+1:]...)
		}
		return x.Mode
	}
	return WireNone
}

// bootstrapperFault consumes one run of a fault of the kind
// (bootstrapper-failure or bootstrapper-reboot-required) on the server and
// returns it, or nil.
func (f *Farm) bootstrapperFaultLocked(kind FaultKind, fqdn string) *Fault {
	for i, x := range f.faults {
		if x.Kind != kind || x.Server != fqdn {
			continue
		}
		out := *x
		if x.Count > 0 {
			x.Remaining--
			if x.Remaining <= 0 {
				f.faults = append(f.faults[:i], f.faults[i+1:]...)
			}
		}
		return &out
	}
	return nil
}

// syncFault returns the sync-stuck or sync-error fault on a pool's direction.
func (f *Farm) syncFaultLocked(pool string) *Fault {
	for _, x := range f.faults {
		if (x.Kind == FaultSyncStuck || x.Kind == FaultSyncError) && x.Pool == pool {
			return x
		}
	}
	return nil
}
