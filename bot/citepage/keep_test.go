package citepage

import (
	"context"
	"testing"

	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/corpus/cite"
)

// KeepShown keeps each passage shown under the id the state gives it,
// the one a citation page and /cite resolve; nothing shown, nothing kept;
// a state that cannot keep them says so.
func TestKeepShown(t *testing.T) {
	t.Parallel()
	f := newFixture(t, map[string]string{"keepers.md": longArticle("Keepers of the Harbor Light", keeperLine)})
	a, err := f.ix.AskAll(context.Background(), "Who was the last keeper of the harbor light?", 3)
	if err != nil {
		t.Fatal(err)
	}
	rs := append(a.Results, a.Related...)
	if len(rs) < 2 {
		t.Fatalf("Ask found %d passages, want 2 or more", len(rs))
	}
	kept, err := KeepShown(f.st, state.Shown{At: t0, GuildID: "g", UserID: "u"}, rs)
	if err != nil || len(kept) != len(rs) {
		t.Fatalf("KeepShown(%d results) = %d, %v", len(rs), len(kept), err)
	}
	for j, r := range rs {
		if want := cite.ID(r.Doc.ID, r.Passage.Text); kept[j].ID != want {
			t.Errorf("KeepShown()[%d].ID = %q, want %q", j, kept[j].ID, want)
		}
		got, found, err := f.st.Citation(kept[j].ID)
		if err != nil || !found || got.DocID != r.Doc.ID || got.Text != r.Passage.Text {
			t.Errorf("Citation(%q) = %+v, %v, %v; want the passage shown", kept[j].ID, got, found, err)
		}
	}
	if kept, err := KeepShown(f.st, state.Shown{At: t0}, nil); err != nil || len(kept) != 0 {
		t.Errorf("KeepShown(nothing) = %v, %v; want nothing", kept, err)
	}
	f.st.Close()
	kept, err = KeepShown(f.st, state.Shown{At: t0}, rs)
	if err == nil || len(kept) != len(rs) || kept[0].ID != "" {
		t.Errorf("KeepShown(on a closed state) = %+v, %v; want the records without ids, and the error", kept, err)
	}
}
