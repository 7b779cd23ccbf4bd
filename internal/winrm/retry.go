package winrm

import (
	"context"
	"math/rand/v2"
	"time"
)

// backoff returns the pause after the given failed attempt (1-based):
// exponential (BaseBackoff, 2×, 4×, … capped at MaxBackoff) with "equal
// jitter" — half of it fixed, half random — so that parallel executions
// that failed together do not retry in lockstep, yet each one still waits.
func (p RetryPolicy) backoff(attempt int) time.Duration {
	d := p.BaseBackoff
	for i := 1; i < attempt && d < p.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, p.MaxBackoff)
	if d <= 0 {
		return 0
	}
	half := d / 2
	return half + rand.N(d-half+1)
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
