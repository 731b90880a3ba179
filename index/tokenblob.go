package index

import (
	"encoding/binary"
	"errors"
	"strings"
)

// A passage's analysed text is stored beside it (field "tokens"), so that
// re-ranking reads its tokens and sentences instead of analysing the text
// again: looking each word up among the filtered terms was a third of
// ranking's time, and finding sentences a tenth (issue 16). The encoding
// is the number of the passage's distinct terms and the terms, each
// followed by a zero byte, which no term holds (words are letters and
// digits); then the token count and, for each token, its term's number,
// the word positions since the last token, its start after the last
// token's end and its length; then the sentence count and, for each
// sentence, its start after the last one's end and its length. Numbers
// are uvarints.

// passageText is what is stored of a passage's analysed text.
type passageText struct {
	toks      []token
	sentences [][2]int // byte spans, as corpus.Sentences gives them
}

// encodePassage encodes p.
func encodePassage(p passageText) string {
	num := make(map[string]int, len(p.toks))
	var terms []string
	for _, t := range p.toks {
		if _, ok := num[t.term]; !ok {
			num[t.term] = len(terms)
			terms = append(terms, t.term)
		}
	}
	b := binary.AppendUvarint(nil, uint64(len(terms)))
	for _, t := range terms {
		b = append(b, t...)
		b = append(b, 0)
	}
	b = binary.AppendUvarint(b, uint64(len(p.toks)))
	pos, end := 0, 0
	for _, t := range p.toks {
		b = binary.AppendUvarint(b, uint64(num[t.term]))
		b = binary.AppendUvarint(b, uint64(t.pos-pos))
		b = binary.AppendUvarint(b, uint64(t.start-end))
		b = binary.AppendUvarint(b, uint64(t.end-t.start))
		pos, end = t.pos, t.end
	}
	b = binary.AppendUvarint(b, uint64(len(p.sentences)))
	end = 0
	for _, s := range p.sentences {
		b = binary.AppendUvarint(b, uint64(s[0]-end))
		b = binary.AppendUvarint(b, uint64(s[1]-s[0]))
		end = s[1]
	}
	return string(b)
}

var errBadTokens = errors.New("stored tokens are corrupt")

// maxOffset bounds a stored position or offset step, which is into the
// text, not the encoding, so that a corrupt one cannot overflow.
const maxOffset = 1 << 40

// decodePassage decodes what encodePassage wrote. The terms are
// substrings of s.
func decodePassage(s string) (passageText, error) {
	var p passageText
	n, i := uvarint(s, 0)
	if i < 0 || n > uint64(len(s)) {
		return p, errBadTokens
	}
	terms := make([]string, n)
	for k := range terms {
		j := strings.IndexByte(s[i:], 0)
		if j < 0 {
			return p, errBadTokens
		}
		terms[k] = s[i : i+j]
		i += j + 1
	}
	if n, i = uvarint(s, i); i < 0 || n > uint64(len(s)) {
		return p, errBadTokens
	}
	p.toks = make([]token, n)
	pos, end := 0, 0
	for k := range p.toks {
		var v [4]uint64
		for f := range v {
			if v[f], i = uvarint(s, i); i < 0 {
				return p, errBadTokens
			}
		}
		if v[0] >= uint64(len(terms)) || v[1] > maxOffset || v[2] > maxOffset || v[3] > maxOffset {
			return p, errBadTokens
		}
		pos += int(v[1])
		start := end + int(v[2])
		end = start + int(v[3])
		p.toks[k] = token{term: terms[v[0]], pos: pos, start: start, end: end}
	}
	if n, i = uvarint(s, i); i < 0 || n > uint64(len(s)) {
		return p, errBadTokens
	}
	p.sentences = make([][2]int, n)
	end = 0
	for k := range p.sentences {
		var v [2]uint64
		for f := range v {
			if v[f], i = uvarint(s, i); i < 0 || v[f] > maxOffset {
				return p, errBadTokens
			}
		}
		start := end + int(v[0])
		end = start + int(v[1])
		p.sentences[k] = [2]int{start, end}
	}
	if i != len(s) {
		return p, errBadTokens
	}
	return p, nil
}

// uvarint reads the uvarint at s[i:] and returns it and the index after
// it, or -1 for a malformed or truncated one.
func uvarint(s string, i int) (uint64, int) {
	var x uint64
	for shift := 0; i < len(s) && shift < 64; shift += 7 {
		c := s[i]
		i++
		x |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return x, i
		}
	}
	return 0, -1
}
