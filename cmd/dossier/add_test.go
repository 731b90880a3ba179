package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dossier-bot/dossier/index"
)

// lighthouse is an article nobody else's corpus holds, so a question
// about it is answered from the added document or not at all.
const lighthouse = `---
title: "The Lighthouse Keepers of Wonsan"
publisher: "Harbour Review"
published: 2025-03-02
---
The lighthouse keepers of Wonsan harbor repaired the great lamp every winter. They hauled oil up one hundred and twelve steps, and the keeper Pak Chol-su kept a log of every ship that passed for thirty-one years.

When the lamp was electrified in 1978, the keepers stayed on as watchmen. Their log books are now held in the provincial archive.
`

// addLoader gives add and serve their settings.
func addLoader(cfg Config, as AddSettings) envLoader {
	return func(_ string, spec any) error {
		switch s := spec.(type) {
		case *addConfig:
			s.Config, s.AddSettings = cfg, as
		case *Config:
			*s = cfg
		default:
			return fmt.Errorf("addLoader: unexpected settings %T", spec)
		}
		return nil
	}
}

func runAddCmd(tb testing.TB, cfg Config, as AddSettings, args ...string) (stdout, stderr string, err error) {
	tb.Helper()
	return dossierWith(tb, addLoader(cfg, as), "", append([]string{"add"}, args...)...)
}

// articleSite serves the lighthouse article and pages that go wrong.
func articleSite(tb testing.TB) *httptest.Server {
	tb.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/lighthouse.md", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
		fmt.Fprint(w, lighthouse)
	})
	mux.HandleFunc("/hop/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.PathValue("n"))
		if n == 0 {
			http.Redirect(w, r, "/lighthouse.md", http.StatusFound)
			return
		}
		http.Redirect(w, r, "/hop/"+strconv.Itoa(n-1), http.StatusFound)
	})
	mux.HandleFunc("/huge.txt", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		line := []byte(strings.Repeat("All work and no play. ", 50) + "\n")
		for written := 0; written <= 10<<20; written += len(line) {
			if _, err := w.Write(line); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/slow.txt", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("A title\n\nThe first words, then nothing for a long time"))
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(time.Minute):
		}
	})
	mux.HandleFunc("/news/dockworkers", func(w http.ResponseWriter, r *http.Request) {
		page, err := os.ReadFile("../../corpus/extract/testdata/html/port-strike.html")
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	})
	mux.HandleFunc("/photo.jpg", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write([]byte("\xff\xd8\xff\xe0"))
	})
	s := httptest.NewServer(mux)
	tb.Cleanup(s.Close)
	return s
}

func TestAddLink(t *testing.T) {
	t.Parallel()
	s := articleSite(t)
	cfg := Config{Corpus: builtinCopy(t), Data: filepath.Join(t.TempDir(), "data")}
	intranet := AddSettings{AllowPrivateFetch: true}
	mustDossier(t, cfg, "", "index")

	stdout, stderr, err := runAddCmd(t, cfg, intranet, "--by", "Ana", s.URL+"/hop/3")
	if err != nil {
		t.Fatalf("dossier add = %v\n%s%s", err, stdout, stderr)
	}
	want := "Added “The Lighthouse Keepers of Wonsan” as " + filepath.Join(cfg.Corpus, "the-lighthouse-keepers-of-wonsan.md") + " (1 passage)."
	if !strings.Contains(stdout, want) || !strings.Contains(stdout, "1 added, 0 changed, 0 removed") {
		t.Errorf("dossier add printed:\n%s\nwant %q and the index's changes", stdout, want)
	}
	raw, err := os.ReadFile(filepath.Join(cfg.Corpus, "the-lighthouse-keepers-of-wonsan.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{`url: "` + s.URL + `/lighthouse.md"`, `added_by: "Ana"`, `publisher: "Harbour Review"`, "added_at: "} {
		if !strings.Contains(string(raw), "\n"+line) {
			t.Errorf("the added file lacks %q:\n%s", line, raw)
		}
	}

	// What each file holds is kept for the next add, which reads none of
	// them again (corpus/ingest's tests show it).
	if _, err := os.Stat(filepath.Join(cfg.Data, "corpus-prints")); err != nil {
		t.Errorf("dossier add kept no record of the folder's files: %v", err)
	}

	stdout, _ = mustDossier(t, cfg, "", "ask", "Who kept a log of the ships passing Wonsan?")
	if !strings.Contains(stdout, "Pak Chol-su") {
		t.Errorf("ask after add does not quote the added document:\n%s", stdout)
	}

	// Again, by another way to the same page: not added twice.
	stdout, _, err = runAddCmd(t, cfg, intranet, s.URL+"/lighthouse.md#top", s.URL+"/hop/1")
	if err != nil {
		t.Fatalf("dossier add of a duplicate = %v, want nil", err)
	}
	if strings.Count(stdout, "is already in the corpus as “The Lighthouse Keepers of Wonsan” (the-lighthouse-keepers-of-wonsan.md)") != 2 {
		t.Errorf("dossier add of the same page twice printed:\n%s\nwant both refused as already in the corpus", stdout)
	}
	stdout, _ = mustDossier(t, cfg, "", "index")
	if !strings.HasPrefix(stdout, "No changes:") || !strings.Contains(stdout, "5 documents") {
		t.Errorf("index after add: want no changes over 5 documents, got:\n%s", stdout)
	}
}

func TestAddLinkRefused(t *testing.T) {
	t.Parallel()
	s := articleSite(t)
	intranet := AddSettings{AllowPrivateFetch: true}
	tests := []struct {
		name     string
		settings AddSettings
		path     string
		want     string
	}{
		{"too many redirects", intranet, "/hop/5", "too many redirects"},
		{"oversize", intranet, "/huge.txt", "too large"},
		{"slow", intranet, "/slow.txt", "took too long"},
		{"wrong type", intranet, "/photo.jpg", "image/jpeg"},
		{"private by default", AddSettings{}, "/lighthouse.md", "ALLOW_PRIVATE_FETCH=true"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := Config{Corpus: builtinCopy(t)}
			stdout, _, err := runAddCmd(t, cfg, tt.settings, s.URL+tt.path)
			if code, _ := exitStatus(err); code != 1 {
				t.Errorf("dossier add %s exits %d (%v), want 1", tt.path, code, err)
			}
			if !strings.Contains(stdout, "Not added: "+s.URL+tt.path) || !strings.Contains(stdout, tt.want) {
				t.Errorf("dossier add %s printed:\n%s\nwant it not added because %q", tt.path, stdout, tt.want)
			}
			files, _ := os.ReadDir(cfg.Corpus)
			if len(files) != 5 {
				t.Errorf("the corpus folder holds %d files after a refused add, want the 5 it had", len(files))
			}
		})
	}
}

func TestAddFiles(t *testing.T) {
	t.Parallel()
	cfg := Config{Corpus: builtinCopy(t)}
	dir := t.TempDir()
	md := filepath.Join(dir, "wonsan.md")
	txt := filepath.Join(dir, "notes.txt")
	os.WriteFile(md, []byte(lighthouse), 0o644)
	os.WriteFile(txt, []byte("Field notes\n\nThe ferry to Rason leaves at dawn on Thursdays, weather permitting, and returns on Saturdays.\n"), 0o644)
	stdout, _, err := runAddCmd(t, cfg, AddSettings{}, md, txt, "../../corpus/extract/testdata/pdf/memo.pdf", filepath.Join(dir, "missing.pdf"))
	if err == nil || err.Error() != "1 of 4 not added" {
		t.Errorf("dossier add with a missing file = %v, want 1 of 4 not added", err)
	}
	for _, want := range []string{
		"Added “The Lighthouse Keepers of Wonsan”",
		"Added “Field notes” as " + filepath.Join(cfg.Corpus, "field-notes.md") + " (1 passage).",
		"Not added: " + filepath.Join(dir, "missing.pdf") + ": no such file",
		"Added “Briefing on Fisheries Enforcement” as " + filepath.Join(cfg.Corpus, "briefing-on-fisheries-enforcement.md"),
		"No data folder",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("dossier add printed:\n%s\nwant %q", stdout, want)
		}
	}
	// The same text under another name is the same document.
	os.WriteFile(filepath.Join(dir, "copy.txt"), []byte(strings.ReplaceAll(lighthouse, "\n\n", "\n\n\n")), 0o644)
	stdout, _, _ = runAddCmd(t, cfg, AddSettings{}, filepath.Join(dir, "copy.txt"))
	if !strings.Contains(stdout, "already in the corpus as “The Lighthouse Keepers of Wonsan”") {
		t.Errorf("dossier add of the same text printed:\n%s\nwant it refused as already in the corpus", stdout)
	}
}

func TestAddUsage(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		cfg  Config
		args []string
		want string
	}{
		{Config{Corpus: t.TempDir()}, nil, "add needs a link or a file"},
		{Config{}, []string{"https://example.org/"}, "add needs a corpus folder"},
		{Config{Corpus: filepath.Join(t.TempDir(), "nope")}, []string{"x.md"}, "does not exist"},
	} {
		_, _, err := runAddCmd(t, tt.cfg, AddSettings{}, tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("dossier add %q = %v, want %q", tt.args, err, tt.want)
		}
	}
}

// While serve holds the index, add writes the file and leaves the indexing
// to serve: the state a kill between the two leaves as well. The next sync
// indexes the document once.
func TestAddWhileIndexHeld(t *testing.T) {
	t.Parallel()
	cfg := Config{Corpus: builtinCopy(t), Data: filepath.Join(t.TempDir(), "data")}
	mustDossier(t, cfg, "", "index")
	ix, err := index.Open(indexDir(cfg.Data))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "wonsan.md")
	os.WriteFile(file, []byte(lighthouse), 0o644)
	stdout, _, err := runAddCmd(t, cfg, AddSettings{}, file)
	if err != nil || !strings.Contains(stdout, "in use by a running dossier") {
		t.Errorf("dossier add with the index held = %v:\n%s\nwant the file added and indexing left to serve", err, stdout)
	}
	ix.Close()

	stdout, _ = mustDossier(t, cfg, "", "index")
	if !strings.Contains(stdout, "added     1") || !strings.Contains(stdout, "the-lighthouse-keepers-of-wonsan") {
		t.Errorf("index after add: want the added document indexed, got:\n%s", stdout)
	}
	stdout, _ = mustDossier(t, cfg, "", "index")
	if !strings.HasPrefix(stdout, "No changes:") {
		t.Errorf("second index: want no changes, got:\n%s", stdout)
	}
}

func TestAddWebPage(t *testing.T) {
	t.Parallel()
	s := articleSite(t)
	cfg := Config{Corpus: builtinCopy(t)}
	stdout, _, err := runAddCmd(t, cfg, AddSettings{AllowPrivateFetch: true}, "--by", "Ana", s.URL+"/news/dockworkers")
	if err != nil {
		t.Fatalf("dossier add of a web page = %v\n%s", err, stdout)
	}
	if !strings.Contains(stdout, "Added “Dockworkers end strike after pay deal” as "+filepath.Join(cfg.Corpus, "dockworkers-end-strike-after-pay-deal.md")) {
		t.Errorf("dossier add of a web page printed:\n%s", stdout)
	}
	raw, err := os.ReadFile(filepath.Join(cfg.Corpus, "dockworkers-end-strike-after-pay-deal.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`publisher: "The Harbour Gazette"`, `url: "https://harbourgazette.example/news/2024/dockworkers-end-strike"`, `author: "Maria Lindqvist"`, "nine-day strike"} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("the added page lacks %q:\n%s", want, raw)
		}
	}
	if strings.Contains(string(raw), "<div") || strings.Contains(string(raw), "<script") {
		t.Errorf("the added page kept markup:\n%s", raw)
	}
}

// A data folder holding another corpus's index is not synced with this
// one, which would replace it: add refuses before adding anything.
func TestAddRefusesAnotherCorpusData(t *testing.T) {
	t.Parallel()
	data := filepath.Join(t.TempDir(), "data")
	other := Config{Corpus: builtinCopy(t), Data: data}
	mustDossier(t, other, "", "index")
	cfg := Config{Corpus: builtinCopy(t), Data: data}
	file := filepath.Join(t.TempDir(), "wonsan.md")
	os.WriteFile(file, []byte(lighthouse), 0o644)
	_, _, err := runAddCmd(t, cfg, AddSettings{}, file)
	if err == nil || !strings.Contains(err.Error(), "holds the index of") {
		t.Errorf("dossier add with another corpus's data folder = %v, want it refused", err)
	}
	if _, err := os.Stat(filepath.Join(cfg.Corpus, "the-lighthouse-keepers-of-wonsan.md")); err == nil {
		t.Errorf("dossier add wrote the document although it refused the data folder")
	}
}
