package index

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/dossier-bot/dossier/corpus"
)

func TestWordTable(t *testing.T) {
	t.Parallel()
	tab := newWordTable()
	word := func(i int) string {
		// Short, exactly slotWord long, long, and not ASCII.
		return []string{fmt.Sprint("w", i), fmt.Sprintf("%022d", i), fmt.Sprint("a-rather-long-word-", i, "-indeed"), fmt.Sprint("naïveté", i)}[i%4]
	}
	const n = 20000
	for i := range n {
		if _, ok := tab.get(word(i)); ok {
			t.Fatalf("get(%q) found a word never put", word(i))
		}
		tab.put(word(i), uint32(i))
	}
	if tab.len() != n {
		t.Errorf("len() = %d, want %d", tab.len(), n)
	}
	for i := range n {
		if got, ok := tab.get(word(i)); !ok || got != uint32(i) {
			t.Errorf("get(%q) = %d, %v, want %d, true", word(i), got, ok, i)
		}
	}
	for _, w := range []string{"", "w", "w20000", "naïveté", strings.Repeat("x", 300)} {
		if got, ok := tab.get(w); ok {
			t.Errorf("get(%q) = %d, true, want not found", w, got)
		}
	}
}

// TestPtokensWhateverTheAnalyserKeeps holds re-ranking's matches to the
// same whether the analyser remembers every word, some, or none, and
// numbers every term or runs out of numbers.
func TestPtokensWhateverTheAnalyserKeeps(t *testing.T) {
	t.Parallel()
	c, err := corpus.Load(corpus.Builtin())
	if err != nil {
		t.Fatalf("Load(builtin) = %v", err)
	}
	var texts []string
	for _, d := range c.Documents {
		texts = append(texts, d.Title)
		for _, p := range d.Passages {
			texts = append(texts, p.Heading, p.Text)
		}
	}
	questions := []string{
		"Who led the North Korean delegation to Tehran?",
		"missile cooperation between Iran and North Korea's regime",
		"sanctions, sanctioned, sanctioning",
	}
	tokens := func(a *termAnalyzer, question string) [][]ptoken {
		v := newVocabulary()
		for _, tok := range newAnalyzer().tokens(question) {
			v.number(a, tok.term)
		}
		var out [][]ptoken
		for _, text := range texts {
			out = append(out, v.ptokens(a, text))
		}
		return out
	}
	for _, q := range questions {
		want := tokens(newAnalyzer(), q)
		matched := 0
		for _, toks := range want {
			for _, tok := range toks {
				if tok.term != noTerm {
					matched++
				}
			}
		}
		if matched == 0 {
			t.Fatalf("question %q matches no word of the built-in corpus", q)
		}
		for _, limits := range [][2]int{{0, 0}, {5, 1000}, {1000, 3}, {100000, 5}} {
			a := newAnalyzer()
			a.maxWords, a.maxTerms = limits[0], limits[1]
			// Twice: the second pass finds what the first remembered.
			for pass := range 2 {
				if diff := cmp.Diff(want, tokens(a, q), cmp.AllowUnexported(ptoken{})); diff != "" {
					t.Errorf("ptokens for %q, analyser keeping %d words and %d terms, pass %d (-want +got):\n%s", q, limits[0], limits[1], pass, diff)
				}
			}
		}
	}
}

// TestConcurrentQuestionsAnswerAlike asks questions from several
// goroutines at once: each question's tokens live in a buffer the next
// question reuses, and one reused too early would change answers.
func TestConcurrentQuestionsAnswerAlike(t *testing.T) {
	t.Parallel()
	ix := builtinIndex(t)
	questions := []string{
		"Who led the North Korean delegation to Tehran?",
		"When did Trump put Iran on notice?",
		"Which Lebanese organization did both states assist?",
		"missile technology transfers between Pyongyang and Tehran",
		"What currency does North Korea use?",
	}
	ctx := context.Background()
	want := make([]Answer, len(questions))
	wantRank := make([][]DocScore, len(questions))
	for i, q := range questions {
		var err error
		if want[i], err = ix.Ask(ctx, q, 3); err != nil {
			t.Fatalf("Ask(%q) = %v", q, err)
		}
		if wantRank[i], err = ix.Rank(ctx, q, 10); err != nil {
			t.Fatalf("Rank(%q) = %v", q, err)
		}
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for n := range 20 {
				i := (g + n) % len(questions)
				got, err := ix.Ask(ctx, questions[i], 3)
				if err != nil {
					t.Errorf("Ask(%q) = %v", questions[i], err)
					return
				}
				if diff := cmp.Diff(want[i], got, cmpopts.IgnoreFields(Answer{}, "Took")); diff != "" {
					t.Errorf("Ask(%q) asked alongside others differs (-alone +alongside):\n%s", questions[i], diff)
					return
				}
				ranked, err := ix.Rank(ctx, questions[i], 10)
				if err != nil {
					t.Errorf("Rank(%q) = %v", questions[i], err)
					return
				}
				if diff := cmp.Diff(wantRank[i], ranked); diff != "" {
					t.Errorf("Rank(%q) asked alongside others differs (-alone +alongside):\n%s", questions[i], diff)
					return
				}
			}
		})
	}
	wg.Wait()
}
