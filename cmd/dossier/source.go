package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/corpus/extract"
	"github.com/dossier-bot/dossier/corpus/ingest"
	"github.com/dossier-bot/dossier/index"
)

// indexDir is where the on-disk index lives inside the data folder.
func indexDir(data string) string { return filepath.Join(data, "index") }

// corpusFS is the corpus folder, or the built-in corpus when none is set,
// and its name for people.
func corpusFS(src *sources) (fs.FS, string, error) {
	if src.corpus == "" {
		return corpus.Builtin(), "the built-in corpus", nil
	}
	info, err := os.Stat(src.corpus)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, "", fmt.Errorf("corpus folder %q (from %s) does not exist", src.corpus, src.corpusFrom)
	case err != nil:
		return nil, "", fmt.Errorf("corpus folder %q (from %s): %w", src.corpus, src.corpusFrom, err)
	case !info.IsDir():
		return nil, "", fmt.Errorf("corpus %q (from %s) is not a folder", src.corpus, src.corpusFrom)
	}
	return os.DirFS(src.corpus), fmt.Sprintf("corpus folder %q", src.corpus), nil
}

// loadCorpus reads the corpus into memory and warns about every file it
// had to skip.
func loadCorpus(src *sources, stderr io.Writer) (*corpus.Corpus, error) {
	fsys, name, err := corpusFS(src)
	if err != nil {
		return nil, err
	}
	c, err := corpus.Load(fsys, folderOptions(src)...)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", name, err)
	}
	warnSkipped(stderr, c.Skipped)
	if len(c.Documents) == 0 {
		return nil, noDocuments(name)
	}
	return c, nil
}

// folderOptions are how the corpus folder is read: its web pages and
// PDFs are converted to Markdown, each once, the conversions kept in
// DATA/extracted (with no data folder, converted at every read).
func folderOptions(src *sources) []corpus.Option {
	return []corpus.Option{corpus.Convert(extractCache(src), extract.Extensions...)}
}

// extractCache converts the corpus folder's web pages and PDFs, keeping
// the conversions in DATA/extracted, or nowhere without a data folder.
func extractCache(src *sources) *extract.Cache {
	if src.data == "" {
		return extract.NewCache("")
	}
	return extract.NewCache(filepath.Join(src.data, "extracted"))
}

// addOptions are how dossier add and /add look for duplicates in the
// corpus folder: its web pages read through the conversions the corpus
// keeps, and what each file holds recorded in DATA/corpus-prints, so that
// an add reads only the files changed since the last one rather than the
// whole folder. Without a data folder, a process reads it all once.
func addOptions(src *sources) []ingest.Option {
	if src.data == "" {
		return nil
	}
	return []ingest.Option{ingest.Convert(extractCache(src)), ingest.Record(filepath.Join(src.data, "corpus-prints"))}
}

func warnSkipped(stderr io.Writer, skipped []corpus.FileError) {
	for _, s := range skipped {
		fmt.Fprintf(stderr, "dossier: warning: skipped %s: %v\n", s.Path, s.Err)
	}
}

// noDocuments refuses a corpus with nothing to index: syncing it would
// empty the index, far more likely a wrong folder than a wish.
func noDocuments(name string) error {
	return fmt.Errorf("%s has no readable documents (.md, .txt, .html or .pdf)", name)
}

// openCorpus lists the corpus folder without reading its documents, for
// indexing corpora larger than memory. Its documents are read as Each
// reaches them; the index and the registry refuse a corpus none of whose
// files could be read (see nothingRead), before removing anything.
func openCorpus(src *sources) (*corpus.Folder, error) {
	fsys, name, err := corpusFS(src)
	if err != nil {
		return nil, err
	}
	f, err := corpus.OpenFolder(fsys, folderOptions(src)...)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", name, err)
	}
	if f.Len() == 0 {
		return nil, noDocuments(name)
	}
	return f, nil
}

// nothingRead is the index's or the registry's refusal of a corpus with
// no documents told as which corpus had nothing readable, and err as it
// is otherwise.
func nothingRead(err error, src *sources) error {
	if errors.Is(err, index.ErrNoDocuments) || errors.Is(err, state.ErrNoDocuments) {
		return noDocuments(corpusName(src))
	}
	return err
}

// syncFolder brings ix in line with the corpus folder f, read as it goes,
// with a progress bar on stderr and a warning for each file skipped.
func syncFolder(ctx context.Context, ix *index.Index, f *corpus.Folder, src *sources, stderr io.Writer) (index.Changes, error) {
	bar := newProgress(stderr, "indexing")
	ch, err := ix.SyncFrom(ctx, f, f.Synonyms, bar.update)
	bar.finish()
	warnSkipped(stderr, f.Skipped)
	if err != nil {
		return ch, nothingRead(err, src)
	}
	return ch, nil
}

// checkData fails when the data folder is there but is not a folder; one
// that is not there yet is fine.
func checkData(src *sources) error {
	info, err := os.Stat(src.data)
	if err == nil && !info.IsDir() {
		return fmt.Errorf("data folder %q (from %s) is not a folder", src.data, src.dataFrom)
	}
	return nil
}

// openDisk opens (creating if needed) the on-disk index in dir. An index
// held by another process fails with a *lockedIndexError.
func openDisk(dir string) (*index.Index, error) {
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return nil, fmt.Errorf("create data folder %q: %w", filepath.Dir(dir), err)
	}
	ix, err := index.Open(dir)
	if errors.Is(err, index.ErrLocked) {
		return nil, &lockedIndexError{dir: dir, err: err}
	}
	if err != nil {
		return nil, fmt.Errorf("open index %q: %w", dir, err)
	}
	return ix, nil
}

// openReader opens the on-disk index in dir for a command that only reads
// it. It writes nothing there, and may share the index with other readers
// but not with a process that writes it.
func openReader(dir string) (*index.Index, error) {
	ix, err := index.OpenReadOnly(dir)
	if errors.Is(err, index.ErrLocked) {
		return nil, &lockedIndexError{dir: dir, err: err}
	}
	return ix, err
}

// lockedIndexError is an index held by another dossier process, told as
// what to do about it.
type lockedIndexError struct {
	dir string
	err error
}

func (e *lockedIndexError) Error() string {
	return fmt.Sprintf("the index in %s is in use by another dossier process (stop it or use another --data folder)", e.dir)
}

func (e *lockedIndexError) Unwrap() error { return e.err }

// answerIndex returns the index that ask and eval answer from: the on-disk
// index of the data folder as it is, when one has been built there, or
// else a fresh in-memory index of the corpus.
func answerIndex(ctx context.Context, src *sources, stderr io.Writer, log *slog.Logger) (*index.Index, error) {
	if src.data != "" {
		if err := checkData(src); err != nil {
			return nil, err
		}
		dir := indexDir(src.data)
		_, err := os.Stat(dir)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("open index %q: %w", dir, err)
		}
		if err == nil {
			ix, err := openReader(dir)
			if err == nil {
				if src.corpus != "" && src.corpusFrom == "--corpus" {
					fmt.Fprintf(stderr, "dossier: answering from the index in %s as it is; run dossier index to bring %s into it\n", dir, src.corpus)
				}
				if ix.NeedsBuild() {
					fmt.Fprintf(stderr, "dossier: the index in %s was built by another version of dossier; run dossier index --data %s to rebuild it\n", dir, src.data)
				}
				log.Debug("answering from the on-disk index", "dir", dir)
				return ix, nil
			}
			if errors.Is(err, index.ErrIncomplete) {
				return nil, fmt.Errorf("the index in %s is incomplete: its first build did not finish; run dossier index --data %s to build it", dir, src.data)
			}
			if !errors.Is(err, index.ErrNotBuilt) {
				return nil, err
			}
		}
		fmt.Fprintf(stderr, "dossier: no index in %s yet (build one with: dossier index --data %s); indexing in memory for now\n", src.data, src.data)
	}
	f, err := openCorpus(src)
	if err != nil {
		return nil, err
	}
	ix, err := index.NewMemory()
	if err != nil {
		return nil, fmt.Errorf("create in-memory index: %w", err)
	}
	ch, err := syncFolder(ctx, ix, f, src, stderr)
	if err != nil {
		ix.Close()
		return nil, fmt.Errorf("index %s in memory: %w", corpusName(src), err)
	}
	log.Debug("indexed in memory", "documents", len(ch.Added), "passages", ch.Total, "took", ch.Took)
	return ix, nil
}
