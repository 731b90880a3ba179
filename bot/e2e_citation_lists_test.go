package bot_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/dossier-bot/dossier/bot"
	"github.com/dossier-bot/dossier/bot/digest"
	"github.com/dossier-bot/dossier/bot/discordtest"
	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/bot/state/statetest"
	"github.com/dossier-bot/dossier/corpus/cite"
)

// markup is s with every backslash-escaped character blanked out: what
// is left is what Discord reads as markdown.
func markup(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		if rs[i] == '\\' && i+1 < len(rs) {
			i++
			b.WriteRune('_')
			continue
		}
		b.WriteRune(rs[i])
	}
	return b.String()
}

// forged reports whether markdown holds a link to anything but the pages,
// Discord's message links and the documents' addresses, or a mention.
func forged(md string) bool {
	m := markup(md)
	if strings.Contains(m, "<@") || strings.Contains(m, "@everyone") {
		return true
	}
	for _, part := range strings.Split(m, "](")[1:] {
		part = strings.TrimPrefix(part, "<")
		if !strings.HasPrefix(part, pages) && !strings.HasPrefix(part, "https://discord.com/channels/") {
			return true
		}
	}
	return false
}

// download reads an attachment as uploaded to the fake.
func download(tb testing.TB, fake *discordtest.Server, m *discordtest.Message, suffix string) []byte {
	tb.Helper()
	for _, a := range m.Attachments {
		if strings.HasSuffix(a.Filename, suffix) {
			data, ok := fake.AttachmentData(a)
			if !ok {
				tb.Fatalf("attachment %s was not uploaded", a.Filename)
			}
			return data
		}
	}
	tb.Fatalf("no %s attachment among %+v", suffix, m.Attachments)
	return nil
}

func TestCitationsInThisThread(t *testing.T) {
	t.Parallel()
	w := newCiteWorld(t)
	fake := w.fake
	thread := fake.AddChannel("write-up")

	// Citations posted in the general channel stay out of the thread's list.
	wait(t, fake.Interact(t, ask("How does North Korea help Iran's missile program?")))
	first := wait(t, fake.Interact(t, inChannel(ask(delegationQuestion), thread)))
	second := wait(t, fake.Interact(t, inChannel(ask("Did Iran deny the North Korean visit?"), thread)))
	var want []string
	for _, r := range []discordtest.Response{first, second} {
		for _, id := range ids(r.Original.Embeds) {
			if !slices.Contains(want, id) {
				want = append(want, id)
			}
		}
	}
	w.postedIn(t, thread, len(want))

	target := fake.UserMessage(thread, "Let's write this up.")
	for _, in := range []*discordgo.Interaction{
		discordtest.MessageCommand("Citations in this thread", target.Message),
		inChannel(discordtest.SlashCommand("citations"), thread),
	} {
		r := wait(t, fake.Interact(t, in))
		m := r.Original
		if m.Flags&discordgo.MessageFlagsEphemeral == 0 || len(m.Embeds) != 1 || len(m.Attachments) != 2 {
			t.Fatalf("list = %+v with %d attachments, want a private embed and two files", m.Message, len(m.Attachments))
		}
		var items []cite.Item
		if err := json.Unmarshal(download(t, fake, m, ".json"), &items); err != nil {
			t.Fatalf("the CSL-JSON attachment does not parse: %v", err)
		}
		var got []string
		for _, it := range items {
			got = append(got, it.ID)
			if it.Type == "" || it.Title == "" || it.URL == "" {
				t.Errorf("CSL item %+v lacks a type, title or URL", it)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("CSL-JSON ids = %v, want the thread's citations in order %v", got, want)
		}
		md := string(download(t, fake, m, ".md"))
		if !strings.HasPrefix(md, "# Citations from #write-up on Discord") || !slices.ContainsFunc(m.Attachments, func(a *discordgo.MessageAttachment) bool {
			return a.Filename == "citations-write-up.json"
		}) {
			t.Errorf("files %+v start %q, want them named after the channel", m.Attachments, md[:min(len(md), 60)])
		}
		desc := m.Embeds[0].Description
		for n, id := range want {
			if !strings.Contains(md, id) || !strings.Contains(desc, fmt.Sprintf("%d\\. ", n+1)) || !strings.Contains(desc, "cite "+id) {
				t.Errorf("citation %d (%s) missing from the list or the Markdown file:\n%s\n%s", n+1, id, desc, md)
			}
		}
	}

	// A channel without citations says so, privately, with no files.
	empty := fake.AddChannel("empty")
	r := wait(t, fake.Interact(t, inChannel(discordtest.SlashCommand("citations"), empty)))
	if !strings.Contains(r.Original.Content, "no citations") || len(r.Original.Attachments) != 0 {
		t.Errorf("empty channel list = %q with %d files, want a note and none", r.Original.Content, len(r.Original.Attachments))
	}
	noViolations(t, fake)
}

// TestLongCitationListsFit keeps many hostile citations in one channel:
// the list is cut with a count within Discord's limits, the files hold
// them all, and nothing a document says becomes a link or a mention.
func TestLongCitationListsFit(t *testing.T) {
	t.Parallel()
	w := newCiteWorld(t)
	fake := w.fake
	const n = 300
	var kept []state.KeptCitation
	for j := range n {
		kept = append(kept, state.KeptCitation{
			DocID:     fmt.Sprintf("evil-%d", j),
			Title:     fmt.Sprintf("[Click %d](https://evil.example/%d) @everyone <@1234>", j, j),
			Publisher: "**Evil** `Corp`",
			Text:      fmt.Sprintf("Passage %d says [see](https://evil.example/phish) and <@&999> ||spoiler||.", j),
			Excerpt:   fmt.Sprintf("Passage %d says [see](https://evil.example/phish).", j),
		})
	}
	at := time.Now()
	if _, err := w.store.RecordCitations(state.Shown{At: at, GuildID: fake.GuildID(), ChannelID: fake.ChannelID(), UserID: fake.UserID()}, kept); err != nil {
		t.Fatal(err)
	}
	r := wait(t, fake.Interact(t, discordtest.SlashCommand("citations")))
	m := r.Original
	desc := m.Embeds[0].Description
	if !strings.Contains(desc, "more") || !strings.Contains(m.Content, "300 citations") {
		t.Errorf("list of %d = %q / %q, want it cut with a count", n, m.Content, desc)
	}
	if forged(desc) {
		t.Errorf("document text made a link or mention:\n%s", desc)
	}
	var items []cite.Item
	if err := json.Unmarshal(download(t, fake, m, ".json"), &items); err != nil || len(items) != n {
		t.Fatalf("CSL-JSON holds %d items (%v), want all %d", len(items), err, n)
	}
	md := string(download(t, fake, m, ".md"))
	if got := strings.Count(md, "(Dossier citation "); got != n || forged(md) {
		t.Errorf("Markdown file holds %d references, want %d, and no forged link", got, n)
	}

	// /cite of one of them escapes it all too.
	id := items[7].ID
	c := wait(t, fake.Interact(t, discordtest.SlashCommand("cite", discordtest.StringOption("id", id))))
	e := c.Original.Embeds[0]
	for _, s := range []string{e.Title, e.Description} {
		if forged(s) {
			t.Errorf("/cite shows document text as markdown: %q", s)
		}
	}
	noViolations(t, fake)
}

// TestPostedSourcesAreListed: Find sources answers privately, so nothing is
// posted until Post to channel shares it; then the shared message's
// citations are the channel's, with that message.
func TestPostedSourcesAreListed(t *testing.T) {
	t.Parallel()
	w := newCiteWorld(t)
	fake := w.fake
	target := fake.UserMessage(fake.ChannelID(), "I heard "+delegationQuestion)
	r := wait(t, fake.Interact(t, discordtest.MessageCommand("Find sources", target.Message)))
	shown := ids(r.Original.Embeds)
	if len(shown) == 0 {
		t.Fatalf("Find sources shows no citation ids: %+v", r.Original.Embeds)
	}
	if posted, _ := w.store.CitationsIn(fake.ChannelID(), 0); len(posted) != 0 {
		t.Errorf("a private Find sources reply was listed as posted: %+v", posted)
	}
	p, err := fake.Interact(t, discordtest.Component(buttons(r.Original)["Post to channel"], r.Original.Message)).
		WaitUntil(waitCtx(t), func(r discordtest.Response) bool { return len(r.Followups) > 0 })
	if err != nil {
		t.Fatalf("Post to channel: %v", err)
	}
	if got := ids(p.Followups[0].Embeds); !slices.Equal(got, shown) {
		t.Errorf("posted embeds cite %v, want the ids shown %v", got, shown)
	}
	posted := w.postedIn(t, fake.ChannelID(), len(shown))
	for j, pc := range posted {
		if pc.ID != shown[j] || pc.MessageID != p.Followups[0].ID {
			t.Errorf("posted citation %d = %s in message %s, want %s in %s", j, pc.ID, pc.MessageID, shown[j], p.Followups[0].ID)
		}
	}
	noViolations(t, fake)
}

// TestReplicasShareTheCitations: in interactions mode, replicas sharing
// one database keep the passages each shows there, so /cite and
// /citations on any replica find those another showed.
func TestReplicasShareTheCitations(t *testing.T) {
	t.Parallel()
	url := statetest.Database(t)
	fake := discordtest.NewServer(t)
	_, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	var stores []state.Store
	var eps []*endpoint
	for range 2 {
		ix := builtinIndex(t)
		store, err := state.OpenPostgres(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { store.Close() })
		stores = append(stores, store)
		eps = append(eps, serveInteractionsWith(t, fake, ix, bot.Options{
			Digests:   &bot.Digests{Store: store, Preview: digest.NewScheduler(digest.Config{Store: store, Index: ix})},
			Citations: &bot.Citations{Store: store},
		}, key))
	}
	store := stores[1]
	asked, replica := eps[0], eps[1]
	post := func(in *discordgo.Interaction) discordtest.Response {
		t.Helper()
		r, err := fake.Post(t, replica.url, replica.key, in).Wait(waitCtx(t))
		if err != nil {
			t.Fatal(err)
		}
		return r
	}

	r, err := fake.Post(t, asked.url, asked.key, ask(delegationQuestion, intOption("results", 2))).Wait(waitCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	shown := ids(r.Original.Embeds)
	if len(shown) != 2 {
		t.Fatalf("the first replica's answer cites %v, want 2 ids", shown)
	}
	w := &citeWorld{fake: fake, store: store}
	posted := w.postedIn(t, fake.ChannelID(), len(shown))
	for j, p := range posted {
		if p.ID != shown[j] {
			t.Errorf("kept citation %d = %s, want the one shown, %s", j, p.ID, shown[j])
		}
	}
	if got := choiceValues(post(discordtest.Autocomplete("cite", "id", "")).Choices); !sameSet(got, shown) {
		t.Errorf("/cite choices on the other replica = %v, want %v", got, shown)
	}
	c := post(discordtest.SlashCommand("cite", discordtest.StringOption("id", shown[1])))
	if c.Original == nil || len(c.Original.Embeds) != 1 || footerID(t, c.Original.Embeds[0]) != shown[1] {
		t.Errorf("/cite on the other replica = %+v, want the citation posted", c.Original)
	}
	l := post(discordtest.SlashCommand("citations"))
	if l.Original == nil || len(l.Original.Attachments) != 2 {
		t.Errorf("/citations on the other replica = %+v, want the list with two files", l.Original)
	}
	noViolations(t, fake)
}
