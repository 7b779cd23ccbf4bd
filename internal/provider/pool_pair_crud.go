package provider

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/lyncdr/terraform-provider-lync/internal/pairing"
)

// Default operation timeouts: bootstrapping a pool of Front End servers and
// waiting for the first synchronization take tens of minutes on real farms;
// a read (also the plan-time check) should never hang a plan for long.
const (
	defaultCreateTimeout = 60 * time.Minute
	defaultReadTimeout   = 10 * time.Minute
	defaultUpdateTimeout = 60 * time.Minute
	defaultDeleteTimeout = 30 * time.Minute
)

func (r *poolPairResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan poolPairModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.apply(ctx, &plan, plan.Timeouts.Create, defaultCreateTimeout, "pairing Front End pools", "Unable to Create Lync Pool Pair", (*pairing.Workflow).Pair,
		&resp.State, &resp.Diagnostics)
}

func (r *poolPairResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan poolPairModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Without keep_converged Terraform only manages what the topology holds:
	// an update must not bootstrap or start services behind the user's back.
	step, msg := (*pairing.Workflow).Converge, "converging pool pair"
	if !plan.KeepConverged.ValueBool() {
		step, msg = (*pairing.Workflow).Reconfigure, "changing the pool pair's topology settings"
	}
	r.apply(ctx, &plan, plan.Timeouts.Update, defaultUpdateTimeout, msg, "Unable to Update Lync Pool Pair", step,
		&resp.State, &resp.Diagnostics)
}

// timeoutOf is a method of timeouts.Value: Create, Read, Update or Delete.
type timeoutOf func(ctx context.Context, def time.Duration) (time.Duration, diag.Diagnostics)

// begin prepares one Terraform operation: the workflow, whose warnings
// (simple URLs restored after a publish, a server that asks for a restart, a
// pairing left alone) become warning diagnostics, and the operation's
// deadline. ok is false when diags already holds an error.
func (r *poolPairResource) begin(ctx context.Context, timeout timeoutOf, def time.Duration, diags *diag.Diagnostics) (
	wf *pairing.Workflow, opCtx context.Context, cancel context.CancelFunc, ok bool) {
	wf, d := r.data.workflow(ctx, func(w string) { diags.AddWarning("Lync Farm Needs Attention", w+".") })
	diags.Append(d...)
	limit, d := timeout(ctx, def)
	diags.Append(d...)
	if diags.HasError() {
		return nil, nil, nil, false
	}
	opCtx, cancel = context.WithTimeout(ctx, limit)
	return wf, opCtx, cancel, true
}

// apply runs one mutating step of the workflow for the planned pair and
// stores what the farm reports afterwards.
func (r *poolPairResource) apply(ctx context.Context, plan *poolPairModel, timeout timeoutOf, def time.Duration, msg, summary string,
	step func(*pairing.Workflow, context.Context, pairing.Spec) (*pairing.State, error),
	state interface {
		Set(context.Context, any) diag.Diagnostics
	}, diags *diag.Diagnostics) {
	wf, ctx, cancel, ok := r.begin(ctx, timeout, def, diags)
	if !ok {
		return
	}
	defer cancel()

	spec := plan.spec()
	tflog.Info(ctx, msg, map[string]any{"pool_fqdn": spec.PoolFqdn, "backup_pool_fqdn": spec.BackupPoolFqdn})
	st, err := step(wf, ctx, spec)
	if err != nil {
		addWorkflowError(diags, summary, err, consequenceOf(err))
		return
	}
	converged := plan.Converged
	diags.Append(plan.setObserved(ctx, st)...)
	if converged.ValueBool() {
		// The workflow waited until the pair was converged: a status that
		// moved on since (a steady state is only a snapshot) is for the next
		// read to report, not a reason to contradict the plan.
		plan.Converged = types.BoolValue(true)
	}
	diags.Append(state.Set(ctx, plan)...)
}

// consequenceOf says what a failed create or update left behind.
func consequenceOf(err error) string {
	var pre *pairing.PreconditionError
	if errors.As(err, &pre) {
		return "This apply changed nothing in the topology. (When it is the create half of a replacement, the replaced " +
			"pairing was removed just before: fix the cause and apply again, or restore it in Topology Builder.)"
	}
	var step *pairing.StepError
	if errors.As(err, &step) && step.Step != pairing.StepCheck && step.Step != pairing.StepTopology {
		return "The topology already pairs the pools, and the steps that finished stay done: apply again to finish " +
			"(it resumes from the first unfinished step). If you give up instead, remove the pairing in Topology " +
			"Builder, or import it (terraform import) and destroy it."
	}
	return "The topology was not changed by this step; apply again once the cause is fixed."
}

func (r *poolPairResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state poolPairModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.data != nil && r.data.lync == nil && len(r.data.unknown) > 0 {
		// The connection depends on values that are not known yet. Defer the
		// read when Terraform allows it; otherwise keep the prior state, as
		// the framework's guidance for unknown provider configuration says —
		// except for an import, which must never be accepted unverified.
		if req.ClientCapabilities.DeferralAllowed {
			resp.Deferred = &resource.Deferred{Reason: resource.DeferredReasonProviderConfigUnknown}
			return
		}
		if importing, _ := req.Private.GetKey(ctx, privateImporting); importing != nil {
			resp.Diagnostics.AddError("Cannot Import Lync Pool Pair",
				"The provider configuration depends on values that are not known yet ("+strings.Join(r.data.unknown, ", ")+
					"), so the pairing cannot be verified. Apply the resources the provider configuration depends on first, then import.")
			return
		}
		resp.Diagnostics.AddWarning("Lync Pool Pair Not Refreshed",
			"The provider configuration depends on values that are not known yet ("+strings.Join(r.data.unknown, ", ")+
				"), so the pairing was not read and the plan assumes it is unchanged. Apply the resources the provider configuration depends on, then plan again.")
		return
	}
	wf, ctx, cancel, ok := r.begin(ctx, state.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	spec := state.spec()
	st, err := wf.Observe(ctx, spec)
	if err != nil {
		// Could not read is never drift: planning on a guess would replace a
		// healthy pairing because a server was unreachable.
		addWorkflowError(&resp.Diagnostics, "Unable to Read Lync Pool Pair", err,
			"Terraform could not read the pairing, so it cannot tell whether anything changed. Nothing was changed.")
		return
	}
	importing, diags := req.Private.GetKey(ctx, privateImporting)
	resp.Diagnostics.Append(diags...)
	if importing != nil {
		switch {
		case !st.PoolExists:
			resp.Diagnostics.AddError("Cannot Import Lync Pool Pair",
				spec.PoolFqdn+" is not in the published topology. Check the pool FQDN in the import ID.")
			return
		case !sameFQDN(st.BackupPoolFqdn, spec.BackupPoolFqdn):
			partner := st.BackupPoolFqdn
			if partner == "" {
				partner = "no pool"
			}
			resp.Diagnostics.AddError("Cannot Import Lync Pool Pair",
				"Get-CsPoolBackupRelationship reports "+partner+" as the backup pool of "+spec.PoolFqdn+", not "+
					spec.BackupPoolFqdn+". Import the pairing that exists (<pool>,<its backup pool>), or create this one instead.")
			return
		}
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImporting, nil)...)
	}
	if !st.PoolExists || st.BackupPoolFqdn == "" {
		tflog.Warn(ctx, "pool pair no longer exists in the topology; removing it from state", map[string]any{
			"pool_fqdn": spec.PoolFqdn, "backup_pool_fqdn": spec.BackupPoolFqdn, "pool_exists": st.PoolExists,
		})
		resp.State.RemoveResource(ctx)
		return
	}
	resp.Diagnostics.Append(state.setObserved(ctx, st)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *poolPairResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state poolPairModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	wf, ctx, cancel, ok := r.begin(ctx, state.Timeouts.Delete, defaultDeleteTimeout, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	spec := state.spec()
	tflog.Info(ctx, "unpairing Front End pools", map[string]any{"pool_fqdn": spec.PoolFqdn, "backup_pool_fqdn": spec.BackupPoolFqdn})
	if err := wf.Unpair(ctx, spec); err != nil {
		addWorkflowError(&resp.Diagnostics, "Unable to Delete Lync Pool Pair", err,
			"The association may still be in the topology; run destroy again once the cause is fixed.")
	}
}
