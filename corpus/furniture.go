package corpus

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	// countRE matches engagement counters such as "1.2K views" or "5 min read".
	countRE = regexp.MustCompile(`(?i)^\d[\d.,]*[km]? ?(views?|shares?|comments?|likes?|min read|minutes? read|reads?)$`)
	// identRE matches CSS classes or alt texts leaking into text: "author-image".
	identRE = regexp.MustCompile(`^[a-z]+(?:[-_][a-z0-9]+)+$`)
	dateRE  = regexp.MustCompile(`(?i)^` +
		`(?:(?:published|updated|posted|last updated|date)(?: on)?:? )?` +
		`(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,? )?` +
		`(?:` + monthRE + ` \d{1,2}(?:st|nd|rd|th)?,? \d{4}|\d{1,2}(?:st|nd|rd|th)? ` + monthRE + `,? \d{4}|` +
		`\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|` + monthRE + ` \d{4})` +
		`(?:,? (?:at )?\d{1,2}:\d{2}(?: ?[ap]\.?m\.?)?(?: [a-z]{2,4})?)?$`)
)

const monthRE = `(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?`

func isDateLine(s string) bool { return dateRE.MatchString(s) }

// trimStrayWord removes a UI word glued after a line's last sentence:
// `…as well." view`.
func trimStrayWord(s string) string {
	for _, w := range [...]string{"view", "views", "share", "read more", "see more", "show more", "advertisement",
		"print", "comments", "reply", "tweet", "email", "continue reading"} {
		if len(s) <= len(w) || !strings.EqualFold(s[len(s)-len(w):], w) {
			continue
		}
		rest := strings.TrimRight(s[:len(s)-len(w)], " ")
		if len(rest) < len(s)-len(w) {
			if last, _ := utf8.DecodeLastRuneInString(strings.TrimRightFunc(rest, isCloser)); isTerminator(last) {
				return rest
			}
		}
	}
	return s
}

// maxUILineBytes bounds interface labels; longer lines are text.
const maxUILineBytes = 40

// isUILine reports lines that are interface labels rather than text.
func isUILine(s string) bool {
	if len(s) > maxUILineBytes {
		return false
	}
	if identRE.MatchString(s) || countRE.MatchString(s) {
		return true
	}
	switch strings.ToLower(strings.Trim(s, " .:!|>»-–—")) {
	case "view", "views", "share", "share this", "share this article", "read more", "read next", "see more",
		"show more", "load more", "continue reading", "advertisement", "advertisements", "ad", "sponsored",
		"sponsored content", "new update", "update", "updated", "breaking", "breaking news", "exclusive",
		"print", "email", "e-mail", "tweet", "comments", "comment", "reply", "save", "listen",
		"listen to this article", "follow", "follow us", "copy link", "link copied", "click here",
		"skip to content", "skip to main content", "loading", "back to top", "menu", "close", "photo",
		"image", "video", "top stories", "related", "related articles", "related stories", "more stories",
		"trending", "most read", "newsletter":
		return true
	}
	return false
}

// comparable folds case, spacing, quote and dash styles and final
// punctuation, so that copies of a line compare equal.
func comparable(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '’', '‘':
			return '\''
		case '“', '”':
			return '"'
		case '–', '—':
			return '-'
		}
		return unicode.ToLower(r)
	}, s)
	return strings.TrimRight(strings.Join(strings.Fields(s), " "), ".:;!? ")
}

// isByline reports a line naming only authors of the document, with or
// without a leading "By".
func isByline(s string, authors map[string]bool) bool {
	if len(authors) == 0 {
		return false
	}
	if rest, ok := strings.CutPrefix(strings.ToLower(s), "by "); ok {
		s = s[len(s)-len(rest):]
	}
	got := names(s)
	for _, n := range got {
		if !authors[n] {
			return false
		}
	}
	return len(got) > 0
}

// names splits a list of people ("A, B and C") into comparable names.
func names(s string) []string {
	s = comparable(s)
	for _, sep := range [...]string{" and ", "&", ";"} {
		s = strings.ReplaceAll(s, sep, ",")
	}
	var out []string
	for _, n := range strings.Split(s, ",") {
		if n = strings.TrimSpace(n); n != "" {
			out = append(out, n)
		}
	}
	return out
}
