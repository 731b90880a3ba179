package index

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// TestDevSet checks the public question set when the checkout sits beside
// it (it is not part of the repository).
func TestDevSet(t *testing.T) {
	f, err := os.Open("../../shared/eval/dev.jsonl")
	if err != nil {
		t.Skip("no ../../shared/eval/dev.jsonl")
	}
	defer f.Close()
	ix := builtinIndex(t)
	var questions, hits, negatives, rejected int
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
		if os.Getenv("DEBUG_DEV") != "" {
			cands, q, _ := ix.candidates(context.Background(), cleanQuestion(c.Q), 50, false)
			rerank(ix.analyzer, cands, q, ix.stats())
			t.Logf("%s %q kind=%d", c.ID, c.Q, q.kind)
			for _, cn := range q.concepts {
				t.Logf("   concept %q w=%.2f alts=%v", cn.surface, cn.weight, cn.alts)
			}
			for i, cd := range cands[:min(3, len(cands))] {
				t.Logf("   #%d %s cov=%.2f sent=%.2f prox=%.2f bm25=%.2f score=%.3f", i, cd.id, cd.coverage, cd.sentence.coverage, cd.prox, cd.bm25, cd.score)
			}
		}
		if c.ExpectNone {
			negatives++
			if ans.Answered {
				t.Errorf("%s: Ask(%q) answered with %q, want no answer", c.ID, c.Q, ans.Results[0].Excerpt)
			} else {
				rejected++
			}
			continue
		}
		questions++
		switch {
		case !ans.Answered:
			t.Errorf("%s: Ask(%q) not answered, want %q", c.ID, c.Q, c.Expect)
		case !containsAny(ans.Results[0].Passage.Text, c.Expect):
			t.Errorf("%s: Ask(%q) first passage %s, want one holding %q", c.ID, c.Q, ans.Results[0].Passage.ID, c.Expect)
		case !containsAny(ans.Results[0].Excerpt, c.Expect):
			t.Errorf("%s: Ask(%q) excerpt = %q, want one of %q", c.ID, c.Q, ans.Results[0].Excerpt, c.Expect)
		default:
			hits++
		}
	}
	if hits != questions || rejected != negatives {
		t.Errorf("dev set: hit@1 %d/%d, negatives rejected %d/%d; want all", hits, questions, rejected, negatives)
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
