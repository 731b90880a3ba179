// Package extract turns the documents teams have (web pages, PDFs,
// Markdown and text files) into Markdown with front matter, the form the
// corpus package reads.
//
// Web pages keep their article text, not the page around it; PDFs keep
// their text in reading order with "<!-- page N -->" markers, so that a
// passage can be cited with its page.
package extract

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/dossier-bot/dossier/corpus"
)

var (
	// ErrScanned is a PDF without a text layer: its pages are pictures of
	// text, which would need OCR.
	ErrScanned = errors.New("the PDF has no text layer (scanned pages?)")
	// ErrUnsupported is a file of a type this package cannot read.
	ErrUnsupported = errors.New("unsupported file type")
	// ErrNoText is a document in which nothing worth quoting was found.
	ErrNoText = errors.New("no text found")
	// ErrEncrypted is a PDF that needs a password to be read.
	ErrEncrypted = errors.New("the PDF is protected by a password")
	// ErrMalformed is a file that claims a type but cannot be read as one.
	ErrMalformed = errors.New("malformed file")
)

// Kind is a document format: the corpus package's table of formats says
// which media types and file names are of which.
type Kind = corpus.Format

// The formats Markdown reads.
const (
	KindHTML     = corpus.FormatHTML
	KindPDF      = corpus.FormatPDF
	KindMarkdown = corpus.FormatMarkdown
	KindText     = corpus.FormatText
)

// Meta is what a document says about itself; Markdown writes it as
// front matter.
type Meta struct {
	Title, Publisher, Published, Author, URL string
}

// Markdown converts a web page, PDF, Markdown or text file into a
// Markdown document with front matter (title, publisher, published,
// author, url). name is the file's name or URL: it tells the type when
// contentType is empty, serves as the title of last resort and, when it
// is a URL, as the document's URL unless the page names its own.
func Markdown(name, contentType string, data []byte) ([]byte, error) {
	kind, err := Detect(name, contentType, data)
	if err != nil {
		return nil, fmt.Errorf("extract %q: %w", name, err)
	}
	var out []byte
	switch kind {
	case KindHTML:
		out, err = htmlMarkdown(name, data)
	case KindPDF:
		out, err = pdfMarkdown(name, data)
	case KindMarkdown, KindText:
		out, err = textMarkdown(name, data)
	}
	if err != nil {
		return nil, fmt.Errorf("extract %q: %w", name, err)
	}
	return out, nil
}

// Detect tells the format of a document from its content type, else its
// name's extension, else its first bytes.
func Detect(name, contentType string, data []byte) (Kind, error) {
	if contentType != "" {
		mt, _, err := mime.ParseMediaType(contentType)
		k, known := corpus.MediaTypeFormat(mt)
		switch {
		case err != nil, corpus.GenericMediaType(mt):
			// Says nothing; fall through to the name and the bytes.
		case k == KindText:
			// Servers call Markdown files text/plain; the extension says more.
			if corpus.NameFormat(name) == KindMarkdown {
				return KindMarkdown, nil
			}
			return KindText, nil
		case known:
			return k, nil
		default:
			return "", fmt.Errorf("%w: %s", ErrUnsupported, mt)
		}
	}
	if k := corpus.NameFormat(name); k != "" {
		return k, nil
	}
	switch sniffed := http.DetectContentType(data); {
	case strings.HasPrefix(sniffed, "text/html"):
		return KindHTML, nil
	case sniffed == "application/pdf":
		return KindPDF, nil
	case strings.HasPrefix(sniffed, "text/plain"):
		return KindText, nil
	default:
		mt, _, _ := strings.Cut(sniffed, ";")
		return "", fmt.Errorf("%w: %s", ErrUnsupported, mt)
	}
}

// textMarkdown passes Markdown and text through, giving a file without
// front matter a title from its name.
func textMarkdown(name string, data []byte) ([]byte, error) {
	if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
		return nil, fmt.Errorf("%w: not UTF-8 text", ErrUnsupported)
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, ErrNoText
	}
	if bytes.HasPrefix(data, []byte("---\n")) || bytes.HasPrefix(data, []byte("---\r\n")) {
		return data, nil
	}
	m := Meta{}
	if isURL(name) {
		m.URL = name
	}
	var b bytes.Buffer
	writeFrontMatter(&b, m)
	b.Write(data)
	return b.Bytes(), nil
}

func isURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// writeFrontMatter writes the fields that are set as the corpus renders
// front matter, so that any value reads back as it was, and a blank line
// before the body.
func writeFrontMatter(b *bytes.Buffer, m Meta) {
	b.WriteString(corpus.FrontMatter(corpus.Document{
		Title: m.Title, Publisher: m.Publisher, Published: m.Published, Author: m.Author, URL: m.URL,
	}))
	b.WriteByte('\n')
}

// titleFromName is a file's name without its folder and extension, or a
// URL's last path segment, for documents that name no title.
func titleFromName(name string) string {
	p := name
	if u, err := url.Parse(name); err == nil && u.Scheme != "" {
		p = strings.TrimSuffix(u.Path, "/")
		if p == "" {
			return u.Host
		}
	}
	base := path.Base(strings.ReplaceAll(p, "\\", "/"))
	base = strings.TrimSuffix(base, path.Ext(base))
	return strings.Join(strings.FieldsFunc(base, func(r rune) bool { return r == '-' || r == '_' || r == ' ' }), " ")
}
