package bot

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/corpus/extract"
	"github.com/dossier-bot/dossier/corpus/fetch"
	"github.com/dossier-bot/dossier/corpus/ingest"
)

func TestWhyNotAdded(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want string
	}{
		{fmt.Errorf("fetch x: %w: 10.0.0.1 is private", fetch.ErrBlocked), "Dossier does not fetch links to private or internal addresses."},
		{fmt.Errorf("fetch x: %w: more than 5", fetch.ErrRedirects), "the link redirects too many times."},
		{fmt.Errorf("fetch x: %w: 11534336 bytes", fetch.ErrTooLarge), "it is larger than the 10 MiB a document may be."},
		{fmt.Errorf("fetch x: %w (more than 20s)", fetch.ErrTimeout), "the site took longer than 20 seconds to send it."},
		{fmt.Errorf("fetch x: %w: HTTP 403 Forbidden", fetch.ErrStatus), "the site did not send the document (HTTP 403 Forbidden)."},
		{fmt.Errorf("fetch x: %w: the server says it is image/png", fetch.ErrType), "Dossier can add web pages, PDFs, Markdown and plain text; that is something else."},
		{fmt.Errorf("convert x: %w: %w", ingest.ErrUnsupported, extract.ErrScanned), "it is a scanned PDF: its pages are pictures of text, with no text to quote."},
		{fmt.Errorf("read x: %w", ingest.ErrEmpty), "there is no text in it to quote."},
		{fmt.Errorf("read x: %w: front matter never closed", ingest.ErrUnreadable), "Dossier could not read it as a document (is its front matter closed with ---?)."},
		{fmt.Errorf("write x: %w", fs.ErrPermission), "Dossier may not write to its corpus folder; ask whoever runs it."},
		{errors.New("disk on fire"), "something went wrong; please try again."},
	}
	for _, tt := range tests {
		if got := whyNotAdded(tt.err); got != tt.want {
			t.Errorf("whyNotAdded(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

// What a document or a link says cannot format the reply or ping anyone.
func TestRenderAddedEscapes(t *testing.T) {
	t.Parallel()
	evil := "**Bold** [x](https://evil.example) <@123> @everyone"
	doc := corpus.Document{Title: evil, Publisher: evil, URL: "javascript:alert(1)", Passages: []corpus.Passage{{Text: evil}}}
	r := renderAdded([]addResult{
		{label: "a", added: ingest.Added{Path: "a.md", Doc: doc}},
		{label: "b", err: &ingest.DuplicateError{Path: "b.md", Title: evil, SameURL: true}},
		{label: evil, err: errors.New("x")},
	}, 0)
	for _, bad := range []string{"**Bold**", "[x](", "<@123>", "@everyone"} {
		if strings.Contains(r.content, bad) || strings.Contains(r.embeds[0].Description, bad) || strings.Contains(r.embeds[0].Title, bad) {
			t.Errorf("renderAdded shows %q as markup:\n%s\n%+v", bad, r.content, r.embeds[0])
		}
	}
	if r.embeds[0].URL != "" {
		t.Errorf("renderAdded links to %q, want no link for a javascript: URL", r.embeds[0].URL)
	}
	if len(r.components) != 1 {
		t.Errorf("renderAdded components = %v, want the Share in channel button", r.components)
	}
}
