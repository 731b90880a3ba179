package eval

import (
	"slices"
	"strings"
	"testing"

	"github.com/dossier-bot/dossier/corpus"
)

func TestSynthesizeIsDeterministic(t *testing.T) {
	t.Parallel()
	c, err := corpus.Load(corpus.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	pool := SentencePool(c)
	a, b := synthDocs(t, Synthesize(pool, 53, 7)), synthDocs(t, Synthesize(pool, 53, 7))
	if got, want := len(a), Synthesize(pool, 53, 7).Len(); got != want {
		t.Errorf("Synthesize(53) made %d documents, Len() = %d", got, want)
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
		t.Errorf("Synthesize(53) made %d passages, want 53", n)
	}
	if c2 := synthDocs(t, Synthesize(pool, 53, 8)); c2[0].Hash == a[0].Hash {
		t.Errorf("synthesize with another seed made the same first document")
	}
	qs := SampleQuestions(pool, 50, 1)
	if !slices.Equal(qs, SampleQuestions(pool, 50, 1)) {
		t.Errorf("questions differ between runs")
	}
	for _, q := range qs {
		if w := len(strings.Fields(q)); w < 5 || w > 12 {
			t.Errorf("question %q has %d words, want 5-12", q, w)
		}
	}
}

func synthDocs(tb testing.TB, s Synthetic) []corpus.Document {
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
