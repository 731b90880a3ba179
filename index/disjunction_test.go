package index

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
)

// TestRankORMatchesBleve holds rankOR to Bleve's own search of the same
// disjunction: the same passages in the same order, with the same scores.
func TestRankORMatchesBleve(t *testing.T) {
	t.Parallel()
	ix := builtinIndex(t)
	questions := []string{
		"Who was the US ambassador?",
		"When did the war between Iran and Iraq begin?",
		"how many ships crossed the strait",
		"oil prices sanctions tanker exports revenue budget deficit inflation currency protests government response crackdown", // more than ten concepts
		"a question about nothing in particular",
		"xyzzy plugh",
	}
	for _, q := range questions {
		compareOR(t, ix, q, 200)
	}
}

// TestRankORMatchesBleveBEIR does the same over a built BEIR index and its
// queries, when the benchmark's variables are set (see BenchmarkRankBEIR).
func TestRankORMatchesBleveBEIR(t *testing.T) {
	dir, file := os.Getenv("DOSSIER_BENCH_INDEX"), os.Getenv("DOSSIER_BENCH_QUERIES")
	if dir == "" || file == "" {
		t.Skip("set DOSSIER_BENCH_INDEX and DOSSIER_BENCH_QUERIES")
	}
	ix, err := OpenReadOnly(dir)
	if err != nil {
		t.Fatalf("OpenReadOnly(%q) = %v", dir, err)
	}
	defer ix.Close()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var q struct {
			Text string `json:"text"`
		}
		if err := json.Unmarshal(sc.Bytes(), &q); err != nil {
			t.Fatal(err)
		}
		compareOR(t, ix, q.Text, 2000)
	}
}

func compareOR(tb testing.TB, ix *Index, text string, size int) {
	tb.Helper()
	ctx := context.Background()
	adv, err := ix.bi.Advanced()
	if err != nil {
		tb.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		tb.Fatal(err)
	}
	defer r.Close()
	total, err := r.DocCount()
	if err != nil {
		tb.Fatal(err)
	}
	q := parseQuestion(ix.analyzer, ix.synonyms, ix.lexicon, newReaderDict(r, fieldText), int(total), cleanQuestion(text))
	if len(q.concepts) == 0 {
		return
	}
	got, ok, err := ix.rankOR(ctx, r, q, size, true)
	if err != nil {
		tb.Fatalf("rankOR(%q) = %v", text, err)
	}
	if !ok {
		return // a phrase: Bleve answers it
	}
	res, err := ix.bi.SearchInContext(ctx, bleve.NewSearchRequestOptions(buildQuery(q), size, 0, false))
	if err != nil {
		tb.Fatalf("Search(%q) = %v", text, err)
	}
	if len(got) != len(res.Hits) {
		tb.Errorf("rankOR(%q) found %d passages, Bleve %d", text, len(got), len(res.Hits))
		return
	}
	if len(got) == 0 {
		return
	}
	// Passages whose scores tie (or differ in the last bits, summed in
	// another order) may come in either order, and a tie at the end of
	// the list may keep either passage. Passages past those re-ranked
	// carry only their document.
	same := func(a, b float64) bool { return math.Abs(a-b) <= 1e-12*max(a, b) }
	want := map[string][]float64{}
	for _, h := range res.Hits {
		doc, _, _ := strings.Cut(h.ID, "#")
		want[h.ID] = append(want[h.ID], h.Score)
		want[doc] = append(want[doc], h.Score)
	}
	last := res.Hits[len(res.Hits)-1].Score
	for i, h := range res.Hits {
		g := got[i]
		key := g.id
		if i >= rerankDepth {
			if g.id != "" {
				tb.Errorf("rankOR(%q)[%d] has id %q; past the re-ranked, want only its document", text, i, g.id)
			}
			key = g.doc
		}
		if !same(g.bm25, h.Score) {
			tb.Errorf("rankOR(%q)[%d] = %s %.17g, Bleve %s %.17g", text, i, key, g.bm25, h.ID, h.Score)
			return
		}
		if !slices.ContainsFunc(want[key], func(w float64) bool { return same(w, g.bm25) }) && !same(g.bm25, last) {
			tb.Errorf("rankOR(%q)[%d] = %s %.17g, Bleve scores it %v", text, i, key, g.bm25, want[key])
			return
		}
	}
}

func TestBestOf(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, 3, 10, 100, 1000} {
		for _, k := range []int{0, 1, 2, n / 2, n - 1, n, n + 1} {
			for _, spread := range []int{3, 1000000} { // many ties, few
				s := make([]int, n)
				for i := range s {
					s[i] = rng.IntN(spread)
				}
				want := slices.Clone(s)
				slices.Sort(want)
				want = want[:max(0, min(k, n))]
				got := slices.Clone(bestOf(slices.Clone(s), k, cmp.Compare[int]))
				slices.Sort(got)
				if !slices.Equal(got, want) {
					t.Errorf("bestOf(%v, %d) = %v, want %v", s, k, got, want)
				}
			}
		}
	}
}
