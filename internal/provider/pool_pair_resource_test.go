package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/lyncdr/terraform-provider-lync/internal/acctest"
	"github.com/lyncdr/terraform-provider-lync/internal/labfarm"
)

const pairAddr = "lync_pool_pair.dr"

func pairConfig(f *acctest.Farm, pool, backup, extra string) string {
	return f.Config(fmt.Sprintf(`
resource "lync_pool_pair" "dr" {
  pool_fqdn        = %q
  backup_pool_fqdn = %q
%s
}
`, pool, backup, extra))
}

// checkUnpaired verifies through Get-CsPoolBackupRelationship that destroy
// left the pools unpaired.
func checkUnpaired(t *testing.T, f *acctest.Farm, pools ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, p := range pools {
			if partner := f.Partner(t, p); partner != "" {
				return fmt.Errorf("%s is still paired with %s after destroy", p, partner)
			}
		}
		return nil
	}
}

// checkLabPaired verifies the farm's side through its control API: the
// pairing in the published and in the enabled topology, and LYNCBACKUP
// running on every Front End server of both pools.
func checkLabPaired(t *testing.T, f *acctest.Farm, a, b string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if !f.IsLab() {
			if got := f.Partner(t, a); got != b {
				return fmt.Errorf("Get-CsPoolBackupRelationship: %s is paired with %q, want %q", a, got, b)
			}
			return nil
		}
		st := f.State(t)
		for _, p := range st.Pools {
			var want string
			switch p.Fqdn {
			case a:
				want = b
			case b:
				want = a
			default:
				continue
			}
			if p.BackupPool != want || p.EnabledBackupPool != want {
				return fmt.Errorf("lab farm: %s published partner %q, enabled partner %q; want %q", p.Fqdn, p.BackupPool, p.EnabledBackupPool, want)
			}
			for _, s := range p.Servers {
				if s.LyncBackup != "Running" {
					return fmt.Errorf("lab farm: LYNCBACKUP on %s is %s", s.Fqdn, s.LyncBackup)
				}
			}
		}
		steady := 0
		for _, d := range st.Backup {
			if (d.Pool == a || d.Pool == b) && d.Steady {
				steady++
			}
		}
		if steady != 2 {
			return fmt.Errorf("lab farm: %d of 2 directions steady: %+v", steady, st.Backup)
		}
		return nil
	}
}

func TestAccPoolPair_lifecycle(t *testing.T) {
	f := testAccFarm(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkUnpaired(t, f, f.Pool, f.BackupPool),
		Steps: []resource.TestStep{
			{
				Config: pairConfig(f, f.Pool, f.BackupPool, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(pairAddr, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(pairAddr, tfjsonpath.New("id"), knownvalue.StringExact(f.Pool+","+f.BackupPool)),
					statecheck.ExpectKnownValue(pairAddr, tfjsonpath.New("converged"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(pairAddr, tfjsonpath.New("voice_failover_enabled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(pairAddr, tfjsonpath.New("failure_detection_interval"), knownvalue.Int64Exact(120)),
					statecheck.ExpectKnownValue(pairAddr, tfjsonpath.New("failback_detection_interval"), knownvalue.Int64Exact(240)),
					statecheck.ExpectKnownValue(pairAddr, tfjsonpath.New("backup_status").AtSliceIndex(0).AtMapKey("pool_fqdn"), knownvalue.StringExact(f.Pool)),
					statecheck.ExpectKnownValue(pairAddr, tfjsonpath.New("backup_status").AtSliceIndex(0).AtMapKey("steady"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(pairAddr, tfjsonpath.New("backup_status").AtSliceIndex(1).AtMapKey("pool_fqdn"), knownvalue.StringExact(f.BackupPool)),
					statecheck.ExpectKnownValue(pairAddr, tfjsonpath.New("backup_status").AtSliceIndex(1).AtMapKey("steady"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(pairAddr, tfjsonpath.New("front_end_servers").AtSliceIndex(0).AtMapKey("backup_service"), knownvalue.StringExact("Running")),
				},
				Check: checkLabPaired(t, f, f.Pool, f.BackupPool),
			},
			{
				// The next plan is empty: nothing drifts on its own.
				Config: pairConfig(f, f.Pool, f.BackupPool, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				ResourceName:      pairAddr,
				ImportState:       true,
				ImportStateId:     f.Pool + "," + f.BackupPool,
				ImportStateVerify: true,
				// timeouts is configuration only; the backup status is a
				// snapshot that may move on between two reads of a real farm.
				ImportStateVerifyIgnore: []string{"timeouts", "backup_status"},
			},
			{
				// The voice option and its intervals change in place.
				Config: pairConfig(f, f.Pool, f.BackupPool, "  failure_detection_interval = 300\n  failback_detection_interval = 600\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(pairAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(pairAddr, tfjsonpath.New("failure_detection_interval"), knownvalue.Int64Exact(300)),
					statecheck.ExpectKnownValue(pairAddr, tfjsonpath.New("failback_detection_interval"), knownvalue.Int64Exact(600)),
					statecheck.ExpectKnownValue(pairAddr, tfjsonpath.New("converged"), knownvalue.Bool(true)),
				},
			},
			{
				Config: pairConfig(f, f.Pool, f.BackupPool, "  voice_failover_enabled = false\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(pairAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(pairAddr, tfjsonpath.New("voice_failover_enabled"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(pairAddr, tfjsonpath.New("failure_detection_interval"), knownvalue.Null()),
				},
			},
		},
	})
}

func TestAccPoolPair_driftBackupServiceStopped(t *testing.T) {
	f := testAccFarm(t)
	server := ""
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkUnpaired(t, f, f.Pool, f.BackupPool),
		Steps: []resource.TestStep{
			{
				Config: pairConfig(f, f.Pool, f.BackupPool, ""),
				Check: func(s *terraform.State) error {
					server = s.RootModule().Resources[pairAddr].Primary.Attributes["front_end_servers.1.fqdn"]
					return nil
				},
			},
			{
				PreConfig: func() { f.StopBackupService(t, server) },
				Config:    pairConfig(f, f.Pool, f.BackupPool, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(pairAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(pairAddr, tfjsonpath.New("converged"), knownvalue.Bool(true)),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(pairAddr, tfjsonpath.New("converged"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(pairAddr, tfjsonpath.New("front_end_servers").AtSliceIndex(1).AtMapKey("backup_service"), knownvalue.StringExact("Running")),
				},
				Check: checkLabPaired(t, f, f.Pool, f.BackupPool),
			},
		},
	})
}

func TestAccPoolPair_driftPairingRemoved(t *testing.T) {
	f := testAccFarm(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkUnpaired(t, f, f.Pool, f.BackupPool),
		Steps: []resource.TestStep{
			{Config: pairConfig(f, f.Pool, f.BackupPool, "")},
			{
				PreConfig: func() { f.Unpair(t, f.Pool) },
				Config:    pairConfig(f, f.Pool, f.BackupPool, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(pairAddr, plancheck.ResourceActionCreate)},
				},
				Check: checkLabPaired(t, f, f.Pool, f.BackupPool),
			},
		},
	})
}

func TestAccPoolPair_driftPairedElsewhere(t *testing.T) {
	f := testAccFarm(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkUnpaired(t, f, f.Pool, f.BackupPool, f.ThirdPool),
		Steps: []resource.TestStep{
			{Config: pairConfig(f, f.Pool, f.BackupPool, "")},
			{
				// An administrator re-pairs the pool with a third pool.
				PreConfig: func() {
					f.Unpair(t, f.Pool)
					f.Pair(t, f.Pool, f.ThirdPool)
				},
				Config: pairConfig(f, f.Pool, f.BackupPool, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(pairAddr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: resource.ComposeTestCheckFunc(
					checkLabPaired(t, f, f.Pool, f.BackupPool),
					func(*terraform.State) error {
						if p := f.Partner(t, f.ThirdPool); p != "" {
							return fmt.Errorf("%s should be unpaired after the replacement, is paired with %s", f.ThirdPool, p)
						}
						return nil
					},
				),
			},
		},
	})
}

func TestAccPoolPair_driftSyncError(t *testing.T) {
	f := testAccFarm(t)
	f.RequireLab(t, "a backup direction in ErrorState")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkUnpaired(t, f, f.Pool, f.BackupPool),
		Steps: []resource.TestStep{
			{Config: pairConfig(f, f.Pool, f.BackupPool, "")},
			{
				PreConfig:          func() { f.Inject(t, labfarm.Fault{Kind: labfarm.FaultSyncError, Pool: f.BackupPool}) },
				Config:             pairConfig(f, f.Pool, f.BackupPool, ""),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(pairAddr, plancheck.ResourceActionUpdate)},
				},
			},
			{
				// Once the cause is gone, apply synchronizes again.
				PreConfig: func() { f.ClearFaults(t) },
				Config:    pairConfig(f, f.Pool, f.BackupPool, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(pairAddr, tfjsonpath.New("converged"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(pairAddr, tfjsonpath.New("backup_status").AtSliceIndex(1).AtMapKey("steady"), knownvalue.Bool(true)),
				},
			},
		},
	})
}

func TestAccPoolPair_unreachableReadIsAnError(t *testing.T) {
	f := testAccFarm(t)
	f.RequireLab(t, "a management host that is down")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkUnpaired(t, f, f.Pool, f.BackupPool),
		Steps: []resource.TestStep{
			{Config: pairConfig(f, f.Pool, f.BackupPool, "")},
			{
				PreConfig:   func() { f.Inject(t, labfarm.Fault{Kind: labfarm.FaultServerDown, Server: f.Host, Mode: "refused"}) },
				Config:      pairConfig(f, f.Pool, f.BackupPool, ""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Unable to Read Lync Pool Pair`),
			},
			{
				PreConfig: func() { f.ClearFaults(t) },
				Config:    pairConfig(f, f.Pool, f.BackupPool, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccPoolPair_bootstrapperFailureResumes(t *testing.T) {
	f := testAccFarm(t)
	f.RequireLab(t, "a failing Bootstrapper.exe")
	failing := "fe05.contoso.com"
	published := ""
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkUnpaired(t, f, f.Pool, f.BackupPool),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					f.Inject(t, labfarm.Fault{Kind: labfarm.FaultBootstrapperFailure, Server: failing, ExitCode: 1603})
				},
				Config:      pairConfig(f, f.Pool, f.BackupPool, ""),
				ExpectError: regexp.MustCompile(`(?s)fe05\.contoso\.com.*1603`),
			},
			{
				// The topology stays published and the other servers stay
				// bootstrapped; the next apply only finishes the work.
				PreConfig: func() {
					f.ClearFaults(t)
					st := f.State(t)
					published = st.Published.Signature
					for _, p := range st.Pools {
						for _, s := range p.Servers {
							if (p.Fqdn == f.Pool || p.Fqdn == f.BackupPool) && s.Fqdn != failing && s.LyncBackup == "NotInstalled" {
								t.Errorf("%s was not bootstrapped by the failed apply", s.Fqdn)
							}
						}
					}
				},
				Config: pairConfig(f, f.Pool, f.BackupPool, ""),
				Check: resource.ComposeTestCheckFunc(
					checkLabPaired(t, f, f.Pool, f.BackupPool),
					func(*terraform.State) error {
						if sig := f.State(t).Published.Signature; sig != published {
							return fmt.Errorf("the resumed apply published the topology again (%s, was %s)", sig, published)
						}
						return nil
					},
				),
			},
		},
	})
}

func TestAccPoolPair_transientWinRMFaults(t *testing.T) {
	f := testAccFarm(t)
	f.RequireLab(t, "transient WinRM faults")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkUnpaired(t, f, f.Pool, f.BackupPool),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					f.Inject(t, labfarm.Fault{Kind: labfarm.FaultTransient, Mode: "http-503", Count: 2})
					f.Inject(t, labfarm.Fault{Kind: labfarm.FaultTransient, Mode: "reset", Count: 1, Host: "fe04.contoso.com"})
				},
				Config: pairConfig(f, f.Pool, f.BackupPool, ""),
				Check: resource.ComposeTestCheckFunc(
					checkLabPaired(t, f, f.Pool, f.BackupPool),
					func(*terraform.State) error {
						for _, fault := range f.State(t).Faults {
							if fault.Kind == labfarm.FaultTransient && fault.Remaining > 0 {
								return fmt.Errorf("transient fault %s was not hit: %d of %d left", fault.ID, fault.Remaining, fault.Count)
							}
						}
						return nil
					},
				),
			},
		},
	})
}

// TestAccPoolPair_preconditions: every precondition violation fails at plan,
// names its cause, and leaves the farm as it was.
func TestAccPoolPair_preconditions(t *testing.T) {
	f := testAccFarm(t)
	cases := []struct {
		name, pool, backup string
		want               string
	}{
		{name: "unknown pool", pool: "pool99.contoso.com", backup: f.BackupPool, want: `Pool Not Found(?s).*pool99\.contoso\.com`},
		{name: "self pairing", pool: f.Pool, backup: strings.ToUpper(f.Pool), want: `Pool Cannot Back Up Itself`},
		{name: "lync 2010 pool", pool: f.Pool, backup: f.Lync2010Pool, want: `Unsupported Lync Version(?s).*Lync Server 2010`},
		{name: "not an fqdn", pool: f.Pool, backup: "pool02", want: `Invalid FQDN`},
		{name: "injection attempt", pool: f.Pool, backup: "pool02.contoso.com'; Remove-Item C:\\ -Recurse; '", want: `Invalid FQDN`},
		{name: "subexpression", pool: "$(Stop-Computer).contoso.com", backup: f.BackupPool, want: `Invalid FQDN`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.backup == "" {
				t.Skipf("%s is not set: the farm names no Lync Server 2010 pool", "LYNC_ACC_LYNC2010_POOL")
			}
			before := farmSnapshot(t, f)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      pairConfig(f, tc.pool, tc.backup, ""),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
			if after := farmSnapshot(t, f); after != before {
				t.Errorf("the farm changed:\nbefore %s\nafter  %s", before, after)
			}
		})
	}

	t.Run("paired with a third pool", func(t *testing.T) {
		f.Pair(t, f.BackupPool, f.ThirdPool)
		defer f.Unpair(t, f.BackupPool)
		before := farmSnapshot(t, f)
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
			Steps: []resource.TestStep{{
				Config:      pairConfig(f, f.Pool, f.BackupPool, ""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Pool Already Paired(?s).*` + regexp.QuoteMeta(f.ThirdPool)),
			}},
		})
		if after := farmSnapshot(t, f); after != before {
			t.Errorf("the farm changed:\nbefore %s\nafter  %s", before, after)
		}
	})
}

// farmSnapshot summarizes what a failed plan must not change: the pairings
// (and, on the lab farm, the topology signatures and every service).
func farmSnapshot(t *testing.T, f *acctest.Farm) string {
	t.Helper()
	if !f.IsLab() {
		return fmt.Sprintf("%s=%s %s=%s %s=%s", f.Pool, f.Partner(t, f.Pool), f.BackupPool, f.Partner(t, f.BackupPool),
			f.ThirdPool, f.Partner(t, f.ThirdPool))
	}
	st := f.State(t)
	var b strings.Builder
	fmt.Fprintf(&b, "published=%s enabled=%s", st.Published.Signature, st.Enabled.Signature)
	for _, p := range st.Pools {
		fmt.Fprintf(&b, " %s->%s", p.Fqdn, p.BackupPool)
		for _, s := range p.Servers {
			fmt.Fprintf(&b, " %s:%s", s.Fqdn, s.LyncBackup)
		}
	}
	return b.String()
}

// TestAccPoolPair_providerConfigUnknownAtPlan: the provider's host comes from
// a resource that does not exist yet. Planning works without a connection and
// the apply, once the host is known, pairs the pools.
func TestAccPoolPair_providerConfigUnknownAtPlan(t *testing.T) {
	f := testAccFarm(t)
	hostLine := regexp.MustCompile(`host\s*=\s*"[^"]*"`)
	provider := hostLine.ReplaceAllString(f.ProviderConfig, "host = terraform_data.management_host.output")
	config := fmt.Sprintf(`
resource "terraform_data" "management_host" {
  input = %q
}
%s
resource "lync_pool_pair" "dr" {
  pool_fqdn        = %q
  backup_pool_fqdn = %q
}
`, f.Host, provider, f.Pool, f.BackupPool)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkUnpaired(t, f, f.Pool, f.BackupPool),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(pairAddr, plancheck.ResourceActionCreate)},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(pairAddr, tfjsonpath.New("converged"), knownvalue.Bool(true)),
			},
			Check: checkLabPaired(t, f, f.Pool, f.BackupPool),
		}},
	})
}

// TestAccPoolPair_importTopologyBuilderPairing: a pairing made by hand (the
// topology only, as after step 6 of the procedure) is imported, and the next
// apply finishes the procedure instead of recreating the pairing.
func TestAccPoolPair_importTopologyBuilderPairing(t *testing.T) {
	f := testAccFarm(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkUnpaired(t, f, f.Pool, f.BackupPool),
		Steps: []resource.TestStep{
			{
				PreConfig:          func() { f.Pair(t, f.Pool, f.BackupPool) },
				Config:             pairConfig(f, f.Pool, f.BackupPool, ""),
				ResourceName:       pairAddr,
				ImportState:        true,
				ImportStateId:      f.Pool + "," + f.BackupPool,
				ImportStatePersist: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 {
						return fmt.Errorf("imported %d instances, want 1", len(states))
					}
					a := states[0].Attributes
					if a["pool_fqdn"] != f.Pool || a["backup_pool_fqdn"] != f.BackupPool || a["converged"] != "false" {
						return fmt.Errorf("imported state: pool %q backup %q converged %q", a["pool_fqdn"], a["backup_pool_fqdn"], a["converged"])
					}
					return nil
				},
			},
			{
				Config: pairConfig(f, f.Pool, f.BackupPool, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(pairAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(pairAddr, tfjsonpath.New("converged"), knownvalue.Bool(true)),
				},
				Check: checkLabPaired(t, f, f.Pool, f.BackupPool),
			},
		},
	})
}

// TestAccPoolPair_keepConvergedFalseOnlyReports: with keep_converged = false
// a stopped backup service is reported but plans nothing.
func TestAccPoolPair_keepConvergedFalseOnlyReports(t *testing.T) {
	f := testAccFarm(t)
	server := ""
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkUnpaired(t, f, f.Pool, f.BackupPool),
		Steps: []resource.TestStep{
			{
				Config: pairConfig(f, f.Pool, f.BackupPool, "  keep_converged = false\n"),
				Check: func(s *terraform.State) error {
					server = s.RootModule().Resources[pairAddr].Primary.Attributes["front_end_servers.0.fqdn"]
					return nil
				},
			},
			{
				PreConfig: func() { f.StopBackupService(t, server) },
				Config:    pairConfig(f, f.Pool, f.BackupPool, "  keep_converged = false\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(pairAddr, tfjsonpath.New("converged"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(pairAddr, tfjsonpath.New("front_end_servers").AtSliceIndex(0).AtMapKey("backup_service"), knownvalue.StringExact("Stopped")),
				},
			},
		},
	})
}

// TestAccPoolPair_renameAndSwapAreInPlace: respelling a pool or swapping the
// two pools names the same mutual pairing, so neither tears it down.
func TestAccPoolPair_renameAndSwapAreInPlace(t *testing.T) {
	f := testAccFarm(t)
	var signature string
	keepSignature := func(*terraform.State) error {
		if !f.IsLab() {
			return nil
		}
		if sig := f.State(t).Published.Signature; signature == "" {
			signature = sig
		} else if sig != signature {
			return fmt.Errorf("the topology was published again (signature %s, was %s)", sig, signature)
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkUnpaired(t, f, f.Pool, f.BackupPool),
		Steps: []resource.TestStep{
			{Config: pairConfig(f, f.Pool, f.BackupPool, ""), Check: keepSignature},
			{
				Config: pairConfig(f, strings.ToUpper(f.Pool), f.BackupPool, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(pairAddr, plancheck.ResourceActionUpdate)},
				},
				Check: keepSignature,
			},
			{
				Config: pairConfig(f, f.BackupPool, f.Pool, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(pairAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(pairAddr, tfjsonpath.New("id"), knownvalue.StringExact(pairID(f.Pool, f.BackupPool))),
					statecheck.ExpectKnownValue(pairAddr, tfjsonpath.New("backup_status").AtSliceIndex(0).AtMapKey("pool_fqdn"), knownvalue.StringExact(f.BackupPool)),
				},
				Check: keepSignature,
			},
		},
	})
}

// TestAccPoolPair_replaceOntoPairedPoolFailsAtPlan: replacing the backup pool
// with a pool that another pairing holds must fail at plan, before the
// destroy half would leave the healthy pair unpaired.
func TestAccPoolPair_replaceOntoPairedPoolFailsAtPlan(t *testing.T) {
	f := testAccFarm(t)
	other := f.StandardPool
	if other == "" {
		t.Skip("needs a fourth pool to hold the third pool's pairing; the real-farm variables name three")
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkUnpaired(t, f, f.Pool, f.BackupPool),
		Steps: []resource.TestStep{
			{Config: pairConfig(f, f.Pool, f.BackupPool, "")},
			{
				PreConfig:   func() { f.Pair(t, f.ThirdPool, other) },
				Config:      pairConfig(f, f.Pool, f.ThirdPool, ""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Pool Already Paired(?s).*` + regexp.QuoteMeta(other)),
			},
			{
				// The existing pair was not touched.
				PreConfig: func() {
					if p := f.Partner(t, f.Pool); p != f.BackupPool {
						t.Errorf("%s is paired with %q after the refused plan, want %s", f.Pool, p, f.BackupPool)
					}
					f.Unpair(t, f.ThirdPool)
				},
				Config: pairConfig(f, f.Pool, f.BackupPool, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// TestAccPoolPair_updateWithoutKeepConvergedLeavesServices: with
// keep_converged = false an update changes the topology only.
func TestAccPoolPair_updateWithoutKeepConvergedLeavesServices(t *testing.T) {
	f := testAccFarm(t)
	server := ""
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkUnpaired(t, f, f.Pool, f.BackupPool),
		Steps: []resource.TestStep{
			{
				Config: pairConfig(f, f.Pool, f.BackupPool, "  keep_converged = false\n"),
				Check: func(s *terraform.State) error {
					server = s.RootModule().Resources[pairAddr].Primary.Attributes["front_end_servers.2.fqdn"]
					return nil
				},
			},
			{
				PreConfig: func() { f.StopBackupService(t, server) },
				Config:    pairConfig(f, f.Pool, f.BackupPool, "  keep_converged = false\n  failure_detection_interval = 600\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(pairAddr, plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(pairAddr, tfjsonpath.New("failure_detection_interval"), knownvalue.Int64Exact(600)),
					statecheck.ExpectKnownValue(pairAddr, tfjsonpath.New("front_end_servers").AtSliceIndex(2).AtMapKey("backup_service"), knownvalue.StringExact("Stopped")),
					statecheck.ExpectKnownValue(pairAddr, tfjsonpath.New("converged"), knownvalue.Bool(false)),
				},
			},
		},
	})
}

// TestAccPoolPair_importRefusesAnotherPartner: importing a pair that does not
// exist fails instead of adopting the pool's actual partner.
func TestAccPoolPair_importRefusesAnotherPartner(t *testing.T) {
	f := testAccFarm(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkUnpaired(t, f, f.Pool, f.BackupPool, f.ThirdPool),
		Steps: []resource.TestStep{
			{
				PreConfig:     func() { f.Pair(t, f.Pool, f.ThirdPool) },
				Config:        pairConfig(f, f.Pool, f.BackupPool, ""),
				ResourceName:  pairAddr,
				ImportState:   true,
				ImportStateId: f.Pool + "," + f.BackupPool,
				ExpectError:   regexp.MustCompile(`Cannot Import Lync Pool Pair(?s).*` + regexp.QuoteMeta(f.ThirdPool)),
			},
			{
				// Clean up the out-of-band pairing through Terraform: import it
				// and let the test destroy it.
				Config:             pairConfig(f, f.Pool, f.ThirdPool, ""),
				ResourceName:       pairAddr,
				ImportState:        true,
				ImportStateId:      f.ThirdPool + "," + f.Pool,
				ImportStatePersist: true,
			},
		},
	})
}

// TestAccPoolPair_unknownValuesAtPlan: values that are only known at apply
// (a pool, keep_converged) plan honestly — an unknown pool as a replacement,
// an unknown keep_converged as an unknown converged — and apply cleanly.
func TestAccPoolPair_unknownValuesAtPlan(t *testing.T) {
	f := testAccFarm(t)
	cfg := func(pool string, keep bool) string {
		return f.Config(fmt.Sprintf(`
resource "terraform_data" "pool" {
  input = %q
}
resource "terraform_data" "keep" {
  input = %v
}
resource "lync_pool_pair" "dr" {
  pool_fqdn        = terraform_data.pool.output
  backup_pool_fqdn = %q
  keep_converged   = terraform_data.keep.output
}
`, pool, keep, f.BackupPool))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkUnpaired(t, f, f.Pool, f.BackupPool, f.ThirdPool),
		Steps: []resource.TestStep{
			{Config: cfg(f.Pool, false)},
			{
				// keep_converged becomes true, unknown at plan time.
				Config: cfg(f.Pool, true),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(pairAddr, tfjsonpath.New("converged"), knownvalue.Bool(true)),
				},
			},
			{
				// The pool becomes another pool, unknown at plan time.
				Config: cfg(f.ThirdPool, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(pairAddr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: resource.ComposeTestCheckFunc(
					checkLabPaired(t, f, f.ThirdPool, f.BackupPool),
					checkUnpaired(t, f, f.Pool),
				),
			},
		},
	})
}

// TestAccPoolPair_importNeedsAKnownProvider: an import is never accepted
// unverified, even when the provider cannot connect yet.
func TestAccPoolPair_importNeedsAKnownProvider(t *testing.T) {
	f := testAccFarm(t)
	hostLine := regexp.MustCompile(`host\s*=\s*"[^"]*"`)
	provider := hostLine.ReplaceAllString(f.ProviderConfig, "host = terraform_data.management_host.output")
	config := fmt.Sprintf(`
resource "terraform_data" "management_host" {
  input = %q
}
%s
import {
  to = lync_pool_pair.dr
  id = "%s,%s"
}
resource "lync_pool_pair" "dr" {
  pool_fqdn        = %q
  backup_pool_fqdn = %q
}
`, f.Host, provider, f.Pool, f.BackupPool, f.Pool, f.BackupPool)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkUnpaired(t, f, f.Pool, f.BackupPool),
		Steps: []resource.TestStep{{
			Config:      config,
			ExpectError: regexp.MustCompile(`Cannot Import Lync Pool Pair`),
		}},
	})
	if p := f.Partner(t, f.Pool); p != "" {
		t.Errorf("the refused import paired %s with %s", f.Pool, p)
	}
}

// TestAccPoolPair_basicAuthentication: the default is NTLM (domain accounts);
// Basic, for local accounts, works as well.
func TestAccPoolPair_basicAuthentication(t *testing.T) {
	f := testAccFarm(t)
	f.RequireLab(t, "a farm that accepts the same account over Basic")
	provider := regexp.MustCompile(`(host\s*=\s*"[^"]*")`).ReplaceAllString(f.ProviderConfig, "$1\n  auth = \"basic\"")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkUnpaired(t, f, f.Pool, f.BackupPool),
		Steps: []resource.TestStep{{
			Config: provider + fmt.Sprintf(`
resource "lync_pool_pair" "dr" {
  pool_fqdn        = %q
  backup_pool_fqdn = %q
}
`, f.Pool, f.BackupPool),
			Check: checkLabPaired(t, f, f.Pool, f.BackupPool),
		}},
	})
}
