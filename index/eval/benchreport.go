package eval

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// BenchRun is what one run of bench measured. The build figures are zero
// with --query-only.
type BenchRun struct {
	Build         time.Duration
	IndexBytes    int64
	BuildPeakRSS  int64
	Ready         time.Duration
	QueryPeakRSS  int64
	P50, P99, Max time.Duration
	// PeakReset is why the kernel would not restart the peak-memory mark
	// before a phase, which then reports the process's peak since it
	// started; nil when it restarted every time.
	PeakReset error
	// proc is where the process's status and clear_refs are; "" is
	// /proc/self. A test points it elsewhere to see a failure told.
	proc string
}

func (r *BenchRun) procDir() string {
	if r.proc == "" {
		return "/proc/self"
	}
	return r.proc
}

// resetPeak restarts the peak-memory mark before a phase, keeping the
// first reason it could not.
func (r *BenchRun) resetPeak() {
	if err := resetPeakRSS(r.procDir()); err != nil && r.PeakReset == nil {
		r.PeakReset = err
	}
}

// BenchReport is what bench measured over its runs.
type BenchReport struct {
	Corpus    string
	Documents int
	Passages  int
	Questions int // in each run
	Built     bool
	Runs      []BenchRun
}

// benchFigure is one row of the report: a figure's value in each run.
type benchFigure struct {
	label  string
	format string // for one value
	value  func(BenchRun) float64
	memory bool // 0 means the kernel did not say
}

func (r BenchReport) figures() []benchFigure {
	seconds := func(d time.Duration) float64 { return d.Seconds() }
	millis := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	var fs []benchFigure
	if r.Built {
		fs = append(fs,
			benchFigure{"index build, s", "%.3f", func(b BenchRun) float64 { return seconds(b.Build) }, false},
			benchFigure{"passages per second", "%.0f", func(b BenchRun) float64 { return float64(r.Passages) / b.Build.Seconds() }, false},
			benchFigure{"index size on disk, MiB", "%.1f", func(b BenchRun) float64 { return float64(b.IndexBytes) / (1 << 20) }, false},
			benchFigure{"peak memory building, MiB", "%.1f", func(b BenchRun) float64 { return float64(b.BuildPeakRSS) / (1 << 20) }, true},
		)
	}
	return append(fs,
		benchFigure{"open to first answer, ms", "%.1f", func(b BenchRun) float64 { return millis(b.Ready) }, false},
		benchFigure{"latency p50, ms", "%.2f", func(b BenchRun) float64 { return millis(b.P50) }, false},
		benchFigure{"latency p99, ms", "%.2f", func(b BenchRun) float64 { return millis(b.P99) }, false},
		benchFigure{"latency max, ms", "%.2f", func(b BenchRun) float64 { return millis(b.Max) }, false},
		benchFigure{"peak memory answering, MiB", "%.1f", func(b BenchRun) float64 { return float64(b.QueryPeakRSS) / (1 << 20) }, true},
	)
}

// Write prints the report for people on w.
func (r BenchReport) Write(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "corpus\t%s\n", r.Corpus)
	fmt.Fprintf(tw, "documents / passages\t%d / %d\n", r.Documents, r.Passages)
	fmt.Fprintf(tw, "questions timed\t%d a run\n", r.Questions)
	how := "each a whole build, then the index opened afresh"
	if !r.Built {
		how = "each opening the built index afresh"
	}
	fmt.Fprintf(tw, "runs\t%d, %s\n", len(r.Runs), how)
	fmt.Fprintln(tw)
	fmt.Fprintf(tw, "figure\tmin\tmedian\tmax\n")
	for _, f := range r.figures() {
		vals := make([]float64, len(r.Runs))
		for i, run := range r.Runs {
			vals[i] = f.value(run)
		}
		lo, mid, hi := spread(vals)
		if f.memory && lo <= 0 {
			fmt.Fprintf(tw, "%s\tunknown\tunknown\tunknown\n", f.label)
			continue
		}
		fmt.Fprintf(tw, "%s\t"+f.format+"\t"+f.format+"\t"+f.format+"\n", f.label, lo, mid, hi)
	}
	if i := slices.IndexFunc(r.Runs, func(b BenchRun) bool { return b.PeakReset != nil }); i >= 0 {
		fmt.Fprintf(tw, "\nThe kernel would not restart the peak-memory mark (%v), so peak memory\n"+
			"is the process's highest since it started, whatever the run or phase.\n", r.Runs[i].PeakReset)
	}
	return tw.Flush()
}

// spread returns the smallest, median and largest of vals; the median of
// an even count is the mean of the middle two.
func spread(vals []float64) (lo, mid, hi float64) {
	if len(vals) == 0 {
		return 0, 0, 0
	}
	s := slices.Sorted(slices.Values(vals))
	n := len(s)
	mid = s[n/2]
	if n%2 == 0 {
		mid = (s[n/2-1] + s[n/2]) / 2
	}
	return s[0], mid, s[n-1]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

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
// or 0 where the kernel does not say. It is one mark for the whole
// process, which is why each phase of each run restarts it first.
func peakRSS(proc string) int64 {
	f, err := os.Open(filepath.Join(proc, "status"))
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

// resetPeakRSS restarts the high-water mark at the present resident set
// (Linux 4.0 and later), so that answering is measured apart from
// building, and each run apart from the ones before it.
func resetPeakRSS(proc string) error {
	if err := os.WriteFile(filepath.Join(proc, "clear_refs"), []byte("5"), 0); err != nil {
		return fmt.Errorf("restart peak memory mark: %w", err)
	}
	return nil
}
