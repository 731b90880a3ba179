package index

import "math"

// The decision rule: whether a passage answers the question. A logistic
// model over features that say how much of the question a passage holds
// and how it holds it; its weights were fitted on half of the public
// SQuAD-open benchmark and the public dev questions (docs/RETRIEVAL.md,
// index/calibrate_test.go). Nothing in it knows a question, an article or
// a corpus's vocabulary.

const numFeatures = 15

// decision holds the fitted weights, one per feature.
type decision [numFeatures]float64

// Thresholds on the model's confidence. answerAt was chosen on the
// fitting half's trade-off curve: the lowest threshold that declines 95%
// of its off-corpus questions, because a quote shown as an answer when it
// is not one is visible at a glance while a wrong "not answered" is not.
// nearAt shows the closest passages unless nothing comes near at all: on
// the fitting half it keeps 96% of answerable questions' answers in view
// while saying "nothing close" to a third of the off-corpus ones.
const (
	answerAt = 0.57
	nearAt   = 0.05
)

// features describes candidate c as an answer to q, every value in about
// [0, 1], c and the pool of candidates it was ranked among having been
// re-ranked.
func features(c *candidate, q question, pool []*candidate) [numFeatures]float64 {
	var f [numFeatures]float64
	f[0] = 1
	var total, absent, rarest, missing, lexOnly float64
	for i, cn := range q.concepts {
		total += cn.weight
		if !cn.matchable {
			absent += cn.weight
		}
		rarest = max(rarest, cn.weight)
		got := 0.0
		if i < len(c.matches) {
			got = credit(c.toks, c.matches[i], cn)
			if got == 0 && len(c.headMatches[i]) > 0 {
				got = 1
			}
		}
		if got == 0 {
			missing = max(missing, cn.weight)
		}
		if got > 0 && got <= lexiconCredit {
			lexOnly += cn.weight
		}
	}
	if total == 0 {
		return f
	}
	f[1] = c.coverage
	f[2] = c.sentence.coverage
	f[3] = absent / total
	f[4] = missing / rarest
	f[5] = min(c.bm25/total, 2) / 2
	f[6] = c.prox
	if q.kind != kindAny {
		if c.sentence.kind {
			f[7] = 1
		} else {
			f[8] = 1
		}
	}
	f[9] = lexOnly / total
	f[10] = 1 / float64(len(q.concepts))
	f[11] = f[1] * f[1]
	// A question about the passage's document finds its words around the
	// passage too; one about something else finds them scattered over
	// documents, the best of them no better than the rest.
	var inDoc, inTitle, elsewhere float64
	for i, cn := range q.concepts {
		if len(c.titleMatches) > i && len(c.titleMatches[i]) > 0 {
			inTitle += cn.weight
		}
		for _, o := range pool {
			if o.doc == c.doc && len(o.matches) > i && (len(o.matches[i]) > 0 || len(o.headMatches[i]) > 0 || len(o.titleMatches[i]) > 0) {
				inDoc += cn.weight
				break
			}
		}
	}
	for _, o := range pool {
		if o.doc != c.doc {
			elsewhere = max(elsewhere, o.coverage)
		}
	}
	f[12] = inDoc / total
	f[13] = inTitle / total
	f[14] = max(0, c.coverage-elsewhere)
	return f
}

// confidence is the model's estimate that a passage with features f
// answers its question.
func (d decision) confidence(f [numFeatures]float64) float64 {
	var z float64
	for i := range f {
		z += d[i] * f[i]
	}
	return 1 / (1 + math.Exp(-z))
}

// AnswerThreshold is the Confidence from which Ask answers directly.
const AnswerThreshold = answerAt

// fitted returns the weights in use: see calibrate_test.go for how to
// refit them.
func fitted() decision {
	return decision{-7.3416, 1.6298, 3.2855, -0.3487, 1.5703, 2.4333, 0.8056, 0.3871, -0.1898, -0.6117, -4.0297, 0.6640, 2.9506, 1.1834, 3.3350}
}
