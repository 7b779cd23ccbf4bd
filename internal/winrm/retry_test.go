package winrm

import (
	"context"
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	p := RetryPolicy{MaxAttempts: 5, BaseBackoff: 100 * time.Millisecond, MaxBackoff: 300 * time.Millisecond}
	bounds := []struct{ lo, hi time.Duration }{
		{50 * time.Millisecond, 100 * time.Millisecond},  // after attempt 1
		{100 * time.Millisecond, 200 * time.Millisecond}, // 2: doubled
		{150 * time.Millisecond, 300 * time.Millisecond}, // 3: capped
		{150 * time.Millisecond, 300 * time.Millisecond}, // 4: still capped
	}
	for i, b := range bounds {
		for range 200 {
			if d := p.backoff(i + 1); d < b.lo || d > b.hi {
				t.Fatalf("backoff(%d) = %s, want within [%s, %s]", i+1, d, b.lo, b.hi)
			}
		}
	}
	// Jitter: not every pause is the same.
	seen := map[time.Duration]bool{}
	for range 50 {
		seen[p.backoff(1)] = true
	}
	if len(seen) < 2 {
		t.Error("backoff has no jitter")
	}
	if d := (RetryPolicy{}).backoff(3); d != 0 {
		t.Errorf("zero policy backoff = %s", d)
	}
}

func TestSleepRespectsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	if err := sleep(ctx, time.Hour); err == nil {
		t.Error("sleep on a cancelled context returned nil")
	}
	if time.Since(start) > time.Second {
		t.Error("sleep ignored the cancelled context")
	}
	if err := sleep(context.Background(), time.Millisecond); err != nil {
		t.Error(err)
	}
}
