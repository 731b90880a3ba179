package eval

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/index"
)

// byHand is what eval should report on the questions of file, worked out
// question by question from the answers ix gives, whatever their kinds.
// anyAll3 counts the answerable questions whose expected string AskAll
// ranks in the top 3: the curve's hit@3 at threshold 0.
func byHand(tb testing.TB, ix *index.Index, file string, k int) (rep Report, anyAll3 float64) {
	tb.Helper()
	qs, err := ReadQuestions(file)
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	rep = Report{File: filepath.Base(file), Corpus: "testdata/corpus", K: k, Questions: len(qs), InForce: ptr(index.AnswerThreshold)}
	var rr float64
	var answerable int
	for _, q := range qs {
		a, err := ix.Ask(ctx, q.Q, k)
		if err != nil {
			tb.Fatalf("Ask(%q) = %v", q.Q, err)
		}
		all, err := ix.AskAll(ctx, q.Q, k)
		if err != nil {
			tb.Fatalf("AskAll(%q) = %v", q.Q, err)
		}
		shown := append(slices.Clip(a.Results), a.Related...)
		m := Miss{ID: q.ID, Question: q.Q, ExpectNone: q.ExpectNone, Kind: a.Kind().String()}
		if len(shown) > 0 {
			m.First = shown[0].Doc.Citation() + ": " + shown[0].Excerpt
		}
		if q.ExpectNone {
			rep.Negatives.Of++
			rep.Replies.ExpectNone.add(a.Kind())
			m.Want = "no answer"
			if a.Answered {
				rep.Misses = append(rep.Misses, m)
			} else {
				rep.Negatives.Count++
			}
			continue
		}
		answerable++
		rep.Replies.Answerable.add(a.Kind())
		wants := make([]string, len(q.Expect))
		for i, w := range q.Expect {
			wants[i] = normalize(w)
		}
		has := func(text string) bool { return containsAny(text, wants) }
		for i, r := range shown {
			if has(r.Passage.Text) {
				m.FoundAt = i + 1
				break
			}
		}
		for _, r := range append(slices.Clip(all.Results), all.Related...)[:min(3, len(all.Results)+len(all.Related))] {
			if has(r.Passage.Text) {
				anyAll3++
				break
			}
		}
		if m.FoundAt >= 1 && m.FoundAt <= 3 {
			rep.AnyHit3.Count++
		}
		if a.Answered {
			if m.FoundAt == 1 {
				rep.Hit1.Count++
			}
			if m.FoundAt >= 1 && m.FoundAt <= 3 {
				rep.Hit3.Count++
			}
			if m.FoundAt > 0 {
				rr += 1 / float64(m.FoundAt)
			}
			if has(a.Results[0].Excerpt) {
				rep.Excerpt1.Count++
			}
		}
		if !a.Answered || m.FoundAt != 1 {
			m.Want = "one of " + quoteAll(q.Expect)
			rep.Misses = append(rep.Misses, m)
		}
	}
	for _, s := range []*Share{&rep.Hit1, &rep.Hit3, &rep.AnyHit3, &rep.Excerpt1} {
		s.Of = answerable
		s.Rate = float64(s.Count) / float64(answerable)
	}
	rep.Negatives.Rate = float64(rep.Negatives.Count) / float64(rep.Negatives.Of)
	rep.MRR = rr / float64(answerable)
	return rep, anyAll3 / float64(answerable)
}

// testIndex is an in-memory index of the corpus in dir.
func testIndex(tb testing.TB, dir string) *index.Index {
	tb.Helper()
	c, err := corpus.Load(os.DirFS(dir))
	if err != nil {
		tb.Fatalf("Load(%s) = %v", dir, err)
	}
	ix, err := index.NewMemory()
	if err != nil {
		tb.Fatalf("NewMemory() = %v", err)
	}
	tb.Cleanup(func() { ix.Close() })
	if _, err := ix.Sync(context.Background(), c, nil); err != nil {
		tb.Fatalf("Sync(%s) = %v", dir, err)
	}
	return ix
}

// TestAnswers checks Answers' figures against those worked out by hand
// from the answers the index gives, so that it holds whatever the
// decision rule's thresholds are. p2 and p3 expect strings that differ
// from the text in case, spaces and quote style; p4's is in no passage;
// nothing in the corpus is near n1.
func TestAnswers(t *testing.T) {
	t.Parallel()
	const file = "testdata/eval.jsonl"
	ix := testIndex(t, "testdata/corpus")
	qs, err := ReadQuestions(file)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Answers(context.Background(), ix, qs, Options{K: DefaultK, Curve: true})
	if err != nil {
		t.Fatalf("Answers(%s) = %v", file, err)
	}
	got.File, got.Corpus = "eval.jsonl", "testdata/corpus"
	want, anyAll3 := byHand(t, ix, file, DefaultK)
	if got.MedianMS <= 0 {
		t.Errorf("MedianMS = %v, want > 0", got.MedianMS)
	}
	opts := cmp.Options{cmpopts.IgnoreFields(Report{}, "MedianMS", "Curve"), cmpopts.EquateEmpty()}
	if diff := cmp.Diff(want, *got, opts); diff != "" {
		t.Errorf("Answers(%s) (-want +got):\n%s", file, diff)
	}
	if !slices.ContainsFunc(got.Misses, func(m Miss) bool { return m.ID == "p4" && m.FoundAt == 0 }) {
		t.Errorf("Answers(%s): misses %+v lack p4, whose expected string is in no passage", file, got.Misses)
	}
	if got.Replies.ExpectNone != (KindCounts{None: 1}) {
		t.Errorf("Answers(%s): expect_none replies = %+v, want n1's none", file, got.Replies.ExpectNone)
	}
	checkCurve(t, *got)
	if p := got.Curve[0]; p.Threshold != 0 || p.Hit3 != anyAll3 || p.Declined != 0 {
		t.Errorf("Answers(%s): curve at threshold 0 = %+v, want hit@3 %v and nothing declined", file, p, anyAll3)
	}

	text := got.Text()
	for _, line := range []string{
		"hit@1               " + want.Hit1.String(),
		"any-kind hit@3      " + want.AnyHit3.String(),
		"declined            " + want.Negatives.String(),
		fmt.Sprintf("MRR@10              %.3f", want.MRR),
		fmt.Sprintf("Misses (%d):\n", len(want.Misses)),
		"  p4  What color is the lantern room?\n      reply: ",
		"Trade-off",
	} {
		if !strings.Contains(text, line) {
			t.Errorf("Answers(%s).Text() lacks %q:\n%s", file, line, text)
		}
	}
	got, err = Answers(context.Background(), ix, qs, Options{K: DefaultK})
	if err != nil {
		t.Fatalf("Answers(%s) = %v", file, err)
	}
	if got.InForce != nil || got.Curve != nil {
		t.Errorf("Answers(%s) without Curve has threshold in force %v and curve %v", file, deref(got.InForce), got.Curve)
	}
	if text := got.Text(); strings.Contains(text, "Trade-off") {
		t.Errorf("Answers(%s) without Curve printed the trade-off:\n%s", file, text)
	}
}

func TestReadQuestionsMalformed(t *testing.T) {
	t.Parallel()
	good := `{"id":"a","q":"Who led the lighthouse restoration?","expect":["Varga"]}`
	tests := []struct {
		name, content, want string
	}{
		{"not json", good + "\n{oops\n", "bad.jsonl:2: not a question object"},
		{"unknown field", good + "\n" + `{"id":"b","q":"x","expect":["y"],"answer":"z"}`, `bad.jsonl:2: not a question object: json: unknown field "answer"`},
		{"no id", `{"q":"x","expect":["y"]}`, `bad.jsonl:1: no "id"`},
		{"no question", `{"id":"a","q":"  ","expect":["y"]}`, `bad.jsonl:1: no question in "q"`},
		{"no expectation", `{"id":"a","q":"x"}`, `bad.jsonl:1: needs "expect" strings or "expect_none": true`},
		{"both", `{"id":"a","q":"x","expect":["y"],"expect_none":true}`, "bad.jsonl:1: \"expect\" and \"expect_none\" contradict"},
		{"empty expect", `{"id":"a","q":"x","expect":[" "]}`, `bad.jsonl:1: an "expect" string is empty`},
		{"two values", `{"id":"a","q":"x","expect":["y"]} {}`, "bad.jsonl:1: more than one JSON value"},
		{"duplicate id", good + "\n\n" + good, `bad.jsonl:3: id "a" was already used on line 1`},
		{"empty", "\n\n", "bad.jsonl has no questions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			file := filepath.Join(t.TempDir(), "bad.jsonl")
			if err := os.WriteFile(file, []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := ReadQuestions(file)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ReadQuestions(%q) = %v, want an error with %q", tt.content, err, tt.want)
			}
		})
	}
	_, err := ReadQuestions(filepath.Join(t.TempDir(), "missing.jsonl"))
	if err == nil || !strings.Contains(err.Error(), "missing.jsonl: no such file") {
		t.Errorf("ReadQuestions of a missing file = %v, want an error naming it", err)
	}
}

func TestContainsAny(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text, want string
		ok         bool
	}{
		{"Iran’s drone exports", "iran's drone", true},
		{"the “enemy” of the UAE", `"enemy"`, true},
		{"Mohammad\n  Hossein\tBagheri said", "mohammad hossein bagheri", true},
		{"seven o'clock", "seven o’clock", true},
		{"seven o'clock", "seven oclock", false},
		{"Rex Tillerson", "rex  tillerson ", true},
		{"Tillerson", "rex tillerson", false},
	}
	for _, tt := range tests {
		if got := containsAny(tt.text, []string{normalize(tt.want)}); got != tt.ok {
			t.Errorf("containsAny(%q, %q) = %v, want %v", tt.text, tt.want, got, tt.ok)
		}
	}
}

func TestMedian(t *testing.T) {
	t.Parallel()
	tests := []struct {
		xs   []float64
		want float64
	}{
		{nil, 0},
		{[]float64{4}, 4},
		{[]float64{9, 1, 5}, 5},
		{[]float64{4, 1, 3, 2}, 2.5},
	}
	for _, tt := range tests {
		if got := median(tt.xs); got != tt.want {
			t.Errorf("median(%v) = %v, want %v", tt.xs, got, tt.want)
		}
	}
}

// scoreRecords are replies of every kind to both sorts of question, scored
// by hand in TestScore.
func scoreRecords() []record {
	return []record{
		{kind: index.Answered, foundAt: 1, excerptHit: true},
		{kind: index.Answered, foundAt: 2},
		{kind: index.Related, foundAt: 1},
		{kind: index.Related, foundAt: 4},
		{kind: index.NothingClose},
		{kind: index.Answered},
		{expectNone: true, kind: index.Answered},
		{expectNone: true, kind: index.Related},
		{expectNone: true, kind: index.NothingClose},
	}
}

func TestScore(t *testing.T) {
	t.Parallel()
	var got Report
	got.score(scoreRecords())
	want := Report{
		Hit1:      Share{1, 6, 1.0 / 6},
		Hit3:      Share{2, 6, 2.0 / 6},
		AnyHit3:   Share{3, 6, 3.0 / 6},
		Excerpt1:  Share{1, 6, 1.0 / 6},
		MRR:       (1 + 0.5) / 6,
		Negatives: Share{2, 3, 2.0 / 3},
		Replies:   Replies{Answerable: KindCounts{3, 2, 1}, ExpectNone: KindCounts{1, 1, 1}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("score(%+v) (-want +got):\n%s", scoreRecords(), diff)
	}
}

// gates parses args as flags setting the gates' minimums, as dossier
// eval's --min flags do.
func gates(tb testing.TB, args ...string) Gates {
	tb.Helper()
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	gs := NewGates()
	for _, g := range gs {
		fs.Float64Var(&g.Min, g.Flag, 0, "")
	}
	if err := fs.Parse(args); err != nil {
		tb.Fatalf("parse %q: %v", args, err)
	}
	return gs
}

func TestGatesHold(t *testing.T) {
	t.Parallel()
	rep := &Report{
		Hit1: Share{0, 4, 0}, Hit3: Share{3, 4, 0.75}, AnyHit3: Share{4, 4, 1}, Excerpt1: Share{2, 4, 0.5},
		MRR: 0.5,
	}
	tests := []struct {
		args []string
		want string // "" when the gates hold
	}{
		{nil, ""},
		{[]string{"--min-hit3", "0.75", "--min-any-hit3", "1", "--min-excerpt1", "0.5"}, ""},
		{[]string{"--min-hit3", "0.8"}, "a figure is below its minimum: hit@3 is 0.7500, its minimum 0.8 (--min-hit3)"},
		{
			[]string{"--min-hit1", "0.1", "--min-any-hit3", "1", "--min-mrr", "0.6"},
			"2 figures are below their minimum: hit@1 is 0.0000, its minimum 0.1 (--min-hit1); MRR is 0.5000, its minimum 0.6 (--min-mrr)",
		},
		{[]string{"--min-declined", "0.5"}, "a figure is below its minimum: declined was not measured (no questions of its sort), its minimum is 0.5 (--min-declined)"},
		{[]string{"--min-declined", "0"}, ""},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			err := gates(t, tt.args...).Hold(rep)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("Hold(%+v) with %q = %q, want %q", rep, tt.args, got, tt.want)
			}
		})
	}
}
