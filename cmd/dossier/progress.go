package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// isTerminal reports whether w is a character device such as a terminal,
// where redrawn lines and ANSI bold make sense.
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// The bar appears only for work that takes a while, so that indexing the
// built-in corpus for one question leaves no trace, and is redrawn at most
// ten times a second, so that drawing costs no noticeable time.
const (
	showAfter   = 250 * time.Millisecond
	redrawEvery = 100 * time.Millisecond
)

// progress is a one-line progress bar with done/total, rate and ETA.
type progress struct {
	w     io.Writer // nil: draw nothing
	label string
	now   func() time.Time

	mu          sync.Mutex // Sync may report from several goroutines
	start, last time.Time
	drawn       bool
}

// newProgress returns a bar drawn on w when w is a terminal, and silent
// otherwise (logs and pipes get no carriage-return clutter).
func newProgress(w io.Writer, label string) *progress {
	p := &progress{label: label, now: time.Now}
	if isTerminal(w) {
		p.w = w
	}
	return p
}

// update is an index.Progress.
func (p *progress) update(done, total int) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if p.start.IsZero() {
		p.start = now
	}
	if !p.drawn && now.Sub(p.start) < showAfter {
		return
	}
	if p.drawn && done < total && now.Sub(p.last) < redrawEvery {
		return
	}
	p.last, p.drawn = now, true
	fmt.Fprintf(p.w, "\r%s\x1b[K", p.line(done, total, now.Sub(p.start)))
}

// finish ends the bar's line, if one was drawn.
func (p *progress) finish() {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
}

const barWidth = 24

// line renders the bar for done of total after elapsed.
func (p *progress) line(done, total int, elapsed time.Duration) string {
	filled := 0
	if total > 0 {
		filled = min(barWidth, barWidth*done/total)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s [%s%s] %d/%d", p.label,
		strings.Repeat("#", filled), strings.Repeat("-", barWidth-filled), done, total)
	if done > 0 && elapsed > 0 {
		rate := float64(done) / elapsed.Seconds()
		fmt.Fprintf(&b, "  %.1f/s", rate)
		if done < total {
			eta := time.Duration(float64(total-done) / rate * float64(time.Second))
			fmt.Fprintf(&b, "  ETA %s", eta.Round(time.Second))
		}
	}
	return b.String()
}
