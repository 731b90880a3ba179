package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/dossier-bot/dossier/corpus"
)

func TestBenchBuiltin(t *testing.T) {
	t.Parallel()
	out, _ := mustDossier(t, Config{}, "", "bench", "--questions", "20")
	for _, want := range []string{"documents / passages     4 /", "passages/s", "latency p50 / p99 / max", "questions timed          20"} {
		if !strings.Contains(out, want) {
			t.Errorf("dossier bench output lacks %q:\n%s", want, out)
		}
	}
}

func TestBenchQueryOnlyNeedsData(t *testing.T) {
	t.Parallel()
	_, _, err := dossier(t, Config{}, "", "bench", "--query-only")
	if code, msg := exitStatus(err); code != 2 || !strings.Contains(msg, "--data") {
		t.Errorf("dossier bench --query-only = %d %q, want a usage error naming --data", code, msg)
	}
}

func TestSynthesizeIsDeterministic(t *testing.T) {
	t.Parallel()
	c, err := corpus.Load(corpus.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	pool := sentencePool(c)
	a, b := synthDocs(t, synthesize(pool, 53, 7)), synthDocs(t, synthesize(pool, 53, 7))
	if got, want := len(a), synthesize(pool, 53, 7).Len(); got != want {
		t.Errorf("synthesize(53) made %d documents, Len() = %d", got, want)
	}
	var n int
	for i, d := range a {
		n += len(d.Passages)
		if d.Hash != b[i].Hash {
			t.Fatalf("synthesize: document %d differs between runs", i)
		}
		for _, p := range d.Passages {
			w := len(strings.Fields(p.Text))
			if w < synthMinWords || w > synthMaxWords && len(corpus.Sentences(p.Text)) > 1 {
				t.Errorf("synthesize: passage %s has %d words, want %d-%d", p.ID, w, synthMinWords, synthMaxWords)
			}
		}
	}
	if n != 53 {
		t.Errorf("synthesize(53) made %d passages, want 53", n)
	}
	if c2 := synthDocs(t, synthesize(pool, 53, 8)); c2[0].Hash == a[0].Hash {
		t.Errorf("synthesize with another seed made the same first document")
	}
	qs := questions(pool, 50, 1)
	if !slices.Equal(qs, questions(pool, 50, 1)) {
		t.Errorf("questions differ between runs")
	}
	for _, q := range qs {
		if w := len(strings.Fields(q)); w < 5 || w > 12 {
			t.Errorf("question %q has %d words, want 5-12", q, w)
		}
	}
}

func synthDocs(tb testing.TB, s synthetic) []corpus.Document {
	tb.Helper()
	var docs []corpus.Document
	if err := s.Each(func(d *corpus.Document) error {
		docs = append(docs, *d)
		return nil
	}); err != nil {
		tb.Fatalf("synthetic Each() = %v", err)
	}
	return docs
}
