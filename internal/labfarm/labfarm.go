// Package labfarm assembles the lab farm: the Lync farm model (package
// farm), the PowerShell interpreter (package ps) and the WS-Management server
// (package wsman), served on loopback, plus a control API over HTTP to read
// the farm's state and inject faults, and a typed Go client for it.
//
//	f, err := labfarm.Start(ctx, labfarm.Options{Scale: 0.001})
//	defer f.Close()
//	// WinRM: POST http://<f.WinRMAddr()>/wsman with Host: fe01.contoso.com,
//	// Basic labadmin / LabFarm-2013!
//	st, err := f.Client().State(ctx)
//
// Every farm server is reachable through the one WinRM listener: the HTTP
// Host header names the server, as the provider's endpoint host would on a
// real network. The package imports nothing of the provider side.
package labfarm

import (
	"context"
	"crypto/subtle"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/lyncdr/terraform-provider-lync/internal/labfarm/farm"
	"github.com/lyncdr/terraform-provider-lync/internal/labfarm/wsman"
)

// Demo credentials of the lab farm (documented in README.md). They guard a
// loopback-only emulator; nothing real is behind them.
const (
	DefaultUser     = "labadmin"
	DefaultPassword = "LabFarm-2013!"
)

// DefaultScale is the time scale when Options.Scale is zero: a farm minute
// lasts 600 ms, so the seed's whole procedure (Bootstrapper minutes, a
// 2-minute SyncInterval) runs in seconds with realistic ratios.
const DefaultScale = 0.01

// Options configures Start. The zero value is a working farm: the embedded
// default definition, plain HTTP on 127.0.0.1 ephemeral ports, the demo
// credentials and DefaultScale.
type Options struct {
	// WinRMAddr is the WinRM listen address; default 127.0.0.1:0.
	WinRMAddr string
	// ControlAddr is the control API listen address; default 127.0.0.1:0.
	ControlAddr string
	// User and Password are the Basic credentials WinRM accepts; defaults
	// DefaultUser and DefaultPassword.
	User, Password string
	// TLS serves WinRM over HTTPS with a certificate from the farm's own CA
	// (CACertPEM), valid for every farm server FQDN, localhost and 127.0.0.1.
	TLS bool
	// Scale is wall seconds per farm second (farm.Clock); default DefaultScale.
	Scale float64
	// Definition is the farm; default the embedded one (farm.DefaultDefinition).
	Definition *farm.Definition
	// Logger receives the farm's logs; default discards.
	Logger *slog.Logger
	// WSMan tunes the WS-Management server (hold time, limits); its
	// Executor, Authenticate, KnownHost and Interceptor are the farm's.
	WSMan wsman.Config
}

// Farm is a running lab farm.
type Farm struct {
	model   *farm.Farm
	wsman   *wsman.Server
	opts    Options
	caPEM   []byte
	tls     bool
	winrm   net.Listener
	control net.Listener
	servers []*http.Server
	logger  *slog.Logger

	closeOnce sync.Once
	closeErr  error
	served    sync.WaitGroup
}

// Start builds the farm and starts serving WinRM and the control API. ctx
// bounds the start only; the farm runs until Close.
func Start(ctx context.Context, opts Options) (*Farm, error) {
	if opts.WinRMAddr == "" {
		opts.WinRMAddr = "127.0.0.1:0"
	}
	if opts.ControlAddr == "" {
		opts.ControlAddr = "127.0.0.1:0"
	}
	if opts.User == "" {
		opts.User = DefaultUser
	}
	if opts.Password == "" {
		opts.Password = DefaultPassword
	}
	if opts.Scale == 0 {
		opts.Scale = DefaultScale
	}
	if opts.Definition == nil {
		opts.Definition = farm.DefaultDefinition()
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	model, err := farm.New(opts.Definition, opts.Scale)
	if err != nil {
		return nil, err
	}
	f := &Farm{model: model, opts: opts, tls: opts.TLS, logger: logger}

	cfg := opts.WSMan
	cfg.Executor = &executor{model: model, logger: logger}
	cfg.Authenticate = f.authenticate
	// Windows offers Negotiate (NTLM) next to Basic; domain accounts can
	// only use the former.
	cfg.NTLM = true
	cfg.Password = f.password
	cfg.KnownHost = model.KnownHost
	cfg.Interceptor = f.intercept
	if cfg.Logger == nil {
		cfg.Logger = logger
	}
	if f.wsman, err = wsman.New(cfg); err != nil {
		return nil, err
	}

	var lc net.ListenConfig
	if f.winrm, err = lc.Listen(ctx, "tcp", opts.WinRMAddr); err != nil {
		_ = f.wsman.Close()
		return nil, fmt.Errorf("lab farm: WinRM listener: %w", err)
	}
	if f.control, err = lc.Listen(ctx, "tcp", opts.ControlAddr); err != nil {
		_ = f.winrm.Close()
		_ = f.wsman.Close()
		return nil, fmt.Errorf("lab farm: control listener: %w", err)
	}
	winrmLn := f.winrm
	if opts.TLS {
		tlsCfg, caPEM, err := wsman.NewTLSConfig(model.Hosts()...)
		if err != nil {
			_ = f.winrm.Close()
			_ = f.control.Close()
			_ = f.wsman.Close()
			return nil, err
		}
		f.caPEM = caPEM
		winrmLn = tls.NewListener(f.winrm, tlsCfg)
	}
	f.serve(winrmLn, f.wsman, f.wsman.ConnContext)
	f.serve(f.control, newControlHandler(f), nil)
	logger.Info("lab farm started", "winrm", f.WinRMURL(), "control", f.ControlURL(), "servers", len(model.Hosts()), "scale", opts.Scale)
	return f, nil
}

func (f *Farm) serve(ln net.Listener, h http.Handler, connContext func(context.Context, net.Conn) context.Context) {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ConnContext: connContext,
		ErrorLog: slog.NewLogLogger(f.logger.Handler(), slog.LevelDebug)}
	f.servers = append(f.servers, srv)
	f.served.Add(1)
	go func() {
		defer f.served.Done()
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			f.logger.Error("lab farm: serve", "addr", ln.Addr().String(), "err", err)
		}
	}()
}

// authenticate checks Basic credentials. The user name is compared
// case-insensitively, as Windows does, and may carry a domain
// (CONTOSO\labadmin or labadmin@contoso.com).
func (f *Farm) authenticate(user, password string) bool {
	if i := strings.LastIndex(user, `\`); i >= 0 {
		user = user[i+1:]
	}
	if i := strings.Index(user, "@"); i >= 0 {
		user = user[:i]
	}
	okUser := subtle.ConstantTimeCompare([]byte(strings.ToLower(user)), []byte(strings.ToLower(f.opts.User))) == 1
	okPass := subtle.ConstantTimeCompare([]byte(password), []byte(f.opts.Password)) == 1
	return okUser && okPass
}

// password gives the NTLM verifier the password of the farm's account; the
// user name is compared case-insensitively, whatever the domain.
func (f *Farm) password(user, _ string) (string, bool) {
	return f.opts.Password, strings.EqualFold(user, f.opts.User)
}

// intercept applies server-down and transient faults to WinRM requests.
func (f *Farm) intercept(host string, _ wsman.Op) wsman.Action {
	switch f.model.WireFault(host) {
	case farm.WireRefused, farm.WireReset:
		return wsman.Reset
	case farm.WireTimeout:
		return wsman.Hang
	case farm.WireHTTP503:
		return wsman.Unavailable
	}
	return wsman.Proceed
}

// Close stops serving: running commands are cancelled, then both listeners
// close. It is safe to call more than once.
func (f *Farm) Close() error {
	f.closeOnce.Do(func() {
		err := f.wsman.Close()
		// Shutdown waits for connections that carry no request yet (a
		// client's spare keep-alive connection) for up to 5 s; a lab farm
		// does not need to be that polite.
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		for _, s := range f.servers {
			if s.Shutdown(ctx) != nil {
				_ = s.Close()
			}
		}
		f.served.Wait()
		f.closeErr = err
		f.logger.Info("lab farm stopped")
	})
	return f.closeErr
}

// WinRMAddr returns the WinRM listener's host:port (127.0.0.1:port).
func (f *Farm) WinRMAddr() string { return f.winrm.Addr().String() }

// WinRMURL returns the WinRM endpoint URL on the listener's address
// (http://127.0.0.1:port/wsman or https://...). Clients address one farm
// server through it by its FQDN in the Host header.
func (f *Farm) WinRMURL() string {
	scheme := "http"
	if f.tls {
		scheme = "https"
	}
	return scheme + "://" + f.WinRMAddr() + "/wsman"
}

// WinRMPort returns the WinRM listener's port (0 if it were not a TCP
// listener; Start always listens on TCP).
func (f *Farm) WinRMPort() int {
	if a, ok := f.winrm.Addr().(*net.TCPAddr); ok {
		return a.Port
	}
	return 0
}

// TLS reports whether WinRM is served over HTTPS.
func (f *Farm) TLS() bool { return f.tls }

// ControlURL returns the control API's base URL (http://127.0.0.1:port).
func (f *Farm) ControlURL() string { return "http://" + f.control.Addr().String() }

// Credentials returns the Basic credentials WinRM accepts.
func (f *Farm) Credentials() (user, password string) { return f.opts.User, f.opts.Password }

// CACertPEM returns the farm CA's certificate in PEM form (nil without TLS).
func (f *Farm) CACertPEM() []byte { return append([]byte(nil), f.caPEM...) }

// WriteCACert writes the CA certificate PEM to a file.
func (f *Farm) WriteCACert(path string) error {
	if f.caPEM == nil {
		return errors.New("lab farm: TLS is off, there is no CA certificate")
	}
	return os.WriteFile(path, f.caPEM, 0o644)
}

// Model returns the farm model, for in-process tests.
func (f *Farm) Model() *farm.Farm { return f.model }

// Hosts returns the FQDNs of the farm's servers.
func (f *Farm) Hosts() []string { return f.model.Hosts() }

// State returns the farm state with the WinRM counters of each host.
func (f *Farm) State() farm.State {
	st := f.model.State()
	st.WinRM = map[string]farm.HostStats{}
	for host, s := range f.wsman.Stats() {
		st.WinRM[host] = farm.HostStats{Requests: s.Requests, Shells: s.ShellsCreated, OpenShells: s.OpenShells, Commands: s.CommandsRun}
	}
	return st
}

// Client returns a control API client for this farm.
func (f *Farm) Client() *ControlClient { return NewControlClient(f.ControlURL()) }
