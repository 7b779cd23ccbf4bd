package wsman

// HostStats counts what clients did with one emulated server, so that farm
// tests can assert, say, that a failover touched only the backup pool.
type HostStats struct {
	// Requests counts every POST /wsman addressed to the host, including
	// refused (unknown host, 401) and intercepted ones.
	Requests int
	// ShellsCreated counts successful Creates.
	ShellsCreated int
	// CommandsRun counts commands handed to the Executor.
	CommandsRun int
	// OpenShells is the number of shells currently open.
	OpenShells int
}

// Stats returns a snapshot of the counters, keyed by host.
func (s *Server) Stats() map[string]HostStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]HostStats, len(s.stats))
	for host, st := range s.stats {
		out[host] = *st
	}
	return out
}

// statsLocked returns the mutable counters of host. Callers hold s.mu.
func (s *Server) statsLocked(host string) *HostStats {
	st := s.stats[host]
	if st == nil {
		st = &HostStats{}
		s.stats[host] = st
	}
	return st
}

// countRequest counts one request to host.
func (s *Server) countRequest(host string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.statsLocked(host).Requests++
}
