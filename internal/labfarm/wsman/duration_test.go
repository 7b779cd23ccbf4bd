package wsman

import (
	"math"
	"testing"
	"time"
)

func TestParseXSDuration(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want time.Duration
	}{
		{"PT60S", time.Minute},
		{"PT60.000S", time.Minute},
		{"PT9999S", 9999 * time.Second},
		{"PT20S", 20 * time.Second},
		{"PT0.25S", 250 * time.Millisecond},
		{" PT1M30S ", 90 * time.Second},
		{"P1DT2H3M4.5S", 26*time.Hour + 3*time.Minute + 4500*time.Millisecond},
		{"P0DT0H0M0S", 0},
		{"P1Y", 365 * 24 * time.Hour},
		{"P99999999999Y", time.Duration(math.MaxInt64)},
	} {
		got, err := parseXSDuration(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("parseXSDuration(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, in := range []string{"", "60", "P", "PT", "T60S", "-PT1S", "PT1.5M", "PT1S1M", "PT1H1H", "PTS", "PT1X", "P1S", "PT1.2.3S"} {
		if got, err := parseXSDuration(in); err == nil {
			t.Errorf("parseXSDuration(%q) = %v, want an error", in, got)
		}
	}
}

func TestHoldTime(t *testing.T) {
	s := &Server{cfg: Config{MaxHold: 5 * time.Second}}
	for in, want := range map[string]time.Duration{
		"PT60S":   5 * time.Second,
		"PT1.5S":  1500 * time.Millisecond,
		"garbage": 5 * time.Second,
		"":        5 * time.Second,
	} {
		if got := s.holdTime(in); got != want {
			t.Errorf("holdTime(%q) = %v, want %v", in, got, want)
		}
	}
}
