package ingest

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/corpus/extract"
)

const article = "The delegation arrived in Tehran on Tuesday for talks on trade. Officials from both sides met at the ministry and discussed sanctions, shipping and payment channels. The visit was the first of its kind in five years, according to state media.\n"

var at = time.Date(2026, 12, 4, 15, 0, 0, 0, time.UTC)

// folder is a corpus folder holding files, by name.
func folder(tb testing.TB, files map[string]string) *Folder {
	tb.Helper()
	dir := tb.TempDir()
	for name, text := range files {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return New(dir)
}

// names lists the files of f's folder, hidden ones too.
func names(tb testing.TB, f *Folder) []string {
	tb.Helper()
	var out []string
	filepath.WalkDir(f.Dir(), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(f.Dir(), p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	slices.Sort(out)
	return out
}

func TestAddWritesFrontMatter(t *testing.T) {
	t.Parallel()
	f := folder(t, nil)
	src := Source{Name: "trade.md", URL: "https://example.org/trade", Data: []byte("---\ntitle: Talks on Trade\npublisher: Example News\npublished: 2024-04-24\nauthor: Jane Doe\n---\n" + article)}
	got, err := f.Add(src, "Ana <@123>", at)
	if err != nil {
		t.Fatalf("Add() = %v", err)
	}
	if got.Path != "talks-on-trade.md" {
		t.Errorf("Add().Path = %q, want talks-on-trade.md", got.Path)
	}
	raw, err := os.ReadFile(filepath.Join(f.Dir(), got.Path))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := corpus.Parse(got.Path, raw)
	if err != nil {
		t.Fatalf("the written file does not parse: %v\n%s", err, raw)
	}
	want := corpus.Document{
		ID: "talks-on-trade", Path: "talks-on-trade.md", Title: "Talks on Trade", URL: "https://example.org/trade",
		Publisher: "Example News", Published: "2024-04-24", Author: "Jane Doe", AddedBy: "Ana <@123>", AddedAt: "2026-12-04T15:00:00Z",
	}
	doc.Hash, doc.Text, doc.Passages = "", "", nil
	if diff := cmp.Diff(want, doc); diff != "" {
		t.Errorf("written document mismatch (-want +got):\n%s", diff)
	}
	if len(got.Doc.Passages) == 0 || !strings.Contains(got.Doc.Text, "delegation arrived") {
		t.Errorf("Add().Doc = %+v, want its text and passages", got.Doc)
	}
	if n := names(t, f); !slices.Equal(n, []string{"talks-on-trade.md"}) {
		t.Errorf("folder holds %q, want the one file and no temporary one", n)
	}
}

func TestAddRefusesDuplicates(t *testing.T) {
	t.Parallel()
	existing := map[string]string{
		"sub/old.md": "---\ntitle: Old\nurl: https://www.example.org/trade/?utm_source=x#top\n---\n" + article,
		"other.txt":  "Another text entirely\n\nNothing in it is like the article at all, which is about something else.\n",
	}
	tests := []struct {
		name    string
		src     Source
		sameURL bool
	}{
		{"same link", Source{Name: "a.md", URL: "http://example.org/trade", Data: []byte("New Text\n\nDifferent words here, a whole other article about another thing.\n")}, true},
		{"link in front matter", Source{Name: "a.md", Data: []byte("---\nurl: https://example.org:443/trade\n---\nA Title\n\nNew text about something else, and nothing like the other.\n")}, true},
		{"same text, spaced otherwise", Source{Name: "b.txt", Data: []byte("Old\n\n" + strings.ReplaceAll(article, ". ", ".\n  "))}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := folder(t, existing)
			_, err := f.Add(tt.src, "Ana", at)
			var dup *DuplicateError
			if !errors.As(err, &dup) {
				t.Fatalf("Add(%s) = %v, want a duplicate", tt.name, err)
			}
			if dup.Path != "sub/old.md" || dup.Title != "Old" || dup.SameURL != tt.sameURL {
				t.Errorf("Add(%s) = %+v, want sub/old.md, Old, same link %v", tt.name, dup, tt.sameURL)
			}
			if n := names(t, f); len(n) != 2 {
				t.Errorf("folder holds %q after a duplicate, want what it had", n)
			}
		})
	}
	f := folder(t, existing)
	if err := f.Lookup("https://example.org/trade"); err == nil {
		t.Errorf("Lookup(known link) = nil, want a duplicate")
	}
	if err := f.Lookup("https://example.org/trade/2"); err != nil {
		t.Errorf("Lookup(new link) = %v, want nil", err)
	}
}

// TestDuplicateIsFirstInPathOrder checks that of several files holding
// one document, the one named is the same whatever the map's order: the
// first by path, compared byte by byte ("a-b.md" before "a/x.md").
func TestDuplicateIsFirstInPathOrder(t *testing.T) {
	t.Parallel()
	same := "---\ntitle: Same\nurl: https://example.org/same\n---\n" + article
	f := folder(t, map[string]string{"b.md": same, "a/x.md": same, "a-b.md": same, "c.txt": article})
	for range 20 {
		var dup *DuplicateError
		if err := f.Lookup("https://example.org/same"); !errors.As(err, &dup) || dup.Path != "a-b.md" || !dup.SameURL {
			t.Fatalf("Lookup(known link) = %v, want a duplicate in a-b.md", err)
		}
		_, err := f.Add(Source{Name: "n.txt", Data: []byte("Same\n\n" + article)}, "Ana", at)
		if !errors.As(err, &dup) || dup.Path != "a-b.md" || dup.SameURL {
			t.Fatalf("Add(same text) = %v, want a duplicate in a-b.md", err)
		}
	}
}

func TestAddNeverOverwrites(t *testing.T) {
	t.Parallel()
	f := folder(t, map[string]string{
		"talks.md":    "Talks\n\nSomething else entirely, in words of its own about other matters.\n",
		"talks-2.txt": "Talks again\n\nYet another text, with its own words about further matters.\n",
	})
	got, err := f.Add(Source{Name: "x.txt", Data: []byte("Talks\n\n" + article)}, "Ana", at)
	if err != nil {
		t.Fatalf("Add() = %v", err)
	}
	// talks.md exists, and talks-2.md would take talks-2.txt's ID.
	if got.Path != "talks-3.md" || got.Doc.ID != "talks-3" {
		t.Errorf("Add() wrote %s (ID %s), want talks-3.md", got.Path, got.Doc.ID)
	}
	raw, _ := os.ReadFile(filepath.Join(f.Dir(), "talks.md"))
	if !strings.Contains(string(raw), "Something else") {
		t.Errorf("talks.md was changed: %q", raw)
	}
}

func TestAddRefusesWhatItCannotRead(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  Source
		want string
	}{
		{"empty", Source{Name: "e.md", Data: []byte("---\ntitle: Empty\n---\n\n")}, "no text"},
		{"binary", Source{Name: "b.txt", Data: []byte("PK\x03\x04\x00\x00")}, "not UTF-8"},
		{"image", Source{Name: "i.png", ContentType: "image/png", Data: []byte("\x89PNG")}, "image/png"},
		{"front matter never closed", Source{Name: "o.md", Data: []byte("---\ntitle: Open\n\n" + article)}, "not readable as a document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := folder(t, nil)
			_, err := f.Add(tt.src, "Ana", at)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Add(%s) = %v, want an error about %q", tt.name, err, tt.want)
			}
			if n := names(t, f); len(n) != 0 {
				t.Errorf("Add(%s) left %q in the folder", tt.name, n)
			}
		})
	}
}

func TestAddOnceWhenRacing(t *testing.T) {
	t.Parallel()
	f := folder(t, nil)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = f.Add(Source{Name: "a.md", URL: "https://example.org/a", Data: []byte("Title\n\n" + article)}, "Ana", at)
		}()
	}
	wg.Wait()
	added := 0
	for _, err := range errs {
		var dup *DuplicateError
		switch {
		case err == nil:
			added++
		case !errors.As(err, &dup):
			t.Errorf("Add() = %v, want success or a duplicate", err)
		}
	}
	if added != 1 || len(names(t, f)) != 1 {
		t.Errorf("four adds of one document added %d, left %q; want 1", added, names(t, f))
	}
}

func TestStaleTemporaryFilesGo(t *testing.T) {
	t.Parallel()
	f := folder(t, map[string]string{tempPrefix + "old.tmp": "half", tempPrefix + "new.tmp": "writing"})
	old := time.Now().Add(-2 * time.Hour)
	os.Chtimes(filepath.Join(f.Dir(), tempPrefix+"old.tmp"), old, old)
	if err := f.Lookup("https://example.org/"); err != nil {
		t.Fatal(err)
	}
	if n := names(t, f); !slices.Equal(n, []string{tempPrefix + "new.tmp"}) {
		t.Errorf("folder holds %q, want only the recent temporary file", n)
	}
}

func TestBaseName(t *testing.T) {
	t.Parallel()
	tests := []struct{ title, src, want string }{
		{"North Korea–Iran: Relations Post-JCPOA", "x.html", "north-korea-iran-relations-post-jcpoa"},
		{"", "Annual Report 2024.pdf", "annual-report-2024"},
		{"???", "", "document"},
		{strings.Repeat("word ", 30), "", "word-word-word-word-word-word-word-word-word-word-word-word"},
	}
	for _, tt := range tests {
		if got := baseName(tt.title, tt.src); got != tt.want {
			t.Errorf("baseName(%q, %q) = %q, want %q", tt.title, tt.src, got, tt.want)
		}
	}
}

func TestNormURL(t *testing.T) {
	t.Parallel()
	same := []string{"https://www.Example.org/a/?utm_source=x&fbclid=1#top", "http://example.org:80/a", "https://example.org/a/"}
	for _, u := range same {
		if got := normURL(u); got != "example.org/a" {
			t.Errorf("normURL(%q) = %q, want example.org/a", u, got)
		}
	}
	for _, u := range []string{"https://example.org/a?id=2", "https://example.org:8080/a", "https://example.org/b"} {
		if normURL(u) == "example.org/a" {
			t.Errorf("normURL(%q) = example.org/a, want it told apart", u)
		}
	}
	if got := normURL("ftp://example.org/a"); got != "" {
		t.Errorf("normURL(ftp) = %q, want empty", got)
	}
}

func TestAddWebPage(t *testing.T) {
	t.Parallel()
	page, err := os.ReadFile("../extract/testdata/html/port-strike.html")
	if err != nil {
		t.Fatal(err)
	}
	f := folder(t, nil)
	got, err := f.Add(Source{Name: "dockworkers-end-strike", URL: "https://harbourgazette.example/r?id=7", ContentType: "text/html; charset=utf-8", Data: page}, "Ana", at)
	if err != nil {
		t.Fatalf("Add(web page) = %v", err)
	}
	d := got.Doc
	if got.Path != "dockworkers-end-strike-after-pay-deal.md" || d.Title != "Dockworkers end strike after pay deal" || d.Publisher != "The Harbour Gazette" ||
		d.Published != "2024-03-14" || d.Author != "Maria Lindqvist" || d.AddedBy != "Ana" {
		t.Errorf("Add(web page) = %s %+v, want the page's metadata", got.Path, d)
	}
	// The page's canonical link, not the address it was fetched from.
	if d.URL != "https://harbourgazette.example/news/2024/dockworkers-end-strike" {
		t.Errorf("Add(web page).URL = %q, want the canonical link", d.URL)
	}
	if !strings.Contains(d.Text, "nine-day strike") || strings.Contains(d.Text, "<") {
		t.Errorf("Add(web page) text = %q, want the article as text", d.Text)
	}
	if err := f.Lookup("https://harbourgazette.example/news/2024/dockworkers-end-strike/"); err == nil {
		t.Errorf("Lookup(canonical link) = nil, want the page already added")
	}
}

// A page saved into the folder by hand is the same document as its link.
func TestAddKnowsSavedPages(t *testing.T) {
	t.Parallel()
	page, err := os.ReadFile("../extract/testdata/html/port-strike.html")
	if err != nil {
		t.Fatal(err)
	}
	f := folder(t, map[string]string{"saved/strike.html": string(page)})
	err = f.Lookup("https://harbourgazette.example/news/2024/dockworkers-end-strike")
	var dup *DuplicateError
	if !errors.As(err, &dup) || dup.Path != "saved/strike.html" || dup.Title != "Dockworkers end strike after pay deal" {
		t.Errorf("Lookup(the saved page's link) = %v, want saved/strike.html", err)
	}
}

func TestAddPDF(t *testing.T) {
	t.Parallel()
	memo, err := os.ReadFile("../extract/testdata/pdf/memo.pdf")
	if err != nil {
		t.Fatal(err)
	}
	f := folder(t, nil)
	got, err := f.Add(Source{Name: "memo.pdf", ContentType: "application/pdf", Data: memo}, "Ana", at)
	if err != nil {
		t.Fatalf("Add(PDF) = %v", err)
	}
	if got.Path != "briefing-on-fisheries-enforcement.md" || got.Doc.Author != "Coastal Policy Unit" || len(got.Doc.Passages) == 0 {
		t.Errorf("Add(PDF) = %s %+v, want the memo with its metadata", got.Path, got.Doc)
	}
	if p := got.Doc.Passages[0]; p.PageLabel() == "" {
		t.Errorf("Add(PDF): first passage %q has no page, want its page kept for citations", p.Text)
	}
	scanned, err := os.ReadFile("../extract/testdata/pdf/scanned.pdf")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Add(Source{Name: "scan.pdf", Data: scanned}, "Ana", at); !errors.Is(err, extract.ErrScanned) {
		t.Errorf("Add(scanned PDF) = %v, want %v", err, extract.ErrScanned)
	}
	// Again, as the same bytes under another name: the same document.
	if _, err := f.Add(Source{Name: "copy.pdf", Data: memo}, "Ana", at); !errors.As(err, new(*DuplicateError)) {
		t.Errorf("Add(the same PDF again) = %v, want a duplicate", err)
	}
}

// Add returns the document as the corpus reads the file it wrote.
func TestAddReturnsTheDocumentAsRead(t *testing.T) {
	t.Parallel()
	page, err := os.ReadFile("../extract/testdata/html/port-strike.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range []Source{
		{Name: "spaced.md", Data: []byte("---\ntitle: \"  Talks   on  Trade \"\nauthor: Jane   Doe\n---\n" + article)},
		{Name: "heading.md", Data: []byte("# Talks\n\nBy Jane Doe\n\n" + article + "\n## More\n\n" + article)},
		{Name: "page", URL: "https://harbourgazette.example/r?id=7", ContentType: "text/html", Data: page},
	} {
		t.Run(src.Name, func(t *testing.T) {
			t.Parallel()
			f := folder(t, map[string]string{"talks.md": "taken", "talks-2.md": "taken too"})
			got, err := f.Add(src, "Ana", at)
			if err != nil {
				t.Fatalf("Add(%s) = %v", src.Name, err)
			}
			raw, err := os.ReadFile(filepath.Join(f.Dir(), got.Path))
			if err != nil {
				t.Fatal(err)
			}
			want, err := corpus.Parse(got.Path, raw)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got.Doc); diff != "" {
				t.Errorf("Add(%s).Doc differs from the file it wrote as read (-read +returned):\n%s", src.Name, diff)
			}
		})
	}
}
