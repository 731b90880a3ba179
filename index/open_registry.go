package index

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// decodeRegistry reads the document registry as encoding/json reads it
// into a map[string]docRecord, several times faster: at 100,000 documents
// encoding/json took 0.6 s, most of the time from opening an index to its
// first answer. Input json.Marshal of a registry would not have written
// (whitespace, fields missing, renamed or reordered, a null, a count that
// is not an integer) goes to encoding/json, so the result never differs.
func decodeRegistry(data []byte) (map[string]docRecord, error) {
	if reg, ok := scanRegistry(data); ok {
		return reg, nil
	}
	reg := map[string]docRecord{}
	if err := json.Unmarshal(data, &reg); err != nil {
		return nil, err
	}
	return reg, nil
}

// scanRegistry parses exactly the registries json.Marshal writes and
// reports false on anything else. The strings it returns share one copy
// of data: a string each would cost an allocation each, and the records
// are most of data, so the shared copy keeps little more alive than
// separate strings would.
func scanRegistry(data []byte) (map[string]docRecord, bool) {
	// With no control bytes and valid UTF-8 throughout, a string that
	// holds no backslash is its own value: encoding/json would neither
	// refuse it nor replace anything in it.
	if !printable(data) || !utf8.Valid(data) {
		return nil, false
	}
	sc := regScanner{s: string(data)}
	// Each record holds two braces; a title may hold more, which only
	// sizes the map a little larger than needed.
	reg := make(map[string]docRecord, bytes.Count(data, []byte{'{'})/2)
	if !sc.next('{') {
		return nil, false
	}
	if sc.next('}') {
		return reg, sc.end()
	}
	for {
		id, ok := sc.str()
		if !ok || !sc.next(':') {
			return nil, false
		}
		r, ok := sc.record()
		if !ok {
			return nil, false
		}
		reg[id] = r
		if sc.next('}') {
			return reg, sc.end()
		}
		if !sc.next(',') {
			return nil, false
		}
	}
}

// printable reports whether b holds no byte below 0x20, eight bytes at a
// time: a byte-at-a-time loop would cost more than the rest of the scan.
func printable(b []byte) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for ; len(b) >= 8; b = b[8:] {
		// Non-zero exactly when some byte is below 0x20 (the
		// "hasless" bit trick).
		if x := binary.LittleEndian.Uint64(b); (x-0x20*ones)&^x&highs != 0 {
			return false
		}
	}
	for _, c := range b {
		if c < 0x20 {
			return false
		}
	}
	return true
}

type regScanner struct {
	s   string
	i   int
	buf []byte // scratch for unescaping
}

// next consumes c if it comes next.
func (sc *regScanner) next(c byte) bool {
	if sc.i < len(sc.s) && sc.s[sc.i] == c {
		sc.i++
		return true
	}
	return false
}

// lit consumes s if it comes next.
func (sc *regScanner) lit(s string) bool {
	if strings.HasPrefix(sc.s[sc.i:], s) {
		sc.i += len(s)
		return true
	}
	return false
}

// end reports whether nothing follows the registry.
func (sc *regScanner) end() bool { return sc.i == len(sc.s) }

// str reads a string.
func (sc *regScanner) str() (string, bool) {
	if !sc.next('"') {
		return "", false
	}
	n := strings.IndexByte(sc.s[sc.i:], '"')
	if n < 0 {
		return "", false
	}
	if v := sc.s[sc.i : sc.i+n]; strings.IndexByte(v, '\\') < 0 {
		sc.i += n + 1
		return v, true
	}
	// The quote found may be escaped: find the one that ends the string.
	start := sc.i
	for sc.i < len(sc.s) {
		switch sc.s[sc.i] {
		case '\\':
			sc.i += 2
		case '"':
			sc.i++
			return sc.unescape(sc.s[start : sc.i-1])
		default:
			sc.i++
		}
	}
	return "", false
}

// unescape decodes the escapes in a string as encoding/json does, down to
// its replacing a lone UTF-16 surrogate with U+FFFD. Escaped strings are
// common enough (json.Marshal escapes every & in a URL) that handing them
// to encoding/json cost more than all the rest.
func (sc *regScanner) unescape(v string) (string, bool) {
	b := sc.buf[:0]
	for i := 0; i < len(v); {
		c := v[i]
		if c != '\\' {
			b = append(b, c)
			i++
			continue
		}
		if i+1 == len(v) {
			return "", false
		}
		switch e := v[i+1]; e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r := hex4(v[i+2:])
			if r < 0 {
				return "", false
			}
			i += 6
			if utf16.IsSurrogate(r) {
				r1 := rune(-1)
				if strings.HasPrefix(v[i:], `\u`) {
					r1 = hex4(v[i+2:])
				}
				if d := utf16.DecodeRune(r, r1); d != utf8.RuneError {
					b = utf8.AppendRune(b, d)
					i += 6
					continue
				}
				r = utf8.RuneError
			}
			b = utf8.AppendRune(b, r)
			continue
		default:
			return "", false
		}
		i += 2
	}
	sc.buf = b
	return string(b), true
}

// hex4 is the rune the four hex digits that begin s spell, or -1.
func hex4(s string) rune {
	if len(s) < 4 {
		return -1
	}
	var r rune
	for _, c := range []byte(s[:4]) {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

// record reads one record in the layout json.Marshal gives a docRecord:
// its fields in order, every one present, Passages null (the registry
// keeps no passages).
func (sc *regScanner) record() (docRecord, bool) {
	var r docRecord
	d := &r.Doc
	ok := sc.lit(`{"doc":{"ID":`) && sc.field(&d.ID) &&
		sc.lit(`,"Path":`) && sc.field(&d.Path) &&
		sc.lit(`,"Title":`) && sc.field(&d.Title) &&
		sc.lit(`,"URL":`) && sc.field(&d.URL) &&
		sc.lit(`,"Publisher":`) && sc.field(&d.Publisher) &&
		sc.lit(`,"Author":`) && sc.field(&d.Author) &&
		sc.lit(`,"Published":`) && sc.field(&d.Published) &&
		sc.lit(`,"Hash":`) && sc.field(&d.Hash) &&
		sc.lit(`,"Text":`) && sc.field(&d.Text) &&
		sc.lit(`,"Passages":null},"passages":`) && sc.int(&r.Passages) &&
		sc.next('}')
	return r, ok
}

func (sc *regScanner) field(f *string) bool {
	var ok bool
	*f, ok = sc.str()
	return ok
}

// int reads an integer as json.Marshal writes one. A fraction or an
// exponent, which encoding/json refuses for an int, fails what follows.
func (sc *regScanner) int(n *int) bool {
	start := sc.i
	sc.next('-')
	digits := sc.i
	for sc.i < len(sc.s) && '0' <= sc.s[sc.i] && sc.s[sc.i] <= '9' {
		sc.i++
	}
	lit := sc.s[digits:sc.i]
	if lit == "" || (lit[0] == '0' && len(lit) > 1) {
		return false
	}
	var err error
	*n, err = strconv.Atoi(sc.s[start:sc.i])
	return err == nil
}
