package eval

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dossier-bot/dossier/index"
)

// The benchmark in testdata/tiny has five documents, one of them empty,
// and five queries. Query 3's relevant document shares no word with it;
// query 4 is not judged in the test split.
const tiny = "testdata/tiny"

// readTiny returns the content of a file of testdata/tiny.
func readTiny(tb testing.TB, name string) string {
	tb.Helper()
	raw, err := os.ReadFile(filepath.Join(tiny, name))
	if err != nil {
		tb.Fatal(err)
	}
	return string(raw)
}

// writeBEIR lays out a BEIR benchmark folder named "tiny" and returns it.
func writeBEIR(tb testing.TB, corpusJSONL, queriesJSONL, qrels string) string {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "tiny")
	if err := os.MkdirAll(filepath.Join(dir, "qrels"), 0o755); err != nil {
		tb.Fatal(err)
	}
	for name, content := range map[string]string{
		"corpus.jsonl":   corpusJSONL,
		"queries.jsonl":  queriesJSONL,
		"qrels/test.tsv": qrels,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return dir
}

func TestBEIR(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b, err := LoadBEIR(tiny, "test")
	if err != nil {
		t.Fatalf("LoadBEIR(%s) = %v", tiny, err)
	}
	if len(b.Skipped) != 1 || b.Skipped[0].Path != "40" {
		t.Errorf("LoadBEIR(%s) skipped %v, want the empty document 40", tiny, b.Skipped)
	}
	ix, err := index.NewMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if _, err := ix.Sync(ctx, b.Corpus, nil); err != nil {
		t.Fatal(err)
	}
	var done, total int
	rankings, took, err := b.Rank(ctx, ix, func(d, t int) { done, total = d, t })
	if err != nil {
		t.Fatalf("Rank() = %v", err)
	}
	if done != 4 || total != 4 {
		t.Errorf("Rank() reported %d of %d queries done, want 4 of 4", done, total)
	}
	got := b.Report(rankings, took)
	// Queries 1, 2 and 5 find their document first, query 3 cannot: every
	// metric is 3 of 4.
	if got.Benchmark != "tiny" || got.Split != "test" || got.Queries != 4 || got.Documents != 4 || got.Skipped != 1 ||
		!near(got.NDCG10, 0.75) || !near(got.Recall100, 0.75) || !near(got.Recall1000, 0.75) || got.QueriesPerSecond <= 0 {
		t.Errorf("Report() = %+v, want 4 queries over 4 documents (1 skipped) and metrics of 0.75", got)
	}
	text := got.Text()
	for _, want := range []string{"tiny, test split: 4 judged queries over 4 documents", "nDCG@10      0.7500", "Recall@1000  0.7500"} {
		if !strings.Contains(text, want) {
			t.Errorf("Report().Text() lacks %q:\n%s", want, text)
		}
	}

	runFile := filepath.Join(t.TempDir(), "run.txt")
	if err := b.WriteRun(runFile, rankings); err != nil {
		t.Fatalf("WriteRun() = %v", err)
	}
	raw, err := os.ReadFile(runFile)
	if err != nil {
		t.Fatal(err)
	}
	firsts := map[string]string{}
	ranks := map[string]int{}
	for _, line := range strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n") {
		f := strings.Fields(line)
		if len(f) != 6 || f[1] != "Q0" || f[5] != "dossier" {
			t.Fatalf("run file line %q is not \"qid Q0 docid rank score dossier\"", line)
		}
		if f[0] == "4" {
			t.Errorf("run file ranks query 4, which the test split does not judge: %q", line)
		}
		ranks[f[0]]++
		if f[3] != strconv.Itoa(ranks[f[0]]) {
			t.Errorf("run file line %q: want rank %d", line, ranks[f[0]])
		}
		if f[3] == "1" {
			firsts[f[0]] = f[2]
		}
	}
	for qid, want := range map[string]string{"1": "10", "2": "20", "5": "A-b"} {
		if firsts[qid] != want {
			t.Errorf("run file ranks %q first for query %s, want %q", firsts[qid], qid, want)
		}
	}
}

func TestLoadBEIRMalformed(t *testing.T) {
	t.Parallel()
	tinyCorpus, tinyQueries, tinyQrels := readTiny(t, "corpus.jsonl"), readTiny(t, "queries.jsonl"), readTiny(t, "qrels/test.tsv")
	tests := []struct {
		name                   string
		corpus, queries, qrels string
		want                   string
	}{
		{"bad qrels line", tinyCorpus, tinyQueries, "query-id\tcorpus-id\tscore\n1\t10\n", "test.tsv:2: want 3 fields"},
		{"bad grade", tinyCorpus, tinyQueries, "1\t10\thigh\n", `test.tsv:1: score "high" is not a whole number`},
		{"no judgements", tinyCorpus, tinyQueries, "query-id\tcorpus-id\tscore\n", "judges no queries"},
		{"judged query missing", tinyCorpus, tinyQueries, "9\t10\t1\n", `the judgements name query "9"`},
		{"bad query line", tinyCorpus, "{nope\n", tinyQrels, "queries.jsonl:1: not a query object"},
		{"bad document line", tinyCorpus + "[1]\n", tinyQueries, tinyQrels, "corpus.jsonl:6: not a document object"},
		{"document without id", `{"title":"t","text":"words"}`, tinyQueries, tinyQrels, `corpus.jsonl:1: document without "_id"`},
		{"ids that collide", `{"_id":"a b","text":"The first document has words."}` + "\n" + `{"_id":"a-b","text":"The second document has words."}`, tinyQueries, tinyQrels, `_id "a b" and _id "a-b" both become document id "a-b"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := writeBEIR(t, tt.corpus, tt.queries, tt.qrels)
			_, err := LoadBEIR(dir, "test")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("LoadBEIR (%s) = %v, want an error with %q", tt.name, err, tt.want)
			}
		})
	}
	_, err := LoadBEIR(t.TempDir(), "dev")
	if err == nil || !strings.Contains(err.Error(), "dev.tsv") {
		t.Errorf("LoadBEIR with a missing split = %v, want an error naming dev.tsv", err)
	}
}
