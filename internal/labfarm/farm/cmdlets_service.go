package farm

import (
	"fmt"
	"strings"

	"github.com/lyncdr/terraform-provider-lync/internal/labfarm/ps"
)

// The Get-/Start-/Stop-CsWindowsService cmdlets (lync-dr.md §4.2-4.4 [C]).
// Service names are case-insensitive; -ComputerName addresses another farm
// server, which fails when it is unknown or down. The texts of the status
// report Start/Stop print ([U] §4.4) and of the errors ([I]: Windows'
// ServiceController messages) are modelled.

func serviceParams(extra ...string) []ps.Param {
	params := []ps.Param{
		{Name: "Name", Type: ps.TypeString, Position: 0},
		named("ComputerName", ps.TypeString),
		named("Report", ps.TypeString),
		{Name: "InputObject", Type: ps.TypeObject, Position: -1, FromPipeline: true},
	}
	return append(params, switches(append([]string{"NoWait", "Force", "WhatIf", "Confirm"}, extra...)...)...)
}

// targetLocked resolves -ComputerName (default: the session's host).
func (s *Session) targetLocked(c *ps.Call, class string) (string, error) {
	host := s.host
	if c.Has("ComputerName") {
		host = strings.ToLower(strings.TrimSpace(c.String("ComputerName")))
	}
	if host != s.host && (!s.f.knownHostLocked(host) || s.f.serverDownLocked(host)) {
		return "", cmdletError("ResourceUnavailable", "CannotOpenServiceControlManager", class, host,
			fmt.Sprintf("Cannot open Service Control Manager on computer '%s'. This operation might require other privileges.", host))
	}
	return host, nil
}

func serviceNotFound(class, name string) error {
	return cmdletError("ObjectNotFound", "NoServiceFoundForGivenName", class, name,
		fmt.Sprintf("Cannot find any service with service name '%s'.", name))
}

// getWindowsService is Get-CsWindowsService [[-Name]] [-ComputerName]
// [-ExcludeActivityLevel] [-Report]: NTService objects with Name,
// DisplayName, Status and ActivityLevel (DESIGN.md §2; its content is
// modelled, see activityCounters), without ActivityLevel under
// -ExcludeActivityLevel ("return only the service status and not the service
// activity level", §4.2 [C]); a service that is not installed fails with
// ObjectNotFound.
func (s *Session) getWindowsService() *ps.Cmdlet {
	return &ps.Cmdlet{
		Name: "Get-CsWindowsService",
		Params: []ps.Param{
			{Name: "Name", Type: ps.TypeString, Position: 0},
			named("ComputerName", ps.TypeString),
			named("Report", ps.TypeString),
			named("ExcludeActivityLevel", ps.TypeSwitch),
		},
		Invoke: func(c *ps.Call) error {
			objs, err := s.windowsServices(c)
			// Emit outside the farm lock: downstream commands of the
			// pipeline (Start-CsWindowsService) run synchronously.
			for _, o := range objs {
				c.Emit(o)
			}
			return err
		},
	}
}

func (s *Session) windowsServices(c *ps.Call) ([]*ps.Object, error) {
	s.f.mu.Lock()
	defer s.f.mu.Unlock()
	host, err := s.targetLocked(c, classGetWindowsService)
	if err != nil {
		return nil, err
	}
	now := s.f.clock.Now()
	srv := s.f.serverLocked(host)
	names := srv.names()
	if c.Has("Name") {
		if srv.service(c.String("Name")) == nil {
			return nil, serviceNotFound(classGetWindowsService, c.String("Name"))
		}
		names = []string{strings.ToUpper(c.String("Name"))}
	}
	var out []*ps.Object
	for _, n := range names {
		svc := srv.services[n]
		o := ps.NewObject("Microsoft.Rtc.Management.Deployment.Core.NTService").
			Set("Status", svc.status(now)).Set("Name", svc.Name).Set("DisplayName", svc.DisplayName)
		if !c.Bool("ExcludeActivityLevel") {
			o.Set("ActivityLevel", svc.activityLevel(now))
		}
		s.remember(o, host)
		out = append(out, o)
	}
	return out, nil
}

// serviceTargets lists the (server, service) pairs a Start/Stop call acts on:
// the piped or given NTService objects, -Name, or every Lync service of the
// computer.
func (s *Session) serviceTargetsLocked(c *ps.Call, class string) ([][2]string, error) {
	if c.Has("InputObject") {
		var objs []ps.Value
		switch v := c.Bound["InputObject"].(type) {
		case []ps.Value:
			objs = v
		default:
			objs = []ps.Value{v}
		}
		var out [][2]string
		for _, v := range objs {
			o, ok := v.(*ps.Object)
			name := ""
			if ok {
				n, _ := o.Get("Name")
				name, _ = n.(string)
			}
			if name == "" {
				return nil, cmdletError("InvalidArgument", "InvalidInputObject", class, fmt.Sprint(v),
					"The input object is not a Lync Server service (Microsoft.Rtc.Management.Deployment.Core.NTService).")
			}
			host, known := s.originOf(o)
			if !known {
				host = s.host
			}
			if host != s.host && (!s.f.knownHostLocked(host) || s.f.serverDownLocked(host)) {
				return nil, cmdletError("ResourceUnavailable", "CannotOpenServiceControlManager", class, host,
					fmt.Sprintf("Cannot open Service Control Manager on computer '%s'. This operation might require other privileges.", host))
			}
			out = append(out, [2]string{host, strings.ToUpper(name)})
		}
		return out, nil
	}
	host, err := s.targetLocked(c, class)
	if err != nil {
		return nil, err
	}
	srv := s.f.serverLocked(host)
	if c.Has("Name") {
		if srv.service(c.String("Name")) == nil {
			return nil, serviceNotFound(class, c.String("Name"))
		}
		return [][2]string{{host, strings.ToUpper(c.String("Name"))}}, nil
	}
	var out [][2]string
	for _, n := range srv.names() {
		out = append(out, [2]string{host, n})
	}
	return out, nil
}

// startWindowsService is Start-CsWindowsService: starting an absent service
// fails (ObjectNotFound), starting a running one does nothing and prints
// nothing ("you will not receive an error if you try to start a service that
// has already been started", §4.3 [C]). Without -NoWait it waits for the
// service and prints a short status report.
func (s *Session) startWindowsService() *ps.Cmdlet {
	return &ps.Cmdlet{
		Name:   "Start-CsWindowsService",
		Params: serviceParams(),
		Invoke: func(c *ps.Call) error {
			return s.changeServices(c, classStartService, true)
		},
	}
}

// stopWindowsService is Stop-CsWindowsService (same parameters plus
// -Graceful, -LeaveClsAgentRunning, -LeaveWebServerRunning, §4.4 [C]).
func (s *Session) stopWindowsService() *ps.Cmdlet {
	return &ps.Cmdlet{
		Name:   "Stop-CsWindowsService",
		Params: serviceParams("Graceful", "LeaveClsAgentRunning", "LeaveWebServerRunning"),
		Invoke: func(c *ps.Call) error {
			return s.changeServices(c, classStopService, false)
		},
	}
}

func (s *Session) changeServices(c *ps.Call, class string, start bool) error {
	cmd, verb, done, latency := "Stop-CsWindowsService", "Stopping", "stopped", s.f.lat.ServiceStop
	if start {
		cmd, verb, done, latency = "Start-CsWindowsService", "Starting", "started", s.f.lat.ServiceStart
	}
	s.f.mu.Lock()
	targets, err := s.serviceTargetsLocked(c, class)
	if err != nil {
		s.f.mu.Unlock()
		return err
	}
	for _, t := range targets {
		if s.f.serverLocked(t[0]).service(t[1]) == nil {
			s.f.mu.Unlock()
			return serviceNotFound(class, t[1])
		}
	}
	if c.Bool("WhatIf") {
		s.f.mu.Unlock()
		for _, t := range targets {
			c.WriteHost(fmt.Sprintf("What if: Performing operation \"%s\" on Target \"%s on %s\".", cmd, t[1], t[0]))
		}
		return nil
	}
	now := s.f.clock.Now()
	s.f.reconcileLocked(now)
	var changed [][2]string
	for _, t := range targets {
		svc := s.f.serverLocked(t[0]).service(t[1])
		if svc.running == start {
			continue
		}
		// The change counts at once (a stopping Backup Service no longer
		// exports); the status is pending until settleAt.
		svc.running, svc.settleAt = start, now.Add(latency)
		changed = append(changed, t)
	}
	s.f.reconcileLocked(now)
	s.f.mu.Unlock()
	if len(changed) == 0 {
		return nil
	}
	if c.Bool("NoWait") {
		for _, t := range changed {
			c.WriteHost(fmt.Sprintf("%s service %s on %s; not waiting for it to finish.", verb, t[1], t[0]))
		}
		return nil
	}
	for _, t := range changed {
		c.WriteHost(fmt.Sprintf("%s service %s on %s...", verb, t[1], t[0]))
	}
	if err := c.Sleep(latency); err != nil {
		return err
	}
	for _, t := range changed {
		c.WriteHost(fmt.Sprintf("Service %s %s on %s.", t[1], done, t[0]))
	}
	return nil
}
