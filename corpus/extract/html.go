package extract

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"

	"github.com/go-shiori/dom"
	trafilatura "github.com/markusmobius/go-trafilatura"
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
	opts := trafilatura.Options{
		EnableFallback:  true,
		ExcludeComments: true,
		HtmlDateMode:    trafilatura.Fast,
	}
	if u, err := url.Parse(canonical); err == nil && canonical != "" {
		opts.OriginalURL = u
	}
	res, err := trafilatura.ExtractDocument(doc, opts)
	if err != nil {
		return Meta{}, "", fmt.Errorf("%w: %v", ErrNoText, err)
	}
	body := nodeMarkdown(res.ContentNode)
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
