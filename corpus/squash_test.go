package corpus

import (
	"strings"
	"testing"
)

// squashCases are lines clean and not: the fast path must agree with the
// plain definition on both.
var squashCases = []string{
	"", " ", "word", "two words", " leading", "trailing ", "double  space", "tab\there",
	"nbsp\u00a0here", "zero\u200bwidth", "soft\u00adhyphen", "bell\x07char", "bad \xff byte",
	"replacement \ufffd char", "Ünïcödé wörds — and a dash", "line\r", "\u2028sep", "x\u0085y",
}

func FuzzSquash(f *testing.F) {
	for _, s := range squashCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := squash(s), strings.Join(strings.Fields(strings.Map(cleanRune, s)), " "); got != want {
			t.Errorf("squash(%q) = %q, want %q", s, got, want)
		}
		n := len(strings.Fields(s))
		if got := wordCount(s); got != n {
			t.Errorf("wordCount(%q) = %d, want %d", s, got, n)
		}
		for _, max := range []int{0, 1, n - 1, n, n + 1} {
			if got, want := wordsAtMost(s, max), n <= max; got != want {
				t.Errorf("wordsAtMost(%q, %d) = %v, want %v", s, max, got, want)
			}
		}
	})
}
