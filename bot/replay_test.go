package bot_test

import (
	"bytes"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/dossier-bot/dossier/bot"
	"github.com/dossier-bot/dossier/bot/digest"
	"github.com/dossier-bot/dossier/bot/discordtest"
	"github.com/dossier-bot/dossier/bot/state"
)

// TestInteractionsEndpointIgnoresReplays sends a signed interaction again
// after it was answered, to the same instance and to another sharing its
// state: the repeat is acknowledged, not answered or logged again.
func TestInteractionsEndpointIgnoresReplays(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		shared   bool // a state store, and a second instance on it
		replayTo int  // the instance the repeat is sent to
	}{
		{"same instance, in memory", false, 0},
		{"same instance, state store", true, 0},
		{"another instance on the same state", true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := discordtest.NewServer(t)
			ix := builtinIndex(t)
			var opts bot.Options
			var store state.Store
			if tt.shared {
				var err error
				if store, err = state.Open(filepath.Join(t.TempDir(), state.FileName)); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { store.Close() })
				opts.Digests = &bot.Digests{Store: store, Preview: digest.NewScheduler(digest.Config{Store: store, Index: ix})}
				opts.Seen = store
			}
			first := serveInteractionsWith(t, fake, ix, opts, nil)
			endpoints := []*endpoint{first}
			if tt.shared {
				endpoints = append(endpoints, serveInteractionsWith(t, fake, ix, opts, first.key))
			}

			in := fake.Post(t, first.url, first.key, ask(delegationQuestion))
			if r := wait(t, in); r.Original == nil || len(r.Original.Embeds) == 0 {
				t.Fatalf("the first delivery was answered %+v, want the passages", r)
			}
			edits := func() int {
				n := 0
				for _, req := range fake.Requests() {
					n += btoi(req.Method == http.MethodPatch && strings.HasSuffix(req.Path, "/"+in.Token+"/messages/@original"))
				}
				return n
			}
			before := edits()

			to := endpoints[tt.replayTo]
			body := in.Wire()
			status, got := to.post(t, body, func(r *http.Request) { discordtest.SignRequest(r, first.key, time.Now(), body) })
			if status != http.StatusOK || !strings.Contains(got, `"type":5`) {
				t.Errorf("the repeat was answered %d %q, want 200 with a deferred acknowledgement", status, got)
			}
			// Stopping waits for every reply in flight: after it, one to
			// the repeat would have been sent.
			for _, e := range endpoints {
				e.stop(t)
			}
			if after := edits(); after != before {
				t.Errorf("edits of the reply: %d after the repeat, %d before; want none: the repeat is not answered", after, before)
			}
			if log := to.log.String(); !strings.Contains(log, "interaction received again") || strings.Contains(log, "Tehran") {
				t.Errorf("log of the instance given the repeat:\n%s\nwant the repeat noted, without the question", log)
			}
			if store != nil {
				qs, err := store.Questions(fake.GuildID(), time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
				if err != nil || len(qs) != 1 {
					t.Errorf("questions logged = %d (%v), want 1: the repeat is not logged", len(qs), err)
				}
			}
		})
	}
}

// TestInteractionsEndpointAcknowledgesRepeatsByKind checks that each kind of
// interaction gets an acknowledgement Discord accepts for it.
func TestInteractionsEndpointAcknowledgesRepeatsByKind(t *testing.T) {
	t.Parallel()
	fake := discordtest.NewServer(t)
	e := serveInteractions(t, fake)
	r := wait(t, fake.Post(t, e.url, e.key, ask(delegationQuestion)))
	more := buttons(r.Original)["More results"]
	tests := []struct {
		name string
		in   *discordgo.Interaction
		want string
	}{
		{"button", discordtest.Component(more, r.Original.Message), `{"type":6}`},
		{"autocomplete", discordtest.Autocomplete("ask", "question", "dele"), `{"type":8,"data":{"choices":[]}}`},
		{"slash command", discordtest.SlashCommand("sources"), `{"type":5,"data":{"flags":64}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := fake.Post(t, e.url, e.key, tt.in)
			if _, err := in.Wait(waitCtx(t)); err != nil {
				t.Fatal(err)
			}
			body := in.Wire()
			status, got := e.post(t, body, func(r *http.Request) { discordtest.SignRequest(r, e.key, time.Now(), body) })
			if status != http.StatusOK || !bytes.Equal([]byte(got), []byte(tt.want)) {
				t.Errorf("repeat of a %s = %d %s, want 200 %s", tt.name, status, got, tt.want)
			}
		})
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
