package index

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/dossier-bot/dossier/corpus"
)

// TestStoredTokensMatchAnalysis: every passage's stored tokens and
// sentences, and its heading's and title's tokens, are those analysis
// gives, so re-ranking from them
// ranks as re-analysing did.
func TestStoredTokensMatchAnalysis(t *testing.T) {
	t.Parallel()
	c, err := corpus.Load(corpus.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	ix := memIndex(t, c)
	n := 0
	for _, d := range c.Documents {
		for _, p := range d.Passages {
			got := &candidate{id: p.ID}
			if err := ix.load(got); err != nil {
				t.Fatalf("load(%q) = %v", p.ID, err)
			}
			want := passageText{
				toks: analyze(ix.analyzer, p.Text), sentences: corpus.Sentences(p.Text),
				heading: analyze(ix.analyzer, p.Heading), title: analyze(ix.analyzer, d.Title),
			}
			if diff := cmp.Diff(want, passageText{got.toks, got.sentences, got.headToks, got.titleToks}, cmp.AllowUnexported(token{}, passageText{}), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("stored tokens of %q (-analysed +stored):\n%s", p.ID, diff)
			}
			n++
		}
	}
	if n == 0 {
		t.Fatal("no passages")
	}
	if _, err := ix.Ask(context.Background(), "Who was the US ambassador?", 3); err != nil {
		t.Fatalf("Ask() = %v", err)
	}
}

func FuzzTokenBlob(f *testing.F) {
	f.Add("The aqueduct of Segovia carried water, 2,000 years; IL-10 and p53’s role.")
	f.Add("")
	f.Add("A A A A 0")
	f.Add("\x00\xff l'été 3.14 日本語")
	a := newAnalyzer()
	f.Fuzz(func(t *testing.T, text string) {
		// The heading and title are the text's halves.
		half := len(text) / 2
		want := passageText{
			toks: a.tokens(text), sentences: corpus.Sentences(text),
			heading: a.tokens(text[:half]), title: a.tokens(text[half:]),
		}
		got, err := decodePassage(encodePassage(want))
		if err != nil {
			t.Fatalf("decodePassage(encodePassage(%q)) = %v", text, err)
		}
		if diff := cmp.Diff(want, got, cmp.AllowUnexported(token{}, passageText{}), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%q after a round trip (-before +after):\n%s", text, diff)
		}
		// Whatever is stored, decoding fails or succeeds without a panic.
		decodePassage(text)
	})
}
