// Package cite makes citations durable: every passage Dossier shows gets a
// short id derived from its document and its text, so that the same
// passage keeps its id across re-indexing, restarts and machines while an
// edited passage gets a new one, and a Citation holds what is needed to
// quote, check and reference it later: as a Markdown reference, a plain
// line or CSL-JSON, which Zotero and pandoc import (format.go, csl.go).
//
// It uses the standard library only.
package cite

import (
	"crypto/sha256"
	"encoding/base32"
	"strings"
	"time"
)

// IDLen is the length of an id. 8 characters of base 32 are 40 bits: a
// team would have to keep about a million citations before two of them
// were likely to share an id, and the store that keeps them lengthens the
// later one's id when that happens (see Key).
const IDLen = 8

// alphabet is Crockford's base 32 in lower case: digits and letters
// without i, l, o and u, so that an id read aloud or copied by hand is not
// mistaken for another.
const alphabet = "0123456789abcdefghjkmnpqrstvwxyz"

// ID is the citation id of the passage text of document docID: the first
// IDLen characters of Key.
func ID(docID, text string) string {
	return Key(docID, text)[:IDLen]
}

// Key is the full form of a passage's id, 52 characters of which ID is
// the start: the base 32 of the SHA-256 of the document id and the
// passage's text with runs of white space collapsed, so that re-wrapping a
// paragraph keeps its id. A longer prefix of Key tells apart two passages
// whose ids collide.
func Key(docID, text string) string {
	h := sha256.New()
	h.Write([]byte(docID))
	h.Write([]byte{0}) // document ids cannot hold NUL, so "ab"+"c" differs from "a"+"bc"
	h.Write([]byte(Normalize(text)))
	return encoding.EncodeToString(h.Sum(nil))
}

// Normalize is text with runs of white space collapsed to one space and
// none at either end: the form ids are computed from and passages are
// compared in.
func Normalize(text string) string {
	return strings.Join(strings.Fields(text), " ")
}

// encoding writes a hash in the id alphabet, 5 bits a character, without
// padding.
var encoding = base32.NewEncoding(alphabet).WithPadding(base32.NoPadding)

// Valid reports whether s could be an id: IDLen or more characters of the
// id alphabet. It is for refusing malformed input early, with a clear
// message, before any lookup.
func Valid(s string) bool {
	if len(s) < IDLen || len(s) > 52 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(alphabet, s[i]) < 0 {
			return false
		}
	}
	return true
}

// Parse reads an id as a person may type or paste it: surrounding space
// and upper case are forgiven, and so are the letters Crockford's
// alphabet leaves out, read as the digits they look like (o as 0, i and l
// as 1). It reports false for anything that cannot be an id.
func Parse(s string) (string, bool) {
	s = strings.Map(func(r rune) rune {
		switch r {
		case 'o', 'O':
			return '0'
		case 'i', 'I', 'l', 'L':
			return '1'
		}
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, strings.TrimSpace(s))
	return s, Valid(s)
}

// Citation is a passage Dossier showed, with what is needed to quote,
// check and reference it.
type Citation struct {
	ID        string
	DocID     string
	Title     string
	Publisher string
	Author    string
	// Published is the publication date as the document gives it
	// ("2023-11", "2024-04-24"); empty when unknown.
	Published string
	// URL is the document's original address; empty when it has none.
	URL     string
	Heading string
	// Page is the page of a paged document (PDF) the passage starts on,
	// from 1; 0 when unknown or unpaged.
	Page int
	// Text is the whole passage as it was shown.
	Text string
	// Excerpt is the part of the passage that was quoted.
	Excerpt string
	// ShownAt is when Dossier first showed the passage.
	ShownAt time.Time
}
