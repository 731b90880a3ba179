// Package bot is Dossier's Discord front end: the /ask and /sources slash
// commands and the Find sources message command, answered from the index
// with quoted, linked excerpts; /digest and /watch, which set up the daily
// digest (package digest) and keep the question log it reports on; /add
// and the Add to corpus message command, which put links and files into
// the corpus folder (add.go, addrender.go); /cite, /citations and the
// Citations in this thread message command, which reuse the citations every
// reply names and keeps (citations.go, citecommands.go, citelist.go); and
// the Poster that posts the digest.
//
// The package has a pure core, which turns answers into Discord messages
// within Discord's limits and with all markdown escaped (render.go,
// escape.go, limits.go, customid.go), and a thin layer that talks to
// Discord through discordgo (bot.go, handlers.go). All of discordgo stays
// inside this package: cmd only calls NewSession, New, and Run (gateway)
// or InteractionsHandler and RunInteractions (HTTP interactions), and
// NewPoster for the digest's scheduler.
package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
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
	// Observer is told how questions end and how Discord's API behaves;
	// nil means no one is.
	Observer Observer
	// RetryWait is the first wait before trying again to reach a Discord
	// that failed, did not answer or could not be reached when starting
	// (default 1s); it doubles with each try, to at most 30 s.
	RetryWait time.Duration
	// OpenTimeout bounds a try to connect to the gateway, from the dial
	// to READY (default 20s, as long as a REST request may take).
	OpenTimeout time.Duration
	// Drain bounds how long stopping waits for the replies in flight
	// (default 6s), so that the process stops within the 10 seconds a
	// service manager gives it after SIGTERM.
	Drain time.Duration
	// Digests serves /digest and /watch and keeps the question log; nil
	// means this Dossier keeps no digests, and both commands answer
	// NoDigests (default: that digests are not set up here). Instances
	// that share one state store (state.Postgres) each serve both from it.
	Digests   *Digests
	NoDigests string
	// Seen remembers the interactions that came over HTTP, so that one
	// sent again is not answered again (replay.go); share one between
	// instances. Nil means this process's memory.
	Seen InteractionLog
	// Citations keeps the passages shown and serves /cite and
	// /citations; nil keeps none, and those commands say so.
	Citations *Citations
	// Adding serves /add and Add to corpus; nil leaves both out.
	Adding *Adding
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
	obs     Observer

	// registered is set once the commands are registered, connected
	// while the gateway session is up; Ready reports them.
	registered, connected atomic.Bool
	// waiting says why the bot is not connected yet while it retries;
	// up is closed once it has first connected and registered.
	waiting atomic.Pointer[string]
	up      chan struct{}
	upOnce  sync.Once

	mu       sync.Mutex
	stopping bool
	inflight sync.WaitGroup
	// pending are the interactions that came over HTTP and wait for their
	// initial response, by interaction id (interactions.go).
	pending map[string]*pendingResponse
	// acked are the interactions being answered whose initial response
	// was sent, so a panic is answered only where it can be (recover.go).
	acked map[string]bool
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
	if opts.Observer == nil {
		opts.Observer = unobserved{}
	}
	if opts.RetryWait <= 0 {
		opts.RetryWait = time.Second
	}
	if opts.OpenTimeout <= 0 {
		opts.OpenTimeout = 20 * time.Second
	}
	if opts.Drain <= 0 {
		opts.Drain = 6 * time.Second
	}
	if opts.NoDigests == "" {
		opts.NoDigests = msgNoDigests
	}
	if opts.Seen == nil {
		opts.Seen = &seenIDs{}
	}
	return &Bot{
		session: session,
		search:  search,
		opts:    opts,
		log:     opts.Log,
		limit:   newLimiter(opts.Questions, opts.Window, opts.Now),
		turns:   make(chan struct{}, opts.Searches),
		obs:     opts.Observer,
		pending: make(map[string]*pendingResponse),
		up:      make(chan struct{}),
		acked:   make(map[string]bool),
	}
}

// Run connects to the gateway, registers the commands and answers
// interactions until ctx is done; then it disconnects, lets the replies in
// flight finish and returns nil. A Bot runs once.
func (b *Bot) Run(ctx context.Context) error {
	od := &openDeadline{timeout: b.opts.OpenTimeout}
	b.session.Dialer = od.dialer(b.session.Dialer)
	for _, h := range []any{
		b.onInteraction,
		b.onRateLimit,
		func(*discordgo.Session, *discordgo.Connect) { od.lift(); b.connected.Store(true) },
		func(*discordgo.Session, *discordgo.Disconnect) { b.connected.Store(false) },
	} {
		defer b.session.AddHandler(h)()
	}
	err := b.untilConnected(ctx, "connect to the gateway", func() error { return od.open(b.session) })
	if ctx.Err() != nil {
		return nil
	}
	if err != nil {
		return err
	}
	appID, err := b.appID()
	if err == nil {
		err = b.untilConnected(ctx, "register commands", func() error { return b.register(appID) })
	}
	if ctx.Err() != nil {
		return b.stop()
	}
	if err != nil {
		b.stop()
		return err
	}
	b.upOnce.Do(func() { close(b.up) })
	b.log.Info("serving on the discord gateway", "application", appID, "commands", b.scope())
	<-ctx.Done()
	b.log.Info("shutting down: finishing the replies in flight")
	return b.stop()
}

// RunInteractions serves in HTTP interactions mode, where Discord POSTs
// interactions to InteractionsHandler: it registers the commands over
// REST, then waits until ctx is done, lets the replies in flight finish
// and returns nil. A Bot runs once, in one mode.
func (b *Bot) RunInteractions(ctx context.Context) error {
	defer b.session.AddHandler(b.onRateLimit)()
	appID := b.opts.AppID
	var err error
	if appID == "" {
		// No READY to name it: ask who the bot is. A bot user's id is its
		// application's id.
		err = b.untilConnected(ctx, "find the application id", func() error {
			me, err := b.session.User("@me")
			if err == nil {
				appID = me.ID
			}
			return err
		})
	}
	if err == nil {
		err = b.untilConnected(ctx, "register commands", func() error { return b.register(appID) })
	}
	if err != nil && ctx.Err() == nil {
		return err
	}
	if ctx.Err() != nil {
		b.refuseNew()
		b.drain()
		return nil
	}
	// Discord is reachable, which is all this mode needs of a connection.
	b.connected.Store(true)
	b.upOnce.Do(func() { close(b.up) })
	b.log.Info("serving discord interactions over http", "application", appID, "commands", b.scope())
	<-ctx.Done()
	b.log.Info("shutting down: finishing the replies in flight")
	b.refuseNew()
	b.drain()
	return nil
}

// Ready reports whether the bot can answer: its commands registered and
// connected to Discord (the gateway, or in interactions mode its REST
// API); false once it is stopping.
func (b *Bot) Ready() bool {
	b.mu.Lock()
	stopping := b.stopping
	b.mu.Unlock()
	return !stopping && b.registered.Load() && b.connected.Load()
}

func (b *Bot) scope() string {
	if b.opts.GuildID != "" {
		return "in guild " + b.opts.GuildID
	}
	return "globally"
}

// stop disconnects so no new interaction arrives, then waits for the
// ones being answered: their replies go over REST, not the gateway.
func (b *Bot) stop() error {
	b.refuseNew()
	err := b.session.Close()
	b.drain()
	if err != nil {
		return fmt.Errorf("disconnect from the discord gateway: %w", b.redact(err))
	}
	return nil
}

// refuseNew makes track turn away every interaction from now on.
func (b *Bot) refuseNew() {
	b.mu.Lock()
	b.stopping = true
	b.mu.Unlock()
}

// drain waits for the interactions in flight, at most Drain: a reply
// still unfinished then is abandoned rather than holding up a shutdown
// that the service manager would end by force.
func (b *Bot) drain() {
	done := make(chan struct{})
	go func() {
		b.inflight.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(b.opts.Drain):
		b.log.Warn("stopped before every reply in flight was sent", "waited", b.opts.Drain)
	}
}

// onRateLimit is told by discordgo of each 429 it waits out.
func (b *Bot) onRateLimit(_ *discordgo.Session, rl *discordgo.RateLimit) {
	var wait time.Duration
	if rl.TooManyRequests != nil {
		wait = rl.TooManyRequests.RetryAfter
	}
	b.log.Debug("rate limited by discord", "wait", wait)
	b.obs.RateLimited(wait)
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
	_, err := b.session.ApplicationCommandBulkOverwrite(appID, b.opts.GuildID, append(commands(), b.addCommands()...))
	if err != nil {
		return err
	}
	b.registered.Store(true)
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
