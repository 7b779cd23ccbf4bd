package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
)

// caseInsensitiveRequiresReplace requires replacement unless the new value
// only differs in letter case: DNS names are case-insensitive, so respelling
// a pool must not tear the pairing down (the update only records the new
// spelling).
func caseInsensitiveRequiresReplace() planmodifier.String {
	return caseInsensitiveReplace{}
}

type caseInsensitiveReplace struct{}

func (caseInsensitiveReplace) Description(_ context.Context) string {
	return "A change other than in letter case replaces the resource."
}

func (m caseInsensitiveReplace) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (caseInsensitiveReplace) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() || req.PlanValue.IsUnknown() || req.StateValue.IsNull() {
		return
	}
	resp.RequiresReplace = !strings.EqualFold(req.PlanValue.ValueString(), req.StateValue.ValueString())
}
