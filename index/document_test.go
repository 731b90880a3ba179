package index

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dossier-bot/dossier/corpus"
)

func TestPassages(t *testing.T) {
	t.Parallel()
	c, err := corpus.Load(corpus.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	// A converted PDF: its passages know their pages.
	paged := loadMap(t, map[string]string{"report.md": "---\ntitle: Report\n---\n<!-- page 1 -->\nThe first page says one thing about harbours.\n\n<!-- page 2 -->\nThe second page says another thing about ferries.\n\n<!-- page 3 -->\nThe third page ends the report on lighthouses.\n"})
	if last := paged.Documents[0].Passages; last[len(last)-1].Page != 3 {
		t.Fatalf("the paged document's last passage is on page %d, want 3", last[len(last)-1].Page)
	}
	c.Documents = append(c.Documents, paged.Documents...)
	ix := memIndex(t, c)
	for _, d := range c.Documents {
		info, ok := ix.Document(d.ID)
		if !ok || info.Passages != len(d.Passages) || info.Title != d.Title || info.URL != d.URL {
			t.Errorf("Document(%q) = %q %q with %d passages, %v; want %q %q with %d", d.ID, info.Title, info.URL, info.Passages, ok, d.Title, d.URL, len(d.Passages))
		}
		got, err := ix.Passages(d.ID, -5, len(d.Passages)+5)
		if err != nil {
			t.Fatalf("Passages(%q) = %v", d.ID, err)
		}
		if diff := cmp.Diff(d.Passages, got); diff != "" {
			t.Errorf("Passages(%q) (-want +got):\n%s", d.ID, diff)
		}
		if mid, err := ix.Passages(d.ID, 1, 3); err != nil || !cmp.Equal(mid, d.Passages[1:3]) {
			t.Errorf("Passages(%q, 1, 3) = %d passages, %v; want passages 1 and 2", d.ID, len(mid), err)
		}
	}
	if _, ok := ix.Document("no-such-document"); ok {
		t.Errorf("Document(no-such-document) found, want not")
	}
	if ps, err := ix.Passages("no-such-document", 0, 10); err != nil || len(ps) != 0 {
		t.Errorf("Passages(no-such-document) = %v, %v; want none", ps, err)
	}
	ix.Close()
	if _, err := ix.Passages(c.Documents[0].ID, 0, 1); !errors.Is(err, ErrClosed) {
		t.Errorf("Passages after Close = %v, want ErrClosed", err)
	}
}
