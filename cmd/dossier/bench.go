package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/index"
	"github.com/dossier-bot/dossier/index/eval"
)

const benchAbout = `Measures Dossier at one scale: index build time and passages per second,
index size on disk, peak memory while building and while answering, time
from opening a built index to the first answer, and question latency (p50,
p99, max) over typical 5-12 word questions drawn from the corpus's own
sentences. Each figure is measured --runs times and printed as its min,
median and max.

The corpus is the built-in one, --corpus DIR, a BEIR benchmark (--beir DIR),
or --synthetic N passages generated deterministically from the sentences of
the BEIR corpus given by --beir. The index is built on disk in a temporary
folder removed afterwards, or with --data DIR in bench's own folder DIR/bench,
kept for --query-only and replaced by the next bench (every run is a whole
build). bench never touches DIR/index, the index ask and serve answer from,
and does not read DOSSIER_DATA. With --query-only, each run opens the index
in DIR/bench afresh and times the questions again.`

func runBench(ctx context.Context, args []string, loadEnv envLoader, sio stdio) error {
	fs := newFlagSet("bench", "dossier bench [--corpus DIR | --beir DIR [--synthetic N]] [--data DIR [--query-only]] [--questions N] [--runs N]", benchAbout)
	src := sourceFlags(fs)
	fs.Lookup("data").Usage = "keep the index bench builds in `folder`/bench, for --query-only (not DOSSIER_DATA; default: a temporary folder)"
	beir := fs.String("beir", "", "BEIR benchmark `folder` (corpus.jsonl) to index, or to draw synthetic passages from")
	synth := fs.Int("synthetic", 0, "generate this many `passages` from the --beir corpus's sentences")
	nq := fs.Int("questions", 1000, "how many `questions` to time in each run")
	runs := fs.Int("runs", 3, "measure this many `times`, printing each figure's min, median and max")
	slow := fs.Duration("slow", 0, "also list the questions slower than this `duration`")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the last run's questions to `file`")
	queryOnly := fs.Bool("query-only", false, "time questions on the index bench built in --data, without building")
	rest, cfg, helped, err := fs.start(args, loadEnv, sio.out)
	if err != nil || helped {
		return err
	}
	if len(rest) > 0 {
		return &usageError{msg: fmt.Sprintf("bench takes no arguments, got %q", rest[0]), help: fs.usage()}
	}
	if *synth > 0 && *beir == "" {
		return &usageError{msg: "--synthetic needs --beir DIR to draw sentences from", help: fs.usage()}
	}
	if *runs < 1 {
		return &usageError{msg: fmt.Sprintf("--runs must be at least 1, got %d", *runs), help: fs.usage()}
	}
	if *nq < 1 {
		return &usageError{msg: fmt.Sprintf("--questions must be at least 1, got %d", *nq), help: fs.usage()}
	}
	src.resolve(fs, cfg)
	// A data folder set for serving is no place to put benchmark indexes
	// of any size: only --data says where bench keeps one.
	data := ""
	if fs.isSet("data") {
		data = src.data
	}
	if *queryOnly && data == "" {
		return &usageError{msg: "--query-only needs the --data folder of an index bench built", help: fs.usage()}
	}
	if *queryOnly {
		// Before reading any corpus: a missing index is the first thing
		// to know, and checking opens nothing, so leaves nothing behind.
		if err := benchBuilt(data); err != nil {
			return err
		}
	}

	bs := benchSource{src: src, beir: *beir}
	if !*queryOnly {
		bs.synth = *synth
	}
	build, synonyms, pool, err := bs.load(sio.errOut)
	if err != nil {
		return err
	}
	// The documents and passages are counted from the index: by the
	// build, or, with --query-only, once the first run's questions are
	// timed.
	rep := eval.BenchReport{Corpus: bs.name(), Built: !*queryOnly}
	qs := eval.SampleQuestions(pool, *nq, eval.SynthSeed)
	// Past the questions, the corpus is needed only when it is what gets
	// indexed, and then only until the first build is done.
	pool = nil
	if *queryOnly {
		build, synonyms = nil, nil
	}

	if data == "" {
		if data, err = os.MkdirTemp("", "dossier-bench-"); err != nil {
			return fmt.Errorf("bench: %w", err)
		}
		defer os.RemoveAll(data)
	}
	if !*queryOnly {
		if err := claimBenchFolder(data); err != nil {
			return err
		}
	}
	dir := benchIndexDir(data)

	for i := range *runs {
		var r eval.BenchRun
		o := eval.QueryOptions{Slow: *slow, Run: i + 1, Runs: *runs}
		if i == *runs-1 {
			o.Profile = *cpuProfile
		}
		if !*queryOnly {
			if build == nil {
				// Read afresh for each run rather than held from the
				// first, so that no corpus sits in memory while a run's
				// answering is measured; warnings were shown once.
				if build, synonyms, _, err = bs.load(io.Discard); err != nil {
					return err
				}
			}
			label := "indexing"
			if *runs > 1 {
				label = fmt.Sprintf("indexing (run %d of %d)", i+1, *runs)
			}
			ix, err := emptyIndex(dir)
			if err != nil {
				return err
			}
			bar := newProgress(sio.errOut, label)
			err = rep.TimeBuild(ctx, ix, dir, build, synonyms, &r, bar.update)
			bar.finish()
			build, synonyms = nil, nil
			if err != nil {
				return err
			}
		}
		// Read-only, as ask and eval open it: the time to the first answer
		// is what a reader waits, and the timing leaves the index as it was.
		open := func() (*index.Index, error) { return openReader(dir) }
		if err := rep.TimeQuestions(ctx, open, qs, &r, o, sio.out); err != nil {
			return err
		}
		rep.Runs = append(rep.Runs, r)
	}
	return rep.Write(sio.out)
}

// benchSource is what bench indexes and draws its questions from.
type benchSource struct {
	src   *sources
	beir  string
	synth int
}

func (b benchSource) name() string {
	name := "built-in"
	switch {
	case b.beir != "":
		name = filepath.Base(filepath.Clean(b.beir))
	case b.src.corpus != "":
		name = b.src.corpus
	}
	if b.synth > 0 {
		return fmt.Sprintf("synthetic %d from %s", b.synth, name)
	}
	return name
}

// load reads the corpus and returns what a run indexes, with its synonyms
// and the pool of sentences that questions are drawn from.
func (b benchSource) load(warn io.Writer) (index.Source, [][]string, []string, error) {
	var c *corpus.Corpus
	var err error
	if b.beir != "" {
		c, _, _, err = eval.ReadBEIRCorpus(filepath.Join(b.beir, "corpus.jsonl"))
	} else {
		c, err = loadCorpus(b.src, warn)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	pool := eval.SentencePool(c)
	if b.synth > 0 {
		// The synthetic corpus is made as the index asks for it: the
		// real one is let go here.
		return eval.Synthesize(pool, b.synth, eval.SynthSeed), nil, pool, nil
	}
	return c, c.Synonyms, pool, nil
}

// benchFolder is bench's own folder in a data folder. bench builds,
// replaces and reads only the index in it, so that it never touches an
// index it did not make: not DATA/index, which ask, index and serve use,
// nor anything else in DATA/bench.
const benchFolder = "bench"

// benchMarker is the file that marks a folder as made by bench.
const benchMarker = "MADE-BY-DOSSIER-BENCH"

// benchIndexDir is where bench builds its index in data.
func benchIndexDir(data string) string { return filepath.Join(data, benchFolder, "index") }

// claimBenchFolder makes bench's folder in data, or checks that bench
// made the one there, before anything in it is replaced.
func claimBenchFolder(data string) error {
	folder := filepath.Join(data, benchFolder)
	marker := filepath.Join(folder, benchMarker)
	if _, err := os.Stat(marker); err == nil {
		return nil
	}
	entries, err := os.ReadDir(folder)
	switch {
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("bench: read %s: %w", folder, err)
	case len(entries) > 0:
		return fmt.Errorf("bench: %s was not made by dossier bench (it has no %s file), so bench will not build there; use another --data folder", folder, benchMarker)
	}
	if err := os.MkdirAll(folder, 0o755); err != nil {
		return fmt.Errorf("bench: create %s: %w", folder, err)
	}
	note := "dossier bench keeps the index it measures in index/ beside this file, and\n" +
		"replaces it at every run. Nothing else reads it; delete this folder when done.\n"
	if err := os.WriteFile(marker, []byte(note), 0o644); err != nil {
		return fmt.Errorf("bench: mark %s as bench's: %w", folder, err)
	}
	return nil
}

// benchBuilt checks that bench has built an index in data to time
// questions on, without opening it.
func benchBuilt(data string) error {
	folder := filepath.Join(data, benchFolder)
	_, merr := os.Stat(filepath.Join(folder, benchMarker))
	_, ierr := os.Stat(benchIndexDir(data))
	if merr != nil || ierr != nil {
		return fmt.Errorf("bench: no index in %s to time questions on; build one first with dossier bench --data %s (without --query-only)", folder, data)
	}
	return nil
}

// emptyIndex opens the index in dir with nothing in it, so that a run
// times a whole build rather than a sync that finds nothing changed.
// Opening before removing refuses an index another process is using.
func emptyIndex(dir string) (*index.Index, error) {
	ix, err := openDisk(dir)
	if err != nil || len(ix.Documents()) == 0 {
		return ix, err
	}
	if err := ix.Close(); err != nil {
		return nil, fmt.Errorf("bench: close index %q: %w", dir, err)
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, fmt.Errorf("bench: remove the previous index: %w", err)
	}
	return openDisk(dir)
}
