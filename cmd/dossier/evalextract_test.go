package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// eval --extract scores a benchmark folder laid out as
// shared/bench/article-extraction is: one page extracted well, one whose
// marked text is not on it at all.
func TestEvalExtract(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	page, err := os.ReadFile("../../corpus/extract/testdata/html/port-strike.html")
	if err != nil {
		t.Fatal(err)
	}
	article := "Dockworkers at the country's three largest container ports returned to work on Thursday after their union accepted a pay offer that ends a nine-day strike, the longest stoppage on the waterfront in more than two decades."
	other := []byte("<html><body><p>A page about something else entirely, with a paragraph long enough to be taken for the article by any extractor at all.</p></body></html>")
	writeGz(t, filepath.Join(dir, "html", "good.html.gz"), page)
	writeGz(t, filepath.Join(dir, "html", "wrong.html.gz"), other)
	truth, _ := json.Marshal(map[string]map[string]string{
		"good":  {"url": "https://harbourgazette.example/a", "articleBody": article},
		"wrong": {"url": "https://elsewhere.example/b", "articleBody": "Text that the page does not hold anywhere in it."},
	})
	if err := os.WriteFile(filepath.Join(dir, "ground-truth.json"), truth, 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, _ := mustDossier(t, Config{}, "", "eval", "--extract", dir, "--json")
	var both extractReport
	if err := json.Unmarshal([]byte(stdout), &both); err != nil {
		t.Fatalf("eval --extract --json: %v\n%s", err, stdout)
	}
	if both.Indexed.Pages != 2 || both.Indexed.Measured == both.Extracted.Measured {
		t.Errorf("eval --extract did not also score the text as indexed: %+v", both.Indexed)
	}
	rep := both.Extracted
	if rep.Pages != 2 || len(rep.ByPage) != 2 || rep.PagesPerSecond <= 0 || rep.PeakBytes == 0 {
		t.Fatalf("eval --extract = %+v, want 2 pages with speed and memory", rep)
	}
	worst, best := rep.ByPage[0], rep.ByPage[1]
	if worst.ID != "wrong" || worst.F1() != 0 || best.ID != "good" || best.Recall != 1 || best.Precision > 0.5 {
		t.Errorf("eval --extract pages = %+v, want wrong at 0 and good with full recall (the page holds more than the marked paragraph)", rep.ByPage)
	}
	if want := (best.Precision + 0) / 2; rep.Precision != want {
		t.Errorf("precision = %v, want the mean over pages %v", rep.Precision, want)
	}
	text, _ := mustDossier(t, Config{}, "", "eval", "--extract", dir)
	if !strings.Contains(text, "article extraction, the extracted article: 2 pages") ||
		!strings.Contains(text, "article extraction, the article as indexed (after cleaning): 2 pages") || !strings.Contains(text, "F1 ") || !strings.Contains(text, "pages/s") {
		t.Errorf("eval --extract printed:\n%s", text)
	}
	if _, _, err := dossier(t, Config{}, "", "eval", "--extract", dir, "questions.jsonl"); err == nil {
		t.Errorf("eval --extract with a question file did not fail")
	}
}

func writeGz(tb testing.TB, name string, data []byte) {
	tb.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(data)
	zw.Close()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(name, b.Bytes(), 0o644); err != nil {
		tb.Fatal(err)
	}
}
