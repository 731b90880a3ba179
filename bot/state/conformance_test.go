package state

import (
	"context"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/dossier-bot/dossier/bot/state/statetest"
)

// The conformance suite: every test that takes a newStore runs once per
// kind of store, so File and Postgres keep the same behaviour.

// backends are the kinds of store, each with a way to open a fresh one.
var backends = []struct {
	name string
	open func(testing.TB) Store
}{
	{"bbolt", newFile},
	{"postgres", func(tb testing.TB) Store { return newPostgres(tb) }},
}

// eachStore runs test against every kind of store, as subtests.
func eachStore(t *testing.T, test func(t *testing.T, newStore func(testing.TB) Store)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { test(t, b.open) })
	}
}

// newPostgres opens a store in a fresh database of the test server (see
// statetest), closed when the test ends.
func newPostgres(tb testing.TB) *Postgres {
	tb.Helper()
	return openPostgres(tb, statetest.Database(tb))
}

// openPostgres opens a store on the database at url, as one more replica
// would, closed when the test ends.
func openPostgres(tb testing.TB, url string) *Postgres {
	tb.Helper()
	p, err := OpenPostgres(context.Background(), url)
	if err != nil {
		tb.Fatalf("OpenPostgres: %v", err)
	}
	tb.Cleanup(func() { p.Close() })
	return p
}

// plantCitation stores c under its ID behind the store's back, as no
// method would: for a collision that cite.ID makes too rare to find.
func plantCitation(tb testing.TB, s Store, c KeptCitation) {
	tb.Helper()
	var err error
	switch s := s.(type) {
	case *File:
		err = s.db.Update(func(tx *bolt.Tx) error { return put(tx.Bucket(bucketCitations), []byte(c.ID), c) })
	case *Postgres:
		var raw []byte
		if raw, err = encode(c); err == nil {
			_, err = s.pool.Exec(context.Background(), "INSERT INTO citations (id, key, data) VALUES ($1, $2, $3)", c.ID, c.Key, raw)
		}
	default:
		tb.Fatalf("plantCitation: unknown store %T", s)
	}
	if err != nil {
		tb.Fatalf("plant citation %s: %v", c.ID, err)
	}
}
