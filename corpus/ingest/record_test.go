package ingest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/corpus/extract"
)

// tamper rewrites a file of f's folder with other bytes of the same
// length and gives it back its modification time, so that only reading
// it again could tell: what a process finds there came from the record.
func tamper(tb testing.TB, f *Folder, name, old, repl string) {
	tb.Helper()
	p := filepath.Join(f.Dir(), name)
	info, err := os.Stat(p)
	if err != nil {
		tb.Fatal(err)
	}
	raw, err := os.ReadFile(p)
	if err != nil {
		tb.Fatal(err)
	}
	if len(old) != len(repl) || !strings.Contains(string(raw), old) {
		tb.Fatalf("tamper(%s): %q is not in it, or is not as long as %q", name, old, repl)
	}
	if err := os.WriteFile(p, []byte(strings.Replace(string(raw), old, repl, 1)), 0o644); err != nil {
		tb.Fatal(err)
	}
	if err := os.Chtimes(p, info.ModTime(), info.ModTime()); err != nil {
		tb.Fatal(err)
	}
}

// A process with a record reads only the files changed since it was
// written: one it added, or one another process's scan read.
func TestRecordSparesReading(t *testing.T) {
	t.Parallel()
	rec := filepath.Join(t.TempDir(), "data", "corpus-prints")
	f := folder(t, map[string]string{"kept.md": "---\ntitle: Kept\nurl: https://example.org/kept\n---\n" + article})
	first := New(f.Dir(), Record(rec))
	added, err := first.Add(Source{Name: "talks.md", URL: "https://example.org/talks", Data: []byte("# Talks\n\n" + article + "More on the talks.\n")}, "Ana", at)
	if err != nil {
		t.Fatalf("Add() = %v", err)
	}
	tamper(t, f, "kept.md", "example.org/kept", "example.org/gone")
	tamper(t, f, added.Path, "example.org/talks", "example.org/takes")

	next := New(f.Dir(), Record(rec))
	for _, link := range []string{"https://example.org/kept", "https://example.org/talks"} {
		var dup *DuplicateError
		if err := next.Lookup(link); !errors.As(err, &dup) {
			t.Errorf("Lookup(%s) in a new process = %v, want the duplicate its record keeps", link, err)
		}
	}

	// A file changed since (its time moves) is read again.
	if err := os.Chtimes(filepath.Join(f.Dir(), "kept.md"), at, at); err != nil {
		t.Fatal(err)
	}
	var dup *DuplicateError
	if err := New(f.Dir(), Record(rec)).Lookup("https://example.org/gone"); !errors.As(err, &dup) || dup.Path != "kept.md" {
		t.Errorf("Lookup(the changed file's new link) = %v, want kept.md", err)
	}
	// The record is of one folder: another, with files of the same
	// names, sizes and times, is read for itself.
	other := folder(t, nil)
	for _, name := range []string{"kept.md", added.Path} {
		raw, err := os.ReadFile(filepath.Join(f.Dir(), name))
		if err != nil {
			t.Fatal(err)
		}
		info, _ := os.Stat(filepath.Join(f.Dir(), name))
		os.WriteFile(filepath.Join(other.Dir(), name), raw, 0o644)
		os.Chtimes(filepath.Join(other.Dir(), name), info.ModTime(), info.ModTime())
	}
	if err := New(other.Dir(), Record(rec)).Lookup("https://example.org/talks"); err != nil {
		t.Errorf("Lookup(a link only the record of another folder has) = %v, want none", err)
	}
}

// A record that cannot be read is no record: the folder is read.
func TestRecordUnreadable(t *testing.T) {
	t.Parallel()
	rec := filepath.Join(t.TempDir(), "corpus-prints")
	if err := os.WriteFile(rec, []byte("not a record"), 0o644); err != nil {
		t.Fatal(err)
	}
	f := folder(t, map[string]string{"kept.md": "---\ntitle: Kept\nurl: https://example.org/kept\n---\n" + article})
	var dup *DuplicateError
	if err := New(f.Dir(), Record(rec)).Lookup("https://example.org/kept"); !errors.As(err, &dup) {
		t.Errorf("Lookup() with a garbled record = %v, want the duplicate", err)
	}
	if err := New(f.Dir(), Record(rec)).Lookup("https://example.org/kept"); !errors.As(err, &dup) {
		t.Errorf("Lookup() with the record written anew = %v, want the duplicate", err)
	}
}

// The folder's web pages are read through the conversions the corpus
// keeps: a page serve's sync converted is not converted again.
func TestDuplicatesUseTheCorpusConversions(t *testing.T) {
	t.Parallel()
	page, err := os.ReadFile("../extract/testdata/html/port-strike.html")
	if err != nil {
		t.Fatal(err)
	}
	f := folder(t, map[string]string{"saved/strike.html": string(page)})
	kept := filepath.Join(t.TempDir(), "extracted")
	if _, err := corpus.Load(os.DirFS(f.Dir()), corpus.Convert(extract.NewCache(kept), extract.Extensions...)); err != nil {
		t.Fatal(err)
	}
	cache := extract.NewCache(kept)
	err = New(f.Dir(), Convert(cache)).Lookup("https://harbourgazette.example/news/2024/dockworkers-end-strike")
	var dup *DuplicateError
	if !errors.As(err, &dup) || dup.Path != "saved/strike.html" {
		t.Errorf("Lookup(the saved page's link) = %v, want saved/strike.html", err)
	}
	if n := cache.Converted(); n != 0 {
		t.Errorf("the duplicate check converted %d pages, want 0: the corpus's conversion is kept", n)
	}
}
