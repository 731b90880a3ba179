package eval

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dossier-bot/dossier/corpus/golden"
	"github.com/dossier-bot/dossier/index"
)

// curveRecords are questions whose trade-off is worked out by hand in
// TestTradeoff: four answerable, with the expected passage first, third,
// first and nowhere, and two expect_none.
func curveRecords() []record {
	return []record{
		{confidence: 0.9, rankedAt: 1, kind: index.Answered},
		{confidence: 0.6, rankedAt: 3, kind: index.Answered},
		{confidence: 0.3, rankedAt: 1, kind: index.Related},
		{confidence: 0.1, rankedAt: 0, kind: index.NothingClose},
		{confidence: 0.5, expectNone: true, kind: index.Related},
		{confidence: 0.05, expectNone: true, kind: index.NothingClose},
	}
}

// checkCurve checks what holds of every trade-off table: a row at each
// step, shares that move one way as the threshold rises, and at the
// threshold in force the figures Ask itself scored.
func checkCurve(tb testing.TB, rep Report) {
	tb.Helper()
	steps := 0
	for i, p := range rep.Curve {
		if p.Threshold == float64(steps)/curveSteps {
			steps++
		}
		if p.Hit1 > p.Hit3 {
			tb.Errorf("curve at %v: hit@1 %v above hit@3 %v", p.Threshold, p.Hit1, p.Hit3)
		}
		if i == 0 {
			continue
		}
		q := rep.Curve[i-1]
		if p.Threshold <= q.Threshold || p.Hit1 > q.Hit1 || p.Hit3 > q.Hit3 || p.Declined < q.Declined {
			tb.Errorf("curve from %+v to %+v: want the threshold to rise, hits to fall and declines to rise", q, p)
		}
	}
	if steps != curveSteps+1 {
		tb.Errorf("curve has %d of the %d steps from 0 to 1: %+v", steps, curveSteps+1, rep.Curve)
	}
	if rep.InForce == nil || *rep.InForce != index.AnswerThreshold {
		tb.Errorf("threshold in force = %v, want index.AnswerThreshold %v", deref(rep.InForce), index.AnswerThreshold)
		return
	}
	var marked []CurvePoint
	for _, p := range rep.Curve {
		if p.InForce {
			marked = append(marked, p)
		}
	}
	want := CurvePoint{Threshold: *rep.InForce, Hit1: rep.Hit1.Rate, Hit3: rep.Hit3.Rate, Declined: rep.Negatives.Rate, InForce: true}
	if len(marked) != 1 || marked[0] != want {
		tb.Errorf("curve marks %+v in force, want one row, as eval scored Ask: %+v", marked, want)
	}
}

func TestTradeoff(t *testing.T) {
	t.Parallel()
	const inForce = 0.61 // between steps, so it gets a row of its own
	points := tradeoff(curveRecords(), inForce)
	if len(points) != curveSteps+2 {
		t.Fatalf("tradeoff gave %d rows, want the %d steps and the threshold in force", len(points), curveSteps+2)
	}
	rows := map[float64]CurvePoint{}
	for i, p := range points {
		if i > 0 && p.Threshold <= points[i-1].Threshold {
			t.Errorf("row %d's threshold %v does not rise above %v", i, p.Threshold, points[i-1].Threshold)
		}
		rows[p.Threshold] = p
	}
	tests := []struct {
		threshold float64
		want      CurvePoint
	}{
		{0, CurvePoint{Hit1: 0.5, Hit3: 0.75, Declined: 0}},
		{0.075, CurvePoint{Hit1: 0.5, Hit3: 0.75, Declined: 0.5}},
		{0.1, CurvePoint{Hit1: 0.5, Hit3: 0.75, Declined: 0.5}}, // a threshold equal to a Confidence answers it
		{0.3, CurvePoint{Hit1: 0.5, Hit3: 0.75, Declined: 0.5}},
		{0.325, CurvePoint{Hit1: 0.25, Hit3: 0.5, Declined: 0.5}},
		{0.525, CurvePoint{Hit1: 0.25, Hit3: 0.5, Declined: 1}},
		{0.6, CurvePoint{Hit1: 0.25, Hit3: 0.5, Declined: 1}},
		{0.61, CurvePoint{Hit1: 0.25, Hit3: 0.25, Declined: 1, InForce: true}},
		{0.9, CurvePoint{Hit1: 0.25, Hit3: 0.25, Declined: 1}},
		{0.925, CurvePoint{Declined: 1}},
		{1, CurvePoint{Declined: 1}},
	}
	for _, tt := range tests {
		tt.want.Threshold = tt.threshold
		got, ok := rows[tt.threshold]
		if !ok {
			t.Errorf("tradeoff has no row at %v", tt.threshold)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("tradeoff row at %v (-want +got):\n%s", tt.threshold, diff)
		}
	}
	marked := 0
	for _, p := range points {
		if p.InForce {
			marked++
		}
	}
	if marked != 1 {
		t.Errorf("tradeoff marked %d rows in force, want 1", marked)
	}
}

// A threshold in force on a step, as index.AnswerThreshold is, marks that
// step's row rather than adding one a rounding error beside it.
func TestTradeoffInForceOnStep(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		inForce float64
	}{
		{"0.55", 0.55},
		{"index.AnswerThreshold", index.AnswerThreshold},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			points := tradeoff(curveRecords(), tt.inForce)
			var marked []float64
			for i, p := range points {
				if p.InForce {
					marked = append(marked, p.Threshold)
				}
				if i > 0 && p.Threshold-points[i-1].Threshold < 1e-9 {
					t.Errorf("tradeoff with %v in force has rows at %v and %v", tt.inForce, points[i-1].Threshold, p.Threshold)
				}
			}
			if len(marked) != 1 || marked[0] != tt.inForce {
				t.Errorf("tradeoff with %v in force marked %v, want %v alone", tt.inForce, marked, tt.inForce)
			}
		})
	}
	if n := len(tradeoff(curveRecords(), 0.55)); n != curveSteps+1 {
		t.Errorf("tradeoff with 0.55, a step, in force gave %d rows, want %d", n, curveSteps+1)
	}
}

// With no question of a sort, its share is 0 rather than NaN, which JSON
// cannot carry.
func TestTradeoffEmpty(t *testing.T) {
	t.Parallel()
	for _, p := range tradeoff([]record{{confidence: 0.5}}, index.AnswerThreshold) {
		if math.IsNaN(p.Declined) || p.Declined != 0 {
			t.Errorf("tradeoff of no expect_none questions at %v: declined = %v, want 0", p.Threshold, p.Declined)
		}
	}
}

func ptr(f float64) *float64 { return &f }

// deref shows a threshold that may be missing.
func deref(f *float64) any {
	if f == nil {
		return "missing"
	}
	return *f
}

// TestEvalReportGolden fixes the text report's layout, on hand-built
// figures: misses of every kind and the trade-off table.
func TestEvalReportGolden(t *testing.T) {
	t.Parallel()
	rep := &Report{File: "questions.jsonl", Corpus: "testdata/corpus", K: 10, Questions: 9, MedianMS: 2.5}
	rep.score(scoreRecords())
	rep.InForce = ptr(0.61)
	rep.Curve = tradeoff(curveRecords(), *rep.InForce)
	rep.Misses = []Miss{
		{ID: "a2", Question: "Who led the restoration?", Want: `one of "Tomas Varga"`, Kind: "answered", First: "Harbor Lighthouse: The harbor lighthouse was built in 1887.", FoundAt: 2},
		{ID: "a3", Question: "Who repainted the lantern room?", Want: `one of "crew"`, Kind: "related", First: "Harbor Lighthouse: His crew repainted the lantern room.", FoundAt: 1},
		{ID: "a5", Question: "How tall is it?", Want: `one of "40 metres"`, Kind: "none"},
		{ID: "a6", Question: "When was it lit?", Want: `one of "1888"`, Kind: "answered", First: "Harbor Lighthouse: Its lamp was first lit on a winter evening."},
		{ID: "n1", Question: "Who built the ferry?", Want: "no answer", ExpectNone: true, Kind: "answered", First: "Ferry Timetable Notes: The morning ferry leaves at seven."},
	}
	golden.Check(t, "eval-report", rep.Text())
}
