package index

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/dossier-bot/dossier/corpus"
)

// TestRankCountsWholeDocument: of two documents whose best passages are
// the same, the one whose other passage speaks of the query again ranks
// first, whichever name it has.
func TestRankCountsWholeDocument(t *testing.T) {
	t.Parallel()
	filler := func(topic string) string {
		return strings.Repeat("The survey team logged readings at each station along the "+topic+" route every morning. ", 6)
	}
	best := filler("northern") + "Glacier melt was measured at the upper camp.\n\n"
	richText := best + filler("southern") + "The melt went on into the lower valley.\n"
	poorText := best + filler("southern") + "Nothing else of note was recorded that week.\n"
	for _, names := range [][2]string{{"a", "b"}, {"b", "a"}} {
		rich, poor := names[0], names[1]
		t.Run(rich+" rich", func(t *testing.T) {
			t.Parallel()
			ix := memIndex(t, loadMap(t, map[string]string{
				rich + ".md": "---\ntitle: Field notes\n---\n" + richText,
				poor + ".md": "---\ntitle: Field notes\n---\n" + poorText,
			}))
			const q = "glacier melt"
			got, err := ix.Rank(context.Background(), q, 10)
			if err != nil {
				t.Fatalf("Rank(%q) = %v", q, err)
			}
			if len(got) != 2 || got[0].DocID != rich {
				t.Errorf("Rank(%q) = %v, want %s first", q, got, rich)
			}
		})
	}
}

// TestLoadFromMatchesLoad holds the reader's way of loading a passage to
// Bleve's document look-up, and to not found for a passage never indexed.
func TestLoadFromMatchesLoad(t *testing.T) {
	t.Parallel()
	ix := builtinIndex(t)
	r := reader(t, ix)
	for _, d := range ix.Documents() {
		for ord := range d.Passages {
			id := corpus.PassageID(d.ID, ord)
			want, got := &candidate{id: id}, &candidate{id: id}
			if err := ix.load(want); err != nil {
				t.Fatalf("load(%q) = %v", id, err)
			}
			if err := ix.loadFrom(r, got); err != nil {
				t.Fatalf("loadFrom(%q) = %v", id, err)
			}
			if diff := cmp.Diff(want, got, cmp.AllowUnexported(candidate{}, detail{}, sentenceChoice{})); diff != "" {
				t.Errorf("loadFrom(%q) differs from load (-load +loadFrom):\n%s", id, diff)
			}
		}
	}
	if err := ix.loadFrom(r, &candidate{id: "nowhere#0"}); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("loadFrom(nowhere#0) = %v, want not found", err)
	}
}
