// Package provider is the Terraform face of the Lync provider: the provider
// configuration, the lync_pool_pair resource and the conversion between
// Terraform values and the pairing workflow's domain types. It holds no
// PowerShell, no XML and no WinRM: those live in internal/lync and
// internal/winrm, and the procedure itself in internal/pairing.
package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// RegistryAddress is where the provider is published.
const RegistryAddress = "registry.terraform.io/lyncdr/lync"

var _ provider.Provider = (*lyncProvider)(nil)

// lyncProvider is the provider implementation.
type lyncProvider struct {
	version string
}

// New returns a constructor for the provider, as providerserver expects.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &lyncProvider{version: version}
	}
}

func (p *lyncProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "lync"
	resp.Version = p.version
}

func (p *lyncProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewPoolPairResource,
	}
}

func (p *lyncProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return nil
}
