package provider

import (
	"context"
	"net"
	"os"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/lyncdr/terraform-provider-lync/internal/lync"
	"github.com/lyncdr/terraform-provider-lync/internal/pairing"
	"github.com/lyncdr/terraform-provider-lync/internal/winrm"
)

// providerData is what the provider hands to its resources.
type providerData struct {
	lync    *lync.Client
	options pairing.Options
	// unknown lists provider arguments that were unknown at plan time; lync
	// is nil then.
	unknown []string
	// replacing remembers, for the new pair of a replacement, a pool of the
	// pairing it replaces. Terraform plans a replacement as a destroy and a
	// create, and plans the create with no prior state: the create's
	// precondition check must then judge the topology as the destroy leaves
	// it, instead of refusing the pool as "already paired" with the partner
	// about to be removed. Keyed by the new pair's ID and consumed by its
	// create, so no other pairing is ever checked against a topology that
	// is not there. (Moving a pool between two pairs in one apply therefore
	// fails at plan: apply the destroy first.)
	replacing sync.Map // pairID of the new pair -> lower-case FQDN of a pool of the replaced pairing
}

// workflow returns the pairing workflow for one Terraform operation, with its
// progress logged through that operation's context and its warnings
// (pairings Microsoft does not support, a pairing left alone, simple URLs
// restored) passed to warn. It returns an error diagnostic when the provider
// could not be configured because some of its arguments were not known yet.
// Topology edits stay serialized across workflows: the lock lives in the lync
// layer.
func (d *providerData) workflow(ctx context.Context, warn func(string)) (*pairing.Workflow, diag.Diagnostics) {
	var diags diag.Diagnostics
	if d == nil || d.lync == nil {
		detail := "The provider has no connection settings. Configure the provider block (host, username, password) " +
			"or the LYNC_HOST, LYNC_USERNAME and LYNC_PASSWORD environment variables."
		if d != nil && len(d.unknown) > 0 {
			detail = "These provider arguments depend on values that are not known yet: " + strings.Join(d.unknown, ", ") +
				". Apply the resources they depend on first (terraform apply -target=...), then apply again."
		}
		diags.AddError("Lync Provider Not Configured", detail)
		return nil, diags
	}
	o := d.options
	o.Progress = func(e pairing.Event) {
		logProgress(ctx, e)
		if w, _ := e.Fields["warning"].(bool); w {
			warn(strings.TrimPrefix(e.Message, "warning: "))
		}
	}
	return pairing.New(d.lync, o), diags
}

func (p *lyncProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if unknown := m.unknownAttributes(); len(unknown) > 0 {
		// Planning can go on without a connection: resources check their
		// preconditions again before changing anything.
		tflog.Info(ctx, "provider arguments unknown at plan time; deferring the connection", map[string]any{"unknown": unknown})
		if req.ClientCapabilities.DeferralAllowed {
			// Terraform then defers every read, plan and import of the
			// provider's resources by itself.
			resp.Deferred = &provider.Deferred{Reason: provider.DeferredReasonProviderConfigUnknown}
		}
		data := &providerData{unknown: unknown}
		resp.ResourceData = data
		resp.DataSourceData = data
		return
	}
	s, diags := m.resolve(ctx, os.Getenv)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	warnTransportSecurity(s, &resp.Diagnostics)

	client, err := winrm.New(winrm.Config{
		Port:                 s.Port,
		HTTPS:                s.HTTPS,
		CACertPEM:            s.CACertPEM,
		Insecure:             s.Insecure,
		Auth:                 winrm.AuthMode(s.Auth),
		Username:             s.Username,
		Password:             s.Password,
		ConnectTimeout:       s.ConnectTimeout,
		OperationTimeout:     s.OperationTimeout,
		MaxConcurrentPerHost: s.MaxConcurrentOperations,
		Addresses:            s.HostAddresses,
		Log:                  transportLogger(s.Password),
	})
	if err != nil {
		resp.Diagnostics.AddError("Invalid WinRM Configuration", err.Error())
		return
	}
	data := &providerData{
		lync: lync.New(lync.OverWinRM(client), lync.Options{
			Module:           s.ModuleName,
			BootstrapperPath: s.BootstrapperPath,
		}),
		options: pairing.Options{
			ManagementHost:    s.Host,
			ServerParallelism: s.ServerParallelism,
			PollInterval:      s.StatusPollInterval,
			MaxPollInterval:   8 * s.StatusPollInterval,
		},
	}
	tflog.Debug(ctx, "configured Lync provider", map[string]any{
		"host": s.Host, "port": s.Port, "https": s.HTTPS, "auth": s.Auth, "module_name": s.ModuleName,
		"server_parallelism": s.ServerParallelism, "host_addresses": len(s.HostAddresses),
	})
	resp.ResourceData = data
	resp.DataSourceData = data
}

// transportLogger sends the transport's log lines to tflog, with the password
// masked should it ever appear in a message.
func transportLogger(password string) winrm.Logger {
	return func(ctx context.Context, level winrm.Level, msg string, fields map[string]any) {
		if password != "" {
			ctx = tflog.MaskLogStrings(ctx, password)
		}
		switch level {
		case winrm.LevelTrace:
			tflog.Trace(ctx, msg, fields)
		case winrm.LevelDebug:
			tflog.Debug(ctx, msg, fields)
		case winrm.LevelWarn:
			tflog.Warn(ctx, msg, fields)
		default:
			tflog.Info(ctx, msg, fields)
		}
	}
}

// logProgress logs the workflow's progress, so that TF_LOG=INFO shows each
// step of a long apply. Warnings (pairings Microsoft does not support) are
// logged as such.
func logProgress(ctx context.Context, e pairing.Event) {
	if warning, _ := e.Fields["warning"].(bool); warning {
		tflog.Warn(ctx, e.Message, map[string]any{"step": e.Step, "host": e.Host})
		return
	}
	fields := map[string]any{"step": e.Step}
	if e.Host != "" {
		fields["host"] = e.Host
	}
	for k, v := range e.Fields {
		fields[k] = v
	}
	tflog.Info(ctx, e.Message, fields)
}

// warnTransportSecurity warns when the password or the servers' identity are
// not protected: Basic authentication over plain HTTP to a remote server, or
// HTTPS without certificate verification.
func warnTransportSecurity(s settings, diags *diag.Diagnostics) {
	if !s.HTTPS && !loopbackOnly(s.HostAddresses) {
		if s.Auth == authBasic {
			diags.AddAttributeWarning(path.Root("https"), "Password Sent Over Unencrypted HTTP",
				"https is false, so WinRM Basic authentication sends the password of "+s.Username+" readable by anyone on "+
					"the network path to "+s.Host+" and the Front End servers (and the servers must allow unencrypted WinRM). "+
					"Set https = true, with ca_certificate when the WinRM certificates come from a private CA.")
		} else {
			diags.AddAttributeWarning(path.Root("https"), "WinRM Traffic Not Encrypted",
				"https is false: NTLM keeps the password off the wire, but the scripts and their results (the topology) "+
					"travel unencrypted, and the servers must allow unencrypted WinRM (AllowUnencrypted). "+
					"Set https = true, with ca_certificate when the WinRM certificates come from a private CA.")
		}
	}
	if s.Insecure {
		diags.AddAttributeWarning(path.Root("insecure"), "TLS Certificate Verification Disabled",
			"insecure = true accepts any certificate, so nothing proves that Terraform talks to "+s.Host+
				" rather than to whoever intercepts the connection and the password. Set ca_certificate instead.")
	}
}

// loopbackOnly reports whether every server is dialled on this machine
// (the lab farm, or an SSH tunnel): the "*" entry and every other entry of
// host_addresses are loopback addresses.
func loopbackOnly(addresses map[string]string) bool {
	if _, ok := addresses["*"]; !ok {
		return false
	}
	for _, a := range addresses {
		host := a
		if h, _, err := net.SplitHostPort(a); err == nil {
			host = h
		}
		ip := net.ParseIP(strings.Trim(host, "[]"))
		if !strings.EqualFold(host, "localhost") && (ip == nil || !ip.IsLoopback()) {
			return false
		}
	}
	return true
}
