package provider

import (
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
func (m *poolPairModel) setObserved(st *pairing.State) diag.Diagnostics {
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

	servers := make([]attr.Value, 0, len(st.Servers))
	for _, s := range st.Servers {
		obj, d := types.ObjectValue(frontEndServerType.AttrTypes, map[string]attr.Value{
			"fqdn":           types.StringValue(s.Fqdn),
			"pool_fqdn":      types.StringValue(s.PoolFqdn),
			"backup_service": types.StringValue(s.BackupService),
		})
		diags.Append(d...)
		servers = append(servers, obj)
	}
	list, d := types.ListValue(frontEndServerType, servers)
	diags.Append(d...)
	m.FrontEndServers = list

	directions := make([]attr.Value, 0, len(st.Directions))
	for _, dir := range st.Directions {
		modules := make([]attr.Value, 0, len(dir.Modules))
		for _, mod := range dir.Modules {
			obj, d := types.ObjectValue(backupModuleType.AttrTypes, map[string]attr.Value{
				"identity":      types.StringValue(mod.Identity),
				"export_status": types.StringValue(mod.ExportStatus),
				"import_status": types.StringValue(mod.ImportStatus),
			})
			diags.Append(d...)
			modules = append(modules, obj)
		}
		modList, d := types.ListValue(backupModuleType, modules)
		diags.Append(d...)
		obj, d := types.ObjectValue(backupDirectionType.AttrTypes, map[string]attr.Value{
			"pool_fqdn":        types.StringValue(dir.PoolFqdn),
			"backup_pool_fqdn": types.StringValue(dir.BackupPoolFqdn),
			"steady":           types.BoolValue(dir.Steady),
			"modules":          modList,
		})
		diags.Append(d...)
		directions = append(directions, obj)
	}
	list, d = types.ListValue(backupDirectionType, directions)
	diags.Append(d...)
	m.BackupStatus = list
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
