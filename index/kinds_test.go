package index

import (
	"context"
	"strings"
	"testing"
)

// harbourCorpus is a small corpus of unrelated documents, so a question
// about one of them is answered, one that shares only some of its words
// comes near, and one about nothing in it is far from everything.
func harbourCorpus(tb testing.TB) *Index {
	tb.Helper()
	return memIndex(tb, loadMap(tb, map[string]string{
		"harbour.md": article("Valletta Harbour", "The harbour authority of Valletta reported that container traffic rose by a third after the new breakwater opened in 2019.\n\nDredging of the inner basin finished in the spring, and cruise ships returned to the quay."),
		"mine.md":    article("Copper Mine", "The copper mine at Rio Tinto closed in 1986 after the price of copper fell and the seams ran thin.\n\nMiners from the valley moved to the coast, where the fishing fleet was hiring."),
		"choir.md":   article("Cathedral Choir", "The cathedral choir of Uppsala sang the premiere of the requiem in 1952, conducted by its organist.\n\nThe choir tours Scandinavia every other summer."),
		"flight.md":  article("Exile", "When the coup came, the finance minister fled to Lisbon and lived there in exile for eleven years."),
	}))
}

func TestAskKinds(t *testing.T) {
	t.Parallel()
	ix := harbourCorpus(t)
	tests := []struct {
		q    string
		want Kind
		doc  string // the document of the first passage shown, if any
	}{
		{"When did the copper mine at Rio Tinto close?", Answered, "mine"},
		{"How much did container traffic rise in Valletta after the breakwater opened?", Answered, "harbour"},
		// Some of its rare words are in one passage, others nowhere.
		{"How many miners from Rio Tinto joined the union in Huelva?", Related, "mine"},
		{"What is the best recipe for chocolate cake with raspberries?", NothingClose, ""},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			ans, err := ix.Ask(context.Background(), tt.q, 3)
			if err != nil {
				t.Fatalf("Ask(%q) = %v", tt.q, err)
			}
			if got := ans.Kind(); got != tt.want {
				t.Fatalf("Ask(%q) = %s reply (confidence %.2f), want %s", tt.q, got, ans.Confidence, tt.want)
			}
			shown := ans.Results
			if !ans.Answered {
				shown = ans.Related
			}
			switch {
			case tt.doc == "" && len(shown) > 0:
				t.Errorf("Ask(%q) showed %d passages, want none", tt.q, len(shown))
			case tt.doc != "" && (len(shown) == 0 || shown[0].Doc.ID != tt.doc):
				t.Errorf("Ask(%q) first passage from %v, want %q", tt.q, shown, tt.doc)
			}
		})
	}
}

// TestAskParaphrase checks that the lexicon matches words the question
// and the passage say differently, and marks them in the excerpt.
func TestAskParaphrase(t *testing.T) {
	t.Parallel()
	ix := harbourCorpus(t)
	tests := []struct {
		q, doc, marked string
	}{
		{"Where did the finance minister flee when the coup came?", "flight", "fled"},   // an irregular form
		{"When did the copper mine shut down after prices dropped?", "mine", "closed"},  // a phrasal synonym, inflected
		{"Which city did the finance minister escape to after the coup?", "flight", ""}, // a word with no paraphrase here
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			ans, err := ix.Ask(context.Background(), tt.q, 3)
			if err != nil {
				t.Fatalf("Ask(%q) = %v", tt.q, err)
			}
			shown := ans.Results
			if !ans.Answered {
				shown = ans.Related
			}
			if len(shown) == 0 || shown[0].Doc.ID != tt.doc {
				t.Fatalf("Ask(%q) = %s reply %v, want a passage from %q first", tt.q, ans.Kind(), shown, tt.doc)
			}
			if tt.marked == "" {
				return
			}
			r := shown[0]
			var marked []string
			for _, h := range r.Highlights {
				marked = append(marked, string([]rune(r.Excerpt)[h[0]:h[1]]))
			}
			if !strings.Contains(strings.Join(marked, " "), tt.marked) {
				t.Errorf("Ask(%q) marked %q in %q, want %q among them", tt.q, marked, r.Excerpt, tt.marked)
			}
		})
	}
}
