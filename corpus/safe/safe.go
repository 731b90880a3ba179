// Package safe keeps what Dossier shows of a document honest wherever it
// is shown (on Discord, in a reference list, on a terminal): links go
// where they say, and text cannot reorder itself or carry controls. It is
// the one policy bot/markdown (Discord) and corpus/cite (Markdown,
// CSL-JSON, plain text) share, and imports only the standard library.
package safe

import (
	"net/url"
	"strings"
	"unicode"
)

// urlEscapes percent-encodes what could end a link's destination, whether
// it is written bare, "[text](url)", or in angle brackets, "[text](<url>)".
var urlEscapes = strings.NewReplacer(
	" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E", `\`, "%5C",
)

// URL returns u fit to link to: an absolute http or https URL, without
// user information (which can make "https://trusted.example@evil.example"
// read as the trusted site), control, bidirectional or other invisible
// formatting characters, or anything that could end a Markdown link's
// destination. Anything else is "".
func URL(u string) string {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" || p.User != nil {
		return ""
	}
	s := urlEscapes.Replace(p.String())
	if strings.ContainsFunc(s, unsafeInURL) {
		return ""
	}
	// An escape in the host ("http://a(b") is not one a URL may have:
	// what would not parse again would not open either.
	if _, err := url.Parse(s); err != nil {
		return ""
	}
	return s
}

// unsafeInURL reports whether r has no place in a link shown to readers:
// controls, bidirectional controls and other invisible formatting.
func unsafeInURL(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || IsBidiControl(r)
}

// IsBidiControl reports whether r is a Unicode bidirectional control:
// the embeddings and overrides (U+202A to U+202E), the isolates (U+2066
// to U+2069) and the marks (U+200E, U+200F, U+061C). Shown raw, they
// reorder what follows them, so that a quote can read differently from
// what its source says, or a link's text from where it goes.
func IsBidiControl(r rune) bool {
	switch {
	case r >= '\u202A' && r <= '\u202E', r >= '\u2066' && r <= '\u2069':
		return true
	}
	return r == '\u200E' || r == '\u200F' || r == '\u061C'
}

// StripBidi is s without its bidirectional controls.
func StripBidi(s string) string {
	if !strings.ContainsFunc(s, IsBidiControl) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if IsBidiControl(r) {
			return -1
		}
		return r
	}, s)
}

// Line is s on one line, to be shown as plain text: bidirectional
// controls and other control characters removed (a terminal would obey
// an escape sequence), and every run of white space, line breaks
// included, collapsed to one space. Invisible characters that words need,
// such as the zero-width non-joiner of Persian, are kept.
func Line(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case IsBidiControl(r):
			return -1
		case unicode.IsSpace(r):
			return ' '
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// Printable is s with every control character, line breaks and
// bidirectional controls included, replaced by a space, rune for rune, so
// that offsets counted in runes (highlights) still hold: a file or a
// document cannot send escape sequences to the reader's terminal, nor
// reorder what it shows.
func Printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || IsBidiControl(r) {
			return ' '
		}
		return r
	}, s)
}
