package state

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The interactions received, so that one delivered again, a replay of a
// captured request, is acknowledged without being answered twice. Each
// id is kept until a given time and pruned after it: idsByID maps an id
// to its expiry, idsByExpiry (expiry then id) lists them oldest first.
// The buckets are made on first use rather than by a schema migration:
// an older dossier, rolled back to, ignores them.
var (
	bucketInteractions         = []byte("interactions")
	bucketInteractionsByExpiry = []byte("interactions-by-expiry")
)

// pruneBatch bounds the expired ids each FirstSeen deletes, so that no
// call pays for a long backlog at once; each call adds one id, so the
// backlog still shrinks.
const pruneBatch = 64

// FirstSeen records the interaction id until the given time and reports
// whether it is the first time the id is seen: false if it was recorded
// before and that record has not expired. It is atomic, so of two
// processes recording one id, exactly one sees it first.
func (s *File) FirstSeen(ctx context.Context, id string, until time.Time) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("record interaction %s: %w", id, err)
	}
	now := time.Now()
	first := false
	err := s.update("record interaction "+id, func(tx *bolt.Tx) error {
		byID, err := tx.CreateBucketIfNotExists(bucketInteractions)
		if err != nil {
			return err
		}
		byExpiry, err := tx.CreateBucketIfNotExists(bucketInteractionsByExpiry)
		if err != nil {
			return err
		}
		if err := pruneInteractions(byID, byExpiry, now); err != nil {
			return err
		}
		old := byID.Get([]byte(id))
		if len(old) == 8 && expiry(old).After(now) {
			return nil
		}
		if old != nil {
			// Expired but not yet pruned: its place in the expiry order goes.
			if err := byExpiry.Delete(append(bytes.Clone(old), id...)); err != nil {
				return err
			}
		}
		first = true
		at := u64(uint64(until.UnixNano()))
		if err := byID.Put([]byte(id), at); err != nil {
			return err
		}
		return byExpiry.Put(append(at, id...), nil)
	})
	return first, err
}

// pruneInteractions deletes up to pruneBatch ids expired by now.
func pruneInteractions(byID, byExpiry *bolt.Bucket, now time.Time) error {
	var expired [][]byte
	c := byExpiry.Cursor()
	for k, _ := c.First(); k != nil && len(expired) < pruneBatch; k, _ = c.Next() {
		if len(k) < 8 || expiry(k[:8]).After(now) {
			break
		}
		expired = append(expired, bytes.Clone(k))
	}
	// Deleted after the walk: a cursor may skip keys when its bucket
	// changes under it.
	for _, k := range expired {
		if err := byExpiry.Delete(k); err != nil {
			return err
		}
		if err := byID.Delete(k[8:]); err != nil {
			return err
		}
	}
	return nil
}

func expiry(b []byte) time.Time {
	return time.Unix(0, int64(binary.BigEndian.Uint64(b)))
}
