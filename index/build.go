package index

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/dossier-bot/dossier/corpus"
)

// batchPassages bounds the memory one Bleve batch holds.
const batchPassages = 2000

// The offline builder writes a segment every builderBatch passages and
// merges them builderMergeMax at a time when it closes, holding that many
// open. At 500,000 passages, segments of 5,000 merged all at once took
// 5 s, against 13 s for segments of 2,000 merged ten at a time.
const (
	builderBatch    = 5000
	builderMergeMax = 100
)

// sink is where a sync writes the documents it (re)indexes.
type sink interface {
	add(d *corpus.Document) error
	// finish removes the documents gone from the corpus, records the
	// synonyms and mean passage length, and makes the result live.
	finish(removed []string, synonyms [][]string, avgLen float64) error
	// abort gives up, leaving the live index consistent; its error says
	// what could not be kept or cleaned up.
	abort() error
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
	pipe          *pipeline // nil when the builder analyses
	// Written by the pipeline's writer until it stops.
	registry map[string]docRecord
	passages int
}

// newGeneration starts a build that analyses passages on workers
// goroutines (see pipeline), or, when workers is 0, in the builder as it
// is written, as Bleve does: the serial build the parallel one is tested
// against.
func (ix *Index) newGeneration(workers int) (*generation, error) {
	gen := genPrefix + strconv.FormatInt(time.Now().UnixNano(), 10)
	g := &generation{ix: ix, gen: gen, path: filepath.Join(ix.dir, gen), registry: map[string]docRecord{}}
	// The builder's scratch folder carries the generation prefix, so a
	// crash leaves nothing the next Open does not remove.
	g.scratch = g.path + ".build"
	if err := os.MkdirAll(g.scratch, 0o755); err != nil {
		return nil, fmt.Errorf("build index generation %q: %w", gen, err)
	}
	m := newMapping()
	var bm mapping.IndexMapping = m
	if workers > 0 {
		bm = preMapped{m}
	}
	b, err := bleve.NewBuilder(g.path, bm, map[string]interface{}{
		"buildPathPrefix": g.scratch, "batchSize": builderBatch, "mergeMax": builderMergeMax,
	})
	if err != nil {
		os.RemoveAll(g.scratch)
		return nil, fmt.Errorf("build index generation %q: %w", gen, err)
	}
	g.b = b
	if workers > 0 {
		g.pipe = startPipeline(workers, mapper{m: m, slow: m.AnalyzerNamed(analyzerName)}, g.write)
	}
	return g, nil
}

func (g *generation) add(d *corpus.Document) error {
	if g.pipe != nil {
		return g.pipe.add(d)
	}
	for _, p := range d.Passages {
		if err := g.b.Index(p.ID, toPassageDoc(d, p)); err != nil {
			return fmt.Errorf("index passage %q: %w", p.ID, err)
		}
	}
	g.passages += len(d.Passages)
	g.registry[d.ID] = newRecord(d)
	return nil
}

// write gives the builder a document the pipeline has analysed.
func (g *generation) write(j *buildJob) error {
	for _, doc := range j.mapped {
		if err := g.b.Index(doc.ID(), doc); err != nil {
			return fmt.Errorf("index passage %q: %w", doc.ID(), err)
		}
	}
	g.passages += len(j.mapped)
	g.registry[j.doc.ID] = newRecord(&j.doc)
	return nil
}

func (g *generation) abort() error {
	if g.pipe != nil {
		g.pipe.abandon()
	}
	// Unclosed, Bleve's builder holds nothing but the scratch files
	// removed here; closing it would merge them first.
	return errors.Join(os.RemoveAll(g.path), os.RemoveAll(g.scratch))
}

func (g *generation) finish(_ []string, synonyms [][]string, avgLen float64) error {
	if g.pipe != nil {
		if err := g.pipe.stop(); err != nil {
			return errors.Join(err, g.abort())
		}
	}
	defer os.RemoveAll(g.scratch)
	// Closing merges the segments, mapping every one into memory: what
	// the build left for the collector would otherwise stay resident
	// beside them (peak 822 rather than 630 MB building 500,000
	// passages from a folder).
	debug.FreeOSMemory()
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

func (s *liveSink) abort() error {
	if s.fresh {
		return s.w.bi.Close()
	}
	// What was read before the failure is kept: every batch ends on a
	// whole document. If that write fails too, the caller must hear it,
	// or it would report the work up to the failure as saved.
	if err := s.w.flush(); err != nil {
		return fmt.Errorf("keep the documents indexed so far: %w", err)
	}
	return nil
}

func (s *liveSink) finish(removed []string, synonyms [][]string, avgLen float64) error {
	for _, id := range removed {
		s.w.remove(id)
	}
	s.w.avgLen = avgLen
	if err := s.w.setSynonyms(synonyms); err != nil {
		return errors.Join(err, s.abort())
	}
	if err := s.w.flush(); err != nil {
		if s.fresh {
			return errors.Join(err, s.abort())
		}
		// Flushing again would fail the same way.
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
		Page:    float64(p.Page),
		Last:    float64(p.LastPage),
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
