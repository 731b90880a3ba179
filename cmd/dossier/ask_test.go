package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/dossier-bot/dossier/corpus/cite"
	"github.com/dossier-bot/dossier/index"
)

const delegationQ = "Who led the North Korean delegation to Tehran?"

// wireAnswer is the documented --json shape, written out again here so that
// a change to the output cannot pass unnoticed.
type wireAnswer struct {
	Question   string       `json:"question"`
	Answered   bool         `json:"answered"`
	Kind       string       `json:"kind"`
	Confidence float64      `json:"confidence"`
	TookMS     float64      `json:"took_ms"`
	Results    []wireResult `json:"results"`
	Related    []wireResult `json:"related"`
}

// shown is the passages the answer quotes, direct or related.
func (a wireAnswer) shown() []wireResult { return append(slices.Clip(a.Results), a.Related...) }

type wireResult struct {
	CiteID     string   `json:"cite_id"`
	Citation   string   `json:"citation"`
	DocID      string   `json:"doc_id"`
	Title      string   `json:"title"`
	Publisher  string   `json:"publisher"`
	Published  string   `json:"published"`
	URL        string   `json:"url"`
	Link       string   `json:"link"`
	Heading    string   `json:"heading"`
	Passage    string   `json:"passage"`
	Excerpt    string   `json:"excerpt"`
	Highlights [][2]int `json:"highlights"`
	Score      float64  `json:"score"`
}

// decodeAnswers decodes --json output, one object a line, and checks what
// holds for every answer.
func decodeAnswers(tb testing.TB, stdout string, k int) []wireAnswer {
	tb.Helper()
	var answers []wireAnswer
	for i, line := range strings.Split(strings.TrimSuffix(stdout, "\n"), "\n") {
		if line == "" {
			continue
		}
		dec := json.NewDecoder(strings.NewReader(line))
		dec.DisallowUnknownFields()
		var a wireAnswer
		if err := dec.Decode(&a); err != nil {
			tb.Fatalf("line %d of --json output: %v\n%s", i+1, err, line)
		}
		checkAnswer(tb, a, k)
		answers = append(answers, a)
	}
	return answers
}

func checkAnswer(tb testing.TB, a wireAnswer, k int) {
	tb.Helper()
	if a.Results == nil || a.Related == nil {
		tb.Errorf("%q: results %v or related %v is null, want lists", a.Question, a.Results, a.Related)
	}
	want := map[string]struct{ answered, results, related bool }{
		"answered": {true, true, false},
		"related":  {false, false, true},
		"none":     {false, false, false},
	}
	w, ok := want[a.Kind]
	if !ok {
		tb.Errorf("%q: kind %q, want answered, related or none", a.Question, a.Kind)
	}
	if a.Answered != w.answered || (len(a.Results) > 0) != w.results || (len(a.Related) > 0) != w.related {
		tb.Errorf("%q: kind %q with answered %v, %d results and %d related, want answered %v, results %v, related %v",
			a.Question, a.Kind, a.Answered, len(a.Results), len(a.Related), w.answered, w.results, w.related)
	}
	if len(a.Results) > k || len(a.Related) > k {
		tb.Errorf("%q: %d results and %d related, want at most %d", a.Question, len(a.Results), len(a.Related), k)
	}
	if a.Confidence < 0 || a.Confidence > 1 {
		tb.Errorf("%q: confidence = %v, want it in [0, 1]", a.Question, a.Confidence)
	}
	if a.TookMS <= 0 {
		tb.Errorf("%q: took_ms = %v, want > 0", a.Question, a.TookMS)
	}
	shown := a.shown()
	for i, r := range shown {
		if i > 0 && r.Score > shown[i-1].Score {
			tb.Errorf("%q: passage %d scores %v, above passage %d's %v", a.Question, i+1, r.Score, i, shown[i-1].Score)
		}
		if r.DocID == "" || r.Citation == "" || r.Passage == "" || r.Excerpt == "" {
			tb.Errorf("%q: passage %d lacks doc_id, citation, passage or excerpt: %+v", a.Question, i+1, r)
		}
		if want := cite.ID(r.DocID, r.Passage); r.CiteID != want {
			tb.Errorf("%q: passage %d has cite_id %q, want %q, the id of its document and text", a.Question, i+1, r.CiteID, want)
		}
		if (r.URL == "") != (r.Link == "") || !strings.HasPrefix(r.Link, r.URL) {
			tb.Errorf("%q: passage %d has link %q for url %q", a.Question, i+1, r.Link, r.URL)
		}
		if r.Highlights == nil {
			tb.Errorf("%q: passage %d highlights is null, want a list", a.Question, i+1)
		}
		n, at := utf8.RuneCountInString(r.Excerpt), 0
		for _, h := range r.Highlights {
			if h[0] < at || h[1] <= h[0] || h[1] > n {
				tb.Errorf("%q: passage %d highlight %v is out of order or outside the excerpt's %d runes", a.Question, i+1, h, n)
			}
			at = h[1]
		}
	}
}

// mentionsYun reports whether a result quotes the delegation's leader, whose
// name the sources spell two ways.
func mentionsYun(text string) bool {
	return strings.Contains(text, "Yun Jong Ho") || strings.Contains(text, "Yun Jung Ho")
}

// The delegation question must bring up the passage naming its leader,
// whether the decision rule takes it for a direct answer or not: which
// it does depends on thresholds that change while the rule is tuned.
func TestAskBuiltinCorpus(t *testing.T) {
	t.Parallel()
	stdout, _ := mustDossier(t, Config{}, "", "ask", delegationQ)
	found := false
	for _, line := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(line, "   > ") && mentionsYun(strings.ReplaceAll(line, "**", "")) {
			found = true
		}
	}
	if !found {
		t.Errorf("ask %q quotes no excerpt naming Yun:\n%s", delegationQ, stdout)
	}
	if !strings.Contains("\n"+stdout, "\n1. ") || !strings.Contains(stdout, "https://") {
		t.Errorf("ask %q: want numbered passages with links:\n%s", delegationQ, stdout)
	}
}

func TestAskJSON(t *testing.T) {
	t.Parallel()
	for _, k := range []int{1, 3, 20} {
		t.Run(fmt.Sprint("k=", k), func(t *testing.T) {
			t.Parallel()
			stdout, _ := mustDossier(t, Config{}, "", "ask", "--json", "-k", fmt.Sprint(k), delegationQ)
			answers := decodeAnswers(t, stdout, k)
			if len(answers) != 1 {
				t.Fatalf("ask --json printed %d answers, want 1", len(answers))
			}
			a := answers[0]
			shown := a.shown()
			if a.Question != delegationQ || len(shown) == 0 {
				t.Fatalf("ask --json %q = %+v, want passages shown", delegationQ, a)
			}
			if !mentionsYun(shown[0].Passage) {
				t.Errorf("ask --json %q: first passage %q does not name Yun", delegationQ, shown[0].Passage)
			}
			if len(shown[0].Highlights) == 0 {
				t.Errorf("ask --json %q: first excerpt has no highlights", delegationQ)
			}
		})
	}
}

// No word of the sourdough question is in the corpus, so nothing can come
// near it under any decision rule.
func TestAskUnansweredJSON(t *testing.T) {
	t.Parallel()
	stdout, _ := mustDossier(t, Config{}, "", "ask", "--json", "How do I bake sourdough bread?")
	for _, want := range []string{`"results":[]`, `"related":[]`, `"kind":"none"`} {
		if !strings.Contains(stdout, want) {
			t.Errorf("unanswered --json output lacks %s:\n%s", want, stdout)
		}
	}
	a := decodeAnswers(t, stdout, defaultK)
	if len(a) != 1 || a[0].Answered {
		t.Errorf("ask --json about sourdough = %+v, want one unanswered answer", a)
	}
}

// testIndex is an in-memory index of the corpus folder dir, as ask and
// eval build one.
func testIndex(tb testing.TB, dir string) *index.Index {
	tb.Helper()
	src := &sources{corpus: dir, corpusFrom: "--corpus"}
	ix, err := answerIndex(context.Background(), src, io.Discard, slog.New(slog.DiscardHandler))
	if err != nil {
		tb.Fatalf("index %s: %v", dir, err)
	}
	tb.Cleanup(func() { ix.Close() })
	return ix
}

// TestAskKinds checks that ask prints, as text and as JSON, the answer
// Ask gives, of whatever kind. Which kind each question gets depends on
// the decision rule's thresholds, which change as the rule is tuned.
func TestAskKinds(t *testing.T) {
	t.Parallel()
	ix := testIndex(t, "testdata/corpus")
	cfg := Config{Corpus: "testdata/corpus"}
	questions := []string{
		"Who led the lighthouse restoration?",
		"When does the ferry run in winter?",
		// These share only some of their rare words with a passage.
		"Who repainted the copper dome of the ferry terminal?",
		"How tall is the lighthouse?",
		"Who owns the ferry company?",
		// No word of it is in the corpus: nothing can come near.
		"How do I bake sourdough bread?",
	}
	for _, q := range questions {
		t.Run(q, func(t *testing.T) {
			t.Parallel()
			a, err := ix.Ask(context.Background(), q, defaultK)
			if err != nil {
				t.Fatalf("Ask(%q) = %v", q, err)
			}
			t.Logf("%s, confidence %.3f", a.Kind(), a.Confidence)
			var want bytes.Buffer
			if err := (&printer{w: &want, mark: stars}).answer(a); err != nil {
				t.Fatal(err)
			}
			stdout, _ := mustDossier(t, cfg, "", "ask", q)
			if diff := cmp.Diff(want.String(), stdout); diff != "" {
				t.Errorf("ask %q differs from the rendering of Ask's %s answer (-want +got):\n%s", q, a.Kind(), diff)
			}
			checkRendering(t, a, stdout)
			stdout, _ = mustDossier(t, cfg, "", "ask", "--json", q)
			got := decodeAnswers(t, stdout, defaultK)
			if len(got) != 1 {
				t.Fatalf("ask --json %q printed %d answers, want 1", q, len(got))
			}
			checkWire(t, a, got[0])
		})
	}
}

func TestAskStdin(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("lighthouse ", 10_000) // 110 000 bytes, past bufio.Scanner's limit
	stdin := strings.Join([]string{
		"Who led the lighthouse restoration?",
		"",
		"   \t ",
		long,
		"How do I bake sourdough bread?\r",
		"When does the morning ferry leave?",
	}, "\n") // no final newline: the last line still counts
	stdout, stderr := mustDossier(t, Config{Corpus: "testdata/corpus"}, stdin, "ask", "--json")
	answers := decodeAnswers(t, stdout, defaultK)
	var got []string
	for _, a := range answers {
		got = append(got, a.Question)
	}
	want := []string{"Who led the lighthouse restoration?", "How do I bake sourdough bread?", "When does the morning ferry leave?"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("answered questions %q, want %q", got, want)
	}
	if !strings.Contains(stderr, "line 4: skipped: the question is longer than 10000 bytes") {
		t.Errorf("stderr does not report the long line 4:\n%s", stderr)
	}
	if strings.Contains(stderr, "line 2") || strings.Contains(stderr, "line 3") {
		t.Errorf("blank lines were reported:\n%s", stderr)
	}
}

func TestAskStdinOnlyBlank(t *testing.T) {
	t.Parallel()
	stdout, stderr := mustDossier(t, Config{Corpus: "testdata/corpus"}, "\n \n\n", "ask")
	if stdout != "" || stderr != "" {
		t.Errorf("blank stdin printed %q, %q; want nothing", stdout, stderr)
	}
}

func TestAskLongQuestionArgument(t *testing.T) {
	t.Parallel()
	_, _, err := dossier(t, Config{Corpus: "testdata/corpus"}, "", "ask", strings.Repeat("ferry ", 2000))
	if code, msg := exitStatus(err); code != 1 || !strings.Contains(msg, "the limit is 10000") {
		t.Errorf("ask with a 12 000-byte question exits %d with %q, want 1 and the limit", code, msg)
	}
}

// TestAskQuerySyntax checks that questions are never read as Bleve query
// syntax: none of these may fail.
func TestAskQuerySyntax(t *testing.T) {
	t.Parallel()
	questions := []string{
		`+ - : " * ( ) ~ ^ [ ] { } \ / ! ?`,
		`+lighthouse -ferry`,
		`title:lighthouse`,
		`"restoration`,
		`restor*`,
		`(lighthouse OR ferry) AND NOT dome`,
		`lighthouse~2 ferry^10`,
		`[1887 TO 2019]`,
		`{a TO b}`,
		`C:\path\to\file /regexp.*/`,
		`!!!???`,
		`-`,
		`*`,
		`"`,
		`\`,
		`who led the restoration?!`,
	}
	cfg := Config{Corpus: "testdata/corpus"}
	for _, q := range questions {
		stdout, _, err := dossier(t, cfg, "", "ask", "--json", "--", q)
		if err != nil {
			t.Errorf("ask %q: %v", q, err)
			continue
		}
		if a := decodeAnswers(t, stdout, defaultK); len(a) != 1 || a[0].Question != q {
			t.Errorf("ask %q answered %+v, want one answer to it", q, a)
		}
	}
	stdout, stderr := mustDossier(t, cfg, strings.Join(questions, "\n"), "ask", "--json")
	if n := len(decodeAnswers(t, stdout, defaultK)); n != len(questions) {
		t.Errorf("stdin mode answered %d of %d query-syntax questions; stderr:\n%s", n, len(questions), stderr)
	}
}
