package bot_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/dossier-bot/dossier/bot"
	"github.com/dossier-bot/dossier/bot/discordtest"
	"github.com/dossier-bot/dossier/bot/state"
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
