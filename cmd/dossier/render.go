package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/corpus/cite"
	"github.com/dossier-bot/dossier/corpus/safe"
	"github.com/dossier-bot/dossier/index"
)

// printer writes answers for people or, with json, one object a line.
type printer struct {
	w    io.Writer
	json bool
	// mark opens and closes a matched word: ANSI bold on a terminal,
	// Markdown's **stars** in files and pipes.
	mark [2]string
	// headers puts each question above its answer, for stdin mode.
	headers bool
	printed int
	// keep keeps the passages an answer shows as citations and returns
	// their ids; nil when they are not kept (no data folder).
	keep func([]index.Result) []string
}

func newPrinter(w io.Writer, asJSON bool) *printer {
	p := &printer{w: w, json: asJSON, mark: [2]string{"**", "**"}}
	if isTerminal(w) {
		p.mark = [2]string{"\x1b[1m", "\x1b[22m"}
	}
	return p
}

func (p *printer) answer(a index.Answer) error {
	var err error
	if p.json {
		err = p.writeJSON(a)
	} else {
		err = p.writeText(a)
	}
	p.printed++
	if err != nil {
		return fmt.Errorf("write answer: %w", err)
	}
	return nil
}

// jsonAnswer is the --json form of an answer.
type jsonAnswer struct {
	Question string `json:"question"`
	// Answered is true for a direct answer only, so that a reader of
	// results never takes a related passage for an answer.
	Answered   bool         `json:"answered"`
	Kind       string       `json:"kind"`
	Confidence float64      `json:"confidence"`
	TookMS     float64      `json:"took_ms"`
	Results    []jsonResult `json:"results"`
	Related    []jsonResult `json:"related"`
}

type jsonResult struct {
	// CiteID is the passage's citation id, for dossier cite and the
	// citation's page.
	CiteID    string `json:"cite_id"`
	Citation  string `json:"citation"`
	DocID     string `json:"doc_id"`
	Title     string `json:"title"`
	Publisher string `json:"publisher"`
	Published string `json:"published"`
	URL       string `json:"url"`
	Link      string `json:"link"`
	Heading   string `json:"heading"`
	// Page is the page of a PDF the passage starts on, 0 when unknown.
	Page    int    `json:"page,omitempty"`
	Passage string `json:"passage"`
	Excerpt string `json:"excerpt"`
	// Highlights are [start, end) rune offsets into Excerpt.
	Highlights [][2]int `json:"highlights"`
	Score      float64  `json:"score"`
}

func (p *printer) writeJSON(a index.Answer) error {
	return writeJSON(p.w, jsonAnswer{
		Question:   a.Question,
		Answered:   a.Answered,
		Kind:       a.Kind().String(),
		Confidence: a.Confidence,
		TookMS:     float64(a.Took.Nanoseconds()) / 1e6,
		Results:    jsonResults(a.Results, p.citeIDs(a.Results)),
		Related:    jsonResults(a.Related, p.citeIDs(a.Related)),
	})
}

// jsonResults is rs in their --json form: a list, never null, so that a
// reader can range over it without a check.
func jsonResults(rs []index.Result, ids []string) []jsonResult {
	out := make([]jsonResult, 0, len(rs))
	for i, r := range rs {
		hl := r.Highlights
		if hl == nil {
			hl = [][2]int{}
		}
		out = append(out, jsonResult{
			CiteID:     ids[i],
			Citation:   r.Doc.Citation(),
			DocID:      r.Doc.ID,
			Title:      r.Doc.Title,
			Publisher:  r.Doc.Publisher,
			Published:  r.Doc.Published,
			URL:        r.Doc.URL,
			Link:       r.Link,
			Heading:    r.Passage.Heading,
			Page:       r.Passage.Page,
			Passage:    r.Passage.Text,
			Excerpt:    r.Excerpt,
			Highlights: hl,
			Score:      r.Score,
		})
	}
	return out
}

// relatedHeading introduces passages that come near a question without
// answering it: a reader skimming the quotes must not take them for an
// answer.
const relatedHeading = "No passage answers this question directly. These are the closest passages:\n"

func (p *printer) writeText(a index.Answer) error {
	var b strings.Builder
	if p.headers {
		if p.printed > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "Q: %s\n\n", safe.Printable(a.Question))
	}
	switch a.Kind() {
	case index.Answered:
		p.passages(&b, a.Results)
	case index.Related:
		b.WriteString(relatedHeading + "\n")
		p.passages(&b, a.Related)
	default:
		b.WriteString("The corpus does not answer this question.\n")
		if len(a.Closest) > 0 {
			b.WriteString("The closest documents are:\n")
		}
		for _, d := range a.Closest {
			if d.URL == "" {
				fmt.Fprintf(&b, "  - %s (no public link)\n", safe.Printable(d.Citation()))
				continue
			}
			fmt.Fprintf(&b, "  - %s\n    %s\n", safe.Printable(d.Citation()), safe.Printable(d.URL))
		}
	}
	_, err := io.WriteString(p.w, b.String())
	return err
}

// citeIDs are the citation ids of rs: those they are kept under, or
// cite.ID's when they are not kept.
func (p *printer) citeIDs(rs []index.Result) []string {
	if p.keep != nil && len(rs) > 0 {
		return p.keep(rs)
	}
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = cite.ID(r.Doc.ID, r.Passage.Text)
	}
	return ids
}

// passages quotes and cites rs, numbered from 1.
func (p *printer) passages(b *strings.Builder, rs []index.Result) {
	ids := p.citeIDs(rs)
	for i, r := range rs {
		if i > 0 {
			b.WriteString("\n")
		}
		cite := r.Doc.Citation()
		if pg := r.Passage.PageLabel(); pg != "" {
			cite += ", " + pg
		}
		fmt.Fprintf(b, "%d. %s\n", i+1, safe.Printable(cite))
		if r.Passage.Heading != "" {
			fmt.Fprintf(b, "   § %s\n", safe.Printable(r.Passage.Heading))
		}
		fmt.Fprintf(b, "   > %s\n", p.marked(r.Excerpt, r.Highlights))
		fmt.Fprintf(b, "   %s\n", linkOrNone(r.Doc, r.Link))
		fmt.Fprintf(b, "   cite %s\n", ids[i])
	}
}

// marked is the excerpt, printable, with its highlights marked. Matches
// separated only by spaces are marked as one run, so a matched phrase
// reads as one.
func (p *printer) marked(excerpt string, highlights [][2]int) string {
	runes := []rune(safe.Printable(excerpt))
	var runs [][2]int
	for _, h := range highlights {
		start, end := max(h[0], 0), min(h[1], len(runes))
		n := len(runs)
		if n > 0 {
			start = max(start, runs[n-1][1])
		}
		switch {
		case start >= end:
		case n > 0 && strings.TrimSpace(string(runes[runs[n-1][1]:start])) == "":
			runs[n-1][1] = end
		default:
			runs = append(runs, [2]int{start, end})
		}
	}
	var b strings.Builder
	at := 0
	for _, r := range runs {
		b.WriteString(string(runes[at:r[0]]))
		b.WriteString(p.mark[0] + string(runes[r[0]:r[1]]) + p.mark[1])
		at = r[1]
	}
	b.WriteString(string(runes[at:]))
	return b.String()
}

// linkOrNone is link, or says the document has none.
func linkOrNone(d corpus.Document, link string) string {
	if link != "" {
		return safe.Printable(link)
	}
	name := d.Title
	if d.Publisher != "" {
		name += " — " + d.Publisher
	}
	return safe.Printable(name) + " (no public link)"
}
