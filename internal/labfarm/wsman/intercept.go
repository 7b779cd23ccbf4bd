package wsman

import (
	"fmt"
	"net"
	"net/http"
)

// Action is an Interceptor's verdict on one request: handle it, or emulate a
// failure of the addressed server or of the network in front of it.
type Action int

const (
	// Proceed handles the request normally.
	Proceed Action = iota
	// Reset drops the TCP connection with a RST, without answering: the
	// server crashed or its WinRM service died mid-request. Clients see
	// "connection reset by peer" (masterzen: an error with exit code 0; it
	// reports 16001 only for a clean EOF).
	Reset
	// Hang never answers: the server is unreachable or frozen. The request
	// ends when the client gives up (masterzen: Endpoint.Timeout) or the
	// Server closes; the connection is then reset.
	Hang
	// Unavailable answers HTTP 503 with a text/plain body: a transient
	// overload of HTTP.sys/IIS in front of WinRM.
	Unavailable
	// InternalError answers HTTP 500 with a text/plain body: a transient
	// failure outside the WS-Management layer.
	InternalError
)

// String names the action in logs.
func (a Action) String() string {
	switch a {
	case Proceed:
		return "proceed"
	case Reset:
		return "reset"
	case Hang:
		return "hang"
	case Unavailable:
		return "unavailable"
	case InternalError:
		return "internal-error"
	}
	return fmt.Sprintf("Action(%d)", int(a))
}

// inject carries out a failure action for a request to host.
func (s *Server) inject(a Action, w http.ResponseWriter, r *http.Request, host string) {
	switch a {
	case Reset:
		resetConnection(w)
	case Hang:
		select {
		case <-r.Context().Done():
		case <-s.closing:
		}
		resetConnection(w)
	case Unavailable:
		writeText(w, http.StatusServiceUnavailable,
			fmt.Sprintf("lab farm: %s: 503 Service Unavailable (injected failure)", host))
	default: // InternalError, and any value this version does not know
		writeText(w, http.StatusInternalServerError,
			fmt.Sprintf("lab farm: %s: 500 Internal Server Error (injected failure)", host))
	}
}

// resetConnection closes the client's TCP connection with SO_LINGER 0, so the
// kernel sends a RST instead of a FIN, like a host whose service died. Over TLS
// the raw TCP connection is closed, skipping the close_notify alert. Where the
// connection cannot be hijacked (HTTP/2), the handler aborts instead, which
// resets the stream.
func resetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tcp := tcpConn(conn); tcp != nil {
		_ = tcp.SetLinger(0)
		_ = tcp.Close()
		return
	}
	_ = conn.Close()
}

// tcpConn unwraps conn (e.g. a *tls.Conn) down to its TCP connection.
func tcpConn(conn net.Conn) *net.TCPConn {
	for {
		switch c := conn.(type) {
		case *net.TCPConn:
			return c
		case interface{ NetConn() net.Conn }:
			conn = c.NetConn()
		default:
			return nil
		}
	}
}
