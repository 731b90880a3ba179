package index

import (
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"

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

func analyze(a analysis.Analyzer, text string) []token {
	if ta, ok := a.(*termAnalyzer); ok {
		return ta.tokens(text)
	}
	ts := a.Analyze([]byte(text))
	out := make([]token, 0, len(ts))
	for _, t := range ts {
		out = append(out, token{term: string(t.Term), pos: t.Position, start: t.Start, end: t.End})
	}
	return out
}

// alternative is one way a concept can appear in a passage: a single term
// or a sequence of terms (a phrase).
type alternative struct {
	phrase string   // the text as written, for a phrase query
	terms  []string // analysed terms
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
	starts map[string][]altRef
	nalts  int // alternatives in all, the size of a per-alternative tally
}

// altRef is one alternative of one concept; n numbers it across them all.
type altRef struct{ concept, alt, n int }

type answerKind int

const (
	kindAny answerKind = iota
	kindWhen
	kindWho
	kindHowMany
	kindWhere
	kindGroup // which group, organisation, party, company…
)

// groupNouns are what a "which …" question names when it asks for an
// organisation.
var groupNouns = map[string]bool{
	"group": true, "groups": true, "organization": true, "organisation": true,
	"organizations": true, "organisations": true, "party": true, "company": true,
	"agency": true, "outlet": true, "newspaper": true, "institution": true,
	"movement": true, "body": true, "firm": true, "army": true, "team": true,
}

func classify(q string) answerKind {
	l := strings.ToLower(q)
	words := strings.FieldsFunc(l, func(r rune) bool { return !unicode.IsLetter(r) })
	for i, w := range words {
		switch w {
		case "when":
			return kindWhen
		case "year", "date", "since":
			if i == 0 || words[i-1] == "what" || words[i-1] == "which" || w == "since" {
				return kindWhen
			}
		case "who", "whom", "whose":
			return kindWho
		case "where":
			return kindWhere
		case "how":
			if i+1 < len(words) && (words[i+1] == "many" || words[i+1] == "much") {
				return kindHowMany
			}
		case "which", "what":
			for _, next := range words[i+1 : min(i+4, len(words))] {
				if groupNouns[next] {
					return kindGroup
				}
			}
		}
	}
	return kindAny
}

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

// maxLexicon bounds the lexicon's alternatives for one word;
// minLexiconCap is the document frequency a paraphrase may always have.
const (
	maxLexicon    = 8
	minLexiconCap = 50
)

func parseQuestion(a analysis.Analyzer, synonyms [][]string, lex relatedWords, d dict, total int, text string) question {
	q := question{text: text, kind: classify(text)}
	toks := analyze(a, text)
	toks = slices.DeleteFunc(toks, func(t token) bool { return fillerWords[t.term] })
	used := make([]bool, len(toks))

	// Synonym phrases first, longest match wins, so "North Korea" becomes
	// one concept rather than two loose words.
	type match struct{ at, n, group int }
	var matches []match
	groups := make([][][]token, len(synonyms))
	for g, members := range synonyms {
		for _, m := range members {
			if mt := analyze(a, m); len(mt) > 0 {
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
	q.starts = map[string][]altRef{}
	for ci, c := range q.concepts {
		for ai, a := range c.alts {
			q.starts[a.terms[0]] = append(q.starts[a.terms[0]], altRef{ci, ai, q.nalts})
			q.nalts++
		}
	}
	return q
}

// postings is how many passages a search for c walks: those of its
// alternatives as typed or from the synonyms, which are what it is
// searched for.
func (c concept) postings() int {
	n := 0
	for _, a := range c.alts {
		if a.from == fromAsker || a.from == fromSynonyms {
			n += a.df
		}
	}
	return n
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

// conceptFreq estimates how many passages mention a concept: its most
// frequent alternative as typed or synonym, judging a phrase by its rarest
// term. Guessed spellings do not count: a word the corpus lacks weighs as
// a rare one, so a question about something absent is not "answered" by
// a look-alike word.
//
// A word the corpus lacks but paraphrases (quit, where it says withdrew)
// weighs as its paraphrase does.
func conceptFreq(d dict, c concept) int {
	best, lexical := 0, 0
	for _, a := range c.alts {
		switch a.from {
		case fromAsker, fromSynonyms:
			best = max(best, altFreq(d, a))
		case fromLexicon:
			lexical = max(lexical, altFreq(d, a))
		}
	}
	if best == 0 {
		return lexical
	}
	return best
}

// lexiconAlts returns the words the lexicon relates to word that the
// index holds, strongest relation first: only a paraphrase the corpus
// uses can match, and a word with none is evidence the question is about
// something else.
func lexiconAlts(a analysis.Analyzer, lex relatedWords, d dict, total int, word, term string) []alternative {
	var out []alternative
	seen := map[string]bool{term: true}
	for _, r := range lex.Related(word) {
		if len(out) == maxLexicon {
			break
		}
		terms := termsOf(analyze(a, r.Word))
		key := strings.Join(terms, " ")
		if len(terms) == 0 || seen[key] {
			continue
		}
		seen[key] = true
		alt := alternative{phrase: r.Word, terms: terms, credit: lexiconCredit, from: fromLexicon}
		if r.Rel == lexicon.Inflection {
			// "led" is "lead" in another tense: the asker's word.
			alt.credit = synonymCredit
		}
		// A paraphrase in more than one passage in a hundred is too common
		// to show the concept, and would make every search that requires
		// it walk a long list of passages.
		if f := altFreq(d, alt); f > 0 && f <= max(minLexiconCap, total/100) {
			// A common word standing in for a rare one ("use" for
			// "utilize" is fine, "time" for "period" too, but neither is
			// evidence of a rare concept) counts no more than its own
			// rarity; the caller scales by the concept's weight.
			alt.rarity = idf(f, total)
			out = append(out, alt)
		}
	}
	return out
}

// altFreq judges a phrase by its rarest term.
func altFreq(d dict, a alternative) int {
	f := math.MaxInt
	for _, t := range a.terms {
		f = min(f, d.docFreq(t))
	}
	return f
}

// idf is BM25's inverse document frequency. A word the corpus never uses
// weighs more than any it does: it is the strongest sign that a question
// is about something else.
func idf(df, n int) float64 {
	f := float64(df)
	if df == 0 {
		f = absentFreq
	}
	return math.Log(1 + (max(float64(n), f)-f+0.5)/(f+0.5))
}

// absentFreq is the document frequency a missing word is weighed as.
const absentFreq = 0.25

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
