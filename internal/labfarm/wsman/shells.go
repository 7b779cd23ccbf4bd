package wsman

import (
	"strings"
	"time"
)

// shell is one WinRS shell: the unit a client creates, runs commands in and
// deletes. A shell belongs to the host and user that created it; any other
// host or user gets "shell not found", as on separate Windows servers.
type shell struct {
	id      string
	host    string
	user    string        // as authenticated, for Command.User and the log
	userKey string        // lower-case: Windows account names are case-insensitive
	gone    chan struct{} // closed when the shell is deleted, expires or the server closes

	// Guarded by Server.mu.
	lastUsed time.Time
	inflight int // requests being served; an in-use shell never expires
	commands map[string]*command
}

// createShell opens a shell for user on host, within the per-user quota.
func (s *Server) createShell(host, user string) (*shell, *fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	s.expireIdleLocked(now)
	userKey := strings.ToLower(user)
	if limit := s.cfg.MaxShellsPerUser; limit > 0 {
		open := 0
		for _, sh := range s.shells {
			if sh.host == host && sh.userKey == userKey {
				open++
			}
		}
		if open >= limit {
			return nil, faultQuotaShells(user, limit)
		}
	}
	sh := &shell{
		id:       newGUID(),
		host:     host,
		user:     user,
		userKey:  userKey,
		gone:     make(chan struct{}),
		lastUsed: now,
		commands: make(map[string]*command),
	}
	s.shells[sh.id] = sh
	st := s.statsLocked(host)
	st.ShellsCreated++
	st.OpenShells++
	return sh, nil
}

// acquireShell looks up the shell a request names and marks it in use until
// releaseShell. ShellIds are compared case-insensitively, like GUIDs.
func (s *Server) acquireShell(host, user, id string) (*shell, *fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	s.expireIdleLocked(now)
	sh := s.shells[strings.ToUpper(id)]
	if sh == nil || sh.host != host || sh.userKey != strings.ToLower(user) {
		return nil, faultShellNotFound(id)
	}
	sh.inflight++
	sh.lastUsed = now
	return sh, nil
}

// releaseShell ends a request's use of a shell.
func (s *Server) releaseShell(sh *shell) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sh.inflight--
	sh.lastUsed = time.Now()
}

// deleteShell drops a shell and terminates its commands.
func (s *Server) deleteShell(sh *shell) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shells[sh.id] == sh {
		s.removeShellLocked(sh)
	}
}

// removeShellLocked forgets sh, wakes requests waiting on it and cancels its
// commands. Callers hold s.mu.
func (s *Server) removeShellLocked(sh *shell) {
	delete(s.shells, sh.id)
	close(sh.gone)
	for _, c := range sh.commands {
		c.cancel()
	}
	s.statsLocked(sh.host).OpenShells--
}

// expireIdleLocked removes shells no request has used for IdleShellTimeout.
// It runs at the start of every shell operation rather than on a timer, so
// the server owns no background goroutine. Callers hold s.mu.
func (s *Server) expireIdleLocked(now time.Time) {
	ttl := s.cfg.IdleShellTimeout
	if ttl < 0 {
		return
	}
	for _, sh := range s.shells {
		if sh.inflight == 0 && now.Sub(sh.lastUsed) > ttl {
			s.cfg.Logger.Info("wsman: idle shell expired", "host", sh.host, "user", sh.user, "shell", sh.id, "idle", now.Sub(sh.lastUsed))
			s.removeShellLocked(sh)
		}
	}
}

// addCommand registers c in sh. It reports false when the shell is gone or
// the server is closing, in which case the command must not start.
func (s *Server) addCommand(sh *shell, c *command) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || s.shells[sh.id] != sh {
		return false
	}
	sh.commands[c.id] = c
	s.statsLocked(sh.host).CommandsRun++
	s.running.Add(1)
	return true
}

// findCommand returns the command id of sh, or nil.
func (s *Server) findCommand(sh *shell, id string) *command {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sh.commands[strings.ToUpper(id)]
}

// forgetCommand drops a finished command whose final state the client has
// received, so that long-lived shells (Ansible, pypsrp) do not accumulate
// them.
func (s *Server) forgetCommand(sh *shell, c *command) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(sh.commands, c.id)
}
