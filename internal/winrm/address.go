package winrm

import (
	"errors"
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"
)

// defaultAddressKey is the Config.Addresses key that applies to every server
// without an entry of its own.
const defaultAddressKey = "*"

// normalizeHost returns the canonical form of a server name: DNS names are
// case-insensitive and may carry a trailing root dot.
func normalizeHost(h string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(h)), ".")
}

// checkHost rejects values that are not a bare server name or IP address, so
// that a URL, a "host:port" or a typo with spaces fails with a clear message
// instead of an obscure dial or URL error.
func checkHost(h string) error {
	switch {
	case h == "":
		return errors.New("winrm: server name is empty")
	case strings.ContainsAny(h, " \t\r\n/\\@?#"):
		return fmt.Errorf("winrm: %q is not a server name (expected an FQDN such as fe01.contoso.com)", h)
	case strings.Contains(h, ":") && net.ParseIP(h) == nil:
		return fmt.Errorf("winrm: server name %q must not carry a port; configure the port, or map the name to host:port in the address map", h)
	}
	return nil
}

// addressMap resolves a server FQDN to the address to dial. The FQDN itself
// is never replaced in the URL: it stays the Host header and TLS name.
type addressMap struct {
	byHost   map[string]string // normalized FQDN -> host:port
	fallback string            // from the "*" key, "" when absent
}

// newAddressMap normalizes cfg.Addresses, filling in the default port.
// Config.validate has already reported malformed entries.
func newAddressMap(addrs map[string]string, port int) addressMap {
	m := addressMap{byHost: make(map[string]string, len(addrs))}
	for k, v := range addrs {
		a, err := joinDefaultPort(v, port)
		if err != nil {
			continue
		}
		if k == defaultAddressKey {
			m.fallback = a
			continue
		}
		m.byHost[normalizeHost(k)] = a
	}
	return m
}

// resolve returns the address to dial for fqdn (already normalized) and
// whether the address map supplied it.
func (m addressMap) resolve(fqdn string, port int) (addr string, mapped bool) {
	if a, ok := m.byHost[fqdn]; ok {
		return a, true
	}
	if m.fallback != "" {
		return m.fallback, true
	}
	return net.JoinHostPort(fqdn, strconv.Itoa(port)), false
}

// validateAddresses reports every malformed or ambiguous entry.
func validateAddresses(addrs map[string]string) error {
	var errs []error
	seen := map[string]string{}
	keys := make([]string, 0, len(addrs))
	for k := range addrs {
		keys = append(keys, k)
	}
	sort.Strings(keys) // deterministic messages
	for _, k := range keys {
		v := addrs[k]
		if k != defaultAddressKey {
			if err := checkHost(strings.TrimSpace(k)); err != nil {
				errs = append(errs, fmt.Errorf("address map key %q: not a server name", k))
				continue
			}
			n := normalizeHost(k)
			if prev, dup := seen[n]; dup {
				errs = append(errs, fmt.Errorf("address map keys %q and %q name the same server", prev, k))
				continue
			}
			seen[n] = k
		}
		if _, err := joinDefaultPort(v, 1); err != nil {
			errs = append(errs, fmt.Errorf("address map entry %q: %w", k, err))
		}
	}
	return errors.Join(errs...)
}

// joinDefaultPort turns "host", "host:port", "[v6]", "[v6]:port" or a bare
// IPv6 literal into "host:port".
func joinDefaultPort(v string, port int) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", errors.New("address is empty")
	}
	if strings.Contains(v, "://") || strings.ContainsAny(v, " /@") {
		return "", fmt.Errorf("address %q must be host or host:port, not a URL", v)
	}
	if host, p, err := net.SplitHostPort(v); err == nil {
		n, perr := strconv.Atoi(p)
		if perr != nil || n < 1 || n > 65535 {
			return "", fmt.Errorf("address %q has an invalid port", v)
		}
		if host == "" {
			return "", fmt.Errorf("address %q has no host", v)
		}
		return net.JoinHostPort(host, p), nil
	}
	host := v
	switch {
	case strings.HasPrefix(v, "[") && strings.HasSuffix(v, "]"):
		host = v[1 : len(v)-1]
		if net.ParseIP(host) == nil {
			return "", fmt.Errorf("address %q is not a bracketed IPv6 address", v)
		}
	case strings.Contains(v, ":"):
		if net.ParseIP(v) == nil {
			return "", fmt.Errorf("address %q is not host or host:port", v)
		}
	}
	return net.JoinHostPort(host, strconv.Itoa(port)), nil
}
