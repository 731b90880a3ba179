package bot_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/dossier-bot/dossier/bot"
	"github.com/dossier-bot/dossier/bot/discordtest"
)

// endpoint is a bot in interactions mode, its handler on loopback, wired
// as dossier serve --interactions wires it.
type endpoint struct {
	*running
	bot  *bot.Bot
	url  string // the Interactions Endpoint URL
	key  ed25519.PrivateKey
	http *httptest.Server
}

func serveInteractions(tb testing.TB, fake *discordtest.Server) *endpoint {
	tb.Helper()
	return serveInteractionsWith(tb, fake, builtinIndex(tb), bot.Options{}, nil)
}

// serveInteractionsWith is serveInteractions with a search index,
// options and, unless nil, an application key of the test's own.
func serveInteractionsWith(tb testing.TB, fake *discordtest.Server, search bot.Searcher, opts bot.Options, priv ed25519.PrivateKey) *endpoint {
	tb.Helper()
	if priv == nil {
		var err error
		if _, priv, err = ed25519.GenerateKey(nil); err != nil {
			tb.Fatal(err)
		}
	}
	pub := priv.Public().(ed25519.PublicKey)
	s, err := bot.NewSession(fake.Token(), fake.APIURL())
	if err != nil {
		tb.Fatalf("NewSession() = %v", err)
	}
	e := &endpoint{running: &running{done: make(chan error, 1), log: &syncLog{}}, key: priv}
	opts.GuildID, opts.Log = fake.GuildID(), slog.New(slog.NewTextHandler(e.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.bot = bot.New(s, search, opts)
	e.http = httptest.NewServer(e.bot.InteractionsHandler(pub))
	e.url = e.http.URL + "/interactions"
	var ctx context.Context
	ctx, e.cancel = context.WithCancel(context.Background())
	go func() { e.done <- e.bot.RunInteractions(ctx) }()
	tb.Cleanup(func() {
		e.stop(tb)
		e.http.Close()
	})
	deadline := time.Now().Add(20 * time.Second)
	for !e.bot.Ready() {
		if time.Now().After(deadline) {
			tb.Fatalf("the bot was not ready within 20s; log:\n%s", e.log.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	return e
}

// post sends body to the endpoint with the given signature headers and
// returns the status and body of the response.
func (e *endpoint) post(tb testing.TB, body []byte, sign func(*http.Request)) (int, string) {
	tb.Helper()
	req, err := http.NewRequest(http.MethodPost, e.url, bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	sign(req)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("POST %s: %v", e.url, err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(got)
}

func TestInteractionsEndpointAnswersAsk(t *testing.T) {
	t.Parallel()
	fake := discordtest.NewServer(t)
	e := serveInteractions(t, fake)
	if n := len(fake.Commands(fake.GuildID())); n != 8 {
		t.Errorf("commands registered = %d, want 8", n)
	}
	in := fake.Post(t, e.url, e.key, ask(delegationQuestion, intOption("results", 1), boolOption("private", true)))
	if r := in.Response(); r.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Fatalf("initial response = type %d, want 5 (deferred), as the HTTP response", r.Type)
	}
	r := wait(t, in)
	if r.Original == nil || len(r.Original.Embeds) == 0 || !mentionsYun(r.Original.Embeds[0]) {
		t.Fatalf("answer = %+v, want the delegation's leader quoted", r.Original)
	}
	if r.Original.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Errorf("answer flags = %d, want ephemeral as asked", r.Original.Flags)
	}

	// More results: a button click, answered by updating the message.
	more := buttons(r.Original)["More results"]
	if more == "" {
		t.Fatalf("answer buttons = %v, want More results", buttons(r.Original))
	}
	page := wait(t, fake.Post(t, e.url, e.key, discordtest.Component(more, r.Original.Message)))
	if page.Type != discordgo.InteractionResponseDeferredMessageUpdate || page.Edits == 0 {
		t.Errorf("More results = type %d with %d edits, want a deferred update then an edit", page.Type, page.Edits)
	}

	// /sources answers at once, in the HTTP response itself.
	src := wait(t, fake.Post(t, e.url, e.key, discordtest.SlashCommand("sources")))
	if src.Type != discordgo.InteractionResponseChannelMessageWithSource || src.Original == nil || len(src.Original.Embeds) == 0 {
		t.Errorf("/sources = type %d, %+v; want the document list", src.Type, src.Original)
	}
	noViolations(t, fake)
}

func TestInteractionsEndpointAnswersPing(t *testing.T) {
	t.Parallel()
	fake := discordtest.NewServer(t)
	e := serveInteractions(t, fake)
	if r := fake.Post(t, e.url, e.key, &discordgo.Interaction{Type: discordgo.InteractionPing}).Response(); r.Type != discordgo.InteractionResponsePong {
		t.Errorf("PING answered with type %d, want PONG (1)", r.Type)
	}
	noViolations(t, fake)
}

func TestInteractionsEndpointRefusesUnsignedRequests(t *testing.T) {
	t.Parallel()
	fake := discordtest.NewServer(t)
	e := serveInteractions(t, fake)
	_, wrongKey, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	body, err := json.Marshal(ask(delegationQuestion))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tests := []struct {
		name string
		sign func(*http.Request)
	}{
		{"no signature", func(*http.Request) {}},
		{"wrong key", func(r *http.Request) { discordtest.SignRequest(r, wrongKey, now, body) }},
		{"tampered body", func(r *http.Request) {
			discordtest.SignRequest(r, e.key, now, bytes.Replace(body, []byte("Tehran"), []byte("Moscow"), 1))
		}},
		{"signature not hex", func(r *http.Request) {
			discordtest.SignRequest(r, e.key, now, body)
			r.Header.Set("X-Signature-Ed25519", "zz"+r.Header.Get("X-Signature-Ed25519")[2:])
		}},
		{"timestamp changed after signing", func(r *http.Request) {
			discordtest.SignRequest(r, e.key, now, body)
			r.Header.Set("X-Signature-Timestamp", r.Header.Get("X-Signature-Timestamp")+"0")
		}},
		{"stale timestamp", func(r *http.Request) { discordtest.SignRequest(r, e.key, now.Add(-6*time.Minute), body) }},
		{"timestamp from the future", func(r *http.Request) { discordtest.SignRequest(r, e.key, now.Add(6*time.Minute), body) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if status, got := e.post(t, body, tt.sign); status != http.StatusUnauthorized {
				t.Errorf("POST with %s = %d %q, want 401", tt.name, status, got)
			}
		})
	}
	// A correctly signed request 4 minutes old is still fresh.
	status, got := e.post(t, body, func(r *http.Request) { discordtest.SignRequest(r, e.key, now.Add(-4*time.Minute), body) })
	if status != http.StatusOK || !strings.Contains(got, `"type":5`) {
		t.Errorf("POST signed 4 minutes ago = %d %q, want 200 with a deferred response", status, got)
	}
	if log := e.log.String(); strings.Contains(log, "Moscow") || strings.Contains(log, fake.Token()) {
		t.Errorf("log:\n%s\nwant no refused body and no token", log)
	}
}

func TestInteractionsEndpointRefusesOtherMethodsAndBodies(t *testing.T) {
	t.Parallel()
	fake := discordtest.NewServer(t)
	e := serveInteractions(t, fake)
	resp, err := http.Get(e.url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET %s = %d, want 405", e.url, resp.StatusCode)
	}
	body := []byte(`{"type": "not a number"`)
	status, _ := e.post(t, body, func(r *http.Request) { discordtest.SignRequest(r, e.key, time.Now(), body) })
	if status != http.StatusBadRequest {
		t.Errorf("POST of signed malformed JSON = %d, want 400", status)
	}
}

func TestInteractionsEndpointAfterShutdown(t *testing.T) {
	t.Parallel()
	fake := discordtest.NewServer(t)
	e := serveInteractions(t, fake)
	e.stop(t)
	if e.bot.Ready() {
		t.Error("Ready() = true after shutdown, want false")
	}
	body, _ := json.Marshal(ask(delegationQuestion))
	status, _ := e.post(t, body, func(r *http.Request) { discordtest.SignRequest(r, e.key, time.Now(), body) })
	if status != http.StatusServiceUnavailable {
		t.Errorf("POST after shutdown = %d, want 503", status)
	}
}
