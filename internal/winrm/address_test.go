package winrm

import (
	"strings"
	"testing"
)

func TestAddressMapResolve(t *testing.T) {
	tests := []struct {
		name       string
		addrs      map[string]string
		fqdn       string
		want       string
		wantMapped bool
	}{
		{"no map dials the FQDN", nil, "fe01.contoso.com", "fe01.contoso.com:5986", false},
		{"exact entry with port", map[string]string{"fe01.contoso.com": "10.0.0.5:15986"}, "fe01.contoso.com", "10.0.0.5:15986", true},
		{"entry without port takes the configured port", map[string]string{"fe01.contoso.com": "10.0.0.5"}, "fe01.contoso.com", "10.0.0.5:5986", true},
		{"keys are case-insensitive, root dot ignored", map[string]string{"FE01.Contoso.COM.": "10.0.0.5"}, "fe01.contoso.com", "10.0.0.5:5986", true},
		{"star is the default", map[string]string{"*": "127.0.0.1:40000", "fe02.contoso.com": "10.0.0.6"}, "fe01.contoso.com", "127.0.0.1:40000", true},
		{"own entry beats star", map[string]string{"*": "127.0.0.1:40000", "fe02.contoso.com": "10.0.0.6"}, "fe02.contoso.com", "10.0.0.6:5986", true},
		{"other names without star dial themselves", map[string]string{"fe02.contoso.com": "10.0.0.6"}, "fe01.contoso.com", "fe01.contoso.com:5986", false},
		{"bare IPv6", map[string]string{"*": "::1"}, "fe01.contoso.com", "[::1]:5986", true},
		{"bracketed IPv6 with port", map[string]string{"*": "[::1]:1234"}, "fe01.contoso.com", "[::1]:1234", true},
		{"bracketed IPv6 without port", map[string]string{"*": "[fe80::1]"}, "fe01.contoso.com", "[fe80::1]:5986", true},
		{"IPv6 server name", nil, "::1", "[::1]:5986", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := validateAddresses(tt.addrs); err != nil {
				t.Fatalf("validateAddresses: %v", err)
			}
			got, mapped := newAddressMap(tt.addrs, 5986).resolve(tt.fqdn, 5986)
			if got != tt.want || mapped != tt.wantMapped {
				t.Errorf("resolve(%q) = %q, %v; want %q, %v", tt.fqdn, got, mapped, tt.want, tt.wantMapped)
			}
		})
	}
}

func TestValidateAddresses(t *testing.T) {
	tests := []struct {
		name  string
		addrs map[string]string
		want  string
	}{
		{"empty value", map[string]string{"fe01": ""}, "address is empty"},
		{"URL value", map[string]string{"fe01": "https://10.0.0.1"}, "not a URL"},
		{"bad port", map[string]string{"fe01": "10.0.0.1:99999"}, "invalid port"},
		{"non-numeric port", map[string]string{"fe01": "10.0.0.1:https"}, "invalid port"},
		{"no host", map[string]string{"fe01": ":5985"}, "has no host"},
		{"bad key", map[string]string{"https://fe01": "10.0.0.1"}, "not a server name"},
		{"key with port", map[string]string{"fe01:5985": "10.0.0.1"}, "not a server name"},
		{"duplicate keys", map[string]string{"FE01.contoso.com": "10.0.0.1", "fe01.contoso.com.": "10.0.0.2"}, "name the same server"},
		{"bad bracket", map[string]string{"*": "[nope]"}, "not a bracketed IPv6"},
		{"too many colons", map[string]string{"*": "a:b:c"}, "not host or host:port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := validateAddresses(tt.addrs)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("validateAddresses() = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestCheckHost(t *testing.T) {
	for _, ok := range []string{"fe01.contoso.com", "FE01", "10.0.0.1", "::1"} {
		if err := checkHost(ok); err != nil {
			t.Errorf("checkHost(%q) = %v", ok, err)
		}
	}
	for in, want := range map[string]string{
		"":                      "empty",
		"https://fe01":          "not a server name",
		"fe01.contoso.com:5986": "must not carry a port",
		"fe01 .contoso.com":     "not a server name",
		`CONTOSO\fe01`:          "not a server name",
		"user@fe01.contoso.com": "not a server name",
	} {
		if err := checkHost(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("checkHost(%q) = %v, want %q", in, err, want)
		}
	}
}
