package state

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	bolt "go.etcd.io/bbolt"

	"github.com/dossier-bot/dossier/corpus"
)

// docs makes documents from id, hash pairs.
func docs(idHash ...string) []corpus.Document {
	var ds []corpus.Document
	for i := 0; i+1 < len(idHash); i += 2 {
		id := idHash[i]
		ds = append(ds, corpus.Document{ID: id, Path: id + ".md", Title: "Title " + id, Hash: idHash[i+1], Text: "text of " + id})
	}
	return ds
}

func leadOf(d corpus.Document) string { return "lead of " + d.ID }

// all is a source of ds.
func all(ds []corpus.Document) *corpus.Corpus { return &corpus.Corpus{Documents: ds} }

func TestRecordDocuments(t *testing.T) { eachStore(t, testRecordDocuments) }

func testRecordDocuments(t *testing.T, newStore func(testing.TB) Store) {
	t.Parallel()
	s := newStore(t)
	t1, t2, t3, t4 := t0, t0.Add(time.Hour), t0.Add(2*time.Hour), t0.Add(3*time.Hour)
	renamed := docs("a", "h1", "b", "h2", "c", "h3")
	renamed[0].Title = "New title"

	steps := []struct {
		name  string
		docs  []corpus.Document
		at    time.Time
		want  Changes
		leads []string // ids whose lead is worked out
	}{
		{"first sight", docs("a", "h1", "b", "h2"), t1, Changes{Added: []string{"a", "b"}}, []string{"a", "b"}},
		{"nothing new", docs("a", "h1", "b", "h2"), t2, Changes{}, nil},
		{"title, content and a new one", []corpus.Document{renamed[0], docs("b", "h2x")[0], renamed[2]}, t2, Changes{Added: []string{"c"}, Changed: []string{"a", "b"}}, []string{"a", "b", "c"}},
		{"removed", docs("c", "h3"), t3, Changes{Removed: []string{"a", "b"}}, nil},
		{"back again", docs("a", "h1", "c", "h3"), t4, Changes{Added: []string{"a"}}, []string{"a"}},
	}
	for _, st := range steps {
		var leads []string
		got, err := s.RecordDocuments(all(st.docs), st.at, func(d corpus.Document) string {
			leads = append(leads, d.ID)
			return leadOf(d)
		})
		if err != nil {
			t.Fatalf("%s: RecordDocuments: %v", st.name, err)
		}
		if diff := cmp.Diff(st.want, got); diff != "" {
			t.Errorf("%s: RecordDocuments changes (-want +got):\n%s", st.name, diff)
		}
		if !cmp.Equal(leads, st.leads) {
			t.Errorf("%s: leads worked out for %v, want %v", st.name, leads, st.leads)
		}
	}

	got, err := s.Documents()
	if err != nil {
		t.Fatal(err)
	}
	want := []Document{
		{ID: "a", Path: "a.md", Title: "Title a", Hash: "h1", Lead: "lead of a", FirstSeen: t4, Changed: t4},
		{ID: "b", Path: "b.md", Title: "Title b", Hash: "h2x", Lead: "lead of b", FirstSeen: t1, Changed: t2, Removed: t3},
		{ID: "c", Path: "c.md", Title: "Title c", Hash: "h3", Lead: "lead of c", FirstSeen: t2, Changed: t2},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Documents (-want +got):\n%s", diff)
	}
}

// withPassages makes a document whose passages have the given texts.
func withPassages(id, hash string, texts ...string) corpus.Document {
	d := corpus.Document{ID: id, Path: id + ".md", Title: "Title " + id, Hash: hash}
	for i, text := range texts {
		d.Passages = append(d.Passages, corpus.Passage{ID: corpus.PassageID(id, i), DocID: id, Ordinal: i, Text: text})
	}
	return d
}

// firstSeen says when the registry's record of id first saw each text.
func firstSeen(tb testing.TB, s Store, id string, texts ...string) []time.Time {
	tb.Helper()
	all, err := s.Documents()
	if err != nil {
		tb.Fatal(err)
	}
	for _, d := range all {
		if d.ID == id {
			var ts []time.Time
			for _, text := range texts {
				ts = append(ts, d.PassageFirstSeen(text))
			}
			return ts
		}
	}
	tb.Fatalf("Documents() has no %q", id)
	return nil
}

func TestRecordDocumentsKeepsWhenEachPassageWasFirstSeen(t *testing.T) {
	eachStore(t, testRecordDocumentsKeepsWhenEachPassageWasFirstSeen)
}

func testRecordDocumentsKeepsWhenEachPassageWasFirstSeen(t *testing.T, newStore func(testing.TB) Store) {
	t.Parallel()
	s := newStore(t)
	t1, t2, t3, t4 := t0, t0.Add(time.Hour), t0.Add(2*time.Hour), t0.Add(3*time.Hour)
	const p1, p2, p2x, p3, p4 = "The envoy met the minister.", "Talks lasted a day.", "Talks lasted three days.", "No deal was signed.", "A second round is planned."
	steps := []struct {
		name  string
		doc   corpus.Document
		at    time.Time
		want  Changes
		texts []string
		seen  []time.Time
	}{
		{"first sight", withPassages("a", "h1", p1, p2, p3), t1, Changes{Added: []string{"a"}},
			[]string{p1, p2, p3}, []time.Time{t1, t1, t1}},
		{"one paragraph edited", withPassages("a", "h2", p1, p2x, p3), t2, Changes{Changed: []string{"a"}},
			[]string{p1, p2x, p3}, []time.Time{t1, t2, t1}},
		{"re-wrapped, one added", withPassages("a", "h3", "The envoy\nmet   the minister.", p2x, p3, p4), t3, Changes{Changed: []string{"a"}},
			[]string{p1, p2x, p3, p4}, []time.Time{t1, t2, t1, t3}},
		{"unchanged", withPassages("a", "h3", "The envoy\nmet   the minister.", p2x, p3, p4), t4, Changes{},
			[]string{p1, p2x, p3, p4}, []time.Time{t1, t2, t1, t3}},
		{"the edit undone", withPassages("a", "h4", p1, p2, p3, p4), t4, Changes{Changed: []string{"a"}},
			[]string{p1, p2, p3, p4}, []time.Time{t1, t4, t1, t3}},
	}
	for _, st := range steps {
		got, err := s.RecordDocuments(all([]corpus.Document{st.doc}), st.at, leadOf)
		if err != nil {
			t.Fatalf("%s: RecordDocuments: %v", st.name, err)
		}
		if diff := cmp.Diff(st.want, got); diff != "" {
			t.Errorf("%s: RecordDocuments changes (-want +got):\n%s", st.name, diff)
		}
		if seen := firstSeen(t, s, "a", st.texts...); !cmp.Equal(seen, st.seen) {
			t.Errorf("%s: passages first seen %v, want %v", st.name, seen, st.seen)
		}
	}
}

func TestPassagesOfARecordFromSchemaOne(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), FileName)
	// A schema 1 store: its document records have no passages.
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		if err := migrations()[0](tx); err != nil {
			return err
		}
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		if err := meta.Put(keySchema, []byte("1")); err != nil {
			return err
		}
		old := map[string]any{"ID": "a", "Path": "a.md", "Title": "Title a", "Hash": "h1", "Lead": "lead of a", "FirstSeen": t0, "Changed": t0.Add(time.Hour)}
		return put(tx.Bucket(bucketDocuments), []byte("a"), old)
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}

	s := open(t, path)
	const p1, p2, p2x = "The envoy met the minister.", "Talks lasted a day.", "Talks lasted three days."
	if got, want := firstSeen(t, s, "a", p1), []time.Time{t0}; !cmp.Equal(got, want) {
		t.Errorf("after the upgrade, a passage first seen %v, want with the document, %v", got, want)
	}
	// The same file: its passages were there when it last changed.
	later := t0.Add(5 * time.Hour)
	ch, err := s.RecordDocuments(all([]corpus.Document{withPassages("a", "h1", p1, p2)}), later, leadOf)
	if err != nil || !ch.Empty() {
		t.Fatalf("RecordDocuments of the unchanged document = %+v, %v; want no changes", ch, err)
	}
	if got, want := firstSeen(t, s, "a", p1, p2), []time.Time{t0, t0}; !cmp.Equal(got, want) {
		t.Errorf("unchanged document's passages first seen %v, want %v", got, want)
	}
	ch, err = s.RecordDocuments(all([]corpus.Document{withPassages("a", "h2", p1, p2x)}), later.Add(time.Hour), leadOf)
	if err != nil || !cmp.Equal(ch.Changed, []string{"a"}) {
		t.Fatalf("RecordDocuments of an edit = %+v, %v; want a changed", ch, err)
	}
	if got, want := firstSeen(t, s, "a", p1, p2x), []time.Time{t0, later.Add(time.Hour)}; !cmp.Equal(got, want) {
		t.Errorf("after an edit, passages first seen %v, want %v", got, want)
	}
}

func TestRecordDocumentsOfNothingKeepsTheRegistry(t *testing.T) {
	eachStore(t, testRecordDocumentsOfNothingKeepsTheRegistry)
}

func testRecordDocumentsOfNothingKeepsTheRegistry(t *testing.T, newStore func(testing.TB) Store) {
	t.Parallel()
	s := newStore(t)
	if _, err := s.RecordDocuments(all(docs("a", "h1", "b", "h2")), t0, leadOf); err != nil {
		t.Fatal(err)
	}
	before, err := s.Documents()
	if err != nil {
		t.Fatal(err)
	}
	if ch, err := s.RecordDocuments(all(nil), t0.Add(time.Hour), leadOf); !errors.Is(err, ErrNoDocuments) {
		t.Errorf("RecordDocuments(nothing) = %+v, %v; want ErrNoDocuments", ch, err)
	}
	after, err := s.Documents()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("registry after RecordDocuments(nothing) (-before +after):\n%s", diff)
	}
}
