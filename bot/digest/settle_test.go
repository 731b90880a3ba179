package digest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dossier-bot/dossier/bot/state"
)

// TestWatcherWaitsForFilesToSettle writes files in two halves between
// looks, as a copy in progress does: neither a new file nor a rewritten
// one is indexed cut off; each is, whole, once two looks agree.
func TestWatcherWaitsForFilesToSettle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	start := time.Date(2024, 4, 30, 9, 0, 0, 0, time.UTC)
	writeDoc(t, dir, "orchard.md", "Orchard Report", "The orchard cooperative harvested nine tonnes of quinces this autumn.", start.Add(-time.Hour))
	clock := newFakeClock(start)
	w, ix, _ := newWatcher(t, dir, clock)
	poll := func(what string) state.Changes {
		t.Helper()
		ch, err := w.Poll(ctx)
		if err != nil {
			t.Fatalf("Poll %s: %v", what, err)
		}
		return ch
	}
	tick := func() time.Time {
		clock.set(clock.Now().Add(time.Second))
		return clock.Now()
	}
	poll("of the settled folder")

	const (
		firstHalf  = "The winter ferry sails twice a week from the harbour, calling at the lighthouse"
		secondHalf = " jetty when the sea allows, and carries the island's post."
	)
	path := filepath.Join(dir, "ferry.md")
	writeHalf := func(text string, mtime time.Time) {
		t.Helper()
		if err := os.WriteFile(path, []byte("---\ntitle: \"Ferry Timetable\"\n---\n"+text), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(path, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}

	// A new file, half written.
	writeHalf(firstHalf, tick())
	if ch := poll("with a new file half written"); len(ch.Added) != 0 || finds(t, ix, "winter ferry harbour", "ferry") {
		t.Errorf("Poll with a file half written added %v, want nothing until it settles", ch.Added)
	}
	if !w.waiting {
		t.Errorf("after a look at an unsettled file, the watcher does not look again soon")
	}
	writeHalf(firstHalf+secondHalf, tick())
	if ch := poll("with the file just finished"); len(ch.Added) != 0 {
		t.Errorf("Poll with a file just finished added %v, want nothing until two looks agree", ch.Added)
	}
	tick()
	if ch := poll("with the file settled"); len(ch.Added) != 1 || !finds(t, ix, "island's post jetty", "ferry") {
		t.Errorf("Poll once the file settled added %v, want it, whole", ch.Added)
	}

	// An indexed file rewritten: the old text stays until the new settles.
	writeHalf("The summer ferry timetable starts in", tick())
	if ch := poll("with a file being rewritten"); !ch.Empty() || !finds(t, ix, "island's post jetty", "ferry") {
		t.Errorf("Poll with a file being rewritten changed %v, want the old text kept until the new settles", ch)
	}
	writeHalf("The summer ferry timetable starts in June, with sailings every day from the harbour.", tick())
	poll("with the rewrite just finished")
	tick()
	if ch := poll("with the rewrite settled"); len(ch.Changed) != 1 || !finds(t, ix, "summer ferry sailings every day June", "ferry") {
		t.Errorf("Poll once the rewrite settled changed %v, want it, whole", ch.Changed)
	}

	// A file written to without end is indexed as it is after maxHold.
	for range int(maxHold/time.Second) + 1 {
		writeHalf("The summer ferry log, growing: "+clock.Now().String(), tick())
		poll("with a file that keeps changing")
	}
	if !finds(t, ix, "ferry log growing", "ferry") {
		t.Errorf("a file that kept changing for %v was not indexed, want it indexed as it is after %v", maxHold, maxHold)
	}
}

// TestWatcherRunLooksAgainSoonAtUnsettledFiles checks that Run looks again
// after settleTime, not a whole interval, when a file has not settled.
func TestWatcherRunLooksAgainSoonAtUnsettledFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	start := time.Date(2024, 4, 30, 9, 0, 0, 0, time.UTC)
	writeDoc(t, dir, "orchard.md", "Orchard Report", "The orchard cooperative harvested nine tonnes of quinces this autumn.", start.Add(-time.Hour))
	writeDoc(t, dir, "ferry.md", "Ferry Timetable", "The winter ferry sails twice a week from the harbour.", start)
	clock := newFakeClock(start)
	w, ix, _ := newWatcher(t, dir, clock)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- w.Run(ctx) }()
	if at := clock.next(t); !at.Equal(start.Add(settleTime)) {
		t.Errorf("second look at %v, want %v after the first, which found a file not settled", at.Sub(start), settleTime)
	}
	clock.blocked(t)
	if at := clock.next(t); !at.Equal(start.Add(settleTime + time.Minute)) {
		t.Errorf("third look at %v, want a whole interval after the second, which found every file settled", at.Sub(start))
	}
	clock.blocked(t)
	cancel()
	clock.set(start.Add(time.Hour))
	if err := <-done; err != nil {
		t.Errorf("Run = %v, want nil", err)
	}
	if !finds(t, ix, "winter ferry harbour", "ferry") || !finds(t, ix, "orchard quinces", "orchard") {
		t.Errorf("after the file settled, the index lacks it or the others")
	}
}
