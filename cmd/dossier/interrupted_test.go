package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/index"
)

// stalledSource yields some documents, then signals and waits until its
// build is cancelled: a first build caught mid-way.
type stalledSource struct {
	docs    []corpus.Document
	stalled chan struct{}
	ctx     context.Context
}

func (s *stalledSource) Len() int { return 2 * len(s.docs) }

func (s *stalledSource) Each(fn func(*corpus.Document) error) error {
	for i := range s.docs {
		if err := fn(&s.docs[i]); err != nil {
			return err
		}
	}
	close(s.stalled)
	<-s.ctx.Done()
	return s.ctx.Err()
}

// interruptedFirstBuild leaves in data/index what a first build killed
// mid-way leaves: the files of a build in progress, copied while it runs.
func interruptedFirstBuild(tb testing.TB, data string) {
	tb.Helper()
	building := filepath.Join(tb.TempDir(), "index")
	ix, err := index.Open(building)
	if err != nil {
		tb.Fatal(err)
	}
	defer ix.Close()
	c, err := corpus.Load(os.DirFS("testdata/corpus"))
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	src := &stalledSource{docs: c.Documents, stalled: make(chan struct{}), ctx: ctx}
	done := make(chan error, 1)
	go func() {
		_, err := ix.SyncFrom(ctx, src, nil, nil)
		done <- err
	}()
	<-src.stalled
	err = filepath.WalkDir(building, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		to := filepath.Join(indexDir(data), strings.TrimPrefix(p, building))
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(to, b, 0o644)
	})
	cancel()
	if err != nil {
		tb.Fatalf("copy the index being built: %v", err)
	}
	if err := <-done; !errors.Is(err, context.Canceled) {
		tb.Fatalf("the stalled build ended with %v, want it cancelled", err)
	}
	if _, err := os.Stat(filepath.Join(indexDir(data), "CURRENT")); !errors.Is(err, fs.ErrNotExist) {
		tb.Fatalf("the copy of a build in progress has a CURRENT file (%v), want none", err)
	}
}

// A data folder whose first build was interrupted is said to be
// incomplete by every command that reads it, with what to run; dossier
// index then builds it.
func TestReadersOfAnInterruptedFirstBuild(t *testing.T) {
	t.Parallel()
	cfg := Config{Corpus: "testdata/corpus", Data: t.TempDir()}
	interruptedFirstBuild(t, cfg.Data)
	want := fmt.Sprintf("the index in %s is incomplete: its first build did not finish; run dossier index --data %s", indexDir(cfg.Data), cfg.Data)
	for _, args := range [][]string{
		{"ask", "ferry"},
		{"eval", "testdata/eval.jsonl"},
	} {
		_, _, err := dossier(t, cfg, "", args...)
		if code, msg := exitStatus(err); code != 1 || !strings.Contains(msg, want) {
			t.Errorf("dossier %s after an interrupted first build exits %d with %q, want 1 and %q", args[0], code, msg, want)
		}
	}
	mustDossier(t, cfg, "", "index")
	stdout, _ := mustDossier(t, cfg, "", "ask", "--json", "ferry")
	if a := decodeAnswers(t, stdout, defaultK); len(a) != 1 || len(a[0].shown()) == 0 {
		t.Errorf("ask after dossier index = %+v, want passages", a)
	}
}
