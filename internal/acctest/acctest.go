// Package acctest gives the acceptance tests the farm they run against: the
// in-process lab farm by default, or a real lab farm when LYNC_ACC_HOST names
// its management host. It also makes the out-of-band changes that drift
// tests need, the same way on both kinds of farm where a real farm allows it
// (through WinRM and the published topology), and through the lab farm's
// control API where only an emulator can (faults).
//
// Only tests import this package.
package acctest

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lyncdr/terraform-provider-lync/internal/labfarm"
	"github.com/lyncdr/terraform-provider-lync/internal/lync"
	"github.com/lyncdr/terraform-provider-lync/internal/lync/topology"
	"github.com/lyncdr/terraform-provider-lync/internal/winrm"
)

// Environment variables that point the acceptance tests at a real lab farm.
// The connection itself comes from the provider's LYNC_* variables.
const (
	EnvHost         = "LYNC_ACC_HOST"
	EnvPool         = "LYNC_ACC_POOL"
	EnvBackupPool   = "LYNC_ACC_BACKUP_POOL"
	EnvThirdPool    = "LYNC_ACC_THIRD_POOL"
	EnvLync2010Pool = "LYNC_ACC_LYNC2010_POOL"
)

// LabScale is the lab farm's time scale in the acceptance tests: a farm
// minute lasts 60 ms, so Bootstrapper and the first sync take a fraction of
// a second while keeping their ratios.
const LabScale = 0.001

// Farm is the farm under test.
type Farm struct {
	// Lab is the in-process lab farm, nil against a real farm.
	Lab *labfarm.Farm
	// Control is the lab farm's control API client, nil against a real farm.
	Control *labfarm.ControlClient
	// Host is the management host.
	Host string
	// Pool and BackupPool are two pairable Lync Server 2013 Enterprise pools,
	// ThirdPool another one; Lync2010Pool is "" when the farm has none.
	Pool, BackupPool, ThirdPool, Lync2010Pool string
	// StandardPool is a Standard Edition 2013 pool ("" on a real farm).
	StandardPool string
	// ProviderConfig is the provider block for test configurations.
	ProviderConfig string

	runner *winrm.Client
	lync   *lync.Client
}

var (
	shared    *Farm
	sharedErr error
	once      sync.Once
)

// Get returns the farm for acceptance tests, starting the lab farm on first
// use, and resets a lab farm to its definition so that every test starts
// from the same unpaired farm. A real farm is not reset: its tests clean up
// after themselves through CheckDestroy.
func Get(t *testing.T) *Farm {
	t.Helper()
	once.Do(func() { shared, sharedErr = start() })
	if sharedErr != nil {
		t.Fatalf("acceptance farm: %v", sharedErr)
	}
	if shared.Control != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := shared.Control.Reset(ctx); err != nil {
			t.Fatalf("resetting the lab farm: %v", err)
		}
		if err := shared.Control.SetScale(ctx, LabScale); err != nil {
			t.Fatalf("setting the lab farm's time scale: %v", err)
		}
	}
	return shared
}

// IsLab reports whether the tests run against the in-process lab farm.
func (f *Farm) IsLab() bool { return f.Lab != nil }

// RequireLab skips a test that needs the lab farm's fault injection, saying
// so, when the tests run against a real farm.
func (f *Farm) RequireLab(t *testing.T, why string) {
	t.Helper()
	if !f.IsLab() {
		t.Skipf("needs the lab farm (%s); %s points at a real farm", why, EnvHost)
	}
}

func start() (*Farm, error) {
	if host := os.Getenv(EnvHost); host != "" {
		return startReal(host)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	lab, err := labfarm.Start(ctx, labfarm.Options{Scale: LabScale})
	if err != nil {
		return nil, err
	}
	user, password := lab.Credentials()
	port := lab.WinRMPort()
	f := &Farm{
		Lab:          lab,
		Control:      lab.Client(),
		Host:         "fe01.contoso.com",
		Pool:         "pool01.contoso.com",
		BackupPool:   "pool02.contoso.com",
		ThirdPool:    "pool03.contoso.com",
		Lync2010Pool: "pool10.contoso.com",
		StandardPool: "se01.contoso.com",
		ProviderConfig: fmt.Sprintf(`
provider "lync" {
  host                 = "fe01.contoso.com"
  port                 = %d
  username             = %q
  password             = %q
  host_addresses       = { "*" = "127.0.0.1:%d" }
  status_poll_interval = "50ms"
}
`, port, user, password, port),
	}
	f.runner, err = winrm.New(winrm.Config{
		Port:      port,
		Username:  user,
		Password:  password,
		Addresses: map[string]string{"*": fmt.Sprintf("127.0.0.1:%d", port)},
	})
	if err != nil {
		return nil, err
	}
	f.lync = lync.New(lync.OverWinRM(f.runner), lync.Options{})
	return f, nil
}

// startReal uses the provider's own LYNC_* variables for the connection, so
// that the provider under test and the out-of-band helpers see the same farm.
func startReal(host string) (*Farm, error) {
	f := &Farm{
		Host:           strings.ToLower(host),
		Pool:           strings.ToLower(os.Getenv(EnvPool)),
		BackupPool:     strings.ToLower(os.Getenv(EnvBackupPool)),
		ThirdPool:      strings.ToLower(os.Getenv(EnvThirdPool)),
		Lync2010Pool:   strings.ToLower(os.Getenv(EnvLync2010Pool)),
		ProviderConfig: fmt.Sprintf("\nprovider \"lync\" {\n  host = %q\n}\n", host),
	}
	if f.Pool == "" || f.BackupPool == "" || f.ThirdPool == "" {
		return nil, fmt.Errorf("%s is set, so %s, %s and %s must name pools of that farm that the tests may pair and unpair",
			EnvHost, EnvPool, EnvBackupPool, EnvThirdPool)
	}
	cfg := winrm.Config{Username: os.Getenv("LYNC_USERNAME"), Password: os.Getenv("LYNC_PASSWORD")}
	for name, dst := range map[string]*bool{"LYNC_HTTPS": &cfg.HTTPS, "LYNC_INSECURE": &cfg.Insecure} {
		if raw := os.Getenv(name); raw != "" {
			v, err := strconv.ParseBool(raw)
			if err != nil {
				return nil, fmt.Errorf("%s=%q is not a boolean", name, raw)
			}
			*dst = v
		}
	}
	if p := os.Getenv("LYNC_PORT"); p != "" {
		if _, err := fmt.Sscan(p, &cfg.Port); err != nil {
			return nil, fmt.Errorf("LYNC_PORT=%q: %w", p, err)
		}
	}
	if pem := os.Getenv("LYNC_CA_CERTIFICATE"); pem != "" {
		cfg.CACertPEM = []byte(pem)
	} else if file := os.Getenv("LYNC_CA_CERTIFICATE_FILE"); file != "" {
		pem, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		cfg.CACertPEM = pem
	}
	if raw := os.Getenv("LYNC_HOST_ADDRESSES"); raw != "" {
		cfg.Addresses = map[string]string{}
		for _, pair := range strings.Split(raw, ",") {
			if k, v, ok := strings.Cut(strings.TrimSpace(pair), "="); ok {
				cfg.Addresses[strings.ToLower(k)] = v
			}
		}
	}
	var err error
	if f.runner, err = winrm.New(cfg); err != nil {
		return nil, err
	}
	f.lync = lync.New(lync.OverWinRM(f.runner), lync.Options{
		Module:           os.Getenv("LYNC_MODULE_NAME"),
		BootstrapperPath: os.Getenv("LYNC_BOOTSTRAPPER_PATH"),
	})
	return f, nil
}

// Config prepends the provider block to a resource configuration.
func (f *Farm) Config(resources string) string { return f.ProviderConfig + resources }

// Partner returns the backup pool of a pool as Get-CsPoolBackupRelationship
// reports it ("" when unpaired), the documented way to check a pairing.
func (f *Farm) Partner(t *testing.T, pool string) string {
	t.Helper()
	st, err := f.lync.ReadPairState(ctx(t), f.Host, []string{pool})
	if err != nil {
		t.Fatalf("reading the pairing of %s: %v", pool, err)
	}
	p := st.Pool(pool)
	if p == nil {
		t.Fatalf("no state reported for %s", pool)
	}
	return strings.ToLower(p.BackupPoolFqdn)
}

// Pair pairs two pools out of band, as an administrator in Topology Builder
// would: edit and publish the topology, then enable it.
func (f *Farm) Pair(t *testing.T, a, b string) {
	t.Helper()
	f.editTopology(t, func(xml string) (string, error) {
		return topology.SetPairing(xml, a, b, topology.Voice{Enabled: true}.WithDefaults())
	}, a, b)
}

// Unpair removes a pool's pairing out of band.
func (f *Farm) Unpair(t *testing.T, pool string) {
	t.Helper()
	if f.Control != nil {
		if err := f.Control.RemovePairing(ctx(t), pool); err != nil {
			t.Fatalf("removing the pairing of %s: %v", pool, err)
		}
		return
	}
	f.editTopology(t, func(xml string) (string, error) { return topology.RemovePairing(xml, pool) }, pool)
}

func (f *Farm) editTopology(t *testing.T, edit func(string) (string, error), pools ...string) {
	t.Helper()
	cur, err := f.lync.ReadTopology(ctx(t), f.Host, pools)
	if err != nil {
		t.Fatalf("reading the topology: %v", err)
	}
	next, err := edit(cur.XML)
	if err != nil {
		t.Fatalf("editing the topology: %v", err)
	}
	if _, err := f.lync.PublishTopology(ctx(t), f.Host, cur.XML, next, pools); err != nil {
		t.Fatalf("publishing the topology: %v", err)
	}
}

// StopBackupService stops LYNCBACKUP on a server out of band.
func (f *Farm) StopBackupService(t *testing.T, server string) {
	t.Helper()
	if f.Control != nil {
		if err := f.Control.StopBackupService(ctx(t), server); err != nil {
			t.Fatalf("stopping LYNCBACKUP on %s: %v", server, err)
		}
		return
	}
	res, err := f.runner.Run(ctx(t), server, "$ErrorActionPreference = 'Stop'\nImport-Module Lync\nStop-CsWindowsService -Name LYNCBACKUP\n")
	if err != nil || res.ExitCode != 0 {
		t.Fatalf("stopping LYNCBACKUP on %s: %v %+v", server, err, res)
	}
}

// Inject adds a lab farm fault and returns its id; only for lab tests.
func (f *Farm) Inject(t *testing.T, fault labfarm.Fault) string {
	t.Helper()
	f.RequireLab(t, "fault injection")
	id, err := f.Control.InjectFault(ctx(t), fault)
	if err != nil {
		t.Fatalf("injecting %+v: %v", fault, err)
	}
	return id
}

// ClearFaults removes every lab farm fault.
func (f *Farm) ClearFaults(t *testing.T) {
	t.Helper()
	f.RequireLab(t, "fault injection")
	if err := f.Control.ClearFaults(ctx(t)); err != nil {
		t.Fatalf("clearing faults: %v", err)
	}
}

// State returns the lab farm's state through its control API.
func (f *Farm) State(t *testing.T) labfarm.State {
	t.Helper()
	f.RequireLab(t, "the control API")
	st, err := f.Control.State(ctx(t))
	if err != nil {
		t.Fatalf("reading the lab farm state: %v", err)
	}
	return st
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return c
}
