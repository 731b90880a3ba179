package extract

import (
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// document is a PDF laid out: its pages' lines in reading order, with
// what is known of its typography.
type document struct {
	pages   []*page
	body    float64 // the most common font size: the body text's
	leading float64 // the body's usual distance between baselines
	chars   int
	title   string
}

// marginShare is the band at the top and the bottom of a page where
// running headers, footers and page numbers are looked for.
const marginShare = 0.1

var pageNumberRE = regexp.MustCompile(`(?i)^(?:page\s*)?[-–—]?\s*(?:\d{1,4}|[ivxlc]{1,7})\s*[-–—]?(?:\s*(?:of|/)\s*\d{1,4})?$`)

// layoutDocument orders each page's text for reading and removes what
// repeats around it: running headers and footers, page numbers.
func layoutDocument(pages []*page) *document {
	d := &document{pages: pages}
	groups := make([][][]*tline, len(pages))
	sizes := map[float64]int{}
	for i, p := range pages {
		for _, b := range baselines(p.runs) {
			groups[i] = append(groups[i], mergeBaseline(b))
			for _, l := range b {
				sizes[math.Round(l.size*2)/2] += l.chars
				d.chars += l.chars
			}
		}
	}
	if d.chars == 0 {
		return d
	}
	d.body = mode(sizes)
	repeated := marginTexts(pages, groups)
	for i, p := range pages {
		var kept [][]*tline
		for j, b := range groups[i] {
			if inMargin(p, b[0].y) {
				key := furnitureKey(b)
				if repeated[key] >= 2 || pageNumberRE.MatchString(strings.TrimSpace(joined(b))) ||
					j == 0 && i > 0 && d.runningHead(groups[i]) {
					continue
				}
			}
			kept = append(kept, b)
		}
		p.lines = readingOrder(kept)
		d.splitNotes(p)
		setColumnEdges(p.lines)
	}
	d.leading = d.bodyLeading()
	if len(pages) > 0 {
		var best *tline
		for _, l := range pages[0].lines {
			if l.size >= 1.15*d.body && (best == nil || l.size > best.size) {
				best = l
			}
		}
		if best != nil {
			d.title = best.text.String()
		}
	}
	return d
}

// runningHead reports a page's first line as a running head: short, and
// set apart from the text below it. A document of two pages has its head
// once only, so it cannot be told by repetition.
func (d *document) runningHead(groups [][]*tline) bool {
	if len(groups) < 2 {
		return false
	}
	return len(strings.Fields(joined(groups[0]))) <= 12 && groups[0][0].y-groups[1][0].y > 1.8*d.body
}

// mode is the value counted most often, the smaller of equally common
// ones; 0 for no counts.
func mode(counts map[float64]int) float64 {
	best, n := 0.0, -1
	for v, c := range counts {
		if c > n || c == n && v < best {
			best, n = v, c
		}
	}
	return best
}

func inMargin(p *page, y float64) bool {
	rel := (y - p.bottom) / p.height
	return rel < marginShare || rel > 1-marginShare
}

func joined(b []*tline) string {
	var parts []string
	for _, l := range b {
		parts = append(parts, l.text.String())
	}
	return strings.Join(parts, " ")
}

// furnitureKey makes running headers compare equal from page to page:
// page numbers and spacing differ.
func furnitureKey(b []*tline) string {
	s := strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) {
			return '#'
		}
		return unicode.ToLower(r)
	}, joined(b))
	return strings.Join(strings.Fields(s), " ")
}

// marginTexts counts on how many pages each line in the margins occurs.
func marginTexts(pages []*page, groups [][][]*tline) map[string]int {
	n := map[string]int{}
	for i, p := range pages {
		seen := map[string]bool{}
		for _, b := range groups[i] {
			if k := furnitureKey(b); inMargin(p, b[0].y) && !seen[k] {
				seen[k] = true
				n[k]++
			}
		}
	}
	return n
}

// readingOrder assigns a page's lines to columns and orders them: down
// the left column, then down the right, band by band between lines that
// span both (titles, wide headings).
func readingOrder(groups [][]*tline) []*tline {
	g := gutter(groups)
	var out, left, right []*tline
	flush := func() {
		out = append(append(out, left...), right...)
		left, right = nil, nil
	}
	for _, b := range groups {
		if g == 0 && len(b) > 1 {
			b = []*tline{tableRow(b)}
		}
		for _, l := range b {
			switch {
			case g == 0:
				l.col = 0
			case l.x1 <= g:
				l.col = 0
			case l.x0 >= g:
				l.col = 1
			default:
				l.col = -1
			}
		}
		for _, l := range b {
			switch l.col {
			case 0:
				left = append(left, l)
			case 1:
				right = append(right, l)
			default:
				flush()
				out = append(out, l)
			}
		}
	}
	flush()
	return out
}

// tableRow joins the parts of a baseline set far apart on a page of one
// column, a table's cells, into one row: "Guest houses | -31% | 22".
func tableRow(b []*tline) *tline {
	row := &tline{x0: b[0].x0, x1: b[len(b)-1].x1, y: b[0].y, size: b[0].size, bold: true, row: true}
	for i, l := range b {
		if i > 0 {
			row.text.WriteString(" | ")
		}
		row.text.WriteString(strings.TrimSpace(l.text.String()))
		row.chars += l.chars
		row.size = max(row.size, l.size)
		row.bold = row.bold && l.bold
	}
	return row
}

// splitNotes moves footnotes out of a page's text: lines in a smaller
// size below the last line of body text.
func (d *document) splitNotes(p *page) {
	lowest := math.Inf(1)
	for _, l := range p.lines {
		if l.size >= 0.95*d.body {
			lowest = min(lowest, l.y)
		}
	}
	var body []*tline
	for _, l := range p.lines {
		if l.y < lowest && l.size <= 0.9*d.body {
			p.notes = append(p.notes, l)
			continue
		}
		body = append(body, l)
	}
	p.lines = body
}

// setColumnEdges records each column's left and right edge on its lines:
// where most lines start and end.
func setColumnEdges(lines []*tline) {
	for _, col := range []int{-1, 0, 1} {
		var xs0, xs1 []float64
		for _, l := range lines {
			if l.col == col {
				xs0, xs1 = append(xs0, l.x0), append(xs1, l.x1)
			}
		}
		if len(xs0) == 0 {
			continue
		}
		slices.Sort(xs0)
		slices.Sort(xs1)
		left, right := xs0[0], xs1[len(xs1)-1]
		for _, l := range lines {
			if l.col == col {
				l.colLeft, l.colRight = left, right
			}
		}
	}
}

// bodyLeading is the commonest distance between consecutive baselines
// of body text in one column (the smaller of equally common ones): the
// spacing of lines within a paragraph, not between paragraphs.
func (d *document) bodyLeading() float64 {
	var gaps []float64
	for _, p := range d.pages {
		for i := 1; i < len(p.lines); i++ {
			a, b := p.lines[i-1], p.lines[i]
			if a.col == b.col && math.Abs(a.size-d.body) < 0.5 && math.Abs(b.size-d.body) < 0.5 && a.y > b.y && a.y-b.y < 3*d.body {
				gaps = append(gaps, a.y-b.y)
			}
		}
	}
	if len(gaps) == 0 {
		return 1.2 * d.body
	}
	counts := map[float64]int{}
	for _, g := range gaps {
		counts[math.Round(g*2)/2]++
	}
	return mode(counts)
}

// headingLevel is 1 to 3 for a line set apart as a heading, else 0.
func (d *document) headingLevel(l *tline) int {
	words := len(strings.Fields(l.text.String()))
	if words == 0 || words > 20 || l.chars < 2 {
		return 0
	}
	switch {
	case l.size >= 1.4*d.body:
		return 1
	case l.size >= 1.12*d.body:
		return 2
	case l.bold:
		return 3
	}
	return 0
}

// newParagraph tells whether cur starts a paragraph after prev.
func (d *document) newParagraph(prev, cur *tline, samePage bool) bool {
	if prev == nil {
		return true
	}
	hp, hc := d.headingLevel(prev), d.headingLevel(cur)
	if hp != hc {
		return true
	}
	if hp > 0 {
		// A heading broken over lines is one heading.
		return !(samePage && prev.col == cur.col && prev.y > cur.y && prev.y-cur.y < 1.6*max(prev.size, d.leading))
	}
	sameColumn := samePage && prev.col == cur.col && prev.y > cur.y
	if cur.x0 > cur.colLeft+0.8*cur.size && (!sameColumn || cur.x0 > prev.x0+0.8*cur.size) {
		return true // an indented first line; a block set in is not
	}
	ended := prev.endsParagraph()
	if sameColumn {
		return prev.y-cur.y > 1.6*d.leading || ended
	}
	// A paragraph goes on in the next column or on the next page unless
	// its last line ended it.
	return ended
}

// endsParagraph reports a line that ends its paragraph: it ends a
// sentence and stops well short of its column's right edge.
func (l *tline) endsParagraph() bool {
	return endsSentence(l.text.String()) && l.x1 < l.colRight-3*l.size
}

func endsSentence(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(strings.TrimRight(s, "”’\"') "))
	return strings.ContainsRune(".!?:;", r)
}
