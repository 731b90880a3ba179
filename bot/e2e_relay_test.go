package bot_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"net/http"
	"net/http/httptest"
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
)

// keeper is an instance in interactions mode that keeps the digests.
func keeper(tb testing.TB, fake *discordtest.Server, key ed25519.PrivateKey) (*endpoint, state.Store) {
	tb.Helper()
	ix := builtinIndex(tb)
	store, err := state.Open(filepath.Join(tb.TempDir(), state.FileName))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { store.Close() })
	sched := digest.NewScheduler(digest.Config{Store: store, Index: ix})
	return serveInteractionsWith(tb, fake, ix, bot.Options{Digests: &bot.Digests{Store: store, Preview: sched}}, key), store
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

func TestReplicasPassDigestsToTheInstanceThatKeepsThem(t *testing.T) {
	t.Parallel()
	fake := discordtest.NewServer(t)
	_, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	keep, store := keeper(t, fake, key)
	replica := serveInteractionsWith(t, fake, builtinIndex(t), bot.Options{DigestURL: keep.url}, key)
	post := func(e *endpoint, in *discordgo.Interaction) discordtest.Response {
		t.Helper()
		r, err := fake.Post(t, e.url, e.key, in).Wait(waitCtx(t))
		if err != nil {
			t.Fatal(err)
		}
		return r
	}

	if got := reply(post(replica, digestCommand("digest", "subscribe"))); !strings.Contains(got, "daily digest is on") {
		t.Errorf("/digest subscribe through a replica replied %q", got)
	}
	if _, found, err := store.Subscription(fake.ChannelID()); err != nil || !found {
		t.Errorf("Subscription() = found %v, %v; want it kept by the instance with the state", found, err)
	}
	post(replica, digestCommand("watch", "add", discordtest.StringOption("query", "drone exports")))
	if got := post(replica, autocomplete("watch", "remove", "watch", "drone")).Choices; len(got) != 1 {
		t.Errorf("watch autocomplete through a replica = %+v, want the watch", got)
	}

	// The replica answers questions itself, and relays them for the log.
	post(replica, ask(privateAsk, boolOption("private", true)))
	if r := post(replica, ask(sourdough)); r.Original == nil || !strings.Contains(r.Original.Content, "don't answer") {
		t.Errorf("/ask through a replica = %+v, want its answer", r.Original)
	}
	target := fake.UserMessage(fake.ChannelID(), "Hey all, "+delegationQuestion)
	post(replica, discordtest.MessageCommand("Find sources", target.Message))
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

func TestRelayedQuestionsAreCheckedAndLoggedOnce(t *testing.T) {
	t.Parallel()
	fake := discordtest.NewServer(t)
	_, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	keep, store := keeper(t, fake, key)
	body, err := json.Marshal(&discordgo.Interaction{
		ID: "1001", AppID: fake.AppID(), Type: discordgo.InteractionApplicationCommand, GuildID: fake.GuildID(), ChannelID: fake.ChannelID(),
		Token: "interaction-token.1001", Version: 1,
		Data: discordgo.ApplicationCommandInteractionData{Name: "ask", Options: []*discordgo.ApplicationCommandInteractionDataOption{
			discordtest.StringOption("question", delegationQuestion)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	relay := func(signer ed25519.PrivateKey) int {
		req := httptest.NewRequest(http.MethodPost, keep.url, bytes.NewReader(body))
		req.RequestURI = ""
		discordtest.SignRequest(req, signer, time.Now(), body)
		req.Header.Set("X-Dossier-Relay", "question-log")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	before := len(fake.Requests())
	_, stranger, _ := ed25519.GenerateKey(nil)
	if got := relay(stranger); got != http.StatusUnauthorized {
		t.Errorf("relay signed by another key = %d, want 401", got)
	}
	for range 3 {
		if got := relay(key); got != http.StatusNoContent {
			t.Errorf("relay = %d, want 204", got)
		}
	}
	if qs := waitQuestions(t, store, 1); len(qs) != 1 || qs[0].Text != delegationQuestion || !qs[0].Answered || len(qs[0].Citations) == 0 {
		t.Errorf("question log = %+v, want the question once, answered with its sources", qs)
	}
	if reqs := fake.Requests()[before:]; len(reqs) != 0 {
		t.Errorf("the relay made requests to Discord: %+v", reqs)
	}
}

func TestReplicaTellsWhenTheDigestInstanceIsDown(t *testing.T) {
	t.Parallel()
	fake := discordtest.NewServer(t)
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	replica := serveInteractionsWith(t, fake, builtinIndex(t), bot.Options{DigestURL: down.URL + "/interactions"}, nil)
	r, err := fake.Post(t, replica.url, replica.key, digestCommand("digest", "status")).Wait(waitCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if got := reply(r); !strings.Contains(got, "did not answer") || r.Original.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Errorf("/digest status with the digest instance down replied %q, want a private apology", got)
	}
	noViolations(t, fake)
}
