package digest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/corpus"
)

// scheduler makes a scheduler on st with the fake clock and Discord.
func scheduler(st state.Store, clock *fakeClock, d *discord, log *slog.Logger) *Scheduler {
	return NewScheduler(Config{Store: st, Poster: d, Clock: clock, Log: log, Retention: 30 * 24 * time.Hour})
}

func tick(tb testing.TB, s *Scheduler) {
	tb.Helper()
	if err := s.Tick(context.Background()); err != nil {
		tb.Fatalf("Tick: %v", err)
	}
}

// TestRunPostsAtLocalTimeAcrossDST runs the scheduler on a fake clock
// through daylight saving changes and checks when each digest is posted.
func TestRunPostsAtLocalTimeAcrossDST(t *testing.T) {
	t.Parallel()
	tests := []struct {
		zone, hhmm string
		from       string // local date the run starts, at noon
		want       []string
	}{
		{"America/New_York", "09:00", "2024-03-08", []string{
			"2024-03-09T09:00:00-05:00", "2024-03-10T09:00:00-04:00", "2024-03-11T09:00:00-04:00"}},
		{"America/New_York", "02:30", "2024-03-08", []string{
			"2024-03-09T02:30:00-05:00", "2024-03-10T03:00:00-04:00", "2024-03-11T02:30:00-04:00"}},
		{"America/New_York", "01:30", "2024-11-01", []string{
			"2024-11-02T01:30:00-04:00", "2024-11-03T01:30:00-04:00", "2024-11-04T01:30:00-05:00"}},
		{"Europe/London", "09:00", "2024-10-25", []string{
			"2024-10-26T09:00:00+01:00", "2024-10-27T09:00:00Z", "2024-10-28T09:00:00Z"}},
		{"Australia/Lord_Howe", "02:15", "2024-10-04", []string{
			"2024-10-05T02:15:00+10:30", "2024-10-06T02:30:00+11:00", "2024-10-07T02:15:00+11:00"}},
	}
	for _, tt := range tests {
		t.Run(tt.zone+" "+tt.hhmm, func(t *testing.T) {
			t.Parallel()
			loc := zone(t, tt.zone)
			start, err := time.ParseInLocation(dateLayout, tt.from, loc)
			if err != nil {
				t.Fatal(err)
			}
			start = start.Add(12 * time.Hour)
			end := start.Add(3*24*time.Hour + 12*time.Hour)
			st := newStore(t)
			subscribe(t, st, "c", tt.hhmm, tt.zone, start)
			// A question every six hours gives every digest something to say.
			for at := start; at.Before(end); at = at.Add(6 * time.Hour) {
				logQuestions(t, st, at, fmt.Sprint("What happened at ", at.UTC().Format(time.Kitchen), "?"))
			}
			clock := newFakeClock(start)
			d := newDiscord(clock)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error)
			go func() { done <- scheduler(st, clock, d, nil).Run(ctx) }()
			for clock.next(t).Before(end) {
			}
			cancel()
			clock.set(end.Add(time.Hour)) // wake Run to see the cancellation
			if err := <-done; err != nil {
				t.Errorf("Run = %v, want nil after cancelling", err)
			}

			var got []string
			for _, at := range d.postTimes("c") {
				got = append(got, at.In(loc).Format(time.RFC3339))
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("digests posted at\n%v\nwant\n%v", got, tt.want)
			}
		})
	}
}

func TestCatchUpAfterDowntime(t *testing.T) {
	t.Parallel()
	day := time.Date(2024, 4, 30, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		created time.Time
		start   time.Time
		posts   int
	}{
		{"started after the hour", day.Add(-24 * time.Hour), day.Add(11 * time.Hour), 1},
		{"started before the hour", day.Add(-24 * time.Hour), day.Add(8 * time.Hour), 0},
		{"subscribed after the hour", day.Add(10 * time.Hour), day.Add(11 * time.Hour), 0},
		{"down for days", day.Add(-10 * 24 * time.Hour), day.Add(23 * time.Hour), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st := newStore(t)
			subscribe(t, st, "c", "09:00", "UTC", tt.created)
			logQuestions(t, st, tt.start, "Who?")
			clock := newFakeClock(tt.start)
			d := newDiscord(clock)
			s := scheduler(st, clock, d, nil)
			tick(t, s)
			clock.set(tt.start.Add(time.Minute))
			tick(t, s)
			if got := len(d.channel("c")); got != tt.posts {
				t.Errorf("posted %d messages, want %d", got, tt.posts)
			}
			if tt.posts > 0 && !d.postTimes("c")[0].Equal(tt.start) {
				t.Errorf("posted at %v, want at once (%v)", d.postTimes("c")[0], tt.start)
			}
		})
	}
}

func TestNoDoublePostAcrossRestart(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	nine := time.Date(2024, 4, 30, 9, 0, 0, 0, time.UTC)
	subscribe(t, st, "c", "09:00", "UTC", nine.Add(-48*time.Hour))
	logQuestions(t, st, nine, "Who?")
	clock := newFakeClock(nine)
	d := newDiscord(clock)
	tick(t, scheduler(st, clock, d, nil))

	// A new process, later that day, with new questions asked meanwhile.
	clock.set(nine.Add(3 * time.Hour))
	logQuestions(t, st, clock.Now(), "Why?")
	restarted := scheduler(st, clock, d, nil)
	tick(t, restarted)
	// And subscribing again the same day, at a later time, posts nothing
	// more either: one digest per channel per day.
	subscribe(t, st, "c", "15:00", "UTC", clock.Now())
	clock.set(nine.Add(7 * time.Hour))
	tick(t, restarted)
	if got := d.channel("c"); len(got) != 1 {
		t.Fatalf("posted %d messages on one day, want 1", len(got))
	}

	// The next day's digest covers what came after the first.
	clock.set(nine.Add(30 * time.Hour)) // 15:00 next day
	tick(t, restarted)
	got := d.channel("c")
	if len(got) != 2 || !strings.Contains(got[1], "Why?") || strings.Contains(got[1], "Who?") {
		t.Errorf("second day's digest = %q, want the question asked after the first digest only", got[1:])
	}
}

// TestCrashBetweenPostingAndRecording stops the scheduler after Discord
// took a message but before the message's id was recorded, and restarts
// it later: the digest is finished without posting any part twice.
func TestCrashBetweenPostingAndRecording(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		lost    int           // the Post call whose message is not recorded
		restart time.Duration // after the crash; past enforce_nonce's minutes or not
	}{
		{"first part, restart at once", 1, 30 * time.Second},
		{"first part, restart next hour", 1, time.Hour},
		{"second part, restart next hour", 2, time.Hour},
		{"last part, restart next hour", 3, time.Hour},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st := newStore(t)
			nine := time.Date(2024, 4, 30, 9, 0, 0, 0, time.UTC)
			subscribe(t, st, "c", "09:00", "UTC", nine.Add(-48*time.Hour))
			// Enough new documents to fill three messages or more.
			if _, err := st.RecordDocuments(&corpus.Corpus{Documents: longDocs(maxDocuments)}, nine.Add(-time.Hour), Lead); err != nil {
				t.Fatal(err)
			}
			clock := newFakeClock(nine)
			d := newDiscord(clock)
			d.lose = func(_ string, n int) bool { return n == tt.lost }
			err := scheduler(st, clock, d, nil).Tick(context.Background())
			if !errors.Is(err, errLost) {
				t.Fatalf("Tick = %v, want the crash", err)
			}
			rec, _, _ := st.Digest("c", "2024-04-30")
			if len(rec.Parts) < 3 || rec.Status != state.Posting {
				t.Fatalf("digest recorded as %s with %d parts, want posting with 3 or more", rec.Status, len(rec.Parts))
			}

			d.lose = nil
			clock.set(nine.Add(tt.restart))
			tick(t, scheduler(st, clock, d, nil))
			got := d.channel("c")
			var want []string
			for _, p := range rec.Parts {
				want = append(want, p.Content)
			}
			if strings.Join(got, "\n---\n") != strings.Join(want, "\n---\n") {
				t.Errorf("channel has %d messages, want each of the %d parts once, in order", len(got), len(want))
			}
			rec, _, _ = st.Digest("c", "2024-04-30")
			if rec.Status != state.Posted {
				t.Errorf("digest status after the restart = %s, want posted", rec.Status)
			}
			for i, p := range rec.Parts {
				if p.MessageID != fmt.Sprint(1001+i) {
					t.Errorf("part %d recorded as message %q, want %d", i, p.MessageID, 1001+i)
				}
			}
		})
	}
}

func TestCrashBeforeFinishing(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	nine := time.Date(2024, 4, 30, 9, 0, 0, 0, time.UTC)
	subscribe(t, st, "c", "09:00", "UTC", nine.Add(-48*time.Hour))
	// Every part posted and recorded, the finish not.
	rec := state.Digest{ChannelID: "c", Date: "2024-04-30", Status: state.Posting, Started: nine,
		Parts: []state.Part{{Content: "already here", Nonce: "n", MessageID: "77"}}}
	if _, _, err := st.BeginDigest(rec); err != nil {
		t.Fatal(err)
	}
	clock := newFakeClock(nine.Add(time.Hour))
	d := newDiscord(clock)
	tick(t, scheduler(st, clock, d, nil))
	if d.posts != 0 {
		t.Errorf("posted %d messages, want none", d.posts)
	}
	if got, _, _ := st.Digest("c", "2024-04-30"); got.Status != state.Posted {
		t.Errorf("digest status = %s, want posted", got.Status)
	}
}

func TestPauseOnLastingError(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	nine := time.Date(2024, 4, 30, 9, 0, 0, 0, time.UTC)
	subscribe(t, st, "gone", "09:00", "UTC", nine.Add(-48*time.Hour))
	subscribe(t, st, "flaky", "09:00", "UTC", nine.Add(-48*time.Hour))
	subscribe(t, st, "fine", "09:00", "UTC", nine.Add(-48*time.Hour))
	logQuestions(t, st, nine, "Who?")
	clock := newFakeClock(nine)
	d := newDiscord(clock)
	flakes := 0
	d.fail = func(channel string, _ int) error {
		switch {
		case channel == "gone":
			return fmt.Errorf("%w: Unknown Channel (10003)", ErrCannotPost)
		case channel == "flaky" && flakes < 2:
			flakes++
			return errors.New("502 Bad Gateway")
		}
		return nil
	}
	var logs bytes.Buffer
	s := scheduler(st, clock, d, slog.New(slog.NewTextHandler(&logs, nil)))
	err := s.Tick(context.Background())
	if err == nil || !strings.Contains(err.Error(), "502") || strings.Contains(err.Error(), "10003") {
		t.Errorf("Tick = %v, want the flaky channel's error only", err)
	}
	sub, _, _ := st.Subscription("gone")
	if !strings.Contains(sub.Paused, "Unknown Channel (10003)") || !sub.PausedAt.Equal(nine) {
		t.Errorf("subscription of the deleted channel = %+v, want paused with the reason", sub)
	}
	if !strings.Contains(logs.String(), "Unknown Channel (10003)") || !strings.Contains(logs.String(), "level=WARN") {
		t.Errorf("log = %q, want a warning with the reason", logs.String())
	}
	for i := 1; i <= 3; i++ {
		clock.set(nine.Add(time.Duration(i) * time.Minute))
		s.Tick(context.Background())
	}
	if got := d.channel("flaky"); len(got) != 1 {
		t.Errorf("flaky channel got %d messages, want 1 after retrying", len(got))
	}
	if got := d.channel("fine"); len(got) != 1 {
		t.Errorf("fine channel got %d messages, want 1", len(got))
	}
	postsBefore := d.posts
	logQuestions(t, st, nine.Add(24*time.Hour), "What next?")
	clock.set(nine.Add(24 * time.Hour))
	tick(t, s)
	if d.posts != postsBefore+2 {
		t.Errorf("next day: %d posts, want 2 (none to the paused channel)", d.posts-postsBefore)
	}
}

func TestEmptyDigestPostsNothing(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	nine := time.Date(2024, 4, 30, 9, 0, 0, 0, time.UTC)
	subscribe(t, st, "c", "09:00", "UTC", nine.Add(-48*time.Hour))
	clock := newFakeClock(nine)
	d := newDiscord(clock)
	s := scheduler(st, clock, d, nil)
	tick(t, s)
	// Something to say arrives later that day: it waits for tomorrow.
	logQuestions(t, st, nine.Add(time.Hour), "Who?")
	clock.set(nine.Add(2 * time.Hour))
	tick(t, s)
	if d.posts != 0 {
		t.Errorf("posted %d messages, want none", d.posts)
	}
	rec, found, _ := st.Digest("c", "2024-04-30")
	if !found || rec.Status != state.Empty {
		t.Errorf("digest for the day = %+v, %v; want recorded empty", rec, found)
	}
	clock.set(nine.Add(24 * time.Hour))
	tick(t, s)
	if got := d.channel("c"); len(got) != 1 || !strings.Contains(got[0], "Who?") {
		t.Errorf("next day posted %q, want the question", got)
	}
}

func TestPreviewRecordsNothing(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	now := time.Date(2024, 4, 30, 7, 0, 0, 0, time.UTC)
	subscribe(t, st, "c", "09:00", "Asia/Tokyo", now.Add(-48*time.Hour))
	logQuestions(t, st, now, "Who?")
	clock := newFakeClock(now)
	d := newDiscord(clock)
	got, err := scheduler(st, clock, d, nil).Preview(context.Background(), "g", "c")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Unanswered) != 1 || got.Date.Location().String() != "Asia/Tokyo" {
		t.Errorf("Preview = %+v, want the question, dated in Tokyo", got)
	}
	if _, found, _ := st.Digest("c", "2024-04-30"); found || d.posts != 0 {
		t.Errorf("Preview recorded or posted a digest")
	}
}

// longDocs makes n documents whose leads are long.
func longDocs(n int) []corpus.Document {
	var docs []corpus.Document
	for i := range n {
		text := strings.Repeat(fmt.Sprintf("Document %d reports at considerable length on the negotiations between the delegations and what they agreed. ", i), 4)
		docs = append(docs, corpus.Document{ID: fmt.Sprint("doc-", i), Title: fmt.Sprint("A report of some length, number ", i),
			Publisher: "The Daily Record", Published: "2024-04-29", URL: fmt.Sprint("https://example.com/reports/", i), Hash: fmt.Sprint(i), Text: text})
	}
	return docs
}

func TestPreviewStartsAtTheSubscription(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	now := time.Date(2024, 4, 30, 7, 0, 0, 0, time.UTC)
	if _, err := st.RecordDocuments(builtin(t), now.Add(-2*time.Hour), Lead); err != nil {
		t.Fatal(err)
	}
	clock := newFakeClock(now)
	s := scheduler(st, clock, newDiscord(clock), nil)
	for _, tt := range []struct {
		name     string
		created  time.Time
		wantDocs bool
	}{
		{"subscribed after the documents came", now.Add(-time.Hour), false},
		{"subscribed before", now.Add(-3 * time.Hour), true},
	} {
		subscribe(t, st, "c", "09:00", "UTC", tt.created)
		got, err := s.Preview(context.Background(), "g", "c")
		if err != nil {
			t.Fatal(err)
		}
		if (len(got.Documents) > 0) != tt.wantDocs {
			t.Errorf("%s: Preview shows %d documents, want some: %v", tt.name, len(got.Documents), tt.wantDocs)
		}
	}
}

// TestPostedCountsEachDigestOnce: the metrics hook hears of a digest
// posted, not of an empty day nor of a restart that finds it posted.
func TestPostedCountsEachDigestOnce(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	nine := time.Date(2024, 4, 30, 9, 0, 0, 0, time.UTC)
	subscribe(t, st, "c", "09:00", "UTC", nine.Add(-48*time.Hour))
	clock := newFakeClock(nine)
	d := newDiscord(clock)
	posted := 0
	start := func() *Scheduler {
		return NewScheduler(Config{Store: st, Poster: d, Clock: clock, Posted: func() { posted++ }})
	}
	tick(t, start()) // nothing to say on the first day
	logQuestions(t, st, nine.Add(time.Hour), "Who?")
	clock.set(nine.Add(24 * time.Hour))
	tick(t, start())
	clock.set(nine.Add(26 * time.Hour))
	tick(t, start()) // a restart the same day
	if posted != 1 || d.posts == 0 {
		t.Errorf("Posted told %d times for %d messages, want once", posted, d.posts)
	}
}
