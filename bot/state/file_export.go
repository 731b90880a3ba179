package state

import (
	"bytes"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Export calls fn with every record of the state, from one snapshot:
// subscriptions, watches, documents, digests, then questions, each kind
// in the order its listing returns.
func (s *File) Export(fn func(Record) error) error {
	return s.view("export state", func(tx *bolt.Tx) error {
		steps := []func() error{
			func() error {
				return each(tx.Bucket(bucketSubscriptions), func(_ []byte, v Subscription) error { return fn(Record{Subscription: &v}) })
			},
			func() error {
				return each(tx.Bucket(bucketWatches), func(_ []byte, v Watch) error { return fn(Record{Watch: &v}) })
			},
			func() error {
				return each(tx.Bucket(bucketDocuments), func(_ []byte, v Document) error { return fn(Record{Document: &v}) })
			},
			func() error {
				return each(tx.Bucket(bucketDigests), func(_ []byte, v Digest) error { return fn(Record{Digest: &v}) })
			},
			func() error {
				return each(tx.Bucket(bucketQuestions), func(_ []byte, v Question) error { return fn(Record{Question: &v}) })
			},
			func() error {
				return each(tx.Bucket(bucketCitations), func(_ []byte, v KeptCitation) error { return fn(Record{Citation: &v}) })
			},
			func() error {
				return each(tx.Bucket(bucketCitationPosts), func(k []byte, v citationPost) error {
					owner := bytes.IndexByte(k, 0)
					sh := channelShowing(string(k[:owner]), showTime(k, owner+1), v)
					return fn(Record{ChannelShowing: &sh})
				})
			},
			func() error {
				return each(tx.Bucket(bucketCitationUsers), func(k []byte, id string) error {
					owner := bytes.IndexByte(k, 0)
					return fn(Record{UserShowing: &UserShowing{UserID: string(k[:owner]), At: showTime(k, owner+1), CitationID: id}})
				})
			},
			func() error {
				if v := tx.Bucket(bucketMeta).Get(keyCitationSecret); v != nil {
					return fn(Record{CitationSecret: bytes.Clone(v)})
				}
				return nil
			},
		}
		for _, step := range steps {
			if err := step(); err != nil {
				return err
			}
		}
		return nil
	})
}

// Import adds the records next yields, until io.EOF, to an empty store
// and returns how many it added. It is one transaction: a bad record
// leaves the store empty. A store holding anything is refused with
// ErrNotEmpty.
func (s *File) Import(next func() (Record, error)) (int, error) {
	n := 0
	err := s.update("import state", func(tx *bolt.Tx) error {
		names := [][]byte{bucketSubscriptions, bucketWatches, bucketDocuments, bucketDigests, bucketQuestions,
			bucketCitations, bucketCitationPosts, bucketCitationUsers}
		for _, name := range names {
			if k, _ := tx.Bucket(name).Cursor().First(); k != nil {
				return ErrNotEmpty
			}
		}
		if tx.Bucket(bucketMeta).Get(keyCitationSecret) != nil {
			return ErrNotEmpty
		}
		var err error
		n, err = importAll(next, func(r Record) error { return importOne(tx, r) })
		return err
	})
	return n, err
}

func importOne(tx *bolt.Tx, r Record) error {
	switch {
	case r.Subscription != nil:
		return put(tx.Bucket(bucketSubscriptions), []byte(r.Subscription.ChannelID), r.Subscription)
	case r.Watch != nil:
		b := tx.Bucket(bucketWatches)
		// New watches are numbered after the imported ones.
		if r.Watch.ID > b.Sequence() {
			if err := b.SetSequence(r.Watch.ID); err != nil {
				return err
			}
		}
		return put(b, u64(r.Watch.ID), r.Watch)
	case r.Document != nil:
		return put(tx.Bucket(bucketDocuments), []byte(r.Document.ID), r.Document)
	case r.Digest != nil:
		return put(tx.Bucket(bucketDigests), digestKey(r.Digest.ChannelID, r.Digest.Date), r.Digest)
	case r.Question != nil:
		return appendQuestion(tx.Bucket(bucketQuestions), *r.Question)
	case r.Citation != nil:
		return put(tx.Bucket(bucketCitations), []byte(r.Citation.ID), r.Citation)
	case r.ChannelShowing != nil:
		c := r.ChannelShowing
		return appendShowing(tx.Bucket(bucketCitationPosts), c.ChannelID, c.At, c.post())
	case r.UserShowing != nil:
		u := r.UserShowing
		return appendShowing(tx.Bucket(bucketCitationUsers), u.UserID, u.At, u.CitationID)
	case r.CitationSecret != nil:
		return tx.Bucket(bucketMeta).Put(keyCitationSecret, r.CitationSecret)
	}
	return fmt.Errorf("empty record")
}
