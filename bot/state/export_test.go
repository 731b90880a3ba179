package state

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/dossier-bot/dossier/corpus"
)

// fill writes one or more records of every kind to s.
func fill(tb testing.TB, s Store) {
	tb.Helper()
	must := func(err error) {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
	}
	_, err := s.Subscribe(Subscription{GuildID: "g", ChannelID: "c1", Time: "9:30", Zone: "Europe/London", CreatedBy: "u", Created: t0})
	must(err)
	_, err = s.Subscribe(Subscription{GuildID: "g", ChannelID: "c2", Time: "17:00", Created: t0})
	must(err)
	must(s.Pause("c2", "the channel was deleted", t0.Add(time.Hour)))
	for _, q := range []string{"missile cooperation", "oil exports", "drones"} {
		_, err = s.AddWatch(Watch{GuildID: "g", ChannelID: "c1", Query: q, CreatedBy: "u", Created: t0})
		must(err)
	}
	_, _, err = s.RemoveWatch("g", 2) // leaves a gap in the ids
	must(err)
	_, err = s.RecordDocuments(all([]corpus.Document{withPassages("a", "h1", "one", "two"), withPassages("b", "h2", "three")}), t0, leadOf)
	must(err)
	_, err = s.RecordDocuments(all([]corpus.Document{withPassages("a", "h1b", "one", "two, edited")}), t0.Add(time.Hour), leadOf)
	must(err)
	_, _, err = s.BeginDigest(Digest{ChannelID: "c1", Date: "2024-04-30", Status: Posting, Since: t0, Until: t0.Add(time.Hour), Started: t0,
		Parts: []Part{{Content: "part one", Nonce: "n1"}, {Content: "part two", Nonce: "n2"}}})
	must(err)
	must(s.PartPosted("c1", "2024-04-30", 0, "m1"))
	_, _, err = s.BeginDigest(Digest{ChannelID: "c1", Date: "2024-05-01", Status: Empty, Started: t0, Finished: t0})
	must(err)
	for i, text := range []string{"Who led the delegation?", "Where?", "Who led the delegation"} {
		q := Question{GuildID: "g", ChannelID: "c1", Text: text, Time: t0.Add(time.Duration(i) * time.Minute), Reply: ReplyRelated,
			Citations: []Citation{{DocID: "a", Title: "A", Link: "https://example.com/a#:~:text=one", Excerpt: "one"}}}
		must(s.LogQuestion(q))
	}
	_, err = s.RecordCitations(Shown{At: t0, GuildID: "g", ChannelID: "c1", MessageID: "m9", UserID: "u"},
		[]KeptCitation{kept("a", "one"), kept("b", "three")})
	must(err)
	_, err = s.RecordCitations(Shown{At: t0.Add(time.Minute), UserID: "u2"}, []KeptCitation{kept("a", "one")})
	must(err)
	_, err = s.CitationSecret()
	must(err)
}

// exported is everything s holds, as Export yields it.
func exported(tb testing.TB, s Store) []Record {
	tb.Helper()
	var recs []Record
	if err := s.Export(func(r Record) error {
		recs = append(recs, r)
		return nil
	}); err != nil {
		tb.Fatalf("Export: %v", err)
	}
	return recs
}

func TestExportImportRoundTrip(t *testing.T) {
	for _, from := range backends {
		for _, to := range backends {
			t.Run(from.name+" to "+to.name, func(t *testing.T) {
				t.Parallel()
				src, dst := from.open(t), to.open(t)
				fill(t, src)
				var buf bytes.Buffer
				n, err := WriteRecords(&buf, src)
				if err != nil {
					t.Fatalf("WriteRecords: %v", err)
				}
				got, err := dst.Import(ReadRecords(&buf))
				if err != nil || got != n {
					t.Fatalf("Import = %d, %v; want %d, nil", got, err, n)
				}
				want := exported(t, src)
				kinds := map[string]bool{}
				for _, r := range want {
					kinds[kindOf(r)] = true
				}
				if len(kinds) != 9 {
					t.Fatalf("the export has kinds %v, want all nine", kinds)
				}
				if diff := cmp.Diff(want, exported(t, dst)); diff != "" {
					t.Errorf("imported state differs (-exported +imported):\n%s", diff)
				}
				// The imported store carries on where the other left off.
				w, err := dst.AddWatch(Watch{GuildID: "g", ChannelID: "c1", Query: "sanctions"})
				if err != nil || w.ID != 4 {
					t.Errorf("AddWatch after import = %d, %v; want id 4", w.ID, err)
				}
				if _, err := dst.AddWatch(Watch{GuildID: "g", ChannelID: "c1", Query: "Missile  Cooperation"}); !errors.Is(err, ErrExists) {
					t.Errorf("AddWatch of an imported query = %v, want ErrExists", err)
				}
				ch, err := dst.RecordDocuments(all([]corpus.Document{withPassages("a", "h1b", "one", "two, edited")}), t0.Add(2*time.Hour), leadOf)
				if err != nil || !ch.Empty() {
					t.Errorf("RecordDocuments of the same corpus after import = %+v, %v; want no change", ch, err)
				}
				wantIn, _ := src.CitationsIn("c1", 0)
				if gotIn, err := dst.CitationsIn("c1", 0); err != nil || !cmp.Equal(wantIn, gotIn) || len(gotIn) != 2 {
					t.Errorf("CitationsIn after import = %v, %v; want %v", gotIn, err, wantIn)
				}
				wantSecret, _ := src.CitationSecret()
				if gotSecret, err := dst.CitationSecret(); err != nil || !bytes.Equal(wantSecret, gotSecret) {
					t.Errorf("CitationSecret after import differs (%v): citation links would break", err)
				}
				last, found, err := dst.LastDigest("c1")
				if err != nil || !found || last.Date != "2024-05-01" {
					t.Errorf("LastDigest after import = %q, %v, %v; want 2024-05-01", last.Date, found, err)
				}
			})
		}
	}
}

func kindOf(r Record) string {
	switch {
	case r.Subscription != nil:
		return "subscription"
	case r.Watch != nil:
		return "watch"
	case r.Document != nil:
		return "document"
	case r.Digest != nil:
		return "digest"
	case r.Question != nil:
		return "question"
	case r.Citation != nil:
		return "citation"
	case r.ChannelShowing != nil:
		return "channel showing"
	case r.UserShowing != nil:
		return "user showing"
	case r.CitationSecret != nil:
		return "citation secret"
	}
	return "none"
}

func TestImportRefusesAStoreInUse(t *testing.T) { eachStore(t, testImportRefusesAStoreInUse) }

func testImportRefusesAStoreInUse(t *testing.T, newStore func(testing.TB) Store) {
	t.Parallel()
	src, dst := newStore(t), newStore(t)
	fill(t, src)
	var buf bytes.Buffer
	if _, err := WriteRecords(&buf, src); err != nil {
		t.Fatal(err)
	}
	if _, err := dst.Subscribe(Subscription{ChannelID: "other", Time: "08:00"}); err != nil {
		t.Fatal(err)
	}
	if _, err := dst.Import(ReadRecords(&buf)); !errors.Is(err, ErrNotEmpty) {
		t.Errorf("Import into a store with a subscription = %v, want ErrNotEmpty", err)
	}
}

func TestImportOfABadLineKeepsNothing(t *testing.T) { eachStore(t, testImportOfABadLineKeepsNothing) }

func testImportOfABadLineKeepsNothing(t *testing.T, newStore func(testing.TB) Store) {
	t.Parallel()
	for _, tc := range []struct{ name, input, want string }{
		{"not json", `{"Subscription":{"ChannelID":"c","Time":"09:00"}}` + "\nhello\n", "line 2"},
		{"unknown kind", `{"Gadget":{}}`, "line 1"},
		{"two kinds", `{"Subscription":{"ChannelID":"c"},"Watch":{"ID":1}}`, "line 1"},
		{"no kind", `{}`, "line 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			_, err := s.Import(ReadRecords(strings.NewReader(tc.input)))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Import(%q) = %v, want an error naming %s", tc.input, err, tc.want)
			}
			if recs := exported(t, s); len(recs) != 0 {
				t.Errorf("after a failed import the store holds %d records, want none", len(recs))
			}
		})
	}
}

func TestReadRecordsEndsWithEOF(t *testing.T) {
	t.Parallel()
	next := ReadRecords(strings.NewReader("\n" + `{"Watch":{"ID":7,"Query":"q"}}` + "\n\n"))
	if r, err := next(); err != nil || r.Watch == nil || r.Watch.ID != 7 {
		t.Fatalf("first record = %+v, %v; want watch 7", r, err)
	}
	if _, err := next(); !errors.Is(err, io.EOF) {
		t.Errorf("after the last record: %v, want io.EOF", err)
	}
}
