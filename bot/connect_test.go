package bot_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dossier-bot/dossier/bot"
	"github.com/dossier-bot/dossier/bot/discordtest"
)

// starting is a bot started by a test that watches how it connects.
type starting struct {
	bot  *bot.Bot
	fake *discordtest.Server
	log  *syncLog
	done chan error
	stop context.CancelFunc
}

// start runs a bot on the given token and API, in gateway mode or, when
// interactions, in HTTP interactions mode, retrying quickly.
func start(tb testing.TB, fake *discordtest.Server, token, api string, interactions bool) *starting {
	tb.Helper()
	return startWith(tb, fake, token, api, interactions, bot.Options{})
}

// startWith is start with opts, bar the guild, the retry wait and the log.
func startWith(tb testing.TB, fake *discordtest.Server, token, api string, interactions bool, opts bot.Options) *starting {
	tb.Helper()
	s, err := bot.NewSession(token, api)
	if err != nil {
		tb.Fatal(err)
	}
	st := &starting{fake: fake, log: &syncLog{}, done: make(chan error, 1)}
	opts.GuildID, opts.RetryWait = fake.GuildID(), 20*time.Millisecond
	opts.Log = slog.New(slog.NewTextHandler(st.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	st.bot = bot.New(s, builtinIndex(tb), opts)
	ctx, cancel := context.WithCancel(context.Background())
	st.stop = cancel
	run := st.bot.Run
	if interactions {
		run = st.bot.RunInteractions
	}
	go func() { st.done <- run(ctx) }()
	tb.Cleanup(func() {
		cancel()
		select {
		case <-st.done:
		case <-time.After(20 * time.Second):
			tb.Error("Run did not return after its context ended")
		}
	})
	return st
}

// untilReady waits up to 20 s for the bot to be ready, failing if Run
// returns first: while says what Discord does meanwhile. It returns the
// last reason Waiting gave for not being ready.
func (st *starting) untilReady(tb testing.TB, while string) (sawWhy string) {
	tb.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !st.bot.Ready() {
		if why := st.bot.Waiting(); why != "" {
			sawWhy = why
		}
		select {
		case err := <-st.done:
			tb.Fatalf("Run = %v %s, want it to retry; log:\n%s", err, while, st.log.String())
		case <-time.After(time.Millisecond):
		}
		if time.Now().After(deadline) {
			tb.Fatalf("not ready 20s after starting %s; stats %+v; log:\n%s", while, st.fake.GatewayStats(), st.log.String())
		}
	}
	return sawWhy
}

var modes = []struct {
	name         string
	interactions bool
}{{"gateway", false}, {"interactions", true}}

// TestStartRetriesWhileDiscordFails starts the bot while Discord answers
// 503: it retries, says why it is not ready meanwhile, and is ready once
// Discord recovers.
func TestStartRetriesWhileDiscordFails(t *testing.T) {
	t.Parallel()
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			fake := discordtest.NewServer(t)
			fake.FailNext(4, http.StatusServiceUnavailable)
			st := start(t, fake, fake.Token(), fake.APIURL(), mode.interactions)
			sawWhy := st.untilReady(t, "while Discord answered 503")
			if !strings.Contains(sawWhy, "503") || !strings.Contains(sawWhy, "trying again in") {
				t.Errorf("Waiting() while Discord failed = %q, want the 503 and when it tries again", sawWhy)
			}
			if why := st.bot.Waiting(); why != "" {
				t.Errorf("Waiting() once ready = %q, want empty", why)
			}
			if n := strings.Count(st.log.String(), "could not reach discord; trying again"); n < 2 {
				t.Errorf("the log notes %d retries, want one per failed try:\n%s", n, st.log.String())
			}
			if len(fake.Commands(fake.GuildID())) == 0 {
				t.Errorf("no commands registered once Discord recovered")
			}
		})
	}
}

// TestStartStopsOnAWrongToken starts the bot with a token Discord
// refuses: Run returns ErrUnauthorized at once, without the token.
func TestStartStopsOnAWrongToken(t *testing.T) {
	t.Parallel()
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			fake := discordtest.NewServer(t)
			const wrong = "wrong-token.MTIzNDU2Nzg5"
			st := start(t, fake, wrong, fake.APIURL(), mode.interactions)
			select {
			case err := <-st.done:
				st.done <- err // for the cleanup
				if !errors.Is(err, bot.ErrUnauthorized) || strings.Contains(err.Error(), wrong) {
					t.Errorf("Run with a wrong token = %v, want ErrUnauthorized, without the token", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("Run with a wrong token still running after 10s, want it to stop; log:\n%s", st.log.String())
			}
			if strings.Contains(st.log.String(), wrong) {
				t.Errorf("log:\n%s\nwant no token", st.log.String())
			}
		})
	}
}

// TestStartRetriesWhileDiscordIsUnreachable points the bot at a port
// nothing listens on: it retries, says so, and stops when told to.
func TestStartRetriesWhileDiscordIsUnreachable(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			fake := discordtest.NewServer(t)
			st := start(t, fake, fake.Token(), "http://"+addr+"/api/v9", mode.interactions)
			deadline := time.Now().Add(10 * time.Second)
			for !strings.Contains(st.bot.Waiting(), "connection refused") {
				if time.Now().After(deadline) {
					t.Fatalf("Waiting() = %q after 10s, want the connection refused; log:\n%s", st.bot.Waiting(), st.log.String())
				}
				time.Sleep(5 * time.Millisecond)
			}
			st.stop()
			select {
			case err := <-st.done:
				st.done <- err // for the cleanup
				if err != nil {
					t.Errorf("Run stopped while retrying = %v, want nil", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("Run did not stop while retrying")
			}
		})
	}
}

// TestStartRetriesWhenTheGatewayIsSilent starts the bot on a gateway that
// accepts the websocket and then sends no HELLO, which discordgo would
// wait for without end: each try gives up after OpenTimeout and is tried
// again, Waiting says why meanwhile, and the bot is ready and answers once
// the gateway speaks.
func TestStartRetriesWhenTheGatewayIsSilent(t *testing.T) {
	t.Parallel()
	fake := discordtest.NewServer(t)
	const held = 2
	fake.HoldHello(held)
	st := startWith(t, fake, fake.Token(), fake.APIURL(), false, bot.Options{OpenTimeout: 200 * time.Millisecond})
	sawWhy := st.untilReady(t, fmt.Sprintf("on a gateway silent %d times", held))
	if !strings.Contains(sawWhy, "did not send HELLO and READY within 200ms") || !strings.Contains(sawWhy, "trying again in") {
		t.Errorf("Waiting() while the gateway was silent = %q, want the missing HELLO and when it tries again", sawWhy)
	}
	if gs := fake.GatewayStats(); gs.HellosHeld != held || gs.Connections != held+1 || gs.Identifies != 1 {
		t.Errorf("GatewayStats() = %+v, want %d connections held silent, then one identified", gs, held)
	}
	if n := strings.Count(st.log.String(), "could not reach discord; trying again"); n != held {
		t.Errorf("the log notes %d retries, want %d:\n%s", n, held, st.log.String())
	}
	ask := discordtest.SlashCommand("ask", discordtest.StringOption("question", "Who led the North Korean delegation to Tehran?"))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if r, err := fake.Interact(t, ask).Wait(ctx); err != nil || len(r.Original.Embeds) == 0 {
		t.Fatalf("/ask once connected = %+v, %v, want an answer", r, err)
	}
	// The deadline is lifted once connected: a session that outlives it
	// is not cut off (the bot would connect again).
	time.Sleep(300 * time.Millisecond)
	if r, err := fake.Interact(t, ask).Wait(ctx); err != nil || len(r.Original.Embeds) == 0 {
		t.Fatalf("/ask after the open deadline = %+v, %v, want an answer", r, err)
	}
	if gs := fake.GatewayStats(); gs.Connections != held+1 || gs.Resumes != 0 {
		t.Errorf("GatewayStats() after the open deadline = %+v, want the first session kept", gs)
	}
}
