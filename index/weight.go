package index

import (
	"math"
	"strings"

	"github.com/dossier-bot/dossier/index/lexicon"
)

// maxLexicon bounds the lexicon's alternatives for one word;
// minLexiconCap is the document frequency a paraphrase may always have.
const (
	maxLexicon    = 8
	minLexiconCap = 50
)

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
func lexiconAlts(a *termAnalyzer, lex relatedWords, d dict, total int, word, term string) []alternative {
	var out []alternative
	seen := map[string]bool{term: true}
	for _, r := range lex.Related(word) {
		if len(out) == maxLexicon {
			break
		}
		terms := termsOf(a.tokens(r.Word))
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
