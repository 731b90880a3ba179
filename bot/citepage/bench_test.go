package citepage

import (
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/index"
)

var benchIndexDir = flag.String("bench-index", "", "benchmark with the built index in `DIR`, such as the one dossier bench --synthetic 500000 --data D keeps in D/bench/index")

// benchIndex is the index of -bench-index, or one of the built-in corpus.
func benchIndex(b *testing.B) *index.Index {
	b.Helper()
	if dir := *benchIndexDir; dir != "" {
		ix, err := index.OpenReadOnly(dir)
		if err != nil {
			b.Fatalf("open -bench-index %s: %v", dir, err)
		}
		b.Cleanup(func() { ix.Close() })
		return ix
	}
	c, err := corpus.Load(corpus.Builtin())
	if err != nil {
		b.Fatal(err)
	}
	ix, err := index.Open(filepath.Join(b.TempDir(), "index"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ix.Close() })
	if _, err := ix.Sync(b.Context(), c, nil); err != nil {
		b.Fatal(err)
	}
	return ix
}

// sample returns up to n passages drawn at random from the index, as the
// bot shows them, each with its document.
func sample(b *testing.B, ix *index.Index, n int) []state.KeptCitation {
	b.Helper()
	docs := ix.Documents()
	rng := rand.New(rand.NewPCG(1, 2))
	var kept []state.KeptCitation
	seen := map[string]bool{}
	for tries := 0; len(kept) < n && tries < 4*n; tries++ {
		d := docs[rng.IntN(len(docs))]
		if d.Passages == 0 {
			continue
		}
		at := rng.IntN(d.Passages)
		ps, err := ix.Passages(d.ID, at, at+1)
		if err != nil || len(ps) == 0 {
			b.Fatalf("Passages(%q, %d): %d, %v", d.ID, at, len(ps), err)
		}
		if seen[ps[0].ID] {
			continue
		}
		seen[ps[0].ID] = true
		p := ps[0]
		excerpt, _, _ := strings.Cut(p.Text, ". ")
		kept = append(kept, Keep(index.Result{Doc: d.Document, Passage: p, Excerpt: excerpt}))
	}
	return kept
}

// BenchmarkPage serves citation pages on loopback, 1,000 requests for
// 1,000 different citations per iteration, and reports the p50 and p99 of
// the time from sending a request to reading the whole page.
func BenchmarkPage(b *testing.B) {
	ix := benchIndex(b)
	st, err := state.Open(filepath.Join(b.TempDir(), state.FileName))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	kept := sample(b, ix, 1000)
	ids, err := st.RecordCitations(state.Shown{At: time.Now(), ChannelID: "c", UserID: "u"}, kept)
	if err != nil {
		b.Fatal(err)
	}
	secret, err := st.CitationSecret()
	if err != nil {
		b.Fatal(err)
	}
	mux := http.NewServeMux()
	// No limit: the figure is the page's cost, not the limiter's refusals.
	mux.Handle(Pattern, New(Config{Index: ix, Store: st, Secret: secret, PerClient: 1e9, Burst: 1 << 30}))
	srv := httptest.NewServer(mux)
	b.Cleanup(srv.Close)
	client := srv.Client()
	urls := make([]string, len(ids))
	for i, id := range ids {
		urls[i] = srv.URL + strings.TrimSuffix(Path(secret, id), "#"+Anchor)
	}
	var took []time.Duration
	bytes := 0
	b.ResetTimer()
	for b.Loop() {
		for _, u := range urls {
			start := time.Now()
			resp, err := client.Get(u)
			if err != nil {
				b.Fatal(err)
			}
			n, _ := io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			took = append(took, time.Since(start))
			if resp.StatusCode != http.StatusOK {
				b.Fatalf("GET %s = %s", u, resp.Status)
			}
			bytes += int(n)
		}
	}
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(bytes)/float64(len(took)), "bytes/page")
	b.ReportMetric(float64(len(ix.Documents())), "documents")
}

// BenchmarkKeptState keeps 100,000 citations drawn from the index, shown
// three to a message in 100 channels to 1,000 members, and reports the
// size of the state file.
func BenchmarkKeptState(b *testing.B) {
	ix := benchIndex(b)
	const n = 100_000
	kept := sample(b, ix, n)
	if len(kept) < n {
		// A small index has too few passages: vary them so each is new.
		base := kept
		for i := 0; len(kept) < n; i++ {
			c := base[i%len(base)]
			c.Text = fmt.Sprintf("%s (%d)", c.Text, i)
			kept = append(kept, c)
		}
	}
	textBytes := 0
	for _, c := range kept {
		textBytes += len(c.Text)
	}
	var size int64
	for b.Loop() {
		path := filepath.Join(b.TempDir(), state.FileName)
		st, err := state.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		at := time.Now()
		for i := 0; i < len(kept); i += 3 {
			sh := state.Shown{At: at.Add(time.Duration(i) * time.Second), ChannelID: fmt.Sprint(1000 + i%100), MessageID: fmt.Sprint(i), UserID: fmt.Sprint(5000 + i%1000)}
			if _, err := st.RecordCitations(sh, kept[i:min(i+3, len(kept))]); err != nil {
				b.Fatal(err)
			}
		}
		st.Close()
		info, err := os.Stat(path)
		if err != nil {
			b.Fatal(err)
		}
		size = info.Size()
	}
	b.ReportMetric(float64(size)/1e6, "MB")
	b.ReportMetric(float64(size)/n, "bytes/citation")
	b.ReportMetric(float64(textBytes)/n, "text-bytes/citation")
}
