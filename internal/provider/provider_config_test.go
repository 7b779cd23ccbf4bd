package provider

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func nullModel() providerModel {
	return providerModel{
		Host: types.StringNull(), Port: types.Int64Null(), HTTPS: types.BoolNull(), CACertificate: types.StringNull(),
		Insecure: types.BoolNull(), Auth: types.StringNull(), Username: types.StringNull(), Password: types.StringNull(),
		ConnectTimeout: types.StringNull(), OperationTimeout: types.StringNull(), ModuleName: types.StringNull(),
		BootstrapperPath: types.StringNull(), MaxConcurrentOperations: types.Int64Null(), ServerParallelism: types.Int64Null(),
		StatusPollInterval: types.StringNull(), HostAddresses: types.MapNull(types.StringType),
	}
}

func TestResolveDefaults(t *testing.T) {
	m := nullModel()
	m.Host = types.StringValue("FE01.contoso.com.")
	m.Username = types.StringValue(`CONTOSO\admin`)
	m.Password = types.StringValue("secret")
	s, diags := m.resolve(context.Background(), envOf(nil))
	if diags.HasError() {
		t.Fatalf("unexpected diagnostics: %v", diags)
	}
	if s.Host != "fe01.contoso.com" || s.Port != 5985 || s.HTTPS || s.Insecure || s.Auth != "ntlm" {
		t.Errorf("host/port/https: %+v", s)
	}
	if s.ModuleName != "Lync" || !strings.HasSuffix(s.BootstrapperPath, `\Microsoft Lync Server 2013\Deployment\Bootstrapper.exe`) {
		t.Errorf("module/bootstrapper: %q %q", s.ModuleName, s.BootstrapperPath)
	}
	if s.ConnectTimeout != 30*time.Second || s.OperationTimeout != 30*time.Minute || s.StatusPollInterval != 15*time.Second {
		t.Errorf("durations: %v %v %v", s.ConnectTimeout, s.OperationTimeout, s.StatusPollInterval)
	}
	if s.MaxConcurrentOperations != 2 || s.ServerParallelism != 8 || len(s.HostAddresses) != 0 {
		t.Errorf("limits: %+v", s)
	}
}

func TestResolveFromEnvironment(t *testing.T) {
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, []byte("-----BEGIN CERTIFICATE-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		envHost: "fe01.contoso.com", envHTTPS: "true", envUsername: "u", envPassword: "p", envAuth: "Basic",
		envCACertificateFile: ca, envConnectTimeout: "5s", envOperationTimeout: "2h", envStatusPollInterval: "1m",
		envModuleName: "SkypeForBusiness", envMaxConcurrentOperations: "8", envServerParallelism: "3",
		envHostAddresses: "fe01.contoso.com=10.0.0.1, *=127.0.0.1:15986",
	}
	s, diags := nullModel().resolve(context.Background(), envOf(env))
	if diags.HasError() {
		t.Fatalf("unexpected diagnostics: %v", diags)
	}
	if !s.HTTPS || s.Port != 5986 || s.Auth != "basic" {
		t.Errorf("https should default the port to 5986: %+v", s)
	}
	if string(s.CACertPEM) != "-----BEGIN CERTIFICATE-----\n" || s.ModuleName != "SkypeForBusiness" {
		t.Errorf("ca/module: %q %q", s.CACertPEM, s.ModuleName)
	}
	if s.ConnectTimeout != 5*time.Second || s.OperationTimeout != 2*time.Hour || s.StatusPollInterval != time.Minute {
		t.Errorf("durations: %+v", s)
	}
	if s.MaxConcurrentOperations != 8 || s.ServerParallelism != 3 {
		t.Errorf("limits: %+v", s)
	}
	if s.HostAddresses["fe01.contoso.com"] != "10.0.0.1" || s.HostAddresses["*"] != "127.0.0.1:15986" {
		t.Errorf("addresses: %v", s.HostAddresses)
	}
}

func TestResolveArgumentsWinOverEnvironment(t *testing.T) {
	m := nullModel()
	m.Host = types.StringValue("fe09.contoso.com")
	m.Port = types.Int64Value(15985)
	m.HTTPS = types.BoolValue(false)
	m.HostAddresses = types.MapValueMust(types.StringType, map[string]attr.Value{"FE01.contoso.com": types.StringValue("10.0.0.9")})
	env := map[string]string{envHost: "fe01.contoso.com", envHTTPS: "true", envPort: "1", envUsername: "u", envPassword: "p",
		envHostAddresses: "fe01.contoso.com=10.0.0.1"}
	s, diags := m.resolve(context.Background(), envOf(env))
	if diags.HasError() {
		t.Fatalf("unexpected diagnostics: %v", diags)
	}
	if s.Host != "fe09.contoso.com" || s.Port != 15985 || s.HTTPS {
		t.Errorf("arguments must win: %+v", s)
	}
	if s.HostAddresses["fe01.contoso.com"] != "10.0.0.9" {
		t.Errorf("host_addresses must win over the variable, keys lower-cased: %v", s.HostAddresses)
	}
}

func TestResolveReportsEveryProblem(t *testing.T) {
	env := map[string]string{envAuth: "kerberos", envHTTPS: "yes please", envPort: "99999", envConnectTimeout: "soon",
		envHostAddresses: "fe01.contoso.com", envInsecure: "true", envCACertificateFile: "/nonexistent/ca.pem"}
	_, diags := nullModel().resolve(context.Background(), envOf(env))
	var summaries []string
	for _, d := range diags.Errors() {
		summaries = append(summaries, d.Summary()+": "+d.Detail())
	}
	all := strings.Join(summaries, "\n")
	for _, want := range []string{
		"Missing Lync Management Host", "Missing WinRM Username", "Missing WinRM Password",
		`LYNC_HTTPS="yes please" is not a boolean`, `LYNC_PORT="99999" is not a whole number from 1 to 65535`,
		`LYNC_CONNECT_TIMEOUT = "soon" is not a positive duration`, `"fe01.contoso.com" is not of the form fqdn=address`,
		"Unreadable CA Certificate File", "Insecure Requires HTTPS", `LYNC_AUTH="kerberos" is not a supported authentication`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("missing diagnostic %q in:\n%s", want, all)
		}
	}
	if strings.Contains(all, "secret") {
		t.Error("a diagnostic leaks the password")
	}
}

func TestUnknownAttributes(t *testing.T) {
	m := nullModel()
	m.Host = types.StringUnknown()
	m.Password = types.StringUnknown()
	if got := strings.Join(m.unknownAttributes(), ","); got != "host,password" {
		t.Errorf("unknownAttributes = %q", got)
	}
}

func TestValidFQDN(t *testing.T) {
	for s, want := range map[string]bool{
		"pool01.contoso.com":     true,
		"POOL01.Contoso.COM.":    true,
		"se-01.emea.contoso.com": true,
		"pool01":                 false,
		"-pool.contoso.com":      false,
		"pool01.contoso.com'; Remove-Item C:\\ -R; '": false,
		"$(Stop-Computer).contoso.com":                false,
		"pool01.contoso.com`n":                        false,
		"pööl.contoso.com":                            false,
		"":                                            false,
		strings.Repeat("a", 64) + ".contoso.com":      false,
	} {
		if got := validFQDN(s); got != want {
			t.Errorf("validFQDN(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestResolveCACertificateRules(t *testing.T) {
	m := nullModel()
	m.Host, m.Username, m.Password = types.StringValue("fe01.contoso.com"), types.StringValue("u"), types.StringValue("p")
	m.CACertificate = types.StringValue("-----BEGIN CERTIFICATE-----\n")
	m.Insecure = types.BoolValue(true)
	_, diags := m.resolve(context.Background(), envOf(nil))
	var got []string
	for _, d := range diags.Errors() {
		got = append(got, d.Summary())
	}
	want := "CA Certificate Requires HTTPS,Insecure Conflicts With CA Certificate,Insecure Requires HTTPS"
	if strings.Join(got, ",") != want {
		t.Errorf("diagnostics = %v, want %s", got, want)
	}
}
