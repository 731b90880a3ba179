package bot_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/dossier-bot/dossier/bot"
	"github.com/dossier-bot/dossier/bot/discordtest"
	"github.com/dossier-bot/dossier/index"
)

func TestGatewayDropLosesNoInteraction(t *testing.T) {
	t.Parallel()
	fake := discordtest.NewServer(t)
	serve(t, fake, builtinIndex(t), bot.Options{})
	wait(t, fake.Interact(t, ask(delegationQuestion)))
	fake.DropConnection()
	var during []*discordtest.Interaction
	for range 3 {
		during = append(during, fake.Interact(t, ask(delegationQuestion)))
	}
	for _, in := range during {
		if r := wait(t, in); r.Original == nil || len(r.Original.Embeds) == 0 {
			t.Errorf("question during the drop = %+v, want an answer", r.Original)
		}
	}
	if st := fake.GatewayStats(); st.Identifies != 1 || st.Resumes < 1 {
		t.Errorf("GatewayStats() = %+v, want the session resumed, not identified again", st)
	}
	noViolations(t, fake)
}

func TestShutdownFinishesRepliesInFlight(t *testing.T) {
	t.Parallel()
	fake := discordtest.NewServer(t)
	b := serve(t, fake, builtinIndex(t), bot.Options{})
	fake.WaitConnected(t)
	// The answer reaches Discord 2 s after the acknowledgement, later
	// than the gateway takes to close (1 s): a bot that stopped once
	// disconnected would leave it unsent.
	fake.SetLatency(2 * time.Second)
	in := fake.Interact(t, ask(delegationQuestion))
	if _, err := in.WaitUntil(waitCtx(t), func(r discordtest.Response) bool { return r.Type != 0 }); err != nil {
		t.Fatal(err)
	}
	b.stop(t)
	if r := in.Response(); !r.Final() || r.Original == nil || len(r.Original.Embeds) == 0 {
		t.Errorf("reply after shutdown: final %v, %d edits; want the answer finished", r.Final(), r.Edits)
	}
	noViolations(t, fake)
}

func TestSearchFailureIsToldPrivately(t *testing.T) {
	t.Parallel()
	fake := discordtest.NewServer(t)
	ix := builtinIndex(t)
	b := serve(t, fake, ix, bot.Options{})
	ix.Close() // every search now fails
	r, err := fake.Interact(t, ask(delegationQuestion)).WaitUntil(waitCtx(t), func(r discordtest.Response) bool { return len(r.Followups) > 0 })
	if err != nil {
		t.Fatal(err)
	}
	if !r.Deleted || len(r.Followups) != 1 {
		t.Fatalf("reply = deleted %v, %d follow-ups; want the public deferral deleted and one follow-up", r.Deleted, len(r.Followups))
	}
	if f := r.Followups[0]; f.Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.Contains(f.Content, "something went wrong") {
		t.Errorf("follow-up = %q (flags %d), want a short ephemeral apology", f.Content, f.Flags)
	}
	b.stop(t)
	if log := b.log.String(); strings.Count(log, "index is closed") != 1 {
		t.Errorf("log:\n%s\nwant the search error logged once", log)
	}
	noViolations(t, fake)
}

func TestCommandsAreRegisteredInOneBulkOverwrite(t *testing.T) {
	t.Parallel()
	want := []string{"Citations in this thread", "Find sources", "ask", "citations", "cite", "digest", "sources", "watch"}
	for _, global := range []bool{false, true} {
		t.Run(map[bool]string{false: "in the guild", true: "globally"}[global], func(t *testing.T) {
			t.Parallel()
			fake := discordtest.NewServer(t)
			scope, other := fake.GuildID(), ""
			if global {
				scope, other = "", fake.GuildID()
			}
			// A command of an older Dossier, which the overwrite must remove.
			s, err := bot.NewSession(fake.Token(), fake.APIURL())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.ApplicationCommandCreate(fake.AppID(), scope, &discordgo.ApplicationCommand{Name: "old", Description: "Gone"}); err != nil {
				t.Fatalf("ApplicationCommandCreate() = %v", err)
			}
			serveGlobally(t, fake, builtinIndex(t), bot.Options{GuildID: scope})
			if r := wait(t, fake.Interact(t, ask(delegationQuestion))); r.Original == nil || len(r.Original.Embeds) == 0 {
				t.Errorf("/ask = %+v, want an answer", r.Original)
			}
			var got []string
			for _, c := range fake.Commands(scope) {
				got = append(got, c.Name)
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("Commands(%q) = %q, want %q", scope, got, want)
			}
			if n := len(fake.Commands(other)); n != 0 {
				t.Errorf("Commands(%q) = %d commands, want none", other, n)
			}
			puts := 0
			for _, req := range fake.Requests() {
				if req.Method == "PUT" && strings.HasSuffix(req.Path, "/commands") {
					puts++
				}
			}
			if puts != 1 {
				t.Errorf("PUT .../commands requests = %d, want 1 bulk overwrite", puts)
			}
			// No privileged intent, nor any but the guild events.
			if got := fake.GatewayStats().Intents; got != discordgo.IntentsGuilds {
				t.Errorf("GatewayStats().Intents = %d, want %d (guilds only)", got, discordgo.IntentsGuilds)
			}
			noViolations(t, fake)
		})
	}
}

func TestInteractionsAreAnsweredConcurrently(t *testing.T) {
	t.Parallel()
	fake := discordtest.NewServer(t)
	serve(t, fake, builtinIndex(t), bot.Options{})
	wait(t, fake.Interact(t, ask(delegationQuestion))) // registered and warm
	// Answered one after another, the fifth acknowledgement would come
	// after 4 × (callback + edit) = 4 s, past Discord's 3 s.
	fake.SetLatency(500 * time.Millisecond)
	var ins []*discordtest.Interaction
	for range 5 {
		in := ask(delegationQuestion)
		in.Member = &discordgo.Member{User: &discordgo.User{ID: fmt.Sprint(len(ins) + 100), Username: "asker"}, Roles: []string{}}
		ins = append(ins, fake.Interact(t, in))
	}
	for i, in := range ins {
		if r := wait(t, in); r.Original == nil || len(r.Original.Embeds) == 0 {
			t.Errorf("question %d = %+v, want an answer", i+1, r.Original)
		}
	}
	noViolations(t, fake)
}

func TestAPanicIsToldPrivately(t *testing.T) {
	t.Parallel()
	fake := discordtest.NewServer(t)
	var broken *index.Index // every use of it panics
	b := serve(t, fake, broken, bot.Options{})

	r, err := fake.Interact(t, ask(delegationQuestion)).WaitUntil(waitCtx(t), func(r discordtest.Response) bool { return len(r.Followups) > 0 })
	if err != nil {
		t.Fatal(err)
	}
	if f := r.Followups[0]; !r.Deleted || f.Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.Contains(f.Content, "something went wrong") {
		t.Errorf("/ask = deleted %v, follow-up %q (flags %d); want the deferral deleted and a short ephemeral apology", r.Deleted, f.Content, f.Flags)
	}
	list := wait(t, fake.Interact(t, discordtest.SlashCommand("sources")))
	if list.Original == nil || list.Original.Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.Contains(list.Original.Content, "something went wrong") {
		t.Errorf("/sources = %+v, want a short ephemeral apology", list.Original)
	}
	ac := wait(t, fake.Interact(t, discordtest.Autocomplete("sources", "document", "del")))
	if ac.Type != discordgo.InteractionApplicationCommandAutocompleteResult || len(ac.Choices) != 0 {
		t.Errorf("autocomplete = type %d, %d choices; want no choices", ac.Type, len(ac.Choices))
	}
	b.stop(t)
	log := b.log.String()
	if n := strings.Count(log, "panic"); n < 3 || !strings.Contains(log, "goroutine") {
		t.Errorf("log:\n%s\nwant each of the 3 panics logged with its stack", log)
	}
	noViolations(t, fake)
}
