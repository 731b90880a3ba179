package state

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dossier-bot/dossier/corpus/cite"
)

// kept makes a citation of a passage of doc.
func kept(doc, text string) KeptCitation {
	return KeptCitation{DocID: doc, Title: "Title " + doc, Publisher: "Pub", Author: "A. Writer", Published: "2024-04",
		URL: "https://example.com/" + doc, Heading: "Section", Page: 3, Text: text, Excerpt: text[:min(len(text), 12)]}
}

// recordCitations records cs as shown at sh and fails the test on error.
func recordCitations(tb testing.TB, s Store, sh Shown, cs ...KeptCitation) []string {
	tb.Helper()
	ids, err := s.RecordCitations(sh, cs)
	if err != nil {
		tb.Fatalf("RecordCitations: %v", err)
	}
	return ids
}

func TestRecordCitations(t *testing.T) { eachStore(t, testRecordCitations) }

func testRecordCitations(t *testing.T, newStore func(testing.TB) Store) {
	t.Parallel()
	s := newStore(t)
	a, b := kept("doc-a", "The first passage of a."), kept("doc-b", "A passage of b.")
	ids := recordCitations(t, s, Shown{At: t0, GuildID: "g", ChannelID: "c1", MessageID: "m1", UserID: "u1"}, a, b)
	if want := []string{cite.ID(a.DocID, a.Text), cite.ID(b.DocID, b.Text)}; !cmp.Equal(ids, want) {
		t.Fatalf("RecordCitations ids = %v, want %v", ids, want)
	}

	// Shown again later, with other metadata and excerpt: the record keeps
	// its first showing.
	again := a
	again.Title, again.Excerpt = "Renamed", "passage of a"
	if got := recordCitations(t, s, Shown{At: t0.Add(time.Hour), ChannelID: "c2", UserID: "u2"}, again); got[0] != ids[0] {
		t.Errorf("RecordCitations again = %v, want id %s", got, ids[0])
	}
	got, found, err := s.Citation(ids[0])
	if err != nil || !found {
		t.Fatalf("Citation(%q) = %v, %v, want found", ids[0], found, err)
	}
	want := a
	want.ID, want.Key, want.FirstShown = ids[0], cite.Key(a.DocID, a.Text), t0
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Citation(%q) (-want +got):\n%s", ids[0], diff)
	}

	for _, id := range []string{"zzzzzzzz", "", ids[0][:7]} {
		if _, found, err := s.Citation(id); found || err != nil {
			t.Errorf("Citation(%q) = found %v, %v; want not found", id, found, err)
		}
	}
}

func TestCitationIDStableAcrossReopen(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), FileName)
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	c := kept("doc", "Kept across restarts.")
	ids := recordCitations(t, s, Shown{At: t0, ChannelID: "c", UserID: "u"}, c)
	secret, err := s.CitationSecret()
	if err != nil || len(secret) != 32 {
		t.Fatalf("CitationSecret = %d bytes, %v; want 32", len(secret), err)
	}
	s.Close()

	s = open(t, path)
	if _, found, err := s.Citation(ids[0]); !found || err != nil {
		t.Errorf("Citation(%q) after reopening = %v, %v; want found", ids[0], found, err)
	}
	again, err := s.CitationSecret()
	if err != nil || !cmp.Equal(again, secret) {
		t.Errorf("CitationSecret after reopening = %x, %v; want the same %x", again, err, secret)
	}
	other, err := newFile(t).CitationSecret()
	if err != nil || cmp.Equal(other, secret) {
		t.Errorf("another store's CitationSecret = %x, %v; want a different secret", other, err)
	}
}

func TestCitationsIn(t *testing.T) { eachStore(t, testCitationsIn) }

func testCitationsIn(t *testing.T, newStore func(testing.TB) Store) {
	t.Parallel()
	s := newStore(t)
	a, b, c := kept("d", "Passage a."), kept("d", "Passage b."), kept("e", "Passage c.")
	ids := recordCitations(t, s, Shown{At: t0, ChannelID: "thread", MessageID: "m1", UserID: "u1"}, b, a)
	recordCitations(t, s, Shown{At: t0.Add(time.Minute), ChannelID: "other", MessageID: "m2"}, c)
	a2 := a
	a2.Excerpt = "a, quoted again"
	ids = append(ids, recordCitations(t, s, Shown{At: t0.Add(2 * time.Minute), ChannelID: "thread", MessageID: "m3"}, a2, c)[1])
	// Channel ids are prefixes of one another: "thread" must not list
	// "thread2"'s.
	recordCitations(t, s, Shown{At: t0, ChannelID: "thread2"}, kept("f", "Passage f."))

	got, err := s.CitationsIn("thread", 0)
	if err != nil {
		t.Fatal(err)
	}
	var gotIDs, quoted, msgs []string
	for _, p := range got {
		gotIDs, quoted, msgs = append(gotIDs, p.ID), append(quoted, p.Quoted), append(msgs, p.MessageID)
	}
	tests := []struct {
		name      string
		got, want any
	}{
		{"ids", gotIDs, ids},
		{"quoted", quoted, []string{b.Excerpt, a.Excerpt, c.Excerpt}},
		{"messages", msgs, []string{"m1", "m1", "m3"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.got); diff != "" {
			t.Errorf("CitationsIn(thread) %s (-want +got):\n%s", tt.name, diff)
		}
	}
	if len(got) == 3 && !got[2].At.Equal(t0.Add(2*time.Minute)) {
		t.Errorf("CitationsIn(thread)[2].At = %v, want %v", got[2].At, t0.Add(2*time.Minute))
	}
	if first, err := s.CitationsIn("thread", 2); err != nil || len(first) != 2 || first[1].ID != ids[1] {
		t.Errorf("CitationsIn(thread, 2) = %d citations, %v; want the first 2", len(first), err)
	}
	if none, err := s.CitationsIn("nowhere", 0); err != nil || len(none) != 0 {
		t.Errorf("CitationsIn(nowhere) = %v, %v; want none", none, err)
	}
}

func TestRecentCitations(t *testing.T) { eachStore(t, testRecentCitations) }

func testRecentCitations(t *testing.T, newStore func(testing.TB) Store) {
	t.Parallel()
	s := newStore(t)
	var ids []string
	for i := range 5 {
		c := kept("d", fmt.Sprintf("Passage %d.", i))
		ids = append(ids, recordCitations(t, s, Shown{At: t0.Add(time.Duration(i) * time.Minute), ChannelID: "c", UserID: "u1"}, c)[0])
	}
	// Passage 1 is shown again, last; u10 and u are other members whose
	// ids share a prefix with u1.
	recordCitations(t, s, Shown{At: t0.Add(time.Hour), UserID: "u1"}, kept("d", "Passage 1."))
	recordCitations(t, s, Shown{At: t0.Add(2 * time.Hour), UserID: "u10"}, kept("x", "Not u1's."))
	recordCitations(t, s, Shown{At: t0.Add(2 * time.Hour), UserID: "u"}, kept("y", "Not u1's either."))

	tests := []struct {
		user string
		n    int
		want []string
	}{
		{"u1", 3, []string{ids[1], ids[4], ids[3]}},
		{"u1", 10, []string{ids[1], ids[4], ids[3], ids[2], ids[0]}},
		{"u2", 3, nil},
		{"u10", 3, []string{cite.ID("x", "Not u1's.")}},
	}
	for _, tt := range tests {
		got, err := s.RecentCitations(tt.user, tt.n)
		if err != nil {
			t.Fatal(err)
		}
		var gotIDs []string
		for _, c := range got {
			gotIDs = append(gotIDs, c.ID)
		}
		if !cmp.Equal(gotIDs, tt.want) {
			t.Errorf("RecentCitations(%q, %d) = %v, want %v", tt.user, tt.n, gotIDs, tt.want)
		}
	}
}

// TestCitationCollision plants another passage under an id, as a 40-bit
// collision would: the new passage must get a longer id, not overwrite
// the old or be taken for it.
func TestCitationCollision(t *testing.T) { eachStore(t, testCitationCollision) }

func testCitationCollision(t *testing.T, newStore func(testing.TB) Store) {
	t.Parallel()
	s := newStore(t)
	c := kept("doc", "The passage that collides.")
	short := cite.ID(c.DocID, c.Text)
	planted := KeptCitation{ID: short, Key: short + "x", DocID: "other", Text: "Another passage.", FirstShown: t0}
	plantCitation(t, s, planted)
	ids := recordCitations(t, s, Shown{At: t0, ChannelID: "c"}, c)
	if want := cite.Key(c.DocID, c.Text)[:cite.IDLen+2]; ids[0] != want {
		t.Fatalf("RecordCitations of a colliding passage = %v, want [%s]", ids, want)
	}
	if again := recordCitations(t, s, Shown{At: t0.Add(time.Hour)}, c); again[0] != ids[0] {
		t.Errorf("RecordCitations again = %v, want %v", again, ids)
	}
	for id, doc := range map[string]string{short: "other", ids[0]: "doc"} {
		got, found, err := s.Citation(id)
		if err != nil || !found || got.DocID != doc {
			t.Errorf("Citation(%q) = %q, %v, %v; want document %q", id, got.DocID, found, err, doc)
		}
	}
	if in, err := s.CitationsIn("c", 0); err != nil || len(in) != 1 || in[0].ID != ids[0] {
		t.Errorf("CitationsIn(c) = %v, %v; want the one citation %s", in, err, ids[0])
	}
}

func TestDocument(t *testing.T) { eachStore(t, testDocument) }

func testDocument(t *testing.T, newStore func(testing.TB) Store) {
	t.Parallel()
	s := newStore(t)
	if _, err := s.RecordDocuments(all(docs("a", "h1", "b", "h2")), t0, leadOf); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordDocuments(all(docs("a", "h1")), t0.Add(time.Hour), leadOf); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		id      string
		found   bool
		removed time.Time
	}{
		{"a", true, time.Time{}},
		{"b", true, t0.Add(time.Hour)},
		{"c", false, time.Time{}},
	}
	for _, tt := range tests {
		d, found, err := s.Document(tt.id)
		if err != nil || found != tt.found || !d.Removed.Equal(tt.removed) || (found && d.ID != tt.id) {
			t.Errorf("Document(%q) = %q removed %v, %v, %v; want found %v removed %v", tt.id, d.ID, d.Removed, found, err, tt.found, tt.removed)
		}
	}
}
