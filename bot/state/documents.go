package state

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/dossier-bot/dossier/corpus"
)

// Document is what the registry remembers of a document of the corpus.
type Document struct {
	ID        string
	Path      string
	Title     string
	Publisher string
	Published string
	URL       string
	// AddedBy names who added the document with dossier add or /add, as
	// its front matter says; empty for a file put in the folder by hand.
	AddedBy string `json:",omitempty"`
	// Hash is the hex SHA-256 of the file, as corpus.Document.Hash.
	Hash string
	// Lead is the document's one or two most representative sentences,
	// worked out when it was added or changed.
	Lead string
	// FirstSeen is when the registry first saw the document (again, if it
	// had been removed); Changed is when it was added or last changed.
	FirstSeen time.Time
	Changed   time.Time
	// Removed is when the document left the corpus; zero while it is in.
	Removed time.Time
	// Passages are the document's passages as last recorded, in order.
	// A watch shows a passage as new by when its text was first seen, not
	// by when its document changed: editing one paragraph leaves the
	// others old news.
	Passages []Passage
	// PassagesUnknown marks a record carried over from schema 1, which
	// kept no passages. Until RecordDocuments next sees the document, its
	// passages count as first seen with the document.
	PassagesUnknown bool
}

// Passage is what the registry remembers of one passage of a document.
type Passage struct {
	// Hash is PassageHash of the passage's text.
	Hash string
	// FirstSeen is when the registry first saw this text in the document.
	FirstSeen time.Time
}

func (p Passage) same(q Passage) bool { return p.Hash == q.Hash && p.FirstSeen.Equal(q.FirstSeen) }

// PassageHash identifies a passage's text: the first 128 bits of its
// SHA-256, in hex, with runs of white space collapsed so that re-wrapping
// a paragraph does not make it new. Half a hash is plenty to tell the
// passages of one document apart and halves what the registry keeps for
// a corpus of hundreds of thousands of passages.
func PassageHash(text string) string {
	sum := sha256.Sum256([]byte(strings.Join(strings.Fields(text), " ")))
	return hex.EncodeToString(sum[:16])
}

// PassageFirstSeen returns when the registry first saw a passage with this
// text in the document. A text it does not know counts as first seen with
// the document: the record predates passages, or the index already has an
// edit the registry has not caught up with, which the next digest shows
// once it has.
func (d Document) PassageFirstSeen(text string) time.Time {
	h := PassageHash(text)
	for _, p := range d.Passages {
		if p.Hash == h {
			return p.FirstSeen
		}
	}
	return d.FirstSeen
}

// Changes lists the document ids a RecordDocuments call found added,
// changed and removed.
type Changes struct {
	Added, Changed, Removed []string
}

// Empty reports whether nothing changed.
func (c Changes) Empty() bool {
	return len(c.Added)+len(c.Changed)+len(c.Removed) == 0
}

// ErrNoDocuments is RecordDocuments refusing a source that yields no
// documents, which would mark every document removed.
var ErrNoDocuments = errors.New("no documents to record")

// Source is a corpus read one document at a time, such as *corpus.Corpus
// or *corpus.Folder.
type Source interface {
	// Each calls fn with every document in turn and stops at its first
	// error. The document is fn's only until fn returns.
	Each(fn func(*corpus.Document) error) error
}

// RecordDocuments brings the registry in line with src, the whole corpus
// as read at time at: documents it has not seen are added, documents
// whose content or shown metadata differ are changed, and documents
// missing from src are marked removed. Each document's passages are
// recorded too, a passage whose text the document already had keeping
// when that was first seen. lead works out the lead of each added or
// changed document.
//
// Documents are recorded as src yields them, so a corpus need not fit in
// memory. All of it is one transaction: when src fails, or yields no
// document at all (which would mark every one removed), nothing changes.
func (s *File) RecordDocuments(src Source, at time.Time, lead func(corpus.Document) string) (Changes, error) {
	var ch Changes
	err := s.update("record documents", func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketDocuments)
		seen := map[string]bool{}
		err := src.Each(func(doc *corpus.Document) error {
			seen[doc.ID] = true
			var old Document
			ok, err := get(b, []byte(doc.ID), &old)
			if err != nil {
				return err
			}
			rec, write := nextRecord(doc, old, ok, at, lead, &ch)
			if !write {
				return nil
			}
			return put(b, []byte(doc.ID), rec)
		})
		if err != nil {
			return err
		}
		if len(seen) == 0 {
			return ErrNoDocuments
		}
		var gone []Document
		if err := b.ForEach(func(k, _ []byte) error {
			if seen[string(k)] {
				return nil // decoding every record would cost more than the rest
			}
			var d Document
			if _, err := get(b, k, &d); err != nil || !d.Removed.IsZero() {
				return err
			}
			gone = append(gone, d)
			return nil
		}); err != nil {
			return err
		}
		// Written after the walk: bbolt forbids changing a bucket while
		// ForEach runs over it.
		for _, d := range gone {
			d.Removed = at
			ch.Removed = append(ch.Removed, d.ID)
			if err := put(b, []byte(d.ID), d); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Changes{}, err
	}
	return ch, nil
}

// nextRecord is the registry's record of doc as read at time at, given
// old, its record if found, and whether it must be written; ch gets the
// document's change.
func nextRecord(doc *corpus.Document, old Document, found bool, at time.Time, lead func(corpus.Document) string, ch *Changes) (Document, bool) {
	rec := Document{
		ID: doc.ID, Path: doc.Path, Title: doc.Title, Publisher: doc.Publisher,
		Published: doc.Published, URL: doc.URL, AddedBy: doc.AddedBy, Hash: doc.Hash,
		Lead: old.Lead, FirstSeen: old.FirstSeen, Changed: old.Changed,
	}
	present := found && old.Removed.IsZero()
	if !present {
		old = Document{}
	}
	rec.Passages = passagesOf(doc, old, at)
	switch {
	case !present:
		ch.Added = append(ch.Added, doc.ID)
		rec.FirstSeen, rec.Changed, rec.Lead = at, at, lead(*doc)
	case !sameShown(rec, old):
		ch.Changed = append(ch.Changed, doc.ID)
		rec.Changed, rec.Lead = at, lead(*doc)
	case old.PassagesUnknown || !slices.EqualFunc(rec.Passages, old.Passages, Passage.same):
		// Only the passages are new to the record.
	default:
		return rec, false
	}
	return rec, true
}

// passagesOf records doc's passages as of at, given old, the document's
// record (zero for a document new to the registry).
func passagesOf(doc *corpus.Document, old Document, at time.Time) []Passage {
	seen := map[string]time.Time{}
	for _, p := range old.Passages {
		if t, ok := seen[p.Hash]; !ok || p.FirstSeen.Before(t) {
			seen[p.Hash] = p.FirstSeen
		}
	}
	// A text the record lacks in a file that has not changed was there all
	// along: the record predates passages, or passages are cut
	// differently now. Schema 1's records take the document's first
	// sight, others its last change, since which the file is the same.
	fresh := at
	if old.Hash != "" && old.Hash == doc.Hash {
		fresh = old.Changed
		if old.PassagesUnknown {
			fresh = old.FirstSeen
		}
	}
	var ps []Passage
	for _, p := range doc.Passages {
		h := PassageHash(p.Text)
		first, ok := seen[h]
		if !ok {
			first = fresh
		}
		ps = append(ps, Passage{Hash: h, FirstSeen: first})
	}
	return ps
}

// Documents lists the registry, removed documents included, by id.
func (s *File) Documents() ([]Document, error) {
	var docs []Document
	err := s.view("list documents", func(tx *bolt.Tx) error {
		return each(tx.Bucket(bucketDocuments), func(_ []byte, d Document) error {
			docs = append(docs, d)
			return nil
		})
	})
	return docs, err
}

// sameShown reports whether two records have the same content and the same
// metadata the digest shows.
func sameShown(a, b Document) bool {
	return a.Hash == b.Hash && a.Path == b.Path && a.Title == b.Title && a.Publisher == b.Publisher &&
		a.Published == b.Published && a.URL == b.URL && a.AddedBy == b.AddedBy
}
