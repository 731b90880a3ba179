package state

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/index"
)

func TestQuestionsWindowAndGuild(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	log := func(guild, text string, at time.Time) {
		t.Helper()
		if err := s.LogQuestion(Question{GuildID: guild, Text: text, Time: at}); err != nil {
			t.Fatal(err)
		}
	}
	// Logged out of order, and two in the same nanosecond.
	log("g", "b", t0.Add(2*time.Hour))
	log("g", "a", t0)
	log("h", "x", t0.Add(time.Hour))
	log("g", "c", t0.Add(2*time.Hour))
	log("g", "d", t0.Add(3*time.Hour))

	for _, tt := range []struct {
		guild    string
		from, to time.Time
		want     string
	}{
		{"g", t0, t0.Add(3 * time.Hour), "a b c"},
		{"g", t0.Add(time.Nanosecond), t0.Add(4 * time.Hour), "b c d"},
		{"", t0, t0.Add(4 * time.Hour), "a x b c d"},
		{"h", t0, t0.Add(4 * time.Hour), "x"},
		{"g", t0.Add(5 * time.Hour), t0.Add(6 * time.Hour), ""},
	} {
		qs, err := s.Questions(tt.guild, tt.from, tt.to)
		var texts []string
		for _, q := range qs {
			texts = append(texts, q.Text)
		}
		if got := strings.Join(texts, " "); err != nil || got != tt.want {
			t.Errorf("Questions(%q, %v, %v) = %q, %v; want %q", tt.guild, tt.from, tt.to, got, err, tt.want)
		}
	}

	n, err := s.Prune(t0.Add(2 * time.Hour))
	if err != nil || n != 2 {
		t.Errorf("Prune = %d, %v; want the 2 questions before the cutoff", n, err)
	}
	qs, _ := s.Questions("", t0.Add(-time.Hour), t0.Add(24*time.Hour))
	if len(qs) != 3 {
		t.Errorf("Questions after Prune = %d, want 3", len(qs))
	}
}

func TestTopQuestions(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	cite := func(doc string) []Citation { return []Citation{{DocID: doc, Title: "Title " + doc}, {DocID: "other"}} }
	for i, q := range []Question{
		{GuildID: "g", Text: "Who led the delegation?", Answered: true, Citations: cite("bloomberg")},
		{GuildID: "g", Text: "who led  the delegation", Answered: true, Citations: cite("bnn")},
		{GuildID: "g", Text: "Who led the delegation?!", Answered: true, Citations: cite("bnn")},
		{GuildID: "g", Text: "What is KOMID?", Answered: true, Citations: cite("38north")},
		{GuildID: "g", Text: "What is the weather?", Answered: false},
		{GuildID: "g", Text: "What is the weather", Answered: false},
		{GuildID: "g", Text: "Who is Bagheri?", Answered: false},
		// Answered once the corpus grew: the latest asking decides.
		{GuildID: "g", Text: "Who is Bagheri?", Answered: true, Citations: cite("38north")},
		{GuildID: "g", Text: "When did it start?", Answered: true, Citations: cite("nk")},
		{GuildID: "g", Text: "When did it start?", Answered: false},
		{GuildID: "h", Text: "What is KOMID?", Answered: true, Citations: cite("38north")},
	} {
		q.Time = t0.Add(time.Duration(i) * time.Minute)
		if err := s.LogQuestion(q); err != nil {
			t.Fatal(err)
		}
	}
	answered, unanswered, err := s.TopQuestions("g", t0, t0.Add(time.Hour), 2)
	if err != nil {
		t.Fatal(err)
	}
	wantAnswered := []Asked{
		{Text: "Who led the delegation?!", Count: 3, Last: t0.Add(2 * time.Minute), Citation: Citation{DocID: "bnn", Title: "Title bnn"}},
		{Text: "Who is Bagheri?", Count: 2, Last: t0.Add(7 * time.Minute), Citation: Citation{DocID: "38north", Title: "Title 38north"}},
	}
	wantUnanswered := []Asked{
		{Text: "When did it start?", Count: 2, Last: t0.Add(9 * time.Minute)},
		{Text: "What is the weather", Count: 2, Last: t0.Add(5 * time.Minute)},
	}
	if diff := cmp.Diff(wantAnswered, answered); diff != "" {
		t.Errorf("TopQuestions answered (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantUnanswered, unanswered); diff != "" {
		t.Errorf("TopQuestions unanswered (-want +got):\n%s", diff)
	}
}

func TestNewQuestion(t *testing.T) {
	t.Parallel()
	doc := corpus.Document{ID: "d", Title: "T", Publisher: "P", Published: "2024-04"}
	var results []index.Result
	for i := range 5 {
		results = append(results, index.Result{Doc: doc, Excerpt: "excerpt", Link: "https://example.com/#:~:text=x", Score: float64(5 - i)})
	}
	got := NewQuestion("g", "c", index.Answer{Question: "Who?", Answered: true, Results: results}, t0)
	want := Question{GuildID: "g", ChannelID: "c", Text: "Who?", Answered: true, Time: t0}
	for range maxCitations {
		want.Citations = append(want.Citations, Citation{DocID: "d", Title: "T", Publisher: "P", Published: "2024-04", Link: "https://example.com/#:~:text=x", Excerpt: "excerpt"})
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("NewQuestion (-want +got):\n%s", diff)
	}
	if got := NewQuestion("g", "c", index.Answer{Question: "Why?"}, t0); got.Answered || got.Citations != nil {
		t.Errorf("NewQuestion of an unanswered question = %+v, want no citations", got)
	}
}
