package state

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	bolt "go.etcd.io/bbolt"
)

func TestQuestionsWindowAndGuild(t *testing.T) { eachStore(t, testQuestionsWindowAndGuild) }

func testQuestionsWindowAndGuild(t *testing.T, newStore func(testing.TB) Store) {
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

func TestTopQuestions(t *testing.T) { eachStore(t, testTopQuestions) }

func testTopQuestions(t *testing.T, newStore func(testing.TB) Store) {
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
		// The closest passages shown are not an answer.
		{GuildID: "g", Text: "Who funded the refinery?", Reply: ReplyRelated, Citations: cite("38north")},
		{GuildID: "g", Text: "Who funded the refinery", Reply: ReplyRelated, Citations: cite("38north")},
		{GuildID: "g", Text: "Who funded the refinery?", Reply: ReplyRelated, Citations: cite("38north")},
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
		{Text: "Who led the delegation?!", Count: 3, Last: t0.Add(2 * time.Minute), Reply: ReplyAnswered, Citation: Citation{DocID: "bnn", Title: "Title bnn"}},
		{Text: "Who is Bagheri?", Count: 2, Last: t0.Add(7 * time.Minute), Reply: ReplyAnswered, Citation: Citation{DocID: "38north", Title: "Title 38north"}},
	}
	wantUnanswered := []Asked{
		{Text: "Who funded the refinery?", Count: 3, Last: t0.Add(13 * time.Minute), Reply: ReplyRelated},
		{Text: "When did it start?", Count: 2, Last: t0.Add(9 * time.Minute), Reply: ReplyNone},
	}
	if diff := cmp.Diff(wantAnswered, answered); diff != "" {
		t.Errorf("TopQuestions answered (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantUnanswered, unanswered); diff != "" {
		t.Errorf("TopQuestions unanswered (-want +got):\n%s", diff)
	}
}

func TestQuestionReplyRoundTrip(t *testing.T) {
	t.Parallel()
	s := newFile(t).(*File)
	cite := []Citation{{DocID: "d", Title: "T", Excerpt: "e"}}
	// Records as a dossier from before Reply wrote them, in the log's
	// own encoding.
	legacy := []string{
		`{"GuildID":"g","Text":"old answered","Answered":true,"Citations":[{"DocID":"d","Title":"T","Excerpt":"e"}],"Time":"2024-04-30T09:00:00Z"}`,
		`{"GuildID":"g","Text":"old unanswered","Answered":false,"Citations":null,"Time":"2024-04-30T09:01:00Z"}`,
	}
	err := s.update("write legacy questions", func(tx *bolt.Tx) error {
		for i, raw := range legacy {
			if err := tx.Bucket(bucketQuestions).Put(questionKey(t0.Add(time.Duration(i)*time.Minute), uint64(100+i)), []byte(raw)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	logged := []Question{
		{GuildID: "g", Text: "answered", Reply: ReplyAnswered, Citations: cite},
		{GuildID: "g", Text: "related", Reply: ReplyRelated, Citations: cite},
		{GuildID: "g", Text: "none", Reply: ReplyNone},
		// No Reply: taken as Answered says.
		{GuildID: "g", Text: "answered, no reply", Answered: true, Citations: cite},
		{GuildID: "g", Text: "unanswered, no reply"},
		// Reply wins over a contradicting Answered.
		{GuildID: "g", Text: "related, answered", Reply: ReplyRelated, Answered: true, Citations: cite},
	}
	for i, q := range logged {
		q.Time = t0.Add(time.Duration(len(legacy)+i) * time.Minute)
		if err := s.LogQuestion(q); err != nil {
			t.Fatalf("LogQuestion(%q) = %v", q.Text, err)
		}
	}
	got, err := s.Questions("g", t0, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		text     string
		reply    Reply
		answered bool
		cited    bool
	}{
		{"old answered", ReplyAnswered, true, true},
		{"old unanswered", ReplyNone, false, false},
		{"answered", ReplyAnswered, true, true},
		{"related", ReplyRelated, false, true},
		{"none", ReplyNone, false, false},
		{"answered, no reply", ReplyAnswered, true, true},
		{"unanswered, no reply", ReplyNone, false, false},
		{"related, answered", ReplyRelated, false, true},
	}
	if len(got) != len(want) {
		t.Fatalf("Questions = %d questions, want %d", len(got), len(want))
	}
	for i, w := range want {
		t.Run(w.text, func(t *testing.T) {
			q := got[i]
			if q.Text != w.text || q.Reply != w.reply || q.Answered != w.answered || (len(q.Citations) > 0) != w.cited {
				t.Errorf("Questions()[%d] = %q reply %q answered %v with %d citations, want %q reply %q answered %v cited %v",
					i, q.Text, q.Reply, q.Answered, len(q.Citations), w.text, w.reply, w.answered, w.cited)
			}
		})
	}
}
