package index

import (
	"slices"

	index "github.com/blevesearch/bleve_index_api"

	"github.com/dossier-bot/dossier/corpus"
)

// Document ranking blends a document's best passage with BM25 over the
// whole document: a passage split from an abstract misses the words its
// neighbours hold, and a benchmark judges the document, not the passage.
// Chosen on SciFact's train split (docs/RETRIEVAL.md).
const (
	docWeight = 0.4 // share of whole-document BM25 in a document's score
	docDepth  = 50  // documents re-scored; the rest keep their order
	// Robertson's usual BM25 parameters: whole documents vary in length
	// more than passages do, so they are normalised more strongly.
	docK1 = 1.2
	docB  = 0.75
)

// docHit is a ranked document.
type docHit struct {
	doc   string
	score float64
}

// rankDocs groups re-ranked candidates by document, best passage first,
// and re-scores the first docDepth documents with whole-document BM25,
// reading their other passages from r.
func (ix *Index) rankDocs(r index.IndexReader, cands []*candidate, q question, st stats) ([]docHit, error) {
	var docs []docHit
	seen := map[string]bool{}
	byID := map[string]*candidate{}
	for _, c := range cands {
		if c.loaded() && c.toks != nil {
			byID[c.id] = c
		}
		if !seen[c.doc] {
			seen[c.doc] = true
			docs = append(docs, docHit{doc: c.doc, score: c.score})
		}
	}
	depth := min(len(docs), docDepth)
	if depth == 0 {
		return docs, nil
	}
	bm := make([]float64, depth)
	var top float64
	for i, d := range docs[:depth] {
		parts, err := ix.docTokens(r, d.doc, q, byID)
		if err != nil {
			return nil, err
		}
		title := st.titleTokens(ix.analyzer, q, d.doc)
		parts = append(parts, title, title)
		bm[i] = exactBM25With(q, parts, st.avgDocLen, docK1, docB)
		top = max(top, bm[i])
	}
	if top == 0 {
		return docs, nil
	}
	for i := range docs[:depth] {
		docs[i].score = (1-docWeight)*docs[i].score + docWeight*bm[i]/top
	}
	slices.SortStableFunc(docs[:depth], func(x, y docHit) int { return cmpFloat(y.score, x.score) })
	return docs, nil
}

// docTokens returns the analysed text and heading of each of a
// document's passages, reusing those already loaded.
func (ix *Index) docTokens(r index.IndexReader, doc string, q question, loaded map[string]*candidate) ([][]ptoken, error) {
	n := ix.registry[doc].Passages
	parts := make([][]ptoken, 0, 2*n)
	for ord := range n {
		id := corpus.PassageID(doc, ord)
		c, ok := loaded[id]
		if !ok {
			c = &candidate{id: id}
			if err := ix.loadFrom(r, c); err != nil {
				return nil, err
			}
			c.toks = q.vocab.ptokens(ix.analyzer, c.text)
			c.headToks = q.vocab.ptokens(ix.analyzer, c.heading)
		}
		parts = append(parts, c.toks, c.headToks)
	}
	return parts, nil
}
