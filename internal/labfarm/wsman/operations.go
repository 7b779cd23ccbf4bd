package wsman

import (
	"encoding/base64"
	"fmt"
	"net"
	"strings"
	"unicode/utf8"
)

// create answers a transfer/Create with the new ShellId in both places
// clients read it: the x:ResourceCreated selector (masterzen before 2025,
// pywinrm, Ansible) and rsp:Shell/rsp:ShellId (masterzen 2025).
func (s *Server) create(x *exchange) {
	sh, f := s.createShell(x.host, x.user)
	if f != nil {
		s.cfg.Logger.Info("wsman: shell quota exceeded", "host", x.host, "user", x.user)
		x.fail(f)
		return
	}
	clientIP := x.r.RemoteAddr
	if h, _, err := net.SplitHostPort(clientIP); err == nil {
		clientIP = h
	}
	idle := formatXSDuration(s.cfg.IdleShellTimeout)
	if s.cfg.IdleShellTimeout < 0 {
		idle = formatXSDuration(0)
	}
	body := `<x:ResourceCreated><a:Address>` + escape(endpointURL(x)) + `</a:Address><a:ReferenceParameters>` +
		`<w:ResourceURI>` + resourceURICmd + `</w:ResourceURI>` +
		`<w:SelectorSet><w:Selector Name="ShellId">` + sh.id + `</w:Selector></w:SelectorSet>` +
		`</a:ReferenceParameters></x:ResourceCreated>` +
		`<rsp:Shell><rsp:ShellId>` + sh.id + `</rsp:ShellId>` +
		`<rsp:ResourceUri>` + resourceURICmd + `</rsp:ResourceUri>` +
		`<rsp:Owner>` + escape(x.user) + `</rsp:Owner><rsp:ClientIP>` + escape(clientIP) + `</rsp:ClientIP>` +
		`<rsp:IdleTimeOut>` + idle + `</rsp:IdleTimeOut>` +
		`<rsp:InputStreams>stdin</rsp:InputStreams><rsp:OutputStreams>stdout stderr</rsp:OutputStreams>` +
		`<rsp:ShellRunTime>P0DT0H0M0S</rsp:ShellRunTime><rsp:ShellInactivity>P0DT0H0M0S</rsp:ShellInactivity>` +
		`</rsp:Shell>`
	s.cfg.Logger.Debug("wsman: shell created", "host", x.host, "user", x.user, "shell", sh.id)
	writeResponse(x.w, x.req, body)
}

// endpointURL is the address of the endpoint the client used.
func endpointURL(x *exchange) string {
	scheme := "http"
	if x.r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + x.r.Host + "/wsman"
}

// command starts a command and answers its CommandId.
func (s *Server) command(x *exchange, sh *shell) {
	cl := x.req.Body.CommandLine
	if cl == nil || strings.TrimSpace(cl.Command) == "" {
		x.fail(faultMissingBody("rsp:CommandLine/rsp:Command"))
		return
	}
	line := x.req.commandLine()
	if limit := s.cfg.MaxCommandLine; limit > 0 && utf8.RuneCountInString(line) > limit {
		s.cfg.Logger.Info("wsman: command line too long", "host", x.host, "length", utf8.RuneCountInString(line), "limit", limit)
		x.fail(faultCommandLineTooLong())
		return
	}
	c := s.startCommand(sh, line)
	if c == nil {
		x.fail(faultShellNotFound(sh.id))
		return
	}
	s.cfg.Logger.Debug("wsman: command started", "host", x.host, "shell", sh.id, "command", c.id, "line", abbreviate(line, 120))
	writeResponse(x.w, x.req, `<rsp:CommandResponse><rsp:CommandId>`+c.id+`</rsp:CommandId></rsp:CommandResponse>`)
}

// send delivers stdin. Input for a command that already finished is accepted
// and dropped: masterzen sends its End="true" concurrently with Receive.
func (s *Server) send(x *exchange, sh *shell) {
	if x.req.Body.Send == nil || len(x.req.Body.Send.Streams) == 0 {
		x.fail(faultMissingBody("rsp:Send/rsp:Stream"))
		return
	}
	type input struct {
		c    *command
		data []byte
		end  bool
	}
	inputs := make([]input, 0, len(x.req.Body.Send.Streams))
	for _, st := range x.req.Body.Send.Streams {
		if st.Name != "stdin" {
			x.fail(faultInvalidParameter(fmt.Sprintf("The shell has no input stream named %q; its only input stream is stdin. ", st.Name)))
			return
		}
		c := s.findCommand(sh, st.CommandID)
		if c == nil {
			x.fail(faultCommandNotFound(sh.id, st.CommandID))
			return
		}
		data, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(st.Data), ""))
		if err != nil {
			x.fail(faultInvalidParameter(fmt.Sprintf("The stdin data of command %s is not valid base64: %v. ", c.id, err)))
			return
		}
		inputs = append(inputs, input{c: c, data: data, end: strings.EqualFold(st.End, "true")})
	}
	for _, in := range inputs {
		in.c.stdin.send(in.data, in.end)
	}
	writeResponse(x.w, x.req, `<rsp:SendResponse/>`)
}

// signal terminates a command. Signals are idempotent: masterzen signals
// after every completed command and once more after a context cancel, so a
// repeated or late signal, even for a command already forgotten, succeeds.
func (s *Server) signal(x *exchange, sh *shell) {
	sig := x.req.Body.Signal
	if sig == nil {
		x.fail(faultMissingBody("rsp:Signal"))
		return
	}
	switch strings.TrimSpace(sig.Code) {
	case signalTerminate, signalCtrlC, signalCtrlBreak:
	default:
		x.fail(faultInvalidParameter(fmt.Sprintf("The signal code %q is not supported by the cmd shell. ", sig.Code)))
		return
	}
	if c := s.findCommand(sh, sig.CommandID); c != nil {
		c.cancel()
		if c.out.finalDelivered() {
			s.forgetCommand(sh, c)
		}
	}
	writeResponse(x.w, x.req, `<rsp:SignalResponse/>`)
}

// abbreviate shortens s for a log line.
func abbreviate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
