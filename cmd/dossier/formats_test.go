package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A corpus folder of a web page, PDFs and a scanned PDF is indexed; the
// PDF's passages are cited with their page; the scanned PDF is skipped by
// name; a second index, in a new process as it were, reads each
// conversion from the data folder instead of converting again.
func TestIndexWebPagesAndPDFs(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "corpus")
	for dst, src := range map[string]string{
		"port-strike.html": "html/port-strike.html",
		"harbour.pdf":      "pdf/harbour.pdf",
		"memo.pdf":         "pdf/memo.pdf",
		"old/scan.pdf":     "pdf/scanned.pdf",
	} {
		raw, err := os.ReadFile(filepath.Join("../../corpus/extract/testdata", src))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, dst)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, dst), raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg := Config{Corpus: dir, Data: filepath.Join(t.TempDir(), "data")}

	stdout, stderr := mustDossier(t, cfg, "", "index")
	if !strings.Contains(stdout, "added     3") {
		t.Errorf("index: want 3 documents added, got:\n%s", stdout)
	}
	if !strings.Contains(stderr, "warning: skipped old/scan.pdf") || !strings.Contains(stderr, "no text layer") {
		t.Errorf("index did not warn that old/scan.pdf is scanned:\n%s", stderr)
	}

	stdout, _ = mustDossier(t, cfg, "", "ask", "How much will the national infrastructure fund contribute to the breakwater?")
	if !strings.Contains(stdout, "The Harbour Authority Annual Review — 2023-11-14, p. 1") {
		t.Errorf("ask did not cite the PDF with its page:\n%s", stdout)
	}
	stdout, _ = mustDossier(t, cfg, "", "ask", "Who was the shore power installed for at the cruise berths?")
	if !strings.Contains(stdout, "p. 2") {
		t.Errorf("ask did not cite page 2:\n%s", stdout)
	}
	stdout, _ = mustDossier(t, cfg, "", "ask", "--json", "What share of the wage rise comes this year for dockworkers?")
	if !strings.Contains(stdout, `"url":"https://harbourgazette.example/news/2024/dockworkers-end-strike"`) ||
		!strings.Contains(stdout, "https://harbourgazette.example/news/2024/dockworkers-end-strike#:~:text=") {
		t.Errorf("ask did not link the web page's canonical URL with a text fragment:\n%s", stdout)
	}

	// The conversions are kept under DATA/extracted. Doctoring one shows
	// whether the next index reads it or converts the page again.
	var kept []string
	filepath.WalkDir(filepath.Join(cfg.Data, "extracted"), func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".md") {
			kept = append(kept, p)
		}
		return err
	})
	if len(kept) != 3 {
		t.Fatalf("DATA/extracted holds %d conversions, want 3", len(kept))
	}
	for _, p := range kept {
		md, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(md), "Dockworkers at the country") {
			md = []byte(strings.Replace(string(md), "Dockworkers at the country", "Stevedores at the country", 1))
			if err := os.WriteFile(p, md, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	mustDossier(t, cfg, "", "index")
	stdout, _ = mustDossier(t, cfg, "", "ask", "Did stevedores return to work?")
	if !strings.Contains(stdout, "Stevedores** at the country") {
		t.Errorf("the second index converted the page again instead of reading its kept conversion:\n%s", stdout)
	}
}
