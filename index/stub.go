package index

import (
	"context"

	"github.com/dossier-bot/dossier/corpus"
)

// Index is a searchable index of passages.
type Index struct{}

// Open opens (creating if needed) the on-disk index in dir.
func Open(dir string) (*Index, error) { panic("unimplemented") }

// NewMemory returns an empty in-memory index.
func NewMemory() (*Index, error) { panic("unimplemented") }

// Sync brings the index in line with c: adds new documents, re-indexes changed ones, removes deleted ones.
func (ix *Index) Sync(ctx context.Context, c *corpus.Corpus, progress Progress) (Changes, error) {
	panic("unimplemented")
}

// Ask answers question with at most k results, best first.
func (ix *Index) Ask(ctx context.Context, question string, k int) (Answer, error) {
	panic("unimplemented")
}

// Rank returns up to n documents ranked by their best passage (no excerpts), for benchmarks.
func (ix *Index) Rank(ctx context.Context, question string, n int) ([]DocScore, error) {
	panic("unimplemented")
}

// Documents lists the indexed documents, sorted by title.
func (ix *Index) Documents() []DocInfo { panic("unimplemented") }

// Close releases the index and its lock.
func (ix *Index) Close() error { return nil }
