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

// Numbers a passage word gets that are not a question term's.
const (
	noTerm  = -1 // a term the question does not hold
	dropped = -2 // a stop word, which is not indexed either
)

// vocabulary numbers the terms of a question's alternatives. (Also
// remembering, per question, what each written word analyses to was tried:
// 5% more instructions than looking each up in the analyser's map.)
type vocabulary struct {
	terms map[string]int32
}

func newVocabulary() vocabulary {
	return vocabulary{terms: map[string]int32{}}
}

// number returns term's number, giving it the next one if it has none.
func (v vocabulary) number(term string) int32 {
	n, ok := v.terms[term]
	if !ok {
		n = int32(len(v.terms))
		v.terms[term] = n
	}
	return n
}

// ptokens analyses text as termAnalyzer.tokens does, numbering each term
// by v.
func (v vocabulary) ptokens(a *termAnalyzer, text string) []ptoken {
	out := make([]ptoken, 0, len(text)/6)
	pos := int32(0)
	for i, end := nextWord(text, 0); i < len(text); i, end = nextWord(text, end) {
		pos++
		w := text[i:end]
		n := int32(noTerm)
		if at := a.term(w, i, int(pos)); at.dropped {
			n = dropped
		} else if t, ok := v.terms[at.str]; ok {
			n = t
		}
		if n != dropped {
			out = append(out, ptoken{term: n, pos: pos, start: int32(i), end: int32(end)})
		}
	}
	return out
}
