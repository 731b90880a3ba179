package digest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/corpus/golden"
)

// sampleDigest is a digest of the built-in corpus with every section: a
// document new, one changed, one removed, questions, and a watch.
func sampleDigest(tb testing.TB) Digest {
	tb.Helper()
	ctx := context.Background()
	c := builtin(tb)
	ix := memoryIndex(tb, c)
	st := newStore(tb)
	day := time.Date(2024, 4, 30, 9, 0, 0, 0, time.UTC)
	// Three days ago: documents 1 to 3 and one that is later retracted.
	retracted := c.Documents[3]
	retracted.ID, retracted.Path, retracted.Title = "retracted", "retracted.md", "A report later retracted"
	if _, err := st.RecordDocuments(&corpus.Corpus{Documents: append(c.Documents[1:4:4], retracted)}, day.Add(-72*time.Hour), Lead); err != nil {
		tb.Fatal(err)
	}
	// Two hours ago: document 0 added, document 1 edited, the report gone.
	now := append(c.Documents[:0:0], c.Documents...)
	now[1].Hash = "edited"
	if _, err := st.RecordDocuments(&corpus.Corpus{Documents: now}, day.Add(-2*time.Hour), Lead); err != nil {
		tb.Fatal(err)
	}
	for i, q := range []string{
		"Who led the North Korean delegation to Tehran?",
		"who led the North Korean delegation to Tehran",
		"What is KOMID?",
		"What did the team decide about the launch date?",
		"Is there a [link](https://evil.example) or @everyone here?",
	} {
		a, err := ix.Ask(ctx, q, 3)
		if err != nil {
			tb.Fatal(err)
		}
		logAnswer(tb, st, a, day.Add(-time.Duration(i+1)*time.Hour))
	}
	for _, q := range []string{"missile cooperation", "weather in Lisbon"} {
		if _, err := st.AddWatch(state.Watch{GuildID: "g", ChannelID: "c", Query: q}); err != nil {
			tb.Fatal(err)
		}
	}
	in, err := Gather(ctx, st, ix, Window{GuildID: "g", ChannelID: "c", Date: day, Since: day.Add(-24 * time.Hour), Until: day, AskedSince: day.Add(-24 * time.Hour)})
	if err != nil {
		tb.Fatal(err)
	}
	return Compose(in)
}

func TestMarkdownGolden(t *testing.T) {
	t.Parallel()
	d := sampleDigest(t)
	if len(d.Documents) == 0 || len(d.Asked) == 0 || len(d.Unanswered) == 0 || len(d.Watches) == 0 {
		t.Fatalf("sample digest lacks a section: %+v", d)
	}
	golden.Check(t, "digest.md", Markdown(d))
	golden.Check(t, "digest-messages.txt", strings.Join(Messages(d), "\n\n======== next message ========\n\n"))
}

// TestDocumentTextCannotForgeMarkup renders documents and questions full
// of markup and checks none of it survives as markup.
func TestDocumentTextCannotForgeMarkup(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 4, 30, 9, 0, 0, 0, time.UTC)
	evil := "[Official notice](https://evil.example) @everyone <@&42>\n# Heading\n> quote"
	d := Compose(Input{Date: now, Since: now.Add(-time.Hour), Until: now,
		Documents:  []state.Document{{ID: "x", Title: evil, Publisher: evil, Lead: evil, URL: "https://example.com/ok", FirstSeen: now, Changed: now}},
		Asked:      []state.Asked{{Text: evil, Count: 3, Citation: state.Citation{DocID: "x", Title: evil, Excerpt: evil, Link: "https://example.com/ok"}}},
		Unanswered: []state.Asked{{Text: evil, Count: 1}, {Text: evil, Count: 2, Reply: state.ReplyRelated}},
	})
	md := Markdown(d)
	for _, bad := range []string{"[Official notice](", "@everyone", "<@&42>", "\n# Heading", "\n> quote", "evil.example)"} {
		if strings.Contains(md, bad) {
			t.Errorf("Markdown contains %q:\n%s", bad, md)
		}
	}
	// The only links are the document's own.
	if n := strings.Count(md, "](<"); n != 2 || strings.Count(md, "](<https://example.com/ok>)") != 2 {
		t.Errorf("Markdown has %d links, want the document's two:\n%s", n, md)
	}
}
