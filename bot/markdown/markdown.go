// Package markdown makes text from documents and users safe to show on
// Discord: escaped so that it cannot add formatting, links, mentions or
// spoilers, stripped of the controls that reorder what readers see, with
// links checked before they are linked, and counted as Discord counts.
// It is the one policy for every message Dossier renders, by the bot and
// by the digest; what is not Discord's own (links, bidirectional
// controls) it takes from corpus/safe, which corpus/cite shares.
package markdown

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dossier-bot/dossier/corpus/safe"
)

// MaxContent is the most characters a message's content may have.
// https://discord.com/developers/docs/resources/message#create-message
const MaxContent = 2000

// zwsp breaks "@everyone" and "@here" so Discord shows them as text even
// where a client would highlight them.
const zwsp = "\u200b"

// Count says how many of noun there are: "1 topic", "3 topics".
func Count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// Len counts s as Discord counts a message's length: in characters.
func Len(s string) int { return utf8.RuneCountInString(s) }

// Escape makes s safe to place in Discord markdown: every character that
// could open formatting, a masked link, a mention, a timestamp or a spoiler
// is backslash-escaped, block syntax (quotes, headings, lists) at the start
// of a line too, mass mentions are broken with a zero-width space, and
// bidirectional controls are removed. s is treated as starting a line,
// because a fragment may be placed there.
func Escape(s string) string {
	return EscapeFrom(s, true)
}

// EscapeFrom is Escape for a fragment that continues a line when lineStart
// is false: block syntax only matters at the start of a line, so escaping
// it elsewhere would only add noise.
func EscapeFrom(s string, lineStart bool) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	rs := []rune(s)
	atStart := lineStart
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case IsBidiControl(r):
			continue
		case strings.ContainsRune(`\*_~`+"`"+`|[]()<>`, r):
			// ">" closes what "<" opens, and quotes a line where it
			// starts one: escaped everywhere, so that no cut or join
			// of escaped text can make it either.
			b.WriteByte('\\')
		case atStart && strings.ContainsRune(`#-+`, r):
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

// Unescape reverses Escape, so that a question rendered into a message
// can be read back from it: exactly, but for the bidirectional controls
// Escape removed.
func Unescape(s string) string {
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

// OneLine collapses every run of white space, line breaks included, to one
// space, so that text cannot start a markdown line of its own.
func OneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// Plain makes s safe to show where Discord renders no markdown (embed
// footers and author names, button labels, choices): it removes the
// bidirectional controls, which reorder text there as anywhere.
func Plain(s string) string { return safe.StripBidi(s) }

// IsBidiControl reports whether r is a Unicode bidirectional control
// (safe.IsBidiControl), which Escape and Plain remove.
func IsBidiControl(r rune) bool { return safe.IsBidiControl(r) }
