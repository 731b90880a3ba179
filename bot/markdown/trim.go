package markdown

import (
	"strings"
	"unicode"
)

// Ellipsis marks where text was cut.
const Ellipsis = "…"

// Trim shortens plain text s to at most max characters, cutting after a
// sentence when one ends in the second half, otherwise at a word, and
// marking the cut with an ellipsis. It removes bidirectional controls
// (Plain), since plain text also goes where Discord renders no markdown
// and so no escaping: footers, labels, choices.
func Trim(s string, max int) string {
	s = Plain(s)
	rs := []rune(s)
	if len(rs) <= max {
		return s
	}
	if max <= 0 {
		return ""
	}
	keep := rs[:max-1] // room for the ellipsis
	// A sentence cut needs room for " …" after the full stop.
	for i := min(len(keep)-1, max-3); i >= len(keep)/2; i-- {
		if strings.ContainsRune(".!?", keep[i]) && unicode.IsSpace(rs[i+1]) {
			return string(keep[:i+1]) + " " + Ellipsis
		}
	}
	for i := len(keep); i > len(keep)/2; i-- {
		if unicode.IsSpace(rs[i]) {
			return strings.TrimRightFunc(string(keep[:i]), isTrailingJunk) + Ellipsis
		}
	}
	return string(keep) + Ellipsis
}

func isTrailingJunk(r rune) bool {
	return unicode.IsSpace(r) || strings.ContainsRune(",;:-–—", r)
}
