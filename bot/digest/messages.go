package digest

import (
	"strings"
	"unicode"

	"github.com/dossier-bot/dossier/bot/markdown"
)

// Messages renders d as Discord messages of at most markdown.MaxContent
// characters each, in order. The digest is split between items, never inside one
// that fits in a message; a message that starts inside a section repeats
// its heading. An item too long for a message on its own is cut by
// splitItem, its pieces in consecutive messages, the heading only before
// the first. An empty digest gives no messages, and no message is empty.
func Messages(d Digest) []string {
	if d.Empty() {
		return nil
	}
	var msgs []string
	cur := ""
	start := func(text string) {
		parts := splitItem(text, markdown.MaxContent)
		msgs = append(msgs, parts[:len(parts)-1]...)
		cur = parts[len(parts)-1]
	}
	for i, u := range layout(d) {
		switch {
		case i == 0:
			start(u.text)
		case markdown.Len(cur)+markdown.Len(u.sep())+markdown.Len(u.text) <= markdown.MaxContent:
			cur += u.sep() + u.text
		case endsOnHeading(strings.Split(cur, "\n")):
			// A message of the digest's title alone would head nothing:
			// the title goes with the first piece of the item instead.
			start(cur + u.sep() + u.text)
		default:
			msgs = append(msgs, cur)
			start(u.resume)
		}
	}
	return append(msgs, cur)
}

// splitItem cuts s into pieces of at most limit characters that each render
// as the part of s they hold. Cutting between lines breaks no Markdown, so
// a piece ends at a line break where it can; only a line too long for a
// piece of its own is cut inside, by cutLine. A piece never ends on a
// heading, which would head nothing. Pieces are trimmed and none is
// empty; s is not blank, and limit is well above any line's prefix.
func splitItem(s string, limit int) []string {
	s = strings.TrimSpace(s)
	if markdown.Len(s) <= limit {
		return []string{s}
	}
	var pieces, cur []string // cur: the lines of the piece being filled
	flush := func() {
		if p := strings.TrimSpace(strings.Join(cur, "\n")); p != "" {
			pieces = append(pieces, p)
		}
		cur = nil
	}
	room := func() int { // characters left in cur for one more line
		if len(cur) == 0 {
			return limit
		}
		return limit - markdown.Len(strings.Join(cur, "\n")) - 1
	}
	for _, line := range strings.Split(s, "\n") {
		if len(cur) == 0 && strings.TrimSpace(line) == "" {
			continue
		}
		if markdown.Len(line) <= room() {
			cur = append(cur, line)
			continue
		}
		if !endsOnHeading(cur) {
			flush()
		}
		if markdown.Len(line) <= room() {
			cur = append(cur, line)
			continue
		}
		for i, seg := range cutLine(line, room(), limit) {
			if i > 0 {
				flush()
			}
			if seg != "" {
				cur = append(cur, seg)
			}
		}
	}
	flush()
	return pieces
}

// endsOnHeading reports whether the last line of lines with text in it is
// a heading.
func endsOnHeading(lines []string) bool {
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" {
			return strings.HasPrefix(l, "#")
		}
	}
	return false
}

// atom is a run of a line that a cut must not divide: one character, a
// backslash with the character it escapes, or a whole link.
type atom struct {
	text  string
	space bool // white space, where a line can be cut between words
	inner bool // inside a **bold** or *italic* span, which a cut would end
}

// cutLine cuts line into segments, the first of at most room characters
// (possibly empty, when nothing fits), the others of at most limit. It
// never divides an atom, so never a link or an escape, and pickCut keeps
// cuts between words and out of bold where it can. Continuations repeat
// the line's quote or subtext prefix: without it the rest of a quote
// would render as plain text.
func cutLine(line string, room, limit int) []string {
	prefix := linePrefix(line)
	as := atomize([]rune(line), limit-markdown.Len(prefix))
	markEmphasis(as)
	var segs []string
	lead := ""                   // added before the segment's atoms: prefix, on continuations
	first := 0                   // the segment's first atom
	start := len([]rune(prefix)) // its first atom of content, past the line's own prefix
	for {
		n, end := markdown.Len(lead), first
		for end < len(as) && n+markdown.Len(as[end].text) <= room {
			n += markdown.Len(as[end].text)
			end++
		}
		if end == len(as) {
			return append(segs, lead+joinAtoms(as[first:]))
		}
		cut := pickCut(as, start+1, end)
		if cut < 0 && lead == "" && room < limit {
			// Nothing fits after what the piece holds: start afresh.
			segs, room = append(segs, ""), limit
			continue
		}
		if cut < 0 {
			cut = min(max(end, start+1), len(as)) // only when limit is too small to honour
		}
		segs = append(segs, strings.TrimRightFunc(lead+joinAtoms(as[first:cut]), unicode.IsSpace))
		for cut < len(as) && as[cut].space {
			cut++
		}
		lead, first, start, room = prefix, cut, cut, limit
		if first == len(as) {
			return segs
		}
	}
}

// pickCut returns where to cut as for a segment that ends before
// as[end] and holds as[lo-1] at least, or -1 if nowhere will do. It
// prefers white space outside emphasis, then white space inside it, a
// cut that starts no block markup over one that does, and takes a cut
// inside a word only for a word longer than a segment.
func pickCut(as []atom, lo, end int) int {
	prefs := []func(i int) bool{
		func(i int) bool { return as[i].space && !as[i].inner && !startsBlock(as[i:]) },
		func(i int) bool { return as[i].space && !startsBlock(as[i:]) },
		func(i int) bool { return as[i].space },
		func(i int) bool { return !as[i].space },
	}
	for _, ok := range prefs {
		for i := end; i >= lo; i-- {
			if ok(i) {
				return i
			}
		}
	}
	return -1
}

// startsBlock reports whether a line starting with the text of as, after
// its white space, would be Markdown block syntax rather than text: a
// heading, list item, quote or subtext.
func startsBlock(as []atom) bool {
	for len(as) > 0 && as[0].space {
		as = as[1:]
	}
	var b strings.Builder
	for _, a := range as[:min(len(as), 12)] {
		b.WriteString(a.text)
	}
	s := strings.TrimLeft(b.String(), "0123456789")
	digits := len(s) < b.Len()
	for _, m := range []string{"#", "-", "+", "*", ">", "-#"} {
		if !digits && marker(s, m) {
			return true
		}
	}
	return digits && (marker(s, ".") || marker(s, ")"))
}

// marker reports whether s starts with m as a block marker: m, more of
// its last character, then white space or nothing.
func marker(s, m string) bool {
	if !strings.HasPrefix(s, m) {
		return false
	}
	rest := strings.TrimLeft(s[len(m):], m[len(m)-1:])
	return rest == "" || rest[0] == ' '
}

// linePrefix is the block markup at the start of line that applies to the
// whole line, and so to each piece cut from it: a quote's "> ", a
// subtext's "-# ", or both.
func linePrefix(line string) string {
	p := ""
	if strings.HasPrefix(line, "> ") {
		p = "> "
	}
	if strings.HasPrefix(line[len(p):], "-# ") {
		p += "-# "
	}
	return p
}

// atomize splits rs into atoms. A link longer than maxLink could never be
// kept whole in a segment, and half a link shows its markup and URL, so
// it becomes its text, without the link.
func atomize(rs []rune, maxLink int) []atom {
	var as []atom
	for i := 0; i < len(rs); {
		switch {
		case rs[i] == '\\' && i+1 < len(rs):
			as = append(as, atom{text: string(rs[i : i+2])})
			i += 2
		case rs[i] == '[' && linkEnd(rs, i) > 0:
			end := linkEnd(rs, i)
			if end-i <= maxLink {
				as = append(as, atom{text: string(rs[i:end])})
			} else {
				as = append(as, atomize(rs[i+1:i+1+textEnd(rs[i+1:])], maxLink)...)
			}
			i = end
		default:
			as = append(as, atom{text: string(rs[i]), space: unicode.IsSpace(rs[i])})
			i++
		}
	}
	return as
}

// textEnd returns the index in rs of the first "]" that is not escaped,
// or -1 if there is none or a "[" comes first: a link's text holds no
// bare brackets.
func textEnd(rs []rune) int {
	for i := 0; i < len(rs); i++ {
		switch rs[i] {
		case '\\':
			i++
		case '[':
			return -1
		case ']':
			return i
		}
	}
	return -1
}

// linkEnd returns the index just past the link "[text](<url>)" or
// "[text](url)" that starts at rs[i], or 0 if none does.
func linkEnd(rs []rune, i int) int {
	t := textEnd(rs[i+1:])
	if t < 0 {
		return 0
	}
	j := i + 1 + t + 1 // after "]"
	if j >= len(rs) || rs[j] != '(' {
		return 0
	}
	closing, stop := ")", "()\\ \t"
	if j+1 < len(rs) && rs[j+1] == '<' {
		closing, stop = ">)", "<>\n"
		j++
	}
	for j++; j < len(rs); j++ {
		if strings.HasPrefix(string(rs[j:min(j+2, len(rs))]), closing) {
			return j + len(closing)
		}
		if strings.ContainsRune(stop, rs[j]) {
			return 0
		}
	}
	return 0
}

// markEmphasis marks the atoms between each pair of runs of bare "*",
// the delimiters of bold and italic. A last run without its pair opens
// nothing.
func markEmphasis(as []atom) {
	var runs [][2]int
	for i := 0; i < len(as); {
		j := i
		for j < len(as) && as[j].text == "*" {
			j++
		}
		if j > i {
			runs = append(runs, [2]int{i, j})
			i = j
		} else {
			i++
		}
	}
	for k := 0; k+1 < len(runs); k += 2 {
		for i := runs[k][1]; i < runs[k+1][0]; i++ {
			as[i].inner = true
		}
	}
}

func joinAtoms(as []atom) string {
	var b strings.Builder
	for _, a := range as {
		b.WriteString(a.text)
	}
	return b.String()
}
