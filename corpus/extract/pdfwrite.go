package extract

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// softBreak stands for a hyphen at the end of a line until the whole
// text is known: then the word is joined, unless the text spells it with
// the hyphen elsewhere ("forty-foot").
const softBreak = "\x01"

// appendLine adds a line of a paragraph, repairing hyphenation.
func appendLine(para *strings.Builder, s string) {
	if para.Len() == 0 {
		para.WriteString(s)
		return
	}
	cur := para.String()
	first, _ := utf8.DecodeRuneInString(s)
	for _, h := range []string{"-", "\u00ad", "‐"} {
		if strings.HasSuffix(cur, h) && unicode.IsLower(first) {
			before, _ := utf8.DecodeLastRuneInString(strings.TrimSuffix(cur, h))
			if unicode.IsLetter(before) {
				para.Reset()
				para.WriteString(strings.TrimSuffix(cur, h) + softBreak + s)
				return
			}
		}
	}
	if !strings.HasSuffix(cur, "\n") {
		para.WriteByte(' ')
	}
	para.WriteString(s)
}

var softBreakRE = regexp.MustCompile(`([\p{L}\p{N}]*)` + softBreak + `([\p{L}\p{N}]*)`)

// resolveBreaks joins the words broken at line ends.
func resolveBreaks(text string) string {
	if !strings.Contains(text, softBreak) {
		return text
	}
	return softBreakRE.ReplaceAllStringFunc(text, func(m string) string {
		a, b, _ := strings.Cut(m, softBreak)
		if strings.Contains(text, a+"-"+b) && !strings.Contains(text, a+b) {
			return a + "-" + b
		}
		return a + b
	})
}

// markdown writes the document's pages as Markdown: paragraphs, headings
// marked with "#", a "<!-- page N -->" line where each page starts (in
// the middle of a paragraph that runs on), and each page's footnotes
// after the paragraph the page ends in.
func (d *document) markdown() string {
	var out []string // blocks
	var para strings.Builder
	var prev *tline
	var held []string // footnotes waiting for the paragraph to end, with their page marker
	inItem := false   // the paragraph is an item of a bulleted list
	pageNo := 0
	endPara := func() {
		if para.Len() > 0 {
			out = append(out, para.String())
			para.Reset()
		}
		if len(held) > 0 {
			out = append(out, held...)
			out = append(out, pageMark(pageNo))
			held = nil
		}
	}
	for _, p := range d.pages {
		pageNo = p.number
		if para.Len() > 0 {
			para.WriteString("\n" + pageMark(p.number) + "\n")
		} else {
			out = append(out, pageMark(p.number))
		}
		for i, l := range p.lines {
			text := strings.TrimSpace(l.text.String())
			item, isItem := bulletItem(text)
			newPara := d.newParagraph(prev, l, i > 0)
			switch {
			case l.row || prev != nil && prev.row:
				newPara = true
			case isItem:
				newPara, text = true, "- "+item
			case inItem && prev != nil && !prev.endsParagraph():
				// A list item's lines run on under its first, indented.
				newPara = d.headingLevel(l) > 0
			}
			if newPara {
				endPara()
				inItem = isItem
				if lvl := d.headingLevel(l); lvl > 0 && !isItem && !l.row {
					text = strings.Repeat("#", lvl) + " " + text
				}
			}
			appendLine(&para, text)
			prev = l
		}
		notes := d.notes(p)
		if len(notes) == 0 {
			continue
		}
		if para.Len() > 0 && !endsSentence(para.String()) {
			held = append(append(held, pageMark(p.number)), notes...)
			continue
		}
		endPara()
		out = append(out, notes...)
		prev = nil
	}
	endPara()
	return resolveBreaks(strings.Join(out, "\n\n")) + "\n"
}

// bulletItem is a line's text without its bullet, when it starts with one.
func bulletItem(s string) (string, bool) {
	r, size := utf8.DecodeRuneInString(s)
	if !strings.ContainsRune("•◦▪▫●○‣⁃∙·–*", r) {
		return "", false
	}
	rest := strings.TrimSpace(s[size:])
	return rest, rest != "" && len(rest) < len(s)-size
}

func pageMark(n int) string { return fmt.Sprintf("<!-- page %d -->", n) }

// notes are a page's footnotes as paragraphs: a note starts at its mark
// or at a line set apart from the one before.
func (d *document) notes(p *page) []string {
	var out []string
	var cur strings.Builder
	var prev *tline
	for _, l := range p.notes {
		t := strings.TrimSpace(l.text.String())
		if noteMark(t) {
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
			prev = nil
			continue
		}
		if prev != nil && (prev.y-l.y > 1.6*max(l.size, 1) || l.x0 > prev.x0+0.8*l.size) && cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
		appendLine(&cur, t)
		prev = l
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}
