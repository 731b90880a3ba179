package index

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dossier-bot/dossier/corpus"
)

// maxExcerptRunes bounds an excerpt so it reads as a quote, not a page.
const maxExcerptRunes = 300

// kindBonus rewards a sentence holding the kind of thing asked for;
// sentenceProxBonus one where the matched words sit close together.
const (
	kindBonus         = 0.25
	sentenceProxBonus = 0.1
)

var (
	reDate    = regexp.MustCompile(`\b(1\d\d\d|20\d\d)s?\b|\b\d{1,4}\s?(BC|AD|BCE|CE)\b|\b\d{1,2}(st|nd|rd|th)[ -]century\b|\b(January|February|March|April|May|June|July|August|September|October|November|December)\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b`)
	reNum     = regexp.MustCompile(`\b\d[\d,.]*\b|\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|hundreds?|thousands?|millions?|billions?)\b`)
	reName    = regexp.MustCompile(`\b\p{Lu}[\p{Ll}’'-]+(?:\s+\p{Lu}[\p{Ll}’'.-]*)+`)
	reAcronym = regexp.MustCompile(`\b\p{Lu}{2,6}\b`)
	rePlace   = regexp.MustCompile(`\b(?:in|to|at|from|near)\s+(?:the\s+)?\p{Lu}\p{L}+`)
)

// sentenceChoice is the best sentence of a passage for a question.
type sentenceChoice struct {
	idx      int // index into the passage's sentences
	spans    [][2]int
	scores   []float64
	coverage float64
	kind     bool // the sentence holds the kind of answer asked for
}

// bestSentence scores every sentence of c by the rare question words it
// holds and whether it holds the kind of answer asked for.
func bestSentence(c *candidate, q question, total float64) sentenceChoice {
	spans := corpus.Sentences(c.text)
	if len(spans) == 0 {
		spans = [][2]int{{0, len(c.text)}}
	}
	sc := sentenceChoice{idx: -1, spans: spans, scores: make([]float64, len(spans))}
	best := -1.0
	// One sentence's matches at a time, in slices reused from sentence to
	// sentence.
	within := make([][]int, len(c.matches))
	for si, sp := range spans {
		var got float64
		for ci, m := range c.matches {
			within[ci] = within[ci][:0]
			for _, ti := range m {
				if t := c.toks[ti]; int(t.start) >= sp[0] && int(t.end) <= sp[1] {
					within[ci] = append(within[ci], ti)
				}
			}
			got += credit(c.toks, within[ci], q.concepts[ci]) * q.concepts[ci].weight
		}
		cov := 0.0
		if total > 0 {
			cov = got / total
		}
		// Where the question's words sit together, the sentence is
		// more likely about what was asked than one that only lists them.
		s := cov + sentenceProxBonus*proximity(c.toks, within)
		kind := cov > 0 && hasKind(c.text[sp[0]:sp[1]], q)
		if kind {
			s += kindBonus
		}
		sc.scores[si] = s
		if s > best {
			best, sc.idx, sc.coverage, sc.kind = s, si, cov, kind
		}
	}
	return sc
}

// kindPattern finds what a question of q's kind asks for, nil for none.
func kindPattern(q question) *regexp.Regexp {
	switch q.kind {
	case kindWhen:
		return reDate
	case kindHowMany:
		return reNum
	case kindWho, kindGroup:
		return reName
	case kindWhere:
		return rePlace
	}
	return nil
}

func hasKind(s string, q question) bool {
	switch q.kind {
	case kindWhen:
		return reDate.MatchString(s)
	case kindHowMany:
		return reNum.MatchString(s)
	case kindWho:
		return hasNew(reName.FindAllString(s, -1), q.text)
	case kindGroup:
		return hasNew(reName.FindAllString(s, -1), q.text) || hasNew(reAcronym.FindAllString(s, -1), q.text)
	case kindWhere:
		return hasNew(rePlace.FindAllString(s, -1), q.text)
	}
	return false
}

// hasNew reports whether some found span is not already in the question:
// the answer to "who" is a name the asker did not type.
func hasNew(found []string, question string) bool {
	ql := strings.ToLower(question)
	for _, f := range found {
		for _, w := range strings.Fields(f) {
			w = strings.ToLower(strings.Trim(w, "’'.-"))
			if len(w) > 2 && unicode.IsLetter([]rune(w)[0]) && !strings.Contains(ql, w) && w != "the" {
				return true
			}
		}
	}
	return false
}

type excerptText struct {
	text       string
	quote      string // the exact document text quoted, for the link
	highlights [][2]int
}

// excerpt quotes the best sentence of c, with a neighbour when it helps and
// fits, trimmed around the matches when even one sentence is too long.
func excerpt(c *candidate, q question) excerptText {
	sc := c.sentence
	if sc.idx < 0 {
		sc.idx = 0
	}
	lo, hi := sc.spans[sc.idx][0], sc.spans[sc.idx][1]
	fits := func(a, b int) bool { return utf8.RuneCountInString(c.text[a:b]) <= maxExcerptRunes }
	// Join a neighbour in the same paragraph that adds to the answer.
	prev, next := sc.idx-1, sc.idx+1
	// A neighbour adds to the answer when it holds more of the question's
	// words, or the kind of thing asked for that the best sentence lacks.
	helps := func(i int) bool {
		return sc.scores[i] > 0 || !sc.kind && hasKind(c.text[sc.spans[i][0]:sc.spans[i][1]], q)
	}
	addPrev := prev >= 0 && helps(prev) && !strings.Contains(c.text[sc.spans[prev][1]:lo], "\n") && fits(sc.spans[prev][0], hi)
	addNext := next < len(sc.spans) && helps(next) && !strings.Contains(c.text[hi:sc.spans[next][0]], "\n") && fits(lo, sc.spans[next][1])
	switch {
	case addPrev && (!addNext || sc.scores[prev] > sc.scores[next]):
		lo = sc.spans[prev][0]
	case addNext:
		hi = sc.spans[next][1]
	}
	var matched [][2]int
	for _, m := range c.matches {
		for _, ti := range m {
			if t := c.toks[ti]; int(t.start) >= lo && int(t.end) <= hi {
				matched = append(matched, [2]int{int(t.start), int(t.end)})
			}
		}
	}
	prefix, suffix := "", ""
	if !fits(lo, hi) {
		// What the question asks for counts as much as its own words
		// when choosing which stretch of a long sentence to keep.
		wanted := matched
		if re := kindPattern(q); re != nil {
			for _, m := range re.FindAllStringIndex(c.text[lo:hi], -1) {
				wanted = append(wanted, [2]int{lo + m[0], lo + m[1]}, [2]int{lo + m[0], lo + m[1]})
			}
		}
		lo, hi = trimWindow(c.text, lo, hi, wanted)
		if lo > sc.spans[0][0] {
			prefix = "…"
		}
		suffix = "…"
	}
	quote := c.text[lo:hi]
	ex := excerptText{text: prefix + strings.ReplaceAll(quote, "\n", " ") + suffix, quote: quote}
	base := utf8.RuneCountInString(prefix)
	sortSpans(matched)
	last := -1
	for _, m := range matched {
		if m[0] < lo || m[1] > hi || m[0] < last {
			continue
		}
		s := base + utf8.RuneCountInString(c.text[lo:m[0]])
		e := s + utf8.RuneCountInString(c.text[m[0]:m[1]])
		ex.highlights = append(ex.highlights, [2]int{s, e})
		last = m[1]
	}
	return ex
}

// trimWindow picks the stretch of at most maxExcerptRunes-2 runes within
// [lo, hi) that holds the most matches, cut at word boundaries.
func trimWindow(text string, lo, hi int, matched [][2]int) (int, int) {
	limit := maxExcerptRunes - 2
	starts := []int{lo}
	for _, m := range matched {
		// Leave a little context before the first match.
		s := m[0]
		for n := 0; s > lo && n < 40; n++ {
			_, size := utf8.DecodeLastRuneInString(text[:s])
			s -= size
		}
		starts = append(starts, s)
	}
	bestLo, bestHi, bestN := lo, lo, -1
	for _, s := range starts {
		s = wordStart(text, s, lo)
		e := s
		for n := 0; e < hi && n < limit; n++ {
			_, size := utf8.DecodeRuneInString(text[e:])
			e += size
		}
		e = wordEnd(text, e, s, hi)
		count := 0
		for _, m := range matched {
			if m[0] >= s && m[1] <= e {
				count++
			}
		}
		if count > bestN {
			bestLo, bestHi, bestN = s, e, count
		}
	}
	return bestLo, bestHi
}

// wordStart moves i forward to the start of a word, unless at lo.
func wordStart(text string, i, lo int) int {
	if i == lo {
		return i
	}
	for i < len(text) && !unicode.IsSpace(rune(text[i])) {
		i++
	}
	for i < len(text) && unicode.IsSpace(rune(text[i])) {
		i++
	}
	return i
}

// wordEnd moves e back to the end of a whole word, unless at hi.
func wordEnd(text string, e, lo, hi int) int {
	if e >= hi {
		return hi
	}
	for e > lo && !unicode.IsSpace(rune(text[e])) {
		e--
	}
	for e > lo && (unicode.IsSpace(rune(text[e-1])) || strings.ContainsRune(",;:", rune(text[e-1]))) {
		e--
	}
	return e
}

func sortSpans(s [][2]int) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j][0] < s[j-1][0]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
