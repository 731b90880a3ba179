package index

// ptoken is one analysed word of a passage, its term numbered by the
// question being answered. Re-ranking only ever asks whether a word is one
// of the question's terms, so a passage's words need no term strings:
// without them a token holds no pointer, is 16 bytes rather than 40 and
// costs the collector nothing, and matching compares numbers.
type ptoken struct {
	term       int32 // the term's number in the question's vocab, or noTerm
	pos        int32 // 1-based word position, counting removed stop words
	start, end int32 // byte offsets in the analysed text
}

// noTerm is the number of a term the question does not hold.
const noTerm = -1

// vocabulary numbers the terms of a question's alternatives, and knows
// them by the analyser's numbers too. The analyser remembers a word only
// once its term is numbered, so a word it remembers is a question term's
// exactly when its number is one of nums; a word it does not remember is
// matched by its text. (Also remembering, per question, what each written
// word analyses to was tried: 5% more instructions than looking each up in
// the analyser.)
type vocabulary struct {
	terms map[string]int32
	nums  map[uint32]int32 // by the analyser's term numbers
	// toks holds every passage's tokens for one question, each passage's
	// a capped slice of it: one growing allocation rather than one a
	// passage, and kept for the next question (Index.release).
	toks []ptoken
}

func newVocabulary() *vocabulary {
	return &vocabulary{terms: map[string]int32{}, nums: map[uint32]int32{}}
}

// number returns term's number, giving it the next one if it has none.
func (v *vocabulary) number(a *termAnalyzer, term string) int32 {
	n, ok := v.terms[term]
	if ok {
		return n
	}
	n = int32(len(v.terms))
	v.terms[term] = n
	if num, ok := a.number(term); ok {
		v.nums[num] = n
	}
	return n
}

// ptokens analyses text as termAnalyzer.tokens does, numbering each term
// by v.
func (v *vocabulary) ptokens(a *termAnalyzer, text string) []ptoken {
	start := len(v.toks)
	pos := int32(0)
	for i, end := nextWord(text, 0); i < len(text); i, end = nextWord(text, end) {
		pos++
		w := text[i:end]
		at, ok := a.cached(w, false)
		if !ok {
			at = a.term(w, i, int(pos))
		}
		if at.dropped {
			continue
		}
		var n int32
		if at.num != 0 {
			n, ok = v.nums[at.num]
		} else {
			n, ok = v.terms[at.str]
		}
		if !ok {
			n = noTerm
		}
		v.toks = append(v.toks, ptoken{term: n, pos: pos, start: int32(i), end: int32(end)})
	}
	return v.toks[start:len(v.toks):len(v.toks)]
}
