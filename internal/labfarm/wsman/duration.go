package wsman

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// parseXSDuration parses an xs:duration as clients send it in
// w:OperationTimeout: "PT60S" (masterzen), "PT20S" (pywinrm), "PT60.000S",
// "PT9999S", and in general PnYnMnDTnHnMnS with a decimal fraction on the
// seconds. Years and months have no fixed length; they count as 365 and 30
// days, which only matters for values far above any hold time. Values too
// large for a time.Duration saturate.
func parseXSDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "-") {
		return 0, fmt.Errorf("xs:duration %q: negative durations are not timeouts", s)
	}
	rest, ok := strings.CutPrefix(s, "P")
	if !ok || rest == "" {
		return 0, fmt.Errorf("xs:duration %q: must start with P and name at least one component", s)
	}
	datePart, timePart, hasTime := strings.Cut(rest, "T")
	if hasTime && timePart == "" {
		return 0, fmt.Errorf("xs:duration %q: T must be followed by hours, minutes or seconds", s)
	}
	const day = 24 * 3600.0
	seconds, err := sumComponents(datePart, "YMD", []float64{365 * day, 30 * day, day}, false)
	if err != nil {
		return 0, fmt.Errorf("xs:duration %q: %w", s, err)
	}
	timeSeconds, err := sumComponents(timePart, "HMS", []float64{3600, 60, 1}, true)
	if err != nil {
		return 0, fmt.Errorf("xs:duration %q: %w", s, err)
	}
	seconds += timeSeconds
	if seconds >= float64(math.MaxInt64)/float64(time.Second) {
		return time.Duration(math.MaxInt64), nil
	}
	return time.Duration(seconds * float64(time.Second)), nil
}

// sumComponents adds up the "<number><designator>" components of one half of
// an xs:duration. Designators must appear in the order given, at most once;
// only the last one (seconds) may carry a fraction when fractionLast is set.
func sumComponents(part, designators string, unit []float64, fractionLast bool) (float64, error) {
	total, next := 0.0, 0
	for part != "" {
		end := strings.IndexFunc(part, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
		if end <= 0 {
			return 0, errors.New("expected a number before each designator")
		}
		number, designator := part[:end], part[end]
		i := strings.IndexByte(designators[next:], designator)
		if i < 0 {
			return 0, fmt.Errorf("unexpected or repeated designator %q", designator)
		}
		i += next
		if strings.Contains(number, ".") && (!fractionLast || i != len(designators)-1) {
			return 0, fmt.Errorf("only seconds may have a fraction, got %s%c", number, designator)
		}
		v, err := strconv.ParseFloat(number, 64)
		if err != nil {
			return 0, err
		}
		total += v * unit[i]
		next = i + 1
		part = part[end+1:]
	}
	return total, nil
}

// formatXSDuration renders d the way Windows writes rsp:IdleTimeOut.
func formatXSDuration(d time.Duration) string {
	return fmt.Sprintf("PT%.3fS", d.Seconds())
}
