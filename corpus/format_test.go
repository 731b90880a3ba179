package corpus

import (
	"slices"
	"testing"
)

func TestMediaTypeFormat(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		contentType string
		want        Format
		ok, generic bool
	}{
		{"text/html", FormatHTML, true, false},
		{"TEXT/HTML; charset=UTF-8", FormatHTML, true, false},
		{"application/xhtml+xml", FormatHTML, true, false},
		{"application/pdf", FormatPDF, true, false},
		{"application/x-pdf", FormatPDF, true, false},
		{"text/markdown; charset=utf-8", FormatMarkdown, true, false},
		{"text/x-markdown", FormatMarkdown, true, false},
		{"text/plain", FormatText, true, false},
		{"application/octet-stream", "", false, true},
		{"binary/octet-stream", "", false, true},
		{"application/x-download", "", false, true},
		{"image/jpeg", "", false, false},
		{"application/json", "", false, false},
		{"", "", false, false},
	} {
		t.Run(tt.contentType, func(t *testing.T) {
			got, ok := MediaTypeFormat(tt.contentType)
			if got != tt.want || ok != tt.ok {
				t.Errorf("MediaTypeFormat(%q) = %q, %v, want %q, %v", tt.contentType, got, ok, tt.want, tt.ok)
			}
			if g := GenericMediaType(tt.contentType); g != tt.generic {
				t.Errorf("GenericMediaType(%q) = %v, want %v", tt.contentType, g, tt.generic)
			}
		})
	}
}

func TestNameFormat(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		want Format
	}{
		{"a.html", FormatHTML},
		{"A.HTM", FormatHTML},
		{"page.xhtml", FormatHTML},
		{"report.PDF", FormatPDF},
		{"notes.md", FormatMarkdown},
		{"notes.markdown", FormatMarkdown},
		{"notes.txt", FormatText},
		{"notes.text", FormatText},
		{"dir/sub/notes.md", FormatMarkdown},
		{"notes:draft.md", FormatMarkdown},
		{"https://example.org/files/report.pdf?v=2#p3", FormatPDF},
		{"https://example.org/news/story", ""},
		{"photo.jpg", ""},
		{"synonyms", ""},
		{"", ""},
	} {
		if got := NameFormat(tt.name); got != tt.want {
			t.Errorf("NameFormat(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// Every media type and extension listed names its format, and no two
// formats share one.
func TestFormatTable(t *testing.T) {
	t.Parallel()
	for _, f := range formats() {
		for _, mt := range f.mediaTypes {
			if got, ok := MediaTypeFormat(mt); !ok || got != f.format {
				t.Errorf("MediaTypeFormat(%q) = %q, %v, want %q", mt, got, ok, f.format)
			}
			if !slices.Contains(MediaTypes(), mt) {
				t.Errorf("MediaTypes() lacks %q", mt)
			}
		}
		for _, ext := range f.extensions {
			if got := NameFormat("x" + ext); got != f.format {
				t.Errorf("NameFormat(%q) = %q, want %q", "x"+ext, got, f.format)
			}
			if !slices.Contains(Extensions(f.format), ext) {
				t.Errorf("Extensions(%q) lacks %q", f.format, ext)
			}
		}
	}
	if got, want := Extensions(FormatHTML, FormatPDF), []string{".html", ".htm", ".xhtml", ".pdf"}; !slices.Equal(got, want) {
		t.Errorf("Extensions(html, pdf) = %q, want %q", got, want)
	}
}
