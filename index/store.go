package index

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/index/lexicon"
)

// An on-disk index is a folder holding:
//
//	LOCK      flock held exclusively by the one process that may write the
//	          index, or shared by those that only read it (OpenReadOnly)
//	CURRENT   the name of the live generation, replaced atomically
//	gen-N/    Bleve index folders; only the one CURRENT names is live
//
// A full build goes into a new generation beside the live one and becomes
// live by renaming CURRENT, so a crash mid-build leaves the old index in
// place. Incremental updates are applied to the live generation in Bleve
// batches that each carry the document registry for exactly the documents
// they complete, so a crash between batches leaves a consistent index that
// the next Sync finishes.
const (
	lockFile    = "LOCK"
	currentFile = "CURRENT"
	genPrefix   = "gen-"
)

// Internal keys stored beside the passages.
var (
	keySchema   = []byte("schema")
	keyRegistry = []byte("docs")
	keySynonyms = []byte("synonyms")
	keyAvgLen   = []byte("avglen")
)

// Index is a searchable index of passages. It is safe for concurrent use;
// questions are answered while a Sync runs.
type Index struct {
	dir      string   // "" for an in-memory index
	lock     *os.File // flock held while open
	readOnly bool     // opened by OpenReadOnly: nothing under dir is written

	syncMu sync.Mutex // one Sync at a time

	mu       sync.RWMutex
	bi       bleve.Index
	gen      string
	registry map[string]docRecord
	synonyms [][]string
	stale    bool    // the live generation must be rebuilt (empty or old schema)
	avgLen   float64 // mean tokens per passage, for BM25

	analyzer *termAnalyzer
	lexicon  relatedWords

	orScratch sync.Pool // of *orScratch, for rankOR
	toks      sync.Pool // of *[]ptoken, a question's tokens (vocabulary.toks)
	// passageDocs is shared by the Index's generations: it keys what it
	// keeps by segment.
	passageDocs passageDocs
}

// docRecord is what the index remembers of a document.
type docRecord struct {
	Doc      corpus.Document `json:"doc"` // metadata only
	Passages int             `json:"passages"`
}

// NewMemory returns an empty in-memory index; Sync fills it.
func NewMemory() (*Index, error) {
	bi, err := newMemBleve()
	if err != nil {
		return nil, fmt.Errorf("create in-memory index: %w", err)
	}
	lex, err := lexicon.Load()
	if err != nil {
		return nil, fmt.Errorf("create in-memory index: %w", err)
	}
	return &Index{bi: bi, registry: map[string]docRecord{}, stale: true, analyzer: newAnalyzer(), lexicon: lex}, nil
}

// Open opens the on-disk index in dir for reading and writing, creating
// dir if needed. It fails at once with an error wrapping ErrLocked when
// another process has it open.
func Open(dir string) (*Index, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("open index %q: %w", dir, err)
	}
	return open(dir, false)
}

func (ix *Index) releaseLock() {
	if ix.lock != nil {
		syscall.Flock(int(ix.lock.Fd()), syscall.LOCK_UN)
		ix.lock.Close()
		ix.lock = nil
	}
}

// openCurrent opens the live generation, if any, and, unless the index is
// read-only, removes generations a crashed build left behind.
func (ix *Index) openCurrent() error {
	cur, err := os.ReadFile(filepath.Join(ix.dir, currentFile))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("open index %q: %w", ix.dir, err)
	}
	gen := strings.TrimSpace(string(cur))
	if !ix.readOnly {
		if err := ix.removeGenerationsExcept(gen); err != nil {
			return err
		}
	}
	if gen == "" {
		if !ix.readOnly {
			return nil
		}
		if ix.buildStarted() {
			return fmt.Errorf("open index %q: %w", ix.dir, ErrIncomplete)
		}
		return fmt.Errorf("open index %q: %w", ix.dir, ErrNotBuilt)
	}
	bi, err := bleve.OpenUsing(filepath.Join(ix.dir, gen), map[string]interface{}{
		// Never wait on another opener: our own lock already excludes
		// every one Bolt's lock of root.bolt would wait for.
		"bolt_timeout": "1s",
		// No persister or merger, and root.bolt opened read-only.
		"read_only": ix.readOnly,
	})
	if err != nil {
		return fmt.Errorf("open index %q: %w", ix.dir, err)
	}
	schema, err := bi.GetInternal(keySchema)
	if err != nil {
		bi.Close()
		return fmt.Errorf("open index %q: %w", ix.dir, err)
	}
	ix.bi, ix.gen = bi, gen
	if string(schema) != schemaVersion {
		// Built by another version of Dossier: searchable until the next
		// Sync rebuilds it, but its registry cannot be trusted.
		return nil
	}
	if err := ix.loadInternal(bi); err != nil {
		return fmt.Errorf("open index %q: %w", ix.dir, err)
	}
	ix.stale = len(ix.registry) == 0
	return nil
}

func (ix *Index) loadInternal(bi bleve.Index) error {
	reg, err := bi.GetInternal(keyRegistry)
	if err != nil {
		return err
	}
	registry := map[string]docRecord{}
	if len(reg) > 0 {
		if registry, err = decodeRegistry(reg); err != nil {
			return fmt.Errorf("read document registry: %w", err)
		}
	}
	syn, err := bi.GetInternal(keySynonyms)
	if err != nil {
		return err
	}
	var synonyms [][]string
	if len(syn) > 0 {
		if err := json.Unmarshal(syn, &synonyms); err != nil {
			return fmt.Errorf("read synonyms: %w", err)
		}
	}
	avg, err := bi.GetInternal(keyAvgLen)
	if err != nil {
		return err
	}
	avgLen, err := parseAvgLen(avg, len(registry))
	if err != nil {
		return err
	}
	ix.registry, ix.synonyms, ix.avgLen = registry, synonyms, avgLen
	return nil
}

// parseAvgLen reads the stored mean passage length. Read as 0, a corrupt
// value would score every passage as if it were enormous, silently, so
// it is an error; only an index holding no documents may lack it.
func parseAvgLen(b []byte, docs int) (float64, error) {
	if len(b) == 0 && docs == 0 {
		return 0, nil
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err == nil && (math.IsNaN(v) || math.IsInf(v, 0) || v < 0) {
		err = errors.New("not a length")
	}
	if err != nil {
		return 0, fmt.Errorf("read mean passage length %q: %w", b, err)
	}
	return v, nil
}

// buildStarted reports whether a build left a generation behind in the
// index's folder.
func (ix *Index) buildStarted() bool {
	entries, _ := os.ReadDir(ix.dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), genPrefix) {
			return true
		}
	}
	return false
}

func (ix *Index) removeGenerationsExcept(keep string) error {
	entries, err := os.ReadDir(ix.dir)
	if err != nil {
		return fmt.Errorf("open index %q: %w", ix.dir, err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), genPrefix) && e.Name() != keep {
			if err := os.RemoveAll(filepath.Join(ix.dir, e.Name())); err != nil {
				return fmt.Errorf("remove old index generation %q: %w", e.Name(), err)
			}
		}
	}
	return nil
}

// newMemBleve creates an empty in-memory Bleve index. It must go through
// NewUsing with scorch: bleve.NewMemOnly silently scores with tf-idf.
func newMemBleve() (bleve.Index, error) {
	return bleve.NewUsing("", newMapping(), scorch.Name, scorch.Name, nil)
}

// swap makes a fully built generation live.
func (ix *Index) swap(bi bleve.Index, gen string, registry map[string]docRecord, synonyms [][]string, avgLen float64) error {
	if ix.dir != "" {
		tmp := filepath.Join(ix.dir, currentFile+".tmp")
		if err := writeFileSync(tmp, []byte(gen+"\n")); err != nil {
			return fmt.Errorf("swap index generation: %w", err)
		}
		if err := os.Rename(tmp, filepath.Join(ix.dir, currentFile)); err != nil {
			return fmt.Errorf("swap index generation: %w", err)
		}
		syncDir(ix.dir)
	}
	ix.mu.Lock()
	old, oldGen := ix.bi, ix.gen
	ix.bi, ix.gen, ix.registry, ix.synonyms, ix.stale = bi, gen, registry, synonyms, false
	ix.avgLen = avgLen
	ix.mu.Unlock()
	if old != nil {
		// In-flight searches hold their own snapshot, so closing is safe.
		old.Close()
	}
	if ix.dir != "" && oldGen != "" {
		os.RemoveAll(filepath.Join(ix.dir, oldGen))
	}
	return nil
}

func writeFileSync(path string, data []byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// NeedsBuild reports whether the index has nothing to answer from until a
// Sync builds it: it is new, empty, or was built by another version.
// Otherwise questions are answered while a Sync brings it up to date.
func (ix *Index) NeedsBuild() bool {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.stale
}

// Documents lists the indexed documents, sorted by title.
func (ix *Index) Documents() []DocInfo {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	out := make([]DocInfo, 0, len(ix.registry))
	for _, r := range ix.registry {
		out = append(out, DocInfo{Document: r.Doc, Passages: r.Passages})
	}
	sortDocInfos(out)
	return out
}

// Close releases the index and its lock.
func (ix *Index) Close() error {
	ix.syncMu.Lock()
	defer ix.syncMu.Unlock()
	ix.mu.Lock()
	bi := ix.bi
	ix.bi = nil
	ix.mu.Unlock()
	var err error
	if bi != nil {
		if cerr := bi.Close(); cerr != nil {
			err = fmt.Errorf("close index %q: %w", ix.dir, cerr)
		}
	}
	ix.releaseLock()
	return err
}
