package extract

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/dossier-bot/dossier/corpus"
)

// Extensions are the file types of a corpus folder that Cache converts;
// .md and .txt files are read as they are.
var Extensions = corpus.Extensions(KindHTML, KindPDF)

// version names the extraction's output: a change to what Markdown writes
// for the same file bumps it, so that cached conversions are redone.
const version = "1"

// Cache converts the web pages and PDFs of a corpus folder to Markdown
// (it is a corpus.Converter) and keeps each result in a folder, keyed by
// a hash of the file's content, so that re-indexing an unchanged folder,
// even after a restart, converts nothing again. Failures are kept too: a
// scanned PDF is not re-read at every look at the folder.
type Cache struct {
	dir       string
	converted atomic.Int64
}

// NewCache returns a Cache keeping its conversions in dir, which it
// creates when it first writes; with dir "" it keeps nothing.
func NewCache(dir string) *Cache { return &Cache{dir: dir} }

// Converted is how many files this Cache has converted rather than found
// converted already.
func (c *Cache) Converted() int64 { return c.converted.Load() }

// Convert converts one file, or returns its kept conversion.
func (c *Cache) Convert(path string, raw []byte) ([]byte, error) {
	if c.dir == "" {
		c.converted.Add(1)
		return Markdown(path, "", raw)
	}
	sum := sha256.Sum256(raw)
	key := hex.EncodeToString(sum[:])
	file := filepath.Join(c.dir, "v"+version, key[:2], key)
	if md, err := os.ReadFile(file + ".md"); err == nil {
		return md, nil
	}
	if kept, err := os.ReadFile(file + ".err"); err == nil {
		return nil, keptError(path, string(kept))
	}
	c.converted.Add(1)
	md, err := Markdown(path, "", raw)
	if err != nil {
		// Only what the file itself causes is kept; a file that could not
		// be read for other reasons is tried again.
		if kind := errorKind(err); kind != "" {
			_ = writeAtomic(file+".err", []byte(kind+"\n"+errorDetail(path, err)))
		}
		return nil, err
	}
	// A cache that cannot be written costs only a conversion next time.
	_ = writeAtomic(file+".md", md)
	return md, nil
}

func errorKind(err error) string {
	for kind, e := range kinds {
		if errors.Is(err, e) {
			return kind
		}
	}
	return ""
}

// kinds are the failures kept, by the name they are kept under.
var (
	kinds = map[string]error{"scanned": ErrScanned, "unsupported": ErrUnsupported, "notext": ErrNoText, "malformed": ErrMalformed,
		"encrypted": ErrEncrypted}
)

// errorDetail is the error without the file name it began with, which
// may differ the next time the same content is met.
func errorDetail(path string, err error) string {
	return strings.TrimPrefix(err.Error(), fmt.Sprintf("extract %q: ", path))
}

// keptError is a failure read back from the cache: the same words, and
// the same sentinel for errors.Is.
func keptError(path, kept string) error {
	kind, detail, _ := strings.Cut(kept, "\n")
	sentinel, ok := kinds[kind]
	if !ok {
		sentinel = ErrMalformed
	}
	return &cachedError{msg: fmt.Sprintf("extract %q: %s", path, detail), err: sentinel}
}

type cachedError struct {
	msg string
	err error
}

func (e *cachedError) Error() string { return e.msg }
func (e *cachedError) Unwrap() error { return e.err }

// writeAtomic writes a file whole or not at all: to a temporary file,
// synced, then renamed over the name, so that a crash leaves no torn
// conversion to be read back.
func writeAtomic(name string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}
