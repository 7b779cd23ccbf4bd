package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/lyncdr/terraform-provider-lync/internal/pairing"
)

// poolPairModel is the lync_pool_pair resource data.
type poolPairModel struct {
	ID                        types.String   `tfsdk:"id"`
	PoolFqdn                  types.String   `tfsdk:"pool_fqdn"`
	BackupPoolFqdn            types.String   `tfsdk:"backup_pool_fqdn"`
	VoiceFailoverEnabled      types.Bool     `tfsdk:"voice_failover_enabled"`
	FailureDetectionInterval  types.Int64    `tfsdk:"failure_detection_interval"`
	FailbackDetectionInterval types.Int64    `tfsdk:"failback_detection_interval"`
	KeepConverged             types.Bool     `tfsdk:"keep_converged"`
	Converged                 types.Bool     `tfsdk:"converged"`
	FrontEndServers           types.List     `tfsdk:"front_end_servers"`
	BackupStatus              types.List     `tfsdk:"backup_status"`
	Timeouts                  timeouts.Value `tfsdk:"timeouts"`
}

// Elements of the computed lists.
type (
	frontEndServerModel struct {
		Fqdn          string `tfsdk:"fqdn"`
		PoolFqdn      string `tfsdk:"pool_fqdn"`
		BackupService string `tfsdk:"backup_service"`
	}
	backupModuleModel struct {
		Identity     string `tfsdk:"identity"`
		ExportStatus string `tfsdk:"export_status"`
		ImportStatus string `tfsdk:"import_status"`
	}
	backupDirectionModel struct {
		PoolFqdn       string              `tfsdk:"pool_fqdn"`
		BackupPoolFqdn string              `tfsdk:"backup_pool_fqdn"`
		Steady         bool                `tfsdk:"steady"`
		Modules        []backupModuleModel `tfsdk:"modules"`
	}
)

var (
	frontEndServerType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"fqdn":           types.StringType,
		"pool_fqdn":      types.StringType,
		"backup_service": types.StringType,
	}}
	backupModuleType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"identity":      types.StringType,
		"export_status": types.StringType,
		"import_status": types.StringType,
	}}
	backupDirectionType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"pool_fqdn":        types.StringType,
		"backup_pool_fqdn": types.StringType,
		"steady":           types.BoolType,
		"modules":          types.ListType{ElemType: backupModuleType},
	}}
)

// spec is the desired pairing of the model. Intervals that are unknown or
// null take Topology Builder's defaults.
func (m poolPairModel) spec() pairing.Spec {
	s := pairing.Spec{
		PoolFqdn:       normalizeFQDN(m.PoolFqdn.ValueString()),
		BackupPoolFqdn: normalizeFQDN(m.BackupPoolFqdn.ValueString()),
		Voice: pairing.VoiceFailover{
			Enabled: m.VoiceFailoverEnabled.IsNull() || m.VoiceFailoverEnabled.IsUnknown() || m.VoiceFailoverEnabled.ValueBool(),
		},
	}
	if s.Voice.Enabled {
		s.Voice.FailureDetection = seconds(m.FailureDetectionInterval, defaultFailureDetectionSeconds)
		s.Voice.FailbackDetection = seconds(m.FailbackDetectionInterval, defaultFailbackDetectionSeconds)
	}
	return s
}

func seconds(v types.Int64, def int64) time.Duration {
	if v.IsNull() || v.IsUnknown() {
		return time.Duration(def) * time.Second
	}
	return time.Duration(v.ValueInt64()) * time.Second
}

// setObserved stores what the farm reported. The configured spelling of the
// pool names is kept when the farm reports the same name in another case.
func (m *poolPairModel) setObserved(ctx context.Context, st *pairing.State) diag.Diagnostics {
	var diags diag.Diagnostics
	m.PoolFqdn = sameNameOr(m.PoolFqdn, st.PoolFqdn)
	m.BackupPoolFqdn = sameNameOr(m.BackupPoolFqdn, st.BackupPoolFqdn)
	m.ID = types.StringValue(pairID(m.PoolFqdn.ValueString(), m.BackupPoolFqdn.ValueString()))

	m.VoiceFailoverEnabled = types.BoolValue(st.Voice.Enabled)
	if st.Voice.Enabled {
		m.FailureDetectionInterval = types.Int64Value(int64(st.Voice.FailureDetection / time.Second))
		m.FailbackDetectionInterval = types.Int64Value(int64(st.Voice.FailbackDetection / time.Second))
	} else {
		m.FailureDetectionInterval = types.Int64Null()
		m.FailbackDetectionInterval = types.Int64Null()
	}
	if m.KeepConverged.IsNull() || m.KeepConverged.IsUnknown() {
		m.KeepConverged = types.BoolValue(true)
	}
	m.Converged = types.BoolValue(st.Converged && st.VoiceConsistent)

	servers := make([]frontEndServerModel, 0, len(st.Servers))
	for _, s := range st.Servers {
		servers = append(servers, frontEndServerModel{Fqdn: s.Fqdn, PoolFqdn: s.PoolFqdn, BackupService: s.BackupService})
	}
	var d diag.Diagnostics
	m.FrontEndServers, d = types.ListValueFrom(ctx, frontEndServerType, servers)
	diags.Append(d...)

	directions := make([]backupDirectionModel, 0, len(st.Directions))
	for _, dir := range st.Directions {
		modules := make([]backupModuleModel, 0, len(dir.Modules))
		for _, mod := range dir.Modules {
			modules = append(modules, backupModuleModel{Identity: mod.Identity, ExportStatus: mod.ExportStatus, ImportStatus: mod.ImportStatus})
		}
		directions = append(directions, backupDirectionModel{PoolFqdn: dir.PoolFqdn, BackupPoolFqdn: dir.BackupPoolFqdn, Steady: dir.Steady, Modules: modules})
	}
	m.BackupStatus, d = types.ListValueFrom(ctx, backupDirectionType, directions)
	diags.Append(d...)
	return diags
}

// sameNameOr keeps the configured spelling of a DNS name when the farm
// reports the same name, and takes the farm's otherwise.
func sameNameOr(configured types.String, observed string) types.String {
	if !configured.IsNull() && !configured.IsUnknown() && sameFQDN(configured.ValueString(), observed) {
		return configured
	}
	return types.StringValue(observed)
}
