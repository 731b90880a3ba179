package index

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"

	"github.com/dossier-bot/dossier/corpus"
)

// batchPassages bounds the memory one Bleve batch holds.
const batchPassages = 2000

// Sync brings the index in line with c: it indexes new documents,
// re-indexes changed ones (by content hash), and removes deleted ones.
// An index that is empty or was built by another version is rebuilt aside
// and swapped in. When ctx is cancelled Sync stops between batches and
// the index stays consistent; the next Sync finishes the work.
func (ix *Index) Sync(ctx context.Context, c *corpus.Corpus, progress Progress) (Changes, error) {
	start := time.Now()
	ix.syncMu.Lock()
	defer ix.syncMu.Unlock()

	ix.mu.RLock()
	if ix.bi == nil && !ix.stale {
		ix.mu.RUnlock()
		return Changes{}, fmt.Errorf("sync index %q: index is closed", ix.dir)
	}
	old := maps.Clone(ix.registry)
	full := ix.stale
	ix.mu.RUnlock()

	var ch Changes
	var todo []*corpus.Document
	seen := make(map[string]bool, len(c.Documents))
	for i := range c.Documents {
		d := &c.Documents[i]
		seen[d.ID] = true
		r, ok := old[d.ID]
		switch {
		case !ok:
			ch.Added = append(ch.Added, d.ID)
			todo = append(todo, d)
		case r.Doc.Hash != d.Hash || !sameMeta(r.Doc, *d):
			ch.Changed = append(ch.Changed, d.ID)
			todo = append(todo, d)
		default:
			ch.Unchanged++
			if full {
				todo = append(todo, d)
			}
		}
	}
	for id := range old {
		if !seen[id] {
			ch.Removed = append(ch.Removed, id)
		}
	}
	slices.Sort(ch.Removed)

	var err error
	if full {
		err = ix.rebuild(ctx, c, todo, progress)
	} else {
		err = ix.update(ctx, c, todo, ch.Removed, progress)
	}
	for _, d := range todo {
		ch.Passages += len(d.Passages)
	}
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

// sameMeta reports whether front matter that is shown to users is unchanged
// (the hash covers it too, but a changed slug rule must not go unnoticed).
func sameMeta(a, b corpus.Document) bool {
	return a.Title == b.Title && a.URL == b.URL && a.Publisher == b.Publisher && a.Published == b.Published && a.Path == b.Path
}

// rebuild indexes every document into a new generation and swaps it in.
func (ix *Index) rebuild(ctx context.Context, c *corpus.Corpus, docs []*corpus.Document, progress Progress) error {
	if ix.dir != "" {
		return ix.build(ctx, c, docs, progress)
	}
	bi, err := newMemBleve()
	if err != nil {
		return fmt.Errorf("create in-memory index: %w", err)
	}
	registry := map[string]docRecord{}
	avgLen := meanLength(ix.analyzer, c)
	w := writer{bi: bi, registry: registry, avgLen: avgLen}
	if err := w.setSynonyms(c.Synonyms); err != nil {
		bi.Close()
		return err
	}
	if err := w.index(ctx, docs, progress); err != nil {
		bi.Close()
		// The unfinished generation is deleted by the next Open or rebuild.
		return err
	}
	return ix.swap(bi, "", registry, c.Synonyms, avgLen)
}

// build makes a new on-disk generation with Bleve's offline builder, which
// writes sorted segments and merges them once instead of feeding batches
// through the live persister and merger: faster, in far less memory, and
// it leaves a single segment that is quick to search. The generation
// becomes live only when complete.
func (ix *Index) build(ctx context.Context, c *corpus.Corpus, docs []*corpus.Document, progress Progress) error {
	gen := genPrefix + strconv.FormatInt(time.Now().UnixNano(), 10)
	path := filepath.Join(ix.dir, gen)
	// The builder's scratch folder carries the generation prefix, so a
	// crash leaves nothing the next Open does not remove.
	scratch := path + ".build"
	if err := os.MkdirAll(scratch, 0o755); err != nil {
		return fmt.Errorf("build index generation %q: %w", gen, err)
	}
	defer os.RemoveAll(scratch)
	b, err := bleve.NewBuilder(path, newMapping(), map[string]interface{}{"buildPathPrefix": scratch, "batchSize": batchPassages})
	if err != nil {
		return fmt.Errorf("build index generation %q: %w", gen, err)
	}
	registry := make(map[string]docRecord, len(docs))
	for i, d := range docs {
		if err := ctx.Err(); err != nil {
			b.Close()
			os.RemoveAll(path)
			return err
		}
		for _, p := range d.Passages {
			if err := b.Index(p.ID, toPassageDoc(d, p)); err != nil {
				b.Close()
				os.RemoveAll(path)
				return fmt.Errorf("index passage %q: %w", p.ID, err)
			}
		}
		registry[d.ID] = newRecord(d)
		if progress != nil {
			progress(i+1, len(docs))
		}
	}
	if err := b.Close(); err != nil {
		os.RemoveAll(path)
		return fmt.Errorf("build index generation %q: %w", gen, err)
	}
	bi, err := bleve.OpenUsing(path, map[string]interface{}{"bolt_timeout": "1s"})
	if err != nil {
		return fmt.Errorf("open new index generation %q: %w", gen, err)
	}
	avgLen := meanLength(ix.analyzer, c)
	w := writer{bi: bi, registry: registry, avgLen: avgLen}
	if err := w.setSynonyms(c.Synonyms); err != nil {
		bi.Close()
		return err
	}
	if err := w.flush(); err != nil {
		bi.Close()
		return err
	}
	return ix.swap(bi, gen, registry, c.Synonyms, avgLen)
}

func toPassageDoc(d *corpus.Document, p corpus.Passage) passageDoc {
	return passageDoc{
		Text:    p.Text,
		Heading: p.Heading,
		Doc:     d.ID,
		Ord:     float64(p.Ordinal),
		Start:   float64(p.Start),
		End:     float64(p.End),
	}
}

// newRecord is what the registry keeps of d: its metadata, not its text.
func newRecord(d *corpus.Document) docRecord {
	meta := *d
	meta.Text, meta.Passages = "", nil
	return docRecord{Doc: meta, Passages: len(d.Passages)}
}

// update applies changes to the live generation in place.
func (ix *Index) update(ctx context.Context, c *corpus.Corpus, docs []*corpus.Document, removed []string, progress Progress) error {
	ix.mu.RLock()
	bi := ix.bi
	registry := maps.Clone(ix.registry)
	ix.mu.RUnlock()

	avgLen := meanLength(ix.analyzer, c)
	ix.mu.Lock()
	ix.avgLen = avgLen
	ix.mu.Unlock()
	w := writer{bi: bi, registry: registry, avgLen: avgLen, publish: func(reg map[string]docRecord) {
		ix.mu.Lock()
		ix.registry = reg
		ix.mu.Unlock()
	}}
	for _, id := range removed {
		w.remove(id)
	}
	if err := w.setSynonyms(c.Synonyms); err != nil {
		return err
	}
	ix.mu.Lock()
	ix.synonyms = c.Synonyms
	ix.mu.Unlock()
	return w.index(ctx, docs, progress)
}

// writer accumulates passages into Bleve batches that end on document
// boundaries, each carrying the registry as of its last document.
type writer struct {
	bi       bleve.Index
	registry map[string]docRecord
	batch    *bleve.Batch
	pending  int
	publish  func(map[string]docRecord)
	avgLen   float64
}

func (w *writer) ensureBatch() {
	if w.batch == nil {
		w.batch = w.bi.NewBatch()
	}
}

func (w *writer) remove(id string) {
	w.ensureBatch()
	if r, ok := w.registry[id]; ok {
		for i := range r.Passages {
			w.batch.Delete(corpus.PassageID(id, i))
		}
		w.pending += r.Passages
		delete(w.registry, id)
	}
}

func (w *writer) setSynonyms(syn [][]string) error {
	b, err := json.Marshal(syn)
	if err != nil {
		return err
	}
	w.ensureBatch()
	w.batch.SetInternal(keySynonyms, b)
	return nil
}

func (w *writer) index(ctx context.Context, docs []*corpus.Document, progress Progress) error {
	for i, d := range docs {
		if err := ctx.Err(); err != nil {
			return err
		}
		w.remove(d.ID)
		for _, p := range d.Passages {
			if err := w.batch.Index(p.ID, toPassageDoc(d, p)); err != nil {
				return fmt.Errorf("index passage %q: %w", p.ID, err)
			}
		}
		w.registry[d.ID] = newRecord(d)
		w.pending += len(d.Passages)
		if w.pending >= batchPassages {
			if err := w.flush(); err != nil {
				return err
			}
		}
		if progress != nil {
			progress(i+1, len(docs))
		}
	}
	return w.flush()
}

func (w *writer) flush() error {
	if w.batch == nil {
		return nil
	}
	reg, err := json.Marshal(w.registry)
	if err != nil {
		return err
	}
	w.batch.SetInternal(keyRegistry, reg)
	w.batch.SetInternal(keyAvgLen, []byte(strconv.FormatFloat(w.avgLen, 'f', -1, 64)))
	w.batch.SetInternal(keySchema, []byte(schemaVersion))
	if err := w.bi.Batch(w.batch); err != nil {
		return fmt.Errorf("write batch: %w", err)
	}
	w.batch, w.pending = nil, 0
	if w.publish != nil {
		w.publish(maps.Clone(w.registry))
	}
	return nil
}

func sortDocInfos(ds []DocInfo) {
	slices.SortFunc(ds, func(a, b DocInfo) int {
		if c := strings.Compare(strings.ToLower(a.Title), strings.ToLower(b.Title)); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}

// lengthSample bounds how many passages meanLength analyses.
const lengthSample = 2000

// meanLength estimates the mean tokens per passage, with its heading and
// title, as re-ranking's BM25 counts them, from an even sample of the
// corpus: analysing everything twice would slow indexing for a figure a
// sample gives within a percent.
func meanLength(a analysis.Analyzer, c *corpus.Corpus) float64 {
	total := 0
	for _, d := range c.Documents {
		total += len(d.Passages)
	}
	step := max(1, total/lengthSample)
	tokens, n, i := 0, 0, 0
	for _, d := range c.Documents {
		title := -1
		for _, p := range d.Passages {
			if i%step == 0 {
				if title < 0 {
					title = len(a.Analyze([]byte(d.Title)))
				}
				tokens += title + len(a.Analyze([]byte(p.Text))) + len(a.Analyze([]byte(p.Heading)))
				n++
			}
			i++
		}
	}
	if n == 0 {
		return 1
	}
	return float64(tokens) / float64(n)
}
