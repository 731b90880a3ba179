package bot

import (
	"context"
	"log/slog"
	"time"

	"github.com/dossier-bot/dossier/bot/digest"
	"github.com/dossier-bot/dossier/corpus/ingest"
)

// CorpusFolder is the Adder of a corpus folder that Watcher keeps the
// index in step with: it writes a document into the folder, then has the
// watcher index it and record it for the digest at once, so that it can
// be asked about as soon as its adder is told it was added. Should that
// indexing fail, the file is in the folder and the watcher's next look
// indexes it.
type CorpusFolder struct {
	Folder  *ingest.Folder
	Watcher *digest.Watcher
	// Log is told when indexing fails; nil discards.
	Log *slog.Logger
}

// Lookup is Folder's Lookup.
func (c CorpusFolder) Lookup(link string) error { return c.Folder.Lookup(link) }

// Add writes src into the folder, credited to by, and indexes it.
func (c CorpusFolder) Add(ctx context.Context, src ingest.Source, by string) (ingest.Added, error) {
	added, err := c.Folder.Add(src, by, time.Now())
	if err != nil {
		return added, err
	}
	// Written whole: the watcher need not wait for it to settle.
	c.Watcher.Written(added.Path)
	if _, err := c.Watcher.Poll(ctx); err != nil && c.Log != nil {
		c.Log.Error("index an added document; the next look at the corpus folder will", "path", added.Path, "err", err)
	}
	return added, nil
}
