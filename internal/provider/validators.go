package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/lyncdr/terraform-provider-lync/internal/pairing"
)

// validFQDN reports whether s is a fully qualified domain name, as the
// pairing workflow accepts it once normalized (a trailing dot is allowed). It
// is checked at plan time, before the value reaches any server.
func validFQDN(s string) bool {
	return s == strings.TrimSpace(s) && pairing.ValidFQDN(normalizeFQDN(s))
}

// fqdnValidator checks that a string is a fully qualified domain name.
type fqdnValidator struct{}

var _ validator.String = fqdnValidator{}

func (fqdnValidator) Description(_ context.Context) string {
	return "value must be a fully qualified domain name such as pool01.contoso.com"
}

func (v fqdnValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (fqdnValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	if !validFQDN(s) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid FQDN",
			fmt.Sprintf("%q is not a fully qualified domain name. Use the pool or server FQDN exactly as Topology Builder shows it, for example pool01.contoso.com.", s))
	}
}

// durationValidator checks that a string is a positive Go duration.
type durationValidator struct{}

var _ validator.String = durationValidator{}

func (durationValidator) Description(_ context.Context) string {
	return "value must be a positive duration such as 30s, 5m or 1h30m"
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	if d, err := time.ParseDuration(s); err != nil || d <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Duration",
			fmt.Sprintf("%q is not a positive duration. Use a Go duration such as 30s, 5m or 1h30m.", s))
	}
}
