package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/dossier-bot/dossier/index/eval"
)

// decodeReport decodes eval --json output, refusing fields the report
// does not document.
func decodeReport(tb testing.TB, stdout string) eval.Report {
	tb.Helper()
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	var rep eval.Report
	if err := dec.Decode(&rep); err != nil {
		tb.Fatalf("eval --json: %v\n%s", err, stdout)
	}
	return rep
}

// TestEvalQuestionFile checks that eval prints, as JSON and as text, the
// report eval.Answers makes on the same questions and corpus, which the
// eval package checks figure by figure.
func TestEvalQuestionFile(t *testing.T) {
	t.Parallel()
	const file = "testdata/eval.jsonl"
	qs, err := eval.ReadQuestions(file)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Corpus: "testdata/corpus"}
	for _, curve := range []bool{false, true} {
		args := []string{"eval", "--json", file}
		if curve {
			args = []string{"eval", "--json", "--curve", file}
		}
		stdout, _ := mustDossier(t, cfg, "", args...)
		got := decodeReport(t, stdout)
		want, err := eval.Answers(context.Background(), testIndex(t, "testdata/corpus"), qs, eval.Options{K: eval.DefaultK, Curve: curve})
		if err != nil {
			t.Fatalf("Answers(%s) = %v", file, err)
		}
		want.File, want.Corpus = "eval.jsonl", "testdata/corpus"
		if got.MedianMS <= 0 {
			t.Errorf("dossier %q: median_took_ms = %v, want > 0", args, got.MedianMS)
		}
		opts := cmp.Options{cmpopts.IgnoreFields(eval.Report{}, "MedianMS"), cmpopts.EquateEmpty()}
		if diff := cmp.Diff(*want, got, opts); diff != "" {
			t.Errorf("dossier %q (-Answers +printed):\n%s", args, diff)
		}
	}

	stdout, _ := mustDossier(t, cfg, "", "eval", file)
	for _, line := range []string{
		"questions from eval.jsonl, answered from testdata/corpus, top 10:",
		"hit@1  ",
		"Misses (",
		"  p4  What color is the lantern room?\n      reply: ",
	} {
		if !strings.Contains(stdout, line) {
			t.Errorf("eval %s output lacks %q:\n%s", file, line, stdout)
		}
	}
}

// TestEvalMalformedFile checks that eval stops at a malformed question
// file, naming the line; eval.ReadQuestions is tested on every mistake.
func TestEvalMalformedFile(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "bad.jsonl")
	if err := os.WriteFile(file, []byte(`{"id":"a","q":"x"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := dossier(t, Config{Corpus: "testdata/corpus"}, "", "eval", file)
	if code, msg := exitStatus(err); code != 1 || !strings.Contains(msg, `bad.jsonl:1: needs "expect" strings`) {
		t.Errorf("eval of a malformed file exits %d with %q, want 1 and the line's mistake", code, msg)
	}
}

// TestEvalGates runs eval as CI does, on questions whose figures no
// threshold can change: p4's expected string is in no passage, and no word
// of n1 is in the corpus.
func TestEvalGates(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "gates.jsonl")
	content := `{"id":"p4","q":"What color is the lantern room?","expect":["bright purple"]}` + "\n" +
		`{"id":"n1","q":"How do I bake sourdough bread?","expect_none":true}` + "\n"
	if err := os.WriteFile(file, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string // "" for success
	}{
		{"no gates", nil, ""},
		{"held", []string{"--min-declined", "1"}, ""},
		{
			"failed", []string{"--min-hit1", "0.5", "--min-any-hit3", "0.25", "--min-declined", "1"},
			"eval gates.jsonl: 2 figures are below their minimum: hit@1 is 0.0000, its minimum 0.5 (--min-hit1); any-kind hit@3 is 0.0000, its minimum 0.25 (--min-any-hit3)",
		},
		{"failed json", []string{"--json", "--curve", "--min-hit3", "0.5"}, "hit@3 is 0.0000, its minimum 0.5 (--min-hit3)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			stdout, _, err := dossier(t, Config{Corpus: "testdata/corpus"}, "", append(append([]string{"eval"}, tt.args...), file)...)
			code, msg := exitStatus(err)
			switch {
			case tt.want == "" && code != 0:
				t.Errorf("eval %q exits %d with %q, want 0", tt.args, code, msg)
			case tt.want != "" && (code != 1 || !strings.Contains(msg, tt.want)):
				t.Errorf("eval %q exits %d with %q, want 1 and %q", tt.args, code, msg, tt.want)
			}
			// The report comes first, failed or not.
			if slices.Contains(tt.args, "--json") {
				decodeReport(t, stdout)
			} else if !strings.Contains(stdout, "hit@1 ") {
				t.Errorf("eval %q printed no report:\n%s", tt.args, stdout)
			}
		})
	}
}

func TestEvalUsageErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--min-hit3", "1.5", "q.jsonl"}, "--min-hit3 1.5 is out of range: use 0 to 1"},
		{[]string{"--min-declined", "-0.1", "q.jsonl"}, "--min-declined -0.1 is out of range"},
		{[]string{"--min-mrr", "NaN", "q.jsonl"}, "--min-mrr NaN is out of range"},
		{[]string{"--min-any-hit3", "most", "q.jsonl"}, "invalid value"},
		{[]string{"--curve", "--beir", "dir"}, "--curve and the --min flags go with a question file"},
		{[]string{"--min-hit1", "0.5", "--beir", "dir"}, "--curve and the --min flags go with a question file"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			_, _, err := dossier(t, Config{}, "", append([]string{"eval"}, tt.args...)...)
			if code, msg := exitStatus(err); code != 2 || !strings.Contains(msg, tt.want) {
				t.Errorf("eval %q exits %d with %q, want 2 and %q", tt.args, code, msg, tt.want)
			}
		})
	}
}
