package cite

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/dossier-bot/dossier/corpus/safe"
)

// Reference is a citation as a reference list gives it: with the address of
// its page on this Dossier, when the pages are served.
type Reference struct {
	Citation
	// PageURL is the citation's page (/c/…) on this Dossier; "" when
	// pages are not served.
	PageURL string
}

// Link is where a reader checks the citation: the document's own address,
// else the citation's page; "" when there is neither.
func (r Reference) Link() string {
	if u := linkURL(r.URL); u != "" {
		return u
	}
	return linkURL(r.PageURL)
}

// Formats are the names Render knows, as `dossier cite --format` takes them.
var Formats = []string{"markdown", "csl-json", "text"}

// Render writes refs in the named format: "markdown" a reference list,
// "csl-json" an array of CSL items, "text" one plain line each.
func Render(format string, refs []Reference) ([]byte, error) {
	switch format {
	case "markdown":
		return []byte(MarkdownList("", refs)), nil
	case "csl-json":
		return CSLJSON(refs)
	case "text":
		var b strings.Builder
		for _, r := range refs {
			b.WriteString(r.Plain())
			b.WriteByte('\n')
		}
		return []byte(b.String()), nil
	}
	return nil, fmt.Errorf("render citations as %q: unknown format (want %s)", format, strings.Join(Formats, ", "))
}

// Markdown is the reference on one line of CommonMark, as pandoc and
// Markdown editors read it: authors, the title linked to the source (or
// to the citation's page for a document without an address), the
// publisher, date, section and page, the quoted passage, and the
// citation's id linked to its page. Every piece of text is escaped, so
// nothing in a document can add formatting or links.
func (r Reference) Markdown() string {
	head := r.source(markdownText, true)
	return head + " " + r.quote(markdownText) + " " + r.idNote(true)
}

// Plain is the reference on one plain line, addresses written out.
func (r Reference) Plain() string {
	head := r.source(func(s string) string { return s }, false)
	if u := r.Link(); u != "" {
		head += " " + u
	}
	return head + " " + r.quote(func(s string) string { return s }) + " " + r.idNote(false)
}

// MarkdownList is a reference list in CommonMark: a heading (omitted when
// empty), then the references numbered in order, each quote in a block
// quote below its reference.
func MarkdownList(heading string, refs []Reference) string {
	var b strings.Builder
	if h := oneLine(heading); h != "" {
		b.WriteString("# " + markdownText(h) + "\n\n")
	}
	for i, r := range refs {
		n := strconv.Itoa(i+1) + ". "
		indent := strings.Repeat(" ", len(n))
		fmt.Fprintf(&b, "%s%s %s\n\n%s> %s\n\n", n, r.source(markdownText, true), r.idNote(true), indent, markdownText(oneLine(r.quoted())))
	}
	return b.String()
}

// source is who wrote what, where and when: "A and B, “Title,” Publisher,
// 24 April 2024, “Section”, p. 3." In Markdown the title links to the
// source and the publisher is in italics.
func (r Reference) source(esc func(string) string, markdown bool) string {
	var parts []string
	if names := authorNames(r.Author); len(names) > 0 {
		parts = append(parts, esc(joinNames(names))+",")
	}
	t := esc(cmp.Or(oneLine(r.Title), oneLine(r.DocID)))
	if u := r.Link(); markdown && u != "" {
		t = "[" + t + "](<" + u + ">)"
	}
	parts = append(parts, "“"+t+",”")
	if p := oneLine(r.Publisher); p != "" {
		if markdown {
			p = "*" + esc(p) + "*"
		}
		parts = append(parts, p+",")
	}
	if d := humanDate(r.Published); d != "" {
		parts = append(parts, esc(d)+",")
	}
	if h := oneLine(r.Heading); h != "" {
		parts = append(parts, "section “"+esc(h)+"”,")
	}
	if r.Page > 0 {
		parts = append(parts, "p. "+strconv.Itoa(r.Page)+",")
	}
	s := strings.Join(parts, " ")
	// The last piece ends the sentence; a title's comma sits inside its
	// quotation marks.
	if strings.HasSuffix(s, ",”") {
		return strings.TrimSuffix(s, ",”") + ".”"
	}
	return strings.TrimSuffix(s, ",") + "."
}

// quoted is the passage as it was shown: the excerpt, else the whole text.
func (r Reference) quoted() string {
	if strings.TrimSpace(r.Excerpt) != "" {
		return r.Excerpt
	}
	return r.Text
}

func (r Reference) quote(esc func(string) string) string {
	return "Quoted: “" + esc(oneLine(r.quoted())) + "”"
}

// idNote names the citation and when it was quoted: "(Dossier citation
// c7k2mq9d, quoted 4 December 2026; in context: <page>)".
func (r Reference) idNote(markdown bool) string {
	id := r.ID
	page := linkURL(r.PageURL)
	if markdown {
		id = markdownText(id)
		if page != "" {
			id = "[" + id + "](<" + page + ">)"
		}
	}
	s := "(Dossier citation " + id
	if !r.ShownAt.IsZero() {
		s += ", quoted " + r.ShownAt.UTC().Format("2 January 2006")
	}
	if !markdown && page != "" && page != r.Link() {
		s += "; in context: " + page
	}
	return s + ")"
}

// markdownText escapes plain text for CommonMark and pandoc's Markdown:
// every character that could open emphasis, code, a link, an image,
// raw HTML, an entity, math, a footnote or a pandoc citation gets a
// backslash, and so does block syntax at the start, since a fragment may
// begin a line (a list item's text, a block quote). Bidirectional
// controls are removed.
func markdownText(s string) string {
	var b strings.Builder
	// Removed first, so that none hides block syntax from the check at
	// the start.
	rs := []rune(safe.StripBidi(s))
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case strings.ContainsRune("\\`*_[]<>|~$^@&", r):
			b.WriteByte('\\')
		case i == 0 && strings.ContainsRune("#+-=>:", r):
			b.WriteByte('\\')
		case i == 0 && unicode.IsDigit(r):
			j := i
			for j < len(rs) && unicode.IsDigit(rs[j]) {
				j++
			}
			if j < len(rs) && (rs[j] == '.' || rs[j] == ')') {
				b.WriteString(string(rs[i:j]))
				b.WriteByte('\\')
				i, r = j, rs[j]
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

// linkURL is u if it is an absolute http or https address fit for a
// Markdown link destination in angle brackets (safe.URL), else "".
func linkURL(u string) string { return safe.URL(u) }

// humanDate writes an ISO date as people read it: "2024-04-24" is "24
// April 2024", "2023-11" is "November 2023"; anything else is kept.
func humanDate(s string) string {
	s = oneLine(s)
	for _, layout := range []struct{ in, out string }{{"2006-01-02", "2 January 2006"}, {"2006-01", "January 2006"}} {
		if t, err := time.Parse(layout.in, s); err == nil {
			return t.Format(layout.out)
		}
	}
	return s
}

// authorNames splits a document's author line into names: "A, B and C",
// "A; B", or one "Family, Given".
func authorNames(s string) []string {
	s = oneLine(s)
	if s == "" {
		return nil
	}
	if strings.Contains(s, ";") {
		return splitNonEmpty(s, ";")
	}
	parts := splitNonEmpty(strings.ReplaceAll(strings.ReplaceAll(s, " and ", ","), " & ", ","), ",")
	// "Herskovitz, Jon": one comma between a single family name and the
	// given names is one person, written family first.
	if len(parts) == 2 && !strings.Contains(s, " and ") && !strings.Contains(s, " & ") && !strings.Contains(parts[0], " ") {
		return []string{parts[1] + " " + parts[0]}
	}
	return parts
}

func splitNonEmpty(s, sep string) []string {
	var out []string
	for _, p := range strings.Split(s, sep) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func joinNames(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	case 2:
		return names[0] + " and " + names[1]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// oneLine is document text made fit for one line of a reference: its
// bidirectional and other controls removed, which would make a quote read
// otherwise than its source or drive a terminal, and white space
// collapsed, so that it cannot start a Markdown block of its own.
func oneLine(s string) string { return safe.Line(s) }
