package bot

import (
	"strings"
	"unicode"
)

// zwsp breaks "@everyone" and "@here" so Discord shows them as text even
// where a client would highlight them.
const zwsp = "\u200b"

// escape makes s safe to place in Discord markdown: every character that
// could open formatting, a masked link, a mention or a spoiler is
// backslash-escaped, and mass mentions are broken with a zero-width space.
// s is treated as starting a line, because a fragment may be placed there.
func escape(s string) string {
	return escapeFrom(s, true)
}

// escapeFrom is escape for a fragment that continues a line when lineStart
// is false: block syntax (quotes, headings, lists) only matters at the
// start of a line, so escaping it elsewhere would only add noise.
func escapeFrom(s string, lineStart bool) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	rs := []rune(s)
	atStart := lineStart
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case strings.ContainsRune(`\*_~`+"`"+`|[]()<`, r):
			b.WriteByte('\\')
		case atStart && strings.ContainsRune(`>#-+`, r):
			b.WriteByte('\\')
		case atStart && unicode.IsDigit(r):
			// "1. item" is an ordered list only at the start of a line.
			j := i
			for j < len(rs) && unicode.IsDigit(rs[j]) {
				j++
			}
			if j < len(rs) && (rs[j] == '.' || rs[j] == ')') {
				b.WriteString(string(rs[i:j]))
				b.WriteByte('\\')
				i = j
				r = rs[j]
			}
		case r == '@' && massMention(rs[i+1:]):
			b.WriteRune(r)
			b.WriteString(zwsp)
			atStart = false
			continue
		}
		b.WriteRune(r)
		switch {
		case r == '\n':
			atStart = true
		case atStart && unicode.IsSpace(r):
			// Indentation keeps a line's start: "  - item" is still a list.
		default:
			atStart = false
		}
	}
	return b.String()
}

// massMention reports whether rest, the text after an '@', pings a crowd.
func massMention(rest []rune) bool {
	for _, word := range []string{"everyone", "here"} {
		if len(rest) >= len(word) && strings.EqualFold(string(rest[:len(word)]), word) {
			return true
		}
	}
	return false
}

// unescape reverses escape, so a question Dossier rendered into a message
// can be read back from it exactly.
func unescape(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		switch {
		case rs[i] == '\\' && i+1 < len(rs):
			i++
		case rs[i] == '@' && i+1 < len(rs) && string(rs[i+1]) == zwsp && massMention(rs[i+2:]):
			b.WriteRune('@')
			i++
			continue
		}
		b.WriteRune(rs[i])
	}
	return b.String()
}

// oneLine collapses all runs of whitespace, newlines included, to single
// spaces, so text from a document cannot start a new markdown line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
