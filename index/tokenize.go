package index

import (
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/mapping"
)

// wordTokenizer splits text into the tokens wordPattern matches, as
// Bleve's regexp tokenizer does for the index, without the regular
// expression: re-ranking analyses every candidate's text again, and the
// regexp tokenizer (three more expressions per token to type it) was more
// than half of ranking's time. TestWordTokenizerMatchesRegexp holds the
// two to the same tokens.
type wordTokenizer struct{}

func (wordTokenizer) Tokenize(input []byte) analysis.TokenStream {
	rv := make(analysis.TokenStream, 0, len(input)/6)
	for i, end := nextWord(input, 0); i < len(input); i, end = nextWord(input, end) {
		term := input[i:end]
		rv = append(rv, &analysis.Token{
			Term: term, Start: i, End: end, Position: len(rv) + 1, Type: tokenType(term),
		})
	}
	return rv
}

// nextWord finds the first token wordPattern matches at or after i: its
// start and end, or start == len(input) when there is none.
func nextWord[T string | []byte](input T, i int) (start, end int) {
	for i < len(input) {
		// ASCII first, without decoding: most text is ASCII, and every
		// candidate's text is scanned again when re-ranking.
		if c := input[i]; c < utf8.RuneSelf {
			switch {
			case isASCIILetter(c):
				return i, scanWord(input, i)
			case '0' <= c && c <= '9':
				return i, scanNumber(input, i)
			}
			i++
			continue
		}
		r, size := decodeRune(input[i:])
		switch {
		case isWordRune(r):
			return i, scanWord(input, i)
		case unicode.IsNumber(r):
			return i, scanNumber(input, i)
		}
		i += size
	}
	return i, i
}

func isASCIILetter(c byte) bool { return (c|0x20)-'a' < 26 }

// decodeRune is utf8.DecodeRune for either form of text. Only a rune's
// worth of bytes is converted: for []byte, string(s) copies all of s, which
// made tokenizing text of non-ASCII letters quadratic.
func decodeRune[T string | []byte](s T) (rune, int) {
	if len(s) > 0 && s[0] < utf8.RuneSelf {
		return rune(s[0]), 1
	}
	return utf8.DecodeRuneInString(string(s[:min(len(s), utf8.UTFMax)]))
}

// isWordRune reports a letter or a combining mark. No mark lies below
// U+0300, and unicode.IsMark searches a table for every rune it is given:
// it was a twentieth of ranking's time, which scans every candidate's text.
func isWordRune(r rune) bool {
	if r < 0x300 {
		return unicode.IsLetter(r)
	}
	return unicode.IsLetter(r) || unicode.IsMark(r)
}

// scanWord matches [\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+)* from i.
func scanWord[T string | []byte](input T, i int) int {
	i = scanLetters(input, i)
	for i < len(input) {
		r, size := decodeRune(input[i:])
		if r != '\'' && r != '’' {
			break
		}
		next := scanLetters(input, i+size)
		if next == i+size {
			break
		}
		i = next
	}
	return i
}

// scanNumber matches \p{N}+(?:[.,]\p{N}+)* from i.
func scanNumber[T string | []byte](input T, i int) int {
	i = scanDigits(input, i)
	for i < len(input) && (input[i] == '.' || input[i] == ',') {
		next := scanDigits(input, i+1)
		if next == i+1 {
			break
		}
		i = next
	}
	return i
}

// scanLetters skips [\p{L}\p{M}]* from i.
func scanLetters[T string | []byte](input T, i int) int {
	for i < len(input) {
		if c := input[i]; c < utf8.RuneSelf {
			if !isASCIILetter(c) {
				break
			}
			i++
			continue
		}
		r, size := decodeRune(input[i:])
		if !isWordRune(r) {
			break
		}
		i += size
	}
	return i
}

// scanDigits skips \p{N}* from i.
func scanDigits[T string | []byte](input T, i int) int {
	for i < len(input) {
		if c := input[i]; c < utf8.RuneSelf {
			if c < '0' || c > '9' {
				break
			}
			i++
			continue
		}
		r, size := decodeRune(input[i:])
		if !unicode.IsNumber(r) {
			break
		}
		i += size
	}
	return i
}

// tokenType types a token as Bleve's regexp tokenizer does: ideographic
// when it holds a Han, Hangul, Hiragana or Katakana letter, numeric when
// it parses as a float, else alphanumeric.
func tokenType(term []byte) analysis.TokenType {
	for _, r := range string(term) {
		if r >= utf8.RuneSelf && unicode.In(r, unicode.Han, unicode.Hangul, unicode.Hiragana, unicode.Katakana) {
			return analysis.Ideographic
		}
	}
	r, _ := utf8.DecodeRune(term)
	if unicode.IsNumber(r) || isFloatWord(term) {
		if _, err := strconv.ParseFloat(string(term), 64); err == nil {
			return analysis.Numeric
		}
	}
	return analysis.AlphaNumeric
}

// isFloatWord reports whether a word of letters is one strconv.ParseFloat
// reads as a number.
func isFloatWord(term []byte) bool {
	for _, w := range []string{"inf", "infinity", "nan"} {
		if strings.EqualFold(string(term), w) {
			return true
		}
	}
	return false
}

// newAnalyzer is the index's analyser with wordTokenizer in place of the
// regexp tokenizer, and the filters' result remembered for each word: the
// same terms, for questions and re-ranking, which analyse the same words
// over and over (Porter stemming alone was a sixth of ranking's time).
func newAnalyzer() *termAnalyzer {
	indexed := newMapping().(*mapping.IndexMappingImpl).AnalyzerNamed(analyzerName).(*analysis.DefaultAnalyzer)
	return &termAnalyzer{
		filters: indexed.TokenFilters, words: newWordTable(), terms: []string{droppedTerm: ""}, numbers: map[string]uint32{},
		maxWords: maxCachedTerms, maxTerms: maxTerms,
	}
}

// maxCachedTerms bounds the words termAnalyzer remembers, and maxTerms the
// terms it numbers (the words' and the questions'), so questions of
// made-up words cannot grow them without end.
const (
	maxCachedTerms = 1 << 18
	maxTerms       = 1 << 19
)

// termAnalyzer tokenizes with wordTokenizer and runs each word through the
// token filters once. The index's filters (possessives, lower case, stop
// words, Porter) each look at one token alone, so a word's result does not
// depend on its neighbours. It numbers the terms, so that re-ranking can
// match words by number. Safe for concurrent use.
type termAnalyzer struct {
	filters []analysis.TokenFilter
	mu      sync.RWMutex
	words   wordTable
	terms   []string          // by number; terms[droppedTerm] is unused
	numbers map[string]uint32 // the terms' numbers
	// maxWords and maxTerms are maxCachedTerms and maxTerms but in tests.
	maxWords, maxTerms int
}

// analysedTerm is what the filters make of a word: its term and the
// term's number (0 when the analyser is too full to number it), or
// dropped.
type analysedTerm struct {
	str     string
	num     uint32
	dropped bool
}

// tokens analyses text as Analyze does, straight into tokens: re-ranking
// analyses thousands of passages a question, and most of their words are
// already known.
func (a *termAnalyzer) tokens(text string) []token {
	out := make([]token, 0, len(text)/6)
	pos := 0
	for i, end := nextWord(text, 0); i < len(text); i, end = nextWord(text, end) {
		pos++
		if at := a.term(text[i:end], i, pos); !at.dropped {
			out = append(out, token{term: at.str, pos: pos, start: i, end: end})
		}
	}
	return out
}

// term is what the filters make of word, found at byte i as the pos'th.
func (a *termAnalyzer) term(word string, i, pos int) analysedTerm {
	if at, ok := a.cached(word, true); ok {
		return at
	}
	term := []byte(word)
	return a.filter(&analysis.Token{Term: term, Start: i, End: i + len(word), Position: pos, Type: tokenType(term)})
}

// cached returns what the analyser remembers of word, with the term's
// text if withText.
func (a *termAnalyzer) cached(word string, withText bool) (analysedTerm, bool) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	num, ok := a.words.get(word)
	if !ok {
		return analysedTerm{}, false
	}
	at := analysedTerm{num: num, dropped: num == droppedTerm}
	if withText && !at.dropped {
		at.str = a.terms[num]
	}
	return at, true
}

// number returns term's number, giving it the next if it has none; false
// when the analyser is too full to.
func (a *termAnalyzer) number(term string) (uint32, bool) {
	a.mu.RLock()
	num, ok := a.numbers[term]
	a.mu.RUnlock()
	if ok {
		return num, true
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.numberLocked(term)
}

func (a *termAnalyzer) numberLocked(term string) (uint32, bool) {
	if num, ok := a.numbers[term]; ok {
		return num, true
	}
	if len(a.terms) >= a.maxTerms {
		return 0, false
	}
	num := uint32(len(a.terms))
	a.terms = append(a.terms, term)
	a.numbers[term] = num
	return num, true
}

func (a *termAnalyzer) Analyze(input []byte) analysis.TokenStream {
	ts := wordTokenizer{}.Tokenize(input)
	out := ts[:0]
	for _, t := range ts {
		at := a.filter(t)
		if at.dropped {
			continue
		}
		t.Term = []byte(at.str)
		out = append(out, t)
	}
	return out
}

func (a *termAnalyzer) filter(t *analysis.Token) analysedTerm {
	if at, ok := a.cached(string(t.Term), true); ok {
		return at
	}
	word := string(t.Term)
	one := analysis.TokenStream{&analysis.Token{Term: []byte(word), Start: t.Start, End: t.End, Position: t.Position, Type: t.Type}}
	for _, f := range a.filters {
		one = f.Filter(one)
	}
	at := analysedTerm{dropped: len(one) == 0}
	if !at.dropped {
		at.str = string(one[0].Term)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if num, ok := a.words.get(word); ok {
		// Another goroutine analysed it meanwhile.
		at.num = num
		return at
	}
	if a.words.len() >= a.maxWords {
		return at
	}
	num, ok := uint32(droppedTerm), true
	if !at.dropped {
		num, ok = a.numberLocked(at.str)
	}
	if ok {
		a.words.put(word, num)
		at.num = num
	}
	return at
}
