package lexicon

import (
	"slices"
	"strings"
)

// detachment is one of morphy's suffix rules: a form ending in suffix may
// be an inflection of the lemma ending in ending instead.
type detachment struct{ suffix, ending string }

// rules returns WordNet's detachment rules for one part of speech, in the
// order morphy tries them (WordNet 3.0, morph.c; adverbs have none).
func rules(pos byte) []detachment {
	switch pos {
	case 'n':
		return []detachment{{"s", ""}, {"ses", "s"}, {"xes", "x"}, {"zes", "z"},
			{"ches", "ch"}, {"shes", "sh"}, {"men", "man"}, {"ies", "y"}}
	case 'v':
		return []detachment{{"s", ""}, {"ies", "y"}, {"es", "e"}, {"es", ""},
			{"ed", "e"}, {"ed", ""}, {"ing", "e"}, {"ing", ""}}
	case 'a':
		return []detachment{{"er", ""}, {"est", ""}, {"er", "e"}, {"est", "e"}}
	}
	return nil
}

// Bases returns word's base forms (lemmas) by WordNet's morphology:
// exception lists (led -> lead, went -> go) and the detachment rules of
// WordNet's morphy (headed -> head, leads -> lead), keeping only forms
// that are lemmas, and a rule's result only when it is a lemma of the
// part of speech the rule is for (so "leader" is not taken for an
// adjective "lead" + "er"). word itself comes first when it is a lemma.
// In a phrase, the first or last word is inflected: "pulled out" ->
// "pull out".
func (l *Lexicon) Bases(word string) []string {
	w := normalize(word)
	var out []string
	add := func(b string) {
		if !slices.Contains(out, b) {
			out = append(out, b)
		}
	}
	if e, ok := l.entry(w); ok && e.pos != "" {
		add(w)
	}
	l.morph("", w, "", add)
	if i := strings.IndexByte(w, ' '); i > 0 {
		l.morph("", w[:i], w[i:], add)
		j := strings.LastIndexByte(w, ' ')
		l.morph(w[:j+1], w[j+1:], "", add)
	}
	return out
}

// morph adds the lemmas prefix+b+suffix for each base form b of form.
func (l *Lexicon) morph(prefix, form, suffix string, add func(string)) {
	e, _ := l.entry(form)
	for b := range strings.SplitSeq(e.lists[Inflection], ",") {
		if cand := prefix + b + suffix; b != "" && l.isLemma(cand, 0) {
			add(cand)
		}
	}
	for _, pos := range []byte("nva") {
		// As in morphy, a part of speech's exception list overrides its
		// rules: "archer archer" in adj.exc keeps archer from the
		// adjective arch.
		if strings.IndexByte(e.exc, pos) >= 0 {
			continue
		}
		// morphy leaves nouns in "ss" (glass, boss) and very short ones
		// alone: stripping their "s" gives unrelated lemmas (bos, as).
		if pos == 'n' && (strings.HasSuffix(form, "ss") || len(form) <= 2) {
			continue
		}
		for _, d := range rules(pos) {
			stem, ok := strings.CutSuffix(form, d.suffix)
			if !ok || stem == "" {
				continue
			}
			if cand := prefix + stem + d.ending + suffix; l.isLemma(cand, pos) {
				add(cand)
			}
		}
	}
}

// isLemma reports whether word is a lemma of part of speech pos ('n',
// 'v', 'a', 'r'), or of any part of speech when pos is 0.
func (l *Lexicon) isLemma(word string, pos byte) bool {
	e, ok := l.entry(word)
	if !ok {
		return false
	}
	if pos == 0 {
		return e.pos != ""
	}
	return strings.IndexByte(e.pos, pos) >= 0
}
