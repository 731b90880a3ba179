package citepage

import (
	"context"
	"testing"

	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/corpus/cite"
	"github.com/dossier-bot/dossier/index"
)

// keepersShown returns a fixture and the passages it shows for a question,
// two or more.
func keepersShown(tb testing.TB) (*fixture, []index.Result) {
	tb.Helper()
	f := newFixture(tb, map[string]string{"keepers.md": longArticle("Keepers of the Harbor Light", keeperLine)})
	a, err := f.ix.AskAll(context.Background(), "Who was the last keeper of the harbor light?", 3)
	if err != nil {
		tb.Fatal(err)
	}
	rs := append(a.Results, a.Related...)
	if len(rs) < 2 {
		tb.Fatalf("Ask found %d passages, want 2 or more", len(rs))
	}
	return f, rs
}

// KeepShown keeps each passage shown under the id the state gives it,
// the one a citation page and /cite resolve; nothing shown, nothing kept;
// a state that cannot keep them says so.
func TestKeepShown(t *testing.T) {
	t.Parallel()
	f, rs := keepersShown(t)
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

// RecordPosted lists citations already kept as posted in a channel,
// passes over an id never kept, and reports a state it cannot read.
func TestRecordPosted(t *testing.T) {
	t.Parallel()
	f, rs := keepersShown(t)
	kept, err := KeepShown(f.st, state.Shown{At: t0, GuildID: "g", UserID: "u"}, rs)
	if err != nil || len(kept) == 0 {
		t.Fatalf("KeepShown() = %d, %v", len(kept), err)
	}
	sh := state.Shown{At: t0, GuildID: "g", ChannelID: "c1", MessageID: "m1"}
	if err := RecordPosted(f.st, sh, []string{kept[0].ID, "nevershown"}); err != nil {
		t.Fatalf("RecordPosted() = %v", err)
	}
	posted, err := f.st.CitationsIn("c1", 10)
	if err != nil || len(posted) != 1 || posted[0].ID != kept[0].ID || posted[0].MessageID != "m1" {
		t.Errorf("CitationsIn(c1) = %+v, %v; want %s posted in m1", posted, err, kept[0].ID)
	}
	f.st.Close()
	if err := RecordPosted(f.st, sh, []string{kept[0].ID}); err == nil {
		t.Errorf("RecordPosted(on a closed state) = nil, want an error")
	}
}
