package bot

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/dossier-bot/dossier/bot/markdown"
	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/index"
)

// rlo is RIGHT-TO-LEFT OVERRIDE: "\u202Etxt.exe" shows as "exe.txt".
const rlo = "\u202E"

// TestRenderNeutralisesBidiControls renders questions and documents full
// of bidirectional controls through every kind of reply and checks that
// none reaches Discord, in any field, escaped or plain.
func TestRenderNeutralisesBidiControls(t *testing.T) {
	t.Parallel()
	doc := corpus.Document{
		ID:        "bidi",
		Title:     "Budget " + rlo + "gnp.exe\u2066 review",
		URL:       "https://example.com/a\u202Eb",
		Publisher: "The \u2067Press\u2069",
		Published: "2024\u200F",
		Author:    "A. \u202BWriter\u202C",
	}
	res := index.Result{
		Doc:        doc,
		Excerpt:    "Pay \u202Dthe sum\u202C of " + rlo + "001 to \u061CAlice\u200E.",
		Highlights: [][2]int{{0, 3}},
		Link:       doc.URL + "#:~:text=Pay",
	}
	question := "Who pays " + rlo + "ecilA?"
	replies := map[string]reply{
		"answered": page{question: question, k: 3, answer: index.Answer{Question: question, Answered: true, Results: []index.Result{res, res}}}.render(),
		"related":  page{question: question, k: 3, answer: index.Answer{Question: question, Related: []index.Result{res}}}.render(),
		"closest":  page{question: question, k: 3, answer: index.Answer{Question: question, Closest: []corpus.Document{doc}}}.render(),
		"sources":  renderDocuments([]index.DocInfo{{Document: doc, Passages: 2}}),
		"document": renderDocument(index.DocInfo{Document: doc, Passages: 2}),
	}
	for name, r := range replies {
		raw, err := json.Marshal(r.data(false))
		if err != nil {
			t.Fatal(err)
		}
		if i := strings.IndexFunc(string(raw), markdown.IsBidiControl); i >= 0 {
			t.Errorf("%s reply holds a bidirectional control at byte %d: %s", name, i, raw)
		}
		if !strings.Contains(string(raw), "Budget gnp.exe review") {
			t.Errorf("%s reply lost the title's text with its controls: %s", name, raw)
		}
	}
}
