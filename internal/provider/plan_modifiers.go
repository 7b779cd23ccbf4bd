package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// poolRequiresReplace requires replacement when a pool of the pair changes,
// but not when the new value only differs in letter case (DNS names are
// case-insensitive) and not when pool_fqdn and backup_pool_fqdn merely swap
// places (a pairing is mutual: the same pair). Both are in-place updates that
// only record the new spelling or order; tearing down a healthy pairing for
// them would be a surprise.
func poolRequiresReplace(other string) planmodifier.String {
	return poolReplace{other: other}
}

type poolReplace struct {
	other string // the other pool attribute of the pair
}

func (poolReplace) Description(_ context.Context) string {
	return "Naming another pool replaces the pairing; a change of letter case or of the order of the two pools does not."
}

func (m poolReplace) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (m poolReplace) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() || req.StateValue.IsNull() {
		return
	}
	if req.PlanValue.IsUnknown() {
		// Another pool, as far as anyone can tell now.
		resp.RequiresReplace = true
		return
	}
	if sameFQDN(req.PlanValue.ValueString(), req.StateValue.ValueString()) {
		return
	}
	var planOther, stateOther types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root(m.other), &planOther)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root(m.other), &stateOther)...)
	swapped := !planOther.IsUnknown() && !planOther.IsNull() &&
		sameFQDN(req.PlanValue.ValueString(), stateOther.ValueString()) &&
		sameFQDN(planOther.ValueString(), req.StateValue.ValueString())
	resp.RequiresReplace = !swapped
}

// normalizeFQDN is the form the provider works with: lower case, without
// the root's trailing dot.
func normalizeFQDN(s string) string {
	return strings.ToLower(strings.TrimSuffix(strings.TrimSpace(s), "."))
}

// sameFQDN reports whether two DNS names are the same name.
func sameFQDN(a, b string) bool { return normalizeFQDN(a) == normalizeFQDN(b) }
