package farm

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestClockScale(t *testing.T) {
	c, err := NewClock(0.001)
	if err != nil {
		t.Fatal(err)
	}
	start := c.Now()
	wall := time.Now()
	// A modelled 3 minutes at scale 0.001 take 180 ms of wall time.
	if err := c.Sleep(context.Background(), 3*time.Minute); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(wall); el < 170*time.Millisecond || el > 2*time.Second {
		t.Errorf("3 farm minutes took %v of wall time", el)
	}
	if fe := c.Now().Sub(start); fe < 3*time.Minute {
		t.Errorf("farm time advanced %v", fe)
	}
	if c.WallDuration(time.Minute) != 60*time.Millisecond {
		t.Errorf("WallDuration %v", c.WallDuration(time.Minute))
	}
	for _, bad := range []float64{0, -1, 1e-9, 1e6} {
		if err := c.SetScale(bad); err == nil {
			t.Errorf("scale %v accepted", bad)
		}
	}
}

func TestClockSleepFollowsScaleChangeAndAdvance(t *testing.T) {
	c, _ := NewClock(1) // real time: an hour would never end
	done := make(chan error, 1)
	go func() { done <- c.Sleep(context.Background(), time.Hour) }()
	time.Sleep(10 * time.Millisecond)
	if err := c.SetScale(1e-5); err != nil { // an hour now lasts 36 ms
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("sleep ignored the scale change")
	}

	_ = c.SetScale(1)
	go func() { done <- c.Sleep(context.Background(), time.Hour) }()
	time.Sleep(10 * time.Millisecond)
	before := c.Now()
	if err := c.Advance(2 * time.Hour); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("sleep ignored Advance")
	}
	if c.Now().Sub(before) < 2*time.Hour {
		t.Fatal("Advance did not move farm time")
	}
	if err := c.Advance(-time.Second); err == nil {
		t.Fatal("clock went backwards")
	}
}

func TestClockSleepCancel(t *testing.T) {
	c, _ := NewClock(1)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(10 * time.Millisecond); cancel() }()
	if err := c.Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}
