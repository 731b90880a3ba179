package cite

import (
	"cmp"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// Item is one reference in CSL-JSON, the format Zotero, pandoc and
// citeproc read (https://citeproc-js.readthedocs.io/en/latest/csl-json/markup.html).
type Item struct {
	ID             string            `json:"id"`
	Type           string            `json:"type"`
	Title          string            `json:"title,omitempty"`
	Author         []Name            `json:"author,omitempty"`
	ContainerTitle string            `json:"container-title,omitempty"`
	Publisher      string            `json:"publisher,omitempty"`
	Issued         *Date             `json:"issued,omitempty"`
	Accessed       *Date             `json:"accessed,omitempty"`
	Section        string            `json:"section,omitempty"`
	Page           string            `json:"page,omitempty"`
	URL            string            `json:"URL,omitempty"`
	Note           string            `json:"note,omitempty"`
	Custom         map[string]string `json:"custom,omitempty"`
}

// Name is a CSL name: family and given names, or a literal for a name that
// is not to be split (an organisation, a single name).
type Name struct {
	Family  string `json:"family,omitempty"`
	Given   string `json:"given,omitempty"`
	Literal string `json:"literal,omitempty"`
}

// Date is a CSL date: its year, month and day parts as far as they are
// known, or the date as written when it is not an ISO date.
type Date struct {
	DateParts [][]int `json:"date-parts,omitempty"`
	Raw       string  `json:"raw,omitempty"`
}

// CSLJSON is refs as a CSL-JSON array, indented for people to read.
func CSLJSON(refs []Reference) ([]byte, error) {
	items := make([]Item, len(refs))
	for i, r := range refs {
		items[i] = r.CSL()
	}
	b, err := json.MarshalIndent(items, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode %d citations as CSL-JSON: %w", len(refs), err)
	}
	return append(b, '\n'), nil
}

// CSL is the reference as a CSL item. Its id is the citation's, so the
// same passage imported twice is one item. The outlet is the container of
// an article or web page and the publisher of a report or document; the
// quote goes in the note, which Zotero keeps in Extra, and in custom.
func (r Reference) CSL() Item {
	it := Item{
		ID:      r.ID,
		Type:    r.cslType(),
		Title:   cmp.Or(oneLine(r.Title), oneLine(r.DocID)),
		Section: oneLine(r.Heading),
		Page:    pageNumber(r.Page),
		URL:     r.Link(),
		Issued:  cslDate(r.Published),
		Note:    fmt.Sprintf("Quoted: “%s” (Dossier citation %s)", oneLine(r.quoted()), r.ID),
		Custom:  map[string]string{"dossier-citation": r.ID, "quote": oneLine(r.quoted())},
	}
	for _, n := range authorNames(r.Author) {
		it.Author = append(it.Author, cslName(n))
	}
	switch p := oneLine(r.Publisher); it.Type {
	case "article-newspaper", "webpage":
		it.ContainerTitle = p
	default:
		it.Publisher = p
	}
	if !r.ShownAt.IsZero() {
		t := r.ShownAt.UTC()
		it.Accessed = &Date{DateParts: [][]int{{t.Year(), int(t.Month()), t.Day()}}}
	}
	if page := linkURL(r.PageURL); page != "" {
		it.Custom["in-context"] = page
	}
	return it
}

// cslType guesses the kind of document from what is known of it: a
// paginated document with a publisher is a report, an outlet's piece an
// article, a piece with an address alone a web page, anything else a
// document.
func (r Reference) cslType() string {
	publisher, page := oneLine(r.Publisher) != "", r.Page > 0
	switch {
	case publisher && page:
		return "report"
	case publisher:
		return "article-newspaper"
	case linkURL(r.URL) != "":
		return "webpage"
	}
	return "document"
}

// cslName splits "Given Family" when every word is capitalised; other
// names (with particles, organisations, single names) stay literal, since
// a wrong split is worse than none.
func cslName(n string) Name {
	words := strings.Fields(n)
	if len(words) < 2 {
		return Name{Literal: n}
	}
	for _, w := range words {
		if r := []rune(w)[0]; !unicode.IsUpper(r) {
			return Name{Literal: n}
		}
	}
	return Name{Family: words[len(words)-1], Given: strings.Join(words[:len(words)-1], " ")}
}

// cslDate reads "2024", "2024-04" or "2024-04-24" into date parts; any
// other non-empty date is passed on raw for citeproc to parse.
func cslDate(s string) *Date {
	s = oneLine(s)
	if s == "" {
		return nil
	}
	fields := strings.Split(s, "-")
	parts := make([]int, 0, 3)
	for i, f := range fields {
		n, err := strconv.Atoi(f)
		ok := err == nil && len(f) == []int{4, 2, 2}[min(i, 2)] && len(fields) <= 3
		switch {
		case ok && i == 1:
			ok = n >= 1 && n <= 12
		case ok && i == 2:
			ok = n >= 1 && n <= 31
		}
		if !ok {
			return &Date{Raw: s}
		}
		parts = append(parts, n)
	}
	return &Date{DateParts: [][]int{parts}}
}

func pageNumber(n int) string {
	if n <= 0 {
		return ""
	}
	return strconv.Itoa(n)
}
