package index

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/numeric"
	index "github.com/blevesearch/bleve_index_api"
)

// rankOR runs the disjunction Rank asks of Bleve (buildQuery) straight
// over the postings, scoring each passage exactly as Bleve's searchers
// would (BM25 over Bleve's field-length estimate, each term weighted by
// its boost, idf and the query norm, each disjunction scaled by the share
// of its clauses matched) and returns the best size passages, ties in
// index order, as Bleve's collector does. Bleve walks the same postings
// through a searcher per clause, a heap of document matches and an
// allocation per hit; summing term by term into arrays is several times
// faster (issue 16). The passages re-ranking loads carry their ids, the
// rest only their documents'. ok is false when the search is not
// exhaustive, or for a question with a phrase among its alternatives,
// which is left to Bleve's phrase searcher.
func (ix *Index) rankOR(ctx context.Context, r index.IndexReader, q question, size int, exhaustive bool) (hits []*candidate, ok bool, err error) {
	if !exhaustive {
		return nil, false, nil
	}
	var concepts []orConcept
	for _, c := range q.concepts {
		var oc orConcept
		for _, a := range c.alts {
			if a.from == fromLexicon {
				continue
			}
			if len(a.terms) != 1 {
				return nil, false, nil
			}
			for _, f := range passageFields() {
				oc.clauses = append(oc.clauses, &orClause{term: a.terms[0], field: f.name, boost: a.credit * f.boost})
			}
		}
		concepts = append(concepts, oc)
	}
	defer func() {
		for _, oc := range concepts {
			for _, cl := range oc.clauses {
				if cl.tfr != nil {
					cl.tfr.Close()
				}
			}
		}
	}()
	total, err := r.DocCount()
	if err != nil {
		return nil, false, err
	}
	if total == 0 || len(concepts) == 0 {
		return nil, true, nil
	}
	avgLen := map[string]float64{}
	for _, f := range []string{fieldText, fieldHeading} {
		card := 0
		if br, ok := r.(index.BM25Reader); ok {
			if card, err = br.FieldCardinality(f); err != nil {
				return nil, false, err
			}
		}
		avgLen[f] = math.Ceil(float64(card) / float64(total))
	}
	for i := range concepts {
		oc := &concepts[i]
		for _, cl := range oc.clauses {
			cl.tfr, err = r.TermFieldReader(ctx, []byte(cl.term), cl.field, true, true, false)
			if err != nil {
				return nil, false, fmt.Errorf("read postings of %q: %w", cl.term, err)
			}
			cl.avgLen = avgLen[cl.field]
			cl.idf = termIDF(total, cl.tfr.Count(), cl.avgLen)
			oc.count += cl.tfr.Count()
		}
		// Bleve's disjunction visits its clauses, and sums their scores,
		// rarest first.
		sort.Sort(byCount(oc.clauses))
	}
	order := make([]int, len(concepts))
	for i := range order {
		order[i] = i
	}
	sort.Sort(conceptsByCount{order, concepts})
	// The query norm, summed in Bleve's order so that scores round alike.
	var sumSquares float64
	for _, ci := range order {
		var cw float64
		for _, cl := range concepts[ci].clauses {
			w := cl.boost * cl.idf
			cw += w * w
		}
		sumSquares += cw
	}
	qnorm := 1 / math.Sqrt(sumSquares)

	s, _ := ix.orScratch.Get().(*orScratch)
	if s == nil {
		s = &orScratch{}
	}
	defer ix.orScratch.Put(s)
	s.touched = s.touched[:0]
	var tfd index.TermFieldDoc
	for _, ci := range order {
		oc := concepts[ci]
		s.inConcept = s.inConcept[:0]
		for _, cl := range oc.clauses {
			if err := ctx.Err(); err != nil {
				return nil, false, err
			}
			queryWeight := cl.boost * cl.idf * qnorm
			for {
				p, err := cl.tfr.Next(&tfd)
				if err != nil {
					return nil, false, fmt.Errorf("read postings of %q: %w", cl.term, err)
				}
				if p == nil {
					break
				}
				n := int(p.ID.Value())
				s.grow(n)
				if s.conceptHits[n] == 0 {
					s.inConcept = append(s.inConcept, n)
				}
				s.conceptHits[n]++
				s.concept[n] += cl.score(p, queryWeight)
			}
		}
		coordN := float64(len(oc.clauses))
		for _, n := range s.inConcept {
			if s.hits[n] == 0 {
				s.touched = append(s.touched, n)
			}
			s.hits[n]++
			s.sum[n] += s.concept[n] * (float64(s.conceptHits[n]) / coordN)
			s.concept[n], s.conceptHits[n] = 0, 0
		}
	}
	all := make([]orHit, 0, len(s.touched))
	coordN := float64(len(concepts))
	for _, n := range s.touched {
		all = append(all, orHit{num: uint64(n), score: s.sum[n] * (float64(s.hits[n]) / coordN)})
		s.sum[n], s.hits[n] = 0, 0
	}
	better := func(a, b orHit) int {
		if c := cmpFloat(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(a.num, b.num)
	}
	all = bestOf(all, size, better)
	slices.SortFunc(all, better)
	cands := make([]candidate, len(all))
	hits = make([]*candidate, len(all))
	for i, h := range all {
		cands[i].bm25 = h.score
		hits[i] = &cands[i]
	}
	if err := ix.identify(r, all, hits); err != nil {
		return nil, false, err
	}
	return hits, true, nil
}

// identify gives the first rerankDepth hits their passage ids and the rest
// their documents: a passage's id is read from its stored fields, a whole
// chunk of them decompressed for each, while the document field's doc
// values are read a chunk at a time in passage order.
func (ix *Index) identify(r index.IndexReader, all []orHit, hits []*candidate) error {
	var buf index.IndexInternalID
	for i := range all[:min(len(all), rerankDepth)] {
		if ok, err := loadAt(r, all[i].num, hits[i]); ok || err != nil {
			if err != nil {
				return err
			}
			continue
		}
		buf = index.NewIndexInternalID(buf, all[i].num)
		id, err := r.ExternalID(buf)
		if err != nil {
			return fmt.Errorf("read passage id: %w", err)
		}
		hits[i].id = id
	}
	if len(all) <= rerankDepth {
		return nil
	}
	rest := make([]int, 0, len(all)-rerankDepth)
	for i := rerankDepth; i < len(all); i++ {
		rest = append(rest, i)
	}
	slices.SortFunc(rest, func(a, b int) int { return cmp.Compare(all[a].num, all[b].num) })
	docOf, kept, err := ix.passageDocs.of(r)
	if err != nil {
		return fmt.Errorf("read passages' documents: %w", err)
	}
	var dvr index.DocValueReader
	if !kept {
		if dvr, err = r.DocValueReader([]string{fieldDoc}); err != nil {
			return fmt.Errorf("read passages' documents: %w", err)
		}
	}
	for _, i := range rest {
		buf = index.NewIndexInternalID(buf, all[i].num)
		c := hits[i]
		if kept {
			c.doc = docOf(all[i].num)
		} else if err := dvr.VisitDocValues(buf, func(_ string, term []byte) { c.doc = string(term) }); err != nil {
			return fmt.Errorf("read passages' documents: %w", err)
		}
		if c.doc == "" {
			// An index built before the field had doc values.
			id, err := r.ExternalID(buf)
			if err != nil {
				return fmt.Errorf("read passage id: %w", err)
			}
			c.doc, _, _ = strings.Cut(id, "#")
		}
	}
	return nil
}

// loadAt reads the id and stored fields of passage number num of r into
// c, in one visit of its stored fields, where reading its id and then the
// passage by id looks the id up again and copies every field. It reports
// false, having read nothing, when r is not a scorch snapshot.
func loadAt(r index.IndexReader, num uint64, c *candidate) (bool, error) {
	is, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return false, nil
	}
	segs := is.Segments()
	i, local, ok := locate(segs, num)
	if !ok {
		return true, fmt.Errorf("load passage number %d: out of range", num)
	}
	seg := segs[i]
	var ferr error
	c.detail = &detail{}
	err := seg.VisitDocument(local, func(name string, typ byte, value []byte, _ []uint64) bool {
		if name == "_id" {
			c.id = string(value)
			return true
		}
		ferr = cmp.Or(ferr, c.set(name, value, func() (int, error) {
			if typ != 'n' {
				return 0, fmt.Errorf("not a number (type %q)", typ)
			}
			i, err := numeric.PrefixCoded(value).Int64()
			return int(numeric.Int64ToFloat64(i)), err
		}))
		return true
	})
	if err = cmp.Or(err, ferr); err != nil {
		return true, fmt.Errorf("load passage number %d: %w", num, err)
	}
	return true, nil
}

// orScratch holds rankOR's per-passage sums between questions, so that a
// question allocates nothing per posting; each is left zeroed.
type orScratch struct {
	sum, concept      []float64
	hits, conceptHits []uint32
	touched           []int
	inConcept         []int
}

func (s *orScratch) grow(n int) {
	if n < len(s.sum) {
		return
	}
	size := max(n+1, 2*len(s.sum), 1024)
	s.sum = slices.Grow(s.sum, size-len(s.sum))[:size]
	s.concept = slices.Grow(s.concept, size-len(s.concept))[:size]
	s.hits = slices.Grow(s.hits, size-len(s.hits))[:size]
	s.conceptHits = slices.Grow(s.conceptHits, size-len(s.conceptHits))[:size]
}
