package digest

import (
	"strings"
	"unicode"
)

// MaxContent is the most characters Discord takes in one message's content.
const MaxContent = 2000

// Messages renders d as Discord messages of at most MaxContent characters
// each, in order. The digest is split between items, never inside one
// that fits in a message; a message that starts inside a section repeats
// its heading. An item too long for a message on its own is split between
// words. An empty digest gives no messages, and no message is empty.
func Messages(d Digest) []string {
	if d.Empty() {
		return nil
	}
	var msgs []string
	cur := ""
	start := func(text string) {
		parts := splitWords(text, MaxContent)
		msgs = append(msgs, parts[:len(parts)-1]...)
		cur = parts[len(parts)-1]
	}
	for i, u := range layout(d) {
		switch {
		case i == 0:
			start(u.text)
		case runes(cur)+runes(u.sep())+runes(u.text) <= MaxContent:
			cur += u.sep() + u.text
		default:
			msgs = append(msgs, cur)
			start(u.resume)
		}
	}
	return append(msgs, cur)
}

// splitWords cuts s into pieces of at most max characters, at white space
// where there is any within a piece's reach. Pieces are trimmed and none
// is empty; s is not empty.
func splitWords(s string, max int) []string {
	var out []string
	rs := []rune(strings.TrimSpace(s))
	for len(rs) > max {
		cut := max
		for i := max; i > 0; i-- {
			if unicode.IsSpace(rs[i]) {
				cut = i
				break
			}
		}
		if piece := strings.TrimSpace(string(rs[:cut])); piece != "" {
			out = append(out, piece)
		}
		rs = []rune(strings.TrimLeftFunc(string(rs[cut:]), unicode.IsSpace))
	}
	return append(out, string(rs))
}
