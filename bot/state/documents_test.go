package state

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

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

func TestRecordDocuments(t *testing.T) {
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
		got, err := s.RecordDocuments(st.docs, st.at, func(d corpus.Document) string {
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
