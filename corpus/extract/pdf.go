package extract

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/ledongthuc/pdf"
)

// pdfMarkdown extracts a PDF's text in reading order, page by page, with
// a "<!-- page N -->" marker at the start of each page; the title, author
// and date come from the document's metadata.
func pdfMarkdown(name string, data []byte) (out []byte, err error) {
	// The reader panics on some malformed files.
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("read PDF: %w (%v)", ErrMalformed, r)
		}
	}()
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if errors.Is(err, pdf.ErrInvalidPassword) {
		return nil, ErrEncrypted
	}
	if err != nil {
		return nil, fmt.Errorf("read PDF: %w (%v)", ErrMalformed, err)
	}
	var pages []*page
	var firstErr error
	for i := 1; i <= r.NumPage(); i++ {
		p, err := readPage(r, i)
		if err != nil {
			firstErr = cmp.Or(firstErr, err)
			continue
		}
		pages = append(pages, p)
	}
	d := layoutDocument(pages)
	if d.chars == 0 {
		if firstErr != nil {
			return nil, firstErr
		}
		return nil, ErrScanned
	}
	m := pdfMeta(r.Trailer().Key("Info"))
	if m.Title == "" {
		m.Title = d.title
	}
	if m.Title == "" {
		m.Title = titleFromName(name)
	}
	if isURL(name) {
		m.URL = name
	}
	var b bytes.Buffer
	writeFrontMatter(&b, m)
	b.WriteString(d.markdown())
	return b.Bytes(), nil
}

// readPage reads the text of page n as runs: a page's glyphs are let go
// as soon as it is read, so a long PDF is not held glyph by glyph.
func readPage(r *pdf.Reader, n int) (p *page, err error) {
	defer func() {
		if e := recover(); e != nil {
			p, err = nil, fmt.Errorf("read page %d: %w (%v)", n, ErrMalformed, e)
		}
	}()
	pg := r.Page(n)
	p = &page{number: n, height: 842}
	if box := inherited(pg.V, "MediaBox"); box.Len() == 4 {
		p.height = box.Index(3).Float64() - box.Index(1).Float64()
		p.bottom = box.Index(1).Float64()
	}
	if pg.V.IsNull() {
		return p, nil
	}
	p.runs = runs(pageGlyphs(pg))
	return p, nil
}

// inherited looks a page attribute up the page tree, as the PDF
// specification lets pages inherit it.
func inherited(v pdf.Value, key string) pdf.Value {
	for depth := 0; depth < 32 && !v.IsNull(); depth++ {
		if k := v.Key(key); !k.IsNull() {
			return k
		}
		v = v.Key("Parent")
	}
	return pdf.Value{}
}

var pdfDateRE = regexp.MustCompile(`^(?:D:)?(\d{4})(\d{2})?(\d{2})?`)

// pdfMeta reads the document information dictionary.
func pdfMeta(info pdf.Value) Meta {
	m := Meta{
		Title:  strings.TrimSpace(info.Key("Title").Text()),
		Author: strings.TrimSpace(info.Key("Author").Text()),
	}
	// A file name or a tool's placeholder is no title.
	if t := strings.ToLower(m.Title); t == "untitled" || strings.HasSuffix(t, ".doc") || strings.HasSuffix(t, ".docx") || strings.HasSuffix(t, ".pdf") {
		m.Title = ""
	}
	if s := pdfDateRE.FindStringSubmatch(info.Key("CreationDate").Text()); s != nil {
		date := s[1]
		if s[2] != "" {
			date += "-" + s[2]
			if s[3] != "" {
				date += "-" + s[3]
			}
		}
		if _, err := time.Parse("2006", s[1]); err == nil && s[1] > "1900" {
			m.Published = date
		}
	}
	return m
}
