package state

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// interactionLog is what FirstSeen's behaviour test needs of a store, so
// that every implementation runs the same test.
type interactionLog interface {
	FirstSeen(ctx context.Context, id string, until time.Time) (bool, error)
}

// testFirstSeen checks FirstSeen's behaviour on an empty store of any
// implementation.
func testFirstSeen(t *testing.T, log interactionLog) {
	t.Helper()
	ctx := context.Background()
	later := time.Now().Add(15 * time.Minute)
	first := func(id string, until time.Time) bool {
		t.Helper()
		ok, err := log.FirstSeen(ctx, id, until)
		if err != nil {
			t.Fatalf("FirstSeen(%q) = %v", id, err)
		}
		return ok
	}
	if !first("1001", later) {
		t.Errorf("FirstSeen(%q) the first time = false, want true", "1001")
	}
	if first("1001", later) {
		t.Errorf("FirstSeen(%q) again = true, want false: a repeat", "1001")
	}
	if !first("1002", later) {
		t.Errorf("FirstSeen(%q), another id = false, want true", "1002")
	}
	// An id kept until a time now past is forgotten.
	if !first("1003", time.Now().Add(-time.Second)) {
		t.Errorf("FirstSeen(%q) the first time = false, want true", "1003")
	}
	if !first("1003", later) {
		t.Errorf("FirstSeen(%q) after its record expired = false, want true", "1003")
	}
	if first("1003", later) {
		t.Errorf("FirstSeen(%q) again = true, want false", "1003")
	}

	// Many callers at once on one id: exactly one is first.
	var wins atomic.Int32
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if ok, err := log.FirstSeen(ctx, "2001", later); err != nil {
				t.Errorf("FirstSeen(%q) at once = %v", "2001", err)
			} else if ok {
				wins.Add(1)
			}
		})
	}
	wg.Wait()
	if n := wins.Load(); n != 1 {
		t.Errorf("FirstSeen(%q) from 16 callers at once: %d saw it first, want 1", "2001", n)
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := log.FirstSeen(cancelled, "3001", later); err == nil {
		t.Errorf("FirstSeen(%q) with a cancelled context = nil error, want one", "3001")
	}
}

func TestFirstSeen(t *testing.T) {
	eachStore(t, func(t *testing.T, newStore func(testing.TB) Store) {
		t.Parallel()
		testFirstSeen(t, newStore(t))
	})
}

func TestFirstSeenSurvivesReopening(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), FileName)
	s := open(t, path)
	later := time.Now().Add(15 * time.Minute)
	if ok, err := s.FirstSeen(context.Background(), "1001", later); !ok || err != nil {
		t.Fatalf("FirstSeen(%q) = %v, %v; want true", "1001", ok, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, path)
	if ok, err := s.FirstSeen(context.Background(), "1001", later); ok || err != nil {
		t.Errorf("FirstSeen(%q) after reopening = %v, %v; want false: a repeat", "1001", ok, err)
	}
}

func TestFirstSeenPrunesExpiredIDs(t *testing.T) {
	t.Parallel()
	s := newFile(t).(*File)
	ctx := context.Background()
	past := time.Now().Add(-time.Minute)
	for i := range 3 * pruneBatch {
		if _, err := s.FirstSeen(ctx, fmt.Sprint("old-", i), past); err != nil {
			t.Fatal(err)
		}
	}
	// Each call prunes a batch, so a few calls clear the backlog.
	for i := range 4 {
		if _, err := s.FirstSeen(ctx, fmt.Sprint("new-", i), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	var byID, byExpiry int
	if err := s.db.View(func(tx *bolt.Tx) error {
		byID = tx.Bucket(bucketInteractions).Stats().KeyN
		byExpiry = tx.Bucket(bucketInteractionsByExpiry).Stats().KeyN
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if byID != 4 || byExpiry != 4 {
		t.Errorf("ids kept after pruning = %d by id, %d by expiry; want the 4 unexpired", byID, byExpiry)
	}
}
