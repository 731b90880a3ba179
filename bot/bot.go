// Package bot is Dossier's Discord front end: the /ask and /sources slash
// commands and the Find sources message command, answered from the index
// with quoted, linked excerpts.
//
// The package has a pure core, which turns answers into Discord messages
// within Discord's limits and with all markdown escaped (render.go,
// escape.go, limits.go, customid.go), and a thin layer that talks to
// Discord through discordgo (bot.go, handlers.go). All of discordgo stays
// inside this package: cmd only calls NewSession, New and Run.
package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/dossier-bot/dossier/index"
)

// Searcher answers questions from the corpus; *index.Index is one.
type Searcher interface {
	Ask(ctx context.Context, question string, k int) (index.Answer, error)
	Documents() []index.DocInfo
}

// Options tune a Bot. The zero value is ready to use.
type Options struct {
	// AppID is the application's id; empty means the one READY reports.
	AppID string
	// GuildID registers the commands in that guild only, where they show
	// up at once; empty registers them globally.
	GuildID string
	Log     *slog.Logger
	// Now is the clock of the rate limit; nil means time.Now.
	Now func() time.Time
	// Searches caps the searches run at once (default 4); a question
	// that waits longer than BusyWait (default 2s) for a turn is told
	// that Dossier is busy.
	Searches int
	BusyWait time.Duration
	// Questions per user per Window (default 5 in 30s).
	Questions int
	Window    time.Duration
}

// replyTimeout bounds the work for one interaction. It is not tied to
// Run's context, so replies in flight finish during a shutdown.
const replyTimeout = 30 * time.Second

// Bot answers Discord interactions from a Searcher.
type Bot struct {
	session *discordgo.Session
	search  Searcher
	opts    Options
	log     *slog.Logger
	limit   *limiter
	turns   chan struct{} // a semaphore of search slots

	mu       sync.Mutex
	stopping bool
	inflight sync.WaitGroup
}

// New returns a Bot that serves on session, which NewSession made.
func New(session *discordgo.Session, search Searcher, opts Options) *Bot {
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Searches <= 0 {
		opts.Searches = 4
	}
	if opts.BusyWait <= 0 {
		opts.BusyWait = 2 * time.Second
	}
	if opts.Questions <= 0 {
		opts.Questions = 5
	}
	if opts.Window <= 0 {
		opts.Window = 30 * time.Second
	}
	return &Bot{
		session: session,
		search:  search,
		opts:    opts,
		log:     opts.Log,
		limit:   newLimiter(opts.Questions, opts.Window, opts.Now),
		turns:   make(chan struct{}, opts.Searches),
	}
}

// Run connects to the gateway, registers the commands and answers
// interactions until ctx is done; then it disconnects, lets the replies in
// flight finish and returns nil. A Bot runs once.
func (b *Bot) Run(ctx context.Context) error {
	remove := b.session.AddHandler(b.onInteraction)
	defer remove()
	if err := b.session.Open(); err != nil {
		return fmt.Errorf("connect to the discord gateway: %w", b.redact(err))
	}
	appID, err := b.appID()
	if err == nil {
		err = b.register(appID)
	}
	if err != nil {
		b.stop()
		return err
	}
	scope := "globally"
	if b.opts.GuildID != "" {
		scope = "in guild " + b.opts.GuildID
	}
	b.log.Info("serving on discord", "application", appID, "commands", scope)
	<-ctx.Done()
	b.log.Info("shutting down: finishing the replies in flight")
	return b.stop()
}

// stop disconnects so no new interaction arrives, then waits for the
// ones being answered: their replies go over REST, not the gateway.
func (b *Bot) stop() error {
	b.mu.Lock()
	b.stopping = true
	b.mu.Unlock()
	err := b.session.Close()
	b.inflight.Wait()
	if err != nil {
		return fmt.Errorf("disconnect from the discord gateway: %w", b.redact(err))
	}
	return nil
}

// track counts an interaction as in flight, unless the bot is stopping.
func (b *Bot) track() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stopping {
		return false
	}
	b.inflight.Add(1)
	return true
}

// appID is the configured application id, or the one READY reported.
func (b *Bot) appID() (string, error) {
	if b.opts.AppID != "" {
		return b.opts.AppID, nil
	}
	st := b.session.State
	st.RLock()
	defer st.RUnlock()
	switch {
	case st.Application != nil && st.Application.ID != "":
		return st.Application.ID, nil
	case st.User != nil && st.User.ID != "":
		// A bot user's id is its application's id.
		return st.User.ID, nil
	}
	return "", errors.New("find the discord application id: READY named none; set DOSSIER_DISCORD_APP_ID")
}

// register replaces the application's commands with Dossier's, in one
// bulk overwrite.
func (b *Bot) register(appID string) error {
	_, err := b.session.ApplicationCommandBulkOverwrite(appID, b.opts.GuildID, commands())
	if err != nil {
		where := "globally"
		if b.opts.GuildID != "" {
			where = fmt.Sprintf("in guild %s", b.opts.GuildID)
		}
		return fmt.Errorf("register commands %s: %w", where, b.redact(err))
	}
	return nil
}

func (b *Bot) redact(err error) error { return redact(err, b.session) }

// errBusy is returned when no search slot frees up in time.
var errBusy = errors.New("all search slots are taken")

// ask runs one search when a slot is free within BusyWait.
func (b *Bot) ask(ctx context.Context, question string, k int) (index.Answer, error) {
	timer := time.NewTimer(b.opts.BusyWait)
	defer timer.Stop()
	select {
	case b.turns <- struct{}{}:
	case <-timer.C:
		return index.Answer{}, errBusy
	}
	defer func() { <-b.turns }()
	return b.search.Ask(ctx, question, k)
}
