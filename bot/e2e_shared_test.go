package bot_test

import (
	"context"
	"crypto/ed25519"
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
)

// replica is an instance in interactions mode on the shared database at
// url, with its own index.
func replica(tb testing.TB, fake *discordtest.Server, url string, key ed25519.PrivateKey) *endpoint {
	tb.Helper()
	ix := builtinIndex(tb)
	store, err := state.OpenPostgres(context.Background(), url)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { store.Close() })
	sched := digest.NewScheduler(digest.Config{Store: store, Index: ix})
	return serveInteractionsWith(tb, fake, ix, bot.Options{Digests: &bot.Digests{Store: store, Preview: sched}, Seen: store}, key)
}

// waitQuestions waits until the store's question log holds n questions.
func waitQuestions(tb testing.TB, store state.Store, n int) []state.Question {
	tb.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		qs, err := store.Questions("", time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
		if err != nil {
			tb.Fatal(err)
		}
		if len(qs) >= n || time.Now().After(deadline) {
			return qs
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Replicas behind a load balancer share the state: whichever gets a
// command answers it from the database, and what one records the others
// see at once.
func TestReplicasAnswerFromSharedState(t *testing.T) {
	t.Parallel()
	url := statetest.Database(t)
	fake := discordtest.NewServer(t)
	_, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	a, b := replica(t, fake, url, key), replica(t, fake, url, key)
	post := func(e *endpoint, in *discordgo.Interaction) discordtest.Response {
		t.Helper()
		r, err := fake.Post(t, e.url, e.key, in).Wait(waitCtx(t))
		if err != nil {
			t.Fatal(err)
		}
		return r
	}

	if got := reply(post(a, digestCommand("digest", "subscribe"))); !strings.Contains(got, "daily digest is on") {
		t.Errorf("/digest subscribe on one replica replied %q", got)
	}
	if got := reply(post(b, digestCommand("digest", "status"))); !strings.Contains(got, "00") {
		t.Errorf("/digest status on the other replica replied %q, want the subscription's time", got)
	}
	post(b, digestCommand("watch", "add", discordtest.StringOption("query", "drone exports")))
	if got := post(a, autocomplete("watch", "remove", "watch", "drone")).Choices; len(got) != 1 {
		t.Errorf("watch autocomplete on the other replica = %+v, want the watch", got)
	}
	if got := reply(post(b, digestCommand("watch", "add", discordtest.StringOption("query", "Drone  Exports")))); !strings.Contains(got, "already watches") {
		t.Errorf("the same watch added on the other replica replied %q, want that the channel already watches it", got)
	}

	// Each replica answers its own questions and logs them in the shared
	// log, private ones excepted.
	post(a, ask(privateAsk, boolOption("private", true)))
	if r := post(a, ask(sourdough)); r.Original == nil || !strings.Contains(r.Original.Content, "don't answer") {
		t.Errorf("/ask on a replica = %+v, want its answer", r.Original)
	}
	target := fake.UserMessage(fake.ChannelID(), "Hey all, "+delegationQuestion)
	post(b, discordtest.MessageCommand("Find sources", target.Message))
	store, err := state.OpenPostgres(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	qs := waitQuestions(t, store, 2)
	var logged []string
	for _, q := range qs {
		logged = append(logged, q.Text)
	}
	if len(qs) != 2 || !slices.Contains(logged, sourdough) || !slices.ContainsFunc(logged, func(q string) bool { return strings.Contains(q, delegationQuestion) }) {
		t.Errorf("question log = %q, want the public question and the message's", logged)
	}
	noViolations(t, fake)
}
