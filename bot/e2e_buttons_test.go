package bot_test

import (
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/dossier-bot/dossier/bot"
	"github.com/dossier-bot/dossier/bot/discordtest"
)

func TestFindSourcesAndPostToChannel(t *testing.T) {
	t.Parallel()
	fake := discordtest.NewServer(t)
	serve(t, fake, builtinIndex(t), bot.Options{})
	chatter := strings.Repeat("honestly I am not sure about any of this and we keep going around in circles here. ", 3)
	target := fake.UserMessage(fake.ChannelID(),
		chatter+"Apparently Yun Jong Ho led the North Korean delegation to Tehran in April 2024? "+chatter+" https://example.com/x <@42>")
	r := wait(t, fake.Interact(t, discordtest.MessageCommand("Find sources", target.Message)))
	if r.Original == nil || r.Original.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Fatalf("Find sources reply = %+v, want an ephemeral message", r.Original)
	}
	if !strings.Contains(r.Original.Content, "Yun Jong Ho led the North Korean delegation") || strings.Contains(r.Original.Content, "circles") {
		t.Errorf("Find sources asked %q, want the message's key sentence", r.Original.Content)
	}
	found := false
	for _, e := range r.Original.Embeds {
		found = found || mentionsYun(e)
	}
	if !found {
		t.Errorf("Find sources embeds = %+v, want a quote naming Yun Jong Ho", r.Original.Embeds)
	}
	post, ok := buttons(r.Original)["Post to channel"]
	if !ok {
		t.Fatalf("Find sources buttons = %v, want Post to channel", buttons(r.Original))
	}

	p, err := fake.Interact(t, discordtest.Component(post, r.Original.Message)).WaitUntil(waitCtx(t), func(r discordtest.Response) bool { return len(r.Followups) > 0 })
	if err != nil {
		t.Fatalf("Post to channel: %v", err)
	}
	if p.Type != discordgo.InteractionResponseUpdateMessage || p.Original == nil || p.Original.ID != r.Original.ID {
		t.Fatalf("Post to channel = type %d on %+v, want the private reply updated", p.Type, p.Original)
	}
	if _, ok := buttons(p.Original)["Post to channel"]; ok || !strings.Contains(p.Original.Content, "Shared with the channel") {
		t.Errorf("private reply after posting = %q with buttons %v, want it marked shared and the button gone", p.Original.Content, buttons(p.Original))
	}
	if len(p.Followups) != 1 || p.Followups[0].Flags&discordgo.MessageFlagsEphemeral != 0 {
		t.Fatalf("Post to channel follow-ups = %+v, want one public message", p.Followups)
	}
	posted := p.Followups[0]
	link := "https://discord.com/channels/" + fake.GuildID() + "/" + fake.ChannelID() + "/" + target.ID
	// Closest passages are shared as what they were shown as; the index
	// decides which the key sentence gets.
	want := "Sources for " + link + " — shared by tester"
	if strings.Contains(r.Original.Content, "No passage answers this question directly.") {
		want = "Closest passages for " + link + " — shared by tester\nNo passage answers this question directly."
	}
	if posted.Content != want {
		t.Errorf("posted content = %q, want %q", posted.Content, want)
	}
	if len(posted.Embeds) != len(r.Original.Embeds) || posted.Embeds[0].Description != r.Original.Embeds[0].Description {
		t.Errorf("posted embeds = %+v, want the sources the clicker saw", posted.Embeds)
	}
	noViolations(t, fake)
}

func TestMoreResultsPagesEvenAfterARestart(t *testing.T) {
	t.Parallel()
	// Questions with at least three results, one too long for a custom_id.
	short := "North Korea Iran military cooperation"
	// The long one adds only words the index ignores, so both have the
	// same results.
	long := "Please tell me, is there anything that was ever said about the North Korea and Iran military cooperation at all, and if so what?"
	for _, question := range []string{short, long} {
		t.Run(question[:20], func(t *testing.T) {
			t.Parallel()
			fake := discordtest.NewServer(t)
			first := serve(t, fake, builtinIndex(t), bot.Options{})
			r := wait(t, fake.Interact(t, ask(question, intOption("results", 1))))
			more, ok := buttons(r.Original)["More results"]
			if !ok {
				t.Fatalf("answer buttons = %v, want More results", buttons(r.Original))
			}
			if fits := strings.HasSuffix(more, question); fits != (question == short) {
				t.Errorf("More results custom_id %q; the question should be in it only when it fits", more)
			}
			page1 := r.Original.Embeds[0]

			p := wait(t, fake.Interact(t, discordtest.Component(more, r.Original.Message)))
			if p.Type != discordgo.InteractionResponseDeferredMessageUpdate || p.Original.ID != r.Original.ID {
				t.Fatalf("More results = type %d on message %v, want the same message updated", p.Type, p.Original)
			}
			// "Results 2–2", or "Closest passages 2–2:" when the question
			// has no direct answer: paging is the same.
			if !strings.Contains(p.Original.Content, " 2–2") || len(p.Original.Embeds) != 1 || p.Original.Embeds[0].Description == page1.Description {
				t.Errorf("page 2 = %q %+v, want the second result", p.Original.Content, p.Original.Embeds)
			}
			more2, ok := buttons(p.Original)["More results"]
			if !ok {
				t.Fatalf("page 2 buttons = %v, want More results", buttons(p.Original))
			}

			// A new bot, with a new index, answers the old button.
			first.stop(t)
			serve(t, fake, builtinIndex(t), bot.Options{})
			p3 := wait(t, fake.Interact(t, discordtest.Component(more2, p.Original.Message)))
			if !strings.Contains(p3.Original.Content, " 3–3") || len(p3.Original.Embeds) != 1 {
				t.Errorf("page 3 after a restart = %q %+v, want the third result", p3.Original.Content, p3.Original.Embeds)
			}
			if !strings.Contains(p3.Original.Content, question) {
				t.Errorf("page 3 content = %q, want the question kept", p3.Original.Content)
			}
			noViolations(t, fake)
		})
	}
}

func TestSourcesAndAutocomplete(t *testing.T) {
	t.Parallel()
	fake := discordtest.NewServer(t)
	ix := builtinIndex(t)
	serve(t, fake, ix, bot.Options{})

	list := wait(t, fake.Interact(t, discordtest.SlashCommand("sources")))
	if len(list.Original.Embeds) != 1 || !strings.Contains(list.Original.Embeds[0].Title, "Documents (4)") {
		t.Fatalf("/sources = %+v, want the four documents", list.Original.Embeds)
	}
	for _, d := range ix.Documents() {
		if !strings.Contains(strings.ReplaceAll(list.Original.Embeds[0].Description, `\`, ""), d.Publisher) {
			t.Errorf("/sources list lacks %q's publisher %q", d.Title, d.Publisher)
		}
	}

	ac := wait(t, fake.Interact(t, discordtest.Autocomplete("sources", "document", "delegation")))
	if len(ac.Choices) != 1 || !strings.Contains(ac.Choices[0].Name, "Delegation") {
		t.Fatalf("autocomplete(delegation) = %+v, want the Bloomberg article", ac.Choices)
	}
	all := wait(t, fake.Interact(t, discordtest.Autocomplete("sources", "document", "")))
	if len(all.Choices) != 4 {
		t.Errorf("autocomplete(\"\") = %d choices, want all 4", len(all.Choices))
	}

	id, _ := ac.Choices[0].Value.(string)
	one := wait(t, fake.Interact(t, discordtest.SlashCommand("sources", discordtest.StringOption("document", id))))
	if len(one.Original.Embeds) != 1 || !strings.Contains(one.Original.Embeds[0].Title, "Delegation") || one.Original.Embeds[0].URL == "" {
		t.Errorf("/sources %s = %+v, want that document linked", id, one.Original.Embeds)
	}
	none := wait(t, fake.Interact(t, discordtest.SlashCommand("sources", discordtest.StringOption("document", "zzz"))))
	if !strings.Contains(none.Original.Content, "No document matches") {
		t.Errorf("/sources zzz = %q, want a polite miss", none.Original.Content)
	}
	noViolations(t, fake)
}

func TestFindSourcesReadsEmbedsOfAMessageWithoutText(t *testing.T) {
	t.Parallel()
	fake := discordtest.NewServer(t)
	serve(t, fake, builtinIndex(t), bot.Options{})
	tests := []struct {
		name   string
		embeds []*discordgo.MessageEmbed
		want   string // in the reply's content
	}{
		{"a news bot's post", []*discordgo.MessageEmbed{{
			Title:       "North Korean delegation in Tehran",
			Description: "Yun Jong Ho led the North Korean delegation to Tehran.",
		}}, "Yun Jong Ho led the North Korean delegation to Tehran."},
		{"an image alone", nil, "no text to look up"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := &discordgo.Message{
				ID: fake.UserMessage(fake.ChannelID(), "placeholder").ID, ChannelID: fake.ChannelID(),
				Author: &discordgo.User{ID: "77", Username: "newsbot", Bot: true}, Embeds: tt.embeds,
			}
			r := wait(t, fake.Interact(t, discordtest.MessageCommand("Find sources", target)))
			if r.Original == nil || r.Original.Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.Contains(r.Original.Content, tt.want) {
				t.Errorf("Find sources on %s = %+v, want an ephemeral reply with %q", tt.name, r.Original, tt.want)
			}
			if tt.embeds != nil && (len(r.Original.Embeds) == 0 || !mentionsYun(r.Original.Embeds[0])) {
				t.Errorf("Find sources on %s = %+v, want a quote naming Yun Jong Ho", tt.name, r.Original.Embeds)
			}
		})
	}
	noViolations(t, fake)
}
