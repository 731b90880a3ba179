package digest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/corpus/extract"
	"github.com/dossier-bot/dossier/index"
)

// A PDF dropped into the folder is indexed and recorded as new, converted
// once though the folder is read twice (for the index, then the registry),
// and not again at the next change.
func TestWatcherConvertsPDFsOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	mtime := time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)
	writeDoc(t, dir, "orchard.md", "Orchard Report", "The orchard cooperative harvested nine tonnes of quinces this autumn.", mtime)
	clock := newFakeClock(time.Date(2024, 4, 30, 9, 0, 0, 0, time.UTC))
	ix, err := index.NewMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	cache := extract.NewCache(filepath.Join(t.TempDir(), "extracted"))
	w := NewWatcher(WatcherConfig{Corpus: os.DirFS(dir), Name: dir, Index: ix, Store: newStore(t), Interval: time.Minute,
		Clock: clock, Folder: []corpus.Option{corpus.Convert(cache, extract.Extensions...)}})
	if _, err := w.Poll(ctx); err != nil {
		t.Fatal(err)
	}

	raw, err := os.ReadFile("../../corpus/extract/testdata/pdf/memo.pdf")
	if err != nil {
		t.Fatal(err)
	}
	pdf := filepath.Join(dir, "memo.pdf")
	if err := os.WriteFile(pdf, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(pdf, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	clock.set(clock.Now().Add(time.Hour))
	ch, err := w.Poll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ch.Added) != 1 || ch.Added[0] != "memo" {
		t.Errorf("Poll() after a PDF was added = %+v, want memo added", ch)
	}
	if !finds(t, ix, "publishing the names of convicted vessels", "memo") {
		t.Errorf("the PDF's text is not searchable")
	}
	if n := cache.Converted(); n != 1 {
		t.Errorf("the PDF was converted %d times, want once", n)
	}

	writeDoc(t, dir, "lighthouse.md", "The Lighthouse Keeper", "The lighthouse keeper on Skerry Island logs every passing ship.", mtime)
	clock.set(clock.Now().Add(time.Hour))
	if ch, err = w.Poll(ctx); err != nil || len(ch.Added) != 1 {
		t.Fatalf("Poll() after a Markdown file was added = %+v, %v", ch, err)
	}
	if n := cache.Converted(); n != 1 {
		t.Errorf("the PDF was converted %d times after another file changed, want once", n)
	}
}
