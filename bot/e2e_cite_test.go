package bot_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"path/filepath"
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

// pages is a stand-in for the citation pages' address.
const pages = "https://dossier.example.org/c/"

// citeWorld is a bot serving the built-in corpus with its citations kept.
type citeWorld struct {
	fake  *discordtest.Server
	store state.Store
	// notes are what Resolve says of a citation, by id.
	notes map[string][2]string
}

func newCiteWorld(tb testing.TB) *citeWorld {
	tb.Helper()
	w := &citeWorld{fake: discordtest.NewServer(tb), notes: map[string][2]string{}}
	st, err := state.Open(filepath.Join(tb.TempDir(), state.FileName))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	w.store = st
	// Registered after the store's cleanup, so the bot stops first.
	serve(tb, w.fake, builtinIndex(tb), bot.Options{Citations: &bot.Citations{
		Store:   st,
		PageURL: func(id string) string { return pages + id + "-token" },
		Resolve: func(id string) (string, string, error) { n := w.notes[id]; return n[0], n[1], nil },
	}})
	return w
}

// as plays in as a member other than the default one.
func as(userID string, in *discordgo.Interaction) *discordgo.Interaction {
	in.Member = &discordgo.Member{User: &discordgo.User{ID: userID, Username: "other-" + userID}, Roles: []string{}}
	return in
}

// footerID is the citation id an embed's footer names.
func footerID(tb testing.TB, e *discordgo.MessageEmbed) string {
	tb.Helper()
	if e.Footer == nil {
		tb.Fatalf("embed %q has no footer", e.Title)
	}
	_, id, ok := strings.Cut(e.Footer.Text, " · cite ")
	if !ok || !cite.Valid(id) {
		tb.Fatalf("footer %q names no citation id", e.Footer.Text)
	}
	return id
}

func choiceValues(cs []*discordgo.ApplicationCommandOptionChoice) []string {
	var out []string
	for _, c := range cs {
		out = append(out, fmt.Sprint(c.Value))
	}
	return out
}

func TestCitationsShownKeptAndReused(t *testing.T) {
	t.Parallel()
	w := newCiteWorld(t)
	fake := w.fake

	// A public answer: each quote names its citation, kept under that id,
	// links to its page in context, and is listed as posted here.
	r := wait(t, fake.Interact(t, ask(delegationQuestion)))
	var ids []string
	for _, e := range r.Original.Embeds {
		id := footerID(t, e)
		ids = append(ids, id)
		kc, found, err := w.store.Citation(id)
		if err != nil || !found {
			t.Fatalf("Citation(%q) = %v, %v; want it kept", id, found, err)
		}
		if want := cite.ID(kc.DocID, kc.Text); id != want {
			t.Errorf("footer id %q, want cite.ID of the kept passage %q", id, want)
		}
		if !strings.Contains(e.Description, "[In context]("+pages+id+"-token)") {
			t.Errorf("quote %s does not link to its page in context:\n%s", id, e.Description)
		}
		if kc.URL == "" && e.URL != pages+id+"-token" {
			t.Errorf("%q has no address; its title links to %q, want its page", kc.Title, e.URL)
		}
	}
	// The bot keeps a posting once Discord has the message.
	posted := w.postedIn(t, fake.ChannelID(), len(ids))
	var postedIDs []string
	for _, p := range posted {
		postedIDs = append(postedIDs, p.ID)
		if p.MessageID != r.Original.ID {
			t.Errorf("citation %s posted in message %q, want the reply %q", p.ID, p.MessageID, r.Original.ID)
		}
	}
	if !slices.Equal(postedIDs, ids) {
		t.Errorf("CitationsIn() = %v, want the reply's %v in order", postedIDs, ids)
	}

	// Another member asks privately: what they were shown is theirs to
	// cite, and is not posted in the channel.
	const other = "424242424242424242"
	private := wait(t, fake.Interact(t, as(other, ask("Did Iran deny the North Korean visit?", boolOption("private", true)))))
	var otherIDs []string
	for _, e := range private.Original.Embeds {
		otherIDs = append(otherIDs, footerID(t, e))
	}
	if after, _ := w.store.CitationsIn(fake.ChannelID(), 0); len(after) != len(posted) {
		t.Errorf("a private answer was listed as posted: %d citations, want %d", len(after), len(posted))
	}

	// Autocomplete offers each member what they were shown, newest first.
	mine := wait(t, fake.Interact(t, discordtest.Autocomplete("cite", "id", "")))
	if got := choiceValues(mine.Choices); !slices.Equal(got, ids) && !sameSet(got, ids) {
		t.Errorf("/cite choices = %v, want the ids shown to this member %v", got, ids)
	}
	theirs := wait(t, fake.Interact(t, as(other, discordtest.Autocomplete("cite", "id", ""))))
	if got := choiceValues(theirs.Choices); !sameSet(got, otherIDs) {
		t.Errorf("/cite choices for the other member = %v, want only theirs %v", got, otherIDs)
	}
	typed := wait(t, fake.Interact(t, discordtest.Autocomplete("cite", "id", ids[1][:3])))
	if got := choiceValues(typed.Choices); len(got) == 0 || got[0] != ids[1] {
		t.Errorf("/cite choices for %q = %v, want %s first", ids[1][:3], got, ids[1])
	}

	// /cite posts the other member's private citation for everyone.
	shared := otherIDs[0]
	kc, _, _ := w.store.Citation(shared)
	c := wait(t, fake.Interact(t, as(other, discordtest.SlashCommand("cite", discordtest.StringOption("id", strings.ToUpper(shared))))))
	post := c.Original
	if post == nil || post.Flags&discordgo.MessageFlagsEphemeral != 0 || len(post.Embeds) != 1 {
		t.Fatalf("/cite reply = %+v, want one public embed", post)
	}
	e := post.Embeds[0]
	if !strings.Contains(post.Content, shared) || !strings.Contains(post.Content, "other-") {
		t.Errorf("/cite content = %q, want the id and who shared it", post.Content)
	}
	if footerID(t, e) != shared || !strings.HasPrefix(e.Description, "> ") || !strings.Contains(e.Description, "("+pages+shared+"-token)") {
		t.Errorf("/cite embed = %q / %q, want the quote, the page link and the id", e.Description, e.Footer.Text)
	}
	if e.Title != kc.Title {
		t.Errorf("/cite title = %q, want %q", e.Title, kc.Title)
	}
	if after := w.postedIn(t, fake.ChannelID(), len(posted)+1); after[len(after)-1].ID != shared || after[len(after)-1].MessageID != post.ID {
		t.Errorf("after /cite the channel lists %+v, want %s last, in message %s", after, shared, post.ID)
	}

	// Errors are short and private.
	for _, tc := range []struct{ id, want string }{
		{"zzzzzzzz", "No citation zzzzzzzz"},
		{"hello!", "is not a citation id"},
	} {
		r := wait(t, fake.Interact(t, discordtest.SlashCommand("cite", discordtest.StringOption("id", tc.id))))
		if r.Original.Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.Contains(r.Original.Content, tc.want) {
			t.Errorf("/cite %q = %q (flags %d), want a private %q", tc.id, r.Original.Content, r.Original.Flags, tc.want)
		}
	}
	noViolations(t, fake)
}

// postedIn waits until the channel lists n citations, and returns them.
func (w *citeWorld) postedIn(tb testing.TB, channelID string, n int) []state.PostedCitation {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		posted, err := w.store.CitationsIn(channelID, 0)
		if err != nil {
			tb.Fatal(err)
		}
		if len(posted) >= n || time.Now().After(deadline) {
			if len(posted) != n {
				tb.Fatalf("channel %s lists %d citations, want %d", channelID, len(posted), n)
			}
			return posted
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// ids are the citation ids the embeds' footers name.
func ids(embeds []*discordgo.MessageEmbed) []string {
	var out []string
	for _, e := range embeds {
		if e.Footer == nil {
			continue
		}
		if _, id, ok := strings.Cut(e.Footer.Text, " · cite "); ok {
			out = append(out, id)
		}
	}
	return out
}

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

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

func TestCiteSaysWhatBecameOfThePassage(t *testing.T) {
	t.Parallel()
	w := newCiteWorld(t)
	r := wait(t, w.fake.Interact(t, ask(delegationQuestion)))
	id := footerID(t, r.Original.Embeds[0])
	w.notes[id] = [2]string{"This passage has since changed; as quoted on 2026-12-04.", "The *new* wording of the passage."}
	c := wait(t, w.fake.Interact(t, discordtest.SlashCommand("cite", discordtest.StringOption("id", id))))
	if n := len(c.Original.Embeds); n != 2 {
		t.Fatalf("/cite of a changed passage shows %d embeds, want the quote and the nearest passage", n)
	}
	if d := c.Original.Embeds[0].Description; !strings.Contains(d, "This passage has since changed; as quoted on 2026-12-04.") {
		t.Errorf("/cite description = %q, want the note", d)
	}
	if d := c.Original.Embeds[1].Description; d != `> The \*new\* wording of the passage.` {
		t.Errorf("nearest passage = %q, want it quoted and escaped", d)
	}
	noViolations(t, w.fake)
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
