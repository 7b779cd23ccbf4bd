package wsman

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// defaultMaxEnvelopeSize applies when a Receive names no usable
// w:MaxEnvelopeSize; it is what masterzen and pywinrm send.
const defaultMaxEnvelopeSize = 153600

// minEnvelopeSize is the smallest MaxEnvelopeSize honoured; below it Windows
// refuses the request (MS-WSMAN 3.1.4.1.9), the farm just uses it.
const minEnvelopeSize = 8192

// receive long-polls for a command's output. It answers as soon as there is
// output or the command finished, and with the w:TimedOut fault when the hold
// time passes first; clients then poll again. If the client disconnects while
// waiting, nothing is taken from the buffers, so no output is lost.
func (s *Server) receive(x *exchange, sh *shell) {
	if x.req.Body.Receive == nil {
		x.fail(faultMissingBody("rsp:Receive/rsp:DesiredStream"))
		return
	}
	id := x.req.Body.Receive.DesiredStream.CommandID
	c := s.findCommand(sh, id)
	if c == nil {
		x.fail(faultCommandNotFound(sh.id, id))
		return
	}
	budget := payloadBudget(x.req)
	hold := s.holdTime(x.req.Header.OperationTimeout)
	timer := time.NewTimer(hold)
	defer timer.Stop()
	ctx := x.r.Context()
	for {
		if ctx.Err() != nil {
			s.cfg.Logger.Debug("wsman: client left a Receive; output stays buffered", "host", x.host, "command", c.id)
			return
		}
		ch, ok, changed := c.out.take(budget)
		if ok {
			writeResponse(x.w, x.req, receiveBody(c.id, ch))
			return
		}
		select {
		case <-changed:
		case <-timer.C:
			x.fail(faultTimedOut())
			return
		case <-ctx.Done(): // handled at the top of the loop
		case <-sh.gone:
			x.fail(faultShellNotFound(sh.id))
			return
		case <-s.closing:
			writeText(x.w, http.StatusServiceUnavailable, "lab farm: the WinRM service is stopped")
			return
		}
	}
}

// holdTime is min(w:OperationTimeout, MaxHold); without a usable
// OperationTimeout the server holds for MaxHold.
func (s *Server) holdTime(operationTimeout string) time.Duration {
	d, err := parseXSDuration(operationTimeout)
	if err != nil {
		return s.cfg.MaxHold
	}
	return min(d, s.cfg.MaxHold)
}

// payloadBudget is how many raw output bytes one ReceiveResponse may carry so
// that the envelope, with base64 growing data by 4/3, stays under the
// request's w:MaxEnvelopeSize. The fixed part of the envelope is well under
// 2 KB; the IDs it echoes are counted on top.
func payloadBudget(req *request) int {
	size, err := strconv.Atoi(strings.TrimSpace(req.Header.MaxEnvelopeSize))
	if err != nil || size <= 0 {
		size = defaultMaxEnvelopeSize
	}
	size = min(max(size, minEnvelopeSize), maxEnvelopeBytes)
	overhead := 2048 + len(req.Header.MessageID)
	if req.Body.Receive != nil {
		overhead += 4 * len(req.Body.Receive.DesiredStream.CommandID)
	}
	// A floor keeps absurdly long IDs from stalling the output altogether.
	return max((size-overhead)/4*3, 1024)
}

// receiveBody renders a ReceiveResponse. The final one carries the remaining
// data, End="true" on both streams and CommandState Done with the ExitCode in
// one message, as Windows sends it (pywinrm needs the ExitCode with Done).
func receiveBody(commandID string, c chunk) string {
	var b strings.Builder
	b.Grow(base64.StdEncoding.EncodedLen(len(c.stdout)+len(c.stderr)) + 512)
	b.WriteString(`<rsp:ReceiveResponse>`)
	stream := func(name string, data []byte, end bool) {
		b.WriteString(`<rsp:Stream Name="` + name + `" CommandId="` + commandID + `"`)
		if end {
			b.WriteString(` End="true"`)
		}
		b.WriteString(`>`)
		b.WriteString(base64.StdEncoding.EncodeToString(data))
		b.WriteString(`</rsp:Stream>`)
	}
	if len(c.stdout) > 0 {
		stream("stdout", c.stdout, false)
	}
	if len(c.stderr) > 0 {
		stream("stderr", c.stderr, false)
	}
	if c.done {
		stream("stdout", nil, true)
		stream("stderr", nil, true)
		b.WriteString(`<rsp:CommandState CommandId="` + commandID + `" State="` + stateDone + `"><rsp:ExitCode>` +
			strconv.Itoa(c.exitCode) + `</rsp:ExitCode></rsp:CommandState>`)
	} else {
		b.WriteString(`<rsp:CommandState CommandId="` + commandID + `" State="` + stateRunning + `"></rsp:CommandState>`)
	}
	b.WriteString(`</rsp:ReceiveResponse>`)
	return b.String()
}
