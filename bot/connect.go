package bot

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// ErrUnauthorized is returned by Run and RunInteractions when Discord
// refuses the bot's token: retrying cannot help.
var ErrUnauthorized = errors.New("discord refused the bot's token (401 Unauthorized)")

// closeAuthenticationFailed is the gateway's close code for a bad token.
const closeAuthenticationFailed = 4004

// maxRetryWait caps the wait between two tries to reach Discord.
const maxRetryWait = 30 * time.Second

// untilConnected runs try, which talks to Discord, until it succeeds, ctx
// is done or Discord refuses the token. A Discord that fails (5xx), does
// not answer or cannot be reached is tried again, after waits doubling
// from Options.RetryWait to 30 s, jittered so that replicas started
// together do not retry together; meanwhile Waiting says why the bot is
// not ready. It returns nil on success, ctx's error once ctx is done.
func (b *Bot) untilConnected(ctx context.Context, what string, try func() error) error {
	wait := b.opts.RetryWait
	for attempt := 1; ; attempt++ {
		err := try()
		if err == nil {
			b.waiting.Store(nil)
			return nil
		}
		err = b.redact(err)
		b.obs.DiscordError(what)
		if unauthorized(err) {
			return fmt.Errorf("%s: %w", what, ErrUnauthorized)
		}
		jittered := wait/2 + rand.N(wait/2+1)
		why := fmt.Sprintf("discord: could not %s (try %d): %v; trying again in %s", what, attempt, err, jittered.Round(time.Millisecond))
		b.waiting.Store(&why)
		b.log.Warn("could not reach discord; trying again", "op", what, "attempt", attempt, "err", err, "wait", jittered)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(jittered):
		}
		wait = min(2*wait, maxRetryWait)
	}
}

// Up is closed once the bot has connected to Discord and registered its
// commands, the first time.
func (b *Bot) Up() <-chan struct{} { return b.up }

// Waiting says why the bot is not connected to Discord yet, while it
// retries; "" when it is not retrying.
func (b *Bot) Waiting() string {
	if why := b.waiting.Load(); why != nil {
		return *why
	}
	return ""
}

// unauthorized reports whether err is Discord refusing the token, over
// REST (401) or on the gateway (close 4004).
func unauthorized(err error) bool {
	var rest *discordgo.RESTError
	if errors.As(err, &rest) && rest.Response != nil && rest.Response.StatusCode == http.StatusUnauthorized {
		return true
	}
	var closed *websocket.CloseError
	return errors.As(err, &closed) && closed.Code == closeAuthenticationFailed
}
