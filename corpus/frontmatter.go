package corpus

import (
	"errors"
	"strconv"
	"strings"
)

var errUnterminatedFrontMatter = errors.New("front matter opened with --- is never closed")

// frontMatter is the metadata block that may open a document.
type frontMatter struct {
	title, url, publisher, published, author string
	addedBy, addedAt                         string
}

// splitFrontMatter separates a leading "---" block of "key: value" lines
// from the body. Text without such a block is all body.
func splitFrontMatter(text string) (frontMatter, string, error) {
	var fm frontMatter
	first, rest, _ := strings.Cut(text, "\n")
	if strings.TrimSpace(first) != "---" {
		return fm, text, nil
	}
	for rest != "" {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		line = strings.TrimSpace(line)
		if line == "---" || line == "..." {
			return fm, rest, nil
		}
		key, value, ok := strings.Cut(line, ":")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		value = unquote(strings.TrimSpace(value))
		switch strings.ToLower(strings.TrimSpace(key)) {
		case "title":
			fm.title = value
		case "url", "link":
			fm.url = value
		case "publisher", "source":
			fm.publisher = value
		case "published", "date":
			fm.published = value
		case "author", "authors":
			fm.author = value
		case "added_by":
			fm.addedBy = value
		case "added_at":
			fm.addedAt = value
		}
	}
	return fm, "", errUnterminatedFrontMatter
}

// unquote removes YAML-style quotes around a value, leaving other values as
// they are.
func unquote(v string) string {
	if len(v) < 2 {
		return v
	}
	switch {
	case v[0] == '"' && v[len(v)-1] == '"':
		if s, err := strconv.Unquote(v); err == nil {
			return s
		}
		return v[1 : len(v)-1]
	case v[0] == '\'' && v[len(v)-1] == '\'':
		return strings.ReplaceAll(v[1:len(v)-1], "''", "'")
	}
	return v
}
