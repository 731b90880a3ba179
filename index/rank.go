package index

import (
	"slices"

	"github.com/blevesearch/bleve/v2/analysis"
)

// Weights of the re-ranking score; each feature lies in [0, 1].
const (
	weightBM25     = 0.3  // Bleve's BM25, relative to the best candidate
	weightCoverage = 0.45 // share of the question's rare words present
	weightSentence = 0.15 // the same, within the best single sentence
	weightProx     = 0.1  // matched words close together
)

// rerank scores candidates on what BM25 alone misses, whether the rare
// words of the question are all there and near each other, and sorts them
// best first.
func rerank(a analysis.Analyzer, cands []*candidate, q question) {
	var top float64
	for _, c := range cands {
		top = max(top, c.bm25)
	}
	var total float64
	for _, cn := range q.concepts {
		total += cn.weight
	}
	for _, c := range cands {
		c.toks = analyze(a, c.text)
		c.matches = matchConcepts(c.toks, q)
		heading := matchConcepts(analyze(a, c.heading), q)
		var got float64
		for i := range q.concepts {
			got += credit(c.toks, c.matches[i], q.concepts[i]) * q.concepts[i].weight
			if len(c.matches[i]) == 0 && len(heading[i]) > 0 {
				got += q.concepts[i].weight
			}
		}
		if total > 0 {
			c.coverage = got / total
		}
		c.prox = proximity(c.toks, c.matches)
		c.sentence = bestSentence(c, q, total)
		base := 0.0
		if top > 0 {
			base = c.bm25 / top
		}
		c.score = weightBM25*base + weightCoverage*c.coverage + weightSentence*c.sentence.coverage + weightProx*c.prox
	}
	slices.SortStableFunc(cands, func(x, y *candidate) int { return cmpFloat(y.score, x.score) })
}

// inexactCredit is how much a guessed spelling counts towards coverage.
const inexactCredit = 0.5

// credit is how fully matches (token indexes) show concept c: 1 for the
// word as typed or a synonym, less for a guessed spelling, 0 for none.
func credit(toks []token, matches []int, c concept) float64 {
	best := 0.0
	for _, ti := range matches {
		for _, a := range c.alts {
			if slices.Contains(a.terms, toks[ti].term) {
				if a.exact {
					return 1
				}
				best = inexactCredit
			}
		}
	}
	return best
}

// matchConcepts returns, for each concept, the indexes of the tokens where
// one of its alternatives occurs.
func matchConcepts(toks []token, q question) [][]int {
	out := make([][]int, len(q.concepts))
	for ci, c := range q.concepts {
		for _, a := range c.alts {
			for i := range toks {
				if i+len(a.terms) > len(toks) {
					break
				}
				ok := true
				for j, t := range a.terms {
					if toks[i+j].term != t {
						ok = false
						break
					}
				}
				if ok {
					for j := range a.terms {
						out[ci] = append(out[ci], i+j)
					}
				}
			}
		}
		slices.Sort(out[ci])
		out[ci] = slices.Compact(out[ci])
	}
	return out
}

// proximity is 1 when the matched concepts sit side by side and falls
// towards 0 as the smallest window holding them all widens.
func proximity(toks []token, matches [][]int) float64 {
	type hit struct{ pos, concept int }
	var hits []hit
	distinct := 0
	for ci, m := range matches {
		if len(m) > 0 {
			distinct++
		}
		for _, ti := range m {
			hits = append(hits, hit{toks[ti].pos, ci})
		}
	}
	if distinct < 2 {
		return 0
	}
	slices.SortFunc(hits, func(a, b hit) int { return a.pos - b.pos })
	count := map[int]int{}
	have, best, lo := 0, -1, 0
	for hi := range hits {
		if count[hits[hi].concept] == 0 {
			have++
		}
		count[hits[hi].concept]++
		for have == distinct {
			if span := hits[hi].pos - hits[lo].pos; best < 0 || span < best {
				best = span
			}
			count[hits[lo].concept]--
			if count[hits[lo].concept] == 0 {
				have--
			}
			lo++
		}
	}
	return float64(distinct-1) / float64(max(best, distinct-1))
}
