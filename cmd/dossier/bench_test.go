package main

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestBenchBuiltin(t *testing.T) {
	t.Parallel()
	out, _ := mustDossier(t, Config{}, "", "bench", "--questions", "20", "--runs", "2")
	for _, want := range []string{"documents / passages  4 /", "questions timed       20 a run", "runs                  2, each a whole build"} {
		if !strings.Contains(out, want) {
			t.Errorf("dossier bench output lacks %q:\n%s", want, out)
		}
	}
	checkBenchFigures(t, out, "index build, s", "passages per second", "index size on disk, MiB",
		"peak memory building, MiB", "open to first answer, ms", "latency p50, ms", "latency p99, ms",
		"latency max, ms", "peak memory answering, MiB")
}

// A query-only run re-opens the index each time and reports no build.
func TestBenchQueryOnlyRuns(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	mustDossier(t, Config{}, "", "bench", "--questions", "5", "--runs", "1", "--data", data)
	out, _ := mustDossier(t, Config{}, "", "bench", "--questions", "10", "--runs", "2", "--data", data, "--query-only")
	if !strings.Contains(out, "runs                  2, each opening the built index afresh") {
		t.Errorf("dossier bench --query-only does not say how it ran:\n%s", out)
	}
	if strings.Contains(out, "index build") {
		t.Errorf("dossier bench --query-only reports a build it did not time:\n%s", out)
	}
	checkBenchFigures(t, out, "open to first answer, ms", "latency p50, ms", "latency p99, ms",
		"latency max, ms", "peak memory answering, MiB")
}

func TestBenchRunsAtLeastOne(t *testing.T) {
	t.Parallel()
	_, _, err := dossier(t, Config{}, "", "bench", "--runs", "0")
	if code, msg := exitStatus(err); code != 2 || !strings.Contains(msg, "--runs") {
		t.Errorf("dossier bench --runs 0 = %d %q, want a usage error naming --runs", code, msg)
	}
}

// checkBenchFigures checks that the figure table has exactly the rows
// named, in order, each with min <= median <= max.
func checkBenchFigures(tb testing.TB, out string, rows ...string) {
	tb.Helper()
	_, table, ok := strings.Cut(out, "\nfigure ")
	if !ok {
		tb.Fatalf("dossier bench output has no figure table:\n%s", out)
	}
	lines := strings.Split(strings.TrimSpace(table), "\n")
	if got := strings.Fields(lines[0]); !slices.Equal(got, []string{"min", "median", "max"}) {
		tb.Errorf("figure table header = %q, want min median max", got)
	}
	var labels []string
	for _, line := range lines[1:] {
		f := strings.Fields(line)
		if len(f) < 4 {
			tb.Errorf("figure row %q has no min, median and max", line)
			continue
		}
		labels = append(labels, strings.Join(f[:len(f)-3], " "))
		if slices.Equal(f[len(f)-3:], []string{"unknown", "unknown", "unknown"}) && strings.Contains(line, "memory") {
			continue // where the kernel keeps no high-water mark
		}
		var v [3]float64
		for i, s := range f[len(f)-3:] {
			x, err := strconv.ParseFloat(s, 64)
			if err != nil {
				tb.Errorf("figure row %q: %q is not a number", line, s)
			}
			v[i] = x
		}
		if !(v[0] <= v[1] && v[1] <= v[2]) || v[0] < 0 {
			tb.Errorf("figure row %q: want 0 <= min <= median <= max", line)
		}
	}
	if !slices.Equal(labels, rows) {
		tb.Errorf("figure rows = %q, want %q", labels, rows)
	}
}

func TestBenchQueryOnlyNeedsData(t *testing.T) {
	t.Parallel()
	_, _, err := dossier(t, Config{}, "", "bench", "--query-only")
	if code, msg := exitStatus(err); code != 2 || !strings.Contains(msg, "--data") {
		t.Errorf("dossier bench --query-only = %d %q, want a usage error naming --data", code, msg)
	}
}
