package corpus

import (
	"strconv"
	"strings"
)

// FrontMatter renders d's metadata as the front matter block Parse reads
// (title, publisher, published, author, url, added_by, added_at), leaving
// out empty fields. Values are quoted, on one line each, so that any
// title reads back as it was.
func FrontMatter(d Document) string {
	var b strings.Builder
	b.WriteString("---\n")
	for _, f := range []struct{ key, value string }{
		{"title", d.Title},
		{"publisher", d.Publisher},
		{"published", d.Published},
		{"author", d.Author},
		{"url", d.URL},
		{"added_by", d.AddedBy},
		{"added_at", d.AddedAt},
	} {
		if v := strings.Join(strings.Fields(f.value), " "); v != "" {
			b.WriteString(f.key + ": " + strconv.Quote(v) + "\n")
		}
	}
	b.WriteString("---\n")
	return b.String()
}

// Body is text without the front matter block that may open it; an
// unterminated block is left in, as Parse would refuse it.
func Body(text string) string {
	text = normalizeText(text)
	if _, body, err := splitFrontMatter(text); err == nil {
		return body
	}
	return text
}

// HeadingLevel is the level of a Markdown heading line, 1 to 6 for "#"
// to "######" and a space ("## Findings" is 2), else 0: the one reading
// of a heading for the corpus, which makes one a passage's label, and for
// extraction, which writes them.
func HeadingLevel(line string) int {
	n := len(line) - len(strings.TrimLeft(line, "#"))
	if n == 0 || n > 6 || !strings.HasPrefix(line[n:], " ") {
		return 0
	}
	return n
}

// IDOf is the document ID a file at path (slash-separated, within the
// corpus folder) gets, unless another file took it first.
func IDOf(path string) string { return slug(path) }
