package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Default operation timeouts: bootstrapping a pool of Front End servers and
// waiting for the first synchronization take tens of minutes on real farms.
const (
	defaultCreateTimeout = 60 * time.Minute
	defaultUpdateTimeout = 60 * time.Minute
	defaultDeleteTimeout = 30 * time.Minute
)

func (r *poolPairResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan poolPairModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	wf, diags := r.data.workflow(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	spec := plan.spec()
	tflog.Info(ctx, "pairing Front End pools", map[string]any{"pool_fqdn": spec.PoolFqdn, "backup_pool_fqdn": spec.BackupPoolFqdn})
	st, err := wf.Pair(ctx, spec)
	if err != nil {
		addWorkflowError(&resp.Diagnostics, "Unable to Create Lync Pool Pair", err,
			"Steps that finished stay done; the next apply resumes from the first unfinished step.")
		return
	}
	resp.Diagnostics.Append(plan.setObserved(st)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *poolPairResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state poolPairModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	wf, diags := r.data.workflow(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	spec := state.spec()
	st, err := wf.Observe(ctx, spec)
	if err != nil {
		// Could not read is never drift: planning on a guess would replace a
		// healthy pairing because a server was unreachable.
		addWorkflowError(&resp.Diagnostics, "Unable to Read Lync Pool Pair", err,
			"Terraform could not read the pairing, so it cannot tell whether anything changed. Nothing was changed.")
		return
	}
	if !st.PoolExists || st.BackupPoolFqdn == "" {
		tflog.Warn(ctx, "pool pair no longer exists in the topology; removing it from state", map[string]any{
			"pool_fqdn": spec.PoolFqdn, "backup_pool_fqdn": spec.BackupPoolFqdn, "pool_exists": st.PoolExists,
		})
		resp.State.RemoveResource(ctx)
		return
	}
	resp.Diagnostics.Append(state.setObserved(st)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *poolPairResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan poolPairModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	wf, diags := r.data.workflow(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	spec := plan.spec()
	tflog.Info(ctx, "converging pool pair", map[string]any{"pool_fqdn": spec.PoolFqdn, "backup_pool_fqdn": spec.BackupPoolFqdn})
	st, err := wf.Converge(ctx, spec)
	if err != nil {
		addWorkflowError(&resp.Diagnostics, "Unable to Update Lync Pool Pair", err,
			"Steps that finished stay done; the next apply resumes from the first unfinished step.")
		return
	}
	resp.Diagnostics.Append(plan.setObserved(st)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *poolPairResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state poolPairModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	wf, diags := r.data.workflow(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	spec := state.spec()
	tflog.Info(ctx, "unpairing Front End pools", map[string]any{"pool_fqdn": spec.PoolFqdn, "backup_pool_fqdn": spec.BackupPoolFqdn})
	if err := wf.Unpair(ctx, spec); err != nil {
		addWorkflowError(&resp.Diagnostics, "Unable to Delete Lync Pool Pair", err,
			"The association may still be in the topology; run destroy again once the cause is fixed.")
	}
}
