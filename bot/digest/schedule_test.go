package digest

import (
	"testing"
	"time"

	"github.com/dossier-bot/dossier/bot/state"
)

func TestOccurrence(t *testing.T) {
	t.Parallel()
	utc := func(s string) time.Time {
		t.Helper()
		at, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return at
	}
	tests := []struct {
		name   string
		zone   string
		date   string
		hhmm   [2]int
		want   time.Time
		remark string
	}{
		{"New York before spring forward", "America/New_York", "2024-03-09", [2]int{9, 0}, utc("2024-03-09T14:00:00Z"), "EST"},
		{"New York after spring forward", "America/New_York", "2024-03-11", [2]int{9, 0}, utc("2024-03-11T13:00:00Z"), "EDT"},
		{"New York 09:00 on the day itself", "America/New_York", "2024-03-10", [2]int{9, 0}, utc("2024-03-10T13:00:00Z"), "EDT"},
		{"New York skipped 02:30", "America/New_York", "2024-03-10", [2]int{2, 30}, utc("2024-03-10T07:00:00Z"), "03:00 EDT, the moment of the change"},
		{"New York skipped 02:00", "America/New_York", "2024-03-10", [2]int{2, 0}, utc("2024-03-10T07:00:00Z"), "03:00 EDT"},
		{"New York 03:00 right after the gap", "America/New_York", "2024-03-10", [2]int{3, 0}, utc("2024-03-10T07:00:00Z"), "03:00 EDT"},
		{"New York repeated 01:30", "America/New_York", "2024-11-03", [2]int{1, 30}, utc("2024-11-03T05:30:00Z"), "the first, EDT"},
		{"New York 09:00 after fall back", "America/New_York", "2024-11-03", [2]int{9, 0}, utc("2024-11-03T14:00:00Z"), "EST"},
		{"London skipped 01:30", "Europe/London", "2024-03-31", [2]int{1, 30}, utc("2024-03-31T01:00:00Z"), "02:00 BST"},
		{"London repeated 01:30", "Europe/London", "2024-10-27", [2]int{1, 30}, utc("2024-10-27T00:30:00Z"), "the first, BST"},
		{"London 09:00 summer", "Europe/London", "2024-07-01", [2]int{9, 0}, utc("2024-07-01T08:00:00Z"), "BST"},
		{"Lord Howe skipped 02:15", "Australia/Lord_Howe", "2024-10-06", [2]int{2, 15}, utc("2024-10-05T15:30:00Z"), "02:30 +11, a half-hour change"},
		{"Lord Howe repeated 01:45", "Australia/Lord_Howe", "2024-04-07", [2]int{1, 45}, utc("2024-04-06T14:45:00Z"), "the first, +11"},
		{"Lord Howe 09:00 after fall back", "Australia/Lord_Howe", "2024-04-07", [2]int{9, 0}, utc("2024-04-06T22:30:00Z"), "+10:30"},
		{"UTC midnight", "UTC", "2024-02-29", [2]int{0, 0}, utc("2024-02-29T00:00:00Z"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			loc := zone(t, tt.zone)
			d, err := time.Parse(dateLayout, tt.date)
			if err != nil {
				t.Fatal(err)
			}
			got := occurrence(d.Year(), d.Month(), d.Day(), tt.hhmm[0], tt.hhmm[1], loc)
			if !got.Equal(tt.want) {
				t.Errorf("occurrence(%s %02d:%02d %s) = %v (%v), want %v (%s)", tt.date, tt.hhmm[0], tt.hhmm[1], tt.zone,
					got.UTC(), got.In(loc), tt.want, tt.remark)
			}
		})
	}
}

func TestNextRun(t *testing.T) {
	t.Parallel()
	sub := state.Subscription{ChannelID: "c", Time: "09:00", Zone: "Europe/London"}
	tests := []struct {
		after, want string
	}{
		{"2024-03-30T08:59:59Z", "2024-03-30T09:00:00Z"}, // GMT
		{"2024-03-30T09:00:00Z", "2024-03-31T08:00:00Z"}, // next day is BST
		{"2024-03-31T08:00:00Z", "2024-04-01T08:00:00Z"},
		{"2024-10-26T23:30:00Z", "2024-10-27T09:00:00Z"}, // back to GMT
	}
	for _, tt := range tests {
		after, _ := time.Parse(time.RFC3339, tt.after)
		want, _ := time.Parse(time.RFC3339, tt.want)
		got, err := NextRun(sub, after)
		if err != nil || !got.Equal(want) {
			t.Errorf("NextRun(09:00 Europe/London, %s) = %v, %v; want %v", tt.after, got.UTC(), err, want)
		}
	}
	if _, err := NextRun(state.Subscription{Time: "9h", Zone: "UTC"}, time.Now()); err == nil {
		t.Errorf("NextRun of a malformed time succeeded")
	}
}

// TestEveryDayHasOneOccurrence checks, for zones with unusual rules, that
// every local day of a year has one occurrence, at the time asked for or
// else just as the clocks skip past it, and that occurrences only move
// forward.
func TestEveryDayHasOneOccurrence(t *testing.T) {
	t.Parallel()
	zones := []string{"America/New_York", "Europe/London", "Australia/Lord_Howe", "America/Santiago", "Asia/Kolkata", "Pacific/Chatham", "America/Havana"}
	for _, name := range zones {
		loc := zone(t, name)
		for _, hm := range [][2]int{{0, 0}, {0, 30}, {1, 0}, {1, 30}, {2, 0}, {2, 30}, {3, 0}, {9, 0}, {23, 30}} {
			s := schedule{hm[0], hm[1], loc}
			prev := time.Time{}
			for day := time.Date(2024, 1, 1, 12, 0, 0, 0, loc); day.Year() == 2024; day = day.AddDate(0, 0, 1) {
				at := s.on(day)
				if !at.After(prev) {
					t.Fatalf("%s %02d:%02d: occurrence on %s (%v) is not after the previous one (%v)", name, hm[0], hm[1], day.Format(dateLayout), at, prev)
				}
				local := at.In(loc)
				want := time.Date(day.Year(), day.Month(), day.Day(), hm[0], hm[1], 0, 0, time.UTC)
				if wall := wallClock(local); !wall.Equal(want) {
					_, before := at.Add(-time.Nanosecond).Zone()
					_, after := at.Zone()
					if !wall.After(want) || before == after {
						t.Errorf("%s %02d:%02d on %s: at %v, neither the time asked for nor the moment the clocks skip it", name, hm[0], hm[1], day.Format(dateLayout), local)
					}
				}
				if next := s.next(at.Add(-time.Nanosecond)); !next.Equal(at) {
					t.Errorf("%s: next just before %v = %v", name, at, next)
				}
				prev = at
			}
		}
	}
}
