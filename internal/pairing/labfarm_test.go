package pairing

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/lyncdr/terraform-provider-lync/internal/labfarm"
	"github.com/lyncdr/terraform-provider-lync/internal/lync"
	"github.com/lyncdr/terraform-provider-lync/internal/winrm"
)

// TestLabFarm runs the whole workflow over real WinRM against the lab farm's
// default farm: its interpreter and farm model are an independent
// implementation of the other side of every script.
func TestLabFarm(t *testing.T) {
	if testing.Short() {
		t.Skip("lab farm integration test")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	f, err := labfarm.Start(ctx, labfarm.Options{Scale: 0.0005})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	user, password := f.Credentials()
	wc, err := winrm.New(winrm.Config{Port: f.WinRMPort(), Username: user, Password: password,
		Addresses: map[string]string{"*": f.WinRMAddr()}, Retry: winrm.RetryPolicy{MaxAttempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	defer wc.Close()
	client := lync.New(lync.OverWinRM(wc), lync.Options{})

	var events []Event
	w := New(client, Options{ManagementHost: "fe01.contoso.com", PollInterval: 50 * time.Millisecond, MaxPollInterval: 200 * time.Millisecond,
		Progress: func(e Event) { events = append(events, e); t.Logf("%s %s: %s", e.Step, e.Host, e.Message) }})
	s := Spec{PoolFqdn: "pool01.contoso.com", BackupPoolFqdn: "pool02.contoso.com", Voice: VoiceFailover{Enabled: true}}

	if err := w.Check(ctx, s); err != nil {
		t.Fatalf("Check: %v", err)
	}
	if err := w.Check(ctx, Spec{PoolFqdn: "pool10.contoso.com", BackupPoolFqdn: "pool02.contoso.com"}); err == nil || !strings.Contains(err.Error(), "Lync Server 2010") {
		t.Errorf("Check of the Lync 2010 pool: %v", err)
	}
	st, err := w.Observe(ctx, s)
	if err != nil || !st.PoolExists || st.BackupPoolFqdn != "" {
		t.Fatalf("Observe before: %+v %v", st, err)
	}
	st, err = w.Pair(ctx, s)
	if err != nil {
		t.Fatalf("Pair: %v", err)
	}
	if !st.Converged || st.BackupPoolFqdn != s.BackupPoolFqdn || len(st.Servers) != 6 || !st.VoiceConsistent {
		t.Errorf("after Pair: %+v", st)
	}
	if st, err = w.Observe(ctx, s); err != nil || !st.Converged {
		t.Errorf("Observe after: %+v %v", st, err)
	}
	if st, err = w.Converge(ctx, s); err != nil || !st.Converged {
		t.Errorf("Converge: %+v %v", st, err)
	}
	if err := w.Unpair(ctx, s); err != nil {
		t.Fatalf("Unpair: %v", err)
	}
	if st, err = w.Observe(ctx, s); err != nil || st.BackupPoolFqdn != "" {
		t.Errorf("Observe after Unpair: %+v %v", st, err)
	}
}
