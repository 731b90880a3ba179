package eval

import (
	"fmt"
	"math"
	"testing"

	"github.com/dossier-bot/dossier/index"
	"github.com/google/go-cmp/cmp"
)

// The hand-computed case, as trec_eval -c -m ndcg_cut.10 -m recall.100,1000
// computes it (linear gain, discount log2(rank+1), ties in score broken by
// document id in reverse order, averages over every query of the qrels).
//
// q1 judges d1=1 d2=2 d3=1 d4=0. The run scores d1 2.0, x 2.0, d2 3.0,
// d4 1.5, which trec_eval orders d2, x, d1, d4 ("x" > "d1"):
//
//	DCG@10  = 2/log2(2) + 1/log2(4)              = 2.5
//	IDCG@10 = 2/log2(2) + 1/log2(3) + 1/log2(4)  = 3.1309297535714578
//	nDCG@10 = 2.5 / 3.1309297535714578           = 0.7984848580994974
//	Recall@100 = 2 of 3 relevant (d3 is missing) = 0.6667
//
// (Breaking the tie the other way, d1 before x, would give 0.8403.)
//
// q2 judges d9=1 and retrieved nothing: nDCG 0, recall 0.
//
// q3 is in the run but not judged: trec_eval -c ignores it.
//
// q4 judges r01..r11 relevant and ranks n (not judged) first, then r01..r11:
// ranks 2..10 hold r01..r09, rank 12 holds r11.
//
//	IDCG@10 = sum 1/log2(i), i = 2..11           = 4.543559338088346
//	DCG@10  = IDCG@10 - 1/log2(2)                = 3.543559338088346
//	nDCG@10 = 3.543559338088346/4.543559338088346 = 0.7799082337019199
//	Recall@100 = 11/11 = 1; Recall@10 would be 9/11.
//
// Means over q1, q2, q4: nDCG@10 = (0.7984848580994974 + 0 +
// 0.7799082337019199) / 3 = 0.5261310306004724, Recall@100 = Recall@1000 =
// (2/3 + 0 + 1) / 3 = 5/9.
func handCase() (map[string][]index.DocScore, map[string]judgements) {
	qrels := map[string]judgements{
		"q1": {"d1": 1, "d2": 2, "d3": 1, "d4": 0},
		"q2": {"d9": 1},
		"q4": {},
	}
	runs := map[string][]index.DocScore{
		"q1": {{DocID: "d1", Score: 2}, {DocID: "x", Score: 2}, {DocID: "d2", Score: 3}, {DocID: "d4", Score: 1.5}},
		"q3": {{DocID: "d1", Score: 9}},
		"q4": {{DocID: "n", Score: 12}},
	}
	for i := 1; i <= 11; i++ {
		id := fmt.Sprintf("r%02d", i)
		qrels["q4"][id] = 1
		runs["q4"] = append(runs["q4"], index.DocScore{DocID: id, Score: float64(12 - i)})
	}
	for _, r := range runs {
		trecOrder(r)
	}
	return runs, qrels
}

func TestTrecOrder(t *testing.T) {
	t.Parallel()
	runs, _ := handCase()
	var got []string
	for _, d := range runs["q1"] {
		got = append(got, d.DocID)
	}
	if want := []string{"d2", "x", "d1", "d4"}; !cmp.Equal(got, want) {
		t.Errorf("trecOrder(q1) = %v, want %v", got, want)
	}
}

func TestScoreRankingsHandCase(t *testing.T) {
	t.Parallel()
	runs, qrels := handCase()
	got := scoreRankings(runs, qrels)
	want := RankingScores{Queries: 3, NDCG10: 0.5261310306004724, Recall100: 5.0 / 9, Recall1000: 5.0 / 9}
	if !cmp.Equal(got, want, cmp.Comparer(near)) {
		t.Errorf("scoreRankings(hand case) = %+v, want %+v", got, want)
	}
}

func TestPerQueryMetrics(t *testing.T) {
	t.Parallel()
	runs, qrels := handCase()
	ids := func(q string) []string {
		var out []string
		for _, d := range runs[q] {
			out = append(out, d.DocID)
		}
		return out
	}
	tests := []struct {
		name string
		got  float64
		want float64
	}{
		{"nDCG@10 q1", ndcgAt(ids("q1"), qrels["q1"], 10), 0.7984848580994974},
		{"nDCG@10 q2", ndcgAt(ids("q2"), qrels["q2"], 10), 0},
		{"nDCG@10 q4", ndcgAt(ids("q4"), qrels["q4"], 10), 0.7799082337019199},
		{"nDCG@1 q1", ndcgAt(ids("q1"), qrels["q1"], 1), 1},
		{"Recall@100 q1", recallAt(ids("q1"), qrels["q1"], 100), 2.0 / 3},
		{"Recall@1 q1", recallAt(ids("q1"), qrels["q1"], 1), 1.0 / 3},
		{"Recall@10 q4", recallAt(ids("q4"), qrels["q4"], 10), 9.0 / 11},
		{"Recall@100 q4", recallAt(ids("q4"), qrels["q4"], 100), 1},
		{"no relevant", recallAt(ids("q1"), judgements{"d1": 0}, 10), 0},
		{"nDCG no relevant", ndcgAt(ids("q1"), judgements{"d1": 0}, 10), 0},
	}
	for _, tt := range tests {
		if !near(tt.got, tt.want) {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-12 }
