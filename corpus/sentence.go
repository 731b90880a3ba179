package corpus

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sentences returns the byte spans [start, end) of the sentences of text.
// Spans exclude surrounding whitespace. Blank lines and new bullet items
// always end a sentence, so no span crosses a paragraph break.
func Sentences(text string) [][2]int {
	var spans [][2]int
	start := -1
	emit := func(end int) {
		end = trimRightSpace(text, end)
		if end > start {
			spans = append(spans, [2]int{start, end})
		}
		start = -1
	}
	for i := 0; i < len(text); {
		// Most bytes are ASCII and none of the few that end a sentence:
		// pass them without decoding (re-ranking splits every candidate).
		if c := text[i]; c < utf8.RuneSelf {
			if start < 0 {
				if !isASCIISpace(c) {
					start = i
				}
				i++
				continue
			}
			if c != '\n' && c != '.' && c != '!' && c != '?' {
				i++
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if start < 0 {
			if !unicode.IsSpace(r) {
				start = i
			}
			i += size
			continue
		}
		switch {
		case r == '\n':
			if lineBreakEndsSentence(text, i+size) {
				emit(i)
			}
			i += size
		case isTerminator(r):
			end := skipRunes(text, i, isTerminator)
			end = skipRunes(text, end, isCloser)
			if next, _ := utf8.DecodeRuneInString(text[end:]); end == len(text) || unicode.IsSpace(next) {
				if endsSentence(text, start, i, end) {
					emit(end)
				}
			}
			i = end
		default:
			i += size
		}
	}
	if start >= 0 {
		emit(len(text))
	}
	return spans
}

// isASCIISpace is unicode.IsSpace for an ASCII byte.
func isASCIISpace(c byte) bool { return c == ' ' || '\t' <= c && c <= '\r' }

func isTerminator(r rune) bool { return r == '.' || r == '!' || r == '?' || r == '…' }

// isCloser reports closing quotes and brackets that belong to the sentence
// they follow, as in `security.” While`.
func isCloser(r rune) bool {
	switch r {
	case '"', '\'', '”', '’', ')', ']', '»', '›':
		return true
	}
	return false
}

func skipRunes(text string, i int, f func(rune) bool) int {
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !f(r) {
			break
		}
		i += size
	}
	return i
}

func trimRightSpace(text string, end int) int {
	for end > 0 {
		r, size := utf8.DecodeLastRuneInString(text[:end])
		if !unicode.IsSpace(r) {
			break
		}
		end -= size
	}
	return end
}

// lineBreakEndsSentence reports whether the line starting at i is blank or
// a bullet item: a single line break inside prose is only a wrap.
func lineBreakEndsSentence(text string, i int) bool {
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if r == '\n' {
			return true
		}
		if !unicode.IsSpace(r) {
			return isBullet(text[i:])
		}
		i += size
	}
	return true
}

// isBullet reports whether s starts with a list marker.
func isBullet(s string) bool {
	return strings.HasPrefix(s, "- ") || strings.HasPrefix(s, "* ") || strings.HasPrefix(s, "• ")
}

// endsSentence decides whether the terminators text[term:end] close the
// sentence that began at start.
func endsSentence(text string, start, term, end int) bool {
	next := nextWord(text, end)
	if next == "" {
		return true
	}
	if r, _ := utf8.DecodeRuneInString(next); unicode.IsLower(r) {
		return false
	}
	if text[term] != '.' || skipRunes(text, term, func(r rune) bool { return r == '.' }) > term+1 {
		return true // ! ? or an ellipsis followed by a capital
	}
	word := lastWord(text[start:term])
	lower := strings.ToLower(word)
	switch {
	case oneOf(lower, titleAbbrevs):
		return false
	case oneOf(lower, numberAbbrevs):
		r, _ := utf8.DecodeRuneInString(next)
		return !unicode.IsDigit(r)
	case oneOf(lower, ambiguousAbbrevs), isInitial(word), strings.Contains(word, "."):
		// "U.S. Ambassador", "George W. Bush": only a word that usually
		// opens a sentence shows that the abbreviation also closed one.
		return oneOf(strings.Trim(next, `"'“‘(`), sentenceStarters)
	}
	return true
}

// nextWord returns the first whitespace-separated word at or after i.
func nextWord(text string, i int) string {
	s := strings.TrimLeftFunc(text[i:min(len(text), i+64)], unicode.IsSpace)
	if j := strings.IndexFunc(s, unicode.IsSpace); j >= 0 {
		return s[:j]
	}
	return s
}

// lastWord returns the word ending s, without leading quotes or brackets.
func lastWord(s string) string {
	i := strings.LastIndexFunc(s, unicode.IsSpace)
	return strings.TrimLeft(s[i+1:], `"'“‘([`)
}

func isInitial(word string) bool {
	r, size := utf8.DecodeRuneInString(word)
	return size == len(word) && unicode.IsUpper(r)
}

// Word lists are space-separated constants so that they cannot be mutated.
const (
	// titleAbbrevs precede a name or term and never end a sentence.
	titleAbbrevs = "mr mrs ms dr prof st gen col lt sgt capt cmdr adm gov sen rep rev hon fr mt pres amb vs e.g i.e cf approx dept est"
	// numberAbbrevs precede a number: "No. 5", "Jan. 16".
	numberAbbrevs = "no nos vol fig p pp art sec ch jan feb mar apr jun jul aug sep sept oct nov dec"
	// ambiguousAbbrevs may end a sentence or sit inside one.
	ambiguousAbbrevs = "jr sr inc ltd co corp bros etc al"
	// sentenceStarters usually open a sentence when capitalised.
	sentenceStarters = "The This That These Those It Its He She They We I You In On At By But And A An However " +
		"Meanwhile After Before While When If As Some Many There Here His Her Their Our What Why How Who Yet So " +
		"Also Still For Since Although Though Despite According Such Both Neither Nor Then Thus Instead Now Last " +
		"Earlier Later"
)

// oneOf reports whether word is one of the space-separated words of list.
// It allocates nothing: re-ranking splits every candidate into sentences.
func oneOf(word, list string) bool {
	if word == "" || strings.ContainsAny(word, " \t\n") {
		return false
	}
	for i := 0; i < len(list); {
		j := strings.Index(list[i:], word)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(word)
		if (j == 0 || list[j-1] == ' ') && (end == len(list) || list[end] == ' ') {
			return true
		}
		i = j + 1
	}
	return false
}
