package index

import (
	"context"
	"slices"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// orPostings bounds the postings the disjunction of a question's rarer
// concepts may walk, and orHits the passages it adds: its best few are
// what the conjunctions miss, and each costs re-ranking.
const (
	orPostings = 5000
	orHits     = 20
)

// maxFallbackConcepts bounds how many of the rarest concepts are tried
// alone when the conjunctions find too few passages.
const maxFallbackConcepts = 5

// search finds up to size passages for q. An exhaustive search ORs every
// concept, as ranking benchmarks expect. Otherwise passages holding all
// the question's concepts are sought first, then, while too few are found,
// those holding all but the most common ones, and last those holding one
// of the next rarest few: a conjunction walks the postings of its rarest term,
// so a question of common words does not score a hundred thousand
// passages.
func (ix *Index) search(ctx context.Context, q question, size int, exhaustive bool) ([]*search.DocumentMatch, error) {
	if exhaustive {
		res, err := ix.bi.SearchInContext(ctx, bleve.NewSearchRequestOptions(buildQuery(q), size, 0, false))
		if err != nil {
			return nil, err
		}
		return res.Hits, nil
	}
	// Concepts the index holds as written (or as a synonym), rarest
	// first; a concept seen only through a guessed spelling is never
	// required.
	var order []int
	for i, c := range q.concepts {
		if c.held {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmpFloat(q.concepts[b].weight, q.concepts[a].weight) })
	enough := max(10, size/5)
	var hits []*search.DocumentMatch
	seen := map[string]bool{}
	collect := func(qq query.Query, n int) error {
		res, err := ix.bi.SearchInContext(ctx, bleve.NewSearchRequestOptions(qq, n, 0, false))
		if err != nil {
			return err
		}
		for _, h := range res.Hits {
			if !seen[h.ID] {
				seen[h.ID] = true
				hits = append(hits, h)
			}
		}
		return nil
	}
	// pass requires the concepts order[from:to] and lets the rest add to
	// the score. The lexicon's paraphrases are left to the disjunction
	// below: a concept widened by them is a long list of passages to walk,
	// and requiring it fills the passes with loose matches before the
	// passage lacking one word is found.
	pass := func(from, to int) error {
		bq := bleve.NewBooleanQuery()
		for i, c := range q.concepts {
			if k := slices.Index(order, i); k >= from && k < to {
				bq.AddMust(conceptQuery(c))
			} else {
				bq.AddShould(conceptQuery(c))
			}
		}
		return collect(bq, size)
	}
	for need := len(order); need >= 1 && len(hits) < enough; need-- {
		if err := pass(0, need); err != nil {
			return nil, err
		}
	}
	// A rare word that the answer lacks was required all along: require
	// each of the next rarest alone instead.
	// A concept in a good share of the passages narrows nothing and costs
	// a walk through all of them.
	for k := 1; k < min(len(order), maxFallbackConcepts) && len(hits) < enough; k++ {
		if q.concepts[order[k]].postings() > orPostings {
			break
		}
		if err := pass(k, k+1); err != nil {
			return nil, err
		}
	}
	// The passage that answers may hold only a few of the question's
	// words, and not the rarest together, or say them another way: any
	// passage holding one of the rarer concepts, or a paraphrase of one,
	// is a candidate too, up to a budget of postings so a question of
	// common words stays cheap on a large index.
	if rare := rareQuery(q); rare != nil {
		if err := collect(rare, min(size, orHits)); err != nil {
			return nil, err
		}
	}
	if len(order) == 0 {
		// Only guessed spellings: any passage holding one.
		if err := collect(buildQuery(q), size); err != nil {
			return nil, err
		}
	}
	return hits, nil
}

// rareQuery ORs the rarest of q's concepts and their paraphrases whose
// passages fit in orPostings, nil when fewer than two concepts do.
func rareQuery(q question) query.Query {
	idx := make([]int, len(q.concepts))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmpFloat(q.concepts[b].weight, q.concepts[a].weight) })
	budget := orPostings
	var concepts []query.Query
	for _, i := range idx {
		var alts []query.Query
		for _, a := range q.concepts[i].alts {
			if a.from == fromGuess || a.df == 0 || a.df > budget {
				continue
			}
			budget -= a.df
			for _, f := range passageFields() {
				alts = append(alts, altQuery(a, f.name, a.credit*f.boost))
			}
		}
		if len(alts) > 0 {
			concepts = append(concepts, bleve.NewDisjunctionQuery(alts...))
		}
	}
	if len(concepts) < 2 {
		return nil
	}
	return bleve.NewDisjunctionQuery(concepts...)
}

// buildQuery ORs the concepts; each concept ORs its alternatives over the
// passage text, its heading and its document's title.
func buildQuery(q question) query.Query {
	var concepts []query.Query
	for _, c := range q.concepts {
		concepts = append(concepts, conceptQuery(c))
	}
	return bleve.NewDisjunctionQuery(concepts...)
}

// conceptQuery ORs a concept's alternatives over the passage text and its
// heading, leaving out the lexicon's words: they are many and mostly
// common, so they would multiply the postings walked (ranking SciFact 40%
// slower for 0.001 of train nDCG@10), and re-ranking credits them in the
// passages found. Titles are not indexed: re-ranking counts them from the
// registry, which found as many answers on SciFact's train split and
// indexes 60% faster than analysing the title again for every passage.
func conceptQuery(c concept) query.Query {
	var alts []query.Query
	for _, a := range c.alts {
		if a.from == fromLexicon {
			continue
		}
		// A synonym or guessed spelling should not outrank the word as
		// typed.
		for _, f := range passageFields() {
			alts = append(alts, altQuery(a, f.name, a.credit*f.boost))
		}
	}
	return bleve.NewDisjunctionQuery(alts...)
}

// fieldBoost is a field a concept is sought in, and what a match there
// counts for.
type fieldBoost struct {
	name  string
	boost float64
}

// passageFields are the fields every concept is sought in: conceptQuery,
// rareQuery and rankOR must weigh them alike for rankOR to score as Bleve
// does.
func passageFields() [2]fieldBoost {
	return [2]fieldBoost{{fieldText, 1}, {fieldHeading, headingBoost}}
}

func altQuery(a alternative, field string, boost float64) query.Query {
	if len(a.terms) == 1 {
		tq := bleve.NewTermQuery(a.terms[0])
		tq.SetField(field)
		tq.SetBoost(boost)
		return tq
	}
	// MatchPhrase re-analyses the phrase so removed stop words keep their
	// positions ("Islamic Republic of Iran").
	pq := bleve.NewMatchPhraseQuery(a.phrase)
	pq.SetField(field)
	pq.SetBoost(boost)
	return pq
}
