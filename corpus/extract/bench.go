package extract

import (
	"cmp"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/metrics"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/dossier-bot/dossier/corpus"
)

// BenchPage is one page's score on the article-extraction benchmark.
type BenchPage struct {
	ID        string  `json:"id"`
	URL       string  `json:"url"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	// Error is why nothing was extracted, if so.
	Error string `json:"error,omitempty"`
}

// F1 is the page's harmonic mean of precision and recall.
func (p BenchPage) F1() float64 { return f1(p.Precision, p.Recall) }

// BenchReport is an extractor's score on the article-extraction
// benchmark, by the benchmark's own metric, with its speed and memory.
type BenchReport struct {
	// Measured says which text was scored.
	Measured string `json:"measured"`
	Pages    int    `json:"pages"`
	// Precision and Recall are means over pages; F1 is theirs.
	F1        float64 `json:"f1"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	// Accuracy is the share of pages whose words match exactly.
	Accuracy float64 `json:"accuracy"`
	Failed   int     `json:"failed"`
	// PagesPerSecond counts extraction only, one page at a time, not
	// reading or decompressing the files.
	PagesPerSecond float64 `json:"pages_per_second"`
	// PeakBytes is the most memory the Go runtime held while extracting.
	PeakBytes uint64 `json:"peak_bytes"`
	// ByPage is every page's score, worst F1 first.
	ByPage []BenchPage `json:"by_page"`
}

// ArticleText extracts a web page's article as the text Dossier indexes
// (the Markdown body, without front matter): what the benchmark scores.
func ArticleText(name string, page []byte) (string, error) {
	md, err := Markdown(name, "text/html", page)
	if err != nil {
		return "", err
	}
	return corpus.Body(string(md)), nil
}

// IndexedText is a web page's article as Dossier keeps it: extracted,
// then cleaned and cut as the corpus package does, the title and page
// furniture left out. It is what passages are quoted from.
func IndexedText(name string, page []byte) (string, error) {
	md, err := Markdown(name, "text/html", page)
	if err != nil {
		return "", err
	}
	doc, err := corpus.Parse(name, md)
	if err != nil {
		return "", err
	}
	return doc.Text, nil
}

// Bench scores extract on the article-extraction benchmark in dir
// (html/ID.html.gz pages and ground-truth.json, as in
// shared/bench/article-extraction). Each page is given by its URL.
func Bench(ctx context.Context, dir string, extract func(name string, page []byte) (string, error)) (BenchReport, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "ground-truth.json"))
	if err != nil {
		return BenchReport{}, fmt.Errorf("read benchmark: %w", err)
	}
	var truth map[string]struct {
		URL         string `json:"url"`
		ArticleBody string `json:"articleBody"`
	}
	if err := json.Unmarshal(raw, &truth); err != nil {
		return BenchReport{}, fmt.Errorf("read %s: %w", filepath.Join(dir, "ground-truth.json"), err)
	}
	ids := slices.Sorted(maps.Keys(truth))
	if len(ids) == 0 {
		return BenchReport{}, fmt.Errorf("benchmark %s has no pages", dir)
	}
	peak := watchMemory()
	var rep BenchReport
	var took time.Duration
	exact := 0
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return BenchReport{}, err
		}
		page, err := readGzip(filepath.Join(dir, "html", id+".html.gz"))
		if err != nil {
			return BenchReport{}, fmt.Errorf("read benchmark page %s: %w", id, err)
		}
		t := truth[id]
		start := time.Now()
		got, err := extract(t.URL, page)
		took += time.Since(start)
		bp := BenchPage{ID: id, URL: t.URL}
		if err != nil {
			bp.Error = err.Error()
			rep.Failed++
		}
		bp.Precision, bp.Recall = shingleScore(t.ArticleBody, got)
		if slices.Equal(words(t.ArticleBody), words(got)) {
			exact++
		}
		rep.ByPage = append(rep.ByPage, bp)
		rep.Precision += bp.Precision
		rep.Recall += bp.Recall
	}
	rep.PeakBytes = peak()
	rep.Pages = len(ids)
	n := float64(len(ids))
	rep.Precision /= n
	rep.Recall /= n
	rep.F1 = f1(rep.Precision, rep.Recall)
	rep.Accuracy = float64(exact) / n
	rep.PagesPerSecond = n / took.Seconds()
	sort.SliceStable(rep.ByPage, func(i, j int) bool { return rep.ByPage[i].F1() < rep.ByPage[j].F1() })
	return rep, nil
}

func f1(p, r float64) float64 {
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

func readGzip(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

// wordRE is Python's \w in Unicode mode, which the benchmark's metric uses.
var wordRE = regexp.MustCompile(`[\p{L}\p{N}_]+`)

func words(s string) []string { return wordRE.FindAllString(s, -1) }

// shingles counts the word 4-grams of s; a text of fewer words is one
// shingle, as in the benchmark's code.
func shingles(s string) map[string]int {
	w := words(s)
	out := map[string]int{}
	for i := 0; i < max(1, len(w)-3); i++ {
		if g := strings.Join(w[i:min(i+4, len(w))], " "); g != "" {
			out[g]++
		}
	}
	return out
}

// shingleScore is the benchmark's page score: the 4-gram multisets of the
// truth and of the extracted text compared, counts normalised per page.
func shingleScore(truth, got string) (precision, recall float64) {
	ts, gs := shingles(truth), shingles(got)
	var tp, fp, fn float64
	for k, t := range ts {
		g := gs[k]
		tp += float64(min(t, g))
		fn += float64(max(0, t-g))
	}
	for k, g := range gs {
		fp += float64(max(0, g-ts[k]))
	}
	switch {
	case fp == 0 && fn == 0:
		return 1, 1
	case tp == 0:
		return 0, 0
	}
	return tp / (tp + fp), tp / (tp + fn)
}

// watchMemory samples the memory the Go runtime holds until the returned
// function is called, and that returns the peak.
func watchMemory() func() uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/total:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	runtime.GC()
	stop := make(chan struct{})
	done := make(chan uint64)
	go func() {
		peak := read()
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				peak = max(peak, read())
			case <-stop:
				done <- max(peak, read())
				return
			}
		}
	}()
	return func() uint64 {
		close(stop)
		return <-done
	}
}

// worstShown is how many of the worst pages Text lists.
const worstShown = 20

// Text is the report for people: the totals and the worst pages.
func (rep BenchReport) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "article extraction, %s: %d pages\n", cmp.Or(rep.Measured, "text"), rep.Pages)
	fmt.Fprintf(&b, "  F1 %.4f  precision %.4f  recall %.4f  accuracy %.3f  failed %d\n",
		rep.F1, rep.Precision, rep.Recall, rep.Accuracy, rep.Failed)
	fmt.Fprintf(&b, "  %.1f pages/s (one at a time)  peak Go memory %.1f MiB\n",
		rep.PagesPerSecond, float64(rep.PeakBytes)/(1<<20))
	if len(rep.ByPage) > 0 {
		fmt.Fprintf(&b, "worst pages:\n")
	}
	for i, p := range rep.ByPage {
		if i == worstShown {
			break
		}
		fmt.Fprintf(&b, "  F1 %.3f  P %.3f  R %.3f  %s", p.F1(), p.Precision, p.Recall, p.URL)
		if p.Error != "" {
			fmt.Fprintf(&b, "  (%s)", p.Error)
		}
		b.WriteString("\n")
	}
	return b.String()
}
