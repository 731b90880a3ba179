package digest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/index"
)

// writeDoc writes a document into the corpus folder, with a modification
// time of its own so that no file system's clock granularity hides it.
func writeDoc(tb testing.TB, dir, name, title, body string, mtime time.Time) {
	tb.Helper()
	path := filepath.Join(dir, name)
	text := "---\ntitle: \"" + title + "\"\npublisher: Test Desk\n---\n" + body + "\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		tb.Fatal(err)
	}
	if err := os.Chtimes(path, mtime, mtime); err != nil {
		tb.Fatal(err)
	}
}

// finds reports whether the index shows a passage of the document id
// for q.
func finds(tb testing.TB, ix *index.Index, q, id string) bool {
	tb.Helper()
	a, err := ix.Ask(context.Background(), q, 5)
	if err != nil {
		tb.Fatalf("Ask(%q): %v", q, err)
	}
	// Whether the passages shown answer directly is the index's call:
	// what matters here is that the index holds the document.
	for _, r := range append(a.Results, a.Related...) {
		if r.Doc.ID == id {
			return true
		}
	}
	return false
}

func newWatcher(tb testing.TB, dir string, clock Clock) (*Watcher, *index.Index, state.Store) {
	tb.Helper()
	ix, err := index.NewMemory()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ix.Close() })
	st := newStore(tb)
	w := NewWatcher(WatcherConfig{Corpus: os.DirFS(dir), Name: dir, Index: ix, Store: st, Interval: time.Minute, Clock: clock})
	return w, ix, st
}

func TestWatcherFollowsTheFolder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	mtime := time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)
	writeDoc(t, dir, "lighthouse.md", "The Lighthouse Keeper", "The lighthouse keeper on Skerry Island logs every passing ship in a leather ledger.", mtime)
	writeDoc(t, dir, "orchard.md", "Orchard Report", "The orchard cooperative harvested nine tonnes of quinces this autumn.", mtime)
	clock := newFakeClock(time.Date(2024, 4, 30, 9, 0, 0, 0, time.UTC))
	w, ix, st := newWatcher(t, dir, clock)

	poll := func(want state.Changes) {
		t.Helper()
		got, err := w.Poll(ctx)
		if err != nil {
			t.Fatalf("Poll: %v", err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Poll changes (-want +got):\n%s", diff)
		}
	}
	poll(state.Changes{Added: []string{"lighthouse", "orchard"}})
	if !finds(t, ix, "Who logs the passing ships?", "lighthouse") {
		t.Errorf("the index finds nothing in the first documents")
	}
	poll(state.Changes{})

	clock.set(clock.Now().Add(time.Hour))
	writeDoc(t, dir, "orchard.md", "Orchard Report", "The orchard cooperative harvested twelve tonnes of medlars this autumn.", mtime.Add(time.Hour))
	writeDoc(t, dir, "ferry.md", "Ferry Timetable", "The winter ferry to Skerry Island sails twice a week from the harbour.", mtime.Add(time.Hour))
	if err := os.Remove(filepath.Join(dir, "lighthouse.md")); err != nil {
		t.Fatal(err)
	}
	poll(state.Changes{Added: []string{"ferry"}, Changed: []string{"orchard"}, Removed: []string{"lighthouse"}})
	for _, tt := range []struct {
		q, doc string
		want   bool
	}{
		{"How many tonnes of medlars were harvested?", "orchard", true},
		{"How often does the winter ferry sail?", "ferry", true},
		{"Who logs the passing ships?", "lighthouse", false},
	} {
		if got := finds(t, ix, tt.q, tt.doc); got != tt.want {
			t.Errorf("after the changes, %q finds %s = %v, want %v", tt.q, tt.doc, got, tt.want)
		}
	}
	docs, err := st.Documents()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if d.ID == "orchard" && (!d.Changed.Equal(clock.Now()) || !strings.Contains(d.Lead, "medlars")) {
			t.Errorf("registry entry of the changed document = %+v, want changed now with the new lead", d)
		}
	}
}

func TestWatcherKeepsIndexWhenFolderEmptied(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	writeDoc(t, dir, "orchard.md", "Orchard Report", "The orchard cooperative harvested nine tonnes of quinces this autumn.", time.Now().Add(-time.Minute))
	w, ix, st := newWatcher(t, dir, nil)
	if _, err := w.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "orchard.md")); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Poll(ctx); err == nil || !strings.Contains(err.Error(), "no readable") {
		t.Errorf("Poll of an emptied folder = %v, want an error", err)
	}
	if docs, _ := st.Documents(); len(docs) != 1 || !docs[0].Removed.IsZero() {
		t.Errorf("registry after the refused poll = %+v, want the document kept", docs)
	}
	if len(ix.Documents()) != 1 {
		t.Errorf("index after the refused poll has %d documents, want 1", len(ix.Documents()))
	}
	// A folder that is gone entirely is refused too.
	gone := NewWatcher(WatcherConfig{Corpus: os.DirFS(filepath.Join(dir, "missing")), Name: "missing", Index: ix, Store: st})
	if _, err := gone.Poll(ctx); err == nil {
		t.Errorf("Poll of a missing folder succeeded")
	}
}

// TestQuestionsAnsweredWhileReindexing asks questions without pause while
// the watcher re-indexes a changed corpus: every one is answered.
func TestQuestionsAnsweredWhileReindexing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	mtime := time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)
	writeDoc(t, dir, "lighthouse.md", "The Lighthouse Keeper", "The lighthouse keeper on Skerry Island logs every passing ship in a leather ledger.", mtime)
	w, ix, _ := newWatcher(t, dir, nil)
	if _, err := w.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range 40 {
		body := strings.Repeat("The harbour master records the tides and the weather every morning. ", 30)
		writeDoc(t, dir, "log-"+string(rune('a'+i%26))+string(rune('a'+i/26))+".md", "Harbour Log", body, mtime)
	}

	var stop atomic.Bool
	var asked, failed atomic.Int64
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				a, err := ix.Ask(ctx, "Who logs the passing ships?", 3)
				asked.Add(1)
				if err != nil || a.Kind() == index.NothingClose {
					failed.Add(1)
				}
			}
		}()
	}
	ch, err := w.Poll(ctx)
	stop.Store(true)
	wg.Wait()
	if err != nil || len(ch.Added) != 40 {
		t.Fatalf("Poll = %d added, %v; want 40", len(ch.Added), err)
	}
	if failed.Load() > 0 || asked.Load() == 0 {
		t.Errorf("%d of %d questions asked during the re-index went unanswered", failed.Load(), asked.Load())
	}
}

func TestWatcherRunPollsAtTheInterval(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mtime := time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)
	writeDoc(t, dir, "orchard.md", "Orchard Report", "The orchard cooperative harvested nine tonnes of quinces this autumn.", mtime)
	start := time.Date(2024, 4, 30, 9, 0, 0, 0, time.UTC)
	clock := newFakeClock(start)
	w, _, st := newWatcher(t, dir, clock)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- w.Run(ctx) }()

	if at := clock.next(t); !at.Equal(start.Add(time.Minute)) {
		t.Errorf("second poll at %v, want one interval after the start", at)
	}
	clock.blocked(t) // the second poll is done
	writeDoc(t, dir, "ferry.md", "Ferry Timetable", "The winter ferry sails twice a week from the harbour.", mtime)
	clock.next(t)
	clock.blocked(t)
	cancel()
	clock.set(start.Add(time.Hour))
	if err := <-done; err != nil {
		t.Errorf("Run = %v, want nil", err)
	}
	docs, _ := st.Documents()
	var firstSeen []time.Time
	for _, d := range docs {
		firstSeen = append(firstSeen, d.FirstSeen)
	}
	want := []time.Time{start.Add(2 * time.Minute), start} // ferry, orchard
	if !cmp.Equal(firstSeen, want) {
		t.Errorf("documents first seen at %v, want %v", firstSeen, want)
	}
}

func TestWatcherWithoutRegistryKeepsTheIndexInStep(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	mtime := time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)
	writeDoc(t, dir, "orchard.md", "Orchard Report", "The orchard cooperative harvested nine tonnes of quinces this autumn.", mtime)
	ix, err := index.NewMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	w := NewWatcher(WatcherConfig{Corpus: os.DirFS(dir), Name: dir, Index: ix, Interval: time.Minute})
	if got, err := w.Poll(ctx); err != nil || !cmp.Equal(got, state.Changes{Added: []string{"orchard"}}) {
		t.Fatalf("Poll = %+v, %v; want the document added", got, err)
	}
	writeDoc(t, dir, "ferry.md", "Ferry Timetable", "The winter ferry to Skerry Island sails twice a week from the harbour.", mtime.Add(time.Hour))
	if got, err := w.Poll(ctx); err != nil || !cmp.Equal(got, state.Changes{Added: []string{"ferry"}}) {
		t.Fatalf("Poll = %+v, %v; want the new document added", got, err)
	}
	if !finds(t, ix, "How often does the winter ferry sail?", "ferry") {
		t.Errorf("the index finds nothing in the new document")
	}
}
