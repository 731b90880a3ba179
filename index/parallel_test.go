package index

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/util"
	bindex "github.com/blevesearch/bleve_index_api"
	"github.com/google/go-cmp/cmp"

	"github.com/dossier-bot/dossier/corpus"
)

// awkwardFiles hold what a tokenizer can get wrong: apostrophes of both
// kinds, letters against digits, decimals and thousands, combining
// marks, ideographs, words ParseFloat reads as numbers, possessives,
// stop words, headings and text that is not Latin.
var awkwardFiles = map[string]string{
	"awkward/cafe.md": article("Café’s naïve coöperation", "## L'été à Paris\n\nThe café’s owner said it isn't the IL-10 or IL10 assay but p53 that matters. "+
		"Résumé e\u0301cole: 3.14 of 1,000,000 cells, 2.5.1 and 1,2,3 and 4. failed; NaN inf Infinity nan."),
	"awkward/cjk.md": article("東京の港", "東京の港には多くの船が来る。서울 항구와 ひらがな カタカナ are mixed with English harbour words."),
	"awkward/greek.txt": "Θάλασσα και λιμάνι\n\nΤο λιμάνι του Πειραιά δέχεται πλοία κάθε μέρα, and the ship's bell rang ’twice’ at 05:30.\n\n" +
		"## Ⅻ numerals ½ and ² and ٣٤٥ digits\n\nThe keeper’s log: \"we'll sail\" -- don’t stop; rock'n'roll O'Brien's boat.",
}

// buildCorpus is the built-in corpus, the awkward files and enough
// generated documents to fill several of the builder's batches, so that
// its segments are merged.
func buildCorpus(tb testing.TB) *corpus.Corpus {
	tb.Helper()
	files := map[string]string{}
	err := fs.WalkDir(corpus.Builtin(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(corpus.Builtin(), p)
		files[p] = string(b)
		return err
	})
	if err != nil {
		tb.Fatalf("read built-in corpus: %v", err)
	}
	for p, body := range awkwardFiles {
		files[p] = body
	}
	for i := range 2500 {
		files[fmt.Sprintf("gen/doc%04d.md", i)] = article(fmt.Sprintf("Doc %d", i), sectionedBody(i))
	}
	c := loadMap(tb, files)
	n := 0
	for _, d := range c.Documents {
		n += len(d.Passages)
	}
	if n < 2*builderBatch {
		tb.Fatalf("buildCorpus() has %d passages, want at least %d to fill several batches", n, 2*builderBatch)
	}
	return c
}

// sectionedBody is six paragraphs of a passage each under two headings.
func sectionedBody(i int) string {
	var b strings.Builder
	for k := range 6 {
		if k%3 == 0 {
			fmt.Fprintf(&b, "## Harbour Section %d Record %d\n\n", k/3+1, i)
		}
		b.WriteString(syntheticBody(7*i+k, "build") + " " + syntheticBody(11*i+k, "sectioned") + "\n\n")
	}
	return b.String()
}

// buildQuestions asks about every kind of text in buildCorpus: its
// passages' opening words (of every 97th generated document), and a few
// questions more.
func buildQuestions(c *corpus.Corpus) []string {
	qs := []string{"café owner IL 10 assay", "p53 cells 3.14", "東京の港", "Πειραιά λιμάνι", "keeper's log O'Brien boat",
		"harbour of town42 copper", "Who led the North Korean delegation to Tehran?", "chocolate cake recipe"}
	for i, d := range c.Documents {
		if strings.HasPrefix(d.Path, "gen/") && i%97 != 0 {
			continue
		}
		for _, p := range d.Passages {
			qs = append(qs, strings.Join(firstN(strings.Fields(p.Text), 9), " "))
		}
	}
	return qs
}

func firstN(s []string, n int) []string { return s[:min(n, len(s))] }

// TestParallelBuildMatchesSerial holds a build analysed on several cores
// to Bleve's own serial build: the same passages, terms, postings,
// frequencies, norms and stored fields, and so the same answers. (Bleve
// does not write a segment byte for byte the same twice, so the segments
// themselves cannot be compared.)
func TestParallelBuildMatchesSerial(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := buildCorpus(t)
	qs := buildQuestions(c)
	serial := emptyIndex(t, true)
	if _, err := serial.syncFrom(ctx, c, c.Synonyms, nil, 0); err != nil {
		t.Fatalf("serial Sync() = %v", err)
	}
	want := contents(t, serial)
	for _, workers := range []int{1, 2, 5} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			t.Parallel()
			ix := emptyIndex(t, true)
			if _, err := ix.syncFrom(ctx, c, c.Synonyms, nil, workers); err != nil {
				t.Fatalf("Sync() with %d workers = %v", workers, err)
			}
			// cmp.Diff of so long a list takes long even when it is equal.
			if got := contents(t, ix); !slices.Equal(got, want) {
				t.Errorf("Sync() with %d workers: index contents mismatch (-serial +parallel):\n%s", workers, cmp.Diff(want, got))
			}
			if diff := cmp.Diff(serial.Documents(), ix.Documents()); diff != "" {
				t.Errorf("Sync() with %d workers: Documents() mismatch (-serial +parallel):\n%s", workers, diff)
			}
			if ix.avgLen != serial.avgLen {
				t.Errorf("Sync() with %d workers: mean passage length %v, want %v", workers, ix.avgLen, serial.avgLen)
			}
			for _, q := range qs {
				wa, err1 := serial.Ask(ctx, q, 5)
				ga, err2 := ix.Ask(ctx, q, 5)
				if err1 != nil || err2 != nil {
					t.Fatalf("Ask(%q) = %v, serial %v", q, err2, err1)
				}
				if diff := cmp.Diff(settled(wa), settled(ga)); diff != "" {
					t.Errorf("Ask(%q) with %d workers mismatch (-serial +parallel):\n%s", q, workers, diff)
				}
			}
		})
	}
}

// answerFacts is what must be the same of two answers from the same
// passages. Bleve numbers the passages of a batch in no set order, and
// passages that score the same come in that order, serially built too;
// so of the passages after the first only the scores must match.
type answerFacts struct {
	Kind                  Kind
	Confidence            float64
	First                 Result
	Scores, RelatedScores []float64
	Closest               []corpus.Document
}

func settled(a Answer) answerFacts {
	f := answerFacts{Kind: a.Kind(), Confidence: a.Confidence, Closest: a.Closest}
	if len(a.Results) > 0 {
		f.First = a.Results[0]
	} else if len(a.Related) > 0 {
		f.First = a.Related[0]
	}
	for _, r := range a.Results {
		f.Scores = append(f.Scores, r.Score)
	}
	for _, r := range a.Related {
		f.RelatedScores = append(f.RelatedScores, r.Score)
	}
	return f
}

// contents lists everything ix's Bleve index holds, one line a term,
// posting, stored field or internal value.
func contents(tb testing.TB, ix *Index) []string {
	tb.Helper()
	r, err := ix.bi.Advanced()
	if err != nil {
		tb.Fatal(err)
	}
	rd, err := r.Reader()
	if err != nil {
		tb.Fatal(err)
	}
	defer rd.Close()
	var out []string
	fields, err := rd.Fields()
	if err != nil {
		tb.Fatal(err)
	}
	slices.Sort(fields)
	for _, f := range fields {
		dict, err := rd.FieldDict(f)
		if err != nil {
			tb.Fatal(err)
		}
		for e, err := dict.Next(); e != nil || err != nil; e, err = dict.Next() {
			if err != nil {
				tb.Fatal(err)
			}
			out = append(out, fmt.Sprintf("term %s %q in %d", f, e.Term, e.Count))
			tfr, err := rd.TermFieldReader(context.Background(), []byte(e.Term), f, true, true, false)
			if err != nil {
				tb.Fatal(err)
			}
			for d, err := tfr.Next(nil); d != nil || err != nil; d, err = tfr.Next(nil) {
				if err != nil {
					tb.Fatal(err)
				}
				id, _ := rd.ExternalID(d.ID)
				out = append(out, fmt.Sprintf("posting %s %q %s freq %d norm %v", f, e.Term, id, d.Freq, d.Norm))
			}
			tfr.Close()
		}
		dict.Close()
	}
	ids, err := rd.DocIDReaderAll()
	if err != nil {
		tb.Fatal(err)
	}
	defer ids.Close()
	for iid, err := ids.Next(); iid != nil || err != nil; iid, err = ids.Next() {
		if err != nil {
			tb.Fatal(err)
		}
		id, _ := rd.ExternalID(iid)
		doc, err := rd.Document(id)
		if err != nil {
			tb.Fatal(err)
		}
		doc.VisitFields(func(f bindex.Field) {
			out = append(out, fmt.Sprintf("stored %s %s %q", id, f.Name(), f.Value()))
		})
	}
	// The mapping too: preMapped must record the mapping it wraps.
	for _, k := range [][]byte{keySchema, keyRegistry, keySynonyms, keyAvgLen, util.MappingInternalKey} {
		v, err := rd.GetInternal(k)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, fmt.Sprintf("internal %s %q", k, v))
	}
	// Bleve's builder numbers the passages of a batch in no set order,
	// serially too, so the lines are compared sorted.
	slices.Sort(out)
	return out
}

// failingSource yields docs, and before docs[n] calls at, stopping at its
// error.
type failingSource struct {
	docs []corpus.Document
	n    int
	at   func() error
}

func (s failingSource) Len() int { return len(s.docs) }

func (s failingSource) Each(fn func(*corpus.Document) error) error {
	for i := range s.docs {
		if i == s.n {
			if err := s.at(); err != nil {
				return err
			}
		}
		if err := fn(&s.docs[i]); err != nil {
			return err
		}
	}
	return nil
}

// TestAbandonedBuildLeavesTheIndex stops full builds part way, between
// batches of the builder and with passages in flight, and finds the index
// as it was, nothing of the build left on disk, and the next build whole.
func TestAbandonedBuildLeavesTheIndex(t *testing.T) {
	t.Parallel()
	c := buildCorpus(t)
	errSource := errors.New("the folder went away")
	for _, tt := range []struct {
		name    string
		builtBy *corpus.Corpus // nil: the index is new
		stop    string         // "cancel" or "fail"
		want    error
	}{
		{"first build cancelled", nil, "cancel", context.Canceled},
		{"rebuild cancelled", loadMap(t, baseFiles), "cancel", context.Canceled},
		{"first build failing", nil, "fail", errSource},
		{"rebuild failing", loadMap(t, baseFiles), "fail", errSource},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			ix := emptyIndex(t, true)
			if tt.builtBy != nil {
				if _, err := ix.Sync(ctx, tt.builtBy, nil); err != nil {
					t.Fatalf("Sync(%q) = %v", "first", err)
				}
				ix.mu.Lock()
				ix.stale = true // as after a schema change: rebuilt aside
				ix.mu.Unlock()
			}
			want := docIDs(ix)
			src := failingSource{docs: c.Documents, n: 2 * len(c.Documents) / 3, at: func() error {
				if tt.stop == "cancel" {
					cancel()
					return nil
				}
				return errSource
			}}
			if _, err := ix.SyncFrom(ctx, src, nil, nil); !errors.Is(err, tt.want) {
				t.Fatalf("SyncFrom(%q) = %v, want %v", tt.name, err, tt.want)
			}
			if got := docIDs(ix); !slices.Equal(got, want) {
				t.Errorf("after SyncFrom(%q) Documents() = %d documents, want %d", tt.name, len(got), len(want))
			}
			entries, err := os.ReadDir(ix.dir)
			if err != nil {
				t.Fatal(err)
			}
			gens := 0
			for _, e := range entries {
				if strings.HasPrefix(e.Name(), genPrefix) {
					gens++
				}
			}
			if wantGens := min(len(want), 1); gens != wantGens {
				t.Errorf("after SyncFrom(%q) the index folder holds %v, want %d generation(s) and no build", tt.name, entries, wantGens)
			}
			ch, err := ix.SyncFrom(context.Background(), c, nil, nil)
			if err != nil || len(ix.Documents()) != len(c.Documents) {
				t.Errorf("SyncFrom(all) after SyncFrom(%q) = %d documents, %v; want %d", tt.name, len(ix.Documents()), err, len(c.Documents))
			}
			if ch.Total != ch.Passages {
				t.Errorf("SyncFrom(all) after SyncFrom(%q) indexed %d passages, index holds %d", tt.name, ch.Passages, ch.Total)
			}
		})
	}
}
