package wsman

import (
	"crypto/x509"
	"encoding/pem"
	"net"
	"slices"
	"testing"
)

func TestNewTLSConfigCertificate(t *testing.T) {
	cfg, caPEM, err := NewTLSConfig("FE01.contoso.com", "pool01.contoso.com", "10.0.0.5", "fe01.contoso.com")
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(caPEM)
	if block == nil || block.Type != "CERTIFICATE" {
		t.Fatalf("CA PEM: %q", caPEM)
	}
	ca, err := x509.ParseCertificate(block.Bytes)
	if err != nil || !ca.IsCA {
		t.Fatalf("CA certificate: %v", err)
	}
	leaf := cfg.Certificates[0].Leaf
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	for _, name := range []string{"fe01.contoso.com", "pool01.contoso.com", "localhost", "127.0.0.1", "::1", "10.0.0.5"} {
		if _, err := leaf.Verify(x509.VerifyOptions{DNSName: name, Roots: roots}); err != nil {
			t.Errorf("certificate not valid for %s: %v", name, err)
		}
	}
	if !slices.Equal(leaf.DNSNames, []string{"localhost", "fe01.contoso.com", "pool01.contoso.com"}) {
		t.Errorf("DNS names %v", leaf.DNSNames)
	}
	if !slices.ContainsFunc(leaf.IPAddresses, net.ParseIP("10.0.0.5").Equal) {
		t.Errorf("IP addresses %v", leaf.IPAddresses)
	}
	if !slices.Equal(cfg.NextProtos, []string{"http/1.1"}) {
		t.Errorf("NextProtos %v", cfg.NextProtos)
	}
}
