package digest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dossier-bot/dossier/corpus/ingest"
)

// A document added with dossier add or /add is in the next digest's new
// documents, credited to whoever added it by name: escaped, so the name
// can neither format nor ping.
func TestDigestCreditsTheAdder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	mtime := time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)
	writeDoc(t, dir, "orchard.md", "Orchard Report", "The orchard cooperative harvested nine tonnes of quinces this autumn.", mtime)
	clock := newFakeClock(time.Date(2024, 4, 30, 9, 0, 0, 0, time.UTC))
	w, ix, st := newWatcher(t, dir, clock)
	if _, err := w.Poll(ctx); err != nil {
		t.Fatal(err)
	}

	since := clock.Now()
	clock.set(since.Add(time.Hour))
	src := ingest.Source{Name: "ferry.md", Data: []byte("Ferry Timetable\n\nThe winter ferry to Skerry Island sails twice a week from the harbour.\n")}
	added, err := ingest.New(dir).Add(src, "Ana *the* <@123> @everyone", clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	w.Written(added.Path) // whole: indexed without waiting for it to settle
	if _, err := w.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	in, err := Gather(ctx, st, ix, Window{Date: clock.Now(), Since: since, Until: clock.Now()})
	if err != nil {
		t.Fatal(err)
	}
	md := Markdown(Compose(in))
	want := "**Ferry Timetable** · new · added by Ana \\*the\\* \\<@123\\> @\u200beveryone"
	if !strings.Contains(md, want) {
		t.Errorf("digest after an add:\n%s\nwant the new document credited: %q", md, want)
	}
	if strings.Contains(md, "Orchard") {
		t.Errorf("digest after an add shows the document that was there before:\n%s", md)
	}
	for _, msg := range Messages(Compose(in)) {
		if strings.Contains(msg, "<@123>") || strings.Contains(msg, "@everyone") {
			t.Errorf("digest message can ping: %q", msg)
		}
	}
}
