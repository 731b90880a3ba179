package main

import (
	"strings"
	"testing"
	"time"
)

func TestProgressBar(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	start := time.Date(2024, 4, 24, 12, 0, 0, 0, time.UTC)
	now := start
	p := &progress{w: &b, label: "indexing", now: func() time.Time { return now }}
	step := func(after time.Duration, done, total int) {
		now = start.Add(after)
		p.update(done, total)
	}
	step(0, 0, 40)                    // too soon to show a bar at all
	step(300*time.Millisecond, 1, 40) // shown from now on
	step(350*time.Millisecond, 2, 40) // too soon after the last: not drawn
	step(2*time.Second, 10, 40)
	step(2050*time.Millisecond, 11, 40) // too soon again
	step(2060*time.Millisecond, 40, 40) // the end is always drawn
	p.finish()
	p.finish() // a second finish adds nothing

	want := "\rindexing [------------------------] 1/40  3.3/s  ETA 12s\x1b[K" +
		"\rindexing [######------------------] 10/40  5.0/s  ETA 6s\x1b[K" +
		"\rindexing [########################] 40/40  19.4/s\x1b[K" +
		"\n"
	if got := b.String(); got != want {
		t.Errorf("progress bar drew\n%q\nwant\n%q", got, want)
	}
}

func TestProgressSilentOffTerminal(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	p := newProgress(&b, "indexing")
	p.update(1, 2)
	p.update(2, 2)
	p.finish()
	if b.Len() != 0 {
		t.Errorf("progress wrote %q to a non-terminal", b.String())
	}
}

func TestProgressQuickWorkDrawsNothing(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	start := time.Date(2024, 4, 24, 12, 0, 0, 0, time.UTC)
	now := start
	p := &progress{w: &b, label: "indexing", now: func() time.Time { return now }}
	for i := range 5 {
		now = start.Add(time.Duration(i) * 50 * time.Millisecond)
		p.update(i, 4)
	}
	p.finish()
	if b.Len() != 0 {
		t.Errorf("progress drew %q for work done in 200ms", b.String())
	}
}
