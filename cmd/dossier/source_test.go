package main

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dossier-bot/dossier/index"
)

// indexFiles maps every file under dir to a hash of its contents.
func indexFiles(tb testing.TB, dir string) map[string]string {
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

// The commands that only read an index leave every file of it as it was.
func TestReadingLeavesTheIndexAlone(t *testing.T) {
	t.Parallel()
	cfg := Config{Corpus: "testdata/corpus", Data: t.TempDir()}
	mustDossier(t, cfg, "", "index")
	dir := indexDir(cfg.Data)
	before := indexFiles(t, dir)
	for _, run := range []struct {
		stdin string
		args  []string
	}{
		{"", []string{"ask", delegationQ}},
		{"ferry\nlighthouse\n", []string{"ask", "--json"}},
		{"", []string{"eval", "testdata/eval.jsonl"}},
		{"", []string{"ask", "ferry"}},
	} {
		mustDossier(t, cfg, run.stdin, run.args...)
		if diff := cmp.Diff(before, indexFiles(t, dir)); diff != "" {
			t.Fatalf("dossier %q changed the index (-before +after):\n%s", run.args, diff)
		}
	}
	// The digest reads the index too (its state is beside it).
	if _, stderr, err := runDigestCmd(t, digestSettings(cfg, DigestSettings{})); err != nil {
		t.Fatalf("digest: %v\n%s", err, stderr)
	}
	if diff := cmp.Diff(before, indexFiles(t, dir)); diff != "" {
		t.Fatalf("dossier digest changed the index (-before +after):\n%s", diff)
	}
}

// Readers share an index with each other, but not with a writer.
func TestReadersShareTheIndex(t *testing.T) {
	t.Parallel()
	cfg := Config{Data: t.TempDir()}
	mustDossier(t, cfg, "", "index")
	// Another reader: the lock is per open file, so this stands for
	// another dossier process.
	reader, err := index.OpenReadOnly(indexDir(cfg.Data))
	if err != nil {
		t.Fatalf("OpenReadOnly(%q) = %v", indexDir(cfg.Data), err)
	}
	defer reader.Close()
	stdout, _ := mustDossier(t, cfg, "", "ask", "--json", delegationQ)
	if a := decodeAnswers(t, stdout, defaultK); len(a) != 1 || !a[0].Answered {
		t.Errorf("ask beside another reader = %+v, want an answer", a)
	}
	_, _, err = dossier(t, cfg, "", "index")
	want := "the index in " + indexDir(cfg.Data) + " is in use by another dossier process"
	if code, msg := exitStatus(err); code != 1 || !strings.Contains(msg, want) {
		t.Errorf("dossier index beside a reader exits %d with %q, want 1 and %q", code, msg, want)
	}
}

// An index folder a first build left with nothing built in it is no
// index: ask answers from memory, as without one.
func TestAskWithNothingBuilt(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	if err := os.MkdirAll(indexDir(data), 0o755); err != nil {
		t.Fatal(err)
	}
	stdout, stderr := mustDossier(t, Config{Data: data}, "", "ask", "--json", delegationQ)
	if a := decodeAnswers(t, stdout, defaultK); len(a) != 1 || !a[0].Answered {
		t.Errorf("ask with nothing built = %+v, want an answer from memory", a)
	}
	if !strings.Contains(stderr, "no index in "+data+" yet") {
		t.Errorf("ask did not say nothing is built:\n%s", stderr)
	}
}
