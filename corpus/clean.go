package corpus

import (
	"regexp"
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
		h := strings.TrimLeft(s, "#")
		marked := len(s)-len(h) <= 6 && len(s) > len(h) && strings.HasPrefix(h, " ")
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
	if h := strings.TrimLeft(s, "#"); len(s)-len(h) <= 6 && strings.HasPrefix(h, " ") {
		s = strings.TrimSpace(h)
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

var (
	// countRE matches engagement counters such as "1.2K views" or "5 min read".
	countRE = regexp.MustCompile(`(?i)^\d[\d.,]*[km]? ?(views?|shares?|comments?|likes?|min read|minutes? read|reads?)$`)
	// identRE matches CSS classes or alt texts leaking into text: "author-image".
	identRE = regexp.MustCompile(`^[a-z]+(?:[-_][a-z0-9]+)+$`)
	dateRE  = regexp.MustCompile(`(?i)^` +
		`(?:(?:published|updated|posted|last updated|date)(?: on)?:? )?` +
		`(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,? )?` +
		`(?:` + monthRE + ` \d{1,2}(?:st|nd|rd|th)?,? \d{4}|\d{1,2}(?:st|nd|rd|th)? ` + monthRE + `,? \d{4}|` +
		`\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|` + monthRE + ` \d{4})` +
		`(?:,? (?:at )?\d{1,2}:\d{2}(?: ?[ap]\.?m\.?)?(?: [a-z]{2,4})?)?$`)
)

const monthRE = `(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?`

func isDateLine(s string) bool { return dateRE.MatchString(s) }

// trimStrayWord removes a UI word glued after a line's last sentence:
// `…as well." view`.
func trimStrayWord(s string) string {
	for _, w := range [...]string{"view", "views", "share", "read more", "see more", "show more", "advertisement",
		"print", "comments", "reply", "tweet", "email", "continue reading"} {
		if len(s) <= len(w) || !strings.EqualFold(s[len(s)-len(w):], w) {
			continue
		}
		rest := strings.TrimRight(s[:len(s)-len(w)], " ")
		if len(rest) < len(s)-len(w) {
			if last, _ := utf8.DecodeLastRuneInString(strings.TrimRightFunc(rest, isCloser)); isTerminator(last) {
				return rest
			}
		}
	}
	return s
}

// maxUILineBytes bounds interface labels; longer lines are text.
const maxUILineBytes = 40

// isUILine reports lines that are interface labels rather than text.
func isUILine(s string) bool {
	if len(s) > maxUILineBytes {
		return false
	}
	if identRE.MatchString(s) || countRE.MatchString(s) {
		return true
	}
	switch strings.ToLower(strings.Trim(s, " .:!|>»-–—")) {
	case "view", "views", "share", "share this", "share this article", "read more", "read next", "see more",
		"show more", "load more", "continue reading", "advertisement", "advertisements", "ad", "sponsored",
		"sponsored content", "new update", "update", "updated", "breaking", "breaking news", "exclusive",
		"print", "email", "e-mail", "tweet", "comments", "comment", "reply", "save", "listen",
		"listen to this article", "follow", "follow us", "copy link", "link copied", "click here",
		"skip to content", "skip to main content", "loading", "back to top", "menu", "close", "photo",
		"image", "video", "top stories", "related", "related articles", "related stories", "more stories",
		"trending", "most read", "newsletter":
		return true
	}
	return false
}

// promo grades how surely a line asks the reader to subscribe, sign up,
// pay or follow, as the first line of a newsletter or paywall block does.
type promo int

const (
	notPromo promo = iota
	// weakPromo opens like a call to action ("Stay informed…") but could be
	// prose; it needs a short line or more furniture after it.
	weakPromo
	// strongPromo names the business itself: newsletters, paywalls, trials.
	strongPromo
)

// maxBarePromoWords is the length up to which a weak call to action needs
// no company ("Subscribe now").
const maxBarePromoWords = 6

func callToAction(s string) promo {
	lower := strings.ToLower(strings.ReplaceAll(s, "’", "'"))
	for _, p := range [...]string{"newsletter", "unlimited access", "cards accepted", "cancel any time",
		"cancel anytime", "free trial", "subscribers only", "subscriber-only", "for subscribers", "paywall",
		"sign up for", "subscribe to our", "subscribe now", "members only", "member-only", "to your inbox",
		"i'm interested in", "i am interested in", "already a subscriber", "already a member"} {
		if strings.Contains(lower, p) {
			return strongPromo
		}
	}
	for _, p := range [...]string{"subscribe", "sign up", "signup", "sign in", "log in", "register now",
		"stay informed", "stay up to date", "stay updated", "stay in the loop", "stay connected",
		"become a member", "become a subscriber", "become a supporter", "join our", "join us",
		"support our", "support us", "support independent", "get unlimited", "get full access",
		"get the latest", "get our", "get access", "don't miss", "never miss", "want more", "enjoyed this",
		"like this article", "follow us", "share this", "related articles", "related stories", "read more",
		"more from", "you may also like", "recommended for you", "unlock", "try it free",
		"start your free trial", "donate"} {
		if strings.HasPrefix(lower, p) {
			return weakPromo
		}
	}
	return notPromo
}

// isPromoLine reports a line on its own that is certainly a call to action,
// such as a newsletter box in the middle of an article.
func isPromoLine(s string) bool {
	if !wordsAtMost(s, maxPromoWords) {
		return false
	}
	switch callToAction(s) {
	case strongPromo:
		return true
	case weakPromo:
		return wordsAtMost(s, maxBarePromoWords)
	}
	return false
}

// dropTrailingPromo cuts the document at a call to action in its second
// half when only short lines (a form, a list of perks) follow it.
func dropTrailingPromo(lines []line) []line {
	total := 0
	offsets := make([]int, len(lines))
	for i, l := range lines {
		offsets[i] = total
		total += len(l.text) + 1
	}
	cut := len(lines)
	for i := len(lines) - 1; i >= 0; i-- {
		if offsets[i]*2 < total || !wordsAtMost(lines[i].text, maxFurnitureWords) {
			break
		}
		switch callToAction(lines[i].text) {
		case strongPromo:
			cut = i
		case weakPromo:
			if i < len(lines)-1 || wordsAtMost(lines[i].text, maxBarePromoWords) {
				cut = i
			}
		}
	}
	return lines[:cut]
}

// comparable folds case, spacing, quote and dash styles and final
// punctuation, so that copies of a line compare equal.
func comparable(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '’', '‘':
			return '\''
		case '“', '”':
			return '"'
		case '–', '—':
			return '-'
		}
		return unicode.ToLower(r)
	}, s)
	return strings.TrimRight(strings.Join(strings.Fields(s), " "), ".:;!? ")
}

// isByline reports a line naming only authors of the document, with or
// without a leading "By".
func isByline(s string, authors map[string]bool) bool {
	if len(authors) == 0 {
		return false
	}
	if rest, ok := strings.CutPrefix(strings.ToLower(s), "by "); ok {
		s = s[len(s)-len(rest):]
	}
	got := names(s)
	for _, n := range got {
		if !authors[n] {
			return false
		}
	}
	return len(got) > 0
}

// names splits a list of people ("A, B and C") into comparable names.
func names(s string) []string {
	s = comparable(s)
	for _, sep := range [...]string{" and ", "&", ";"} {
		s = strings.ReplaceAll(s, sep, ",")
	}
	var out []string
	for _, n := range strings.Split(s, ",") {
		if n = strings.TrimSpace(n); n != "" {
			out = append(out, n)
		}
	}
	return out
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
