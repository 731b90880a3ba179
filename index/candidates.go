package index

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	index "github.com/blevesearch/bleve_index_api"
)

// candidate is a passage Bleve found. Ranking keeps two thousand a
// question, most of them only for their document and order, so the rest
// is apart, in the detail of the passages loaded and re-ranked.
type candidate struct {
	id, doc     string
	bm25, score float64
	*detail     // nil until the passage's stored fields are read
}

// detail is a loaded candidate's stored fields and what re-ranking learns
// of it.
type detail struct {
	heading, text         string
	ord, start, end, page int
	lastPage              int
	toks, headToks        []ptoken
	matches               [][]int // per concept: indexes into toks
	headMatches           [][]int // the same for the heading's tokens
	titleMatches          [][]int // and for its document's title
	coverage, prox        float64
	sentence              sentenceChoice
}

// loaded reports whether c's stored fields have been read.
func (c *candidate) loaded() bool { return c.detail != nil }

// rerankDepth bounds how many candidates are loaded and re-ranked; the
// rest keep Bleve's order below them.
const rerankDepth = 100

// candidates runs the question through Bleve and loads the stored text of
// the best rerankDepth hits from r; further hits (up to size) carry ids
// only.
func (ix *Index) candidates(ctx context.Context, r index.IndexReader, text string, size int, exhaustive bool) ([]*candidate, question, error) {
	total, err := r.DocCount()
	if err != nil {
		return nil, question{}, fmt.Errorf("search: %w", err)
	}
	d := newReaderDict(r, fieldText)
	q := parseQuestion(ix.analyzer, ix.synonyms, ix.lexicon, d, int(total), text)
	if p, ok := ix.toks.Get().(*[]ptoken); ok {
		q.vocab.toks = (*p)[:0]
	}
	if *d.err != nil {
		return nil, q, fmt.Errorf("search %q: %w", text, *d.err)
	}
	if len(q.concepts) == 0 {
		return nil, q, nil
	}
	cands, ok, err := ix.rankOR(ctx, r, q, size, exhaustive)
	if err != nil {
		return nil, q, fmt.Errorf("search %q: %w", text, err)
	}
	if !ok {
		hits, err := ix.search(ctx, q, size, exhaustive)
		if err != nil {
			return nil, q, fmt.Errorf("search %q: %w", text, err)
		}
		cands = make([]*candidate, 0, len(hits))
		for _, h := range hits {
			c := &candidate{id: h.ID, bm25: h.Score}
			c.doc, _, _ = strings.Cut(h.ID, "#")
			cands = append(cands, c)
		}
	}
	for _, c := range cands[:min(len(cands), rerankDepth)] {
		if c.loaded() {
			continue
		}
		if err := ix.loadFrom(r, c); err != nil {
			return nil, q, err
		}
	}
	return cands, q, nil
}

// reader opens a reader of the index as it is now, for reading several
// passages from one snapshot: Bleve's own look-up by id opens one for
// each.
func (ix *Index) reader() (index.IndexReader, error) {
	if ix.bi == nil {
		return nil, ErrClosed
	}
	adv, err := ix.bi.Advanced()
	if err != nil {
		return nil, err
	}
	return adv.Reader()
}

// release keeps q's tokens for the next question; nothing may hold them
// after: re-ranking's candidates and their tokens end with the question.
// (4% of Rank's time and a fifth of what it allocates, SciFact.) An
// outsize buffer is let go rather than kept.
func (ix *Index) release(q question) {
	if q.vocab == nil || cap(q.vocab.toks) == 0 || cap(q.vocab.toks) > maxKeptTokens {
		return
	}
	toks := q.vocab.toks
	ix.toks.Put(&toks)
}

// maxKeptTokens bounds the token buffer kept between questions (16 MiB).
const maxKeptTokens = 1 << 20

// loadFrom is load reading from r, which spares looking up and copying
// every field of a Bleve document (re-scoring whole documents loads the
// passages of fifty a question).
func (ix *Index) loadFrom(r index.IndexReader, c *candidate) error {
	iid, err := r.InternalID(c.id)
	if err != nil {
		return fmt.Errorf("load passage %q: %w", c.id, err)
	}
	if iid == nil {
		return fmt.Errorf("load passage %q: not found", c.id)
	}
	if ok, err := loadAt(r, iid.Value(), c); ok || err != nil {
		return err
	}
	return ix.load(c)
}

// load fills in a candidate's stored fields. A numeric field that cannot
// be read is an error, not 0: offsets build the link to the quote.
func (ix *Index) load(c *candidate) error {
	d, err := ix.bi.Document(c.id)
	if err != nil {
		return fmt.Errorf("load passage %q: %w", c.id, err)
	}
	if d == nil {
		return fmt.Errorf("load passage %q: not found", c.id)
	}
	var ferr error
	c.detail = &detail{}
	d.VisitFields(func(f index.Field) {
		ferr = cmp.Or(ferr, c.set(f.Name(), f.Value(), func() (int, error) { return number(f) }))
	})
	return ferr
}

// set fills in one of c's stored fields from its value, or, for a number,
// num.
func (c *candidate) set(name string, value []byte, num func() (int, error)) error {
	switch name {
	case fieldText:
		c.text = string(value)
	case fieldHeading:
		c.heading = string(value)
	case fieldDoc:
		c.doc = string(value)
	case fieldOrd, fieldStart, fieldEnd, fieldPage, fieldLast:
		n, err := num()
		if err != nil {
			return fmt.Errorf("load passage %q: field %q: %w", c.id, name, err)
		}
		switch name {
		case fieldOrd:
			c.ord = n
		case fieldStart:
			c.start = n
		case fieldEnd:
			c.end = n
		case fieldPage:
			c.page = n
		case fieldLast:
			c.lastPage = n
		}
	}
	return nil
}

// number reads a stored numeric field as an int.
func number(f index.Field) (int, error) {
	nf, ok := f.(index.NumericField)
	if !ok {
		return 0, fmt.Errorf("not a number (%T)", f)
	}
	n, err := nf.Number()
	if err != nil {
		return 0, err
	}
	return int(n), nil
}
