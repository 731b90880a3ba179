package bot_test

import (
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/dossier-bot/dossier/bot"
	"github.com/dossier-bot/dossier/bot/discordtest"
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
	in := fake.Interact(t, ask(delegationQuestion))
	if _, err := in.WaitUntil(waitCtx(t), func(r discordtest.Response) bool { return r.Type != 0 }); err != nil {
		t.Fatal(err)
	}
	b.stop(t)
	if r := in.Response(); !r.Final() || len(r.Original.Embeds) == 0 {
		t.Errorf("reply after shutdown = %+v, want the answer finished", r.Original)
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
