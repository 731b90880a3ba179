package eval

import (
	"fmt"
	"strings"
)

// Gate holds one of the report's figures to a minimum, so that CI
// fails when answers get worse; 0, the default, holds it to nothing.
type Gate struct {
	// Flag is the command-line flag that sets Min, without dashes.
	Flag string
	// Figure names the figure held, as the report names it.
	Figure string
	Min    float64
	// measure is the figure and how many questions it is over.
	measure func(*Report) (rate float64, of int)
}

// Gates are the minimums a run of Answers is held to.
type Gates []*Gate

// NewGates returns a gate, holding to nothing, for each figure a gate
// can hold.
func NewGates() Gates {
	of := func(s func(*Report) Share) func(*Report) (float64, int) {
		return func(r *Report) (float64, int) { return s(r).Rate, s(r).Of }
	}
	return Gates{
		{Flag: "min-hit1", Figure: "hit@1", measure: of(func(r *Report) Share { return r.Hit1 })},
		{Flag: "min-hit3", Figure: "hit@3", measure: of(func(r *Report) Share { return r.Hit3 })},
		{Flag: "min-any-hit3", Figure: "any-kind hit@3", measure: of(func(r *Report) Share { return r.AnyHit3 })},
		{Flag: "min-excerpt1", Figure: "excerpt@1", measure: of(func(r *Report) Share { return r.Excerpt1 })},
		{Flag: "min-mrr", Figure: "MRR", measure: func(r *Report) (float64, int) { return r.MRR, r.Hit1.Of }},
		{Flag: "min-declined", Figure: "declined", measure: of(func(r *Report) Share { return r.Negatives })},
	}
}

// Check refuses a minimum no figure can be held to.
func (gs Gates) Check() error {
	for _, g := range gs {
		if !(g.Min >= 0 && g.Min <= 1) {
			return fmt.Errorf("--%s %g is out of range: use 0 to 1", g.Flag, g.Min)
		}
	}
	return nil
}

// Hold fails, naming every figure below its minimum, its value and the
// minimum. A figure held to a minimum but not measured, for want of
// questions of its sort, fails too: CI must not pass on a file that
// cannot show what it is asked to.
func (gs Gates) Hold(r *Report) error {
	var low []string
	for _, g := range gs {
		if g.Min == 0 {
			continue
		}
		rate, of := g.measure(r)
		switch {
		case of == 0:
			low = append(low, fmt.Sprintf("%s was not measured (no questions of its sort), its minimum is %g (--%s)", g.Figure, g.Min, g.Flag))
		case rate < g.Min:
			low = append(low, fmt.Sprintf("%s is %.4f, its minimum %g (--%s)", g.Figure, rate, g.Min, g.Flag))
		}
	}
	switch len(low) {
	case 0:
		return nil
	case 1:
		return fmt.Errorf("a figure is below its minimum: %s", low[0])
	}
	return fmt.Errorf("%d figures are below their minimum: %s", len(low), strings.Join(low, "; "))
}
