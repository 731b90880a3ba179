package corpus

import (
	"regexp"
	"strconv"
	"strings"
)

// pageMarkRE matches the "<!-- page N -->" comments a converted PDF
// carries at the start of each page.
var pageMarkRE = regexp.MustCompile(`<!--\s*page\s+(\d{1,6})\s*-->`)

// pageStart is where a page begins: its number and, once located, the
// byte offset of its first text in the cleaned document.
type pageStart struct {
	page   int
	lines  []string // the page's first lines, as splitLines normalises them
	offset int
}

// cutPageMarks removes the page markers from a body and returns the body
// and the pages it marks, each with its first few lines. A body without
// markers is returned as it is.
func cutPageMarks(body string) (string, []pageStart) {
	locs := pageMarkRE.FindAllStringSubmatchIndex(body, -1)
	if locs == nil {
		return body, nil
	}
	var b strings.Builder
	var pages []pageStart
	last := 0
	for i, loc := range locs {
		// A marker alone on its line goes with its line, so a paragraph
		// that runs on over a page stays one paragraph.
		before := body[last:loc[0]]
		if strings.HasSuffix(before, "\n") && strings.HasPrefix(body[loc[1]:], "\n") {
			before = before[:len(before)-1]
		}
		b.WriteString(before)
		n, _ := strconv.Atoi(body[loc[2]:loc[3]])
		end := len(body)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		pages = append(pages, pageStart{page: n, lines: firstLines(body[loc[1]:end], pageProbeLines)})
		last = loc[1]
	}
	b.WriteString(body[last:])
	return b.String(), pages
}

// pageProbeLines is how many of a page's first lines are looked for in
// the cleaned text: cleaning may drop a running header or a heading.
const pageProbeLines = 8

func firstLines(s string, n int) []string {
	var out []string
	for _, l := range splitLines(s) {
		if len(out) == n {
			break
		}
		out = append(out, l.text)
	}
	return out
}

// locatePages finds where each page starts in the cleaned text: at the
// first of its lines that cleaning kept, searched for after the previous
// page's start, so pages stay in order. Lines of fewer than three words
// are tried last, as they may occur anywhere. A page none of whose first
// lines is found starts where the previous one does.
func locatePages(text string, pages []pageStart) []pageStart {
	at := 0
	var out []pageStart
	for _, p := range pages {
		off := -1
		for pass := 0; pass < 2 && off < 0; pass++ {
			for _, l := range p.lines {
				if (pass == 0) != (wordCount(l) >= 3) {
					continue
				}
				l = strings.TrimPrefix(l, "- ")
				if i := strings.Index(text[at:], l); i >= 0 {
					off = at + i
					break
				}
			}
		}
		if off < 0 {
			off = at
		}
		p.offset, at = off, off
		out = append(out, p)
	}
	return out
}

// setPages gives each passage the page its text starts on and, when it
// runs over a page break, the page it ends on.
func setPages(passages []Passage, pages []pageStart) {
	for i := range passages {
		ps := &passages[i]
		for _, p := range pages {
			if p.offset >= ps.End {
				break
			}
			if p.offset <= ps.Start {
				ps.Page = p.page
			} else if p.page > ps.Page {
				ps.LastPage = p.page
			}
		}
	}
}

// PageLabel is "p. 12", or "pp. 12–13" for a passage running over a page
// break, when its page is known, else "".
func (p Passage) PageLabel() string {
	switch {
	case p.Page <= 0:
		return ""
	case p.LastPage > p.Page:
		return "pp. " + strconv.Itoa(p.Page) + "–" + strconv.Itoa(p.LastPage)
	}
	return "p. " + strconv.Itoa(p.Page)
}
