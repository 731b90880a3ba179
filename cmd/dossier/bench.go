package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"time"

	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/index"
)

const benchAbout = `Measures Dossier at one scale: index build time and passages per second,
index size on disk, peak memory while building and while answering, time
from opening a built index to the first answer, and question latency (p50,
p99, max) over typical 5-12 word questions drawn from the corpus's own
sentences. Each figure is measured --runs times and printed as its min,
median and max.

The corpus is the built-in one, --corpus DIR, a BEIR benchmark (--beir DIR),
or --synthetic N passages generated deterministically from the sentences of
the BEIR corpus given by --beir. The index is built on disk in --data DIR
(replacing the index there: every run is a whole build), or in a temporary
folder removed afterwards. With --query-only, each run opens the index in
--data afresh and times the questions again.`

func runBench(ctx context.Context, args []string, loadEnv envLoader, sio stdio) error {
	fs := newFlagSet("bench", "dossier bench [--corpus DIR | --beir DIR [--synthetic N]] [--data DIR [--query-only]] [--questions N] [--runs N]", benchAbout)
	src := sourceFlags(fs)
	beir := fs.String("beir", "", "BEIR benchmark `folder` (corpus.jsonl) to index, or to draw synthetic passages from")
	synth := fs.Int("synthetic", 0, "generate this many `passages` from the --beir corpus's sentences")
	nq := fs.Int("questions", 1000, "how many `questions` to time in each run")
	runs := fs.Int("runs", 3, "measure this many `times`, printing each figure's min, median and max")
	slow := fs.Duration("slow", 0, "also list the questions slower than this `duration`")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the last run's questions to `file`")
	queryOnly := fs.Bool("query-only", false, "time questions on the index already in --data, without building")
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
	dir := src.data
	if *queryOnly && dir == "" {
		return &usageError{msg: "--query-only needs the --data folder of a built index", help: fs.usage()}
	}

	bs := benchSource{src: src, beir: *beir}
	if !*queryOnly {
		bs.synth = *synth
	}
	build, synonyms, pool, err := bs.load(sio.errOut)
	if err != nil {
		return err
	}
	rep := benchReport{Corpus: bs.name(), Built: !*queryOnly}
	rep.Documents, rep.Passages = build.Len(), bs.passages(build)
	qs := questions(pool, *nq, synthSeed)
	// Past the questions, the corpus is needed only when it is what gets
	// indexed, and then only until the first build is done.
	pool = nil
	if *queryOnly {
		build, synonyms = nil, nil
	}

	if dir == "" {
		if dir, err = os.MkdirTemp("", "dossier-bench-"); err != nil {
			return fmt.Errorf("bench: %w", err)
		}
		defer os.RemoveAll(dir)
	}
	dir = indexDir(dir)

	for i := range *runs {
		var r benchRun
		o := queryOpts{slow: *slow, run: i + 1, runs: *runs}
		if i == *runs-1 {
			o.profile = *cpuProfile
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
			err = r.build(ctx, dir, build, synonyms, newProgress(sio.errOut, label))
			build, synonyms = nil, nil
			if err != nil {
				return err
			}
		}
		if err := rep.query(ctx, dir, qs, &r, o, sio); err != nil {
			return err
		}
		rep.Runs = append(rep.Runs, r)
	}
	return rep.write(sio)
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
		c, _, _, err = readBEIRCorpus(filepath.Join(b.beir, "corpus.jsonl"))
	} else {
		c, err = loadCorpus(b.src, warn)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	pool := sentencePool(c)
	if b.synth > 0 {
		// The synthetic corpus is made as the index asks for it: the
		// real one is let go here.
		return synthesize(pool, b.synth, synthSeed), nil, pool, nil
	}
	return c, c.Synonyms, pool, nil
}

func (b benchSource) passages(s index.Source) int {
	c, ok := s.(*corpus.Corpus)
	if !ok {
		return b.synth
	}
	n := 0
	for _, d := range c.Documents {
		n += len(d.Passages)
	}
	return n
}

// build times one whole build of the index in dir from nothing.
func (r *benchRun) build(ctx context.Context, dir string, src index.Source, synonyms [][]string, bar *progress) error {
	ix, err := emptyIndex(dir)
	if err != nil {
		return err
	}
	debug.FreeOSMemory()
	if resetPeakRSS() != nil {
		r.PeakSinceStart = true
	}
	start := time.Now()
	_, err = ix.SyncFrom(ctx, src, synonyms, bar.update)
	bar.finish()
	r.Build = time.Since(start)
	if cerr := ix.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("bench: build index: %w", err)
	}
	r.BuildPeakRSS = peakRSS()
	if r.IndexBytes, err = dirSize(dir); err != nil {
		return fmt.Errorf("bench: %w", err)
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

// queryOpts say how one run's questions are timed and reported.
type queryOpts struct {
	slow      time.Duration
	profile   string
	run, runs int
}

// query opens the built index afresh and times questions on it.
func (rep *benchReport) query(ctx context.Context, dir string, qs []string, r *benchRun, o queryOpts, sio stdio) error {
	debug.FreeOSMemory()
	if resetPeakRSS() != nil {
		r.PeakSinceStart = true
	}
	start := time.Now()
	// Read-only, as ask and eval open it: the time to the first answer is
	// what a reader waits, and the timing leaves the index as it was.
	ix, err := openReader(dir)
	if err != nil {
		return err
	}
	defer ix.Close()
	if _, err := ix.Ask(ctx, qs[0], 3); err != nil {
		return fmt.Errorf("bench: first question: %w", err)
	}
	r.Ready = time.Since(start)
	if docs := ix.Documents(); rep.Documents == 0 || rep.Passages == 0 || len(docs) != rep.Documents {
		rep.Documents, rep.Passages = len(docs), 0
		for _, d := range docs {
			rep.Passages += d.Passages
		}
	}

	if o.profile != "" {
		f, err := os.Create(o.profile)
		if err != nil {
			return fmt.Errorf("bench: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("bench: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	lat := make([]time.Duration, 0, len(qs))
	for _, q := range qs {
		t := time.Now()
		if _, err := ix.Ask(ctx, q, 3); err != nil {
			return fmt.Errorf("bench: ask %q: %w", q, err)
		}
		d := time.Since(t)
		lat = append(lat, d)
		if o.slow > 0 && d > o.slow {
			if o.runs > 1 {
				fmt.Fprintf(sio.out, "slow (run %d): %s %q\n", o.run, ms(d), q)
			} else {
				fmt.Fprintf(sio.out, "slow: %s %q\n", ms(d), q)
			}
		}
	}
	slices.Sort(lat)
	rep.Questions = len(lat)
	r.P50, r.P99, r.Max = lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1]
	r.QueryPeakRSS = peakRSS()
	return nil
}
