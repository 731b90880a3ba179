package corpus

import (
	"mime"
	"net/url"
	"path"
	"strings"
)

// Format is a kind of document Dossier takes: the one answer to which
// media types and file names a corpus folder, dossier add, /add and the
// fetching of links accept, so that none takes what another refuses.
type Format string

// The formats: text is read as it is; web pages and PDFs are converted
// (by corpus/extract).
const (
	FormatHTML     Format = "html"
	FormatPDF      Format = "pdf"
	FormatMarkdown Format = "markdown"
	FormatText     Format = "text"
)

// formatTypes are a format's media types (the usual one first) and file
// extensions.
type formatTypes struct {
	format                 Format
	mediaTypes, extensions []string
}

// formats is the table.
func formats() []formatTypes {
	return []formatTypes{
		{FormatHTML, []string{"text/html", "application/xhtml+xml"}, []string{".html", ".htm", ".xhtml"}},
		{FormatPDF, []string{"application/pdf", "application/x-pdf"}, []string{".pdf"}},
		{FormatMarkdown, []string{"text/markdown", "text/x-markdown"}, []string{".md", ".markdown"}},
		{FormatText, []string{"text/plain"}, []string{".txt", ".text"}},
	}
}

// MediaTypes are the media types of every format, for an Accept header
// or a list of what may be fetched.
func MediaTypes() []string {
	var out []string
	for _, f := range formats() {
		out = append(out, f.mediaTypes...)
	}
	return out
}

// Extensions are the file extensions of the given formats, in lower
// case with their dot.
func Extensions(of ...Format) []string {
	var out []string
	for _, f := range formats() {
		for _, want := range of {
			if f.format == want {
				out = append(out, f.extensions...)
			}
		}
	}
	return out
}

// MediaTypeFormat is the format a Content-Type names (its parameters and
// case aside); false for a type of no format, and for a generic one.
func MediaTypeFormat(contentType string) (Format, bool) {
	mt := MediaType(contentType)
	for _, f := range formats() {
		for _, t := range f.mediaTypes {
			if mt == t {
				return f.format, true
			}
		}
	}
	return "", false
}

// GenericMediaType reports whether a Content-Type says nothing of the
// content, as servers say of a download: the name or the bytes tell.
func GenericMediaType(contentType string) bool {
	switch MediaType(contentType) {
	case "application/octet-stream", "binary/octet-stream", "application/x-download":
		return true
	}
	return false
}

// NameFormat is the format a file name, or an http or https link's
// path, names by its extension (in any case), or "" for none.
func NameFormat(name string) Format {
	p := name
	if u, err := url.Parse(name); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		p = u.Path
	}
	ext := strings.ToLower(path.Ext(p))
	for _, f := range formats() {
		for _, e := range f.extensions {
			if ext == e {
				return f.format
			}
		}
	}
	return ""
}

// MediaType is a Content-Type without its parameters, in lower case.
func MediaType(contentType string) string {
	if mt, _, err := mime.ParseMediaType(contentType); err == nil {
		return mt
	}
	t, _, _ := strings.Cut(strings.ToLower(contentType), ";")
	return strings.TrimSpace(t)
}
