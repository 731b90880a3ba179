package markdown

import "github.com/dossier-bot/dossier/corpus/safe"

// MaxURL is the longest link SafeURL lets through, in characters: a
// longer one is left out rather than cut, which would break it, and would
// take half a message.
const MaxURL = 1000

// SafeURL returns u fit to link to from Discord, as an embed's URL or a
// masked link's destination: safe.URL's absolute http or https URL
// (without user information, control or bidirectional characters, or
// anything that could end the destination), of at most MaxURL characters.
// Anything else is "".
func SafeURL(u string) string {
	s := safe.URL(u)
	if Len(s) > MaxURL {
		return ""
	}
	return s
}
