package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dossier-bot/dossier/bot/citepage"
	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/index"
)

// TestBotCitationsResolve checks the bot is told what became of a cited
// passage, from a real index and state: nothing while it is there, the
// note and the nearest passage once it changed, the note once its
// document is gone.
func TestBotCitationsResolve(t *testing.T) {
	t.Parallel()
	if botCitations(nil, nil, nil) != nil {
		t.Errorf("botCitations(no state) is not nil: the bot would keep citations nowhere")
	}
	dir := t.TempDir()
	folder := filepath.Join(dir, "corpus")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	ix, err := index.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	st, err := state.Open(filepath.Join(dir, state.FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	// Another document keeps the corpus from ever being empty.
	if err := os.WriteFile(filepath.Join(folder, "orchard.md"), []byte("---\ntitle: Orchard Report\n---\nThe orchard cooperative harvested nine tonnes of quinces this autumn, more than in any year since it was founded.\n\nThe cider press will open to members in October.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sync := func(text string) {
		t.Helper()
		path := filepath.Join(folder, "harbour.md")
		if text == "" {
			os.Remove(path)
		} else if err := os.WriteFile(path, []byte("---\ntitle: Harbour Notes\n---\n"+text), 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := corpus.Load(os.DirFS(folder))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ix.Sync(context.Background(), c, nil); err != nil {
			t.Fatal(err)
		}
	}
	const keeper = "The lighthouse keeper Ada Brand kept the harbour light burning through the storm of 1911."
	sync(keeper + "\n\nThe ferry to the island sails twice a week in winter.\n")
	a, err := ix.Ask(context.Background(), "Who kept the harbour light burning?", 1)
	if err != nil || len(a.Results) == 0 {
		t.Fatalf("Ask() = %+v, %v; want the keeper's passage", a, err)
	}
	ids, err := st.RecordCitations(state.Shown{At: time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)}, []state.KeptCitation{citepage.Keep(a.Results[0])})
	if err != nil {
		t.Fatal(err)
	}
	c := botCitations(st, ix, nil)

	note, nearest, err := c.Resolve(ids[0])
	if err != nil || note != "" || nearest != "" {
		t.Errorf("Resolve(current) = %q, %q, %v; want nothing to say", note, nearest, err)
	}
	sync(strings.Replace(keeper, "1911", "1912", 1) + "\n\nThe ferry to the island sails twice a week in winter.\n")
	note, nearest, err = c.Resolve(ids[0])
	if err != nil || !strings.Contains(note, "has since changed") || !strings.Contains(nearest, "storm of 1912") {
		t.Errorf("Resolve(changed) = %q, %q, %v; want the note and the edited passage", note, nearest, err)
	}
	sync("")
	note, nearest, err = c.Resolve(ids[0])
	if err != nil || !strings.Contains(note, "removed from the corpus") || nearest != "" {
		t.Errorf("Resolve(removed) = %q, %q, %v; want the removal noted", note, nearest, err)
	}
}
