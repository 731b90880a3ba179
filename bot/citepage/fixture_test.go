package citepage

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/index"
)

// t0 is when the fixture's citations are first shown.
var t0 = time.Date(2026, 12, 4, 10, 30, 0, 0, time.UTC)

// fixture is a corpus folder on disk, a real index of it and a real
// state, with the citation pages served on loopback.
type fixture struct {
	corpus string
	ix     *index.Index
	st     *state.File
	secret []byte
	srv    *httptest.Server
}

func newFixture(tb testing.TB, files map[string]string) *fixture {
	tb.Helper()
	dir := tb.TempDir()
	f := &fixture{corpus: filepath.Join(dir, "corpus")}
	if err := os.Mkdir(f.corpus, 0o755); err != nil {
		tb.Fatal(err)
	}
	f.write(tb, files)
	ix, err := index.Open(filepath.Join(dir, "index"))
	if err != nil {
		tb.Fatalf("index.Open: %v", err)
	}
	tb.Cleanup(func() { ix.Close() })
	st, err := state.Open(filepath.Join(dir, state.FileName))
	if err != nil {
		tb.Fatalf("state.Open: %v", err)
	}
	tb.Cleanup(func() { st.Close() })
	f.ix, f.st = ix, st
	if f.secret, err = st.CitationSecret(); err != nil {
		tb.Fatal(err)
	}
	f.sync(tb, t0.Add(-time.Hour))
	f.srv = httptest.NewServer(f.mux(Config{Burst: 1000, PerClient: 1000}))
	tb.Cleanup(f.srv.Close)
	return f
}

// mux serves the fixture's pages with cfg's limits.
func (f *fixture) mux(cfg Config) *http.ServeMux {
	cfg.Index, cfg.Store, cfg.Secret = f.ix, f.st, f.secret
	m := http.NewServeMux()
	m.Handle(Pattern, New(cfg))
	return m
}

// write writes files into the corpus folder; an empty body removes one.
func (f *fixture) write(tb testing.TB, files map[string]string) {
	tb.Helper()
	for name, body := range files {
		p := filepath.Join(f.corpus, name)
		if body == "" {
			if err := os.Remove(p); err != nil {
				tb.Fatal(err)
			}
			continue
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// sync re-indexes the corpus folder and records it in the registry at at,
// as serve's corpus watcher does.
func (f *fixture) sync(tb testing.TB, at time.Time) {
	tb.Helper()
	c, err := corpus.Load(os.DirFS(f.corpus))
	if err != nil || len(c.Skipped) > 0 {
		tb.Fatalf("corpus.Load = %v, skipped %v", err, c.Skipped)
	}
	if _, err := f.ix.Sync(context.Background(), c, nil); err != nil {
		tb.Fatalf("Sync: %v", err)
	}
	if _, err := f.st.RecordDocuments(c, at, func(corpus.Document) string { return "" }); err != nil {
		tb.Fatalf("RecordDocuments: %v", err)
	}
}

// show asks the question and keeps the best passage as shown at at,
// returning its citation id and the result.
func (f *fixture) show(tb testing.TB, question string, at time.Time) (string, index.Result) {
	tb.Helper()
	a, err := f.ix.AskAll(context.Background(), question, 1)
	if err != nil {
		tb.Fatalf("Ask(%q): %v", question, err)
	}
	rs := append(a.Results, a.Related...)
	if len(rs) == 0 {
		tb.Fatalf("Ask(%q) found no passage", question)
	}
	kept, err := KeepShown(f.st, state.Shown{At: at, ChannelID: "c", UserID: "u"}, rs[:1])
	if err != nil {
		tb.Fatalf("KeepShown: %v", err)
	}
	return kept[0].ID, rs[0]
}

// page is the path of citation id's page, without its fragment.
func (f *fixture) page(id string) string {
	p, _, _ := strings.Cut(Path(f.secret, id), "#")
	return p
}

// longArticle is a document of many paragraphs with one, far down, about
// the keeper Ada Quill: its page must scroll to it.
func longArticle(title, keeperLine string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: %q\npublisher: \"Coastal Heritage Trust\"\nauthor: \"Mina Torres\"\npublished: 2022-06\nurl: https://example.org/reports/keepers\n---\n", title)
	b.WriteString("History of the Keepers\n\n")
	for i := range 40 {
		fmt.Fprintf(&b, "In season %d the harbour board logged %d crossings, %d storms and a great deal of routine maintenance work on the breakwater number %d.\n\n", i+1, 100+i*7, i%5, i)
	}
	b.WriteString("The Last Keeper\n\n")
	b.WriteString(keeperLine + "\n\n")
	for i := range 12 {
		fmt.Fprintf(&b, "After the automation, volunteers counted %d visitors in year %d and repainted the railings %d times.\n\n", 500+i*13, 2000+i, i%3+1)
	}
	return b.String()
}

const keeperLine = "The last keeper of the harbor light was Ada Quill, who tended the lamp from 1931 until it was automated in 1962."
