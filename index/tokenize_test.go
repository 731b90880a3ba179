package index

import (
	"strings"
	"testing"
	"unicode"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/google/go-cmp/cmp"

	"github.com/dossier-bot/dossier/corpus"
)

// indexedAnalyzer is the analyser the index's mapping builds, with Bleve's
// regexp tokenizer.
func indexedAnalyzer(tb testing.TB) analysis.Analyzer {
	tb.Helper()
	return newMapping().(*mapping.IndexMappingImpl).AnalyzerNamed(analyzerName)
}

var tokenizerCases = []string{
	"", "   ", "IL10 and IL-10, p53 or TNF-α", "don't can’t rock 'n' roll o'", "3.14 1,000,000 1. 2, .5 1.2.3",
	"Æsir naïve café coöperate", "e\u0301tude \u0301lone", "北京 東京 서울 ひらがな カタカナ", "Inf NaN infinity nanny",
	"²³ ½ Ⅻ ٣٤", "x\xffy \xe2\x80 z", "USA's U.S. e.g. 9th-century", "O’Neill’s’ ’quote’",
}

func TestWordTokenizerMatchesRegexp(t *testing.T) {
	t.Parallel()
	c, err := corpus.Load(corpus.Builtin())
	if err != nil {
		t.Fatalf("Load(builtin) = %v", err)
	}
	texts := append([]string{}, tokenizerCases...)
	for _, d := range c.Documents {
		texts = append(texts, d.Title)
		for _, p := range d.Passages {
			texts = append(texts, p.Heading, p.Text)
		}
	}
	want, got := indexedAnalyzer(t), newAnalyzer()
	for _, text := range texts {
		if diff := cmp.Diff(want.Analyze([]byte(text)), got.Analyze([]byte(text))); diff != "" {
			t.Errorf("Analyze(%q) differs from the index's analyser (-index +ours):\n%s", text, diff)
		}
	}
}

func FuzzWordTokenizer(f *testing.F) {
	for _, s := range tokenizerCases {
		f.Add(s)
	}
	want, got := indexedAnalyzer(f), newAnalyzer()
	f.Fuzz(func(t *testing.T, text string) {
		if diff := cmp.Diff(want.Analyze([]byte(text)), got.Analyze([]byte(text))); diff != "" {
			t.Fatalf("Analyze(%q) differs from the index's analyser (-index +ours):\n%s", text, diff)
		}
	})
}

func BenchmarkAnalyze(b *testing.B) {
	c, err := corpus.Load(corpus.Builtin())
	if err != nil {
		b.Fatal(err)
	}
	text := []byte(c.Documents[0].Passages[3].Text)
	for _, bc := range []struct {
		name string
		a    analysis.Analyzer
	}{{"regexp", indexedAnalyzer(b)}, {"words", newAnalyzer()}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				bc.a.Analyze(text)
			}
		})
	}
}

// BenchmarkTokenizeNonASCII tokenizes text of non-ASCII words, whose
// runes once cost a copy of the rest of the input each.
func BenchmarkTokenizeNonASCII(b *testing.B) {
	in := []byte(strings.Repeat("Ελληνικά κείμενα 2024 für Überprüfung ", 2000))
	for b.Loop() {
		wordTokenizer{}.Tokenize(in)
	}
}

// isWordRune skips unicode.IsMark below U+0300; this holds it to the
// unabridged rule for every rune.
func TestIsWordRune(t *testing.T) {
	t.Parallel()
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if got, want := isWordRune(r), unicode.IsLetter(r) || unicode.IsMark(r); got != want {
			t.Fatalf("isWordRune(%U) = %v, want %v", r, got, want)
		}
	}
}
