package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

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

const (
	tinyCorpus = `{"_id": "10", "title": "Volcanic eruptions", "text": "Lava flows from the volcano after the eruption buried the village."}
{"_id": "20", "title": "Penguin colonies", "text": "Emperor penguins breed in large colonies on the Antarctic ice."}
{"_id": "30", "title": "Quantum optics", "text": "Entangled photons violate Bell inequalities in the laboratory."}
{"_id": "40", "title": "", "text": ""}
{"_id": "A-b", "title": "Bread \"baking\"", "text": "Sourdough bread rises slowly with wild yeast.", "metadata": {}}
`
	tinyQueries = `{"_id": "1", "text": "volcano lava eruption", "metadata": {}}
{"_id": "2", "text": "penguins breeding on Antarctic ice"}
{"_id": "3", "text": "medieval castle architecture"}
{"_id": "4", "text": "photons"}
{"_id": "5", "text": "sourdough yeast"}
`
	// Query 3's relevant document shares no word with it; query 4 is not
	// judged in this split.
	tinyQrels = "query-id\tcorpus-id\tscore\n1\t10\t1\n2\t20\t1\n3\t30\t1\n5\tA-b\t1\n"
)

func TestEvalBEIR(t *testing.T) {
	t.Parallel()
	dir := writeBEIR(t, tinyCorpus, tinyQueries, tinyQrels)
	runFile := filepath.Join(t.TempDir(), "run.txt")
	stdout, stderr := mustDossier(t, Config{}, "", "eval", "--beir", dir, "--run", runFile, "--json")
	var got beirReport
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("eval --beir --json: %v\n%s", err, stdout)
	}
	// Queries 1, 2 and 5 find their document first, query 3 cannot: every
	// metric is 3 of 4.
	if got.Benchmark != "tiny" || got.Split != "test" || got.Queries != 4 || got.Documents != 4 || got.Skipped != 1 ||
		!near(got.NDCG10, 0.75) || !near(got.Recall100, 0.75) || !near(got.Recall1000, 0.75) || got.QueriesPerSecond <= 0 {
		t.Errorf("eval --beir tiny = %+v, want 4 queries over 4 documents (1 skipped) and metrics of 0.75", got)
	}
	if !strings.Contains(stderr, `skipped 1 documents, the first being _id 40:`) {
		t.Errorf("eval --beir did not warn about the empty document:\n%s", stderr)
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

	stdout, _ = mustDossier(t, Config{}, "", "eval", "--beir", dir)
	for _, want := range []string{"tiny, test split: 4 judged queries over 4 documents", "nDCG@10      0.7500", "Recall@1000  0.7500"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("eval --beir output lacks %q:\n%s", want, stdout)
		}
	}
}

func TestEvalBEIROnDisk(t *testing.T) {
	t.Parallel()
	dir := writeBEIR(t, tinyCorpus, tinyQueries, tinyQrels)
	data := t.TempDir()
	for range 2 {
		stdout, _ := mustDossier(t, Config{}, "", "eval", "--beir", dir, "--data", data, "--json")
		var got beirReport
		if err := json.Unmarshal([]byte(stdout), &got); err != nil || !near(got.NDCG10, 0.75) {
			t.Errorf("eval --beir --data = %s (%v), want nDCG@10 0.75", stdout, err)
		}
	}
	if _, err := os.Stat(filepath.Join(data, "beir-tiny")); err != nil {
		t.Errorf("no benchmark index in DATA/beir-tiny: %v", err)
	}
	if _, err := os.Stat(filepath.Join(data, "index")); !os.IsNotExist(err) {
		t.Errorf("eval --beir touched DATA/index (stat: %v)", err)
	}
}

func TestEvalBEIRMalformed(t *testing.T) {
	t.Parallel()
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
			_, _, err := dossier(t, Config{}, "", "eval", "--beir", dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("eval --beir (%s) = %v, want an error with %q", tt.name, err, tt.want)
			}
		})
	}
	_, _, err := dossier(t, Config{}, "", "eval", "--beir", t.TempDir(), "--split", "dev")
	if err == nil || !strings.Contains(err.Error(), "dev.tsv") {
		t.Errorf("eval --beir with a missing split = %v, want an error naming dev.tsv", err)
	}
}
