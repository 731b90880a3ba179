package index

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/dossier-bot/dossier/corpus"
)

// batchPassages bounds the memory one Bleve batch holds.
const batchPassages = 2000

// sink is where a sync writes the documents it (re)indexes.
type sink interface {
	add(d *corpus.Document) error
	// finish removes the documents gone from the corpus, records the
	// synonyms and mean passage length, and makes the result live.
	finish(removed []string, synonyms [][]string, avgLen float64) error
	// abort gives up, leaving the live index consistent.
	abort()
}

// generation is a new on-disk index built with Bleve's offline builder,
// which writes sorted segments and merges them once instead of feeding
// batches through the live persister and merger: faster, in far less
// memory, and it leaves a single segment that is quick to search. It
// becomes live only when complete.
type generation struct {
	ix            *Index
	gen           string
	path, scratch string
	b             bleve.Builder
	registry      map[string]docRecord
	passages      int
}

func (ix *Index) newGeneration() (*generation, error) {
	gen := genPrefix + strconv.FormatInt(time.Now().UnixNano(), 10)
	g := &generation{ix: ix, gen: gen, path: filepath.Join(ix.dir, gen), registry: map[string]docRecord{}}
	// The builder's scratch folder carries the generation prefix, so a
	// crash leaves nothing the next Open does not remove.
	g.scratch = g.path + ".build"
	if err := os.MkdirAll(g.scratch, 0o755); err != nil {
		return nil, fmt.Errorf("build index generation %q: %w", gen, err)
	}
	b, err := bleve.NewBuilder(g.path, newMapping(), map[string]interface{}{"buildPathPrefix": g.scratch, "batchSize": batchPassages})
	if err != nil {
		os.RemoveAll(g.scratch)
		return nil, fmt.Errorf("build index generation %q: %w", gen, err)
	}
	g.b = b
	return g, nil
}

func (g *generation) add(d *corpus.Document) error {
	for _, p := range d.Passages {
		if err := g.b.Index(p.ID, toPassageDoc(d, p)); err != nil {
			return fmt.Errorf("index passage %q: %w", p.ID, err)
		}
	}
	g.passages += len(d.Passages)
	g.registry[d.ID] = newRecord(d)
	return nil
}

func (g *generation) abort() {
	// Bleve's builder panics closing with nothing built; unclosed, it
	// holds nothing but the scratch files removed here.
	if g.passages > 0 {
		g.b.Close()
	}
	os.RemoveAll(g.path)
	os.RemoveAll(g.scratch)
}

func (g *generation) finish(_ []string, synonyms [][]string, avgLen float64) error {
	defer os.RemoveAll(g.scratch)
	if err := g.b.Close(); err != nil {
		os.RemoveAll(g.path)
		return fmt.Errorf("build index generation %q: %w", g.gen, err)
	}
	bi, err := bleve.OpenUsing(g.path, map[string]interface{}{"bolt_timeout": "1s"})
	if err != nil {
		return fmt.Errorf("open new index generation %q: %w", g.gen, err)
	}
	w := writer{bi: bi, registry: g.registry, avgLen: avgLen}
	if err := w.setSynonyms(synonyms); err != nil {
		bi.Close()
		return err
	}
	if err := w.flush(); err != nil {
		bi.Close()
		return err
	}
	return g.ix.swap(bi, g.gen, g.registry, synonyms, avgLen)
}

// liveSink writes through Bleve batches, either into a new in-memory
// index swapped in at the end or into the live index in place.
type liveSink struct {
	ix    *Index
	w     writer
	fresh bool // a new index, not the live one
}

func (ix *Index) newMemGeneration() (*liveSink, error) {
	bi, err := newMemBleve()
	if err != nil {
		return nil, fmt.Errorf("create in-memory index: %w", err)
	}
	return &liveSink{ix: ix, w: writer{bi: bi, registry: map[string]docRecord{}}, fresh: true}, nil
}

func (ix *Index) inPlace() *liveSink {
	ix.mu.RLock()
	s := &liveSink{ix: ix, w: writer{bi: ix.bi, registry: maps.Clone(ix.registry), avgLen: ix.avgLen}}
	ix.mu.RUnlock()
	// Each batch publishes the registry as of its last document, so
	// questions asked during an update see only whole documents.
	s.w.publish = func(reg map[string]docRecord) {
		ix.mu.Lock()
		ix.registry = reg
		ix.mu.Unlock()
	}
	return s
}

func (s *liveSink) add(d *corpus.Document) error { return s.w.add(d) }

func (s *liveSink) abort() {
	if s.fresh {
		s.w.bi.Close()
		return
	}
	// What was written stays: every batch ended on a whole document.
	s.w.flush()
}

func (s *liveSink) finish(removed []string, synonyms [][]string, avgLen float64) error {
	for _, id := range removed {
		s.w.remove(id)
	}
	s.w.avgLen = avgLen
	if err := s.w.setSynonyms(synonyms); err != nil {
		s.abort()
		return err
	}
	if err := s.w.flush(); err != nil {
		s.abort()
		return err
	}
	if s.fresh {
		return s.ix.swap(s.w.bi, "", s.w.registry, synonyms, avgLen)
	}
	s.ix.mu.Lock()
	s.ix.synonyms, s.ix.avgLen = synonyms, avgLen
	s.ix.mu.Unlock()
	return nil
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
	// Cloned: parsed front matter is cut from the file's text, and a
	// record holding a substring would keep the whole file in memory
	// for as long as the index is open (400 MB at 100,000 files).
	meta := corpus.Document{
		ID: strings.Clone(d.ID), Path: strings.Clone(d.Path), Title: strings.Clone(d.Title),
		URL: strings.Clone(d.URL), Publisher: strings.Clone(d.Publisher), Author: strings.Clone(d.Author),
		Published: strings.Clone(d.Published), Hash: strings.Clone(d.Hash),
	}
	return docRecord{Doc: meta, Passages: len(d.Passages)}
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

func (w *writer) add(d *corpus.Document) error {
	w.remove(d.ID)
	for _, p := range d.Passages {
		if err := w.batch.Index(p.ID, toPassageDoc(d, p)); err != nil {
			return fmt.Errorf("index passage %q: %w", p.ID, err)
		}
	}
	w.registry[d.ID] = newRecord(d)
	w.pending += len(d.Passages)
	if w.pending >= batchPassages {
		return w.flush()
	}
	return nil
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
