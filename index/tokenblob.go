package index

import (
	"encoding/binary"
	"errors"
	"strings"
)

// A passage's analysed text is stored beside it (field "tokens"), so that
// re-ranking reads its tokens instead of analysing the text again: looking
// each word up among the filtered terms was a third of ranking's time
// (issue 16). The encoding is the token count, then for each token its
// term's number in the passage, the word positions since the last token,
// its start after the last token's end and its length (uvarints), then the
// passage's distinct terms, each followed by a zero byte, which no term
// holds (words are letters and digits).

// encodeTokens encodes toks, in order.
func encodeTokens(toks []token) string {
	var b []byte
	b = binary.AppendUvarint(b, uint64(len(toks)))
	num := make(map[string]int, len(toks))
	var terms []string
	pos, end := 0, 0
	for _, t := range toks {
		n, ok := num[t.term]
		if !ok {
			n = len(terms)
			num[t.term] = n
			terms = append(terms, t.term)
		}
		b = binary.AppendUvarint(b, uint64(n))
		b = binary.AppendUvarint(b, uint64(t.pos-pos))
		b = binary.AppendUvarint(b, uint64(t.start-end))
		b = binary.AppendUvarint(b, uint64(t.end-t.start))
		pos, end = t.pos, t.end
	}
	for _, t := range terms {
		b = append(b, t...)
		b = append(b, 0)
	}
	return string(b)
}

var errBadTokens = errors.New("stored tokens are corrupt")

// maxOffset bounds a stored position or offset step.
const maxOffset = 1 << 40

// decodeTokens decodes what encodeTokens wrote. The terms are substrings
// of s.
func decodeTokens(s string) ([]token, error) {
	n, i := uvarint(s, 0)
	if i < 0 || n > uint64(len(s)) {
		return nil, errBadTokens
	}
	toks := make([]token, n)
	nums := make([]int, n)
	pos, end := 0, 0
	for k := range toks {
		var v [4]uint64
		for f := range v {
			if v[f], i = uvarint(s, i); i < 0 {
				return nil, errBadTokens
			}
		}
		// Offsets are into the text, not s: bounded only so that they
		// cannot overflow.
		if v[0] >= n || v[1] > maxOffset || v[2] > maxOffset || v[3] > maxOffset {
			return nil, errBadTokens
		}
		nums[k] = int(v[0])
		pos += int(v[1])
		start := end + int(v[2])
		end = start + int(v[3])
		toks[k] = token{pos: pos, start: start, end: end}
	}
	var terms []string
	for rest := s[i:]; len(rest) > 0; {
		j := strings.IndexByte(rest, 0)
		if j < 0 {
			return nil, errBadTokens
		}
		terms = append(terms, rest[:j])
		rest = rest[j+1:]
	}
	for k, n := range nums {
		if n >= len(terms) {
			return nil, errBadTokens
		}
		toks[k].term = terms[n]
	}
	return toks, nil
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
