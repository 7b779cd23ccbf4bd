package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Voice failover intervals, in seconds: Topology Builder's defaults and the
// range Set-CsRegistrar accepts (reference §1.4).
const (
	defaultFailureDetectionSeconds  = 120
	defaultFailbackDetectionSeconds = 240
	minDetectionSeconds             = 30
	maxDetectionSeconds             = 86400
)

var (
	_ resource.Resource                     = (*poolPairResource)(nil)
	_ resource.ResourceWithConfigure        = (*poolPairResource)(nil)
	_ resource.ResourceWithImportState      = (*poolPairResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*poolPairResource)(nil)
	_ resource.ResourceWithConfigValidators = (*poolPairResource)(nil)
)

// NewPoolPairResource returns the lync_pool_pair resource.
func NewPoolPairResource() resource.Resource {
	return &poolPairResource{}
}

// poolPairResource pairs two Front End pools for disaster recovery.
type poolPairResource struct {
	data *providerData
}

func (r *poolPairResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_pool_pair"
}

func (r *poolPairResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	fqdnValidators := []validator.String{fqdnValidator{}}
	intervalValidators := []validator.Int64{int64validator.Between(minDetectionSeconds, maxDetectionSeconds)}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Pairs two Lync Server 2013 Front End pools for disaster recovery, as Microsoft's " +
			"\"Deploying paired Front End pools for disaster recovery\" describes: it associates the pools in the " +
			"topology (Associated Backup Pool, with the automatic failover and failback for Voice option), publishes " +
			"and enables the topology, runs `Bootstrapper.exe` on every Front End server of both pools, starts the " +
			"`LYNCBACKUP` service, forces `Invoke-CsBackupServiceSync` in both directions and waits until " +
			"`Get-CsBackupServiceStatus` reports steady state both ways.\n\n" +
			"Every plan reads the pairing, the backup service of each Front End server and the backup status of both " +
			"directions: a pairing removed out of band plans a create, a pool paired with another pool plans a " +
			"replacement, and a stopped service or a direction that is not steady plans an in-place update that " +
			"restarts the service and synchronizes again. Destroying the resource removes the association from the " +
			"topology and leaves both pools and their servers otherwise untouched.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The two pool FQDNs in lower case and alphabetical order, separated by a comma. " +
					"`terraform import` accepts `<pool_fqdn>,<backup_pool_fqdn>` in either order.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"pool_fqdn": schema.StringAttribute{
				MarkdownDescription: "FQDN of one Lync Server 2013 Front End pool (Enterprise Edition pool FQDN, or the " +
					"server FQDN of a Standard Edition server). Changing it to another pool replaces the pairing; a change " +
					"of letter case does not.",
				Required:      true,
				Validators:    fqdnValidators,
				PlanModifiers: []planmodifier.String{poolRequiresReplace("backup_pool_fqdn")},
			},
			"backup_pool_fqdn": schema.StringAttribute{
				MarkdownDescription: "FQDN of the pool that backs up `pool_fqdn` (the pairing is always mutual). It must " +
					"not be paired with a third pool. Microsoft supports Enterprise with Enterprise and Standard with " +
					"Standard pairs, in different sites. Changing it replaces the pairing (swapping it with " +
					"`pool_fqdn` does not: it is the same pair).",
				Required:      true,
				Validators:    fqdnValidators,
				PlanModifiers: []planmodifier.String{poolRequiresReplace("pool_fqdn")},
			},
			"voice_failover_enabled": schema.BoolAttribute{
				MarkdownDescription: "The \"Automatic failover and failback for Voice\" option of step 5 of the procedure. " +
					"It applies only to the voice resiliency features of Lync Server 2010; pool failover always stays a " +
					"manual `Invoke-CsPoolFailOver`. Changed in place. Defaults to `true`.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"failure_detection_interval": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("Seconds before the primary Registrar is considered failed, %d to %d. "+
					"Only with `voice_failover_enabled`. Defaults to `%d`. Changed in place.",
					minDetectionSeconds, maxDetectionSeconds, defaultFailureDetectionSeconds),
				Optional:   true,
				Computed:   true,
				Validators: intervalValidators,
			},
			"failback_detection_interval": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("Seconds before the primary Registrar is considered back, %d to %d. "+
					"Only with `voice_failover_enabled`. Defaults to `%d`. Changed in place.",
					minDetectionSeconds, maxDetectionSeconds, defaultFailbackDetectionSeconds),
				Optional:   true,
				Computed:   true,
				Validators: intervalValidators,
			},
			"keep_converged": schema.BoolAttribute{
				MarkdownDescription: "Whether Terraform keeps the pair converged: `LYNCBACKUP` running on every Front End " +
					"server and both directions in steady state. When `true`, a plan that finds the pair not converged " +
					"shows an in-place update (`converged` from `false` to `true`) that bootstraps or starts the service " +
					"where needed and synchronizes again. When `false`, the status is only reported. Defaults to `true`.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"converged": schema.BoolAttribute{
				MarkdownDescription: "Whether `LYNCBACKUP` ran on every Front End server of both pools, both directions " +
					"were in steady state and both pools carried the same voice settings, when Terraform last read the " +
					"pair or finished converging it.",
				Computed: true,
			},
			"front_end_servers": schema.ListNestedAttribute{
				MarkdownDescription: "The Front End servers of both pools, with the state of their `LYNCBACKUP` service.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"fqdn":           schema.StringAttribute{Computed: true, MarkdownDescription: "Server FQDN."},
						"pool_fqdn":      schema.StringAttribute{Computed: true, MarkdownDescription: "Pool of the server."},
						"backup_service": schema.StringAttribute{Computed: true, MarkdownDescription: "`LYNCBACKUP` status as `Get-CsWindowsService` reports it (`Running`, `Stopped`, ...), or `NotInstalled`."},
					},
				},
			},
			"backup_status": schema.ListNestedAttribute{
				MarkdownDescription: "`Get-CsBackupServiceStatus` of each direction: first `pool_fqdn` to `backup_pool_fqdn`, then back.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"pool_fqdn":        schema.StringAttribute{Computed: true, MarkdownDescription: "Pool whose data is backed up."},
						"backup_pool_fqdn": schema.StringAttribute{Computed: true, MarkdownDescription: "Pool that receives the backup."},
						"steady":           schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether every module is in steady (or final) state with a normal import."},
						"modules": schema.ListNestedAttribute{
							Computed:            true,
							MarkdownDescription: "Backup modules.",
							NestedObject: schema.NestedAttributeObject{
								Attributes: map[string]schema.Attribute{
									"identity":      schema.StringAttribute{Computed: true, MarkdownDescription: "Module, for example `UserServices.PresenceFocus`."},
									"export_status": schema.StringAttribute{Computed: true, MarkdownDescription: "`FinalState`, `SteadyState`, `NonSteadyState`, `NotInitialized` or `ErrorState`."},
									"import_status": schema.StringAttribute{Computed: true, MarkdownDescription: "`NormalState` or `ErrorState`."},
								},
							},
						},
					},
				},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

func (r *poolPairResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	// Prevent a panic when the provider has not been configured yet.
	if req.ProviderData == nil {
		return
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected Resource Configure Type",
			fmt.Sprintf("Expected *providerData, got: %T. Please report this issue to the provider developers.", req.ProviderData))
		return
	}
	r.data = data
}

func (r *poolPairResource) ConfigValidators(_ context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{poolPairConfigValidator{}}
}

// ImportState accepts "<pool_fqdn>,<backup_pool_fqdn>" in either order. The
// following Read refuses the import when the pools are not paired with each
// other, instead of adopting whatever partner the pool has.
func (r *poolPairResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	pool, backup, ok := strings.Cut(req.ID, ",")
	pool, backup = normalizeFQDN(pool), normalizeFQDN(backup)
	if !ok || !validFQDN(pool) || !validFQDN(backup) || pool == backup {
		resp.Diagnostics.AddError("Invalid Import ID",
			fmt.Sprintf("Expected <pool_fqdn>,<backup_pool_fqdn> (two different pool FQDNs), got %q. "+
				"Example: terraform import lync_pool_pair.dr pool01.contoso.com,pool02.contoso.com", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("pool_fqdn"), pool)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("backup_pool_fqdn"), backup)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), pairID(pool, backup))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("keep_converged"), true)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImporting, []byte(`true`))...)
}

// privateImporting marks, in private state, a resource whose import the next
// Read must confirm.
const privateImporting = "importing"

// pairID is the resource ID of a pair: both pools, lower case, in
// alphabetical order, since the pairing is mutual.
func pairID(pool, backup string) string {
	a, b := normalizeFQDN(pool), normalizeFQDN(backup)
	if b < a {
		a, b = b, a
	}
	return a + "," + b
}
