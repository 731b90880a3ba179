package digest

import (
	"cmp"
	"fmt"
	"github.com/dossier-bot/dossier/bot/markdown"
	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/index"
	"strings"
)

// Lengths of user and document text in a digest, in characters.
const (
	maxTitle    = 200
	maxQuestion = 200
	maxExcerpt  = 300
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
		asked = append(asked, "**"+markdown.Escape(markdown.OneLine(markdown.Trim(a.Text, maxQuestion)))+"**"+times(a.Count)+"\n"+
			quote(a.Citation.Excerpt, a.Citation.Title, a.Citation.Publisher, a.Citation.Link, a.Citation.ID))
	}
	section("Most asked", asked, false)

	var unanswered []string
	for _, a := range d.Unanswered {
		unanswered = append(unanswered, "- "+markdown.Escape(markdown.OneLine(markdown.Trim(a.Text, maxQuestion)))+times(a.Count)+closestNote(a.Reply))
	}
	unanswered = appendMore(unanswered, d.MoreUnanswered, "question")
	section("Unanswered", unanswered, true)

	var watches []string
	for _, w := range d.Watches {
		lines := []string{"**“" + markdown.Escape(markdown.OneLine(markdown.Trim(w.Query, maxQuestion))) + "”**"}
		for _, r := range w.Matches {
			lines = append(lines, matchQuote(r, d.matchID(r)))
		}
		watches = append(watches, strings.Join(lines, "\n"))
	}
	section("Watches", watches, false)
	return units
}

func documentItem(c DocumentChange) string {
	title := markdown.Escape(markdown.OneLine(markdown.Trim(cmp.Or(strings.TrimSpace(c.Title), c.Path, c.ID), maxTitle)))
	if u := markdown.SafeURL(c.URL); u != "" && c.Change != Removed {
		title = "[" + title + "](<" + u + ">)"
	}
	parts := []string{"**" + title + "**"}
	for _, s := range []string{c.Publisher, c.Published} {
		if s = markdown.OneLine(s); s != "" {
			parts = append(parts, markdown.Escape(markdown.Trim(s, maxTitle)))
		}
	}
	parts = append(parts, c.Change.String())
	if by := markdown.OneLine(c.AddedBy); by != "" && c.Change == Added {
		// A display name, escaped: it can neither format nor ping.
		parts = append(parts, "added by "+markdown.Escape(markdown.Trim(by, maxAddedBy)))
	}
	item := strings.Join(parts, " · ")
	if lead := markdown.OneLine(c.Lead); lead != "" && c.Change != Removed {
		item += "\n> " + markdown.Escape(markdown.Trim(lead, maxLead))
	}
	return item
}

func matchQuote(r index.Result, id string) string {
	source := r.Doc.Publisher
	if pg := r.Passage.PageLabel(); pg != "" {
		source = strings.TrimPrefix(source+", "+pg, ", ")
	}
	return quote(r.Excerpt, r.Doc.Title, source, r.Link, id)
}

// quote renders an excerpt with its source and citation id on one
// block-quote line; an id is left out when the log kept none.
func quote(excerpt, title, publisher, link, id string) string {
	source := markdown.Escape(markdown.OneLine(markdown.Trim(title, maxTitle)))
	if p := markdown.OneLine(publisher); p != "" {
		source += ", " + markdown.Escape(markdown.Trim(p, maxTitle))
	}
	if u := markdown.SafeURL(link); u != "" {
		source = "[" + source + "](<" + u + ">)"
	}
	q := "> “" + markdown.Escape(markdown.OneLine(markdown.Trim(excerpt, maxExcerpt))) + "” — " + source
	if id != "" {
		q += " · cite " + markdown.Escape(id)
	}
	return q
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
