package bot

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/corpus/cite"
	"github.com/dossier-bot/dossier/index"
)

func TestLogEntry(t *testing.T) {
	t.Parallel()
	at := time.Date(2024, 4, 30, 9, 0, 0, 0, time.UTC)
	doc := corpus.Document{ID: "d", Title: "T", Publisher: "P", Published: "2024-04"}
	var five []index.Result
	for i := range 5 {
		five = append(five, index.Result{Doc: doc, Passage: corpus.Passage{ID: corpus.PassageID("d", i)}, Excerpt: "excerpt", Link: "https://example.com/#:~:text=x", Score: float64(5 - i)})
	}
	var cited []state.Citation
	for range loggedCitations {
		cited = append(cited, state.Citation{ID: cite.ID("d", ""), DocID: "d", Title: "T", Publisher: "P", Published: "2024-04", Link: "https://example.com/#:~:text=x", Excerpt: "excerpt"})
	}
	// The state kept the first passage under a longer id, as on a
	// collision: the log names it as the reply did.
	collided := map[string]citeRef{corpus.PassageID("d", 0): {id: cite.ID("d", "") + "x7"}}
	citedCollided := append([]state.Citation{}, cited...)
	citedCollided[0].ID = cite.ID("d", "") + "x7"
	tests := []struct {
		name    string
		answer  index.Answer
		refs    map[string]citeRef
		want    state.Question
		outcome Outcome
	}{
		{"answered", index.Answer{Question: "Who?", Answered: true, Results: five}, nil,
			state.Question{Reply: state.ReplyAnswered, Answered: true, Citations: cited}, Answered},
		{"answered, an id lengthened", index.Answer{Question: "Who?", Answered: true, Results: five}, collided,
			state.Question{Reply: state.ReplyAnswered, Answered: true, Citations: citedCollided}, Answered},
		{"related", index.Answer{Question: "Who?", Related: five, Closest: []corpus.Document{doc}}, nil,
			state.Question{Reply: state.ReplyRelated, Citations: cited}, Related},
		{"nothing close", index.Answer{Question: "Who?", Closest: []corpus.Document{doc}}, nil,
			state.Question{Reply: state.ReplyNone}, Unanswered},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.want.GuildID, tt.want.ChannelID, tt.want.Text, tt.want.Time = "g", "c", "Who?", at
			if diff := cmp.Diff(tt.want, logEntry("g", "c", tt.answer, tt.refs, at)); diff != "" {
				t.Errorf("logEntry(%v answer) (-want +got):\n%s", tt.answer.Kind(), diff)
			}
			if got := outcomeOf(tt.answer.Kind()); got != tt.outcome {
				t.Errorf("outcomeOf(%v) = %q, want %q", tt.answer.Kind(), got, tt.outcome)
			}
		})
	}
}
