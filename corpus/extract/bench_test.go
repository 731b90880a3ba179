package extract

import (
	"context"
	"flag"
	"math"
	"os"
	"testing"
)

var benchDir = flag.String("article-bench", "", "score HTML extraction on this article-extraction benchmark folder")

// TestArticleBench prints the score on the article-extraction benchmark
// when -article-bench names it.
func TestArticleBench(t *testing.T) {
	if *benchDir == "" {
		t.Skip("no -article-bench folder")
	}
	rep, err := Bench(context.Background(), *benchDir, ArticleText)
	if err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString(rep.Text())
}

func TestShingleScore(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		truth, got string
		p, r       float64
	}{
		{"one two three four five", "one two, three four five!", 1, 1},
		{"w1 w2 w3 w4 w5 w6 w7 w8", "w1 w2 w3 w4", 1, 0.2},
		{"w1 w2 w3 w4 w5", "w1 w2 w3 w4 w5 x1 x2 x3 x4 x5", 2.0 / 7, 1},
		{"some article text here", "", 0, 0},
		{"", "", 1, 1},
		{"short", "short", 1, 1},
		{"Case Matters Here Now", "case matters here now", 0, 0},
	} {
		p, r := shingleScore(tt.truth, tt.got)
		if math.Abs(p-tt.p) > 1e-9 || math.Abs(r-tt.r) > 1e-9 {
			t.Errorf("shingleScore(%q, %q) = %.3f, %.3f, want %.3f, %.3f", tt.truth, tt.got, p, r, tt.p, tt.r)
		}
	}
}
