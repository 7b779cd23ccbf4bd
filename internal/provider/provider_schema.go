package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// providerModel is the provider block.
type providerModel struct {
	Host                    types.String `tfsdk:"host"`
	Port                    types.Int64  `tfsdk:"port"`
	HTTPS                   types.Bool   `tfsdk:"https"`
	CACertificate           types.String `tfsdk:"ca_certificate"`
	Insecure                types.Bool   `tfsdk:"insecure"`
	Auth                    types.String `tfsdk:"auth"`
	Username                types.String `tfsdk:"username"`
	Password                types.String `tfsdk:"password"`
	ConnectTimeout          types.String `tfsdk:"connect_timeout"`
	OperationTimeout        types.String `tfsdk:"operation_timeout"`
	ModuleName              types.String `tfsdk:"module_name"`
	BootstrapperPath        types.String `tfsdk:"bootstrapper_path"`
	MaxConcurrentOperations types.Int64  `tfsdk:"max_concurrent_operations"`
	ServerParallelism       types.Int64  `tfsdk:"server_parallelism"`
	StatusPollInterval      types.String `tfsdk:"status_poll_interval"`
	HostAddresses           types.Map    `tfsdk:"host_addresses"`
}

func (p *lyncProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The Lync provider pairs Lync Server 2013 (and Skype for Business Server) Front End pools " +
			"for disaster recovery over WinRM. It connects to one management host that runs the Lync Server " +
			"Management Shell cmdlets, and to every Front End server of the two pools to run `Bootstrapper.exe` " +
			"and start the `LYNCBACKUP` service there. Every setting can also come from a `LYNC_*` environment variable.",
		Attributes: map[string]schema.Attribute{
			"host": schema.StringAttribute{
				MarkdownDescription: "FQDN of the server that runs the Lync management cmdlets (a Front End server or a " +
					"server with the Lync Server administrative tools). " + envDoc(envHost),
				Optional:   true,
				Validators: []validator.String{fqdnValidator{}},
			},
			"port": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("WinRM port of every server. Defaults to `%d`, or `%d` when `https` is true. %s",
					defaultHTTPPort, defaultHTTPSPort, envDoc(envPort)),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(1, 65535)},
			},
			"https": schema.BoolAttribute{
				MarkdownDescription: "Use WinRM over HTTPS. Recommended: Basic authentication over plain HTTP sends the " +
					"password readable by anyone on the path. Defaults to `false`. " + envDoc(envHTTPS),
				Optional: true,
			},
			"ca_certificate": schema.StringAttribute{
				MarkdownDescription: "PEM-encoded CA certificate(s) that sign the WinRM HTTPS certificates, when they are not " +
					"trusted by the system. " + envDoc(envCACertificate) + " `" + envCACertificateFile + "` names a PEM file instead.",
				Optional: true,
			},
			"insecure": schema.BoolAttribute{
				MarkdownDescription: "Skip verification of the WinRM HTTPS certificate. Only for throw-away labs; defaults " +
					"to `false`. " + envDoc(envInsecure),
				Optional: true,
			},
			"auth": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("WinRM authentication: `ntlm` (Negotiate with NTLM, for domain accounts) or "+
					"`basic` (local accounts only, as WinRM's Basic authentication allows). NTLM authenticates but does not "+
					"encrypt: use it over HTTPS, or the servers must allow unencrypted WinRM. Against a server that offers "+
					"only Basic, `ntlm` falls back to Basic. Defaults to `%s`. %s", defaultAuth, envDoc(envAuth)),
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(authBasic, authNTLM)},
			},
			"username": schema.StringAttribute{
				MarkdownDescription: "Account for WinRM, as `DOMAIN\\user` or `user@domain.fqdn` with NTLM. It must be a member of RTCUniversalServerAdmins " +
					"(and be allowed to publish the topology) and a local administrator of every Front End server. " + envDoc(envUsername),
				Optional: true,
			},
			"password": schema.StringAttribute{
				MarkdownDescription: "Password of `username`. " + envDoc(envPassword),
				Optional:            true,
				Sensitive:           true,
			},
			"connect_timeout": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("How long to wait for a TCP connection and TLS handshake to a server, as a "+
					"Go duration (`30s`). Defaults to `%s`. %s", defaultConnectTimeout, envDoc(envConnectTimeout)),
				Optional:   true,
				Validators: []validator.String{durationValidator{}},
			},
			"operation_timeout": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Longest a single remote PowerShell invocation may run, as a Go duration. "+
					"Resource `timeouts` bound the whole operation. Defaults to `%s`. %s", defaultOperationTimeout, envDoc(envOperationTimeout)),
				Optional:   true,
				Validators: []validator.String{durationValidator{}},
			},
			"module_name": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("PowerShell module with the management cmdlets: `Lync` for Lync Server 2013, "+
					"`SkypeForBusiness` for Skype for Business Server 2015 and 2019. Defaults to `%s`. %s", defaultModuleName, envDoc(envModuleName)),
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"bootstrapper_path": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Path of `Bootstrapper.exe` on the Front End servers. Defaults to `%s`; "+
					"Skype for Business Server uses `...\\Skype for Business Server 2015\\Deployment\\Bootstrapper.exe`. %s",
					defaultBootstrapperPath, envDoc(envBootstrapperPath)),
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"max_concurrent_operations": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("Most remote PowerShell invocations the provider runs at once against one "+
					"server; keeps below the WinRM shell quota. Defaults to `%d`. %s", defaultMaxConcurrentOperations, envDoc(envMaxConcurrentOperations)),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(1, 64)},
			},
			"server_parallelism": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many Front End servers are bootstrapped at once. Defaults to `%d`. %s",
					defaultServerParallelism, envDoc(envServerParallelism)),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(1, 64)},
			},
			"status_poll_interval": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("First wait between two `Get-CsBackupServiceStatus` polls while waiting for "+
					"steady state; it backs off up to eight times this value. Defaults to `%s`. %s", defaultStatusPollInterval, envDoc(envStatusPollInterval)),
				Optional:   true,
				Validators: []validator.String{durationValidator{}},
			},
			"host_addresses": schema.MapAttribute{
				MarkdownDescription: "Address to dial for a server FQDN (`host` or `host:port`), for NAT, SSH tunnels and the " +
					"lab farm. The FQDN stays the HTTP host and the TLS server name. The key `*` applies to every server " +
					"not listed. " + envDoc(envHostAddresses) + " as `fqdn=address,fqdn=address`.",
				ElementType: types.StringType,
				Optional:    true,
			},
		},
	}
}

// ConfigValidators reject combinations that cannot work before any connection.
func (p *lyncProvider) ConfigValidators(_ context.Context) []provider.ConfigValidator {
	return []provider.ConfigValidator{
		insecureNeedsHTTPSValidator{},
	}
}

// insecureNeedsHTTPSValidator refuses insecure = true without https = true,
// which would suggest a protection that plain HTTP never had.
type insecureNeedsHTTPSValidator struct{}

func (insecureNeedsHTTPSValidator) Description(_ context.Context) string {
	return "insecure requires https"
}

func (v insecureNeedsHTTPSValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (insecureNeedsHTTPSValidator) ValidateProvider(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if m.Insecure.ValueBool() && !m.HTTPS.IsUnknown() && !m.HTTPS.IsNull() && !m.HTTPS.ValueBool() {
		resp.Diagnostics.AddAttributeError(path.Root("insecure"), "Insecure Requires HTTPS",
			"insecure = true skips HTTPS certificate verification, but https is false. Set https = true, or remove insecure.")
	}
}
