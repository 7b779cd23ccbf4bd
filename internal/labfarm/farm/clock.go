package farm

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Clock is the farm's clock. Farm time runs at 1/Scale of wall time: Scale
// is the number of wall seconds one farm second takes. Scale 1 is real time;
// Scale 0.001 makes a modelled 3 minutes (a Bootstrapper run) take 180 ms of
// wall time, so tests run in milliseconds while every latency keeps its real
// ratio to the others.
//
// Changing the scale or advancing the clock wakes every sleeper, which then
// re-computes its wall-clock wait, so a Sleep always ends when farm time
// reaches its target whatever happens to the scale meanwhile.
type Clock struct {
	mu         sync.Mutex
	scale      float64
	wallAnchor time.Time // wall time at the last re-anchoring
	farmAnchor time.Time // farm time at wallAnchor
	changed    chan struct{}
	wallNow    func() time.Time
}

// MinScale is the smallest accepted scale: below it wall waits round to
// nothing and the ratios between latencies are lost.
const MinScale = 1e-6

// NewClock returns a clock whose farm time starts at the current wall time.
func NewClock(scale float64) (*Clock, error) {
	if err := checkScale(scale); err != nil {
		return nil, err
	}
	now := time.Now()
	return &Clock{scale: scale, wallAnchor: now, farmAnchor: now, changed: make(chan struct{}), wallNow: time.Now}, nil
}

func checkScale(scale float64) error {
	if !(scale >= MinScale && scale <= 1000) {
		return fmt.Errorf("time scale %v is out of range: it must be between %g and 1000 (1 is real time, 0.001 makes a farm minute last 60 ms)", scale, MinScale)
	}
	return nil
}

// Now returns the current farm time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nowLocked()
}

func (c *Clock) nowLocked() time.Time {
	wall := c.wallNow().Sub(c.wallAnchor)
	return c.farmAnchor.Add(time.Duration(float64(wall) / c.scale))
}

// Scale returns the wall seconds per farm second.
func (c *Clock) Scale() float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.scale
}

// SetScale changes the scale from now on; farm time does not jump.
func (c *Clock) SetScale(scale float64) error {
	if err := checkScale(scale); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reanchorLocked(0)
	c.scale = scale
	c.wakeLocked()
	return nil
}

// Advance moves farm time forward by d at once (tests and the control API use
// it to skip a long convergence); sleepers whose target passes wake up.
func (c *Clock) Advance(d time.Duration) error {
	if d < 0 {
		return errors.New("the farm clock cannot go backwards")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reanchorLocked(d)
	c.wakeLocked()
	return nil
}

func (c *Clock) reanchorLocked(skip time.Duration) {
	now := c.wallNow()
	c.farmAnchor = c.farmAnchor.Add(time.Duration(float64(now.Sub(c.wallAnchor))/c.scale) + skip)
	c.wallAnchor = now
}

func (c *Clock) wakeLocked() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// WallDuration converts a farm duration to wall time at the current scale.
func (c *Clock) WallDuration(d time.Duration) time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Duration(float64(d) * c.scale)
}

// Sleep waits until farm time has advanced by d. It returns ctx.Err() early
// when the context ends, which is how a WinRM terminate signal cancels a
// running cmdlet.
func (c *Clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d <= 0 {
		return nil
	}
	c.mu.Lock()
	target := c.nowLocked().Add(d)
	c.mu.Unlock()
	for {
		c.mu.Lock()
		left := target.Sub(c.nowLocked())
		wall := time.Duration(float64(left) * c.scale)
		changed := c.changed
		c.mu.Unlock()
		if left <= 0 || wall <= 0 {
			return nil
		}
		t := time.NewTimer(wall)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-changed:
			t.Stop()
		case <-t.C:
		}
	}
}
