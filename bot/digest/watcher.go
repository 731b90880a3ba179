package digest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"sync"
	"time"

	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/index"
)

// Syncer brings an index in line with a corpus read one document at a
// time; *index.Index is one, and answers questions while it syncs.
type Syncer interface {
	SyncFrom(ctx context.Context, src index.Source, synonyms [][]string, progress index.Progress) (index.Changes, error)
}

// WatcherConfig is what a Watcher needs.
type WatcherConfig struct {
	// Corpus is the corpus folder, as os.DirFS(dir) or corpus.Builtin();
	// Name names it in logs and errors.
	Corpus fs.FS
	Name   string
	// Folder are the options the folder is read with: the converters
	// of web pages and PDFs.
	Folder []corpus.Option
	Index  Syncer
	// Store gets the document registry; nil keeps only the index in
	// step, for a Dossier that posts no digests.
	Store state.Store
	// Interval is the time between two looks at the folder.
	Interval time.Duration
	// Clock is the system clock when nil.
	Clock Clock
	// Log is where changes and problems are reported; nil discards.
	Log *slog.Logger
}

// Watcher polls the corpus folder and, when files change, re-indexes the
// documents added, changed or removed and records them in the document
// registry (if it has one), so that they are answered from at once and
// appear in the next digest.
type Watcher struct {
	cfg WatcherConfig
	// indexed is the folder as last indexed, nil before the first
	// successful Poll; last is the latest look at it (settle.go).
	indexed, last look
	// waiting is whether a file has not settled yet, so that Run looks
	// again soon; holding is since when a rewritten file has held back
	// the sync, zero if none has.
	waiting bool
	holding time.Time
	// mu lets one Poll run at a time: Run's, or one for a document just
	// added, which must be searchable before the adder is told so;
	// written are files known to be whole (added.go).
	mu      sync.Mutex
	written map[string]bool
}

// NewWatcher returns a watcher; Run starts it.
func NewWatcher(cfg WatcherConfig) *Watcher {
	if cfg.Clock == nil {
		cfg.Clock = systemClock{}
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Watcher{cfg: cfg}
}

// Run polls the folder at once and then every Interval until ctx is
// cancelled, then returns nil. A failed poll is logged and tried again at
// the next one.
func (w *Watcher) Run(ctx context.Context) error {
	for {
		if _, err := w.Poll(ctx); err != nil && ctx.Err() == nil {
			w.cfg.Log.Error("corpus watch", "err", err)
		}
		next := w.cfg.Interval
		if w.settling() {
			next = min(next, settleTime)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-w.cfg.Clock.After(next):
		}
	}
}

// Poll looks at the folder once. When any file's size or modification
// time changed since the last successful Poll, it reads the corpus, syncs
// the index and records the changes in the registry, and returns them
// (without a registry, the index's changes). Files still being written
// wait until they settle (settle.go).
// A folder with no readable document is refused, leaving the index and
// the registry as they are: an emptied folder is far more likely a
// mistake, or a mount gone away, than a wish to forget everything.
// Polls run one at a time, so Poll may be called while Run polls.
func (w *Watcher) Poll(ctx context.Context) (state.Changes, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	cur, err := lookAt(w.cfg.Corpus)
	if err != nil {
		return state.Changes{}, fmt.Errorf("look at %s: %w", w.cfg.Name, err)
	}
	prev := w.last
	w.last, w.waiting = cur, false
	if w.indexed != nil && cur.same(w.indexed) {
		w.holding = time.Time{}
		return state.Changes{}, nil
	}
	now := w.cfg.Clock.Now()
	fresh, rewritten := unsettled(cur, prev, w.indexed, now)
	fresh, rewritten = w.unwritten(fresh), w.unwritten(rewritten)
	if len(rewritten) > 0 {
		if w.holding.IsZero() {
			w.holding = now
		}
		if now.Sub(w.holding) < maxHold {
			w.cfg.Log.Debug("corpus files still being written; indexing them once they settle", "corpus", w.cfg.Name,
				"files", len(rewritten), "first", rewritten[0])
			w.waiting = true
			return state.Changes{}, nil
		}
		w.cfg.Log.Warn("corpus files keep changing; indexing them as they are", "corpus", w.cfg.Name,
			"files", len(rewritten), "first", rewritten[0], "for", now.Sub(w.holding))
		fresh = nil
	}
	w.holding = time.Time{}
	// The folder is read as the sync and the registry go, twice rather
	// than held: a corpus need not fit in memory.
	f, err := corpus.OpenFolder(hide(w.cfg.Corpus, fresh), w.cfg.Folder...)
	if err != nil {
		return state.Changes{}, fmt.Errorf("load %s: %w", w.cfg.Name, err)
	}
	// The index first: a document the digest announces must be
	// searchable. After a crash between the two, the registry catches up
	// at the next Poll.
	ich, err := w.cfg.Index.SyncFrom(ctx, f, f.Synonyms, nil)
	for i, sk := range f.Skipped {
		if i == loggedIDs {
			w.cfg.Log.Warn("more corpus files skipped", "corpus", w.cfg.Name, "files", len(f.Skipped)-i)
			break
		}
		w.cfg.Log.Warn("corpus file skipped", "corpus", w.cfg.Name, "path", sk.Path, "err", sk.Err)
	}
	if errors.Is(err, index.ErrNoDocuments) {
		return state.Changes{}, fmt.Errorf("%s has no readable documents (.md, .txt, .html or .pdf); the index is kept as it was", w.cfg.Name)
	}
	if err != nil {
		return state.Changes{}, fmt.Errorf("re-index %s: %w", w.cfg.Name, err)
	}
	ch := state.Changes{Added: ich.Added, Changed: ich.Changed, Removed: ich.Removed}
	if w.cfg.Store != nil {
		if ch, err = w.cfg.Store.RecordDocuments(f, w.cfg.Clock.Now(), Lead); err != nil {
			return state.Changes{}, fmt.Errorf("record the documents of %s: %w", w.cfg.Name, err)
		}
	}
	w.indexed = cur.without(fresh)
	clear(w.written)
	w.waiting = len(fresh) > 0
	if !ch.Empty() {
		w.cfg.Log.Info("corpus changed", "corpus", w.cfg.Name, "added", idSample(ch.Added), "changed", idSample(ch.Changed), "removed", idSample(ch.Removed),
			"passages", ich.Passages, "took", ich.Took)
	}
	return ch, nil
}

// loggedIDs is how many document ids or files a log line names: a first
// index of a large corpus adds every document, and a line listing them
// all (186,762 characters for 10,000) breaks journald and Docker's logs.
const loggedIDs = 3

// idSample shows document ids in a log as their number and the first
// few: added.n=10000 added.first="[a b c]".
type idSample []string

func (s idSample) LogValue() slog.Value {
	attrs := []slog.Attr{slog.Int("n", len(s))}
	if len(s) > 0 {
		attrs = append(attrs, slog.Any("first", []string(s[:min(len(s), loggedIDs)])))
	}
	return slog.GroupValue(attrs...)
}
