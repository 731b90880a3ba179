package eval

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"time"

	"github.com/dossier-bot/dossier/index"
)

// TimeBuild times one whole build of ix, an empty index in dir, from src,
// into r, and closes ix. The report counts the documents and passages the
// build indexed. progress, if not nil, is told how the build goes.
func (rep *BenchReport) TimeBuild(ctx context.Context, ix *index.Index, dir string, src index.Source, synonyms [][]string, r *BenchRun, progress func(done, total int)) error {
	debug.FreeOSMemory()
	r.resetPeak()
	start := time.Now()
	ch, err := ix.SyncFrom(ctx, src, synonyms, progress)
	r.Build = time.Since(start)
	rep.Documents, rep.Passages = len(ch.Added)+len(ch.Changed)+ch.Unchanged, ch.Total
	if cerr := ix.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("bench: build index: %w", err)
	}
	r.BuildPeakRSS = peakRSS(r.procDir())
	if r.IndexBytes, err = dirSize(dir); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	return nil
}

// QueryOptions say how one run's questions are timed and reported.
type QueryOptions struct {
	// Slow lists on the output the questions slower than it; 0 lists none.
	Slow time.Duration
	// Profile is a file to write a CPU profile of the questions to.
	Profile string
	// Run is the run's number, of Runs.
	Run, Runs int
}

// TimeQuestions opens the built index afresh with open and times questions
// on it, listing the slow ones on out. An index TimeBuild did not build is
// counted once its answering's peak memory is read, so that the count's
// copy of the registry is not taken for answering's.
func (rep *BenchReport) TimeQuestions(ctx context.Context, open func() (*index.Index, error), qs []string, r *BenchRun, o QueryOptions, out io.Writer) error {
	debug.FreeOSMemory()
	r.resetPeak()
	start := time.Now()
	ix, err := open()
	if err != nil {
		return err
	}
	defer ix.Close()
	if _, err := ix.Ask(ctx, qs[0], 3); err != nil {
		return fmt.Errorf("bench: first question: %w", err)
	}
	r.Ready = time.Since(start)

	if o.Profile != "" {
		f, err := os.Create(o.Profile)
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
		if o.Slow > 0 && d > o.Slow {
			if o.Runs > 1 {
				fmt.Fprintf(out, "slow (run %d): %s %q\n", o.Run, ms(d), q)
			} else {
				fmt.Fprintf(out, "slow: %s %q\n", ms(d), q)
			}
		}
	}
	// The profile is of the questions: counting the documents below
	// (sorting them all) was a seventh of it.
	pprof.StopCPUProfile()
	slices.Sort(lat)
	rep.Questions = len(lat)
	r.P50, r.P99, r.Max = lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1]
	r.QueryPeakRSS = peakRSS(r.procDir())
	if rep.Documents == 0 {
		for _, d := range ix.Documents() {
			rep.Documents++
			rep.Passages += d.Passages
		}
	}
	return nil
}
