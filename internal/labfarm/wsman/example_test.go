package wsman_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/lyncdr/terraform-provider-lync/internal/labfarm/wsman"
	"github.com/masterzen/winrm"
)

// hostname is an Executor that answers every command with the name of the
// server it runs on.
type hostname struct{}

func (hostname) Run(_ context.Context, cmd wsman.Command) int {
	fmt.Fprintf(cmd.Stdout, "%s\r\n", strings.ToUpper(strings.Split(cmd.Host, ".")[0]))
	return 0
}

// A farm of two servers behind one loopback listener, reached by the
// unmodified masterzen client as if DNS pointed both names at it.
func Example() {
	servers := map[string]bool{"fe01.contoso.com": true, "fe02.contoso.com": true}
	srv, err := wsman.New(wsman.Config{
		Executor:     hostname{},
		KnownHost:    func(host string) bool { return servers[host] },
		Authenticate: func(user, password string) bool { return user == `CONTOSO\admin` && password == "secret" },
	})
	if err != nil {
		panic(err)
	}
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(listener) }()
	defer func() {
		_ = srv.Close() // first: releases held Receives
		_ = hs.Shutdown(context.Background())
	}()

	addr := listener.Addr().String()
	params := winrm.NewParameters("PT60S", "en-US", 153600)
	params.Dial = func(network, _ string) (net.Conn, error) { return net.Dial(network, addr) }
	tcpAddr, ok := listener.Addr().(*net.TCPAddr)
	if !ok {
		panic("not a TCP listener")
	}
	port := tcpAddr.Port
	for _, host := range []string{"fe01.contoso.com", "fe02.contoso.com"} {
		endpoint := winrm.NewEndpoint(host, port, false, false, nil, nil, nil, 30*time.Second)
		client, err := winrm.NewClientWithParameters(endpoint, `CONTOSO\admin`, "secret", params)
		if err != nil {
			panic(err)
		}
		stdout, _, code, err := client.RunWithContextWithString(context.Background(), "hostname", "")
		fmt.Println(strings.TrimSpace(stdout), code, err)
	}
	// Output:
	// FE01 0 <nil>
	// FE02 0 <nil>
}

// whoami is an Executor that answers every command with the authenticated
// user.
type whoami struct{}

func (whoami) Run(_ context.Context, cmd wsman.Command) int {
	fmt.Fprintf(cmd.Stdout, "%s\r\n", cmd.User)
	return 0
}

// NTLM next to Basic: the HTTP server keeps per-connection handshake state
// through Server.ConnContext, and the unmodified masterzen ClientNTLM
// authenticates with NTLMv2.
func Example_ntlm() {
	srv, err := wsman.New(wsman.Config{
		Executor:   whoami{},
		NTLM:       true,
		NTLMDomain: "CONTOSO",
		Password: func(user, _ string) (string, bool) {
			return "secret", strings.EqualFold(user, "admin") // any domain
		},
	})
	if err != nil {
		panic(err)
	}
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	hs := &http.Server{Handler: srv, ConnContext: srv.ConnContext, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(listener) }()
	defer func() {
		_ = srv.Close()
		_ = hs.Shutdown(context.Background())
	}()

	tcpAddr, ok := listener.Addr().(*net.TCPAddr)
	if !ok {
		panic("not a TCP listener")
	}
	params := winrm.NewParameters("PT60S", "en-US", 153600)
	params.TransportDecorator = func() winrm.Transporter { return &winrm.ClientNTLM{} }
	// ClientNTLM dials the endpoint's host itself (it ignores params.Dial).
	endpoint := winrm.NewEndpoint("127.0.0.1", tcpAddr.Port, false, false, nil, nil, nil, 30*time.Second)
	client, err := winrm.NewClientWithParameters(endpoint, `CONTOSO\admin`, "secret", params)
	if err != nil {
		panic(err)
	}
	stdout, _, code, err := client.RunWithContextWithString(context.Background(), "whoami", "")
	fmt.Println(strings.TrimSpace(stdout), code, err)
	// Output:
	// CONTOSO\admin 0 <nil>
}
