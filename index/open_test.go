package index

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// builtIndex builds an on-disk index of baseFiles in a new folder, closes
// it and returns the folder.
func builtIndex(tb testing.TB) string {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "index")
	ix, err := Open(dir)
	if err != nil {
		tb.Fatalf("Open(%q) = %v", dir, err)
	}
	if _, err := ix.Sync(context.Background(), loadMap(tb, baseFiles), nil); err != nil {
		tb.Fatalf("Sync() = %v", err)
	}
	if err := ix.Close(); err != nil {
		tb.Fatalf("Close() = %v", err)
	}
	return dir
}

// fileHashes maps the path of every file under dir to a hash of its
// contents.
func fileHashes(tb testing.TB, dir string) map[string]string {
	tb.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		out[strings.TrimPrefix(path, dir)] = hex.EncodeToString(sum[:])
		return nil
	})
	if err != nil {
		tb.Fatalf("hash the files in %q: %v", dir, err)
	}
	return out
}

func openReadOnly(tb testing.TB, dir string) *Index {
	tb.Helper()
	ix, err := OpenReadOnly(dir)
	if err != nil {
		tb.Fatalf("OpenReadOnly(%q) = %v", dir, err)
	}
	return ix
}

func TestOpenReadOnlyLeavesFilesAlone(t *testing.T) {
	t.Parallel()
	dir := builtIndex(t)
	before := fileHashes(t, dir)
	for round := range 2 {
		ix := openReadOnly(t, dir)
		for _, q := range []string{"who guarded the furnace techniques", "lighthouse keepers winter storms", "what carried water from the Frio river"} {
			a, err := ix.Ask(context.Background(), q, 3)
			if err != nil {
				t.Fatalf("round %d: Ask(%q) = %v", round, q, err)
			}
			if !a.Answered {
				t.Errorf("round %d: Ask(%q) = %+v, want an answer", round, q, a)
			}
		}
		if got := len(ix.Documents()); got != len(baseFiles) {
			t.Errorf("round %d: Documents() has %d, want %d", round, got, len(baseFiles))
		}
		if ix.NeedsBuild() {
			t.Errorf("round %d: NeedsBuild() = true, want false", round)
		}
		if err := ix.Close(); err != nil {
			t.Fatalf("round %d: Close() = %v", round, err)
		}
		if diff := cmp.Diff(before, fileHashes(t, dir)); diff != "" {
			t.Fatalf("round %d: files changed by a read-only open (-before +after):\n%s", round, diff)
		}
	}
}

// A reader answers as the writer that built the index does.
func TestOpenReadOnlyAnswersAsOpen(t *testing.T) {
	t.Parallel()
	dir := builtIndex(t)
	ask := func(ix *Index) []Answer {
		var out []Answer
		for _, q := range []string{"Murano glassblowers", "Skerryvore", "Segovia aqueduct granite arches", "volcano"} {
			a, err := ix.Ask(context.Background(), q, 3)
			if err != nil {
				t.Fatalf("Ask(%q) = %v", q, err)
			}
			a.Took = 0
			out = append(out, a)
		}
		return out
	}
	w, err := Open(dir)
	if err != nil {
		t.Fatalf("Open(%q) = %v", dir, err)
	}
	want, wantDocs := ask(w), w.Documents()
	w.Close()
	r := openReadOnly(t, dir)
	defer r.Close()
	if diff := cmp.Diff(want, ask(r)); diff != "" {
		t.Errorf("read-only answers differ (-Open +OpenReadOnly):\n%s", diff)
	}
	if diff := cmp.Diff(wantDocs, r.Documents()); diff != "" {
		t.Errorf("read-only Documents() differ (-Open +OpenReadOnly):\n%s", diff)
	}
}

// opener is Open or OpenReadOnly, by name.
type opener struct {
	name string
	open func(string) (*Index, error)
}

func TestOpenReadOnlyLocking(t *testing.T) {
	t.Parallel()
	pid := "pid " + strconv.Itoa(os.Getpid())
	reader, writer := opener{"OpenReadOnly", OpenReadOnly}, opener{"Open", Open}
	tests := []struct {
		name        string
		first, then opener // the first has the index open when the other opens it
		want        error
		wantHolder  string
	}{
		{"reader beside a reader", reader, reader, nil, ""},
		{"reader beside a writer", writer, reader, ErrLocked, pid},
		{"writer beside a reader", reader, writer, ErrLocked, "being read"},
		{"writer beside a writer", writer, writer, ErrLocked, pid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// Each open takes its own lock on the file, as another
			// process would.
			dir := builtIndex(t)
			first, err := tt.first.open(dir)
			if err != nil {
				t.Fatalf("%s(%q) = %v", tt.first.name, dir, err)
			}
			ix, err := tt.then.open(dir)
			if !errors.Is(err, tt.want) {
				t.Fatalf("%s(%q) beside %s = %v, want %v", tt.then.name, dir, tt.first.name, err, tt.want)
			}
			if err != nil && !strings.Contains(err.Error(), tt.wantHolder) {
				t.Errorf("%s(%q) beside %s = %v, want it to say %q", tt.then.name, dir, tt.first.name, err, tt.wantHolder)
			}
			if ix != nil {
				ix.Close()
			}
			first.Close()
			if ix, err = tt.then.open(dir); err != nil {
				t.Fatalf("%s(%q) once %s closed = %v, want success", tt.then.name, dir, tt.first.name, err)
			}
			ix.Close()
		})
	}
}

func TestOpenReadOnlyWithoutAnIndex(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		dir  func(t *testing.T) string
		want error
		left []string // what the folder holds afterwards
	}{
		{"no folder", func(t *testing.T) string { return filepath.Join(t.TempDir(), "index") }, fs.ErrNotExist, nil},
		{"empty folder", func(t *testing.T) string { return t.TempDir() }, ErrNotBuilt, []string{lockFile}},
		// What a first build killed before its swap leaves.
		{"first build unfinished", func(t *testing.T) string {
			dir := t.TempDir()
			for _, sub := range []string{"gen-1", "gen-1.build/store"} {
				if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			return dir
		}, ErrIncomplete, []string{lockFile, "gen-1", "gen-1.build"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := tt.dir(t)
			ix, err := OpenReadOnly(dir)
			if !errors.Is(err, tt.want) {
				if ix != nil {
					ix.Close()
				}
				t.Fatalf("OpenReadOnly(%q) = %v, want %v", dir, err, tt.want)
			}
			var left []string
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				left = append(left, e.Name())
			}
			if diff := cmp.Diff(tt.left, left); diff != "" {
				t.Errorf("OpenReadOnly(%q) left the folder holding (-want +got):\n%s", dir, diff)
			}
		})
	}
}

// An index folder copied without its lock file is still read-only to a
// reader, which creates nothing but the lock.
func TestOpenReadOnlyWithoutLockFile(t *testing.T) {
	t.Parallel()
	dir := builtIndex(t)
	if err := os.Remove(filepath.Join(dir, lockFile)); err != nil {
		t.Fatal(err)
	}
	before := fileHashes(t, dir)
	ix := openReadOnly(t, dir)
	if err := ix.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	after := fileHashes(t, dir)
	if lock, ok := after["/"+lockFile]; !ok || lock != hex.EncodeToString(sha256.New().Sum(nil)) {
		t.Errorf("after OpenReadOnly(%q) the lock file is %q, want an empty one", dir, lock)
	}
	delete(after, "/"+lockFile)
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("files changed by a read-only open (-before +after):\n%s", diff)
	}
}

func TestSyncRefusesReadOnlyIndex(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	w, err := Open(dir)
	if err != nil {
		t.Fatalf("Open(%q) = %v", dir, err)
	}
	c := loadMap(t, map[string]string{"a.md": article("Alpha", "The aqueduct of Segovia carried water for two thousand years.")})
	if _, err := w.Sync(context.Background(), c, nil); err != nil {
		t.Fatalf("Sync() = %v", err)
	}
	w.Close()
	ro, err := OpenReadOnly(dir)
	if err != nil {
		t.Fatalf("OpenReadOnly(%q) = %v", dir, err)
	}
	defer ro.Close()
	if _, err := ro.Sync(context.Background(), c, nil); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Sync() on a read-only index = %v, want %v", err, ErrReadOnly)
	}
}
