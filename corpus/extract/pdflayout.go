package extract

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// glyph is one character a page draws, at its baseline.
type glyph struct {
	x, y, w, size float64
	font, s       string
}

// page is one page's runs of text and, once laid out, its lines in
// reading order.
type page struct {
	number         int
	height, bottom float64
	runs           []*tline
	lines          []*tline
	notes          []*tline // footnotes, in order
}

// tline is a line of text in one column: a run of glyphs on a baseline.
type tline struct {
	x0, x1, y, size float64
	bold            bool
	row             bool // a table's row, its cells joined by " | "
	col             int  // 0 or 1 in a page of two columns; -1 across both
	text            strings.Builder
	chars           int
	// colLeft is the left edge of the line's column, to tell indented
	// first lines of paragraphs.
	colLeft, colRight float64
}

// runs joins a page's glyphs, in the order drawn, into runs of text on one
// baseline: a gap wider than a space is a word break, a much wider one
// (a column's gutter, a header's halves) ends the run. Footnote marks
// raised after a word are dropped: a reader quotes the sentence without
// them.
func runs(gs []glyph) []*tline {
	var out []*tline
	var cur *tline
	space := false
	for _, g := range gs {
		if strings.TrimSpace(g.s) == "" {
			space = true
			continue
		}
		w := g.w
		if w <= 0 {
			w = 0.5 * g.size * float64(utf8.RuneCountInString(g.s))
		}
		if cur != nil {
			gap := g.x - cur.x1
			raised := g.y-cur.y > 0.15*cur.size && g.y-cur.y < 0.7*cur.size && g.size < 0.85*cur.size
			if raised && noteMark(g.s) && gap < 0.3*cur.size && gap > -0.3*cur.size {
				cur.x1 = max(cur.x1, g.x+w)
				continue
			}
			if math.Abs(g.y-cur.y) < 0.3*cur.size && gap > -0.5*cur.size && gap < 1.2*cur.size {
				if space || gap > 0.15*min(g.size, cur.size) {
					cur.text.WriteByte(' ')
				}
				cur.text.WriteString(g.s)
				cur.x1 = max(cur.x1, g.x+w)
				cur.chars++
				cur.bold = cur.bold && isBold(g.font)
				space = false
				continue
			}
		}
		cur = &tline{x0: g.x, x1: g.x + w, y: g.y, size: g.size, bold: isBold(g.font), chars: 1}
		cur.text.WriteString(g.s)
		out = append(out, cur)
		space = false
	}
	return out
}

func noteMark(s string) bool {
	return strings.TrimFunc(s, func(r rune) bool { return unicode.IsDigit(r) || strings.ContainsRune("*†‡§", r) }) == ""
}

func isBold(font string) bool {
	f := strings.ToLower(font)
	return strings.Contains(f, "bold") || strings.Contains(f, "black") || strings.Contains(f, "heavy") ||
		strings.Contains(f, "semibold") || strings.HasSuffix(f, ",b")
}

// baselines groups runs whose baselines agree, top of the page first,
// each group left to right.
func baselines(rs []*tline) [][]*tline {
	slices.SortStableFunc(rs, func(a, b *tline) int { return cmp.Compare(b.y, a.y) })
	var out [][]*tline
	for _, r := range rs {
		if n := len(out); n > 0 {
			last := out[n-1]
			if math.Abs(last[0].y-r.y) < 0.3*max(last[0].size, r.size) {
				out[n-1] = append(last, r)
				continue
			}
		}
		out = append(out, []*tline{r})
	}
	for _, b := range out {
		slices.SortFunc(b, func(x, y *tline) int { return cmp.Compare(x.x0, y.x0) })
	}
	return out
}

// merge joins runs on one baseline that are closer than a gutter.
func mergeBaseline(b []*tline) []*tline {
	var out []*tline
	for _, r := range b {
		if n := len(out); n > 0 && r.x0-out[n-1].x1 < 1.5*r.size {
			l := out[n-1]
			l.text.WriteByte(' ')
			l.text.WriteString(r.text.String())
			l.x1, l.chars, l.bold = max(l.x1, r.x1), l.chars+r.chars, l.bold && r.bold
			continue
		}
		out = append(out, r)
	}
	return out
}

// gutter finds where a right-hand column starts: the left edge shared
// by several narrow lines in the middle of the page, with lines of a left
// column ending before it. Columns' baselines need not line up. It
// returns 0 for a page of one column.
func gutter(lines [][]*tline) float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, b := range lines {
		lo, hi = min(lo, b[0].x0), max(hi, b[len(b)-1].x1)
	}
	width := hi - lo
	starts := map[float64]int{}
	for _, b := range lines {
		for _, l := range b {
			// Columns of prose are wide; a table's cells are not, and a
			// table is read row by row.
			if l.x0 > lo+0.3*width && l.x0 < lo+0.7*width && l.x1-l.x0 < 0.6*width && l.x1-l.x0 > 0.25*width {
				starts[math.Round(l.x0/2)*2]++
			}
		}
	}
	best := mode(starts)
	if starts[best] < 3 {
		return 0
	}
	ends := 0
	for _, b := range lines {
		for _, l := range b {
			if l.x0 < lo+0.3*width && l.x1 < best-2 && l.x1-l.x0 > 0.25*width {
				ends++
			}
		}
	}
	if ends < 3 {
		return 0
	}
	// Indented first lines of the right column start further right.
	return best - 2
}
