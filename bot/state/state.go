// Package state keeps what the bot must remember across restarts: digest
// subscriptions and the history of digests posted, the question log,
// watches (saved searches), the registry of documents seen in the corpus,
// which tells what is new and what changed, and every passage the bot has
// shown, so that its citation resolves for good.
//
// Store is that state; File keeps it in one bbolt file that one process
// opens (the zero-setup default), Postgres in a PostgreSQL database that
// any number of replicas share. Both pass the same conformance suite.
//
// bbolt writes copy-on-write pages and switches to them with an fsynced
// meta page, so a crash at any point leaves either the old or the new
// state, never a mix. Every method is one transaction.
package state

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// FileName is the state file's name inside the data folder.
const FileName = "state.db"

// ErrLocked is returned by Open when another process has the state open.
var ErrLocked = errors.New("state is in use by another process")

// Kinds of InputError.
var (
	// ErrInvalid: a malformed time of day, an unknown time zone, an empty
	// query, one watch too many.
	ErrInvalid = errors.New("invalid")
	// ErrExists: a query the channel already watches.
	ErrExists = errors.New("already exists")
)

// InputError is a value the store refuses. Its message is written for the
// user who gave the value, so the bot can show it as it is:
//
//	var ie *state.InputError
//	if errors.As(err, &ie) { reply(ie.Error()) }
type InputError struct {
	Err error // ErrInvalid or ErrExists
	Msg string
}

func (e *InputError) Error() string { return e.Msg }
func (e *InputError) Unwrap() error { return e.Err }

func invalid(format string, args ...any) error {
	return &InputError{Err: ErrInvalid, Msg: fmt.Sprintf(format, args...)}
}

// openTimeout is how long Open waits for another process's lock: long
// enough for a process that is just exiting, short enough to fail clearly
// instead of hanging.
const openTimeout = time.Second

// Bucket names.
var (
	bucketMeta          = []byte("meta")
	bucketSubscriptions = []byte("subscriptions")
	bucketDigests       = []byte("digests")
	bucketQuestions     = []byte("questions")
	bucketWatches       = []byte("watches")
	bucketDocuments     = []byte("documents")

	keySchema = []byte("schema")
)

// migrations upgrade the schema one version at a time: migrations()[v]
// turns a version v store into version v+1. The schema's version is the
// number of migrations; a store newer than that is refused rather than
// misread.
func migrations() []func(tx *bolt.Tx) error {
	return []func(tx *bolt.Tx) error{
		// 0 → 1: the first schema, values JSON-encoded.
		func(tx *bolt.Tx) error {
			for _, name := range [][]byte{bucketSubscriptions, bucketDigests, bucketQuestions, bucketWatches, bucketDocuments} {
				if _, err := tx.CreateBucketIfNotExists(name); err != nil {
					return err
				}
			}
			return nil
		},
		// 1 → 2: documents record their passages. Schema 1 kept none, and
		// the texts are not here to cut: each record is marked so that
		// its passages count as first seen with the document until the
		// corpus is next recorded.
		func(tx *bolt.Tx) error {
			b := tx.Bucket(bucketDocuments)
			var recs []Document
			if err := each(b, func(_ []byte, d Document) error {
				recs = append(recs, d)
				return nil
			}); err != nil {
				return err
			}
			// Written after the walk: bbolt forbids changing a bucket
			// while ForEach runs over it.
			for _, d := range recs {
				d.Passages, d.PassagesUnknown = nil, true
				if err := put(b, []byte(d.ID), d); err != nil {
					return err
				}
			}
			return nil
		},
		// 2 → 3: kept citations, and where and to whom they were shown.
		func(tx *bolt.Tx) error {
			for _, name := range [][]byte{bucketCitations, bucketCitationPosts, bucketCitationUsers} {
				if _, err := tx.CreateBucketIfNotExists(name); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

// File is the bot's state in a bbolt file. It is safe for concurrent use.
type File struct {
	db   *bolt.DB
	path string
}

// Open opens the state file at path, creating it if needed and upgrading
// its schema. It fails within about a second with an error wrapping
// ErrLocked when another process has the file open.
func Open(path string) (*File, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: openTimeout})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("open state %q: %w", path, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("open state %q: %w", path, err)
	}
	s := &File{db: db, path: path}
	if err := s.migrate(); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

func (s *File) migrate() error {
	steps := migrations()
	err := s.db.Update(func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		version := 0
		if raw := meta.Get(keySchema); raw != nil {
			if version, err = strconv.Atoi(string(raw)); err != nil {
				return fmt.Errorf("schema version %q is not a number", raw)
			}
		}
		if version > len(steps) {
			return fmt.Errorf("schema version %d is newer than this dossier's %d: upgrade dossier", version, len(steps))
		}
		for v := version; v < len(steps); v++ {
			if err := steps[v](tx); err != nil {
				return fmt.Errorf("upgrade schema %d to %d: %w", v, v+1, err)
			}
		}
		return meta.Put(keySchema, []byte(strconv.Itoa(len(steps))))
	})
	if err != nil {
		return fmt.Errorf("open state %q: %w", s.path, err)
	}
	return nil
}

// Close closes the state file, releasing it for other processes.
func (s *File) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close state %q: %w", s.path, err)
	}
	return nil
}

// view and update run fn in a read or write transaction and name the
// operation in the error.
func (s *File) view(op string, fn func(tx *bolt.Tx) error) error {
	if err := s.db.View(fn); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

func (s *File) update(op string, fn func(tx *bolt.Tx) error) error {
	if err := s.db.Update(fn); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

// get decodes the value at key into v and reports whether there was one.
func get(b *bolt.Bucket, key []byte, v any) (bool, error) {
	raw := b.Get(key)
	if raw == nil {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return true, fmt.Errorf("decode %q: %w", key, err)
	}
	return true, nil
}

func put(b *bolt.Bucket, key []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %q: %w", key, err)
	}
	return b.Put(key, raw)
}

// each decodes every value of b into a T, in key order.
func each[T any](b *bolt.Bucket, fn func(k []byte, v T) error) error {
	return b.ForEach(func(k, raw []byte) error {
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			return fmt.Errorf("decode %q: %w", k, err)
		}
		return fn(k, v)
	})
}

// lastOf moves c back from the end of owner's keys, which are owner, NUL
// and the rest (digestKey, showKey), and returns the key it lands on:
// owner's last, or when owner has none the key before where they would
// be, which the caller tells apart by the prefix, or nil.
func lastOf(c *bolt.Cursor, owner string) []byte {
	// owner then 1 sorts after every key of owner's and before any other.
	k, _ := c.Seek(append([]byte(owner), 1))
	if k == nil {
		k, _ = c.Last()
	} else {
		k, _ = c.Prev()
	}
	return k
}

// u64 is n as a big-endian key, so keys sort as numbers.
func u64(n uint64) []byte {
	return binary.BigEndian.AppendUint64(nil, n)
}
