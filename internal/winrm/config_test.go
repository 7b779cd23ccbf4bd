package winrm

import (
	"strings"
	"testing"
	"time"
)

func TestNewDefaults(t *testing.T) {
	c, err := New(Config{Username: "admin", Password: "pw"})
	if err != nil {
		t.Fatal(err)
	}
	got := c.cfg
	if got.Port != 5985 || got.ConnectTimeout != DefaultConnectTimeout || got.OperationTimeout != DefaultOperationTimeout ||
		got.MaxConcurrentPerHost != 4 || got.Retry.MaxAttempts != 3 || got.Retry.BaseBackoff != time.Second ||
		got.Retry.MaxBackoff != DefaultRetryMaxBackoff || got.Auth != AuthBasic {
		t.Errorf("defaults not applied: %+v", got)
	}
	c, err = New(Config{Username: "admin", HTTPS: true})
	if err != nil {
		t.Fatal(err)
	}
	if c.cfg.Port != 5986 {
		t.Errorf("HTTPS default port = %d, want 5986", c.cfg.Port)
	}
	c, err = New(Config{Username: `CONTOSO\admin`, Auth: AuthNTLM})
	if err != nil {
		t.Fatal(err)
	}
	if c.cfg.Auth != AuthNTLM || AuthBasic != "basic" || AuthNTLM != "ntlm" {
		t.Errorf("auth = %q", c.cfg.Auth)
	}
}

func TestNewCopiesCallerData(t *testing.T) {
	addrs := map[string]string{"*": "127.0.0.1:1"}
	c, err := New(Config{Username: "admin", Addresses: addrs})
	if err != nil {
		t.Fatal(err)
	}
	addrs["*"] = "10.0.0.1"
	if c.cfg.Addresses["*"] != "127.0.0.1:1" {
		t.Error("the client shares the caller's address map")
	}
}

func TestNewValidation(t *testing.T) {
	caPEM := testCAPEM(t)
	tests := []struct {
		name string
		cfg  Config
		want []string // substrings of the error; nil: valid
	}{
		{"minimal", Config{Username: "u"}, nil},
		{"https with CA", Config{Username: "u", HTTPS: true, CACertPEM: caPEM}, nil},
		{"https insecure", Config{Username: "u", HTTPS: true, Insecure: true}, nil},
		{"basic", Config{Username: "u", Auth: AuthBasic}, nil},
		{"ntlm", Config{Username: `CONTOSO\u`, Auth: AuthNTLM}, nil},
		{"ntlm over HTTPS", Config{Username: "u@contoso.com", Auth: "ntlm", HTTPS: true, Insecure: true}, nil},
		{"unknown auth", Config{Username: "u", Auth: "kerberos"}, []string{`authentication "kerberos" is not supported: use "basic" or "ntlm"`}},
		{"auth names are exact", Config{Username: "u", Auth: "NTLM"}, []string{`authentication "NTLM" is not supported`}},
		{"colon in username under NTLM", Config{Username: `D\a:b`, Auth: AuthNTLM}, []string{"contains a colon"}},
		{"no username", Config{}, []string{"username is required"}},
		{"colon in username", Config{Username: "a:b"}, []string{"contains a colon"}},
		{"port too high", Config{Username: "u", Port: 70000}, []string{"port 70000 is out of range"}},
		{"negative port", Config{Username: "u", Port: -1}, []string{"port -1 is out of range"}},
		{"negative timeouts", Config{Username: "u", ConnectTimeout: -time.Second, OperationTimeout: -time.Second},
			[]string{"connect timeout -1s is negative", "operation timeout -1s is negative"}},
		{"negative cap", Config{Username: "u", MaxConcurrentPerHost: -1}, []string{"max concurrent"}},
		{"negative retry", Config{Username: "u", Retry: RetryPolicy{MaxAttempts: -1, BaseBackoff: -1}},
			[]string{"retry max attempts -1", "retry backoff"}},
		{"CA not PEM", Config{Username: "u", HTTPS: true, CACertPEM: []byte("hello")}, []string{`no PEM "CERTIFICATE" block`}},
		{"CA garbage certificate", Config{Username: "u", HTTPS: true, CACertPEM: []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")},
			[]string{"CA certificate #1 cannot be parsed"}},
		{"CA over HTTP", Config{Username: "u", CACertPEM: caPEM}, []string{"HTTPS is off"}},
		{"CA and insecure", Config{Username: "u", HTTPS: true, Insecure: true, CACertPEM: caPEM}, []string{"choose one"}},
		{"insecure over HTTP", Config{Username: "u", Insecure: true}, []string{"insecure is set but HTTPS is off"}},
		{"bad address", Config{Username: "u", Addresses: map[string]string{"fe01.contoso.com": "http://x"}}, []string{`address map entry "fe01.contoso.com"`, "not a URL"}},
		{"all problems at once", Config{Port: 99999, ConnectTimeout: -1}, []string{"port", "username", "connect timeout"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("New() = %v, want no error", err)
				}
				return
			}
			if err == nil {
				t.Fatal("New() succeeded, want an error")
			}
			if !strings.HasPrefix(err.Error(), "winrm: invalid configuration: ") {
				t.Errorf("error %q lacks the common prefix", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}
