package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dossier-bot/dossier/index/eval"
)

// tiny is a BEIR benchmark of five documents, one of them empty, and
// five queries, four of them judged; the eval package tests its figures.
const tiny = "testdata/tiny"

func TestEvalBEIR(t *testing.T) {
	t.Parallel()
	dir := tiny
	runFile := filepath.Join(t.TempDir(), "run.txt")
	stdout, stderr := mustDossier(t, Config{}, "", "eval", "--beir", dir, "--run", runFile, "--json")
	var got eval.BEIRReport
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
	dir := tiny
	data := t.TempDir()
	for range 2 {
		stdout, _ := mustDossier(t, Config{}, "", "eval", "--beir", dir, "--data", data, "--json")
		var got eval.BEIRReport
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
	_, _, err := dossier(t, Config{}, "", "eval", "--beir", t.TempDir(), "--split", "dev")
	if err == nil || !strings.Contains(err.Error(), "dev.tsv") {
		t.Errorf("eval --beir with a missing split = %v, want an error naming dev.tsv", err)
	}
}

// near reports whether two figures are equal but for rounding.
func near(a, b float64) bool { return math.Abs(a-b) < 1e-12 }
