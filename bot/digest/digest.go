// Package digest is the daily digest: what is new in the corpus, what was
// asked and what went unanswered, and new passages for the topics a
// channel watches. Compose turns the bot's state into a Digest; Markdown
// and Messages render it; the Scheduler posts it to each subscribed
// channel once a day at its local time; the Watcher keeps the index and
// the document registry in step with the corpus folder.
package digest

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/index"
)

// How much one digest shows of each section; the rest is counted.
const (
	maxDocuments    = 15
	maxAsked        = 5
	maxUnanswered   = 10
	maxWatchMatches = 3
)

// Digest is one digest's content. Empty sections are nil.
type Digest struct {
	// Date is the day the digest is for, in the reader's time zone.
	Date time.Time
	// Documents are the documents added, changed or removed in the
	// window, new ones first.
	Documents     []DocumentChange
	MoreDocuments int // left out for length
	// Asked are the most asked questions that were answered, each with
	// its best source; Unanswered the questions no passage answered
	// directly, whether or not the closest passages were shown.
	Asked          []state.Asked
	Unanswered     []state.Asked
	MoreUnanswered int
	// Watches are the watched queries with new matching passages.
	Watches []WatchMatches
	// IDs are the citation ids the watch matches were kept under, by
	// cite.Key; set when the digest is composed for posting (cite.go).
	IDs map[string]string
}

// Empty reports whether the digest has nothing to say.
func (d Digest) Empty() bool {
	return len(d.Documents) == 0 && len(d.Asked) == 0 && len(d.Unanswered) == 0 && len(d.Watches) == 0
}

// Change is what happened to a document.
type Change int

const (
	Added Change = iota
	Changed
	Removed
)

func (c Change) String() string {
	return [...]string{"new", "changed", "removed"}[c]
}

// DocumentChange is a document added, changed or removed in the window.
type DocumentChange struct {
	state.Document
	Change Change
}

// WatchMatches are the new passages matching one watch.
type WatchMatches struct {
	Query   string
	Matches []index.Result
}

// Input is everything a digest is made from.
type Input struct {
	Date time.Time
	// Since and Until bound the window of document changes: (Since, Until].
	Since, Until time.Time
	// Documents is the registry (state.Store.Documents); Compose picks
	// what changed in the window.
	Documents []state.Document
	// Asked and Unanswered come from state.Store.TopQuestions.
	Asked, Unanswered []state.Asked
	// Watches are each watch's search results (best first); Compose keeps
	// the passages whose text the registry first saw in the window.
	Watches []WatchResults
}

// WatchResults is a watch with what its query finds in the index now.
type WatchResults struct {
	Watch   state.Watch
	Results []index.Result
}

// Compose makes the digest of in. It is a pure function of in.
func Compose(in Input) Digest {
	d := Digest{Date: in.Date}
	within := func(t time.Time) bool { return t.After(in.Since) && !t.After(in.Until) }
	present := map[string]state.Document{}
	for _, doc := range in.Documents {
		if doc.Removed.IsZero() {
			present[doc.ID] = doc
		}
		switch {
		case !doc.Removed.IsZero():
			if within(doc.Removed) && !within(doc.FirstSeen) {
				d.Documents = append(d.Documents, DocumentChange{doc, Removed})
			}
		case within(doc.FirstSeen):
			d.Documents = append(d.Documents, DocumentChange{doc, Added})
		case within(doc.Changed):
			d.Documents = append(d.Documents, DocumentChange{doc, Changed})
		}
	}
	slices.SortStableFunc(d.Documents, func(a, b DocumentChange) int {
		// Newest publication first; undated documents after dated ones.
		return cmp.Or(cmp.Compare(a.Change, b.Change), -cmp.Compare(a.Published, b.Published),
			strings.Compare(a.Title, b.Title), strings.Compare(a.ID, b.ID))
	})
	d.Documents, d.MoreDocuments = cut(d.Documents, maxDocuments)
	d.Asked, _ = cut(in.Asked, maxAsked)
	d.Unanswered, d.MoreUnanswered = cut(in.Unanswered, maxUnanswered)

	for _, w := range in.Watches {
		var matches []index.Result
		for _, r := range w.Results {
			// By passage, not by document: a changed document's
			// untouched paragraphs were in earlier digests already.
			doc, ok := present[r.Doc.ID]
			if ok && within(doc.PassageFirstSeen(r.Passage.Text)) && len(matches) < maxWatchMatches {
				matches = append(matches, r)
			}
		}
		if len(matches) > 0 {
			d.Watches = append(d.Watches, WatchMatches{Query: w.Watch.Query, Matches: matches})
		}
	}
	return d
}

// cut keeps the first n of s and says how many it left out.
func cut[T any](s []T, n int) ([]T, int) {
	if len(s) <= n {
		return s, 0
	}
	return s[:n], len(s) - n
}
