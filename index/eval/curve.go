package eval

import (
	"fmt"
	"slices"
	"strings"
)

// curveSteps is how many equal steps the trade-off table takes from
// threshold 0 to 1: fine enough to see where the curve bends, short enough
// to read.
const curveSteps = 40

// CurvePoint is the trade-off at one decision threshold: the share of
// answerable questions that would be answered directly with an expected
// string first (Hit1) or in the first three (Hit3), and of expect_none
// questions that would be declined.
type CurvePoint struct {
	Threshold float64 `json:"threshold"`
	Hit1      float64 `json:"hit_at_1"`
	Hit3      float64 `json:"hit_at_3"`
	Declined  float64 `json:"declined"`
	// InForce marks the threshold Ask answers at.
	InForce bool `json:"in_force,omitempty"`
}

// tradeoff is the trade-off at every step from 0 to 1 and at the
// threshold in force, which it marks, in increasing order. It needs each
// record's ranked list, whatever its kind (Answers with Curve). The
// threshold in force is a parameter rather than index.AnswerThreshold so
// that a test can put it between steps.
func tradeoff(recs []record, inForce float64) []CurvePoint {
	ts := make([]float64, 0, curveSteps+2)
	for i := range curveSteps + 1 {
		// A quotient, not a running sum, so that a threshold in force on a
		// step, such as 0.55, is that step exactly and not a row beside it.
		ts = append(ts, float64(i)/curveSteps)
	}
	if !slices.Contains(ts, inForce) {
		ts = append(ts, inForce)
		slices.Sort(ts)
	}
	var answerable, negatives int
	for _, r := range recs {
		if r.expectNone {
			negatives++
		} else {
			answerable++
		}
	}
	points := make([]CurvePoint, 0, len(ts))
	for _, t := range ts {
		var hit1, hit3, declined int
		for _, r := range recs {
			answered := r.confidence >= t
			switch {
			case r.expectNone:
				if !answered {
					declined++
				}
			case !answered:
			case r.rankedAt == 1:
				hit1++
				hit3++
			case r.rankedAt >= 1 && r.rankedAt <= 3:
				hit3++
			}
		}
		points = append(points, CurvePoint{
			Threshold: t,
			Hit1:      ratio(hit1, answerable),
			Hit3:      ratio(hit3, answerable),
			Declined:  ratio(declined, negatives),
			InForce:   t == inForce,
		})
	}
	return points
}

// ratio is n out of of, 0 when of is.
func ratio(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

// curveText is the trade-off table for people.
func curveText(points []CurvePoint) string {
	var b strings.Builder
	b.WriteString("Trade-off over the decision threshold t (answered directly when Confidence >= t):\n")
	fmt.Fprintf(&b, "  %9s %8s %8s %9s\n", "threshold", "hit@1", "hit@3", "declined")
	for _, p := range points {
		fmt.Fprintf(&b, "  %9.3f %7.1f%% %7.1f%% %8.1f%%", p.Threshold, 100*p.Hit1, 100*p.Hit3, 100*p.Declined)
		if p.InForce {
			b.WriteString("  <- in force")
		}
		b.WriteString("\n")
	}
	return b.String()
}
