package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestEvalQuestionFile(t *testing.T) {
	t.Parallel()
	cfg := Config{Corpus: "testdata/corpus"}
	stdout, _ := mustDossier(t, cfg, "", "eval", "--json", "testdata/eval.jsonl")
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	var got evalReport
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("eval --json: %v\n%s", err, stdout)
	}
	if got.MedianMS <= 0 {
		t.Errorf("median_took_ms = %v, want > 0", got.MedianMS)
	}
	// p2 and p3 expect strings that differ from the text in case, spaces
	// and quote style; p4's is in no passage; n1 should go unanswered.
	want := evalReport{
		File: "eval.jsonl", Corpus: "testdata/corpus", K: 10, Questions: 5,
		Hit1:      share{3, 4, 0.75},
		Hit3:      share{3, 4, 0.75},
		Excerpt1:  share{3, 4, 0.75},
		MRR:       0.75,
		Negatives: share{1, 1, 1},
		Misses:    []evalMiss{{ID: "p4", Question: "What color is the lantern room?", Want: `one of "bright purple"`}},
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(evalReport{}, "MedianMS"), cmpopts.IgnoreFields(evalMiss{}, "First")); diff != "" {
		t.Errorf("eval --json testdata/eval.jsonl (-want +got):\n%s", diff)
	}

	stdout, _ = mustDossier(t, cfg, "", "eval", "testdata/eval.jsonl")
	for _, want := range []string{"hit@1               3/4   75.0%", "negatives rejected  1/1  100.0%", "MRR@10              0.750", "Misses (1):\n  p4  What color is the lantern room?"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("eval output lacks %q:\n%s", want, stdout)
		}
	}
}

func TestEvalMalformedFile(t *testing.T) {
	t.Parallel()
	good := `{"id":"a","q":"Who led the lighthouse restoration?","expect":["Varga"]}`
	tests := []struct {
		name, content, want string
	}{
		{"not json", good + "\n{oops\n", "bad.jsonl:2: not a question object"},
		{"unknown field", good + "\n" + `{"id":"b","q":"x","expect":["y"],"answer":"z"}`, `bad.jsonl:2: not a question object: json: unknown field "answer"`},
		{"no id", `{"q":"x","expect":["y"]}`, `bad.jsonl:1: no "id"`},
		{"no question", `{"id":"a","q":"  ","expect":["y"]}`, `bad.jsonl:1: no question in "q"`},
		{"no expectation", `{"id":"a","q":"x"}`, `bad.jsonl:1: needs "expect" strings or "expect_none": true`},
		{"both", `{"id":"a","q":"x","expect":["y"],"expect_none":true}`, "bad.jsonl:1: \"expect\" and \"expect_none\" contradict"},
		{"empty expect", `{"id":"a","q":"x","expect":[" "]}`, `bad.jsonl:1: an "expect" string is empty`},
		{"two values", `{"id":"a","q":"x","expect":["y"]} {}`, "bad.jsonl:1: more than one JSON value"},
		{"duplicate id", good + "\n\n" + good, `bad.jsonl:3: id "a" was already used on line 1`},
		{"empty", "\n\n", "bad.jsonl has no questions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			file := filepath.Join(t.TempDir(), "bad.jsonl")
			if err := os.WriteFile(file, []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			_, _, err := dossier(t, Config{Corpus: "testdata/corpus"}, "", "eval", file)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("eval of %q = %v, want an error with %q", tt.content, err, tt.want)
			}
		})
	}
	_, _, err := dossier(t, Config{}, "", "eval", filepath.Join(t.TempDir(), "missing.jsonl"))
	if err == nil || !strings.Contains(err.Error(), "missing.jsonl: no such file") {
		t.Errorf("eval of a missing file = %v, want an error naming it", err)
	}
}

func TestContainsAny(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text, want string
		ok         bool
	}{
		{"Iran’s drone exports", "iran's drone", true},
		{"the “enemy” of the UAE", `"enemy"`, true},
		{"Mohammad\n  Hossein\tBagheri said", "mohammad hossein bagheri", true},
		{"seven o'clock", "seven o’clock", true},
		{"seven o'clock", "seven oclock", false},
		{"Rex Tillerson", "rex  tillerson ", true},
		{"Tillerson", "rex tillerson", false},
	}
	for _, tt := range tests {
		if got := containsAny(tt.text, []string{normalize(tt.want)}); got != tt.ok {
			t.Errorf("containsAny(%q, %q) = %v, want %v", tt.text, tt.want, got, tt.ok)
		}
	}
}

func TestMedian(t *testing.T) {
	t.Parallel()
	tests := []struct {
		xs   []float64
		want float64
	}{
		{nil, 0},
		{[]float64{4}, 4},
		{[]float64{9, 1, 5}, 5},
		{[]float64{4, 1, 3, 2}, 2.5},
	}
	for _, tt := range tests {
		if got := median(tt.xs); got != tt.want {
			t.Errorf("median(%v) = %v, want %v", tt.xs, got, tt.want)
		}
	}
}
