package eval

import (
	"context"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/index"
)

func TestSpread(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in          []float64
		lo, mid, hi float64
	}{
		{[]float64{3}, 3, 3, 3},
		{[]float64{5, 1}, 1, 3, 5},
		{[]float64{2, 9, 4}, 2, 4, 9},
		{[]float64{4, 1, 8, 2}, 1, 3, 8},
	} {
		in := slices.Clone(c.in)
		if lo, mid, hi := spread(c.in); lo != c.lo || mid != c.mid || hi != c.hi {
			t.Errorf("spread(%v) = %v %v %v, want %v %v %v", c.in, lo, mid, hi, c.lo, c.mid, c.hi)
		}
		if !slices.Equal(in, c.in) {
			t.Errorf("spread reordered its argument: %v", c.in)
		}
	}
}

// TestPeakResetFailureIsReported times a build and questions where the
// peak-memory mark cannot be restarted, and checks that the report says
// so and why, rather than passing the process's lifetime peak off as the
// phase's.
func TestPeakResetFailureIsReported(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, err := corpus.Load(corpus.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := index.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	r := BenchRun{proc: filepath.Join(t.TempDir(), "no-proc")}
	rep := BenchReport{Corpus: "built-in", Built: true}
	if err := rep.TimeBuild(ctx, ix, dir, c, c.Synonyms, &r, nil); err != nil {
		t.Fatalf("TimeBuild() = %v", err)
	}
	open := func() (*index.Index, error) { return index.OpenReadOnly(dir) }
	var out strings.Builder
	if err := rep.TimeQuestions(ctx, open, SampleQuestions(SentencePool(c), 5, 1), &r, QueryOptions{}, &out); err != nil {
		t.Fatalf("TimeQuestions() = %v", err)
	}
	if r.PeakReset == nil || !strings.Contains(r.PeakReset.Error(), "clear_refs") {
		t.Errorf("PeakReset = %v, want the failure to restart the mark", r.PeakReset)
	}
	rep.Runs = append(rep.Runs, r)
	if err := rep.Write(&out); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, want := range []string{"would not restart the peak-memory mark (restart peak memory mark: open ", "no such file or directory)", "peak memory building, MiB   unknown"} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %q:\n%s", want, text)
		}
	}
}

// TestBenchCountsTheIndex checks that a report counts the documents and
// passages of the index it measured: the build's, or, for an index built
// before (bench --query-only), the one opened.
func TestBenchCountsTheIndex(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, err := corpus.Load(corpus.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	passages := 0
	for _, d := range c.Documents {
		passages += len(d.Passages)
	}
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := index.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	var r BenchRun
	built := BenchReport{Corpus: "built-in", Built: true}
	if err := built.TimeBuild(ctx, ix, dir, c, c.Synonyms, &r, nil); err != nil {
		t.Fatalf("TimeBuild() = %v", err)
	}
	if built.Documents != len(c.Documents) || built.Passages != passages {
		t.Errorf("TimeBuild counted %d documents, %d passages; want %d, %d", built.Documents, built.Passages, len(c.Documents), passages)
	}
	open := func() (*index.Index, error) { return index.OpenReadOnly(dir) }
	qs := SampleQuestions(SentencePool(c), 5, 1)
	queried := BenchReport{Corpus: "built-in"}
	for run := range 2 {
		if err := queried.TimeQuestions(ctx, open, qs, &r, QueryOptions{}, io.Discard); err != nil {
			t.Fatalf("TimeQuestions() = %v", err)
		}
		if queried.Documents != len(c.Documents) || queried.Passages != passages {
			t.Errorf("after run %d, TimeQuestions counted %d documents, %d passages; want %d, %d", run+1, queried.Documents, queried.Passages, len(c.Documents), passages)
		}
	}
}
