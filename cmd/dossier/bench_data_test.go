package main

import (
	"crypto/sha256"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// treeSums is the content hash of every file under dir, by path.
func treeSums(tb testing.TB, dir string) map[string][32]byte {
	tb.Helper()
	sums := map[string][32]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		sums[p] = sha256.Sum256(raw)
		return nil
	})
	if err != nil {
		tb.Fatalf("read %s: %v", dir, err)
	}
	return sums
}

func sameTree(a, b map[string][32]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for p, s := range a {
		if b[p] != s {
			return false
		}
	}
	return true
}

// TestBenchLeavesTheTeamsIndexAlone runs bench on a data folder holding a
// team's index, named by --data and by DOSSIER_DATA, and checks that the
// index is left byte for byte as it was, and still answers from the
// team's documents.
func TestBenchLeavesTheTeamsIndexAlone(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	mustDossier(t, Config{}, "", "index", "--corpus", "testdata/corpus", "--data", data)
	before := treeSums(t, filepath.Join(data, "index"))
	if len(before) == 0 {
		t.Fatalf("dossier index built nothing in %s", data)
	}
	for _, run := range []struct {
		cfg  Config
		args []string
	}{
		{Config{}, []string{"bench", "--questions", "5", "--runs", "1", "--data", data}},
		{Config{Data: data}, []string{"bench", "--questions", "5", "--runs", "1"}},
		{Config{}, []string{"bench", "--questions", "5", "--runs", "1", "--data", data, "--query-only"}},
	} {
		mustDossier(t, run.cfg, "", run.args...)
		if after := treeSums(t, filepath.Join(data, "index")); !sameTree(before, after) {
			t.Errorf("dossier %q (DOSSIER_DATA %q) changed the index in %s/index", run.args, run.cfg.Data, data)
		}
	}
	out, _ := mustDossier(t, Config{}, "", "ask", "--data", data, "Who led the lighthouse restoration?")
	if !strings.Contains(out, "Harbor Lighthouse") {
		t.Errorf("after bench, ask --data no longer answers from the team's documents:\n%s", out)
	}
}

// TestBenchRefusesAFolderItDidNotMake checks that bench will not build in
// a bench folder that it did not make, and leaves it alone.
func TestBenchRefusesAFolderItDidNotMake(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	theirs := filepath.Join(data, benchFolder, "notes.txt")
	if err := os.MkdirAll(filepath.Dir(theirs), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(theirs, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := treeSums(t, data)
	_, _, err := dossier(t, Config{}, "", "bench", "--questions", "5", "--runs", "1", "--data", data)
	if code, msg := exitStatus(err); code != 1 || !strings.Contains(msg, "was not made by dossier bench") {
		t.Errorf("bench in a folder it did not make exits %d with %q, want 1 and a refusal", code, msg)
	}
	if after := treeSums(t, data); !sameTree(before, after) {
		t.Errorf("bench changed %s, which it did not make", data)
	}
}

// TestBenchQueryOnlyWithoutIndex checks that --query-only on a folder
// with no index says so, and leaves the folder as it was: empty.
func TestBenchQueryOnlyWithoutIndex(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	_, _, err := dossier(t, Config{}, "", "bench", "--questions", "5", "--runs", "1", "--data", data, "--query-only")
	code, msg := exitStatus(err)
	if code != 1 || !strings.Contains(msg, "no index") || strings.Contains(msg, "closed") {
		t.Errorf("bench --query-only on an empty folder exits %d with %q, want 1 and that there is no index", code, msg)
	}
	if left := treeSums(t, data); len(left) > 0 {
		t.Errorf("bench --query-only on an empty folder left files behind: %v", left)
	}
	entries, _ := os.ReadDir(data)
	if len(entries) > 0 {
		t.Errorf("bench --query-only on an empty folder left %d entries behind", len(entries))
	}
}
