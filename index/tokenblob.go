package index

import (
	"encoding/binary"
	"errors"
	"strings"
)

// A passage's analysed text is stored beside it (field "tokens"), so that
// re-ranking reads its tokens and sentences instead of analysing the text
// again: looking each word up among the filtered terms was a third of
// ranking's time, finding sentences a tenth, and analysing titles a
// tenth (issue 16). The encoding is the number of distinct terms and the
// terms, each followed by a zero byte, which no term holds (words are
// letters and digits); then the text's tokens: their count and, for each,
// its term's number, the word positions since the last token, its start
// after the last token's end and its length; then the sentence count and,
// for each sentence, its start after the last one's end and its length;
// then the heading's tokens and the title's, as the text's. Numbers are
// uvarints.

// passageText is what is stored of a passage's analysed text, heading and
// document title.
type passageText struct {
	toks      []token
	sentences [][2]int // byte spans, as corpus.Sentences gives them
	heading   []token
	title     []token
}

// encodePassage encodes p.
func encodePassage(p passageText) string {
	num := make(map[string]int, len(p.toks))
	var terms []string
	for _, toks := range [][]token{p.toks, p.heading, p.title} {
		for _, t := range toks {
			if _, ok := num[t.term]; !ok {
				num[t.term] = len(terms)
				terms = append(terms, t.term)
			}
		}
	}
	b := binary.AppendUvarint(nil, uint64(len(terms)))
	for _, t := range terms {
		b = append(b, t...)
		b = append(b, 0)
	}
	b = appendTokens(b, p.toks, num)
	b = binary.AppendUvarint(b, uint64(len(p.sentences)))
	end := 0
	for _, s := range p.sentences {
		b = binary.AppendUvarint(b, uint64(s[0]-end))
		b = binary.AppendUvarint(b, uint64(s[1]-s[0]))
		end = s[1]
	}
	b = appendTokens(b, p.heading, num)
	b = appendTokens(b, p.title, num)
	return string(b)
}

func appendTokens(b []byte, toks []token, num map[string]int) []byte {
	b = binary.AppendUvarint(b, uint64(len(toks)))
	pos, end := 0, 0
	for _, t := range toks {
		b = binary.AppendUvarint(b, uint64(num[t.term]))
		b = binary.AppendUvarint(b, uint64(t.pos-pos))
		b = binary.AppendUvarint(b, uint64(t.start-end))
		b = binary.AppendUvarint(b, uint64(t.end-t.start))
		pos, end = t.pos, t.end
	}
	return b
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
	var err error
	if p.toks, i, err = decodeTokens(s, i, terms); err != nil {
		return p, err
	}
	if n, i = uvarint(s, i); i < 0 || n > uint64(len(s)) {
		return p, errBadTokens
	}
	p.sentences = make([][2]int, n)
	end := 0
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
	if p.heading, i, err = decodeTokens(s, i, terms); err != nil {
		return p, err
	}
	if p.title, i, err = decodeTokens(s, i, terms); err != nil {
		return p, err
	}
	if i != len(s) {
		return p, errBadTokens
	}
	return p, nil
}

// decodeTokens decodes the tokens appendTokens wrote at s[i:] and returns
// them and the index after them.
func decodeTokens(s string, i int, terms []string) ([]token, int, error) {
	n, i := uvarint(s, i)
	if i < 0 || n > uint64(len(s)) {
		return nil, 0, errBadTokens
	}
	toks := make([]token, n)
	pos, end := 0, 0
	for k := range toks {
		var v [4]uint64
		for f := range v {
			if v[f], i = uvarint(s, i); i < 0 {
				return nil, 0, errBadTokens
			}
		}
		if v[0] >= uint64(len(terms)) || v[1] > maxOffset || v[2] > maxOffset || v[3] > maxOffset {
			return nil, 0, errBadTokens
		}
		pos += int(v[1])
		start := end + int(v[2])
		end = start + int(v[3])
		toks[k] = token{term: terms[v[0]], pos: pos, start: start, end: end}
	}
	return toks, i, nil
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
