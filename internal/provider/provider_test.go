package provider

import (
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/lyncdr/terraform-provider-lync/internal/acctest"
)

// testAccProtoV6ProviderFactories serves the provider in process to the real
// Terraform CLI that terraform-plugin-testing drives.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"lync": providerserver.NewProtocol6WithError(New("test")()),
}

// testAccFarm returns the farm of an acceptance test; TF_ACC must be set
// (the README's test command sets it), and is checked by resource.Test.
func testAccFarm(t *testing.T) *acctest.Farm {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (make test does)")
	}
	return acctest.Get(t)
}
