package eval

import (
	"cmp"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/dossier-bot/dossier/index"
)

// judgements are one query's relevance grades by document id; a grade of
// 1 or more is relevant, as in trec_eval's default relevance level.
type judgements map[string]int

// RankingScores are ranking metrics averaged as trec_eval -c averages them:
// over every judged query, a query without results scoring 0.
type RankingScores struct {
	Queries    int     `json:"queries"`
	NDCG10     float64 `json:"ndcg_at_10"`
	Recall100  float64 `json:"recall_at_100"`
	Recall1000 float64 `json:"recall_at_1000"`
}

// trecOrder sorts a ranking the way trec_eval reads a run: by score,
// highest first, ties broken by document id in reverse byte order. The
// ranks written in a run file play no part in trec_eval's metrics.
func trecOrder(ranked []index.DocScore) {
	slices.SortFunc(ranked, func(a, b index.DocScore) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return strings.Compare(b.DocID, a.DocID)
	})
}

// scoreRankings scores rankings, in trec order by query id, against the
// judgements of every judged query.
func scoreRankings(rankings map[string][]index.DocScore, qrels map[string]judgements) RankingScores {
	s := RankingScores{Queries: len(qrels)}
	if s.Queries == 0 {
		return s
	}
	// Sorted, so that the sums and so the averages are the same every run.
	for _, qid := range slices.Sorted(maps.Keys(qrels)) {
		rel := qrels[qid]
		ranked := make([]string, len(rankings[qid]))
		for i, d := range rankings[qid] {
			ranked[i] = d.DocID
		}
		s.NDCG10 += ndcgAt(ranked, rel, 10)
		s.Recall100 += recallAt(ranked, rel, 100)
		s.Recall1000 += recallAt(ranked, rel, 1000)
	}
	n := float64(s.Queries)
	s.NDCG10, s.Recall100, s.Recall1000 = s.NDCG10/n, s.Recall100/n, s.Recall1000/n
	return s
}

// ndcgAt is nDCG@k with linear gain (the grade itself) and discount
// log2(rank+1), normalised by the best ordering of all judged documents.
func ndcgAt(ranked []string, rel judgements, k int) float64 {
	var dcg float64
	for i, doc := range ranked[:min(k, len(ranked))] {
		if g := rel[doc]; g > 0 {
			dcg += float64(g) / math.Log2(float64(i+2))
		}
	}
	var grades []int
	for _, g := range rel {
		if g > 0 {
			grades = append(grades, g)
		}
	}
	slices.SortFunc(grades, func(a, b int) int { return b - a })
	var ideal float64
	for i, g := range grades[:min(k, len(grades))] {
		ideal += float64(g) / math.Log2(float64(i+2))
	}
	if ideal == 0 {
		return 0
	}
	return dcg / ideal
}

// recallAt is the share of relevant documents found in the top k.
func recallAt(ranked []string, rel judgements, k int) float64 {
	relevant, found := 0, 0
	for _, g := range rel {
		if g > 0 {
			relevant++
		}
	}
	if relevant == 0 {
		return 0
	}
	for _, doc := range ranked[:min(k, len(ranked))] {
		if rel[doc] > 0 {
			found++
		}
	}
	return float64(found) / float64(relevant)
}
