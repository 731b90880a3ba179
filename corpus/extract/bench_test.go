package extract

import (
	"context"
	"flag"
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
	WriteBench(os.Stdout, rep, 25)
}
