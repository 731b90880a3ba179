package extract

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dossier-bot/dossier/corpus"
)

// copyFixtures lays out a corpus folder of web pages, PDFs good and bad,
// and Markdown.
func copyFixtures(tb testing.TB) string {
	tb.Helper()
	dir := tb.TempDir()
	for dst, src := range map[string]string{
		"news/port-strike.html": "testdata/html/port-strike.html",
		"reports/harbour.pdf":   "testdata/pdf/harbour.pdf",
		"reports/memo.pdf":      "testdata/pdf/memo.pdf",
		"letters/scanned.pdf":   "testdata/pdf/scanned.pdf",
	} {
		raw, err := os.ReadFile(src)
		if err != nil {
			tb.Fatal(err)
		}
		write(tb, filepath.Join(dir, dst), raw)
	}
	write(tb, filepath.Join(dir, "reports/broken.pdf"), []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"))
	write(tb, filepath.Join(dir, "notes.md"), []byte("---\ntitle: Notes\n---\n\nThe notes say the harbour master retired in June after thirty years of service at the port, and that a successor has been named.\n"))
	return dir
}

func write(tb testing.TB, name string, data []byte) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		tb.Fatal(err)
	}
}

func loadWith(tb testing.TB, dir string, c *Cache) *corpus.Corpus {
	tb.Helper()
	got, err := corpus.Load(os.DirFS(dir), corpus.Convert(c, Extensions...))
	if err != nil {
		tb.Fatalf("Load() = %v", err)
	}
	return got
}

func TestFolderOfPagesAndPDFs(t *testing.T) {
	t.Parallel()
	dir := copyFixtures(t)
	c := loadWith(t, dir, NewCache(filepath.Join(t.TempDir(), "extracted")))
	docs := map[string]corpus.Document{}
	for _, d := range c.Documents {
		docs[d.Path] = d
	}
	if len(docs) != 4 {
		t.Errorf("Load() read %d documents, want 4 (page, two PDFs, notes): %v", len(docs), c.Skipped)
	}
	page := docs["news/port-strike.html"]
	if page.URL != "https://harbourgazette.example/news/2024/dockworkers-end-strike" || page.Publisher != "The Harbour Gazette" {
		t.Errorf("web page cited as %q from %q, want its canonical URL and site name", page.URL, page.Publisher)
	}
	if link := page.Link("Dockworkers at the country's three largest container ports"); !strings.HasPrefix(link, page.URL+"#:~:text=") {
		t.Errorf("Link() = %q, want the canonical URL with a text fragment", link)
	}
	headings := map[string]bool{}
	for _, d := range docs {
		for _, p := range d.Passages {
			headings[p.Heading] = true
		}
	}
	for _, h := range []string{"What the deal changes", "3. The northern breakwater", "Recommendations"} {
		if !headings[h] {
			t.Errorf("no passage is under the heading %q; headings: %v", h, headings)
		}
	}
	harbour := docs["reports/harbour.pdf"]
	if harbour.Title != "The Harbour Authority Annual Review" || harbour.Author != "Ingrid Solberg" {
		t.Errorf("PDF titled %q by %q, want its metadata", harbour.Title, harbour.Author)
	}
	pages := map[int]bool{}
	for _, p := range harbour.Passages {
		pages[p.Page] = true
		if p.Page == 0 {
			t.Errorf("passage %q has no page", p.Text)
		}
	}
	if !pages[1] || !pages[2] {
		t.Errorf("PDF passages are on pages %v, want 1 and 2", pages)
	}
	skipped := map[string]error{}
	for _, s := range c.Skipped {
		skipped[s.Path] = s.Err
	}
	if err := skipped["letters/scanned.pdf"]; !errors.Is(err, ErrScanned) || !strings.Contains(err.Error(), "no text layer") {
		t.Errorf("scanned.pdf skipped with %v, want ErrScanned", err)
	}
	if err := skipped["reports/broken.pdf"]; !errors.Is(err, ErrMalformed) {
		t.Errorf("broken.pdf skipped with %v, want ErrMalformed", err)
	}
	if len(skipped) != 2 {
		t.Errorf("Load() skipped %v, want scanned.pdf and broken.pdf only", c.Skipped)
	}
}

// A folder read again, by a new process, converts nothing it converted
// before, failures included, and reads the same documents.
func TestCacheSurvivesRestart(t *testing.T) {
	t.Parallel()
	dir := copyFixtures(t)
	cacheDir := filepath.Join(t.TempDir(), "extracted")
	first := NewCache(cacheDir)
	before := loadWith(t, dir, first)
	if n := first.Converted(); n != 5 {
		t.Fatalf("first load converted %d files, want 5", n)
	}

	again := NewCache(cacheDir) // as after a restart
	after := loadWith(t, dir, again)
	if n := again.Converted(); n != 0 {
		t.Errorf("second load converted %d files, want 0", n)
	}
	if len(after.Documents) != len(before.Documents) {
		t.Fatalf("second load read %d documents, want %d", len(after.Documents), len(before.Documents))
	}
	for i := range before.Documents {
		b, a := before.Documents[i], after.Documents[i]
		if a.Hash != b.Hash || a.Text != b.Text || len(a.Passages) != len(b.Passages) {
			t.Errorf("%s read from the cache differs from its conversion", a.Path)
		}
	}
	for _, s := range after.Skipped {
		if s.Path == "letters/scanned.pdf" && (!errors.Is(s.Err, ErrScanned) || !strings.Contains(s.Err.Error(), "letters/scanned.pdf")) {
			t.Errorf("kept failure = %v, want ErrScanned naming the file", s.Err)
		}
	}
	if len(after.Skipped) != len(before.Skipped) {
		t.Errorf("second load skipped %v, want %v", after.Skipped, before.Skipped)
	}

	// A changed file is converted again; a renamed one is not.
	raw, err := os.ReadFile(filepath.Join(dir, "news/port-strike.html"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "news/port-strike.html"), []byte(strings.Replace(string(raw), "nine-day strike", "ten-day strike", 1)))
	if err := os.Rename(filepath.Join(dir, "reports/memo.pdf"), filepath.Join(dir, "reports/memo-2023.pdf")); err != nil {
		t.Fatal(err)
	}
	third := NewCache(cacheDir)
	loadWith(t, dir, third)
	if n := third.Converted(); n != 1 {
		t.Errorf("after one edit and one rename, converted %d files, want 1", n)
	}
}

// A conversion interrupted before its rename leaves only a temporary
// file, which is never read as a conversion.
func TestCacheIgnoresTornWrites(t *testing.T) {
	t.Parallel()
	dir := copyFixtures(t)
	cacheDir := filepath.Join(t.TempDir(), "extracted")
	loadWith(t, dir, NewCache(cacheDir))
	var kept []string
	filepath.WalkDir(cacheDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			kept = append(kept, p)
		}
		return err
	})
	for _, p := range kept {
		if strings.Contains(filepath.Base(p), ".tmp-") {
			t.Errorf("temporary file %s left behind", p)
		}
		if strings.HasSuffix(p, ".md") {
			// A crash between writing and renaming: the conversion is gone.
			if err := os.Rename(p, filepath.Join(filepath.Dir(p), ".tmp-crashed")); err != nil {
				t.Fatal(err)
			}
		}
	}
	c := NewCache(cacheDir)
	got := loadWith(t, dir, c)
	if len(got.Documents) != 4 || c.Converted() != 3 {
		t.Errorf("after losing the kept conversions: %d documents, %d converted; want 4 and 3", len(got.Documents), c.Converted())
	}
}
