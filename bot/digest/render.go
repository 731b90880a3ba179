package digest

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/index"
)

// Lengths of user and document text in a digest, in characters.
const (
	maxTitle    = 200
	maxQuestion = 200
	maxExcerpt  = 300
	maxURL      = 1000 // a longer link is left out rather than cut
	maxAddedBy  = 100
)

// unit is one piece of a digest's layout: a heading with the first item
// of its section, or a further item. Messages never cut inside a unit
// that fits in one message.
type unit struct {
	text string
	// tight units follow the previous one on the next line (list items);
	// others after a blank line.
	tight bool
	// resume is the text to use instead when the unit starts a message:
	// the section's heading again, so a reader of the second message
	// knows what the items are.
	resume string
}

func (u unit) sep() string {
	if u.tight {
		return "\n"
	}
	return "\n\n"
}

// Markdown renders d as Markdown that reads the same on Discord and in
// CommonMark: headings, bold, block quotes, lists and links. All text from
// documents and users is escaped, so none of it can add formatting,
// links or mentions. An empty digest renders as "".
func Markdown(d Digest) string {
	if d.Empty() {
		return ""
	}
	var b strings.Builder
	for i, u := range layout(d) {
		if i > 0 {
			b.WriteString(u.sep())
		}
		b.WriteString(u.text)
	}
	b.WriteString("\n")
	return b.String()
}

// layout lays d out as units: the title, then each section that has
// anything in it.
func layout(d Digest) []unit {
	units := []unit{{text: "# Dossier digest · " + d.Date.Format("Monday 2 January 2006")}}
	section := func(heading string, items []string, tight bool) {
		for i, item := range items {
			u := unit{text: item, tight: tight, resume: "## " + heading + " (continued)\n\n" + item}
			if i == 0 {
				u = unit{text: "## " + heading + "\n\n" + item}
				u.resume = u.text
			}
			units = append(units, u)
		}
	}

	var docs []string
	for _, c := range d.Documents {
		docs = append(docs, documentItem(c))
	}
	docs = appendMore(docs, d.MoreDocuments, "document")
	section("New and changed documents", docs, false)

	var asked []string
	for _, a := range d.Asked {
		asked = append(asked, "**"+escape(oneLine(trimText(a.Text, maxQuestion)))+"**"+times(a.Count)+"\n"+
			quote(a.Citation.Excerpt, a.Citation.Title, a.Citation.Publisher, a.Citation.Link))
	}
	section("Most asked", asked, false)

	var unanswered []string
	for _, a := range d.Unanswered {
		unanswered = append(unanswered, "- "+escape(oneLine(trimText(a.Text, maxQuestion)))+times(a.Count)+closestNote(a.Reply))
	}
	unanswered = appendMore(unanswered, d.MoreUnanswered, "question")
	section("Unanswered", unanswered, true)

	var watches []string
	for _, w := range d.Watches {
		lines := []string{"**“" + escape(oneLine(trimText(w.Query, maxQuestion))) + "”**"}
		for _, r := range w.Matches {
			lines = append(lines, matchQuote(r))
		}
		watches = append(watches, strings.Join(lines, "\n"))
	}
	section("Watches", watches, false)
	return units
}

func documentItem(c DocumentChange) string {
	title := escape(oneLine(trimText(cmpOr(c.Title, c.Path, c.ID), maxTitle)))
	if u := safeURL(c.URL); u != "" && c.Change != Removed {
		title = "[" + title + "](<" + u + ">)"
	}
	parts := []string{"**" + title + "**"}
	for _, s := range []string{c.Publisher, c.Published} {
		if s = oneLine(s); s != "" {
			parts = append(parts, escape(trimText(s, maxTitle)))
		}
	}
	parts = append(parts, c.Change.String())
	if by := oneLine(c.AddedBy); by != "" && c.Change == Added {
		// A display name, escaped: it can neither format nor ping.
		parts = append(parts, "added by "+escape(trimText(by, maxAddedBy)))
	}
	item := strings.Join(parts, " · ")
	if lead := oneLine(c.Lead); lead != "" && c.Change != Removed {
		item += "\n> " + escape(trimText(lead, maxLead))
	}
	return item
}

func matchQuote(r index.Result) string {
	source := r.Doc.Publisher
	if pg := r.Passage.PageLabel(); pg != "" {
		source = strings.TrimPrefix(source+", "+pg, ", ")
	}
	return quote(r.Excerpt, r.Doc.Title, source, r.Link)
}

// quote renders an excerpt with its source on one block-quote line.
func quote(excerpt, title, publisher, link string) string {
	source := escape(oneLine(trimText(title, maxTitle)))
	if p := oneLine(publisher); p != "" {
		source += ", " + escape(trimText(p, maxTitle))
	}
	if u := safeURL(link); u != "" {
		source = "[" + source + "](<" + u + ">)"
	}
	return "> “" + escape(oneLine(trimText(excerpt, maxExcerpt))) + "” — " + source
}

// times says how often a question was asked, when more than once.
func times(n int) string {
	switch n {
	case 0, 1:
		return ""
	case 2:
		return " · asked twice"
	}
	return fmt.Sprintf(" · asked %d times", n)
}

// closestNote marks an unanswered question whose asker was shown the
// closest passages: the documents hold something near it, so the gap may
// be one of detail rather than of topic.
func closestNote(r state.Reply) string {
	if r == state.ReplyRelated {
		return " · closest passages shown"
	}
	return ""
}

func appendMore(items []string, more int, noun string) []string {
	switch {
	case more == 1:
		return append(items, "…and 1 more "+noun+".")
	case more > 1:
		return append(items, fmt.Sprintf("…and %d more %ss.", more, noun))
	}
	return items
}

func cmpOr(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

// safeURL returns u fit for a Markdown link destination in angle
// brackets: an absolute http or https URL with nothing in it that could
// end the destination. Anything else, or a URL too long to show, is "".
func safeURL(u string) string {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" || p.User != nil {
		return ""
	}
	s := strings.NewReplacer(" ", "%20", "<", "%3C", ">", "%3E", "\\", "%5C").Replace(p.String())
	if strings.ContainsFunc(s, unicode.IsControl) || utf8.RuneCountInString(s) > maxURL {
		return ""
	}
	return s
}

// zwsp breaks "@everyone" and "@here" so that Discord shows them as text.
const zwsp = "\u200b"

// escape makes one line of plain text safe to place in Markdown: every
// character that could open formatting, a link, a mention or a spoiler is
// backslash-escaped, block syntax at its start too, and mass mentions are
// broken with a zero-width space.
func escape(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case strings.ContainsRune(`\*_~`+"`"+`|[]()<>`, r):
			b.WriteByte('\\')
		case i == 0 && strings.ContainsRune(`#-+`, r):
			b.WriteByte('\\')
		case i == 0 && unicode.IsDigit(r):
			// "1. item" is an ordered list only at the start of a line.
			j := i
			for j < len(rs) && unicode.IsDigit(rs[j]) {
				j++
			}
			if j < len(rs) && (rs[j] == '.' || rs[j] == ')') {
				b.WriteString(string(rs[i:j]))
				b.WriteByte('\\')
				i, r = j, rs[j]
			}
		case r == '@' && massMention(rs[i+1:]):
			b.WriteRune(r)
			b.WriteString(zwsp)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func massMention(rest []rune) bool {
	for _, word := range []string{"everyone", "here"} {
		if len(rest) >= len(word) && strings.EqualFold(string(rest[:len(word)]), word) {
			return true
		}
	}
	return false
}

// oneLine collapses every run of white space, line breaks included, to
// one space, so that text cannot start a Markdown line of its own.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func runes(s string) int { return utf8.RuneCountInString(s) }

// trimText shortens s to at most max characters at a word boundary, marking
// the cut with "…".
func trimText(s string, max int) string {
	rs := []rune(s)
	if len(rs) <= max {
		return s
	}
	keep := rs[:max-1]
	for i := len(keep); i > len(keep)/2; i-- {
		if unicode.IsSpace(rs[i]) {
			return strings.TrimRightFunc(string(keep[:i]), func(r rune) bool {
				return unicode.IsSpace(r) || strings.ContainsRune(",;:-–—", r)
			}) + "…"
		}
	}
	return string(keep) + "…"
}
