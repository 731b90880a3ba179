package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
)

// pos is a WordNet part of speech. The order is the table's: its pos field
// lists the letters "nvar" in this order.
type pos uint8

const (
	noun pos = iota
	verb
	adj
	adv
	numPOS
)

func (p pos) name() string { return [...]string{"noun", "verb", "adj", "adv"}[p] }

func (p pos) letter() byte { return "nvar"[p] }

// posOfLetter reads the part of speech of a data line or pointer; adjective
// satellites ("s") live in data.adj and are addressed as adjectives.
func posOfLetter(s string) (pos, bool) {
	switch s {
	case "n":
		return noun, true
	case "v":
		return verb, true
	case "a", "s":
		return adj, true
	case "r":
		return adv, true
	}
	return 0, false
}

type pointer struct {
	symbol string
	pos    pos
	offset int
	// source and target are 1-based word numbers within the two synsets;
	// 0 means the pointer relates whole synsets (a semantic pointer).
	source, target int
}

type synset struct {
	words    []string // normalized lemmas, in WordNet's order (word numbers are 1-based indexes)
	pointers []pointer
}

// normalize turns a WordNet lemma into the table's spelling: lower case,
// spaces for underscores, without data.adj's syntactic markers such as
// "(p)" that are not part of the word.
func normalize(lemma string) string {
	if i := strings.IndexByte(lemma, '('); i > 0 && strings.HasSuffix(lemma, ")") {
		lemma = lemma[:i]
	}
	return strings.ReplaceAll(strings.ToLower(lemma), "_", " ")
}

// readIndex returns each lemma of index.<pos> with its synset offsets,
// most frequent sense first, cut to the first top senses.
func readIndex(fsys fs.FS, p pos, top int) (map[string][]int, error) {
	name := "index." + p.name()
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("read %q: %w", name, err)
	}
	lemmas := make(map[string][]int)
	for n, line := range lines(data) {
		if line == "" || line[0] == ' ' { // the licence header
			continue
		}
		f := strings.Fields(line)
		if len(f) < 6 {
			return nil, fmt.Errorf("%s line %d: too few fields", name, n+1)
		}
		count, err := strconv.Atoi(f[2])
		if err != nil || count < 1 || count > len(f)-4 {
			return nil, fmt.Errorf("%s line %d: bad synset count %q", name, n+1, f[2])
		}
		// Senses seen in WordNet's sense-tagged texts come first; an
		// untagged sense ("currency" as up-to-dateness) is too rare to
		// paraphrase a question, unless the lemma has no tagged sense.
		tagged, err := strconv.Atoi(f[len(f)-count-1])
		if err != nil || tagged < 0 {
			return nil, fmt.Errorf("%s line %d: bad tagged sense count %q", name, n+1, f[len(f)-count-1])
		}
		var offsets []int
		for _, s := range f[len(f)-count:][:min(count, top, max(tagged, 1))] {
			off, err := strconv.Atoi(s)
			if err != nil {
				return nil, fmt.Errorf("%s line %d: bad offset %q: %w", name, n+1, s, err)
			}
			offsets = append(offsets, off)
		}
		lemmas[normalize(f[0])] = offsets
	}
	return lemmas, nil
}

// readData returns the synsets of data.<pos> by byte offset. WordNet
// addresses a synset by the byte offset of its line, so a line whose
// offset field disagrees with its position is an error rather than a
// synset that pointers would silently miss.
func readData(fsys fs.FS, p pos) (map[int]*synset, error) {
	name := "data." + p.name()
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("read %q: %w", name, err)
	}
	synsets := make(map[int]*synset)
	at := 0
	for line := range bytes.Lines(data) {
		start := at
		at += len(line)
		if len(line) == 0 || line[0] == ' ' {
			continue
		}
		s, off, err := parseSynset(string(bytes.TrimRight(line, "\r\n")))
		if err != nil {
			return nil, fmt.Errorf("%s byte %d: %w", name, start, err)
		}
		if off != start {
			return nil, fmt.Errorf("%s byte %d: line says it is at offset %d", name, start, off)
		}
		synsets[off] = s
	}
	return synsets, nil
}

func parseSynset(line string) (*synset, int, error) {
	fields, _, _ := strings.Cut(line, " | ")
	f := strings.Fields(fields)
	if len(f) < 4 {
		return nil, 0, fmt.Errorf("too few fields")
	}
	off, err := strconv.Atoi(f[0])
	if err != nil {
		return nil, 0, fmt.Errorf("bad offset %q: %w", f[0], err)
	}
	wcnt, err := strconv.ParseUint(f[3], 16, 8)
	if err != nil {
		return nil, 0, fmt.Errorf("bad word count %q: %w", f[3], err)
	}
	f = f[4:]
	if len(f) < 2*int(wcnt)+1 {
		return nil, 0, fmt.Errorf("%d words do not fit", wcnt)
	}
	s := &synset{}
	for i := range int(wcnt) {
		s.words = append(s.words, normalize(f[2*i]))
	}
	f = f[2*wcnt:]
	pcnt, err := strconv.Atoi(f[0])
	if err != nil {
		return nil, 0, fmt.Errorf("bad pointer count %q: %w", f[0], err)
	}
	f = f[1:]
	if len(f) < 4*pcnt {
		return nil, 0, fmt.Errorf("%d pointers do not fit", pcnt)
	}
	for i := range pcnt {
		ptr, err := parsePointer(f[4*i : 4*i+4])
		if err != nil {
			return nil, 0, err
		}
		s.pointers = append(s.pointers, ptr)
	}
	return s, off, nil
}

func parsePointer(f []string) (pointer, error) {
	p, ok := posOfLetter(f[2])
	if !ok {
		return pointer{}, fmt.Errorf("pointer %q: bad part of speech %q", f[0], f[2])
	}
	off, err := strconv.Atoi(f[1])
	if err != nil {
		return pointer{}, fmt.Errorf("pointer %q: bad offset %q: %w", f[0], f[1], err)
	}
	st, err := strconv.ParseUint(f[3], 16, 16)
	if err != nil || len(f[3]) != 4 {
		return pointer{}, fmt.Errorf("pointer %q: bad source/target %q", f[0], f[3])
	}
	return pointer{symbol: f[0], pos: p, offset: off, source: int(st >> 8), target: int(st & 0xff)}, nil
}

// readExceptions returns <pos>.exc: each irregular form with its base forms.
func readExceptions(fsys fs.FS, p pos) (map[string][]string, error) {
	name := p.name() + ".exc"
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("read %q: %w", name, err)
	}
	exc := make(map[string][]string)
	for n, line := range lines(data) {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) < 2 {
			return nil, fmt.Errorf("%s line %d: form %q without a base", name, n+1, f[0])
		}
		form := normalize(f[0])
		for _, b := range f[1:] {
			exc[form] = append(exc[form], normalize(b))
		}
	}
	return exc, nil
}

// lines splits data into lines without their line ends.
func lines(data []byte) []string {
	return strings.Split(strings.TrimRight(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n"), "\n")
}
