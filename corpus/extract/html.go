package extract

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/corpus/extract/trafilatura"
	"github.com/go-shiori/dom"
	"golang.org/x/net/html"
)

// htmlMarkdown extracts a web page's article: its main text, without the
// navigation, comments and boxes around it, and what the page says of
// itself.
func htmlMarkdown(name string, data []byte) ([]byte, error) {
	doc, err := dom.Parse(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("parse HTML: %w", err)
	}
	m, body, err := articleOf(doc, name)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	writeFrontMatter(&b, m)
	b.WriteString(body)
	b.WriteString("\n")
	return b.Bytes(), nil
}

// articleOf extracts the article of a parsed page as Markdown, and its
// metadata.
func articleOf(doc *html.Node, name string) (Meta, string, error) {
	canonical := pageURL(doc, name)
	now := time.Now()
	opts := trafilatura.Options{
		ExcludeComments: true,
		FindDate: func(doc *html.Node, url string) time.Time {
			return publishedDate(doc, url, now)
		},
	}
	if u, err := url.Parse(canonical); err == nil && canonical != "" {
		opts.OriginalURL = u
	}
	own, ownErr := trafilatura.ExtractDocument(doc, opts)
	opts.EnableFallback = true
	res, err := trafilatura.ExtractDocument(doc, opts)
	var body string
	switch {
	case err != nil && ownErr != nil:
		return Meta{}, "", fmt.Errorf("%w: %v", ErrNoText, err)
	case err != nil:
		res, body = own, nodeMarkdown(own.ContentNode)
	default:
		body = nodeMarkdown(res.ContentNode)
		if ownErr == nil {
			body = preferOwn(nodeMarkdown(own.ContentNode), body)
		}
	}
	body = dropHeadingRuns(body)
	if strings.TrimSpace(body) == "" {
		return Meta{}, "", ErrNoText
	}
	md := res.Metadata
	m := Meta{
		Title:     md.Title,
		Publisher: md.Sitename,
		Author:    md.Author,
		URL:       canonical,
	}
	if m.URL == "" && isURL(md.URL) {
		m.URL = md.URL
	}
	if !md.Date.IsZero() {
		m.Published = md.Date.Format("2006-01-02")
	}
	if m.Title == "" {
		m.Title = titleFromName(name)
	}
	return m, body, nil
}

// preferOwn chooses between trafilatura's own article and the one its
// fallback extractors (readability, DOM distiller) gave instead. The
// library takes a fallback by length alone; that is right when one text
// holds most of the other (the fallback found the rest of an article cut
// short, or the part of an over-wide extraction that is the article), but
// when the two share less than half of either's word 4-grams they read
// different parts of the page (a comment, a neighbouring teaser), and
// being longer says nothing of which is the article. Then trafilatura's
// own choice, made on the page's structure, is kept.
func preferOwn(own, fallback string) string {
	if own == fallback || shared(own, fallback) >= 0.5 || shared(fallback, own) >= 0.5 {
		return fallback
	}
	return own
}

// dropHeadingRuns removes runs of three or more headings with no text
// between them from an extracted article's Markdown blocks. A section has
// text under it; headings standing one after another are the titles of
// other pages ("more on this", newsletter boxes, teasers with their
// standfirsts) that extractors take for a part of the article. A
// level-1 heading (the headline) is never part of a run, and headings
// that only go deeper (part, chapter, section, then text) are sections.
func dropHeadingRuns(body string) string {
	blocks := strings.Split(body, "\n\n")
	out := blocks[:0]
	for i := 0; i < len(blocks); {
		j := i
		for j < len(blocks) && corpus.HeadingLevel(blocks[j]) >= 2 {
			j++
		}
		switch {
		case j == i:
			out = append(out, blocks[i])
			i++
			continue
		case j-i >= 3 && !deepening(blocks[i:j]):
		default:
			out = append(out, blocks[i:j]...)
		}
		i = j
	}
	return strings.Join(out, "\n\n")
}

// deepening reports headings whose levels only increase.
func deepening(headings []string) bool {
	for k := 1; k < len(headings); k++ {
		if corpus.HeadingLevel(headings[k]) <= corpus.HeadingLevel(headings[k-1]) {
			return false
		}
	}
	return true
}

// shared is the share of a's word 4-grams (counted with repeats) that b
// also has.
func shared(a, b string) float64 {
	sa, sb := shingles(a), shingles(b)
	var n, in int
	for g, c := range sa {
		n += c
		in += min(c, sb[g])
	}
	if n == 0 {
		return 1
	}
	return float64(in) / float64(n)
}

// pageURL is the address the page gives as its own (its canonical link,
// else og:url), made absolute against its <base> or name when name is a
// URL; else name when it is a URL; else "".
func pageURL(doc *html.Node, name string) string {
	var base *url.URL
	if isURL(name) {
		base, _ = url.Parse(name)
	}
	// A saved page's relative links resolve against its <base>.
	if b := dom.QuerySelector(doc, "base[href]"); b != nil {
		if u, err := url.Parse(strings.TrimSpace(dom.GetAttribute(b, "href"))); err == nil && isURL(u.String()) {
			if base == nil {
				base = u
			} else {
				base = base.ResolveReference(u)
			}
		}
	}
	resolve := func(href string) string {
		href = strings.TrimSpace(href)
		u, err := url.Parse(href)
		if err != nil || href == "" {
			return ""
		}
		if base != nil {
			u = base.ResolveReference(u)
		}
		if s := u.String(); isURL(s) {
			return s
		}
		return ""
	}
	for _, l := range dom.QuerySelectorAll(doc, `link[rel~="canonical"]`) {
		if u := resolve(dom.GetAttribute(l, "href")); u != "" {
			return u
		}
	}
	for _, m := range dom.QuerySelectorAll(doc, `meta[property="og:url"], meta[name="og:url"]`) {
		if u := resolve(dom.GetAttribute(m, "content")); u != "" {
			return u
		}
	}
	if isURL(name) {
		return name
	}
	return ""
}
