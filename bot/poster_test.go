package bot_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/google/go-cmp/cmp"

	"github.com/dossier-bot/dossier/bot"
	"github.com/dossier-bot/dossier/bot/digest"
	"github.com/dossier-bot/dossier/bot/discordtest"
)

func newPoster(tb testing.TB, fake *discordtest.Server) *bot.Poster {
	tb.Helper()
	s, err := bot.NewSession(fake.Token(), fake.APIURL())
	if err != nil {
		tb.Fatal(err)
	}
	return bot.NewPoster(s)
}

func TestPosterPostsOnceAndFindsWhatItSent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fake := discordtest.NewServer(t)
	p, ch := newPoster(t, fake), fake.ChannelID()
	start := time.Now() // the fake's clock, not advanced
	fake.UserMessage(ch, "a user's message")

	first, err := p.Post(ctx, ch, "part one, @everyone", "nonce-1")
	if err != nil {
		t.Fatalf("Post() = %v", err)
	}
	if again, err := p.Post(ctx, ch, "part one, @everyone", "nonce-1"); err != nil || again != first {
		t.Errorf("Post() with the same nonce = %s, %v; want the first message %s", again, err, first)
	}
	second, err := p.Post(ctx, ch, "part two", "nonce-2")
	if err != nil {
		t.Fatalf("Post() = %v", err)
	}
	for _, m := range fake.Messages(ch)[1:] {
		if m.Flags&discordgo.MessageFlagsSuppressEmbeds == 0 {
			t.Errorf("message %q has flags %d, want link previews suppressed", m.Content, m.Flags)
		}
	}

	sent, err := p.Sent(ctx, ch, start.Add(-time.Minute))
	want := []digest.SentMessage{{ID: first, Content: "part one, @everyone"}, {ID: second, Content: "part two"}}
	if err != nil || !cmp.Equal(sent, want) {
		t.Errorf("Sent() = %+v, %v; want the bot's two messages, oldest first", sent, err)
	}
	if sent, err := p.Sent(ctx, ch, time.Now().Add(time.Minute)); err != nil || len(sent) != 0 {
		t.Errorf("Sent(after the messages) = %+v, %v; want none", sent, err)
	}
	noViolations(t, fake)
}

func TestPosterCannotPost(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		spoil func(fake *discordtest.Server, ch string)
		want  string
	}{
		{"deleted", func(f *discordtest.Server, ch string) { f.DeleteChannel(ch) }, "no longer exists"},
		{"hidden", func(f *discordtest.Server, ch string) { f.DenyBot(ch, discordgo.PermissionViewChannel) }, "View Channel"},
		{"read-only", func(f *discordtest.Server, ch string) { f.DenyBot(ch, discordgo.PermissionSendMessages) }, "Send Messages"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := discordtest.NewServer(t)
			p, ch := newPoster(t, fake), fake.AddChannel("digest")
			tt.spoil(fake, ch)
			_, err := p.Post(context.Background(), ch, "digest", "n")
			if !errors.Is(err, digest.ErrCannotPost) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Post() = %v, want digest.ErrCannotPost saying %q", err, tt.want)
			}
		})
	}
}

func TestPosterWaitsOutRateLimitsAndKeepsTheTokenOut(t *testing.T) {
	t.Parallel()
	fake := discordtest.NewServer(t)
	p := newPoster(t, fake)
	fake.RateLimitNext(1)
	if _, err := p.Post(context.Background(), fake.ChannelID(), "digest", "n"); err != nil {
		t.Errorf("Post() after a 429 = %v, want it retried", err)
	}
	fake.LoseReplies(1)
	_, err := p.Post(context.Background(), fake.ChannelID(), "digest", "m")
	if err == nil || errors.Is(err, digest.ErrCannotPost) || strings.Contains(err.Error(), fake.Token()) {
		t.Errorf("Post() with its reply lost = %v, want an error worth retrying, without the token", err)
	}
}
