package extract

import (
	"cmp"
	"encoding/json"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-shiori/dom"
	"golang.org/x/net/html"
)

// publishedDate is the day a web page says it was first published, or the
// zero time. It looks where pages state it, most trusted first: a full
// date in the page's address, the meta tags publishers fill for search
// engines and social sites, schema.org's datePublished, <time> elements,
// then the text of the bylines and date lines at the top of the article.
// A date the page gives only as a modification, or in the address of its
// preview image, is taken when there is nothing better.
//
// It reads the forms htmldate's fast mode read for go-trafilatura (htmldate
// links go-dateparser, whose start-up cost every dossier process paid), in
// the same order where that order is sound.
func publishedDate(doc *html.Node, pageURL string, now time.Time) time.Time {
	w := newDateWindow(now)
	if t := urlDate(pageURL, w); !t.IsZero() {
		return t
	}
	t, reserve := metaDate(doc, w)
	if !t.IsZero() {
		return t
	}
	for _, find := range []func(*html.Node, dateWindow) time.Time{jsonLDDate, timeDate, bylineDate} {
		if t := find(doc, w); !t.IsZero() {
			return t
		}
	}
	return cmp.Or(reserve, compactURLDate(pageURL, w))
}

var urlDatePattern = regexp.MustCompile(`\D((?:19|20)\d\d)[/_-](\d\d?)[/_-](\d\d?)(?:\D|$)`)

// urlDate is the date in an address such as /2019/11/19/title.
func urlDate(u string, w dateWindow) time.Time {
	m := urlDatePattern.FindStringSubmatch(u)
	if m == nil {
		return time.Time{}
	}
	return w.day(atoi(m[1]), atoi(m[2]), atoi(m[3]))
}

var compactURLPattern = regexp.MustCompile(`[/_-]((?:19|20)\d\d)(\d\d)(\d\d)(?:[/_.-]|$)`)

// compactURLDate is the date in an address such as /title-20191115/: a
// weaker sign than /2019/11/15/, as eight figures may be a number that
// only looks like a date.
func compactURLDate(u string, w dateWindow) time.Time {
	if m := compactURLPattern.FindStringSubmatch(u); m != nil {
		return w.day(atoi(m[1]), atoi(m[2]), atoi(m[3]))
	}
	return time.Time{}
}

// metaDate reads the meta tags that give a publication date: the first
// that gives it as the publisher's own day, else the first in UTC (whose
// day can be the next one where the publisher is), else the first that
// gives a creation date. reserve is the first modification date, or the
// date in the page's og:url or preview image.
func metaDate(doc *html.Node, w dateWindow) (t, reserve time.Time) {
	const (
		local = iota
		utc
		created
		other
		ranks
	)
	var found [ranks]time.Time
	keep := func(rank int, t time.Time) {
		if found[rank].IsZero() {
			found[rank] = t
		}
	}
	for _, m := range dom.GetElementsByTagName(doc, "meta") {
		content := strings.TrimSpace(dom.GetAttribute(m, "content"))
		key := strings.ToLower(strings.TrimSpace(cmp.Or(
			dom.GetAttribute(m, "property"), dom.GetAttribute(m, "name"),
			dom.GetAttribute(m, "itemprop"), dom.GetAttribute(m, "http-equiv"))))
		if key == "datepublished" || key == "datecreated" {
			content = cmp.Or(content, strings.TrimSpace(dom.GetAttribute(m, "datetime")))
		}
		if content == "" {
			continue
		}
		kind := metaKind(key)
		switch {
		case kind == publishedMeta && utcTime.MatchString(content):
			keep(utc, textDate(content, w))
		case kind == publishedMeta:
			keep(local, textDate(content, w))
			if !found[local].IsZero() {
				return found[local], time.Time{}
			}
		case kind == createdMeta:
			keep(created, textDate(content, w))
		case kind == modifiedMeta:
			keep(other, textDate(content, w))
		case key == "og:url" || key == "og:image":
			keep(other, urlDate(content, w))
		}
	}
	return cmp.Or(found[utc], found[created]), found[other]
}

// utcTime matches a time given in UTC at the end of a timestamp.
var utcTime = regexp.MustCompile(`\d\d:\d\d(?::\d\d(?:\.\d+)?)?\s*(?:Z|[+-]00:?00|UTC|GMT)$`)

// metaKind says what date a meta tag gives by its name, property or
// itemprop: the page's publication, its creation (which some sites set
// later than the publication), its last change, or none.
func metaKind(key string) metaDateKind {
	switch key {
	case "article:published_time", "article:published", "article:published_date",
		"article:post_date", "article.published", "article_date_original",
		"article:publicationdate", "og:published_time", "og:article:published_time",
		"og:article:published", "og:pubdate", "og:publish_date", "og:datepublished",
		"datepublished", "date_published", "date", "pubdate", "publishdate",
		"publish_date", "publish-date", "publish_time", "published_date", "published-date",
		"published_time", "publisheddate", "publication_date", "originalpublicationdate",
		"parsely-pub-date", "sailthru.date", "citation_publication_date", "citation_date",
		"dc.date", "dc.date.issued", "dc.date.publication", "dc:date", "dcterms.date",
		"dcterms.issued", "bt:pubdate", "rnews:datepublished", "displaydate",
		"shareaholic:article_published_time", "twt-published-at", "cxenseparse:recs:publishtime",
		"analyticsattributes.articledate", "vr:published_time", "mediator_published_time",
		"dateposted", "doc_date", "pdate", "ptime":
		return publishedMeta
	case "datecreated", "date_created", "article.created", "dc.date.created", "dc.created",
		"dc:created", "dcterms.created", "content_create_date", "created":
		return createdMeta
	case "article:modified_time", "article:modified", "article:modified_date",
		"article:post_modified", "og:updated_time", "og:modified_time", "og:article:modified_time",
		"datemodified", "dateupdate", "date_modified", "modified", "lastmod", "lastmodified",
		"last-modified", "dc.modified", "dcterms.modified", "bt:moddate", "modified_time",
		"updated_time", "revision_date":
		return modifiedMeta
	}
	return 0
}

type metaDateKind int

const (
	publishedMeta metaDateKind = iota + 1
	createdMeta
	modifiedMeta
)

// jsonLDDate is the earliest datePublished or dateCreated in the page's
// schema.org JSON-LD.
func jsonLDDate(doc *html.Node, w dateWindow) time.Time {
	var first time.Time
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if s, ok := x.(string); ok && (k == "datePublished" || k == "dateCreated") {
					if t := textDate(s, w); !t.IsZero() && (first.IsZero() || t.Before(first)) {
						first = t
					}
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	for _, s := range dom.QuerySelectorAll(doc, `script[type="application/ld+json"]`) {
		var v any
		text := strings.TrimSpace(dom.TextContent(s))
		// Some pages close their JSON-LD with a brace too many.
		for try := 0; try < 3 && json.Unmarshal([]byte(text), &v) != nil && strings.HasSuffix(text, "}"); try++ {
			text = strings.TrimSpace(strings.TrimSuffix(text, "}"))
		}
		walk(v)
	}
	return first
}

// timeDate reads the page's <time> elements and other elements marked
// itemprop="datePublished": one marked as the publication (pubdate, a
// class of entry-date or published…) is taken at once, else the earliest.
func timeDate(doc *html.Node, w dateWindow) time.Time {
	var earliest time.Time
	for _, el := range dom.QuerySelectorAll(doc, `time, [itemprop="datePublished"]`) {
		if dom.TagName(el) == "meta" {
			continue
		}
		text := cmp.Or(strings.TrimSpace(dom.GetAttribute(el, "datetime")),
			strings.TrimSpace(dom.GetAttribute(el, "content")), spacedText(el))
		t := textDate(limitRunes(text, 64), w)
		if t.IsZero() {
			continue
		}
		class := strings.ToLower(dom.GetAttribute(el, "class"))
		if dom.HasAttribute(el, "pubdate") || dom.GetAttribute(el, "itemprop") == "datePublished" ||
			strings.HasPrefix(class, "entry-date") || strings.Contains(class, "publish") {
			return t
		}
		if earliest.IsZero() || t.Before(earliest) {
			earliest = t
		}
	}
	return earliest
}

// bylineDate reads the start of the first date line, byline or article
// meta line that holds a date: elements whose class or id says so.
func bylineDate(doc *html.Node, w dateWindow) time.Time {
	n := 0
	var found time.Time
	var walk func(*html.Node) bool
	walk = func(el *html.Node) bool {
		for c := el.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch dom.TagName(c) {
			case "script", "style", "noscript", "template", "nav", "aside":
				continue
			}
			if datedElement(c) {
				if n++; n > 1000 {
					return true
				}
				for _, s := range []string{spacedText(c), dom.GetAttribute(c, "title")} {
					if found = textDate(limitRunes(s, 64), w); !found.IsZero() {
						return true
					}
				}
			}
			if walk(c) {
				return true
			}
		}
		return false
	}
	walk(doc)
	return found
}

// datedElement reports an element whose class or id names it a date,
// time, byline, author line or article meta line, or small print.
func datedElement(el *html.Node) bool {
	switch dom.TagName(el) {
	case "small":
		return true
	case "div", "p", "span", "time", "li", "ul", "h2", "h3", "h4", "h5", "h6", "header", "section":
	default:
		return false
	}
	names := strings.ToLower(dom.ClassName(el) + " " + dom.ID(el) + " " + dom.GetAttribute(el, "itemprop"))
	for _, k := range []string{"date", "datum", "fecha", "time", "publish", "byline", "posted", "submitted",
		"meta", "subline", "dateline", "author", "autor", "created", "publication", "parution", "fa-calendar", "fa-clock"} {
		if strings.Contains(names, k) {
			return true
		}
	}
	return false
}

// spacedText is an element's text with a space wherever an element starts
// or ends: a byline's author and date are often in elements side by side
// ("Carrie Arnold</a><p>November 15, 2019").
func spacedText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil && b.Len() < 1024; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				b.WriteString(c.Data[:min(len(c.Data), 1024)])
			case html.ElementNode:
				b.WriteByte(' ')
				walk(c)
				b.WriteByte(' ')
			}
		}
	}
	walk(n)
	return b.String()
}

// limitRunes is s cut to at most n runes, spaces folded.
func limitRunes(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
