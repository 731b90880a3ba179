package state

import (
	"fmt"
	"slices"
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

// RecordDocuments brings the registry in line with docs, the whole
// corpus as loaded at time at: documents it has not seen are added,
// documents whose content or shown metadata differ are changed, and
// documents missing from docs are marked removed. lead works out the lead
// of each added or changed document.
func (s *Store) RecordDocuments(docs []corpus.Document, at time.Time, lead func(corpus.Document) string) (Changes, error) {
	var ch Changes
	err := s.update(fmt.Sprintf("record %d documents", len(docs)), func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketDocuments)
		known := map[string]Document{}
		if err := each(b, func(_ []byte, d Document) error {
			known[d.ID] = d
			return nil
		}); err != nil {
			return err
		}
		for _, doc := range docs {
			old, ok := known[doc.ID]
			delete(known, doc.ID)
			rec := Document{
				ID: doc.ID, Path: doc.Path, Title: doc.Title, Publisher: doc.Publisher,
				Published: doc.Published, URL: doc.URL, Hash: doc.Hash,
				Lead: old.Lead, FirstSeen: old.FirstSeen, Changed: old.Changed,
			}
			switch {
			case !ok || !old.Removed.IsZero():
				ch.Added = append(ch.Added, doc.ID)
				rec.FirstSeen, rec.Changed, rec.Lead = at, at, lead(doc)
			case !sameShown(rec, old):
				ch.Changed = append(ch.Changed, doc.ID)
				rec.Changed, rec.Lead = at, lead(doc)
			default:
				continue
			}
			if err := put(b, []byte(doc.ID), rec); err != nil {
				return err
			}
		}
		for id, old := range known {
			if !old.Removed.IsZero() {
				continue
			}
			old.Removed = at
			ch.Removed = append(ch.Removed, id)
			if err := put(b, []byte(id), old); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Changes{}, err
	}
	slices.Sort(ch.Removed)
	return ch, nil
}

// Documents lists the registry, removed documents included, by id.
func (s *Store) Documents() ([]Document, error) {
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
		a.Published == b.Published && a.URL == b.URL
}
