package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// mdWriter renders an HTML tree as Markdown paragraphs: headings as
// "#" lines, list items as "- " lines, table rows as cells joined by
// " | ", everything else as paragraphs of collapsed text.
type mdWriter struct {
	blocks []string
	cur    strings.Builder
	prefix string // of the block being written: "## ", "- ", "> "
	// edge is set where an inline element starts or ends: extractors
	// trim the spaces around them, and a space may be owed there.
	edge bool
}

func nodeMarkdown(n *html.Node) string {
	w := &mdWriter{}
	w.walk(n)
	w.flush()
	return strings.Join(w.blocks, "\n\n")
}

// flush ends the current block.
func (w *mdWriter) flush() {
	text := strings.Join(strings.Fields(w.cur.String()), " ")
	w.cur.Reset()
	if text == "" {
		// An empty block leaves the mark to the first block of text
		// inside a heading or an item.
		return
	}
	// Page text must not read as the markers or marks Dossier gives
	// meaning to.
	text = strings.ReplaceAll(text, "<!--", "< !--")
	if w.prefix == "" && (strings.HasPrefix(text, "#") || strings.HasPrefix(text, "- ")) {
		text = `\` + text
	}
	w.blocks = append(w.blocks, w.prefix+text)
	w.prefix = ""
}

// skipped elements hold no article text.
func skipped(a atom.Atom) bool {
	switch a {
	case atom.Script, atom.Style, atom.Template, atom.Svg, atom.Select, atom.Textarea:
		return true
	}
	return false
}

func (w *mdWriter) walk(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		w.text(n.Data)
		return
	case html.ElementNode:
	case html.DocumentNode:
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			w.walk(c)
		}
		return
	default:
		return
	}
	// Trees built by extractors carry tag names without atoms.
	a := n.DataAtom
	if a == 0 {
		a = atom.Lookup([]byte(strings.ToLower(n.Data)))
	}
	if skipped(a) {
		return
	}
	switch a {
	case atom.Br:
		// A line break inside a paragraph is a new line of the same
		// paragraph for a reader; as Markdown text it is a space.
		w.cur.WriteString(" ")
		return
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		w.flush()
		w.prefix = strings.Repeat("#", int(n.Data[1]-'0')) + " "
		w.children(n)
		w.flush()
		w.prefix = ""
		return
	case atom.Li, atom.Dt, atom.Dd:
		w.flush()
		w.prefix = "- "
		w.children(n)
		w.flush()
		w.prefix = ""
		return
	case atom.Tr:
		w.flush()
		var cells []string
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && (c.Data == "td" || c.Data == "th") {
				cw := &mdWriter{}
				cw.children(c)
				cw.flush()
				if t := strings.Join(cw.blocks, " "); t != "" {
					cells = append(cells, t)
				}
			}
		}
		if len(cells) > 0 {
			w.cur.WriteString(strings.Join(cells, " | "))
			w.flush()
		}
		return
	case atom.Blockquote:
		w.flush()
		sub := &mdWriter{}
		sub.children(n)
		sub.flush()
		for _, b := range sub.blocks {
			w.blocks = append(w.blocks, "> "+b)
		}
		return
	}
	if isBlock(a) {
		w.flush()
		w.children(n)
		w.flush()
		return
	}
	// Inline elements. Superscripts and subscripts are glued on:
	// "km²", "H₂O", note marks.
	if a == atom.Sup || a == atom.Sub {
		w.children(n)
		return
	}
	w.edge = true
	w.children(n)
	w.edge = true
}

// text writes a text node, with a space where an inline element met a
// word with none between: "<b>bold</b>that" is "bold that".
func (w *mdWriter) text(s string) {
	if w.edge && s != "" && w.cur.Len() > 0 {
		last, _ := utf8.DecodeLastRuneInString(w.cur.String())
		first, _ := utf8.DecodeRuneInString(s)
		if (unicode.IsLetter(last) || unicode.IsDigit(last) || strings.ContainsRune(".,;:!?)”’", last)) &&
			(unicode.IsLetter(first) || unicode.IsDigit(first)) && !dropCap(w.cur.String()) {
			w.cur.WriteByte(' ')
		}
	}
	w.edge = false
	w.cur.WriteString(s)
}

// dropCap reports a block so far one letter, as a drop cap is
// ("<b>W</b>hen").
func dropCap(s string) bool {
	r, size := utf8.DecodeRuneInString(s)
	return size == len(s) && unicode.IsLetter(r)
}

func (w *mdWriter) children(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c)
	}
}

func isBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.Section, atom.Article, atom.Main, atom.Header, atom.Footer, atom.Aside,
		atom.Nav, atom.Ul, atom.Ol, atom.Dl, atom.Table, atom.Thead, atom.Tbody, atom.Tfoot, atom.Pre,
		atom.Figure, atom.Figcaption, atom.Hr, atom.Address, atom.Details, atom.Summary, atom.Fieldset,
		atom.Form, atom.Caption, atom.Body, atom.Html, atom.Center:
		return true
	}
	// Unknown elements (custom elements, extractors' own) are blocks:
	// gluing their text to a neighbour's would make false words.
	return a == 0
}
