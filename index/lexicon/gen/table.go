package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"
)

// topSenses is how many of a lemma's senses per part of speech feed its
// synonyms, derivations and hypernyms. Index files list senses most
// frequent first, and the rare ones ("go" = die) would flood a question
// with words it does not mean.
const topSenses = 3

// header is the table's first line. lexicon.Parse insists on it, so a
// table in another format fails to load rather than being misread.
const header = "# lexicon v1\tword\tpos\texc\tbases\tsynonyms\tderived\thypernyms\n"

type wordnet struct {
	index [numPOS]map[string][]int
	data  [numPOS]map[int]*synset
	exc   [numPOS]map[string][]string
}

func readWordNet(fsys fs.FS) (*wordnet, error) {
	wn := &wordnet{}
	for p := range numPOS {
		var err error
		if wn.index[p], err = readIndex(fsys, p, topSenses); err != nil {
			return nil, err
		}
		if wn.data[p], err = readData(fsys, p); err != nil {
			return nil, err
		}
		if wn.exc[p], err = readExceptions(fsys, p); err != nil {
			return nil, err
		}
	}
	return wn, nil
}

type entry struct {
	pos [numPOS]bool // word is a lemma of these
	// exc marks the exception lists that list word. morphy does not apply
	// a part of speech's detachment rules to its exceptions, so even an
	// entry whose bases are all dropped is kept: "archer archer" stops
	// archer being read as the adjective arch + "-er".
	exc                                 [numPOS]bool
	bases, synonyms, derived, hypernyms []string
}

// build turns the WordNet database in fsys into the lexicon table: one
// line per word, sorted by word, so the runtime can binary-search it in
// place. Phrases of more than maxWords words are left out.
func build(fsys fs.FS, maxWords int) ([]byte, error) {
	wn, err := readWordNet(fsys)
	if err != nil {
		return nil, err
	}
	// Multi-word noun lemmas (compounds and names: "head of state",
	// "george washington") more than double the table, while the phrasal
	// verbs and idioms that paraphrase a question's verb ("pull out",
	// "step down", "give up") are few; keep phrases of the other parts of
	// speech only.
	phrases := make(map[string]bool)
	for p := verb; p < numPOS; p++ {
		for lemma := range wn.index[p] {
			if strings.Contains(lemma, " ") {
				phrases[lemma] = true
			}
		}
	}
	keep := func(w string) bool {
		return valid(w, maxWords) && (!strings.Contains(w, " ") || phrases[w])
	}
	entries := make(map[string]*entry)
	get := func(w string) *entry {
		e := entries[w]
		if e == nil {
			e = &entry{}
			entries[w] = e
		}
		return e
	}
	for p := range numPOS {
		for lemma := range wn.index[p] {
			if keep(lemma) {
				get(lemma).pos[p] = true
			}
		}
	}
	for p := range numPOS {
		for form, bases := range wn.exc[p] {
			if !keep(form) {
				continue
			}
			e := get(form)
			e.exc[p] = true
			for _, b := range bases {
				// A quarter of the .exc bases have no senses in WordNet;
				// they would send look-ups to words with no entry.
				if _, ok := wn.index[p][b]; ok && keep(b) && b != form {
					if !slices.Contains(e.bases, b) {
						e.bases = append(e.bases, b)
					}
				}
			}
		}
	}
	keys := slices.Sorted(maps.Keys(entries))
	var out bytes.Buffer
	out.WriteString(header)
	for _, k := range keys {
		e := entries[k]
		if err := wn.relate(k, e, keep); err != nil {
			return nil, err
		}
		writeEntry(&out, k, e)
	}
	return out.Bytes(), nil
}

type sense struct {
	pos  pos
	ss   *synset
	word int // the lemma's 1-based word number in ss
}

// relate fills in e's relations. Each related word is listed once, under
// the closest relation that reaches it: synonyms first, then derivations,
// then hypernyms; within one relation, more frequent senses come first.
func (wn *wordnet) relate(lemma string, e *entry, keep func(string) bool) error {
	var senses []sense
	for rank := range topSenses {
		for p := range numPOS {
			offsets := wn.index[p][lemma]
			if rank >= len(offsets) {
				continue
			}
			ss := wn.data[p][offsets[rank]]
			if ss == nil {
				return fmt.Errorf("index.%s: %q sense %d: no synset at offset %d", p.name(), lemma, rank+1, offsets[rank])
			}
			i := slices.Index(ss.words, lemma)
			if i < 0 {
				return fmt.Errorf("index.%s: %q sense %d: synset %d does not list it", p.name(), lemma, rank+1, offsets[rank])
			}
			senses = append(senses, sense{pos: p, ss: ss, word: i + 1})
		}
	}
	seen := map[string]bool{lemma: true}
	for _, b := range e.bases {
		seen[b] = true
	}
	add := func(list *[]string, w string) {
		if keep(w) && !seen[w] {
			seen[w] = true
			*list = append(*list, w)
		}
	}
	for _, s := range senses {
		for _, w := range s.ss.words {
			add(&e.synonyms, w)
		}
	}
	for _, s := range senses {
		for _, ptr := range s.ss.pointers {
			// "+" is lexical: it links one word of this synset to one of
			// the target, and only this lemma's links are its derivations.
			if ptr.symbol != "+" || ptr.source != s.word {
				continue
			}
			w, err := wn.word(ptr)
			if err != nil {
				return fmt.Errorf("%q: %w", lemma, err)
			}
			add(&e.derived, w)
		}
	}
	for _, s := range senses {
		if s.pos != noun {
			continue
		}
		for _, ptr := range s.ss.pointers {
			if ptr.symbol != "@" && ptr.symbol != "@i" {
				continue
			}
			target := wn.data[ptr.pos][ptr.offset]
			if target == nil {
				return fmt.Errorf("%q: hypernym %s %d: no such synset", lemma, ptr.pos.name(), ptr.offset)
			}
			for _, w := range target.words {
				add(&e.hypernyms, w)
			}
		}
	}
	return nil
}

// word returns the word a lexical pointer points at.
func (wn *wordnet) word(ptr pointer) (string, error) {
	target := wn.data[ptr.pos][ptr.offset]
	if target == nil || ptr.target < 1 || ptr.target > len(target.words) {
		return "", fmt.Errorf("pointer %q to %s %d word %d: no such word", ptr.symbol, ptr.pos.name(), ptr.offset, ptr.target)
	}
	return target.words[ptr.target-1], nil
}

func writeEntry(out *bytes.Buffer, word string, e *entry) {
	letters := func(set [numPOS]bool) string {
		var s []byte
		for p := range numPOS {
			if set[p] {
				s = append(s, p.letter())
			}
		}
		return string(s)
	}
	fields := []string{word, letters(e.pos), letters(e.exc), strings.Join(e.bases, ","),
		strings.Join(e.synonyms, ","), strings.Join(e.derived, ","), strings.Join(e.hypernyms, ",")}
	for len(fields) > 2 && fields[len(fields)-1] == "" {
		fields = fields[:len(fields)-1]
	}
	out.WriteString(strings.Join(fields, "\t"))
	out.WriteByte('\n')
}

// valid reports whether w belongs in the table: lower-case letters with
// hyphens, apostrophes and single spaces, at most maxWords words. Lemmas
// with digits or other punctuation ("4-hitter", "a.d.") are names and
// codes a question's words will not match anyway.
func valid(w string, maxWords int) bool {
	if w == "" || w[0] == ' ' || w[len(w)-1] == ' ' || strings.Contains(w, "  ") {
		return false
	}
	for _, c := range []byte(w) {
		if (c < 'a' || c > 'z') && c != '-' && c != '\'' && c != ' ' {
			return false
		}
	}
	return strings.Count(w, " ") < maxWords
}
