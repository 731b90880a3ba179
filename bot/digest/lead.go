package digest

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dossier-bot/dossier/bot/markdown"
	"github.com/dossier-bot/dossier/corpus"
)

// Lead sizes. A lead is read in a list of several documents: a couple of
// lines each.
const (
	maxLead           = 320 // characters
	secondSentenceMax = 160 // a second sentence only follows a short first
	minLeadWords      = 8   // shorter "sentences" are headings, captions, bylines
	maxLeadWords      = 60  // longer ones are lists run together
)

// Lead returns the one or two sentences of d that best represent it,
// quoted from its text: the sentences whose words recur most across the
// rest of the document and its title, with a preference for early ones,
// as a news lead comes first. Returns "" for a document without text.
func Lead(d corpus.Document) string {
	type sentence struct {
		text  string
		terms []string // distinct
		score float64
	}
	var all []sentence
	df := map[string]int{} // sentences each term appears in
	for _, sp := range corpus.Sentences(d.Text) {
		text := strings.Join(strings.Fields(d.Text[sp[0]:sp[1]]), " ")
		terms := distinct(contentTerms(text))
		for _, t := range terms {
			df[t]++
		}
		all = append(all, sentence{text: text, terms: terms})
	}
	if len(all) == 0 {
		return ""
	}
	inTitle := map[string]bool{}
	for _, t := range contentTerms(d.Title) {
		inTitle[t] = true
	}

	var cands []int // indexes into all, in document order
	for i, s := range all {
		if n := len(strings.Fields(s.text)); n < minLeadWords || n > maxLeadWords || !endsProse(s.text) || len(s.terms) == 0 {
			continue
		}
		weight := 0.0
		for _, t := range s.terms {
			weight += math.Log(float64(df[t])) // 0 for a term no other sentence has
			if inTitle[t] {
				weight++
			}
		}
		// Dividing by the square root of the length keeps long sentences
		// from winning by size alone; the rank discount favours the top.
		all[i].score = weight / math.Sqrt(float64(len(s.terms))) / (1 + 0.1*float64(len(cands)))
		cands = append(cands, i)
	}
	if len(cands) == 0 {
		return markdown.Trim(all[0].text, maxLead)
	}
	best := cands[0]
	for _, i := range cands {
		if all[i].score > all[best].score {
			best = i
		}
	}
	lead := all[best].text
	if markdown.Len(lead) > secondSentenceMax {
		return markdown.Trim(lead, maxLead)
	}
	second := -1
	for _, i := range cands {
		fits := markdown.Len(lead)+markdown.Len(all[i].text)+3 <= maxLead
		if i != best && fits && all[i].score >= 0.6*all[best].score && (second < 0 || all[i].score > all[second].score) {
			second = i
		}
	}
	switch {
	case second < 0:
		return lead
	case second == best+1:
		return lead + " " + all[second].text
	case second == best-1:
		return all[second].text + " " + lead
	case second < best:
		return all[second].text + " … " + lead
	}
	return lead + " … " + all[second].text
}

// endsProse reports whether s ends as a whole sentence of running text
// does: with end punctuation, and not just after a word that cannot end a
// sentence, the mark of text lost in copying ("have helped fuel and .").
func endsProse(s string) bool {
	s = strings.TrimRight(s, `"'”’)]»`)
	r, size := utf8.DecodeLastRuneInString(s)
	if !strings.ContainsRune(".!?…", r) {
		return false
	}
	words := strings.Fields(s[:len(s)-size])
	if len(words) == 0 {
		return false
	}
	switch strings.ToLower(words[len(words)-1]) {
	case "a", "an", "and", "but", "of", "or", "the", "to", "with":
		return false
	}
	before, _ := utf8.DecodeLastRuneInString(s[:len(s)-size])
	return !unicode.IsSpace(before)
}

// contentTerms are the lower-cased words of s that carry meaning: no
// function words, no one- or two-letter fragments (the s of "Iran's").
func contentTerms(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if (utf8.RuneCountInString(w) > 2 || strings.IndexFunc(w, unicode.IsDigit) >= 0) && !corpus.IsStopWord(w) {
			out = append(out, w)
		}
	}
	return out
}

func distinct(ss []string) []string {
	seen := map[string]bool{}
	out := ss[:0:0]
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
