package provider

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Environment variables that stand in for provider arguments. The argument
// wins when both are set.
const (
	envHost                    = "LYNC_HOST"
	envPort                    = "LYNC_PORT"
	envHTTPS                   = "LYNC_HTTPS"
	envCACertificate           = "LYNC_CA_CERTIFICATE"
	envCACertificateFile       = "LYNC_CA_CERTIFICATE_FILE"
	envInsecure                = "LYNC_INSECURE"
	envAuth                    = "LYNC_AUTH"
	envUsername                = "LYNC_USERNAME"
	envPassword                = "LYNC_PASSWORD"
	envConnectTimeout          = "LYNC_CONNECT_TIMEOUT"
	envOperationTimeout        = "LYNC_OPERATION_TIMEOUT"
	envModuleName              = "LYNC_MODULE_NAME"
	envBootstrapperPath        = "LYNC_BOOTSTRAPPER_PATH"
	envMaxConcurrentOperations = "LYNC_MAX_CONCURRENT_OPERATIONS"
	envServerParallelism       = "LYNC_SERVER_PARALLELISM"
	envStatusPollInterval      = "LYNC_STATUS_POLL_INTERVAL"
	envHostAddresses           = "LYNC_HOST_ADDRESSES"
)

// WinRM authentication schemes of the auth argument.
const (
	authBasic = "basic"
	authNTLM  = "ntlm"
)

// Defaults of the provider arguments.
const (
	defaultHTTPPort                = 5985
	defaultHTTPSPort               = 5986
	defaultConnectTimeout          = 30 * time.Second
	defaultOperationTimeout        = 30 * time.Minute
	defaultAuth                    = authNTLM
	defaultModuleName              = "Lync"
	defaultBootstrapperPath        = `C:\Program Files\Microsoft Lync Server 2013\Deployment\Bootstrapper.exe`
	defaultMaxConcurrentOperations = 2
	defaultServerParallelism       = 8
	defaultStatusPollInterval      = 15 * time.Second
)

func envDoc(name string) string {
	return "Environment variable: `" + name + "`."
}

// settings is the resolved provider configuration: arguments, then
// environment variables, then defaults.
type settings struct {
	Host                    string
	Port                    int
	HTTPS                   bool
	CACertPEM               []byte
	Insecure                bool
	Auth                    string
	Username                string
	Password                string
	ConnectTimeout          time.Duration
	OperationTimeout        time.Duration
	ModuleName              string
	BootstrapperPath        string
	MaxConcurrentOperations int
	ServerParallelism       int
	StatusPollInterval      time.Duration
	HostAddresses           map[string]string
}

// unknownAttributes lists the provider arguments whose values are not known
// yet (they depend on resources that are not created). Terraform then asks
// the provider to plan without a connection.
func (m providerModel) unknownAttributes() []string {
	var unknown []string
	add := func(name string, v attr.Value) {
		if v.IsUnknown() {
			unknown = append(unknown, name)
		}
	}
	add("host", m.Host)
	add("port", m.Port)
	add("https", m.HTTPS)
	add("ca_certificate", m.CACertificate)
	add("insecure", m.Insecure)
	add("auth", m.Auth)
	add("username", m.Username)
	add("password", m.Password)
	add("connect_timeout", m.ConnectTimeout)
	add("operation_timeout", m.OperationTimeout)
	add("module_name", m.ModuleName)
	add("bootstrapper_path", m.BootstrapperPath)
	add("max_concurrent_operations", m.MaxConcurrentOperations)
	add("server_parallelism", m.ServerParallelism)
	add("status_poll_interval", m.StatusPollInterval)
	add("host_addresses", m.HostAddresses)
	return unknown
}

// resolve merges the arguments with the environment and the defaults and
// reports every problem at once, each on its attribute.
func (m providerModel) resolve(ctx context.Context, getenv func(string) string) (settings, diag.Diagnostics) {
	var diags diag.Diagnostics
	s := settings{
		Host:             firstNonEmpty(m.Host.ValueString(), getenv(envHost)),
		Auth:             strings.ToLower(firstNonEmpty(m.Auth.ValueString(), getenv(envAuth), defaultAuth)),
		Username:         firstNonEmpty(m.Username.ValueString(), getenv(envUsername)),
		Password:         firstNonEmpty(m.Password.ValueString(), getenv(envPassword)),
		ModuleName:       firstNonEmpty(m.ModuleName.ValueString(), getenv(envModuleName), defaultModuleName),
		BootstrapperPath: firstNonEmpty(m.BootstrapperPath.ValueString(), getenv(envBootstrapperPath), defaultBootstrapperPath),
	}
	s.Host = strings.ToLower(strings.TrimSuffix(s.Host, "."))

	s.HTTPS = boolSetting(m.HTTPS, getenv, envHTTPS, "https", false, &diags)
	s.Insecure = boolSetting(m.Insecure, getenv, envInsecure, "insecure", false, &diags)
	defaultPort := defaultHTTPPort
	if s.HTTPS {
		defaultPort = defaultHTTPSPort
	}
	s.Port = intSetting(m.Port, getenv, envPort, "port", defaultPort, 1, 65535, &diags)
	s.MaxConcurrentOperations = intSetting(m.MaxConcurrentOperations, getenv, envMaxConcurrentOperations,
		"max_concurrent_operations", defaultMaxConcurrentOperations, 1, 64, &diags)
	s.ServerParallelism = intSetting(m.ServerParallelism, getenv, envServerParallelism,
		"server_parallelism", defaultServerParallelism, 1, 64, &diags)
	s.ConnectTimeout = durationSetting(m.ConnectTimeout, getenv, envConnectTimeout, "connect_timeout", defaultConnectTimeout, &diags)
	s.OperationTimeout = durationSetting(m.OperationTimeout, getenv, envOperationTimeout, "operation_timeout", defaultOperationTimeout, &diags)
	s.StatusPollInterval = durationSetting(m.StatusPollInterval, getenv, envStatusPollInterval, "status_poll_interval", defaultStatusPollInterval, &diags)

	switch {
	case m.CACertificate.ValueString() != "":
		s.CACertPEM = []byte(m.CACertificate.ValueString())
	case getenv(envCACertificate) != "":
		s.CACertPEM = []byte(getenv(envCACertificate))
	case getenv(envCACertificateFile) != "":
		pem, err := os.ReadFile(getenv(envCACertificateFile))
		if err != nil {
			diags.AddAttributeError(path.Root("ca_certificate"), "Unreadable CA Certificate File",
				fmt.Sprintf("%s names %q, which cannot be read: %s. Point it at a PEM file, or set ca_certificate.",
					envCACertificateFile, getenv(envCACertificateFile), err))
		}
		s.CACertPEM = pem
	}

	s.HostAddresses = hostAddresses(ctx, m.HostAddresses, getenv, &diags)

	if s.Host == "" {
		diags.AddAttributeError(path.Root("host"), "Missing Lync Management Host",
			"Set host (or "+envHost+") to the FQDN of a server that runs the Lync management cmdlets, for example a Front End server.")
	}
	if s.Auth != authBasic && s.Auth != authNTLM {
		diags.AddAttributeError(path.Root("auth"), "Invalid WinRM Authentication",
			fmt.Sprintf("%s=%q is not a supported authentication: use ntlm (domain accounts) or basic (local accounts).", envAuth, s.Auth))
	}
	if s.Username == "" {
		diags.AddAttributeError(path.Root("username"), "Missing WinRM Username",
			"Set username (or "+envUsername+") to an account in RTCUniversalServerAdmins that is a local administrator of every Front End server.")
	}
	if s.Password == "" {
		diags.AddAttributeError(path.Root("password"), "Missing WinRM Password",
			"Set password (or "+envPassword+") for "+strconv.Quote(s.Username)+".")
	}
	if len(s.CACertPEM) > 0 && !s.HTTPS {
		diags.AddAttributeError(path.Root("ca_certificate"), "CA Certificate Requires HTTPS",
			"A CA certificate only applies to WinRM over HTTPS, but https is false. Set https = true (or "+envHTTPS+"=true), or remove the CA certificate.")
	}
	if len(s.CACertPEM) > 0 && s.Insecure {
		diags.AddAttributeError(path.Root("insecure"), "Insecure Conflicts With CA Certificate",
			"insecure = true skips the certificate verification that ca_certificate is for. Remove insecure.")
	}
	if s.Insecure && !s.HTTPS {
		diags.AddAttributeError(path.Root("insecure"), "Insecure Requires HTTPS",
			"insecure skips HTTPS certificate verification, but https is false. Set https = true (or "+envHTTPS+"=true), or remove insecure.")
	}
	return s, diags
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

func boolSetting(v types.Bool, getenv func(string) string, env, attrName string, def bool, diags *diag.Diagnostics) bool {
	if !v.IsNull() {
		return v.ValueBool()
	}
	raw := getenv(env)
	if raw == "" {
		return def
	}
	b, err := strconv.ParseBool(raw)
	if err != nil {
		diags.AddAttributeError(path.Root(attrName), "Invalid Environment Variable",
			fmt.Sprintf("%s=%q is not a boolean. Use true or false.", env, raw))
		return def
	}
	return b
}

func intSetting(v types.Int64, getenv func(string) string, env, attrName string, def, lo, hi int, diags *diag.Diagnostics) int {
	if !v.IsNull() {
		return int(v.ValueInt64())
	}
	raw := getenv(env)
	if raw == "" {
		return def
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < lo || n > hi {
		diags.AddAttributeError(path.Root(attrName), "Invalid Environment Variable",
			fmt.Sprintf("%s=%q is not a whole number from %d to %d.", env, raw, lo, hi))
		return def
	}
	return n
}

func durationSetting(v types.String, getenv func(string) string, env, attrName string, def time.Duration, diags *diag.Diagnostics) time.Duration {
	raw, source := v.ValueString(), attrName
	if v.IsNull() {
		raw, source = getenv(env), env
	}
	if raw == "" {
		return def
	}
	d, err := time.ParseDuration(raw)
	if err != nil || d <= 0 {
		diags.AddAttributeError(path.Root(attrName), "Invalid Duration",
			fmt.Sprintf("%s = %q is not a positive duration. Use a Go duration such as 30s, 5m or 1h30m.", source, raw))
		return def
	}
	return d
}

// hostAddresses merges the host_addresses map over LYNC_HOST_ADDRESSES
// ("fqdn=address,fqdn=address"), with lower-cased FQDN keys.
func hostAddresses(ctx context.Context, v types.Map, getenv func(string) string, diags *diag.Diagnostics) map[string]string {
	out := map[string]string{}
	if raw := getenv(envHostAddresses); raw != "" {
		for _, pair := range strings.Split(raw, ",") {
			pair = strings.TrimSpace(pair)
			if pair == "" {
				continue
			}
			k, val, ok := strings.Cut(pair, "=")
			if !ok || strings.TrimSpace(k) == "" || strings.TrimSpace(val) == "" {
				diags.AddAttributeError(path.Root("host_addresses"), "Invalid Environment Variable",
					fmt.Sprintf("%s entry %q is not of the form fqdn=address.", envHostAddresses, pair))
				continue
			}
			out[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(val)
		}
	}
	if !v.IsNull() && !v.IsUnknown() {
		m := map[string]string{}
		diags.Append(v.ElementsAs(ctx, &m, false)...)
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if strings.TrimSpace(m[k]) == "" {
				diags.AddAttributeError(path.Root("host_addresses").AtMapKey(k), "Empty Host Address",
					"Give the address to dial for "+k+", as host or host:port.")
				continue
			}
			out[strings.ToLower(k)] = m[k]
		}
	}
	return out
}
