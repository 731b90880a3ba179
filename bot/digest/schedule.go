package digest

import (
	"fmt"
	"time"

	"github.com/dossier-bot/dossier/bot/state"
)

// dateLayout is how a digest's local day is written in its history.
const dateLayout = "2006-01-02"

// occurrence is the instant the local time of day hour:minute falls on
// the given local date in loc:
//   - the instant the clock shows that time, normally;
//   - when the clocks skip over it (spring forward), the instant they
//     skip, the first that exists after it;
//   - when the clocks show it twice (fall back), the first time.
func occurrence(year int, month time.Month, day, hour, minute int, loc *time.Location) time.Time {
	want := time.Date(year, month, day, hour, minute, 0, 0, time.UTC)
	t := time.Date(year, month, day, hour, minute, 0, 0, loc)
	// time.Date resolves a skipped time with one of the two offsets around
	// the gap, so t lands before or after the gap on the wall clock: the
	// gap's edge on that side is the moment of the change.
	start, end := t.ZoneBounds()
	switch wall := wallClock(t); {
	case wall.Before(want):
		return end
	case wall.After(want):
		return start
	}
	// For a repeated time, time.Date may pick either; the earlier one is
	// under the offset in force before t's zone began.
	if !start.IsZero() {
		_, off := t.Zone()
		_, before := start.Add(-time.Second).Zone()
		if before > off {
			earlier := t.Add(-time.Duration(before-off) * time.Second)
			if earlier.Before(start) && wallClock(earlier).Equal(want) {
				return earlier
			}
		}
	}
	return t
}

// wallClock is what a clock in t's zone shows at t, as a UTC time.
func wallClock(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}

// schedule is a subscription's time of day and zone, parsed.
type schedule struct {
	hour, minute int
	loc          *time.Location
}

func scheduleOf(sub state.Subscription) (schedule, error) {
	h, m, err := sub.Clock()
	if err != nil {
		return schedule{}, fmt.Errorf("subscription of channel %s: %w", sub.ChannelID, err)
	}
	loc, err := sub.Location()
	if err != nil {
		return schedule{}, fmt.Errorf("subscription of channel %s: %w", sub.ChannelID, err)
	}
	return schedule{h, m, loc}, nil
}

// on is the schedule's occurrence on the local date of t.
func (s schedule) on(t time.Time) time.Time {
	y, m, d := t.In(s.loc).Date()
	return occurrence(y, m, d, s.hour, s.minute, s.loc)
}

// latest returns the schedule's latest occurrence at or before now that
// falls on now's local date, with the date it belongs to. It is usually
// today's; it is yesterday's only where the clocks skipped past midnight.
func (s schedule) latest(now time.Time) (date string, at time.Time, ok bool) {
	local := now.In(s.loc)
	y, m, d := local.Date()
	for back := range 2 {
		day := time.Date(y, m, d-back, 12, 0, 0, 0, s.loc)
		at := s.on(day)
		ay, am, ad := at.In(s.loc).Date()
		if !at.After(now) && ay == y && am == m && ad == d {
			return day.Format(dateLayout), at, true
		}
	}
	return "", time.Time{}, false
}

// next returns the schedule's first occurrence after t.
func (s schedule) next(t time.Time) time.Time {
	y, m, d := t.In(s.loc).Date()
	// Every day has one occurrence, so this ends by the day after next.
	for ahead := 0; ; ahead++ {
		if at := occurrence(y, m, d+ahead, s.hour, s.minute, s.loc); at.After(t) {
			return at
		}
	}
}

// NextRun returns when the subscription's next digest is due after t,
// for /digest status.
func NextRun(sub state.Subscription, t time.Time) (time.Time, error) {
	s, err := scheduleOf(sub)
	if err != nil {
		return time.Time{}, err
	}
	return s.next(t), nil
}
