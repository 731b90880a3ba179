// Package citepage serves a page for every citation Dossier has shown: the
// passage highlighted in its document, the passages around it, what was
// quoted and a reference to copy. It also resolves a kept citation against
// the index as it is now, telling whether the passage is still there,
// changed, or gone with its document.
//
// Page addresses carry a token, an HMAC of the citation id under a secret
// the state keeps, so that a team's pages cannot be found by trying ids.
package citepage

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/corpus/cite"
	"github.com/dossier-bot/dossier/index"
)

// Index is the part of the index a citation is resolved against.
type Index interface {
	Document(id string) (index.DocInfo, bool)
	Passages(docID string, from, to int) ([]corpus.Passage, error)
}

// Store is where citations are kept.
type Store interface {
	Citation(id string) (state.KeptCitation, bool, error)
	// Document is the registry's record of a document, which dates its
	// changes and its removal.
	Document(id string) (state.Document, bool, error)
}

// Status is what became of a cited passage.
type Status int

const (
	// Current: the document still has the passage, word for word.
	Current Status = iota
	// Changed: the document is still indexed but no longer has the
	// passage as it was quoted.
	Changed
	// Removed: the document is no longer in the corpus.
	Removed
)

func (s Status) String() string {
	switch s {
	case Changed:
		return "changed"
	case Removed:
		return "removed"
	}
	return "current"
}

// maxScan bounds the passages of one document read to find a citation in
// it: a book-length document is cut into a few thousand.
const maxScan = 20_000

// nearEnough is the least share of words a current passage must have in
// common with a changed one to be shown as its nearest.
const nearEnough = 0.3

// Resolution is a kept citation resolved against the index as it is now.
type Resolution struct {
	// Citation is the passage as it was kept when first shown.
	Citation cite.Citation
	Status   Status
	// Since is when the document changed or was removed, when the
	// registry knows; zero otherwise.
	Since time.Time
	// Doc is the document as indexed now; zero when Removed.
	Doc index.DocInfo
	// Passages are the document's passages as indexed now, in order (at
	// most maxScan of them).
	Passages []corpus.Passage
	// At is the index in Passages of the cited passage (Current) or of
	// the one nearest to it (Changed); -1 when there is none.
	At int
}

// Text says in a sentence what became of the passage, or "" when it is
// current: "This passage has since changed; as quoted on 2026-12-04."
func (r Resolution) Text() string {
	quoted := r.Citation.ShownAt.UTC().Format(time.DateOnly)
	switch r.Status {
	case Changed:
		s := "This passage has since changed"
		if !r.Since.IsZero() {
			s += " (the document was edited on " + r.Since.UTC().Format(time.DateOnly) + ")"
		}
		s += "; as quoted on " + quoted + "."
		if r.At >= 0 {
			s += " The nearest passage in the current document is shown."
		} else {
			s += " No passage of the current document is near it."
		}
		return s
	case Removed:
		s := "This document has been removed from the corpus"
		if !r.Since.IsZero() {
			s += " on " + r.Since.UTC().Format(time.DateOnly)
		}
		return s + "; the passage is shown as quoted on " + quoted + "."
	}
	return ""
}

// Resolve finds the kept citation with the id and what became of its
// passage. It reports false when Dossier never showed a passage with that
// id.
func Resolve(ix Index, st Store, id string) (Resolution, bool, error) {
	kc, found, err := st.Citation(id)
	if err != nil || !found {
		return Resolution{}, false, err
	}
	r := Resolution{Citation: CitationOf(kc), At: -1, Status: Removed}
	doc, ok := ix.Document(kc.DocID)
	if ok {
		r.Doc, r.Status = doc, Changed
		if r.Passages, err = ix.Passages(kc.DocID, 0, min(doc.Passages, maxScan)); err != nil {
			return Resolution{}, false, fmt.Errorf("resolve citation %s: %w", id, err)
		}
		key := kc.Key
		if key == "" {
			key = cite.Key(kc.DocID, kc.Text)
		}
		for i, p := range r.Passages {
			if cite.Key(kc.DocID, p.Text) == key {
				r.Status, r.At = Current, i
				break
			}
		}
		if r.Status == Changed {
			r.At = nearest(kc.Text, r.Passages)
		}
	}
	if r.Status != Current {
		rec, found, err := st.Document(kc.DocID)
		if err != nil {
			return Resolution{}, false, fmt.Errorf("resolve citation %s: %w", id, err)
		}
		switch {
		case !found:
		case r.Status == Removed && !rec.Removed.IsZero():
			r.Since = rec.Removed
		case r.Status == Changed && rec.Changed.After(kc.FirstShown):
			r.Since = rec.Changed
		}
	}
	return r, true, nil
}

// CitationOf is a kept citation as package cite has it.
func CitationOf(kc state.KeptCitation) cite.Citation {
	return cite.Citation{
		ID: kc.ID, DocID: kc.DocID, Title: kc.Title, Publisher: kc.Publisher, Author: kc.Author,
		Published: kc.Published, URL: kc.URL, Heading: kc.Heading, Page: kc.Page,
		Text: kc.Text, Excerpt: kc.Excerpt, ShownAt: kc.FirstShown,
	}
}

// nearest is the index of the passage sharing the most words with text,
// by the Jaccard index of their word sets, or -1 when none shares at
// least nearEnough.
func nearest(text string, ps []corpus.Passage) int {
	want := wordSet(text)
	best, at := nearEnough, -1
	for i, p := range ps {
		if s := jaccard(want, wordSet(p.Text)); s > best || (at < 0 && s == best) {
			best, at = s, i
		}
	}
	return at
}

func wordSet(s string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r)
	}) {
		set[w] = true
	}
	return set
}

func jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	both := 0
	for w := range a {
		if b[w] {
			both++
		}
	}
	return float64(both) / float64(len(a)+len(b)-both)
}

// Recorder keeps the citations of passages shown.
type Recorder interface {
	RecordCitations(sh state.Shown, cs []state.KeptCitation) ([]string, error)
}

// KeepShown keeps the passages shown as rs, at sh, in st, and returns
// what is kept of each with the id it is kept under, which differs from
// cite.ID on a collision. When keeping fails, the records come back
// without ids.
func KeepShown(st Recorder, sh state.Shown, rs []index.Result) ([]state.KeptCitation, error) {
	kept := make([]state.KeptCitation, len(rs))
	for j, r := range rs {
		kept[j] = Keep(r)
	}
	if len(kept) == 0 {
		return kept, nil
	}
	ids, err := st.RecordCitations(sh, kept)
	if err != nil {
		return kept, err
	}
	for j := range kept {
		kept[j].ID = ids[j]
	}
	return kept, nil
}

// Reposter is the state RecordPosted needs.
type Reposter interface {
	Recorder
	Citation(id string) (state.KeptCitation, bool, error)
}

// RecordPosted lists the citations ids, already kept, as posted again at
// sh: a shared answer or a digest names them. An id the state does not
// keep (shown before ids were kept) is passed over; one that cannot be
// read is reported and the rest still recorded.
func RecordPosted(st Reposter, sh state.Shown, ids []string) error {
	var kept []state.KeptCitation
	var errs []error
	for _, id := range ids {
		kc, found, err := st.Citation(id)
		if err != nil {
			errs = append(errs, fmt.Errorf("read citation %q: %w", id, err))
			continue
		}
		if found {
			kept = append(kept, kc)
		}
	}
	if len(kept) > 0 {
		if _, err := st.RecordCitations(sh, kept); err != nil {
			errs = append(errs, fmt.Errorf("record citations posted in channel %q: %w", sh.ChannelID, err))
		}
	}
	return errors.Join(errs...)
}

// Keep is what the state keeps of a passage shown as r.
// A result without an excerpt is shown whole, and so quoted whole.
func Keep(r index.Result) state.KeptCitation {
	excerpt := r.Excerpt
	if strings.TrimSpace(excerpt) == "" {
		excerpt = r.Passage.Text
	}
	return state.KeptCitation{
		DocID: r.Doc.ID, Title: r.Doc.Title, Publisher: r.Doc.Publisher, Author: r.Doc.Author,
		Published: r.Doc.Published, URL: r.Doc.URL, Heading: r.Passage.Heading,
		Page: r.Passage.Page, Text: r.Passage.Text, Excerpt: excerpt,
	}
}
