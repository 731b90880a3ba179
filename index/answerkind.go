package index

import (
	"strings"
	"unicode"
)

type answerKind int

const (
	kindAny answerKind = iota
	kindWhen
	kindWho
	kindHowMany
	kindWhere
	kindGroup // which group, organisation, party, company…
)

// groupNouns are what a "which …" question names when it asks for an
// organisation.
var groupNouns = map[string]bool{
	"group": true, "groups": true, "organization": true, "organisation": true,
	"organizations": true, "organisations": true, "party": true, "company": true,
	"agency": true, "outlet": true, "newspaper": true, "institution": true,
	"movement": true, "body": true, "firm": true, "army": true, "team": true,
}

func classify(q string) answerKind {
	l := strings.ToLower(q)
	words := strings.FieldsFunc(l, func(r rune) bool { return !unicode.IsLetter(r) })
	for i, w := range words {
		switch w {
		case "when":
			return kindWhen
		case "year", "date", "since":
			if i == 0 || words[i-1] == "what" || words[i-1] == "which" || w == "since" {
				return kindWhen
			}
		case "who", "whom", "whose":
			return kindWho
		case "where":
			return kindWhere
		case "how":
			if i+1 < len(words) && (words[i+1] == "many" || words[i+1] == "much") {
				return kindHowMany
			}
		case "which", "what":
			for _, next := range words[i+1 : min(i+4, len(words))] {
				if groupNouns[next] {
					return kindGroup
				}
			}
		}
	}
	return kindAny
}
