package lexicon_test

import (
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dossier-bot/dossier/index/lexicon"
)

// golden is the table gen builds from the WordNet fixture in
// testdata/wordnet; gen's tests keep it up to date.
const golden = "testdata/golden.tsv"

func parseGolden(tb testing.TB) *lexicon.Lexicon {
	tb.Helper()
	data, err := os.ReadFile(golden)
	if err != nil {
		tb.Fatal(err)
	}
	l, err := lexicon.Parse(data)
	if err != nil {
		tb.Fatalf("Parse(%s) error: %v", golden, err)
	}
	return l
}

func load(tb testing.TB) *lexicon.Lexicon {
	tb.Helper()
	l, err := lexicon.Load()
	if err != nil {
		tb.Fatalf("Load() error: %v", err)
	}
	return l
}

func TestRelatedFixture(t *testing.T) {
	l := parseGolden(t)
	type r = lexicon.Related
	const (
		inf = lexicon.Inflection
		syn = lexicon.Synonym
		der = lexicon.Derived
		hyp = lexicon.Hypernym
	)
	tests := []struct {
		word string
		want []lexicon.Related
	}{
		// lead's fourth senses (principal; head as "travel in front of")
		// are too rare to count, and so are senses the fixture's index
		// does not count as seen in tagged texts (lead as a leash).
		{"led", []r{{"lead", inf}, {"pb", syn}, {"take", syn}, {"direct", syn}, {"conduct", syn},
			{"guide", syn}, {"leave", syn}, {"result", syn}, {"metal", hyp}}},
		{"Withdrew", []r{{"withdraw", inf}, {"retreat", syn}, {"pull away", syn}, {"withdrawal", der}}},
		{"headed", []r{{"head", inf}, {"lead", syn}}},
		// ejection's derivations come from its own word number only.
		{"ejection", []r{{"expulsion", syn}, {"throw out", der}, {"kick out", der}, {"removal", hyp}}},
		{"expel", []r{{"throw out", syn}, {"kick out", syn}, {"expulsion", der}}},
		// well is both a base and good's synonym; the closer relation wins.
		{"better", []r{{"good", inf}, {"well", inf}, {"fit", syn}}},
		{"Washington", []r{{"wa", syn}, {"state", hyp}, {"province", hyp}}},
		{"pulled  away", []r{{"pull away", inf}, {"withdraw", syn}, {"retreat", syn}}},
		{"quits", []r{{"quit", inf}, {"give up", syn}}},
		{"xyzzy", nil},
		{"", nil},
	}
	for _, tt := range tests {
		t.Run(tt.word, func(t *testing.T) {
			if got := l.Related(tt.word); !cmp.Equal(got, tt.want) {
				t.Errorf("Related(%q) = %v, want %v", tt.word, got, tt.want)
			}
		})
	}
}

func TestBasesFixture(t *testing.T) {
	l := parseGolden(t)
	tests := []struct {
		word string
		want []string
	}{
		{"lead", []string{"lead"}},
		{"LEADS", []string{"lead"}},
		{"led", []string{"lead"}},
		{"went", []string{"go"}},
		{"headed", []string{"head"}},
		{"heads", []string{"head"}},
		{"mice", []string{"mouse"}},
		{"states", []string{"state"}},
		{"better", []string{"good", "well"}},
		// The adjective rule "-er" would give "lead", but lead is no adjective.
		{"leader", nil},
		// eat is not in the fixture, so its exception is dropped.
		{"ate", nil},
		// adj.exc lists archer as its own base to keep the "-er" rule from
		// making it the adjective arch.
		{"archer", []string{"archer"}},
		{"kicked out", []string{"kick out"}},
		{"give_up", []string{"give up"}},
		{"xyzzy", nil},
	}
	for _, tt := range tests {
		t.Run(tt.word, func(t *testing.T) {
			if got := l.Bases(tt.word); !cmp.Equal(got, tt.want) {
				t.Errorf("Bases(%q) = %q, want %q", tt.word, got, tt.want)
			}
		})
	}
}

func TestRelatedEmbedded(t *testing.T) {
	l := load(t)
	tests := []struct {
		name, word string
		want       lexicon.Related
		first      bool // want must come first
	}{
		{"synonym", "lead", lexicon.Related{Word: "guide", Rel: lexicon.Synonym}, false},
		{"phrasal synonym", "quit", lexicon.Related{Word: "step down", Rel: lexicon.Synonym}, false},
		{"derivation", "expel", lexicon.Related{Word: "expulsion", Rel: lexicon.Derived}, false},
		{"derivation of a base", "withdrew", lexicon.Related{Word: "withdrawal", Rel: lexicon.Derived}, false},
		{"irregular verb", "led", lexicon.Related{Word: "lead", Rel: lexicon.Inflection}, true},
		{"irregular verb went", "went", lexicon.Related{Word: "go", Rel: lexicon.Inflection}, true},
		{"irregular form of a lemma", "flee", lexicon.Related{Word: "fled", Rel: lexicon.Inflection}, true},
		{"irregular form of a base", "leads", lexicon.Related{Word: "led", Rel: lexicon.Inflection}, false},
		{"irregular noun", "mice", lexicon.Related{Word: "mouse", Rel: lexicon.Inflection}, true},
		{"regular verb", "headed", lexicon.Related{Word: "head", Rel: lexicon.Inflection}, true},
		{"synonym of a base", "headed", lexicon.Related{Word: "lead", Rel: lexicon.Synonym}, false},
		{"phrase", "pulled out", lexicon.Related{Word: "pull out", Rel: lexicon.Inflection}, true},
		{"hypernym", "ambassador", lexicon.Related{Word: "diplomat", Rel: lexicon.Hypernym}, false},
		{"upper case", "EXPEL", lexicon.Related{Word: "expulsion", Rel: lexicon.Derived}, false},
		{"title case", "Led", lexicon.Related{Word: "lead", Rel: lexicon.Inflection}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := l.Related(tt.word)
			if tt.first && (len(got) == 0 || got[0] != tt.want) || !slices.Contains(got, tt.want) {
				t.Errorf("Related(%q) = %v, want %v among them (first: %v)", tt.word, got, tt.want, tt.first)
			}
		})
	}
	t.Run("unknown", func(t *testing.T) {
		if got := l.Related("xyzzy"); got != nil {
			t.Errorf("Related(%q) = %v, want %v", "xyzzy", got, nil)
		}
	})
	t.Run("case", func(t *testing.T) {
		for _, w := range []string{"Expel", "LED", "Population"} {
			if got, want := l.Related(w), l.Related(strings.ToLower(w)); !cmp.Equal(got, want) {
				t.Errorf("Related(%q) = %v, want %v", w, got, want)
			}
		}
	})
}

// TestRelatedShape checks what callers rely on for any word: each related
// word once, never the word itself, closest relations first.
func TestRelatedShape(t *testing.T) {
	l := load(t)
	for _, w := range []string{"lead", "led", "go", "went", "charge", "head", "better", "saw", "found", "population"} {
		t.Run(w, func(t *testing.T) {
			got := l.Related(w)
			if len(got) == 0 {
				t.Fatalf("Related(%q) = %v, want some", w, got)
			}
			seen := map[string]bool{}
			for i, r := range got {
				if r.Word == w || seen[r.Word] || i > 0 && r.Rel < got[i-1].Rel {
					t.Fatalf("Related(%q) = %v: %v repeats, is the word, or is out of order", w, got, r)
				}
				seen[r.Word] = true
			}
		})
	}
}

func TestBasesEmbedded(t *testing.T) {
	l := load(t)
	tests := []struct {
		word string
		want []string
	}{
		{"led", []string{"led", "lead"}}, // LED, the diode, is a noun
		{"went", []string{"go"}},
		{"headed", []string{"headed", "head"}},
		{"leads", []string{"lead"}},
		{"withdrew", []string{"withdraw"}},
		{"boss", []string{"boss"}}, // not "bos", the genus
		{"archer", []string{"archer"}},
		{"archest", []string{"arch"}},
		{"gave up", []string{"give up"}},
		{"xyzzy", nil},
	}
	for _, tt := range tests {
		t.Run(tt.word, func(t *testing.T) {
			if got := l.Bases(tt.word); !cmp.Equal(got, tt.want) {
				t.Errorf("Bases(%q) = %q, want %q", tt.word, got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	const header = "# lexicon v1\tword\tpos\texc\tbases\tsynonyms\tderived\thypernyms\n"
	tests := []struct {
		name, table, want string
	}{
		{"no header", "lead\tnv\n", "header"},
		{"old header", "# lexicon v0\n", "header"},
		{"unsorted", header + "lead\tv\nhead\tv\n", `"head" is not after "lead"`},
		{"duplicate", header + "lead\tv\nlead\tn\n", `"lead" is not after "lead"`},
		{"no tab", header + "lead\n", "no word"},
		{"empty word", header + "\tv\n", "no word"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := lexicon.Parse([]byte(tt.table))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse(%q) error = %v, want one containing %q", tt.table, err, tt.want)
			}
		})
	}
	t.Run("no final newline", func(t *testing.T) {
		l, err := lexicon.Parse([]byte(header + "lead\tv\nled\t\tv\tlead"))
		if err != nil {
			t.Fatalf("Parse() error: %v", err)
		}
		want := []lexicon.Related{{Word: "lead", Rel: lexicon.Inflection}}
		if got := l.Related("led"); !cmp.Equal(got, want) {
			t.Errorf("Related(%q) = %v, want %v", "led", got, want)
		}
	})
}

func TestRelationString(t *testing.T) {
	tests := []struct {
		rel  lexicon.Relation
		want string
	}{
		{lexicon.Inflection, "inflection"},
		{lexicon.Synonym, "synonym"},
		{lexicon.Derived, "derived"},
		{lexicon.Hypernym, "hypernym"},
		{lexicon.Relation(9), "Relation(9)"},
	}
	for _, tt := range tests {
		if got := tt.rel.String(); got != tt.want {
			t.Errorf("Relation(%d).String() = %q, want %q", uint8(tt.rel), got, tt.want)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	l := load(t)
	want := l.Related("withdrew")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				if got := l.Related("withdrew"); !cmp.Equal(got, want) {
					t.Errorf("Related(%q) = %v, want %v", "withdrew", got, want)
					return
				}
			}
		})
	}
	wg.Wait()
}

func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := lexicon.Load(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRelated(b *testing.B) {
	l := load(b)
	for b.Loop() {
		l.Related("withdrew")
	}
}
