package index

import "hash/maphash"

// wordTable maps a word as written to the number of the term the
// analyser's filters make of it. Re-ranking looks up every word of a
// hundred-odd passages a question, mostly cache misses; a Go map of
// strings costs three a look-up (control word, slot, the key's bytes), so
// the table keeps short words in its slots, 32 bytes each, and finds a
// word with one miss.
type wordTable struct {
	seed  maphash.Seed
	slots []wordSlot // a power of two long, at most half full
	n     int
	long  map[string]uint32 // words too long for a slot
}

// slotWord is the longest word a slot holds: nearly every word is shorter.
const slotWord = 22

type wordSlot struct {
	hash uint32 // 0 for an empty slot
	term uint32 // the term's number; droppedTerm for a stop word
	n    uint8
	word [slotWord]byte
}

// droppedTerm is the number a word the filters drop maps to.
const droppedTerm = 0

func newWordTable() wordTable {
	return wordTable{seed: maphash.MakeSeed(), slots: make([]wordSlot, 1024), long: map[string]uint32{}}
}

func (t *wordTable) hash(word string) uint32 {
	h := uint32(maphash.String(t.seed, word))
	if h == 0 {
		h = 1
	}
	return h
}

// get returns word's term number and whether the table holds word.
func (t *wordTable) get(word string) (uint32, bool) {
	if len(word) > slotWord {
		n, ok := t.long[word]
		return n, ok
	}
	h := t.hash(word)
	mask := uint32(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.hash == 0 {
			return 0, false
		}
		if s.hash == h && int(s.n) == len(word) && string(s.word[:s.n]) == word {
			return s.term, true
		}
	}
}

// put records that word analyses to term number term; word must be new.
func (t *wordTable) put(word string, term uint32) {
	if len(word) > slotWord {
		t.long[word] = term
		t.n++
		return
	}
	if 2*(t.n+1) > len(t.slots) {
		old := t.slots
		t.slots = make([]wordSlot, 2*len(old))
		for i := range old {
			if old[i].hash != 0 {
				t.place(old[i])
			}
		}
	}
	s := wordSlot{hash: t.hash(word), term: term, n: uint8(len(word))}
	copy(s.word[:], word)
	t.place(s)
	t.n++
}

func (t *wordTable) place(s wordSlot) {
	mask := uint32(len(t.slots) - 1)
	i := s.hash & mask
	for t.slots[i].hash != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = s
}

// len is how many words the table holds.
func (t *wordTable) len() int { return t.n }
