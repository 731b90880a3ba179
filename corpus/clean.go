package corpus

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of the furniture rules. Furniture lines are short, and a date
// banner sits above the article.
const (
	maxFurnitureWords = 40
	maxPromoWords     = 15
	dateBannerLines   = 5
)

// line is one non-blank line of a body; lines with the same block were
// separated only by single line breaks.
type line struct {
	text  string
	block int
	// heading is a line marked as one in Markdown ("## Findings").
	heading bool
}

// clean removes page furniture from a document body and returns its title
// (the given one, else the first line), its text (paragraphs separated by
// blank lines, bullet items on lines of their own) and the offsets in the
// text of the paragraphs marked as headings in Markdown.
func clean(body, title, author string) (string, string, map[int]bool) {
	var lines []line
	for i, l := range splitLines(body) {
		if !isUILine(l.text) && (i >= dateBannerLines || !isDateLine(l.text)) {
			lines = append(lines, l)
		}
	}
	if title == "" && len(lines) > 0 {
		title = strings.TrimPrefix(lines[0].text, "- ")
		lines = lines[1:]
	}
	lines = dropTrailingPromo(dropRepeated(lines, title, author))
	paras, marked := assemble(lines)
	headings := map[int]bool{}
	at := 0
	for i, p := range paras {
		ls := strings.Split(p, "\n")
		for j, l := range ls {
			ls[j] = trimStrayWord(l)
		}
		paras[i] = strings.Join(ls, "\n")
		if marked[i] {
			headings[at] = true
		}
		at += len(paras[i]) + len("\n\n")
	}
	return title, strings.Join(paras, "\n\n"), headings
}

// dropRepeated removes what pages repeat around an article: copies of the
// title, bylines and promotion boxes.
func dropRepeated(lines []line, title, author string) []line {
	title = comparable(title)
	authors := map[string]bool{}
	for _, n := range names(author) {
		authors[n] = true
	}
	var kept []line
	for i, l := range lines {
		alone := (i == 0 || lines[i-1].block != l.block) && (i == len(lines)-1 || lines[i+1].block != l.block)
		copyOfTitle := len(l.text) <= 2*len(title)+16 && comparable(l.text) == title
		byline := wordsAtMost(l.text, maxHeadingWords) && isByline(l.text, authors)
		if copyOfTitle || byline || alone && isPromoLine(l.text) {
			continue
		}
		kept = append(kept, l)
	}
	return kept
}

// splitLines normalises whitespace and list markers line by line and
// numbers the blocks between blank lines.
func splitLines(body string) []line {
	var lines []line
	block := 0
	for _, raw := range strings.Split(body, "\n") {
		s := squash(raw)
		if s == "" {
			block++
			continue
		}
		marked := HeadingLevel(s) > 0
		s = normaliseMarker(s)
		if s == "" {
			continue
		}
		lines = append(lines, line{text: s, block: block, heading: marked})
	}
	return lines
}

// squash drops invisible characters, turns control characters into
// spaces and collapses runs of white space to one space, trimming both
// ends. Nearly every line of a file is clean already and is returned as
// it is: copying each one was a fifth of the time it took to read a
// corpus.
func squash(s string) string {
	if isSquashed(s) {
		return s
	}
	return strings.Join(strings.Fields(strings.Map(cleanRune, s)), " ")
}

func isSquashed(s string) bool {
	space := true // at the start, a space would be leading
	for _, r := range s {
		switch {
		case r == ' ' && !space:
			space = true
		case r == ' ', r == utf8.RuneError, unicode.IsSpace(r), cleanRune(r) != r:
			return false
		default:
			space = false
		}
	}
	return s == "" || !space
}

// cleanRune drops invisible characters and turns control characters into
// spaces.
func cleanRune(r rune) rune {
	switch {
	case r == '\u200B' || r == '\uFEFF' || r == '\u2060' || r == '\u00AD':
		return -1
	case unicode.IsControl(r):
		return ' '
	}
	return r
}

// normaliseMarker turns bullet glyphs into "- " and drops Markdown heading
// marks and lines that are only symbols ("***", "|").
func normaliseMarker(s string) string {
	if n := HeadingLevel(s); n > 0 {
		s = strings.TrimSpace(s[n:])
	}
	r, size := utf8.DecodeRuneInString(s)
	if strings.ContainsRune("•◦▪▫●○‣⁃∙·", r) || (r == '*' || r == '-') && strings.HasPrefix(s[size:], " ") {
		s = "- " + strings.TrimSpace(s[size:])
	}
	if !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
		return ""
	}
	return s
}

// assemble rebuilds paragraphs from the lines of each block: consecutive
// bullet items stay one paragraph on separate lines; other lines are
// wrapped prose and joined, except after a heading. A line marked as a
// heading is a paragraph of its own, and marked so in the second result.
func assemble(lines []line) ([]string, []bool) {
	var paras []string
	var marked []bool
	var cur strings.Builder
	emit := func(heading bool) {
		paras, marked = append(paras, cur.String()), append(marked, heading)
		cur.Reset()
	}
	bulleted, block, single := false, -1, false
	for _, l := range lines {
		if l.heading {
			if cur.Len() > 0 {
				emit(false)
			}
			cur.WriteString(l.text)
			emit(true)
			block = -1
			continue
		}
		bullet := isBullet(l.text)
		switch {
		case cur.Len() == 0 || l.block != block || bullet != bulleted && !(bulleted && startsLower(l.text)):
			if cur.Len() > 0 {
				emit(false)
			}
			bulleted, single = bullet, true
		case bullet:
			cur.WriteString("\n")
		case single && isHeading(cur.String()):
			emit(false)
		default:
			cur.WriteString(" ")
			single = false
		}
		block = l.block
		cur.WriteString(l.text)
	}
	if cur.Len() > 0 {
		emit(false)
	}
	return paras, marked
}

func startsLower(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLower(r)
}

// wordCount is len(strings.Fields(s)) without making the slice: it is
// asked of every sentence.
func wordCount(s string) int { return countWords(s, -1) }

// wordsAtMost reports whether s has at most n words, reading no further
// than the word after the nth: the furniture rules ask it of every line,
// and most lines are long paragraphs.
func wordsAtMost(s string, n int) bool { return countWords(s, n+1) <= n }

// countWords counts the words of s, stopping at stop unless it is negative.
func countWords(s string, stop int) int {
	n, in := 0, false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			in = false
		case !in:
			in, n = true, n+1
			if n == stop {
				return n
			}
		}
	}
	return n
}
