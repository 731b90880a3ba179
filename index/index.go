// Package index turns a corpus into a Bleve index of passages and answers
// questions from it with cited excerpts. All of Bleve stays inside this
// package.
package index

import (
	"errors"
	"time"

	"github.com/dossier-bot/dossier/corpus"
)

// ErrLocked is returned by Open when another process owns the index.
var ErrLocked = errors.New("index is in use by another process")

// ErrEmptyQuestion is returned by Ask for a question with no text.
var ErrEmptyQuestion = errors.New("the question is empty")

// ErrNoDocuments is returned by Sync and SyncFrom for a source that yields
// no documents. Syncing it would empty the index: an emptied folder is far
// more likely a mistake, or a mount gone away, than a wish to forget
// everything, so the index is kept as it was.
var ErrNoDocuments = errors.New("no documents to index")

// Result is one passage that answers a question, with what is needed to
// quote and cite it.
type Result struct {
	// Doc is the passage's document, metadata only (no Text or Passages).
	Doc     corpus.Document
	Passage corpus.Passage
	Score   float64
	// Excerpt is the one or two sentences of the passage that best answer
	// the question, plain text, at most 300 characters.
	Excerpt string
	// Highlights are the matched terms of Excerpt as [start, end) rune
	// offsets, in order and not overlapping.
	Highlights [][2]int
	// Link is the document's URL with a text fragment that scrolls to the
	// excerpt, or "" when the document has no URL.
	Link string
}

// Answer is the reply to one question. It is one of three kinds (see
// Kind): passages that answer it, passages that come close without
// answering it directly, or nothing close.
type Answer struct {
	Question string
	// Answered is true when some passage clears the decision rule;
	// Results then holds the passages that answer, and only then.
	Answered bool
	Results  []Result
	// Related holds the passages closest to a question no passage answers
	// directly, when some come near; they are not answers and a reply must
	// say so.
	Related []Result
	// Closest names the documents nearest to a question nothing comes
	// close to (metadata only), so the reply can point somewhere.
	Closest []corpus.Document
	// Confidence is the decision rule's estimate, in [0, 1], that the
	// best passage answers the question.
	Confidence float64
	Took       time.Duration
}

// Kind is what sort of reply an Answer is.
type Kind int

const (
	// NothingClose: no passage comes near the question.
	NothingClose Kind = iota
	// Related: no passage answers directly, but some come near.
	Related
	// Answered: passages answer the question.
	Answered
)

// Kind says which of the three kinds of reply a is.
func (a Answer) Kind() Kind {
	switch {
	case a.Answered:
		return Answered
	case len(a.Related) > 0:
		return Related
	}
	return NothingClose
}

func (k Kind) String() string {
	switch k {
	case Answered:
		return "answered"
	case Related:
		return "related"
	}
	return "none"
}

// DocInfo describes one indexed document.
type DocInfo struct {
	corpus.Document // metadata only
	Passages        int
}

// DocScore is a document ranked by its best passage.
type DocScore struct {
	DocID string
	Score float64
}

// Changes reports what a Sync did.
type Changes struct {
	Added, Changed, Removed []string // document ids
	Unchanged               int
	Passages                int // passages (re)indexed
	Total                   int // passages in the index afterwards
	Took                    time.Duration
}

// Progress is told how many documents of a Sync are done.
type Progress func(done, total int)
