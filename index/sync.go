package index

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/dossier-bot/dossier/corpus"
)

// Source is a corpus read one document at a time: a corpus.Folder parses
// each file as it is asked for, so an index can be built from a corpus
// larger than memory; a corpus.Corpus already in memory is one too.
type Source interface {
	// Len is how many documents Each yields, for progress.
	Len() int
	// Each calls fn with every document in turn and stops at its first
	// error. The document is fn's only until fn returns.
	Each(fn func(*corpus.Document) error) error
}

// Sync brings the index in line with c; see SyncFrom.
func (ix *Index) Sync(ctx context.Context, c *corpus.Corpus, progress Progress) (Changes, error) {
	return ix.SyncFrom(ctx, c, c.Synonyms, progress)
}

// SyncFrom brings the index in line with src and its synonym groups: it
// indexes new documents, re-indexes changed ones (by content hash), and
// removes deleted ones, holding no more than a batch or two of documents
// in memory. An index that is empty or was built by another version is
// rebuilt aside, analysing on every core, and swapped in. When ctx is
// cancelled SyncFrom stops between documents and the index stays
// consistent; the next sync finishes the work.
func (ix *Index) SyncFrom(ctx context.Context, src Source, synonyms [][]string, progress Progress) (Changes, error) {
	return ix.syncFrom(ctx, src, synonyms, progress, runtime.GOMAXPROCS(0))
}

// syncFrom is SyncFrom with a full build analysing on workers goroutines,
// or, when workers is 0, serially in Bleve's builder.
func (ix *Index) syncFrom(ctx context.Context, src Source, synonyms [][]string, progress Progress, workers int) (Changes, error) {
	if ix.readOnly {
		// Bleve opened read-only has no writer; a sync would hang in it or
		// build a generation beside a reader that promised to write nothing.
		return Changes{}, fmt.Errorf("sync index %q: %w", ix.dir, ErrReadOnly)
	}
	start := time.Now()
	ix.syncMu.Lock()
	defer ix.syncMu.Unlock()

	ix.mu.RLock()
	if ix.bi == nil && !ix.stale {
		ix.mu.RUnlock()
		return Changes{}, fmt.Errorf("sync index %q: %w", ix.dir, ErrClosed)
	}
	old := maps.Clone(ix.registry)
	full := ix.stale
	ix.mu.RUnlock()

	ch, err := ix.sync(ctx, src, synonyms, old, full, progress, workers)
	ix.mu.RLock()
	for _, r := range ix.registry {
		ch.Total += r.Passages
	}
	ix.mu.RUnlock()
	ch.Took = time.Since(start)
	if err != nil {
		return ch, fmt.Errorf("sync index %q: %w", ix.dir, err)
	}
	return ch, nil
}

func (ix *Index) sync(ctx context.Context, src Source, synonyms [][]string, old map[string]docRecord, full bool, progress Progress, workers int) (Changes, error) {
	var ch Changes
	var out sink
	var err error
	switch {
	case !full:
		out = ix.inPlace()
	case ix.dir != "":
		out, err = ix.newGeneration(workers)
	default:
		out, err = ix.newMemGeneration()
	}
	if err != nil {
		return ch, err
	}
	seen := make(map[string]bool, len(old))
	lengths := lengthSampler{a: ix.analyzer, step: 1}
	total, done := src.Len(), 0
	err = src.Each(func(d *corpus.Document) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		seen[d.ID] = true
		lengths.add(d)
		r, ok := old[d.ID]
		redo := full
		switch {
		case !ok:
			ch.Added = append(ch.Added, d.ID)
			redo = true
		case r.Doc.Hash != d.Hash || !sameMeta(r.Doc, *d):
			ch.Changed = append(ch.Changed, d.ID)
			redo = true
		default:
			ch.Unchanged++
		}
		if redo {
			if err := out.add(d); err != nil {
				return err
			}
			ch.Passages += len(d.Passages)
		}
		done++
		if progress != nil {
			progress(done, total)
		}
		return nil
	})
	if err == nil && len(seen) == 0 {
		err = ErrNoDocuments
	}
	if err != nil {
		return ch, errors.Join(err, out.abort())
	}
	for id := range old {
		if !seen[id] {
			ch.Removed = append(ch.Removed, id)
		}
	}
	slices.Sort(ch.Removed)
	if err := out.finish(ch.Removed, synonyms, lengths.mean()); err != nil {
		return ch, err
	}
	return ch, nil
}

// sameMeta reports whether front matter that is shown to users is unchanged
// (the hash covers it too, but a changed slug rule must not go unnoticed).
func sameMeta(a, b corpus.Document) bool {
	return a.Title == b.Title && a.URL == b.URL && a.Publisher == b.Publisher && a.Published == b.Published && a.Path == b.Path
}

func sortDocInfos(ds []DocInfo) {
	slices.SortFunc(ds, func(a, b DocInfo) int {
		if c := strings.Compare(strings.ToLower(a.Title), strings.ToLower(b.Title)); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}
