package provider

import (
	"context"
	"errors"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/lyncdr/terraform-provider-lync/internal/pairing"
)

// ModifyPlan fills in the voice intervals, turns "not converged" into a
// visible in-place update, and checks the preconditions of a new pairing
// against the farm so that a plan, not an apply, reports a pool that does not
// exist, is not a Lync Server 2013 Front End pool or is paired elsewhere.
func (r *poolPairResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var plan, config poolPairModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	planVoiceIntervals(&plan, config)

	if req.State.Raw.IsNull() {
		if plan.KeepConverged.ValueBool() {
			plan.Converged = types.BoolValue(true)
		}
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		r.checkAtPlan(ctx, plan, resp)
		return
	}

	var state poolPairModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	voiceChanged := !plan.VoiceFailoverEnabled.Equal(state.VoiceFailoverEnabled) ||
		!plan.FailureDetectionInterval.Equal(state.FailureDetectionInterval) ||
		!plan.FailbackDetectionInterval.Equal(state.FailbackDetectionInterval)
	changed := voiceChanged || !plan.PoolFqdn.Equal(state.PoolFqdn) || !plan.BackupPoolFqdn.Equal(state.BackupPoolFqdn) ||
		!plan.KeepConverged.Equal(state.KeepConverged) || !plan.Timeouts.Equal(state.Timeouts)
	notConverged := plan.KeepConverged.ValueBool() && !state.Converged.ValueBool()

	switch {
	case plan.KeepConverged.IsUnknown():
		// Whether the apply converges is not known yet.
		plan.Converged = types.BoolUnknown()
	case plan.KeepConverged.ValueBool():
		plan.Converged = types.BoolValue(true)
	case changed:
		// The apply reads the pair again; it may have converged meanwhile.
		plan.Converged = types.BoolUnknown()
	default:
		plan.Converged = state.Converged
	}
	if voiceChanged || notConverged || plan.KeepConverged.IsUnknown() {
		plan.FrontEndServers = types.ListUnknown(frontEndServerType)
		plan.BackupStatus = types.ListUnknown(backupDirectionType)
	}
	if r.data != nil && !plan.PoolFqdn.IsUnknown() && !plan.BackupPoolFqdn.IsUnknown() &&
		pairID(plan.PoolFqdn.ValueString(), plan.BackupPoolFqdn.ValueString()) != pairID(state.PoolFqdn.ValueString(), state.BackupPoolFqdn.ValueString()) {
		// A replacement: its create half is planned next, without prior
		// state; see providerData.replacing.
		r.data.replacing.Store(pairID(plan.PoolFqdn.ValueString(), plan.BackupPoolFqdn.ValueString()), normalizeFQDN(state.PoolFqdn.ValueString()))
	}
	if notConverged {
		tflog.Info(ctx, "pool pair is not converged; planning an in-place update that restores it", map[string]any{
			"pool_fqdn": state.PoolFqdn.ValueString(), "backup_pool_fqdn": state.BackupPoolFqdn.ValueString(),
		})
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// planVoiceIntervals plans Topology Builder's default intervals when voice
// failover is on and they are not configured, and no intervals when it is off
// (the topology then carries none).
func planVoiceIntervals(plan *poolPairModel, config poolPairModel) {
	if plan.VoiceFailoverEnabled.IsUnknown() {
		return
	}
	if !plan.VoiceFailoverEnabled.ValueBool() {
		plan.FailureDetectionInterval = types.Int64Null()
		plan.FailbackDetectionInterval = types.Int64Null()
		return
	}
	if config.FailureDetectionInterval.IsNull() {
		plan.FailureDetectionInterval = types.Int64Value(defaultFailureDetectionSeconds)
	}
	if config.FailbackDetectionInterval.IsNull() {
		plan.FailbackDetectionInterval = types.Int64Value(defaultFailbackDetectionSeconds)
	}
}

// checkAtPlan runs the read-only preconditions of a new pairing. It is skipped
// when the provider configuration or the pool names are not known yet; Create
// checks again before it changes anything. Pairings that Topology Builder
// allows but Microsoft does not support (Enterprise with Standard Edition,
// both pools in one site) are shown as warnings.
func (r *poolPairResource) checkAtPlan(ctx context.Context, plan poolPairModel, resp *resource.ModifyPlanResponse) {
	if plan.PoolFqdn.IsUnknown() || plan.BackupPoolFqdn.IsUnknown() || r.data == nil || r.data.lync == nil {
		return
	}
	var warnings []string
	wf, diags := r.data.workflow(ctx, func(w string) { warnings = append(warnings, w) })
	resp.Diagnostics.Append(diags...)
	spec := plan.spec()
	timeout, diags := plan.Timeouts.Read(ctx, defaultReadTimeout)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var err error
	if replaced, ok := r.replacedPool(spec); ok {
		// The create half of a replacement: check against the topology as
		// the destroy half leaves it.
		err = wf.CheckReplacing(ctx, spec, replaced)
	} else {
		err = wf.Check(ctx, spec)
	}
	for _, w := range warnings {
		resp.Diagnostics.AddWarning("Unsupported Pool Pairing", w+". Topology Builder allows this pairing and the "+
			"provider will apply it, but Microsoft does not support it: pair pools of the same edition and version, in "+
			"different sites, unless you accept that.")
	}
	if err == nil {
		return
	}
	var pre *pairing.PreconditionError
	if errors.As(err, &pre) {
		attr := "pool_fqdn"
		if pre.Pool != "" && strings.EqualFold(pre.Pool, spec.BackupPoolFqdn) && !strings.EqualFold(pre.Pool, spec.PoolFqdn) {
			attr = "backup_pool_fqdn"
		}
		resp.Diagnostics.AddAttributeError(path.Root(attr), pre.Summary, pre.Detail+".\n\nThis check changed nothing.")
		return
	}
	addWorkflowError(&resp.Diagnostics, "Unable to Check Lync Pool Pair", err,
		"Planning a new pool pair reads the topology to check that both pools exist and can be paired, and that read failed. Nothing was changed.")
}

// replacedPool returns a pool of the pairing that the plan of this very pair
// replaces, when this create is the create half of a replacement. The entry
// is consumed: it belongs to this create only.
func (r *poolPairResource) replacedPool(spec pairing.Spec) (string, bool) {
	v, ok := r.data.replacing.LoadAndDelete(pairID(spec.PoolFqdn, spec.BackupPoolFqdn))
	if !ok {
		return "", false
	}
	s, _ := v.(string)
	return s, true
}

// poolPairConfigValidator rejects configurations that can never be applied.
type poolPairConfigValidator struct{}

func (poolPairConfigValidator) Description(_ context.Context) string {
	return "pool_fqdn and backup_pool_fqdn differ; detection intervals need voice_failover_enabled"
}

func (v poolPairConfigValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (poolPairConfigValidator) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m poolPairModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !m.PoolFqdn.IsUnknown() && !m.BackupPoolFqdn.IsUnknown() && !m.PoolFqdn.IsNull() &&
		strings.EqualFold(strings.TrimSuffix(m.PoolFqdn.ValueString(), "."), strings.TrimSuffix(m.BackupPoolFqdn.ValueString(), ".")) {
		resp.Diagnostics.AddAttributeError(path.Root("backup_pool_fqdn"), "Pool Cannot Back Up Itself",
			"backup_pool_fqdn is the same pool as pool_fqdn ("+m.PoolFqdn.ValueString()+"). A pool is paired with another "+
				"Front End pool, normally in another site; name that pool.")
	}
	if !m.VoiceFailoverEnabled.IsNull() && !m.VoiceFailoverEnabled.IsUnknown() && !m.VoiceFailoverEnabled.ValueBool() {
		for _, a := range []struct {
			name string
			v    types.Int64
		}{{"failure_detection_interval", m.FailureDetectionInterval}, {"failback_detection_interval", m.FailbackDetectionInterval}} {
			if !a.v.IsNull() {
				resp.Diagnostics.AddAttributeError(path.Root(a.name), "Interval Requires Voice Failover",
					a.name+" only applies with automatic failover and failback for Voice. Remove it, or set voice_failover_enabled = true.")
			}
		}
	}
}
