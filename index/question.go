package index

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dossier-bot/dossier/index/lexicon"
)

// How much a match counts, by how it matched.
const (
	// synonymCredit: a corpus-supplied synonym is the same thing said
	// another way; the asker's own wording is still the better evidence.
	synonymCredit = 0.8
	// lexiconCredit: a word WordNet relates to the asker's (a synonym,
	// a derived or inflected form, a broader noun) may mean it, less
	// surely than a synonym the team wrote down.
	lexiconCredit = 0.6
	// guessCredit: a spelling guessed from the index's dictionary.
	guessCredit = 0.5
)

// Limits that keep one question's cost bounded whatever is typed.
const (
	maxQuestionRunes = 2000
	maxConcepts      = 32
	maxExpansions    = 8
)

// fillerWords carry no topic in a question beyond the stop list: they are
// how people ask, not what they ask about.
var fillerWords = map[string]bool{
	"mani": true, "much": true, "also": true, "ever": true, "pleas": true,
	"tell": true, "know": true, "exact": true, "kind": true, "sort": true,
	"anyon": true, "someon": true, "someth": true, "anyth": true,
	"thing": true, "happen": true, "mention": true, "ago": true,
}

// token is one analysed word with where it came from.
type token struct {
	term       string
	pos        int // 1-based word position, counting removed stop words
	start, end int // byte offsets in the analysed text
}

// alternative is one way a concept can appear in a passage: a single term
// or a sequence of terms (a phrase).
type alternative struct {
	phrase string   // the text as written, for a phrase query
	terms  []string // analysed terms
	ids    []int32  // the terms' numbers in the question's vocab
	// credit is how surely a match shows the concept: 1 for the asker's
	// own words, less for a synonym, less again for a word from the
	// lexicon or a guessed spelling.
	credit float64
	from   altSource
	// weight is the alternative's own rarity for BM25: the asker's word
	// by its document frequency, others by their concept's, discounted.
	weight float64
	// rarity is a lexicon word's own inverse document frequency.
	rarity float64
	df     int // passages holding it (a phrase: its rarest term)
}

// altSource is where an alternative came from.
type altSource uint8

const (
	fromAsker    altSource = iota // the asker's own words
	fromSynonyms                  // the corpus's synonyms.txt
	fromLexicon                   // WordNet
	fromGuess                     // a spelling guessed from the index
)

// concept is one thing a question asks about: a word, or a phrase with its
// corpus-supplied synonyms, or a misspelt word with its likely corrections.
type concept struct {
	surface string
	alts    []alternative
	weight  float64 // inverse document frequency
	// matchable is false when no alternative occurs in the index; held
	// when one occurs as written or as a synonym, not only as a guess.
	matchable, held bool
}

// question is a question turned into weighted concepts. User text is only
// ever analysed into terms: it is never parsed as query syntax.
type question struct {
	text     string
	concepts []concept
	kind     answerKind
	// starts maps each alternative's first term to where it is, so a
	// passage is matched in one pass over its tokens.
	starts [][]altRef
	nalts  int // alternatives in all, the size of a per-alternative tally
	vocab  *vocabulary
}

// altRef is one alternative of one concept; n numbers it across them all.
type altRef struct{ concept, alt, n int }

// cleanQuestion trims, bounds and de-controls raw user input.
func cleanQuestion(q string) string {
	q = strings.ToValidUTF8(q, " ")
	if utf8.RuneCountInString(q) > maxQuestionRunes {
		q = string([]rune(q)[:maxQuestionRunes])
	}
	q = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, q)
	return strings.TrimSpace(q)
}

// dict answers how many passages hold a term and which indexed terms are
// close to a missing one.
type dict interface {
	docFreq(term string) int
	similar(term string, name bool) []string
}

// relatedWords relates everyday words: synonyms, derived and inflected
// forms, broader nouns.
type relatedWords interface {
	Related(word string) []lexicon.Related
}

func parseQuestion(a *termAnalyzer, synonyms [][]string, lex relatedWords, d dict, total int, text string) question {
	q := question{text: text, kind: classify(text)}
	toks := a.tokens(text)
	toks = slices.DeleteFunc(toks, func(t token) bool { return fillerWords[t.term] })
	used := make([]bool, len(toks))

	// Synonym phrases first, longest match wins, so "North Korea" becomes
	// one concept rather than two loose words.
	type match struct{ at, n, group int }
	var matches []match
	groups := make([][][]token, len(synonyms))
	for g, members := range synonyms {
		for _, m := range members {
			if mt := a.tokens(m); len(mt) > 0 {
				groups[g] = append(groups[g], mt)
			}
		}
	}
	for i := range toks {
		best := match{at: -1}
		for g, members := range groups {
			for k, mt := range members {
				// An acronym matches only as written: "US" is not "use",
				// and "UN" is not the "Un" of a name.
				if isAcronym(synonyms[g][k]) && text[toks[i].start:toks[i].end] != synonyms[g][k] {
					continue
				}
				if len(mt) > best.n && hasSeq(toks[i:], mt) {
					best = match{at: i, n: len(mt), group: g}
				}
			}
		}
		if best.at >= 0 {
			matches = append(matches, best)
		}
	}
	slices.SortStableFunc(matches, func(x, y match) int { return y.n - x.n })
	for _, m := range matches {
		if slices.Contains(used[m.at:m.at+m.n], true) {
			continue
		}
		for j := m.at; j < m.at+m.n; j++ {
			used[j] = true
		}
		c := concept{surface: text[toks[m.at].start:toks[m.at+m.n-1].end]}
		own := termsOf(toks[m.at : m.at+m.n])
		for k, mt := range groups[m.group] {
			alt := alternative{phrase: synonyms[m.group][k], terms: termsOf(mt), credit: synonymCredit, from: fromSynonyms}
			if slices.Equal(alt.terms, own) {
				alt.credit, alt.from = 1, fromAsker
			}
			c.alts = append(c.alts, alt)
		}
		q.concepts = append(q.concepts, c)
	}
	seen := map[string]bool{}
	for i, t := range toks {
		if used[i] || seen[t.term] {
			continue
		}
		seen[t.term] = true
		c := concept{surface: text[t.start:t.end], alts: []alternative{{terms: []string{t.term}, credit: 1}}}
		// A name is not paraphrased: "Emma" is no kind of "woman" here.
		if lex != nil && !isAcronym(c.surface) && (!isCapitalized(c.surface) || t.start == 0) {
			c.alts = append(c.alts, lexiconAlts(a, lex, d, total, c.surface, t.term)...)
		}
		if d.docFreq(t.term) == 0 && len(c.alts) == 1 && !isAcronym(c.surface) {
			for _, s := range d.similar(t.term, isCapitalized(c.surface)) {
				c.alts = append(c.alts, alternative{terms: []string{s}, credit: guessCredit, from: fromGuess})
			}
		}
		q.concepts = append(q.concepts, c)
	}
	for i := range q.concepts {
		c := &q.concepts[i]
		c.weight = idf(conceptFreq(d, *c), total)
		for j := range c.alts {
			a := &c.alts[j]
			a.df = altFreq(d, *a)
			if a.df > 0 {
				c.matchable = true
				c.held = c.held || a.from == fromAsker || a.from == fromSynonyms
			}
			if a.from == fromLexicon && a.rarity < c.weight {
				a.credit *= a.rarity / c.weight
			}
			a.weight = c.weight * a.credit
			if a.credit == 1 {
				a.weight = max(a.weight, idf(altFreq(d, *a), total))
			}
		}
	}
	if len(q.concepts) > maxConcepts {
		// A pasted essay keeps its most telling words.
		slices.SortStableFunc(q.concepts, func(x, y concept) int { return cmpFloat(y.weight, x.weight) })
		q.concepts = q.concepts[:maxConcepts]
	}
	q.vocab = newVocabulary()
	for ci := range q.concepts {
		for ai := range q.concepts[ci].alts {
			alt := &q.concepts[ci].alts[ai]
			alt.ids = make([]int32, len(alt.terms))
			for k, t := range alt.terms {
				alt.ids[k] = q.vocab.number(a, t)
			}
			if first := int(alt.ids[0]); first >= len(q.starts) {
				q.starts = append(q.starts, make([][]altRef, first+1-len(q.starts))...)
			}
			q.starts[alt.ids[0]] = append(q.starts[alt.ids[0]], altRef{ci, ai, q.nalts})
			q.nalts++
		}
	}
	return q
}

// startsAt returns the alternatives whose first term is number n.
func (q question) startsAt(n int32) []altRef {
	if n < 0 || int(n) >= len(q.starts) {
		return nil
	}
	return q.starts[n]
}

// isAcronym reports whether s is written like an acronym: two to six
// letters or dots, all capitals.
func isAcronym(s string) bool {
	n := 0
	for _, r := range s {
		switch {
		case unicode.IsUpper(r) || unicode.IsDigit(r):
			n++
		case r == '.':
		default:
			return false
		}
	}
	return n >= 2 && n <= 6
}

func isCapitalized(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
}

func hasSeq(toks []token, seq []token) bool {
	if len(seq) > len(toks) {
		return false
	}
	for i := range seq {
		if toks[i].term != seq[i].term {
			return false
		}
	}
	return true
}

func termsOf(ts []token) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.term
	}
	return out
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
