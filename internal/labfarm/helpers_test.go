package labfarm

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/masterzen/winrm"
)

// testScale makes a farm minute last 60 ms of wall time.
const testScale = 0.001

// startTestFarm starts a farm for one test and closes it at the end.
func startTestFarm(t *testing.T, opts Options) *Farm {
	t.Helper()
	if opts.Scale == 0 {
		opts.Scale = testScale
	}
	f, err := Start(context.Background(), opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := f.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return f
}

// winrmClient returns an unmodified masterzen client for one farm server,
// whose connections go to the farm's listener as a DNS entry would send them.
func winrmClient(t *testing.T, f *Farm, host, user, password string) *winrm.Client {
	t.Helper()
	return winrmClientTimeout(t, f, host, user, password, 20*time.Second)
}

// winrmClientTimeout is winrmClient with an Endpoint.Timeout (the response
// header timeout).
func winrmClientTimeout(t *testing.T, f *Farm, host, user, password string, timeout time.Duration) *winrm.Client {
	t.Helper()
	if user == "" {
		user, password = f.Credentials()
	}
	params := winrm.NewParameters("PT60S", "en-US", 153600)
	addr := f.WinRMAddr()
	params.Dial = func(network, _ string) (net.Conn, error) { return net.Dial(network, addr) }
	endpoint := winrm.NewEndpoint(host, f.WinRMPort(), f.TLS(), false, f.CACertPEM(), nil, nil, timeout)
	c, err := winrm.NewClientWithParameters(endpoint, user, password, params)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// requireInterpreter fails a test that needs the PowerShell interpreter while
// its entry point is not wired in (interpreter.go).
func requireInterpreter(t *testing.T) {
	t.Helper()
	if !interpreterReady {
		t.Fatal("the PowerShell interpreter (ps.RunCommandLine) is not wired into the lab farm yet: see internal/labfarm/interpreter.go")
	}
}
