package corpus

import (
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestSentences(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"empty", "", nil},
		{"blank", " \n\t ", nil},
		{"simple", "One two. Three four! Five six? Seven", []string{"One two.", "Three four!", "Five six?", "Seven"}},
		{"surrounding space", "  Hello there.   Bye.  ", []string{"Hello there.", "Bye."}},
		{"country abbreviations", "The U.S. and the U.N. met. Then they left.", []string{"The U.S. and the U.N. met.", "Then they left."}},
		{"abbreviation ends sentence", "Troops left the U.S. The war ended.", []string{"Troops left the U.S.", "The war ended."}},
		{"abbreviation before name", "U.S. Ambassador Linda Thomas-Greenfield spoke.", []string{"U.S. Ambassador Linda Thomas-Greenfield spoke."}},
		{"titles", "Mr. Kim met Dr. Lee at St. Paul. They talked.", []string{"Mr. Kim met Dr. Lee at St. Paul.", "They talked."}},
		{"suffix", "Martin Luther King Jr. spoke. He left.", []string{"Martin Luther King Jr. spoke.", "He left."}},
		{"number", "See No. 5 for details. It helps.", []string{"See No. 5 for details.", "It helps."}},
		{"latin", "Some states, e.g. Iran, i.e. the Islamic Republic, agreed. Others did not.",
			[]string{"Some states, e.g. Iran, i.e. the Islamic Republic, agreed.", "Others did not."}},
		{"initials", "President George W. Bush spoke. Later, Christina Y. Lin wrote.", []string{"President George W. Bush spoke.", "Later, Christina Y. Lin wrote."}},
		{"initial in institution", "He works at the Daniel K. Inouye Asia-Pacific Center for Security Studies. It is in Hawaii.",
			[]string{"He works at the Daniel K. Inouye Asia-Pacific Center for Security Studies.", "It is in Hawaii."}},
		{"decimals", "Growth was 3.5 percent. Inflation hit 4.2%.", []string{"Growth was 3.5 percent.", "Inflation hit 4.2%."}},
		{"closing quote", "against “disruptive measures of global security.” While Bagheri spoke.",
			[]string{"against “disruptive measures of global security.”", "While Bagheri spoke."}},
		{"straight quote", `He said "no." She agreed.`, []string{`He said "no."`, "She agreed."}},
		{"ellipsis inside quote", `"We are concerned about ... the Iranians providing weapons." He paused.`,
			[]string{`"We are concerned about ... the Iranians providing weapons."`, "He paused."}},
		{"unicode ellipsis", "Wait… then it came. Fine.", []string{"Wait… then it came.", "Fine."}},
		{"question and exclamation in quotes", "“Really?” she asked. “Yes!” He nodded.", []string{"“Really?” she asked.", "“Yes!”", "He nodded."}},
		{"parenthesis", "It was small (about 5 km.) Then it grew.", []string{"It was small (about 5 km.)", "Then it grew."}},
		{"paragraph break", "Heading\n\nBody text here.", []string{"Heading", "Body text here."}},
		{"wrapped line", "A sentence that wraps\nonto a second line. Done.", []string{"A sentence that wraps\nonto a second line.", "Done."}},
		{"bullets", "- First item\n- Second item.\n- Third", []string{"- First item", "- Second item.", "- Third"}},
		{"url", "Read phbiznews.com today. Yes.", []string{"Read phbiznews.com today.", "Yes."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			for _, s := range Sentences(tt.text) {
				got = append(got, tt.text[s[0]:s[1]])
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Sentences(%q) mismatch (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

func TestOneOf(t *testing.T) {
	t.Parallel()
	const list = "jr sr inc ltd co corp"
	for _, tc := range []struct {
		word string
		want bool
	}{
		{"jr", true}, {"corp", true}, {"co", true}, {"ltd", true},
		{"c", false}, {"or", false}, {"orp", false}, {"cor", false},
		{"", false}, {"jr sr", false}, {"corpx", false},
	} {
		if got := oneOf(tc.word, list); got != tc.want {
			t.Errorf("oneOf(%q, %q) = %v, want %v", tc.word, list, got, tc.want)
		}
	}
}

func TestIsASCIISpace(t *testing.T) {
	t.Parallel()
	for c := range byte(utf8.RuneSelf) {
		if got, want := isASCIISpace(c), unicode.IsSpace(rune(c)); got != want {
			t.Errorf("isASCIISpace(%q) = %v, want %v", c, got, want)
		}
	}
}
