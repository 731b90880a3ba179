package index

import (
	"fmt"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// passageDocs keeps, for each segment of the index, the document of every
// passage in it, read from the doc field's doc values the first time Rank
// meets the segment. Rank needs the documents of two thousand passages a
// question; a doc-value visit finds the segment and the chunk again for
// each (a tenth of Rank's time on SciFact). Segments never change, so
// neither does what is kept; a segment merged away is let go the next time
// Rank runs.
type passageDocs struct {
	mu   sync.Mutex
	segs map[segment.Segment][]string
}

// of returns, for r, a function from a passage's number to its document,
// or false when r is not a scorch snapshot.
func (p *passageDocs) of(r index.IndexReader) (func(num uint64) string, bool, error) {
	is, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil, false, nil
	}
	segs := is.Segments()
	tables := make([][]string, len(segs))
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.segs == nil {
		p.segs = map[segment.Segment][]string{}
	}
	live := make(map[segment.Segment]bool, len(segs))
	for i, s := range segs {
		key := s.Segment()
		live[key] = true
		t, ok := p.segs[key]
		if !ok {
			var err error
			if t, ok, err = segmentDocs(s); err != nil || !ok {
				return nil, false, err
			}
			p.segs[key] = t
		}
		tables[i] = t
	}
	for key := range p.segs {
		if !live[key] {
			delete(p.segs, key)
		}
	}
	return func(num uint64) string {
		if i, local, ok := locate(segs, num); ok {
			return tables[i][local]
		}
		return ""
	}, true, nil
}

// locate finds which of segs holds a snapshot's passage number num, and
// its number there. A snapshot numbers passages segment after segment,
// each segment's from its full size, deleted passages included.
func locate(segs []*scorch.SegmentSnapshot, num uint64) (i int, local uint64, ok bool) {
	for i, s := range segs {
		n := uint64(s.FullSize())
		if num < n {
			return i, num, true
		}
		num -= n
	}
	return 0, 0, false
}

// segmentDocs reads the document of each passage of s, deleted ones
// included (as ""), or reports false for a segment without doc values.
func segmentDocs(s *scorch.SegmentSnapshot) ([]string, bool, error) {
	dv, ok := s.Segment().(segment.DocValueVisitable)
	if !ok {
		return nil, false, nil
	}
	out := make([]string, s.FullSize())
	var state segment.DocVisitState
	var err error
	fields := []string{fieldDoc}
	for n := range out {
		state, err = dv.VisitDocValues(uint64(n), fields, func(_ string, term []byte) {
			// A document's passages sit side by side: share its name.
			if n > 0 && out[n-1] == string(term) {
				out[n] = out[n-1]
			} else {
				out[n] = string(term)
			}
		}, state)
		if err != nil {
			return nil, false, fmt.Errorf("read documents of segment %d: %w", s.Id(), err)
		}
	}
	return out, true, nil
}
