package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/index"

	"github.com/dossier-bot/dossier/corpus/golden"
)

// stars marks matched words as ask does in files and pipes.
var stars = [2]string{"**", "**"}

// askFixtures are hand-built answers of every kind, in the words of
// testdata/corpus, so that rendering is tested apart from the decision
// rule that picks a kind.
type askFixtures struct {
	answered, noLink, related, relatedNoLink, unanswered, closest, closestNoLink index.Answer
}

func newAskFixtures() askFixtures {
	lighthouse := corpus.Document{
		ID: "harbor-lighthouse", Title: "Harbor Lighthouse Restoration Report",
		Publisher: "Coastal Heritage Trust", Published: "2022-06", URL: "https://example.org/reports/lighthouse",
	}
	ferry := corpus.Document{ID: "ferry-notes", Title: "Ferry Timetable Notes", Publisher: "Town Council", Published: "2023-01-15"}
	result := func(d corpus.Document, heading, excerpt string, score float64, hl ...[2]int) index.Result {
		return index.Result{
			Doc:     d,
			Passage: corpus.Passage{ID: d.ID + "#1", DocID: d.ID, Heading: heading, Text: excerpt},
			Score:   score, Excerpt: excerpt, Highlights: hl, Link: d.Link(excerpt),
		}
	}
	restoration := result(lighthouse, "The Restoration", "The restoration began in 2019 and was led by the stonemason Tomas Varga.", 2.5, [2]int{4, 15}, [2]int{38, 41})
	built := result(lighthouse, "History of the Tower", "The harbor lighthouse was built in 1887 by the engineer Margaret Ellison.", 1.25, [2]int{4, 21}, [2]int{26, 31})
	timetable := result(ferry, "", "The morning ferry leaves the north pier at seven o'clock. In winter the ferry runs only on weekdays, because storms close the crossing at weekends.", 1.75, [2]int{12, 17}, [2]int{61, 67})
	took := 1500 * time.Microsecond
	return askFixtures{
		answered:      index.Answer{Question: "Who led the lighthouse restoration?", Answered: true, Results: []index.Result{restoration, built}, Confidence: 0.875, Took: took},
		noLink:        index.Answer{Question: "When does the ferry run in winter?", Answered: true, Results: []index.Result{timetable}, Confidence: 0.75, Took: took},
		related:       index.Answer{Question: "Who repainted the lighthouse in 2024?", Related: []index.Result{restoration, built}, Closest: []corpus.Document{lighthouse}, Confidence: 0.375, Took: took},
		relatedNoLink: index.Answer{Question: "Does the ferry run at night?", Related: []index.Result{timetable}, Closest: []corpus.Document{ferry}, Confidence: 0.375, Took: took},
		unanswered:    index.Answer{Question: "How do I bake sourdough bread?", Took: took},
		closest:       index.Answer{Question: "How tall is the lighthouse?", Closest: []corpus.Document{lighthouse}, Confidence: 0.125, Took: took},
		closestNoLink: index.Answer{Question: "Who owns the ferry company?", Closest: []corpus.Document{ferry}, Confidence: 0.125, Took: took},
	}
}

func TestPrinterGolden(t *testing.T) {
	t.Parallel()
	f := newAskFixtures()
	tests := []struct {
		name          string
		json, headers bool
		answers       []index.Answer
	}{
		{"ask-answered", false, false, []index.Answer{f.answered}},
		{"ask-no-link", false, false, []index.Answer{f.noLink}},
		{"ask-related", false, false, []index.Answer{f.related}},
		{"ask-related-no-link", false, false, []index.Answer{f.relatedNoLink}},
		{"ask-unanswered", false, false, []index.Answer{f.unanswered}},
		{"ask-closest", false, false, []index.Answer{f.closest}},
		{"ask-closest-no-link", false, false, []index.Answer{f.closestNoLink}},
		{"ask-stdin", false, true, []index.Answer{f.noLink, f.unanswered, f.related}},
		{"ask-json", true, true, []index.Answer{f.answered, f.related, f.closest}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			p := &printer{w: &b, json: tt.json, mark: stars, headers: tt.headers}
			for _, a := range tt.answers {
				if err := p.answer(a); err != nil {
					t.Fatalf("answer(%q) = %v", a.Question, err)
				}
			}
			switch {
			case tt.json:
				for i, got := range decodeAnswers(t, b.String(), defaultK) {
					checkWire(t, tt.answers[i], got)
				}
			case !tt.headers:
				checkRendering(t, tt.answers[0], b.String())
			}
			golden.Check(t, tt.name, b.String())
		})
	}
}

// checkRendering checks that text is ask's rendering of an answer of a's
// kind: passages under the heading that says they do not answer, passages
// alone, or the statement that the corpus does not answer.
func checkRendering(tb testing.TB, a index.Answer, text string) {
	tb.Helper()
	const none = "The corpus does not answer this question.\n"
	var prefix string
	var passages int
	switch a.Kind() {
	case index.Answered:
		prefix, passages = "1. ", len(a.Results)
	case index.Related:
		prefix, passages = relatedHeading+"\n1. ", len(a.Related)
	default:
		prefix = none
	}
	if !strings.HasPrefix(text, prefix) {
		tb.Errorf("ask %q (%s) printed %q, want it to start with %q", a.Question, a.Kind(), text, prefix)
	}
	if a.Kind() != index.Related && strings.Contains(text, relatedHeading) {
		tb.Errorf("ask %q (%s) printed the related heading:\n%s", a.Question, a.Kind(), text)
	}
	if a.Kind() != index.NothingClose && strings.Contains(text, none) {
		tb.Errorf("ask %q (%s) says the corpus does not answer:\n%s", a.Question, a.Kind(), text)
	}
	if got := strings.Count(text, "\n   > "); got != passages {
		tb.Errorf("ask %q (%s) quoted %d passages, want %d:\n%s", a.Question, a.Kind(), got, passages, text)
	}
}

// checkWire checks that the --json form got says what a does.
func checkWire(tb testing.TB, a index.Answer, got wireAnswer) {
	tb.Helper()
	if got.Question != a.Question || got.Kind != a.Kind().String() || got.Answered != a.Answered ||
		got.Confidence != a.Confidence || len(got.Results) != len(a.Results) || len(got.Related) != len(a.Related) {
		tb.Errorf("--json of the %s answer to %q = %+v, want kind %q, answered %v, confidence %v, %d results, %d related",
			a.Kind(), a.Question, got, a.Kind(), a.Answered, a.Confidence, len(a.Results), len(a.Related))
	}
}

func TestPrinterMarks(t *testing.T) {
	t.Parallel()
	p := &printer{mark: [2]string{"<", ">"}}
	tests := []struct {
		excerpt    string
		highlights [][2]int
		want       string
	}{
		{"North Korean delegation led", [][2]int{{0, 5}, {6, 12}, {13, 23}}, "<North Korean delegation> led"},
		{"Tehran, Iran", [][2]int{{0, 6}, {8, 12}}, "<Tehran>, <Iran>"},
		{"Iran’s program", [][2]int{{0, 6}}, "<Iran’s> program"},
		{"short", [][2]int{{2, 99}}, "sh<ort>"},
		{"overlap here", [][2]int{{0, 7}, {3, 12}}, "<overlap here>"},
		{"none", nil, "none"},
		{"bell\a and \x1b[31mred", [][2]int{{0, 4}}, "<bell>  and  [31mred"},
	}
	for _, tt := range tests {
		if got := p.marked(tt.excerpt, tt.highlights); got != tt.want {
			t.Errorf("marked(%q, %v) = %q, want %q", tt.excerpt, tt.highlights, got, tt.want)
		}
	}
}

func TestNoTerminalBoldInPipes(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if p := newPrinter(&b, false); p.mark != [2]string{"**", "**"} {
		t.Errorf("newPrinter(buffer) marks with %q, want **stars**", p.mark)
	}
}
