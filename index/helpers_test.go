package index

import (
	"context"
	"testing"
	"testing/fstest"

	"github.com/blevesearch/bleve/v2/index/scorch"

	"github.com/dossier-bot/dossier/corpus"
)

// builtinIndex returns an in-memory index of the built-in corpus.
func builtinIndex(tb testing.TB) *Index {
	tb.Helper()
	c, err := corpus.Load(corpus.Builtin())
	if err != nil {
		tb.Fatalf("Load(builtin) = %v", err)
	}
	return memIndex(tb, c)
}

func memIndex(tb testing.TB, c *corpus.Corpus) *Index {
	tb.Helper()
	ix, err := NewMemory()
	if err != nil {
		tb.Fatalf("NewMemory() = %v", err)
	}
	tb.Cleanup(func() { ix.Close() })
	if _, err := ix.Sync(context.Background(), c, nil); err != nil {
		tb.Fatalf("Sync() = %v", err)
	}
	return ix
}

// loadMap loads a corpus from in-memory files.
func loadMap(tb testing.TB, files map[string]string) *corpus.Corpus {
	tb.Helper()
	fsys := fstest.MapFS{}
	for name, body := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(body)}
	}
	c, err := corpus.Load(fsys)
	if err != nil {
		tb.Fatalf("Load() = %v", err)
	}
	if len(c.Skipped) > 0 {
		tb.Fatalf("Load() skipped %v", c.Skipped)
	}
	return c
}

// reader returns a reader of ix's current snapshot, closed when the test
// ends.
func reader(tb testing.TB, ix *Index) *scorch.IndexSnapshot {
	tb.Helper()
	adv, err := ix.bi.Advanced()
	if err != nil {
		tb.Fatalf("Advanced() = %v", err)
	}
	r, err := adv.Reader()
	if err != nil {
		tb.Fatalf("Reader() = %v", err)
	}
	tb.Cleanup(func() { r.Close() })
	return r.(*scorch.IndexSnapshot)
}
