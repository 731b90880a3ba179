package digest

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/index"
)

func TestComposeDocuments(t *testing.T) {
	t.Parallel()
	since := time.Date(2024, 4, 29, 9, 0, 0, 0, time.UTC)
	until := since.Add(24 * time.Hour)
	before, during, after := since.Add(-time.Hour), since.Add(time.Hour), until.Add(time.Hour)
	doc := func(id, published string, first, changed, removed time.Time) state.Document {
		return state.Document{ID: id, Title: "T " + id, Published: published, FirstSeen: first, Changed: changed, Removed: removed}
	}
	in := Input{Since: since, Until: until, Documents: []state.Document{
		doc("old", "", before, before, time.Time{}),
		doc("new-undated", "", during, during, time.Time{}),
		doc("new-2023", "2023-11", during, during, time.Time{}),
		doc("new-2024", "2024-04-24", during, during, time.Time{}),
		doc("new-at-until", "", until, until, time.Time{}),
		doc("new-at-since", "", since, since, time.Time{}),
		doc("changed", "", before, during, time.Time{}),
		doc("changed-after", "", before, after, time.Time{}),
		doc("removed", "", before, before, during),
		doc("removed-before", "", before, before, before),
		doc("came-and-went", "", during, during, during.Add(time.Minute)),
		doc("new-then-changed", "", during, during.Add(time.Minute), time.Time{}),
	}}
	var got []string
	for _, c := range Compose(in).Documents {
		got = append(got, c.ID+" "+c.Change.String())
	}
	want := []string{
		"new-2024 new", "new-2023 new", "new-at-until new", "new-then-changed new", "new-undated new",
		"changed changed",
		"removed removed",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Compose documents (-want +got):\n%s", diff)
	}
}

func TestComposeCutsLongSections(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 4, 30, 9, 0, 0, 0, time.UTC)
	in := Input{Since: now.Add(-time.Hour), Until: now}
	for i := range maxDocuments + 4 {
		in.Documents = append(in.Documents, state.Document{ID: fmt.Sprint(i), FirstSeen: now, Changed: now})
	}
	for i := range maxUnanswered + 1 {
		in.Unanswered = append(in.Unanswered, state.Asked{Text: fmt.Sprint(i), Count: 1})
	}
	for i := range maxAsked + 2 {
		in.Asked = append(in.Asked, state.Asked{Text: fmt.Sprint(i), Count: 1})
	}
	d := Compose(in)
	if len(d.Documents) != maxDocuments || d.MoreDocuments != 4 {
		t.Errorf("Compose kept %d documents and counted %d more, want %d and 4", len(d.Documents), d.MoreDocuments, maxDocuments)
	}
	if len(d.Unanswered) != maxUnanswered || d.MoreUnanswered != 1 {
		t.Errorf("Compose kept %d unanswered and counted %d more, want %d and 1", len(d.Unanswered), d.MoreUnanswered, maxUnanswered)
	}
	if len(d.Asked) != maxAsked {
		t.Errorf("Compose kept %d most asked, want %d", len(d.Asked), maxAsked)
	}
}

func TestComposeWatchesKeepNewPassagesOnly(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 4, 30, 9, 0, 0, 0, time.UTC)
	result := func(doc string, n int) index.Result {
		return index.Result{Doc: corpus.Document{ID: doc}, Passage: corpus.Passage{ID: fmt.Sprint(doc, "#", n), Text: fmt.Sprint("text ", n)}}
	}
	long := now.Add(-48 * time.Hour)
	in := Input{
		Since: now.Add(-24 * time.Hour), Until: now,
		Documents: []state.Document{
			{ID: "fresh", FirstSeen: now, Changed: now},
			{ID: "stale", FirstSeen: long, Changed: long},
			// Edited in the window: passage 1 is new, passage 0 is not.
			{ID: "edited", FirstSeen: long, Changed: now, Passages: []state.Passage{
				{Hash: state.PassageHash("text 0"), FirstSeen: long}, {Hash: state.PassageHash("text 1"), FirstSeen: now}}},
			{ID: "gone", FirstSeen: now, Changed: now, Removed: now},
		},
		Watches: []WatchResults{
			{Watch: state.Watch{Query: "mixed"}, Results: []index.Result{
				result("stale", 0), result("edited", 0), result("gone", 0), result("fresh", 1), result("edited", 1),
				result("stale", 1), result("fresh", 3), result("fresh", 4)}},
			{Watch: state.Watch{Query: "old news"}, Results: []index.Result{result("stale", 0), result("edited", 0)}},
			{Watch: state.Watch{Query: "nothing"}},
		},
	}
	d := Compose(in)
	if len(d.Watches) != 1 || d.Watches[0].Query != "mixed" {
		t.Fatalf("Compose watches = %+v, want only the watch with new passages", d.Watches)
	}
	var got []string
	for _, r := range d.Watches[0].Matches {
		got = append(got, r.Passage.ID)
	}
	if want := []string{"fresh#1", "edited#1", "fresh#3"}; !cmp.Equal(got, want) {
		t.Errorf("matches of the watch = %v, want %v", got, want)
	}
}

func TestComposeNothingIsEmpty(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 4, 30, 9, 0, 0, 0, time.UTC)
	d := Compose(Input{Date: now, Since: now.Add(-time.Hour), Until: now,
		Documents: []state.Document{{ID: "old", FirstSeen: now.Add(-48 * time.Hour), Changed: now.Add(-48 * time.Hour)}}})
	if !d.Empty() || Markdown(d) != "" || Messages(d) != nil {
		t.Errorf("digest of nothing = %+v, Markdown %q, Messages %q; want empty, nothing rendered", d, Markdown(d), Messages(d))
	}
}
