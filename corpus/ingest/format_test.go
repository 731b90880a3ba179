package ingest

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/corpus/fetch"
)

// The fetcher, Add and the conversion take the same types, by the
// corpus's one table: a PDF fetched under any of its names is added,
// and what one of them refuses is refused by the first.
func TestTypesAgree(t *testing.T) {
	t.Parallel()
	memo, err := os.ReadFile("../extract/testdata/pdf/memo.pdf")
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/{name}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", r.URL.Query().Get("type"))
		w.Write(memo)
	})
	s := httptest.NewServer(mux)
	t.Cleanup(s.Close)
	c := fetch.New(fetch.Options{AllowPrivate: true, Types: Types})
	for _, tt := range []struct {
		path string
		ok   bool
	}{
		{"/memo?type=application/pdf", true},
		{"/memo?type=application/x-pdf", true},
		{"/memo.pdf?type=application/x-download", true},
		{"/memo?type=application/octet-stream", true},
		{"/memo?type=image/png", false},
	} {
		t.Run(tt.path, func(t *testing.T) {
			t.Parallel()
			doc, err := c.Get(context.Background(), s.URL+tt.path)
			if !tt.ok {
				if !errors.Is(err, fetch.ErrType) {
					t.Errorf("Get(%s) = %v, want %v", tt.path, err, fetch.ErrType)
				}
				return
			}
			if err != nil {
				t.Fatalf("Get(%s) = %v", tt.path, err)
			}
			if _, err := folder(t, nil).Add(Source{Name: doc.Name, URL: doc.URL, ContentType: doc.ContentType, Data: doc.Data}, "Ana", at); err != nil {
				t.Errorf("Add(what Get(%s) fetched, as %s) = %v", tt.path, doc.ContentType, err)
			}
		})
	}
	for _, ct := range []string{"application/x-pdf", "application/x-download", "binary/octet-stream"} {
		if _, err := folder(t, nil).Add(Source{Name: "memo.pdf", ContentType: ct, Data: memo}, "Ana", at); err != nil {
			t.Errorf("Add(memo.pdf as %s) = %v, want it added", ct, err)
		}
	}
	if _, err := folder(t, nil).Add(Source{Name: "memo.pdf", ContentType: "image/png", Data: memo}, "Ana", at); !errors.Is(err, ErrUnsupported) {
		t.Errorf("Add(memo.pdf as image/png) = %v, want %v", err, ErrUnsupported)
	}
}

// A .markdown or .text file is a document of the folder for the corpus
// and for the duplicate check alike.
func TestOtherTextExtensionsAreDocuments(t *testing.T) {
	t.Parallel()
	f := folder(t, map[string]string{
		"notes.markdown": "---\ntitle: Notes\nurl: https://example.org/notes\n---\n" + article,
		"memo.text":      "---\ntitle: Memo\nurl: https://example.org/memo\n---\nThe memo was sent on Monday to every office in the region, asking for figures.\n",
	})
	c, err := corpus.Load(os.DirFS(f.Dir()))
	if err != nil || len(c.Documents) != 2 {
		t.Fatalf("corpus.Load() = %d documents (%v), want 2", len(c.Documents), err)
	}
	for _, link := range []string{"https://example.org/notes", "https://example.org/memo"} {
		var dup *DuplicateError
		if err := f.Lookup(link); !errors.As(err, &dup) {
			t.Errorf("Lookup(%s) = %v, want the duplicate", link, err)
		}
	}
}
