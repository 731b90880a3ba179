package markdown

import (
	"net/url"
	"strings"
	"unicode"
)

// MaxURL is the longest link SafeURL lets through, in characters: a
// longer one is left out rather than cut, which would break it, and would
// take half a message.
const MaxURL = 1000

// urlEscapes percent-encodes what could end a link's destination, whether
// it is written bare, "[text](url)", or in angle brackets, "[text](<url>)".
var urlEscapes = strings.NewReplacer(
	" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E", `\`, "%5C",
)

// SafeURL returns u fit to link to from Discord, as an embed's URL or a
// masked link's destination: an absolute http or https URL, without user
// information (which can make "https://trusted.example@evil.example" read
// as the trusted site), control or bidirectional characters, or anything
// that could end the destination; at most MaxURL characters. Anything
// else is "".
func SafeURL(u string) string {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" || p.User != nil {
		return ""
	}
	s := urlEscapes.Replace(p.String())
	if strings.ContainsFunc(s, unsafeInURL) || Len(s) > MaxURL {
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
