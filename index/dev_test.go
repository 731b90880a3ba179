package index

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
)

// TestDevSet is a smoke test on the twenty public questions, when the
// checkout sits beside them (they are not part of the repository). It
// gates with a margin rather than at every question: twenty questions are
// too few to hold at 100% without fitting to them, and the decision rule
// is judged on the large public benchmark (.ci/run's dossier eval).
func TestDevSet(t *testing.T) {
	f, err := os.Open("../../shared/eval/dev.jsonl")
	if err != nil {
		t.Skip("no ../../shared/eval/dev.jsonl")
	}
	defer f.Close()
	ix := builtinIndex(t)
	var questions, direct, anyKind, negatives, declined int
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var c struct {
			ID         string   `json:"id"`
			Q          string   `json:"q"`
			Expect     []string `json:"expect"`
			ExpectNone bool     `json:"expect_none"`
		}
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatal(err)
		}
		ans, err := ix.Ask(context.Background(), c.Q, 3)
		if err != nil {
			t.Fatalf("Ask(%q) = %v", c.Q, err)
		}
		if c.ExpectNone {
			negatives++
			if ans.Answered {
				t.Logf("%s: Ask(%q) answered with %q, want no direct answer", c.ID, c.Q, ans.Results[0].Excerpt)
			} else {
				declined++
			}
			continue
		}
		questions++
		shown := ans.Results
		if !ans.Answered {
			shown = ans.Related
		}
		found := slices.ContainsFunc(shown, func(r Result) bool { return containsAny(r.Passage.Text, c.Expect) })
		switch {
		case found && ans.Answered:
			direct++
			anyKind++
		case found:
			anyKind++
			t.Logf("%s: Ask(%q) found %q only among the closest passages (confidence %.2f)", c.ID, c.Q, c.Expect, ans.Confidence)
		default:
			t.Logf("%s: Ask(%q) = %s reply without %q in its first three", c.ID, c.Q, ans.Kind(), c.Expect)
		}
	}
	t.Logf("dev set: direct hit@3 %d/%d, any-kind hit@3 %d/%d, declined %d/%d", direct, questions, anyKind, questions, declined, negatives)
	if anyKind < questions-2 || direct < questions*3/4 || declined < negatives-1 {
		t.Errorf("dev set: direct hit@3 %d/%d, any-kind %d/%d, declined %d/%d; want any-kind within 2, direct at least 3/4, declined within 1",
			direct, questions, anyKind, questions, declined, negatives)
	}
}

func containsAny(s string, want []string) bool {
	fold := strings.NewReplacer("’", "'", "‘", "'", "“", `"`, "”", `"`)
	s = strings.ToLower(fold.Replace(s))
	for _, w := range want {
		if strings.Contains(s, strings.ToLower(fold.Replace(w))) {
			return true
		}
	}
	return false
}
