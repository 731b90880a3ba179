package index

import (
	"slices"
)

// Weights of the re-ranking score; each feature lies in [0, 1]. They were
// chosen on SciFact's train split; the public dev questions were a check,
// never a target (docs/RETRIEVAL.md).
const (
	weightBM25     = 0.8  // exact BM25, relative to the best candidate
	weightCoverage = 0.1  // share of the question's weight present
	weightSentence = 0.05 // the same, within the best single sentence
	weightProx     = 0.05 // matched words close together
)

// rerank scores candidates on what BM25 alone misses, whether the rare
// words of the question are all there and near each other, and sorts them
// best first.
func rerank(a *termAnalyzer, cands []*candidate, q question, st stats) {
	var total float64
	for _, cn := range q.concepts {
		total += cn.weight
	}
	depth := min(len(cands), rerankDepth)
	var top float64
	for _, c := range cands[:depth] {
		c.toks = q.vocab.ptokens(a, c.text)
		c.matches = matchConcepts(c.toks, q)
		c.headToks = q.vocab.ptokens(a, c.heading)
		c.headMatches = matchConcepts(c.headToks, q)
		title := st.titleTokens(a, q, c.doc)
		// The title counts twice: it sums up the whole document (SciFact
		// train nDCG@10, with Bleve's own tokenizer: 0.6995 once, 0.7024
		// twice, 0.7028 three times).
		c.titleMatches = matchConcepts(title, q)
		c.bm25 = exactBM25(q, [][]ptoken{c.toks, c.headToks, title, title}, st.avgLen)
		top = max(top, c.bm25)
	}
	for _, c := range cands[:depth] {
		var got float64
		for i := range q.concepts {
			got += credit(c.toks, c.matches[i], q.concepts[i]) * q.concepts[i].weight
			if len(c.matches[i]) == 0 && len(c.headMatches[i]) > 0 {
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
	slices.SortStableFunc(cands[:depth], func(x, y *candidate) int { return cmpFloat(y.score, x.score) })
	// Candidates beyond the re-ranked ones keep Bleve's order, below them.
	floor := 0.0
	if depth > 0 {
		floor = cands[depth-1].score
	}
	for i, c := range cands[depth:] {
		c.score = floor * (1 - float64(i+1)/float64(len(cands)+1))
	}
}

// BM25 parameters for re-ranking: Anserini's k1, and a length
// normalisation chosen on SciFact's train split.
const (
	bm25K1 = 0.9
	bm25B  = 0.6
)

// stats is what re-ranking needs to know of the whole index.
type stats struct {
	avgLen    float64 // mean tokens per passage
	avgDocLen float64 // mean tokens per document, for ranking documents
	title     func(doc string) string
	titles    map[string][]ptoken // analysed titles, for one question
}

// titleTokens analyses doc's title once a question.
func (st stats) titleTokens(a *termAnalyzer, q question, doc string) []ptoken {
	t, ok := st.titles[doc]
	if !ok {
		t = q.vocab.ptokens(a, st.title(doc))
		st.titles[doc] = t
	}
	return t
}

// exactBM25 scores one passage, its heading and title counted as part of
// it. Bleve's own BM25 estimates lengths from distinct terms; re-ranking
// the top candidates exactly is cheap and ranks better. A concept scores
// by its best alternative, so a synonym cannot add to the word it stands
// for.
func exactBM25(q question, parts [][]ptoken, avgLen float64) float64 {
	return exactBM25With(q, parts, avgLen, bm25K1, bm25B)
}

func exactBM25With(q question, parts [][]ptoken, avgLen, k1, b float64) float64 {
	length := 0
	tf := make([]int, q.nalts)
	for _, p := range parts {
		length += len(p)
		for i, t := range p {
			for _, r := range q.startsAt(t.term) {
				if ids := q.concepts[r.concept].alts[r.alt].ids; len(ids) == 1 || seqAt(p, i, ids) {
					tf[r.n]++
				}
			}
		}
	}
	norm := k1 * (1 - b + b*float64(length)/max(avgLen, 1))
	var s float64
	n := 0
	for _, c := range q.concepts {
		best := 0.0
		for _, a := range c.alts {
			if f := float64(tf[n]); f > 0 {
				best = max(best, a.weight*f*(k1+1)/(f+norm))
			}
			n++
		}
		s += best
	}
	return s
}

func seqAt(toks []ptoken, i int, ids []int32) bool {
	if i+len(ids) > len(toks) {
		return false
	}
	for j, t := range ids {
		if toks[i+j].term != t {
			return false
		}
	}
	return true
}

// credit is how fully matches (token indexes) show concept c: 1 for the
// word as typed or a synonym, less for a guessed spelling, 0 for none.
func credit(toks []ptoken, matches []int, c concept) float64 {
	best := 0.0
	for _, ti := range matches {
		for _, a := range c.alts {
			if slices.Contains(a.ids, toks[ti].term) {
				best = max(best, a.credit)
			}
		}
	}
	return best
}

// matchConcepts returns, for each concept, the indexes of the tokens where
// one of its alternatives occurs.
func matchConcepts(toks []ptoken, q question) [][]int {
	out := make([][]int, len(q.concepts))
	for i, t := range toks {
		for _, r := range q.startsAt(t.term) {
			ids := q.concepts[r.concept].alts[r.alt].ids
			if len(ids) == 1 {
				out[r.concept] = append(out[r.concept], i)
			} else if seqAt(toks, i, ids) {
				for j := range ids {
					out[r.concept] = append(out[r.concept], i+j)
				}
			}
		}
	}
	for ci := range out {
		slices.Sort(out[ci])
		out[ci] = slices.Compact(out[ci])
	}
	return out
}

// proximity is 1 when the matched concepts sit side by side and falls
// towards 0 as the smallest window holding them all widens.
func proximity(toks []ptoken, matches [][]int) float64 {
	// Called for every sentence of every candidate: most hold fewer than
	// two concepts, and are answered before anything is allocated.
	distinct, n := 0, 0
	for _, m := range matches {
		if len(m) > 0 {
			distinct++
			n += len(m)
		}
	}
	if distinct < 2 {
		return 0
	}
	type hit struct{ pos, concept int }
	hits := make([]hit, 0, n)
	for ci, m := range matches {
		for _, ti := range m {
			hits = append(hits, hit{int(toks[ti].pos), ci})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int { return a.pos - b.pos })
	count := make([]int, len(matches))
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
