package provider

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// fqdnPattern accepts DNS names of at least two labels made of letters,
// digits and inner hyphens. Lync pool and server names are always FQDNs; a
// value outside this alphabet can only be a typo (or an attack), and is
// refused at plan time before it reaches any server.
var fqdnPattern = regexp.MustCompile(`^(?i:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.(?i:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?))+\.?$`)

// validFQDN reports whether s is a fully qualified domain name.
func validFQDN(s string) bool {
	return len(s) <= 253 && fqdnPattern.MatchString(s)
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
