package main

import (
	"bufio"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/index"
)

const benchAbout = `Measures Dossier at one scale: index build time and passages per second,
index size on disk, peak memory while building and while answering, time
from opening a built index to the first answer, and question latency (p50,
p99) over typical 5-12 word questions drawn from the corpus's own sentences.

The corpus is the built-in one, --corpus DIR, a BEIR benchmark (--beir DIR),
or --synthetic N passages generated deterministically from the sentences of
the BEIR corpus given by --beir. The index is built on disk in --data DIR,
or in a temporary folder removed afterwards.`

type benchReport struct {
	Corpus        string
	Documents     int
	Passages      int
	Build         time.Duration
	IndexBytes    int64
	BuildPeakRSS  int64
	Ready         time.Duration
	QueryPeakRSS  int64
	Questions     int
	P50, P99, Max time.Duration
}

func runBench(ctx context.Context, args []string, loadEnv envLoader, sio stdio) error {
	fs := newFlagSet("bench", "dossier bench [--corpus DIR | --beir DIR [--synthetic N]] [--data DIR] [--questions N]", benchAbout)
	src := sourceFlags(fs)
	beir := fs.String("beir", "", "BEIR benchmark `folder` (corpus.jsonl) to index, or to draw synthetic passages from")
	synth := fs.Int("synthetic", 0, "generate this many `passages` from the --beir corpus's sentences")
	nq := fs.Int("questions", 1000, "how many `questions` to time")
	slow := fs.Duration("slow", 0, "also list the questions slower than this `duration`")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the questions to `file`")
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
	src.resolve(fs, cfg)

	rep := benchReport{Corpus: "built-in"}
	var c *corpus.Corpus
	switch {
	case *beir != "":
		c, _, _, err = readBEIRCorpus(filepath.Join(*beir, "corpus.jsonl"))
		rep.Corpus = filepath.Base(filepath.Clean(*beir))
	default:
		c, err = loadCorpus(src, sio.errOut)
		if src.corpus != "" {
			rep.Corpus = src.corpus
		}
	}
	if err != nil {
		return err
	}
	pool := sentencePool(c)
	var build index.Source = c
	synonyms := c.Synonyms
	rep.Documents = len(c.Documents)
	for _, d := range c.Documents {
		rep.Passages += len(d.Passages)
	}
	if *synth > 0 && !*queryOnly {
		build, synonyms = synthesize(pool, *synth, synthSeed), nil
		rep.Corpus = fmt.Sprintf("synthetic %d from %s", *synth, rep.Corpus)
		rep.Documents, rep.Passages = build.Len(), *synth
	}
	qs := questions(pool, *nq, synthSeed)
	// Past the pool, the corpus is needed only when it is what gets
	// indexed: a synthetic build must not hold it.
	c = nil

	dir := src.data
	if *queryOnly && dir == "" {
		return &usageError{msg: "--query-only needs the --data folder of a built index", help: fs.usage()}
	}
	if dir == "" {
		if dir, err = os.MkdirTemp("", "dossier-bench-"); err != nil {
			return fmt.Errorf("bench: %w", err)
		}
		defer os.RemoveAll(dir)
	}
	dir = indexDir(dir)

	if *queryOnly {
		return rep.query(ctx, dir, qs, *slow, *cpuProfile, sio)
	}
	ix, err := openDisk(dir)
	if err != nil {
		return err
	}
	bar := newProgress(sio.errOut, "indexing")
	start := time.Now()
	_, err = ix.SyncFrom(ctx, build, synonyms, bar.update)
	bar.finish()
	rep.Build = time.Since(start)
	if cerr := ix.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("bench: build index: %w", err)
	}
	rep.BuildPeakRSS = peakRSS()
	build = nil // let the corpus go before measuring the answering side
	if rep.IndexBytes, err = dirSize(dir); err != nil {
		return fmt.Errorf("bench: %w", err)
	}

	return rep.query(ctx, dir, qs, *slow, *cpuProfile, sio)
}

// query opens the built index afresh and times questions on it.
func (rep benchReport) query(ctx context.Context, dir string, qs []string, slow time.Duration, profile string, sio stdio) error {
	debug.FreeOSMemory()
	resetPeakRSS()
	start := time.Now()
	ix, err := openDisk(dir)
	if err != nil {
		return err
	}
	defer ix.Close()
	if _, err := ix.Ask(ctx, qs[0], 3); err != nil {
		return fmt.Errorf("bench: first question: %w", err)
	}
	rep.Ready = time.Since(start)
	if docs := ix.Documents(); rep.Documents == 0 || rep.Passages == 0 || len(docs) != rep.Documents {
		rep.Documents, rep.Passages = len(docs), 0
		for _, d := range docs {
			rep.Passages += d.Passages
		}
	}

	if profile != "" {
		f, err := os.Create(profile)
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
		if slow > 0 && d > slow {
			fmt.Fprintf(sio.out, "slow: %s %q\n", ms(d), q)
		}
	}
	slices.Sort(lat)
	rep.Questions = len(lat)
	rep.P50, rep.P99, rep.Max = lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1]
	rep.QueryPeakRSS = peakRSS()
	return rep.write(sio)
}

func (r benchReport) write(sio stdio) error {
	tw := tabwriter.NewWriter(sio.out, 0, 4, 2, ' ', 0)
	rate := float64(r.Passages) / r.Build.Seconds()
	fmt.Fprintf(tw, "corpus\t%s\n", r.Corpus)
	fmt.Fprintf(tw, "documents / passages\t%d / %d\n", r.Documents, r.Passages)
	fmt.Fprintf(tw, "index build\t%s (%.0f passages/s)\n", r.Build.Round(time.Millisecond), rate)
	fmt.Fprintf(tw, "index size on disk\t%s\n", mib(r.IndexBytes))
	fmt.Fprintf(tw, "peak memory, building\t%s\n", mib(r.BuildPeakRSS))
	fmt.Fprintf(tw, "open to first answer\t%s\n", r.Ready.Round(time.Millisecond))
	fmt.Fprintf(tw, "questions timed\t%d\n", r.Questions)
	fmt.Fprintf(tw, "latency p50 / p99 / max\t%s / %s / %s\n", ms(r.P50), ms(r.P99), ms(r.Max))
	fmt.Fprintf(tw, "peak memory, answering\t%s\n", mib(r.QueryPeakRSS))
	return tw.Flush()
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

func mib(b int64) string {
	if b <= 0 {
		return "unknown"
	}
	return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
}

func dirSize(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if info, err := d.Info(); err == nil && !d.IsDir() {
			n += info.Size()
		}
		return nil
	})
	return n, err
}

// peakRSS is the process's resident-set high-water mark (Linux's VmHWM),
// or 0 where the kernel does not say.
func peakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// resetPeakRSS restarts the high-water mark so that answering is measured
// apart from building (Linux 4.0 and later).
func resetPeakRSS() {
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}
