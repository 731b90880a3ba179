package index

import (
	"math"

	"github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"
)

// orHit is a passage the disjunction found: its number in the reader and
// Bleve's score.
type orHit struct {
	num   uint64
	score float64
}

// orConcept is one concept's clauses and their postings in all.
type orConcept struct {
	clauses []*orClause
	count   uint64
}

// orClause is one term of the disjunction in one field.
type orClause struct {
	term, field string
	boost       float64
	tfr         index.TermFieldReader
	idf, avgLen float64
}

// termIDF is Bleve's idf (scorer.TermQueryScorer): BM25's, or tf-idf's
// for a field without terms, whose mean length Bleve takes as 0.
func termIDF(total, df uint64, avgLen float64) float64 {
	if avgLen > 0 {
		return math.Log(1 + (float64(total)-float64(df)+0.5)/(float64(df)+0.5))
	}
	return 1 + math.Log(float64(total)/float64(df+1))
}

// score is Bleve's score for one posting (scorer.TermQueryScorer): BM25
// with the field's length recovered from its norm and the frequency's
// square root, or tf-idf where Bleve falls back to it.
func (cl *orClause) score(p *index.TermFieldDoc, queryWeight float64) float64 {
	tf := math.Sqrt(float64(p.Freq))
	var s float64
	if cl.avgLen > 0 {
		fieldLength := 1 / (p.Norm * p.Norm)
		s = cl.idf * (tf * search.BM25_k1) /
			(tf + search.BM25_k1*(1-search.BM25_b+(search.BM25_b*fieldLength/cl.avgLen)))
	} else {
		s = tf * p.Norm * cl.idf
	}
	if queryWeight != 1 {
		s *= queryWeight
	}
	return s
}

// byCount orders clauses as Bleve's OrderedSearcherList does, with the
// same sort, so that ties fall the same way.
type byCount []*orClause

func (b byCount) Len() int           { return len(b) }
func (b byCount) Less(i, j int) bool { return b[i].tfr.Count() < b[j].tfr.Count() }
func (b byCount) Swap(i, j int)      { b[i], b[j] = b[j], b[i] }

type conceptsByCount struct {
	order    []int
	concepts []orConcept
}

func (c conceptsByCount) Len() int { return len(c.order) }
func (c conceptsByCount) Less(i, j int) bool {
	return c.concepts[c.order[i]].count < c.concepts[c.order[j]].count
}
func (c conceptsByCount) Swap(i, j int) { c.order[i], c.order[j] = c.order[j], c.order[i] }
