package corpus

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Passage sizes in words. Shorter passages lack context to answer from,
// longer ones bury the answer in a long quote.
const (
	minWords = 40
	maxWords = 150
	// maxHeadingWords bounds a heading; a longer line is prose.
	maxHeadingWords = 15
)

// span is a trimmed run of text [start, end) with its word count.
type span struct{ start, end, words int }

// paragraphs returns the trimmed spans of text between blank lines.
func paragraphs(text string) []span {
	var paras []span
	start, end := -1, 0
	for i := 0; i <= len(text); {
		j := strings.IndexByte(text[i:], '\n')
		if j < 0 {
			j = len(text) - i
		}
		ln := text[i : i+j]
		if t := strings.TrimSpace(ln); t == "" {
			if start >= 0 {
				paras = append(paras, span{start: start, end: end})
				start = -1
			}
		} else {
			if start < 0 {
				start = i + strings.Index(ln, t)
			}
			end = i + strings.Index(ln, t) + len(t)
		}
		i += j + 1
	}
	if start >= 0 {
		paras = append(paras, span{start: start, end: end})
	}
	return paras
}

// isHeading reports whether a paragraph reads as a section heading: one
// short line in title case without closing punctuation.
func isHeading(p string) bool {
	words := strings.Fields(p)
	if len(words) == 0 || len(words) > maxHeadingWords || strings.Contains(p, "\n") || isBullet(p) {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(strings.TrimRightFunc(p, isCloser))
	if strings.ContainsRune(".!?,;:…", last) {
		return false
	}
	first, _ := utf8.DecodeRuneInString(p)
	if !unicode.IsUpper(first) && !unicode.IsDigit(first) {
		return false
	}
	major, capital := 0, 0
	for _, w := range words {
		w = strings.TrimLeftFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		if w == "" || oneOf(strings.ToLower(w), minorWords) {
			continue
		}
		major++
		if r, _ := utf8.DecodeRuneInString(w); unicode.IsUpper(r) || unicode.IsDigit(r) {
			capital++
		}
	}
	return major > 0 && capital*4 >= major*3
}

// minorWords stay lower case in title-case headings.
const minorWords = "a an the and or but nor of in on at to for with by from as vs via into onto over amid " +
	"since after before under per than then upon up out off about between against among through during " +
	"without within is are was were be its"

// split cuts a cleaned text into passages of whole sentences: paragraphs
// too long are split into balanced runs of sentences, short neighbours in
// one section are merged, but not across the start of a page (offsets
// in breaks, ascending), so that a passage is cited with the page it is
// on. Headings are not passages; they label the passages of their
// section. Paragraphs starting at an offset in marked are headings: the
// document marked them so.
func split(docID string, text string, marked map[int]bool, breaks ...int) []Passage {
	paras := paragraphs(text)
	sentences := Sentences(text)
	var passages []Passage
	heading := ""
	var units []span
	flush := func() {
		for _, g := range merge(units, breaks) {
			passages = append(passages, Passage{
				ID:      PassageID(docID, len(passages)),
				DocID:   docID,
				Ordinal: len(passages),
				Heading: heading,
				Text:    text[g.start:g.end],
				Start:   g.start,
				End:     g.end,
			})
		}
		units = units[:0]
	}
	s := 0
	headingLike := make([]bool, len(paras)+1)
	for i, p := range paras {
		headingLike[i] = isHeading(text[p.start:p.end])
	}
	for i, p := range paras {
		// A heading introduces a paragraph of text; a run of heading-like
		// lines is text.
		if marked[p.start] || headingLike[i] && i+1 < len(paras) && !headingLike[i+1] {
			flush()
			heading = text[p.start:p.end]
			continue
		}
		for s < len(sentences) && sentences[s][1] <= p.start {
			s++
		}
		var ss []span
		for ; s < len(sentences) && sentences[s][0] < p.end; s++ {
			ss = append(ss, span{sentences[s][0], sentences[s][1], wordCount(text[sentences[s][0]:sentences[s][1]])})
		}
		if len(ss) > 0 {
			units = append(units, chunk(ss)...)
		}
	}
	flush()
	return passages
}

// chunk groups the sentences of one paragraph into runs of at most
// maxWords words, as even as it can; a longer sentence stays whole.
func chunk(ss []span) []span {
	total := 0
	for _, s := range ss {
		total += s.words
	}
	if total <= maxWords {
		return []span{join(ss)}
	}
	n := (total + maxWords - 1) / maxWords
	for k := n; k < n+3 && k <= len(ss); k++ {
		if runs, ok := balanced(ss, total, k); ok {
			return runs
		}
	}
	return greedy(ss)
}

// balanced cuts ss into k runs near total/k words each, and fails when a
// run of several sentences exceeds maxWords.
func balanced(ss []span, total, k int) ([]span, bool) {
	var runs []span
	from, acc := 0, 0
	for i, s := range ss {
		target := total * (len(runs) + 1) / k
		if i > from && len(runs) < k-1 && acc+s.words > target && acc+s.words-target > target-acc {
			runs = append(runs, join(ss[from:i]))
			from = i
		}
		acc += s.words
	}
	runs = append(runs, join(ss[from:]))
	for _, r := range runs {
		if r.words > maxWords && !singleSentence(ss, r) {
			return nil, false
		}
	}
	return runs, true
}

func singleSentence(ss []span, r span) bool {
	for _, s := range ss {
		if s.start == r.start {
			return s.end == r.end
		}
	}
	return false
}

// greedy fills runs up to maxWords in order.
func greedy(ss []span) []span {
	var runs []span
	from, acc := 0, 0
	for i, s := range ss {
		if i > from && acc+s.words > maxWords {
			runs = append(runs, join(ss[from:i]))
			from, acc = i, 0
		}
		acc += s.words
	}
	return append(runs, join(ss[from:]))
}

// merge joins neighbouring units while one of them is short, the result
// stays within maxWords and no page starts between them.
func merge(units []span, breaks []int) []span {
	var groups []span
	for _, u := range units {
		if n := len(groups); n > 0 {
			g := &groups[n-1]
			if (g.words < minWords || u.words < minWords) && g.words+u.words <= maxWords && !breakBetween(breaks, g.end, u.start) {
				g.end, g.words = u.end, g.words+u.words
				continue
			}
		}
		groups = append(groups, u)
	}
	return groups
}

func join(ss []span) span {
	r := span{start: ss[0].start, end: ss[len(ss)-1].end}
	for _, s := range ss {
		r.words += s.words
	}
	return r
}

// breakBetween reports whether a page starts in [from, to].
func breakBetween(breaks []int, from, to int) bool {
	i, _ := slices.BinarySearch(breaks, from)
	return i < len(breaks) && breaks[i] <= to
}
