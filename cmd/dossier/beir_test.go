package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
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

	// What a run file holds is eval's to test: here, that --run writes one.
	raw, err := os.ReadFile(runFile)
	if err != nil || !strings.HasPrefix(string(raw), "1 Q0 10 1 ") {
		t.Errorf("eval --beir --run wrote %q (%v), want a run file ranking document 10 first for query 1", raw, err)
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
