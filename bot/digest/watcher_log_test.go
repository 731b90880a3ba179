package digest

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/dossier-bot/dossier/index"
)

// TestWatcherLogsCountsNotEveryID indexes a corpus of many documents, and
// many files it skips, and finds every log line short: counts and a few
// names, not the list of every document.
func TestWatcherLogsCountsNotEveryID(t *testing.T) {
	t.Parallel()
	const docs, broken = 400, 50
	fsys := fstest.MapFS{}
	for i := range docs {
		name := fmt.Sprintf("reports/%s-%04d.md", strings.Repeat("quarterly-field-report", 3), i)
		fsys[name] = &fstest.MapFile{Data: []byte(fmt.Sprintf("Report %d\n\nThe harbour master counted %d ships this week.\n", i, i))}
	}
	for i := range broken {
		fsys[fmt.Sprintf("broken/%04d.md", i)] = &fstest.MapFile{Data: []byte("bin\x00ary")}
	}
	ix, err := index.NewMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	var logged bytes.Buffer
	w := NewWatcher(WatcherConfig{Corpus: fsys, Name: "reports", Index: ix, Store: newStore(t), Interval: time.Minute,
		Log: slog.New(slog.NewTextHandler(&logged, nil))})
	if _, err := w.Poll(context.Background()); err != nil {
		t.Fatalf("Poll: %v", err)
	}
	out := logged.String()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for _, line := range lines {
		if len(line) > 500 {
			t.Errorf("a log line of %d characters, want at most 500: %.200s…", len(line), line)
		}
	}
	if !strings.Contains(out, "added.n=400") || !strings.Contains(out, "quarterly-field-report") {
		t.Errorf("log:\n%s\nwant the number of documents added and the first few", out)
	}
	if len(lines) > 2*loggedIDs+4 {
		t.Errorf("%d log lines for one poll, want a few: the skipped files summed up after the first %d:\n%s", len(lines), loggedIDs, out)
	}
	if !strings.Contains(out, fmt.Sprintf("files=%d", broken-loggedIDs)) {
		t.Errorf("log:\n%s\nwant the skipped files beyond the first %d counted", out, loggedIDs)
	}
}
