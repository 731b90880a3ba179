package corpus

import (
	"strconv"
	"strings"
)

// fragmentWords is how many words of a long quote start and end its text
// fragment; longer fragments break on the smallest edit of the page.
const fragmentWords = 5

// Link returns d.URL with a text fragment that highlights quote, or "" without a URL.
//
// The fragment follows the WICG Text Fragments syntax: a short quote is
// matched whole, a long one as textStart,textEnd.
func (d Document) Link(quote string) string {
	if d.URL == "" {
		return ""
	}
	base, _, _ := strings.Cut(d.URL, "#")
	// List markers were added by cleaning; the page shows bullets instead.
	var words []string
	for _, l := range strings.Split(quote, "\n") {
		l = strings.TrimSpace(l)
		if isBullet(l) {
			l = l[2:]
		}
		words = append(words, strings.Fields(l)...)
	}
	if len(words) == 0 {
		return base
	}
	frag := fragmentEncode(strings.Join(words, " "))
	if len(words) > 2*fragmentWords {
		frag = fragmentEncode(strings.Join(words[:fragmentWords], " ")) + "," +
			fragmentEncode(strings.Join(words[len(words)-fragmentWords:], " "))
	}
	return base + "#:~:text=" + frag
}

// LinkAt is the link to quote on page page of the document: for a
// passage of a PDF (page > 0), d.URL#page=N, which PDF viewers open at
// the page and where text fragments do not work; else Link(quote).
func (d Document) LinkAt(page int, quote string) string {
	if page <= 0 || d.URL == "" {
		return d.Link(quote)
	}
	base, _, _ := strings.Cut(d.URL, "#")
	return base + "#page=" + strconv.Itoa(page)
}

// fragmentEncode percent-encodes every byte except unreserved ones, which
// covers the fragment's own syntax characters '-', '&' and ','.
func fragmentEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// Citation returns "Title — Publisher, Published" for people.
func (d Document) Citation() string {
	var tail []string
	for _, s := range []string{d.Publisher, d.Published} {
		if s != "" {
			tail = append(tail, s)
		}
	}
	source := strings.Join(tail, ", ")
	switch {
	case d.Title == "":
		return source
	case source == "":
		return d.Title
	}
	return d.Title + " — " + source
}
