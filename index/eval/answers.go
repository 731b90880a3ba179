package eval

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/dossier-bot/dossier/index"
)

const (
	// DefaultK is how many passages of each answer eval looks at unless
	// told otherwise.
	DefaultK = 10
	// MinK keeps hit@3 meaningful.
	MinK = 3
)

// Options say how Answers asks and what it reports.
type Options struct {
	// K is how many passages of each answer to look at, MinK or more.
	K int
	// Curve also reports the trade-off over the decision threshold.
	Curve bool
}

// record is what eval keeps of one question's reply: enough to score
// it at the threshold in force and, with --curve, at any other.
type record struct {
	expectNone bool
	kind       index.Kind // of Ask's reply
	// foundAt is the rank of the first passage with an expected string
	// among those Ask showed, direct or related; 0 when none has one.
	foundAt int
	// excerptHit: the first direct answer's excerpt has an expected string.
	excerptHit bool
	confidence float64
	// rankedAt is foundAt over AskAll's ranked top k, which a question
	// nothing came near has too: the curve needs it at every threshold.
	// It is foundAt for any other.
	rankedAt int
}

// Answers asks every question and scores the answers; with o.Curve, it
// also ranks passages for those nothing came near, through AskAll, for
// the trade-off table.
func Answers(ctx context.Context, ix *index.Index, qs []Question, o Options) (*Report, error) {
	k, curve := o.K, o.Curve
	rep := &Report{K: k, Questions: len(qs), Misses: []Miss{}}
	recs := make([]record, 0, len(qs))
	took := make([]float64, 0, len(qs))
	for _, q := range qs {
		a, err := ix.Ask(ctx, q.Q, k)
		if err != nil {
			return nil, fmt.Errorf("ask question %s: %w", q.ID, err)
		}
		took = append(took, float64(a.Took.Nanoseconds())/1e6)
		wants := make([]string, len(q.Expect))
		for i, w := range q.Expect {
			wants[i] = normalize(w)
		}
		shown := slices.Concat(a.Results, a.Related)
		rec := record{
			expectNone: q.ExpectNone,
			kind:       a.Kind(),
			foundAt:    foundAt(shown, wants),
			excerptHit: len(a.Results) > 0 && containsAny(a.Results[0].Excerpt, wants),
			confidence: a.Confidence,
		}
		rec.rankedAt = rec.foundAt
		// AskAll differs from Ask only for a question nothing comes near,
		// which Ask gives no passages: asking only those again keeps
		// --curve nearly as fast as eval without it.
		if curve && rec.kind == index.NothingClose {
			all, err := ix.AskAll(ctx, q.Q, k)
			if err != nil {
				return nil, fmt.Errorf("ask all for question %s: %w", q.ID, err)
			}
			rec.confidence = all.Confidence
			rec.rankedAt = foundAt(slices.Concat(all.Results, all.Related), wants)
		}
		recs = append(recs, rec)
		if m, missed := miss(q, rec, shown); missed {
			rep.Misses = append(rep.Misses, m)
		}
	}
	rep.score(recs)
	rep.MedianMS = median(took)
	if curve {
		t := index.AnswerThreshold
		rep.InForce = &t
		rep.Curve = tradeoff(recs, t)
	}
	return rep, nil
}

// foundAt is the rank of the first of rs whose passage has one of the
// normalized wants, 0 when none has.
func foundAt(rs []index.Result, wants []string) int {
	for i, r := range rs {
		if containsAny(r.Passage.Text, wants) {
			return i + 1
		}
	}
	return 0
}

// miss describes q's reply when it was not a direct answer with an
// expected string first, or was an answer to an expect_none question.
func miss(q Question, rec record, shown []index.Result) (Miss, bool) {
	m := Miss{ID: q.ID, Question: q.Q, ExpectNone: q.ExpectNone, Kind: rec.kind.String(), FoundAt: rec.foundAt}
	if len(shown) > 0 {
		m.First = shown[0].Doc.Citation() + ": " + shown[0].Excerpt
	}
	if q.ExpectNone {
		m.Want = "no answer"
		return m, rec.kind == index.Answered
	}
	m.Want = "one of " + quoteAll(q.Expect)
	return m, rec.kind != index.Answered || rec.foundAt != 1
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

// median of xs, which it sorts; 0 for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	slices.Sort(xs)
	mid := len(xs) / 2
	if len(xs)%2 == 1 {
		return xs[mid]
	}
	return (xs[mid-1] + xs[mid]) / 2
}
