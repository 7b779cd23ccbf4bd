package wsman

import (
	"net"
	"net/http"
	"strings"
)

// requestHost returns the emulated server a request is addressed to: the HTTP
// Host header, lower-cased, without port, without IPv6 brackets and without a
// trailing dot ("FE01.contoso.com.:5986" and "fe01.contoso.com" are the same
// server, as they are to DNS).
func requestHost(r *http.Request) string {
	return normalizeHost(r.Host)
}

func normalizeHost(host string) string {
	host = strings.TrimSpace(host)
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	} else if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
		host = host[1 : len(host)-1] // "[::1]" without a port
	}
	return strings.TrimSuffix(strings.ToLower(host), ".")
}
