package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

const delegationQ = "Who led the North Korean delegation to Tehran?"

// wireAnswer is the documented --json shape, written out again here so that
// a change to the output cannot pass unnoticed.
type wireAnswer struct {
	Question string       `json:"question"`
	Answered bool         `json:"answered"`
	TookMS   float64      `json:"took_ms"`
	Results  []wireResult `json:"results"`
}

type wireResult struct {
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
	if a.Results == nil {
		tb.Errorf("%q: results is null, want a list", a.Question)
	}
	if len(a.Results) > k || (a.Answered != (len(a.Results) > 0)) {
		tb.Errorf("%q: answered %v with %d results, want answered exactly when 1..%d results", a.Question, a.Answered, len(a.Results), k)
	}
	if a.TookMS <= 0 {
		tb.Errorf("%q: took_ms = %v, want > 0", a.Question, a.TookMS)
	}
	for i, r := range a.Results {
		if i > 0 && r.Score > a.Results[i-1].Score {
			tb.Errorf("%q: result %d scores %v, above result %d's %v", a.Question, i+1, r.Score, i, a.Results[i-1].Score)
		}
		if r.DocID == "" || r.Citation == "" || r.Passage == "" || r.Excerpt == "" {
			tb.Errorf("%q: result %d lacks doc_id, citation, passage or excerpt: %+v", a.Question, i+1, r)
		}
		if (r.URL == "") != (r.Link == "") || !strings.HasPrefix(r.Link, r.URL) {
			tb.Errorf("%q: result %d has link %q for url %q", a.Question, i+1, r.Link, r.URL)
		}
		if r.Highlights == nil {
			tb.Errorf("%q: result %d highlights is null, want a list", a.Question, i+1)
		}
		n, at := utf8.RuneCountInString(r.Excerpt), 0
		for _, h := range r.Highlights {
			if h[0] < at || h[1] <= h[0] || h[1] > n {
				tb.Errorf("%q: result %d highlight %v is out of order or outside the excerpt's %d runes", a.Question, i+1, h, n)
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
	if !strings.HasPrefix(stdout, "1. ") || !strings.Contains(stdout, "https://") {
		t.Errorf("ask %q: want numbered results with links:\n%s", delegationQ, stdout)
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
			if a.Question != delegationQ || !a.Answered || len(a.Results) == 0 {
				t.Fatalf("ask --json %q = %+v, want it answered", delegationQ, a)
			}
			if !mentionsYun(a.Results[0].Passage) {
				t.Errorf("ask --json %q: first passage %q does not name Yun", delegationQ, a.Results[0].Passage)
			}
			if len(a.Results[0].Highlights) == 0 {
				t.Errorf("ask --json %q: first excerpt has no highlights", delegationQ)
			}
		})
	}
}

func TestAskUnansweredJSON(t *testing.T) {
	t.Parallel()
	stdout, _ := mustDossier(t, Config{}, "", "ask", "--json", "How do I bake sourdough bread?")
	if !strings.Contains(stdout, `"results":[]`) {
		t.Errorf("unanswered --json output has no empty results list:\n%s", stdout)
	}
	a := decodeAnswers(t, stdout, defaultK)
	if len(a) != 1 || a[0].Answered {
		t.Errorf("ask --json about sourdough = %+v, want one unanswered answer", a)
	}
}

func TestAskGolden(t *testing.T) {
	t.Parallel()
	cfg := Config{Corpus: "testdata/corpus"}
	tests := []struct {
		name, stdin string
		args        []string
	}{
		{"ask-answered", "", []string{"ask", "Who led the lighthouse restoration?"}},
		{"ask-no-link", "", []string{"ask", "-k", "1", "When does the ferry run in winter?"}},
		{"ask-unanswered", "", []string{"ask", "How do I bake sourdough bread?"}},
		{"ask-closest", "", []string{"ask", "How tall is the lighthouse?"}},
		{"ask-closest-no-link", "", []string{"ask", "Who owns the ferry company?"}},
		{"ask-stdin", "Who built the harbor lighthouse?\n\nHow do I bake sourdough bread?\n", []string{"ask", "-k", "2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			stdout, _ := mustDossier(t, cfg, tt.stdin, tt.args...)
			golden(t, tt.name, stdout)
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
