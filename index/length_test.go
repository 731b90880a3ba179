package index

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/dossier-bot/dossier/corpus"
)

func TestLengthSamplerStaysEvenAndSmall(t *testing.T) {
	t.Parallel()
	a := newAnalyzer()
	for _, n := range []int{1, 3, lengthSample, 2*lengthSample + 1, 9 * lengthSample} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			s := lengthSampler{a: a, step: 1}
			// Lengths drift from 1 to 3 words over the stream, so a sample
			// bunched at either end shows.
			exact := 0
			for i := range n {
				words := 1 + 3*i/n
				exact += words
				s.add(&corpus.Document{Passages: []corpus.Passage{{Text: strings.Repeat("harbour ", words)}}})
			}
			if len(s.lens) > 2*lengthSample {
				t.Errorf("sample holds %d lengths, want at most %d", len(s.lens), 2*lengthSample)
			}
			want := float64(exact) / float64(n)
			if got := s.mean(); math.Abs(got-want) > 0.01*want {
				t.Errorf("mean() = %.3f, want %.3f within 1%%", got, want)
			}
		})
	}
}

// stream is a Source that makes each document as it is asked for.
type stream struct {
	n       int
	variant string
}

func (s stream) Len() int { return s.n }

func (s stream) Each(fn func(*corpus.Document) error) error {
	for i := range s.n {
		name := fmt.Sprintf("doc%03d.md", i)
		c, err := corpus.Load(fstest.MapFS{name: {Data: []byte(article(fmt.Sprintf("Doc %d", i), syntheticBody(i, s.variant)))}})
		if err != nil {
			return err
		}
		if err := fn(&c.Documents[0]); err != nil {
			return err
		}
	}
	return nil
}

func TestSyncFromAStreamMatchesSyncOfTheWholeCorpus(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const n = batchPassages/2 + 7 // a few batches of the in-place writer
	files := map[string]string{}
	for i := range n {
		files[fmt.Sprintf("doc%03d.md", i)] = article(fmt.Sprintf("Doc %d", i), syntheticBody(i, "second"))
	}
	whole := loadMap(t, files)
	for _, disk := range []bool{false, true} {
		t.Run(fmt.Sprintf("disk=%v", disk), func(t *testing.T) {
			t.Parallel()
			want, got := emptyIndex(t, disk), emptyIndex(t, disk)
			if _, err := want.Sync(ctx, whole, nil); err != nil {
				t.Fatalf("Sync() = %v", err)
			}
			// A first pass builds a new generation, the second updates it
			// in place over several batches.
			var last, total int
			ch, err := got.SyncFrom(ctx, stream{n, "first"}, whole.Synonyms, func(done, of int) { last, total = done, of })
			if err != nil {
				t.Fatalf("SyncFrom(first) = %v", err)
			}
			if len(ch.Added) != n || last != n || total != n {
				t.Errorf("SyncFrom(first) added %d, progress %d of %d; want %d of %d", len(ch.Added), last, total, n, n)
			}
			ch, err = got.SyncFrom(ctx, stream{n, "second"}, whole.Synonyms, nil)
			if err != nil {
				t.Fatalf("SyncFrom(second) = %v", err)
			}
			if len(ch.Changed) != n || ch.Total != n {
				t.Errorf("SyncFrom(second) changed %d of %d passages, want %d of %d", len(ch.Changed), ch.Total, n, n)
			}
			if w, g := want.avgLen, got.avgLen; math.Abs(w-g) > 0.01*w {
				t.Errorf("SyncFrom() mean passage length %.2f, Sync() %.2f", g, w)
			}
			for _, q := range []string{"harbour of town42 copper", "boats unloaded salt town7"} {
				wa, err1 := want.Ask(ctx, q, 3)
				ga, err2 := got.Ask(ctx, q, 3)
				if err1 != nil || err2 != nil || len(wa.Results) == 0 || len(ga.Results) != len(wa.Results) {
					t.Fatalf("Ask(%q) = %v, %v; whole corpus %v, %v", q, ga.Results, err2, wa.Results, err1)
				}
				// Below the first, results may tie and come in either order.
				if g, w := ga.Results[0].Passage.ID, wa.Results[0].Passage.ID; g != w {
					t.Errorf("Ask(%q) first result = %s, want %s as from the whole corpus", q, g, w)
				}
				for i := range wa.Results {
					if g, w := ga.Results[i].Score, wa.Results[i].Score; math.Abs(g-w) > 1e-9 {
						t.Errorf("Ask(%q) result %d scores %v, want %v as from the whole corpus", q, i, g, w)
					}
				}
			}
		})
	}
}

func emptyIndex(tb testing.TB, disk bool) *Index {
	tb.Helper()
	var ix *Index
	var err error
	if disk {
		ix, err = Open(filepath.Join(tb.TempDir(), "index"))
	} else {
		ix, err = NewMemory()
	}
	if err != nil {
		tb.Fatalf("open index = %v", err)
	}
	tb.Cleanup(func() { ix.Close() })
	return ix
}
