package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/index"
)

// builtinCopy copies the built-in corpus into a temporary folder.
func builtinCopy(tb testing.TB) string {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "corpus")
	if err := os.CopyFS(dir, corpus.Builtin()); err != nil {
		tb.Fatal(err)
	}
	return dir
}

const (
	bloombergID = "bloomberg-north-korea-sends-top-delegation-to-iran-amid-growing-concerns"
	nkNewsID    = "nk-news-cracks-in-the-north-korea-iran-axis"
)

func TestIndexThenAsk(t *testing.T) {
	t.Parallel()
	cfg := Config{Corpus: builtinCopy(t), Data: filepath.Join(t.TempDir(), "data")}

	stdout, _ := mustDossier(t, cfg, "", "index")
	for _, want := range []string{"added     4", bloombergID, nkNewsID, "removed   0"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("first index: output lacks %q:\n%s", want, stdout)
		}
	}
	if _, err := os.Stat(filepath.Join(cfg.Data, "index")); err != nil {
		t.Fatalf("index built no DATA/index: %v", err)
	}

	stdout, stderr := mustDossier(t, cfg, "", "ask", "--json", delegationQ)
	if a := decodeAnswers(t, stdout, defaultK); len(a) != 1 || !a[0].Answered || !mentionsYun(a[0].Results[0].Passage) {
		t.Errorf("ask --data %q = %+v, want Yun first", delegationQ, a)
	}
	if stderr != "" {
		t.Errorf("ask --data with DOSSIER_CORPUS and an index wrote to stderr: %s", stderr)
	}
	_, stderr = mustDossier(t, cfg, "", "ask", "--corpus", cfg.Corpus, delegationQ)
	if !strings.Contains(stderr, "answering from the index in "+filepath.Join(cfg.Data, "index")+" as it is") {
		t.Errorf("ask --data --corpus did not say the folder is not read:\n%s", stderr)
	}

	stdout, _ = mustDossier(t, cfg, "", "index")
	if !strings.HasPrefix(stdout, "No changes:") || !strings.Contains(stdout, "4 documents") {
		t.Errorf("second index: want no changes over 4 documents, got:\n%s", stdout)
	}

	// Edit one document, remove another, add a broken one.
	edited := filepath.Join(cfg.Corpus, nkNewsID+".md")
	raw, err := os.ReadFile(edited)
	if err != nil {
		t.Fatal(err)
	}
	// Near the top: the article ends with a paywall block that the corpus
	// drops, with anything appended after it.
	const anchor = "\nElements of dissonance"
	if !bytes.Contains(raw, []byte(anchor)) {
		t.Fatalf("%s no longer has %q to insert a paragraph before", edited, anchor)
	}
	raw = bytes.Replace(raw, []byte(anchor), []byte("\nThe lighthouse keepers of Wonsan harbor repaired the great lamp every winter.\n"+anchor), 1)
	if err := os.WriteFile(edited, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(cfg.Corpus, bloombergID+".md")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cfg.Corpus, "broken.md"), []byte("bin\x00ary"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr = mustDossier(t, cfg, "", "index")
	want := "  added     0\n  changed   1\n    " + nkNewsID + "\n  removed   1\n    " + bloombergID + "\n  unchanged 2\n"
	if !strings.Contains(stdout, want) {
		t.Errorf("index after edits: want\n%s\nin:\n%s", want, stdout)
	}
	if !strings.Contains(stderr, "warning: skipped broken.md") {
		t.Errorf("index did not warn about broken.md:\n%s", stderr)
	}

	stdout, _ = mustDossier(t, cfg, "", "ask", "--json", "-k", "20", delegationQ)
	for _, a := range decodeAnswers(t, stdout, 20) {
		for _, r := range a.Results {
			if r.DocID == bloombergID {
				t.Errorf("ask after removing %s still quotes it: %q", bloombergID, r.Excerpt)
			}
		}
	}
	stdout, _ = mustDossier(t, cfg, "", "ask", "--json", "Who kept the lighthouse of Wonsan harbor?")
	if a := decodeAnswers(t, stdout, defaultK); len(a) != 1 || !a[0].Answered || a[0].Results[0].DocID != nkNewsID {
		t.Errorf("ask about the added paragraph = %+v, want %s first", a, nkNewsID)
	}
}

func TestAskDataWithoutIndex(t *testing.T) {
	t.Parallel()
	data := filepath.Join(t.TempDir(), "data")
	stdout, stderr := mustDossier(t, Config{Data: data}, "", "ask", "--json", delegationQ)
	if a := decodeAnswers(t, stdout, defaultK); len(a) != 1 || !a[0].Answered {
		t.Errorf("ask with an empty data folder = %+v, want an answer from memory", a)
	}
	if !strings.Contains(stderr, "no index in "+data+" yet") {
		t.Errorf("ask did not say the data folder has no index:\n%s", stderr)
	}
	if _, err := os.Stat(data); !os.IsNotExist(err) {
		t.Errorf("ask created the data folder %s (stat: %v)", data, err)
	}
}

func TestIndexRefusesEmptyCorpus(t *testing.T) {
	t.Parallel()
	cfg := Config{Corpus: t.TempDir(), Data: t.TempDir()}
	_, _, err := dossier(t, cfg, "", "index")
	if err == nil || !strings.Contains(err.Error(), "has no readable documents (.md, .txt, .html or .pdf)") {
		t.Errorf("index of an empty folder = %v, want a refusal", err)
	}
}

// The folder is read one document at a time, so that every file is
// unreadable is known only at the end: nothing may be removed by then.
func TestIndexKeepsEverythingWhenNoFileIsReadable(t *testing.T) {
	t.Parallel()
	cfg := Config{Corpus: builtinCopy(t), Data: filepath.Join(t.TempDir(), "data")}
	mustDossier(t, cfg, "", "index")
	files, err := filepath.Glob(filepath.Join(cfg.Corpus, "*.md"))
	if err != nil || len(files) == 0 {
		t.Fatalf("glob corpus = %v, %v", files, err)
	}
	for _, f := range files {
		if err := os.WriteFile(f, []byte("bin\x00ary"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, stderr, err := dossier(t, cfg, "", "index")
	if err == nil || !strings.Contains(err.Error(), "has no readable documents (.md, .txt, .html or .pdf)") {
		t.Errorf("index of a folder of broken files = %v, want a refusal", err)
	}
	if !strings.Contains(stderr, "warning: skipped") {
		t.Errorf("index did not warn about the broken files:\n%s", stderr)
	}
	stdout, _ := mustDossier(t, cfg, "", "ask", "--json", delegationQ)
	if a := decodeAnswers(t, stdout, defaultK); len(a) != 1 || !a[0].Answered || !mentionsYun(a[0].Results[0].Passage) {
		t.Errorf("ask after a refused index = %+v, want the old index to answer", a)
	}
}

func TestLockedIndex(t *testing.T) {
	t.Parallel()
	cfg := Config{Corpus: "testdata/corpus", Data: t.TempDir()}
	mustDossier(t, cfg, "", "index")

	// Another owner: the lock is per open file, so this stands for another
	// dossier process.
	owner, err := index.Open(filepath.Join(cfg.Data, "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	want := "the index in " + filepath.Join(cfg.Data, "index") + " is in use by another dossier process (stop it or use another --data folder)"
	for _, args := range [][]string{{"ask", "ferry"}, {"index"}, {"eval", "testdata/eval.jsonl"}} {
		_, _, err := dossier(t, cfg, "", args...)
		if code, msg := exitStatus(err); code != 1 || !strings.Contains(msg, want) {
			t.Errorf("dossier %q on a locked index exits %d with %q, want 1 and %q", args, code, msg, want)
		}
	}
}
