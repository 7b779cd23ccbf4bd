// Command lync-labfarm runs the lab farm standalone: an emulated Lync Server
// 2013 farm that speaks WinRM on loopback, with its control API. The demo,
// manual use and clients outside Go (pywinrm, curl) use it.
//
//	lync-labfarm [-listen 127.0.0.1:15985] [-control 127.0.0.1:15980] [-tls -ca-out ca.pem]
//	             [-scale 0.01] [-farm definition.json] [-user labadmin -password 'LabFarm-2013!']
//	lync-labfarm -print-definition
//
// The default ports are unprivileged neighbours of WinRM's 5985/5986:
// 15985 for HTTP, 15986 with -tls, and 15980 for the control API. It stops
// cleanly on SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/lyncdr/terraform-provider-lync/internal/labfarm"
	"github.com/lyncdr/terraform-provider-lync/internal/labfarm/farm"
)

// Default listen addresses.
const (
	defaultListenHTTP  = "127.0.0.1:15985"
	defaultListenHTTPS = "127.0.0.1:15986"
	defaultControl     = "127.0.0.1:15980"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "lync-labfarm:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("lync-labfarm", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "", "WinRM listen address (default "+defaultListenHTTP+", or "+defaultListenHTTPS+" with -tls)")
	control := fs.String("control", defaultControl, "control API listen address")
	user := fs.String("user", labfarm.DefaultUser, "WinRM Basic user name")
	password := fs.String("password", labfarm.DefaultPassword, "WinRM Basic password")
	useTLS := fs.Bool("tls", false, "serve WinRM over HTTPS with the farm's own CA")
	caOut := fs.String("ca-out", "", "with -tls: write the CA certificate (PEM) to this file")
	scale := fs.Float64("scale", labfarm.DefaultScale, "time scale: wall seconds per farm second (1 = real time)")
	def := fs.String("farm", "", "farm definition JSON file (default: the embedded farm)")
	printDef := fs.Bool("print-definition", false, "print the embedded default farm definition and exit")
	verbose := fs.Bool("v", false, "debug logging (every WinRM request and command)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if *printDef {
		_, err := stdout.Write(farm.DefaultDefinitionJSON())
		return err
	}
	if *scale <= 0 {
		return fmt.Errorf("-scale %v: the time scale must be positive (1 is real time)", *scale)
	}
	if *caOut != "" && !*useTLS {
		return errors.New("-ca-out needs -tls")
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	opts := labfarm.Options{WinRMAddr: *listen, ControlAddr: *control, User: *user, Password: *password,
		TLS: *useTLS, Scale: *scale, Logger: logger}
	if opts.WinRMAddr == "" {
		opts.WinRMAddr = defaultListenHTTP
		if *useTLS {
			opts.WinRMAddr = defaultListenHTTPS
		}
	}
	if *def != "" {
		d, err := farm.LoadDefinition(*def)
		if err != nil {
			return err
		}
		opts.Definition = d
	}

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	f, err := labfarm.Start(ctx, opts)
	if err != nil {
		return err
	}
	if *caOut != "" {
		if err := f.WriteCACert(*caOut); err != nil {
			_ = f.Close()
			return err
		}
	}
	printBanner(stdout, f, *caOut)
	<-ctx.Done()
	logger.Info("shutting down")
	return f.Close()
}

func printBanner(w io.Writer, f *labfarm.Farm, caOut string) {
	st := f.State()
	fmt.Fprintf(w, "Lync lab farm (%s, time scale %g: a farm minute lasts %v)\n", st.Domain, st.Scale, f.Model().Clock().WallDuration(60e9))
	fmt.Fprintf(w, "  WinRM:   %s  (send Host: <server FQDN>; every server below is reachable there)\n", f.WinRMURL())
	if caOut != "" {
		fmt.Fprintf(w, "  CA:      %s\n", caOut)
	}
	fmt.Fprintf(w, "  Control: %s/v1/state\n", f.ControlURL())
	user, _ := f.Credentials()
	fmt.Fprintf(w, "  Login:   Basic %s (password from -password; demo default %q)\n", user, labfarm.DefaultPassword)
	fmt.Fprintf(w, "  CMS:     %s\n", st.CMSPool)
	for _, p := range st.Pools {
		var servers []string
		for _, s := range p.Servers {
			servers = append(servers, s.Fqdn)
		}
		fmt.Fprintf(w, "  Pool %-22s %-10s Lync %s  site %-8s %s\n", p.Fqdn, p.Edition, p.Version, p.Site, strings.Join(servers, ", "))
	}
	fmt.Fprintln(w, "Press Ctrl+C to stop.")
}
