package state

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	bolt "go.etcd.io/bbolt"
)

// t0 is a fixed instant the tests count from.
var t0 = time.Date(2024, 4, 30, 9, 0, 0, 0, time.UTC)

// open opens a store at path and closes it when the test ends.
func open(tb testing.TB, path string) *File {
	tb.Helper()
	s, err := Open(path)
	if err != nil {
		tb.Fatalf("Open(%q): %v", path, err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// newFile opens a fresh store in a temporary folder.
func newFile(tb testing.TB) Store {
	tb.Helper()
	return open(tb, filepath.Join(tb.TempDir(), FileName))
}

func TestReopenKeepsEverything(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), FileName)
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	sub, err := s.Subscribe(Subscription{GuildID: "g", ChannelID: "c", Time: "9:30", Zone: "Europe/London", CreatedBy: "u", Created: t0})
	if err != nil {
		t.Fatal(err)
	}
	w, err := s.AddWatch(Watch{GuildID: "g", ChannelID: "c", Query: "missile cooperation", Created: t0})
	if err != nil {
		t.Fatal(err)
	}
	q := Question{GuildID: "g", ChannelID: "c", Text: "Who?", Reply: ReplyAnswered, Answered: true, Citations: []Citation{{DocID: "d", Title: "T"}}, Time: t0}
	if err := s.LogQuestion(q); err != nil {
		t.Fatal(err)
	}
	d := Digest{ChannelID: "c", Date: "2024-04-30", Status: Posting, Started: t0, Parts: []Part{{Content: "hello", Nonce: "n"}}}
	if _, _, err := s.BeginDigest(d); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordDocuments(all(docs("a", "h1")), t0, leadOf); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = open(t, path)
	gotSub, _, err := s.Subscription("c")
	if err != nil || !cmp.Equal(gotSub, sub) {
		t.Errorf("Subscription(c) after reopening = %+v, %v; want %+v", gotSub, err, sub)
	}
	ws, err := s.Watches("g", "c")
	if err != nil || !cmp.Equal(ws, []Watch{w}) {
		t.Errorf("Watches after reopening = %+v, %v; want %+v", ws, err, []Watch{w})
	}
	qs, err := s.Questions("g", t0, t0.Add(time.Second))
	if err != nil || !cmp.Equal(qs, []Question{q}) {
		t.Errorf("Questions after reopening = %+v, %v; want %+v", qs, err, []Question{q})
	}
	gotD, _, err := s.Digest("c", "2024-04-30")
	if err != nil || !cmp.Equal(gotD, d) {
		t.Errorf("Digest after reopening = %+v, %v; want %+v", gotD, err, d)
	}
	ds, err := s.Documents()
	if err != nil || len(ds) != 1 || ds[0].Lead != "lead of a" {
		t.Errorf("Documents after reopening = %+v, %v; want document a with its lead", ds, err)
	}
}

func TestOpenLockedFailsInsteadOfWaiting(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), FileName)
	open(t, path)
	// bbolt's flock is per open file, so a second Open in this process
	// meets the lock as another process would.
	s, err := Open(path)
	if err == nil {
		s.Close()
		t.Fatal("second Open succeeded, want ErrLocked")
	}
	if !errors.Is(err, ErrLocked) {
		t.Errorf("second Open: %v, want ErrLocked", err)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), FileName)
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket(bucketMeta)
		if err != nil {
			return err
		}
		return b.Put(keySchema, []byte(fmt.Sprint(len(migrations())+1)))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	if s, err := Open(path); err == nil {
		s.Close()
		t.Errorf("Open of a newer schema succeeded, want an error")
	}
}

func TestOpenUpgradesOldSchema(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), FileName)
	// A version 0 store: a file with no buckets at all.
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	s := open(t, path)
	if _, err := s.AddWatch(Watch{GuildID: "g", ChannelID: "c", Query: "q"}); err != nil {
		t.Errorf("AddWatch after upgrading: %v", err)
	}
	var version string
	s.db.View(func(tx *bolt.Tx) error {
		version = string(tx.Bucket(bucketMeta).Get(keySchema))
		return nil
	})
	if want := fmt.Sprint(len(migrations())); version != want {
		t.Errorf("schema version after upgrading = %q, want %q", version, want)
	}
}

func TestConcurrentUse(t *testing.T) { eachStore(t, testConcurrentUse) }

func testConcurrentUse(t *testing.T, newStore func(testing.TB) Store) {
	t.Parallel()
	s := newStore(t)
	const writers, each = 4, 25
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				at := t0.Add(time.Duration(i) * time.Second)
				if err := s.LogQuestion(Question{GuildID: "g", Text: fmt.Sprintf("q%d-%d", w, i), Time: at}); err != nil {
					t.Errorf("LogQuestion: %v", err)
				}
				if _, err := s.AddWatch(Watch{GuildID: "g", ChannelID: fmt.Sprint(w), Query: fmt.Sprint(i)}); err != nil && i < MaxChannelWatches {
					t.Errorf("AddWatch: %v", err)
				}
				if _, err := s.Questions("g", t0, at); err != nil {
					t.Errorf("Questions: %v", err)
				}
			}
		}()
	}
	wg.Wait()
	qs, err := s.Questions("g", t0, t0.Add(time.Hour))
	if err != nil || len(qs) != writers*each {
		t.Errorf("Questions = %d questions, %v; want %d", len(qs), err, writers*each)
	}
	ws, err := s.Watches("g", "")
	if err != nil || len(ws) != writers*min(each, MaxChannelWatches) {
		t.Errorf("Watches = %d, %v; want %d", len(ws), err, writers*min(each, MaxChannelWatches))
	}
	ids := map[uint64]bool{}
	for _, w := range ws {
		if ids[w.ID] {
			t.Errorf("watch id %d given twice", w.ID)
		}
		ids[w.ID] = true
	}
}
