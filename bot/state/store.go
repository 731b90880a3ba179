package state

import (
	"context"
	"time"

	"github.com/dossier-bot/dossier/corpus"
)

// Store is the bot's state, wherever it is kept: *File or *Postgres.
// Every method is one transaction, safe for concurrent use; with
// Postgres, across processes too.
type Store interface {
	// Subscriptions (subscriptions.go).
	Subscribe(sub Subscription) (Subscription, error)
	Unsubscribe(channelID string) (bool, error)
	Subscription(channelID string) (Subscription, bool, error)
	Subscriptions() ([]Subscription, error)
	Pause(channelID, reason string, at time.Time) error

	// The digests posted (history.go).
	BeginDigest(d Digest) (rec Digest, created bool, err error)
	PartPosted(channelID, date string, i int, messageID string) error
	FinishDigest(channelID, date string, at time.Time) error
	Digest(channelID, date string) (Digest, bool, error)
	LastDigest(channelID string) (Digest, bool, error)

	// The question log (questions.go).
	LogQuestion(q Question) error
	Questions(guildID string, from, to time.Time) ([]Question, error)
	TopQuestions(guildID string, from, to time.Time, n int) (answered, unanswered []Asked, err error)
	Prune(cutoff time.Time) (int, error)

	// Watches (watches.go).
	AddWatch(w Watch) (Watch, error)
	RemoveWatch(guildID string, id uint64) (w Watch, found bool, err error)
	Watches(guildID, channelID string) ([]Watch, error)

	// The document registry (documents.go).
	RecordDocuments(src Source, at time.Time, lead func(corpus.Document) string) (Changes, error)
	Documents() ([]Document, error)
	Document(id string) (Document, bool, error)

	// Kept citations (citations.go).
	RecordCitations(sh Shown, cs []KeptCitation) ([]string, error)
	Citation(id string) (KeptCitation, bool, error)
	CitationsIn(channelID string, limit int) ([]PostedCitation, error)
	RecentCitations(userID string, n int) ([]KeptCitation, error)
	CitationSecret() ([]byte, error)

	// The interactions received, against replays (interactions.go).
	FirstSeen(ctx context.Context, id string, until time.Time) (bool, error)

	// Moving the state between stores (export.go).
	Export(fn func(Record) error) error
	Import(next func() (Record, error)) (int, error)

	Close() error
}

var (
	_ Store = (*File)(nil)
	_ Store = (*Postgres)(nil)
)
