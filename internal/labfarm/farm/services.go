package farm

import (
	"sort"
	"strings"
	"time"
)

// LyncBackup is the Backup Service's Windows service name (lync-dr.md §4.1
// [C]); Windows service names are case-insensitive.
const LyncBackup = "LYNCBACKUP"

// Windows service status names, as ServiceControllerStatus prints them
// (lync-dr.md §4.2: Status compares to "Running" [C]).
const (
	StatusRunning      = "Running"
	StatusStopped      = "Stopped"
	StatusStartPending = "StartPending"
	StatusStopPending  = "StopPending"
	// StatusNotInstalled is the farm's own word for an absent service in
	// the control API; Get-CsWindowsService fails instead.
	StatusNotInstalled = "NotInstalled"
)

// winService is one Lync Windows service on one server. Its status is
// evaluated lazily on the farm clock: a start or stop takes effect at once
// (running changes) and the service is pending until settleAt.
type winService struct {
	Name        string
	DisplayName string
	running     bool
	settleAt    time.Time
}

func (s *winService) status(now time.Time) string {
	pending := now.Before(s.settleAt)
	switch {
	case s.running && pending:
		return StatusStartPending
	case s.running:
		return StatusRunning
	case pending:
		return StatusStopPending
	}
	return StatusStopped
}

// isRunning reports whether the service has reached Running.
func (s *winService) isRunning(now time.Time) bool { return s.running && !now.Before(s.settleAt) }

// server is the runtime state of one Front End server. Which pool it is in
// comes from the topology, not from here.
type server struct {
	fqdn     string
	services map[string]*winService // by upper-case name
	// upSince is when the last server-down fault on it was cleared.
	upSince time.Time
}

// baseServices are the Lync services every Front End runs (names [C] from
// Microsoft's service list as commonly seen; display names [I]). The CMS
// pool's servers also run the Master Replicator and File Transfer agents.
var baseServices = []struct {
	name, display string
	since2013     bool
	cmsOnly       bool
}{
	{"RTCCLSAGT", "Lync Server Centralized Logging Service Agent", true, false},
	{"REPLICA", "Lync Server Replica Replicator Agent", false, false},
	{"RTCSRV", "Lync Server Front-End", false, false},
	{"RTCDATAMCU", "Lync Server Web Conferencing", false, false},
	{"RTCASMCU", "Lync Server Application Sharing", false, false},
	{"RTCAVMCU", "Lync Server Audio/Video Conferencing", false, false},
	{"RTCIMMCU", "Lync Server IM Conferencing", false, false},
	{"RTCMEDSRV", "Lync Server Mediation", false, false},
	{"MASTER", "Lync Server Master Replicator Agent", false, true},
	{"FTA", "Lync Server File Transfer Agent", false, true},
}

// activityCounters is the activity level Get-CsWindowsService shows for a
// running service: the service's own performance counters as
// "Counter=value,Counter=value" (lync-dr.md §4.2: "per-service performance
// counters, e.g. concurrent calls"; the counter names and the format are
// [U]). The lab has no users, so every counter is 0. The replication and
// logging agents report none, and neither does a service that is not
// running.
var activityCounters = map[string]string{
	"RTCSRV":     "Active Registered Endpoints=0,Active Conferences=0",
	"RTCDATAMCU": "Active Conferences=0,Connected Users=0",
	"RTCASMCU":   "Active Conferences=0,Connected Users=0",
	"RTCAVMCU":   "Number of Conferences=0,Number of Users=0",
	"RTCIMMCU":   "Active Conferences=0,Connected Users=0",
	"RTCMEDSRV":  "Current Calls=0",
	LyncBackup:   "Pending Export Batches=0,Pending Import Batches=0",
}

// activityLevel is the service's ActivityLevel at now.
func (s *winService) activityLevel(now time.Time) string {
	if !s.isRunning(now) {
		return ""
	}
	return activityCounters[s.Name]
}

// lyncBackupDisplayName is the Backup Service's display name: the product's
// own naming is [C] (§4.1), the exact Windows DisplayName [U].
const lyncBackupDisplayName = "Lync Server Backup Service"

func newServer(fqdn string, pool *Pool, cmsPool string) *server {
	s := &server{fqdn: fqdn, services: map[string]*winService{}}
	if pool == nil {
		return s
	}
	for _, b := range baseServices {
		if (b.since2013 && !pool.SupportsBackupService()) || (b.cmsOnly && pool.Fqdn != cmsPool) {
			continue
		}
		s.services[b.name] = &winService{Name: b.name, DisplayName: b.display, running: true}
	}
	return s
}

func (s *server) service(name string) *winService { return s.services[strings.ToUpper(name)] }

// names returns the installed service names in a stable order.
func (s *server) names() []string {
	out := make([]string, 0, len(s.services))
	for n := range s.services {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// installLyncBackup installs the Backup Service, Stopped, as Bootstrapper
// does (lync-dr.md §10.3 [I]); an installed one is left as it is.
func (s *server) installLyncBackup() {
	if s.services[LyncBackup] != nil {
		return
	}
	s.services[LyncBackup] = &winService{Name: LyncBackup, DisplayName: lyncBackupDisplayName}
}

// lyncBackupStatus returns the Backup Service status or StatusNotInstalled.
func (s *server) lyncBackupStatus(now time.Time) string {
	if svc := s.services[LyncBackup]; svc != nil {
		return svc.status(now)
	}
	return StatusNotInstalled
}
