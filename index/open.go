package index

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/dossier-bot/dossier/index/lexicon"
)

// ErrReadOnly is returned by Sync and SyncFrom on an index opened with
// OpenReadOnly.
var ErrReadOnly = errors.New("the index was opened read-only")

// ErrNotBuilt is returned by OpenReadOnly for a folder no index has been
// built in yet: a reader cannot build one.
var ErrNotBuilt = errors.New("no index has been built there yet")

// ErrIncomplete is returned by OpenReadOnly for a folder whose first
// build was started but did not finish (interrupted, or still running
// elsewhere): there is nothing to answer from until one finishes.
var ErrIncomplete = errors.New("the index's first build did not finish")

// OpenReadOnly opens the on-disk index in dir for questions only, writing
// nothing under dir: a writable open re-persists the live snapshot, and
// with it the whole document registry, so root.bolt grew by the
// registry's size (31 MB at 100,000 documents) on every open.
//
// Any number of readers may hold an index at once; it fails at once with
// an error wrapping ErrLocked while a process that writes it (serve,
// index) has it open, since Bolt's lock of root.bolt cannot be shared
// with a writer, and a writer's merges delete files a reader would still
// be reading. Sync and SyncFrom must not be called on it.
func OpenReadOnly(dir string) (*Index, error) {
	// Checked first: taking the lock would create the folder's lock file.
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("open index %q: %w", dir, err)
	}
	return open(dir, true)
}

// open opens the index in dir, loading the lexicon meanwhile: the two are
// independent and both lie between starting and the first answer.
func open(dir string, readOnly bool) (*Index, error) {
	type loaded struct {
		lex *lexicon.Lexicon
		err error
	}
	lexc := make(chan loaded, 1)
	go func() {
		lex, err := lexicon.Load()
		lexc <- loaded{lex, err}
	}()
	lock, err := lockIndex(dir, readOnly)
	if err != nil {
		return nil, err
	}
	ix := &Index{dir: dir, lock: lock, readOnly: readOnly, registry: map[string]docRecord{}, stale: true, analyzer: newAnalyzer()}
	err = ix.openCurrent()
	l := <-lexc
	if err == nil && l.err != nil {
		err = fmt.Errorf("open index %q: %w", dir, l.err)
	}
	if err != nil {
		ix.Close()
		return nil, err
	}
	ix.lexicon = l.lex
	return ix, nil
}

// lockIndex takes the lock file of the index in dir: exclusively for a
// process that writes the index, shared among ones that only read it.
func lockIndex(dir string, shared bool) (*os.File, error) {
	f, err := openLockFile(filepath.Join(dir, lockFile), shared)
	if shared && errors.Is(err, syscall.EROFS) {
		// Nothing can write an index on a read-only file system, so
		// there is nobody to exclude.
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("open index %q: %w", dir, err)
	}
	how := syscall.LOCK_EX
	if shared {
		how = syscall.LOCK_SH
	}
	if err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB); err != nil {
		defer f.Close()
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("lock index %q: %w", dir, err)
		}
		return nil, fmt.Errorf("open index %q: %w (%s)", dir, ErrLocked, lockHolder(f, shared))
	}
	if !shared {
		// The pid is only a hint for the error above; readers, being
		// many, leave it to the writer.
		if err := f.Truncate(0); err == nil {
			f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
		}
	}
	return f, nil
}

// openLockFile opens the lock file, for a reader without asking to write
// it, so that an index on a read-only mount can be read.
func openLockFile(path string, reader bool) (*os.File, error) {
	if !reader {
		return os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		// An index copied without its lock file.
		return os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o644)
	}
	return f, err
}

// lockHolder says who holds the lock f could not take: only readers, when
// a shared lock can still be had, or else a writer, by its pid.
func lockHolder(f *os.File, wantedShared bool) string {
	if !wantedShared && syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB) == nil {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		return "being read"
	}
	pid, _ := os.ReadFile(f.Name())
	if owner := strings.TrimSpace(string(pid)); owner != "" {
		return "pid " + owner
	}
	return "being written"
}
