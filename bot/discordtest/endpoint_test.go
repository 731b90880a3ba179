package discordtest

import (
	"crypto/ed25519"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// endpoint is a bot's interactions endpoint on loopback, answering each
// verified request with answer; after runs once the response is written.
func endpoint(tb testing.TB, pub ed25519.PublicKey, answer func(*discordgo.Interaction) (int, any), after func(*discordgo.Interaction)) string {
	tb.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !discordgo.VerifyInteraction(r, pub) {
			http.Error(w, "invalid request signature", http.StatusUnauthorized)
			return
		}
		var in discordgo.Interaction
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		status, body := answer(&in)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(body)
		if after != nil {
			w.(http.Flusher).Flush()
			go after(&in)
		}
	}))
	tb.Cleanup(srv.Close)
	return srv.URL + "/interactions"
}

func newKey(tb testing.TB) (ed25519.PublicKey, ed25519.PrivateKey) {
	tb.Helper()
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		tb.Fatal(err)
	}
	return pub, priv
}

func TestPostTakesTheResponseAsTheCallback(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	pub, priv := newKey(t)
	url := endpoint(t, pub, func(*discordgo.Interaction) (int, any) { return http.StatusOK, reply("hello") }, nil)
	in := s.Post(t, url, priv, SlashCommand("ask", StringOption("question", "q")))
	r, err := in.Wait(waitCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if r.Type != discordgo.InteractionResponseChannelMessageWithSource || r.Original == nil || r.Original.Content != "hello" {
		t.Errorf("response = type %d, original %+v; want type 4 saying hello", r.Type, r.Original)
	}
	noViolations(t, s)
}

func TestPostPing(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	pub, priv := newKey(t)
	url := endpoint(t, pub, func(in *discordgo.Interaction) (int, any) {
		return http.StatusOK, &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong}
	}, nil)
	if r := s.Post(t, url, priv, &discordgo.Interaction{Type: discordgo.InteractionPing}).Response(); r.Type != discordgo.InteractionResponsePong {
		t.Errorf("PING answered with type %d, want PONG", r.Type)
	}
	noViolations(t, s)
}

func TestPostThenEditAtOnce(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	pub, priv := newKey(t)
	dg := newClient(t, s)
	edited := make(chan error, 1)
	url := endpoint(t, pub, func(*discordgo.Interaction) (int, any) {
		return http.StatusOK, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}
	}, func(in *discordgo.Interaction) {
		// No pause between the response and the edit: the fake must have
		// recorded the one before it takes the other.
		content := "done"
		_, err := dg.InteractionResponseEdit(in, &discordgo.WebhookEdit{Content: &content, AllowedMentions: quiet()})
		edited <- err
	})
	in := s.Post(t, url, priv, SlashCommand("ask", StringOption("question", "q")))
	if err := await(t, edited, "the edit"); err != nil {
		t.Fatalf("InteractionResponseEdit() = %v", err)
	}
	if r, err := in.Wait(waitCtx(t)); err != nil || r.Original.Content != "done" {
		t.Errorf("Wait() = %+v, %v; want the edited reply", r.Original, err)
	}
	noViolations(t, s)
}

func TestPostFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		body   any
		want   string
	}{
		{"error status", http.StatusInternalServerError, "boom", "answered 500"},
		{"invalid callback type", http.StatusOK, &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult}, "Callback type 8 is not valid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := NewServer(t)
			pub, priv := newKey(t)
			url := endpoint(t, pub, func(*discordgo.Interaction) (int, any) { return tt.status, tt.body }, nil)
			if _, err := s.Post(t, url, priv, SlashCommand("ask")).Wait(waitCtx(t)); err == nil {
				t.Error("Wait() = nil error, want the interaction failed")
			}
			wantViolation(t, s, tt.want)
		})
	}
}

func TestPostWithTheWrongKeyIsRefused(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	pub, _ := newKey(t)
	_, other := newKey(t)
	url := endpoint(t, pub, func(*discordgo.Interaction) (int, any) { return http.StatusOK, reply("hello") }, nil)
	s.Post(t, url, other, SlashCommand("ask"))
	if v := s.Violations(); len(v) != 1 || !strings.Contains(v[0], "401") {
		t.Errorf("Violations() = %q, want the endpoint's 401", v)
	}
}
