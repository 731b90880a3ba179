package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/index"
)

// addCrashEnv holds "CORPUS|DATA" for a re-executed test binary that adds
// documents until it is killed.
const addCrashEnv = "DOSSIER_ADD_CRASH_CHILD"

// addUntilKilled is the child: dossier add of one new document after
// another, each written and then indexed, printing each one's number
// once its add has returned.
func addUntilKilled(dirs string) {
	corpusDir, data, _ := strings.Cut(dirs, "|")
	cfg := Config{Corpus: corpusDir, Data: data}
	src := filepath.Join(filepath.Dir(corpusDir), "to-add")
	os.MkdirAll(src, 0o755)
	for i := 0; ; i++ {
		file := filepath.Join(src, fmt.Sprint("note-", i, ".txt"))
		text := fmt.Sprintf("Harbour note %d\n\nOn day %d the keepers logged %d ships entering Wonsan and noted the weather in the margin.\n", i, i, i*7+3)
		if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
			fmt.Println("write:", err)
			os.Exit(2)
		}
		err := run(context.Background(), []string{"add", "--by", "crash test", file}, addLoader(cfg, AddSettings{}), strings.NewReader(""), io.Discard, io.Discard)
		if err != nil {
			fmt.Println("add:", err)
			os.Exit(2)
		}
		fmt.Println(i)
	}
}

// A kill at any moment of dossier add (writing the file, between writing
// and indexing, indexing) loses no document it reported added, leaves no
// half-written file where the corpus reads it, and the next sync indexes
// every document once.
func TestAddKilledLosesNothing(t *testing.T) {
	if dirs := os.Getenv(addCrashEnv); dirs != "" {
		addUntilKilled(dirs)
		return
	}
	if testing.Short() {
		t.Skip("re-executes the test binary")
	}
	t.Parallel()
	for _, rounds := range []int{1, 4, 9} {
		t.Run(fmt.Sprint(rounds, " adds"), func(t *testing.T) {
			t.Parallel()
			cfg := Config{Corpus: builtinCopy(t), Data: filepath.Join(t.TempDir(), "data")}
			mustDossier(t, cfg, "", "index")
			last := killAddAfter(t, cfg, rounds)

			f, err := corpus.OpenFolder(os.DirFS(cfg.Corpus))
			if err != nil {
				t.Fatal(err)
			}
			notes := 0
			f.Each(func(d *corpus.Document) error {
				if strings.HasPrefix(d.Title, "Harbour note") {
					notes++
				}
				return nil
			})
			if len(f.Skipped) > 0 {
				t.Errorf("after the kill the corpus has files it cannot read: %v", f.Skipped)
			}
			if notes < last+1 {
				t.Errorf("after the kill the corpus holds %d notes, want at least the %d reported added", notes, last+1)
			}

			mustDossier(t, cfg, "", "index")
			stdout, _ := mustDossier(t, cfg, "", "index")
			if !strings.HasPrefix(stdout, "No changes:") {
				t.Errorf("second index after the kill: want no changes, got:\n%s", stdout)
			}
			ix, err := index.OpenReadOnly(indexDir(cfg.Data))
			if err != nil {
				t.Fatal(err)
			}
			defer ix.Close()
			if got, want := len(ix.Documents()), 4+notes; got != want {
				t.Errorf("after the kill and a sync the index holds %d documents, want %d: each once", got, want)
			}
			// A document reported added is known as added.
			file := filepath.Join(filepath.Dir(cfg.Corpus), "to-add", "note-0.txt")
			stdout, _, _ = runAddCmd(t, cfg, AddSettings{}, file)
			if !strings.Contains(stdout, "already in the corpus") {
				t.Errorf("dossier add of note 0 again printed:\n%s\nwant it already in the corpus", stdout)
			}
		})
	}
}

// killAddAfter runs the child until it has added the given number of
// documents, lets it go on a moment, kills it with SIGKILL mid-add, and
// returns the last add it reported.
func killAddAfter(tb testing.TB, cfg Config, rounds int) int {
	tb.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestAddKilledLosesNothing$")
	cmd.Env = append(os.Environ(), addCrashEnv+"="+cfg.Corpus+"|"+cfg.Data)
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	last := -1
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		n, err := strconv.Atoi(lines.Text())
		if err != nil {
			cmd.Process.Kill()
			cmd.Wait()
			tb.Fatalf("child: %s", lines.Text())
		}
		last = n
		if n+1 >= rounds {
			break
		}
	}
	// Into the next add: each takes some milliseconds, of which a few are
	// writing and the rest indexing.
	time.Sleep(time.Duration(rounds) * 3 * time.Millisecond)
	if err := cmd.Process.Kill(); err != nil {
		tb.Fatal(err)
	}
	cmd.Wait()
	if last+1 < rounds {
		tb.Fatalf("child stopped after %d adds, before being killed", last+1)
	}
	return last
}
