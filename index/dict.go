package index

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	index "github.com/blevesearch/bleve_index_api"
)

// readerDict looks terms up in one Bleve field. A failed read is not an
// absent word: that would weigh the word as the rarest of all and guess
// other spellings for it, so the first error is kept in err for the
// caller to return instead of an answer.
// Frequencies are remembered: a question asks for the same term's several
// times, and each read opens the term's postings.
type readerDict struct {
	r     index.IndexReader
	field string
	err   *error
	freqs map[string]int
}

func newReaderDict(r index.IndexReader, field string) readerDict {
	return readerDict{r: r, field: field, err: new(error), freqs: map[string]int{}}
}

func (d readerDict) fail(err error) {
	if *d.err == nil {
		*d.err = err
	}
}

func (d readerDict) docFreq(term string) int {
	if n, ok := d.freqs[term]; ok {
		return n
	}
	tfr, err := d.r.TermFieldReader(nil, []byte(term), d.field, false, false, false)
	if err != nil {
		d.fail(fmt.Errorf("read dictionary term %q: %w", term, err))
		return 0
	}
	defer tfr.Close()
	n := int(tfr.Count())
	d.freqs[term] = n
	return n
}

// similar finds indexed terms one or two edits away (misspellings,
// transliterations) or extending the term (ship → shipment), most
// frequent first, bounded so a short word cannot explode the query.
// Names are spelt many ways, so a name tolerates edits sooner than a word.
func (d readerDict) similar(term string, name bool) []string {
	n := utf8.RuneCountInString(term)
	if n < 4 {
		return nil
	}
	type cand struct {
		term string
		df   int
	}
	var cands []cand
	add := func(fd index.FieldDict, err error) {
		if err != nil {
			d.fail(fmt.Errorf("read dictionary near %q: %w", term, err))
			return
		}
		defer fd.Close()
		for {
			e, err := fd.Next()
			if err != nil {
				d.fail(fmt.Errorf("read dictionary near %q: %w", term, err))
				return
			}
			if e == nil {
				return
			}
			if e.Term != term && !slices.ContainsFunc(cands, func(c cand) bool { return c.term == e.Term }) {
				cands = append(cands, cand{e.Term, int(e.Count)})
			}
			if len(cands) > 4*maxExpansions {
				return
			}
		}
	}
	// One edit in a short word is usually another word (bread, break);
	// names and long words tolerate more.
	minLen := 8
	if name {
		minLen = 5
	}
	if fr, ok := d.r.(index.IndexReaderFuzzy); ok && n >= minLen {
		fuzz := 1
		if n >= 8 {
			fuzz = 2
		}
		add(fr.FieldDictFuzzy(d.field, term, fuzz, ""))
	}
	add(d.r.FieldDictPrefix(d.field, []byte(term)))
	slices.SortFunc(cands, func(a, b cand) int {
		if a.df != b.df {
			return b.df - a.df
		}
		return strings.Compare(a.term, b.term)
	})
	out := make([]string, 0, maxExpansions)
	for _, c := range cands[:min(len(cands), maxExpansions)] {
		out = append(out, c.term)
	}
	return out
}
