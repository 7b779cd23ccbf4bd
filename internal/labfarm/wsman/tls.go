package wsman

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"slices"
	"time"
)

// certificateLifetime bounds the certificates NewTLSConfig issues. They live
// in memory for one farm process, so a short life costs nothing and keeps a
// leaked CA PEM file useless soon.
const certificateLifetime = 7 * 24 * time.Hour

// NewTLSConfig creates an in-memory ECDSA P-256 certificate authority and a
// server certificate signed by it, valid for dnsNames plus localhost,
// 127.0.0.1 and ::1 (names that are IP literals become IP SANs). It returns
// the listener's TLS configuration and the CA certificate in PEM form for
// clients to trust (masterzen: Endpoint.CACert; pywinrm:
// server_cert_validation with ca_trust_path).
//
// The configuration offers HTTP/1.1 only: WinRM is HTTP/1.1, and the Reset
// fault injection needs a connection it can hijack. Serve it through
// tls.NewListener and http.Server.Serve (ServeTLS would add h2) or
// httptest.Server.StartTLS.
func NewTLSConfig(dnsNames ...string) (*tls.Config, []byte, error) {
	now := time.Now()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("wsman: generate CA key: %w", err)
	}
	caTemplate := &x509.Certificate{
		SerialNumber:          serialNumber(),
		Subject:               pkix.Name{CommonName: "Lync lab farm CA", Organization: []string{"lab farm"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(certificateLifetime),
		IsCA:                  true,
		BasicConstraintsValid: true,
		MaxPathLenZero:        true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTemplate, caTemplate, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, nil, fmt.Errorf("wsman: create CA certificate: %w", err)
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, nil, fmt.Errorf("wsman: parse CA certificate: %w", err)
	}

	names := []string{"localhost"}
	ips := []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
	for _, n := range dnsNames {
		n = normalizeHost(n)
		switch ip := net.ParseIP(n); {
		case n == "":
		case ip != nil:
			if !slices.ContainsFunc(ips, ip.Equal) {
				ips = append(ips, ip)
			}
		case !slices.Contains(names, n):
			names = append(names, n)
		}
	}
	commonName := names[0]
	if len(names) > 1 {
		commonName = names[1] // the first name the caller asked for
	}
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("wsman: generate server key: %w", err)
	}
	leafTemplate := &x509.Certificate{
		SerialNumber: serialNumber(),
		Subject:      pkix.Name{CommonName: commonName, Organization: []string{"lab farm"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(certificateLifetime),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     names,
		IPAddresses:  ips,
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTemplate, caCert, &leafKey.PublicKey, caKey)
	if err != nil {
		return nil, nil, fmt.Errorf("wsman: create server certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(leafDER)
	if err != nil {
		return nil, nil, fmt.Errorf("wsman: parse server certificate: %w", err)
	}

	cfg := &tls.Config{
		MinVersion: tls.VersionTLS12,
		NextProtos: []string{"http/1.1"},
		Certificates: []tls.Certificate{{
			Certificate: [][]byte{leafDER, caDER},
			PrivateKey:  leafKey,
			Leaf:        leaf,
		}},
	}
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
	return cfg, caPEM, nil
}

// serialNumber returns a random positive 128-bit certificate serial number.
func serialNumber() *big.Int {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[0] &= 0x7f
	b[0] |= 0x01 // nonzero, positive
	return new(big.Int).SetBytes(b)
}
