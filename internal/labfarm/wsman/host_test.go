package wsman

import "testing"

func TestNormalizeHost(t *testing.T) {
	for in, want := range map[string]string{
		"fe01.contoso.com":       "fe01.contoso.com",
		"FE01.Contoso.COM:5985":  "fe01.contoso.com",
		"fe01.contoso.com.:5986": "fe01.contoso.com",
		"127.0.0.1:5985":         "127.0.0.1",
		"[::1]:5985":             "::1",
		"[::1]":                  "::1",
		"[FE80::1%25eth0]:5985":  "fe80::1%25eth0",
		"":                       "",
	} {
		if got := normalizeHost(in); got != want {
			t.Errorf("normalizeHost(%q) = %q, want %q", in, got, want)
		}
	}
}
