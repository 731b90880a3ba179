package index

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2/index/scorch"

	"github.com/dossier-bot/dossier/corpus"
)

// TestPassageDocs holds the documents kept per segment to the doc values
// they are read from, before and after the index changes, and lets the
// segments an update replaced go.
func TestPassageDocs(t *testing.T) {
	t.Parallel()
	files := map[string]string{}
	for i := range 30 {
		files[fmt.Sprintf("doc%02d.md", i)] = article(fmt.Sprintf("Doc %d", i), syntheticBody(i, "first"))
	}
	ix := memIndex(t, loadMap(t, files))
	check := func(stage string) {
		t.Helper()
		r := reader(t, ix)
		docOf, kept, err := ix.passageDocs.of(r)
		if err != nil || !kept {
			t.Fatalf("%s: passageDocs.of() = %v, %v, want kept", stage, kept, err)
		}
		dvr, err := r.DocValueReader([]string{fieldDoc})
		if err != nil {
			t.Fatal(err)
		}
		checked := 0
		for _, d := range ix.Documents() {
			for ord := range d.Passages {
				id := corpus.PassageID(d.ID, ord)
				iid, err := r.InternalID(id)
				if err != nil || iid == nil {
					t.Fatalf("%s: InternalID(%q) = %v, %v", stage, id, iid, err)
				}
				var want string
				if err := dvr.VisitDocValues(iid, func(_ string, term []byte) { want = string(term) }); err != nil {
					t.Fatal(err)
				}
				if got := docOf(iid.Value()); got != want || got != d.ID {
					t.Errorf("%s: document of passage %q = %q, want %q (doc values %q)", stage, id, got, d.ID, want)
				}
				checked++
			}
		}
		if checked == 0 {
			t.Fatalf("%s: no passages checked", stage)
		}
		segs := len(r.Segments())
		ix.passageDocs.mu.Lock()
		defer ix.passageDocs.mu.Unlock()
		if got := len(ix.passageDocs.segs); got != segs {
			t.Errorf("%s: %d segments kept, want the reader's %d", stage, got, segs)
		}
	}
	check("first build")
	for i := range 10 {
		files[fmt.Sprintf("doc%02d.md", i)] = article(fmt.Sprintf("Doc %d", i), syntheticBody(i, "edited"))
	}
	files["new.md"] = article("New", syntheticBody(99, "new"))
	delete(files, "doc29.md")
	if _, err := ix.Sync(context.Background(), loadMap(t, files), nil); err != nil {
		t.Fatalf("Sync() = %v", err)
	}
	check("after an update")
}

// TestPassageDocsLetsGo: segments no longer in the reader asked about are
// not kept.
func TestPassageDocsLetsGo(t *testing.T) {
	t.Parallel()
	a := reader(t, builtinIndex(t))
	b := reader(t, memIndex(t, loadMap(t, map[string]string{"one.md": article("One", syntheticBody(1, "b"))})))
	var p passageDocs
	for _, r := range []*scorch.IndexSnapshot{a, b, a} {
		if _, _, err := p.of(r); err != nil {
			t.Fatal(err)
		}
		for key := range p.segs {
			if !slices.ContainsFunc(r.Segments(), func(s *scorch.SegmentSnapshot) bool { return s.Segment() == key }) {
				t.Errorf("passageDocs keeps a segment the reader it was last asked about does not hold")
			}
		}
		if len(p.segs) != len(r.Segments()) {
			t.Errorf("passageDocs keeps %d segments, want the reader's %d", len(p.segs), len(r.Segments()))
		}
	}
}
