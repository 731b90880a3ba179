package index

import (
	"errors"
	"fmt"

	"github.com/dossier-bot/dossier/corpus"
)

// ErrClosed is returned for a read of an index that has been closed.
var ErrClosed = errors.New("index is closed")

// Document returns an indexed document's metadata and how many passages
// it has, and false when no document has the id.
func (ix *Index) Document(id string) (DocInfo, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	r, ok := ix.registry[id]
	if !ok {
		return DocInfo{}, false
	}
	return DocInfo{Document: r.Doc, Passages: r.Passages}, true
}

// Passages returns the passages of a document from ordinal from up to but
// not including to, in order, as indexed: the document's text is not kept
// whole, but its passages, with their headings, are all of it that can be
// quoted. The range is clipped to the document's passages; an unknown
// document has none.
func (ix *Index) Passages(docID string, from, to int) ([]corpus.Passage, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.bi == nil {
		return nil, fmt.Errorf("read the passages of %q: %w", docID, ErrClosed)
	}
	r, ok := ix.registry[docID]
	if !ok {
		return nil, nil
	}
	from, to = max(from, 0), min(to, r.Passages)
	rd, err := ix.reader()
	if err != nil {
		return nil, fmt.Errorf("read the passages of %q: %w", docID, err)
	}
	defer rd.Close()
	var ps []corpus.Passage
	for i := from; i < to; i++ {
		c := &candidate{id: corpus.PassageID(docID, i)}
		if err := ix.loadFrom(rd, c); err != nil {
			return nil, fmt.Errorf("read the passages of %q: %w", docID, err)
		}
		ps = append(ps, corpus.Passage{
			ID: c.id, DocID: docID, Ordinal: c.ord, Heading: c.heading, Text: c.text, Start: c.start, End: c.end, Page: c.page, LastPage: c.lastPage,
		})
	}
	return ps, nil
}
