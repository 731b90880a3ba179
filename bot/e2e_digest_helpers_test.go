package bot_test

import (
	"context"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/dossier-bot/dossier/bot"
	"github.com/dossier-bot/dossier/bot/digest"
	"github.com/dossier-bot/dossier/bot/discordtest"
	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/index"
)

// testClock is a clock that moves only when the test moves it. It counts
// the waits asked of it: a loop that waits has finished its turn.
type testClock struct {
	mu      sync.Mutex
	now     time.Time
	waits   []clockWait
	sleeps  int
	changed chan struct{} // closed and replaced on every wait
}

type clockWait struct {
	at time.Time
	ch chan time.Time
}

func newTestClock(now time.Time) *testClock {
	return &testClock{now: now, changed: make(chan struct{})}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	c.waits = append(c.waits, clockWait{c.now.Add(d), ch})
	c.sleeps++
	close(c.changed)
	c.changed = make(chan struct{})
	return ch
}

// advance moves the clock on and ends the waits that are due.
func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	kept := c.waits[:0]
	for _, w := range c.waits {
		if w.at.After(c.now) {
			kept = append(kept, w)
			continue
		}
		w.ch <- c.now
	}
	c.waits = kept
}

func (c *testClock) sleepCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sleeps
}

// waitSleeps waits until the clock was asked to wait n times in all.
func (c *testClock) waitSleeps(tb testing.TB, n int) {
	tb.Helper()
	timeout := time.After(20 * time.Second)
	for {
		c.mu.Lock()
		done, ch := c.sleeps >= n, c.changed
		c.mu.Unlock()
		if done {
			return
		}
		select {
		case <-ch:
		case <-timeout:
			tb.Fatalf("the clock was asked to wait %d times, want %d", c.sleepCount(), n)
		}
	}
}

// digestWorld is Dossier as dossier serve runs it with a data folder: the
// bot, the digest scheduler and the corpus watcher, on a fake Discord, a
// corpus folder, an on-disk index and a state store, with clocks the test
// moves.
type digestWorld struct {
	fake      *discordtest.Server
	dir       string // the corpus folder
	ix        *index.Index
	statePath string
	// The scheduler's and the watcher's clocks move together; the bot
	// tells the time by the scheduler's.
	schedClock, watchClock *testClock

	store state.Store
	log   *syncLog
	stop  func(testing.TB)
}

// newDigestWorld starts Dossier on a copy of the built-in corpus.
func newDigestWorld(tb testing.TB) *digestWorld {
	tb.Helper()
	w := &digestWorld{
		fake:      discordtest.NewServer(tb),
		dir:       copyBuiltinCorpus(tb),
		statePath: filepath.Join(tb.TempDir(), state.FileName),
		log:       &syncLog{},
	}
	c, err := corpus.Load(os.DirFS(w.dir))
	if err != nil {
		tb.Fatal(err)
	}
	if w.ix, err = index.Open(filepath.Join(tb.TempDir(), "index")); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { w.ix.Close() })
	if _, err := w.ix.Sync(context.Background(), c, nil); err != nil {
		tb.Fatal(err)
	}
	// The fake Discord's clock is the wall clock until advanced.
	now := time.Now()
	w.schedClock, w.watchClock = newTestClock(now), newTestClock(now)
	w.start(tb)
	tb.Cleanup(func() {
		if w.stop != nil {
			w.stop(tb)
		}
	})
	return w
}

// start runs the bot, the scheduler and the watcher, as a fresh process
// would, and returns once the scheduler and the watcher have had their
// first look.
func (w *digestWorld) start(tb testing.TB) {
	tb.Helper()
	store, err := state.Open(w.statePath)
	if err != nil {
		tb.Fatal(err)
	}
	w.store = store
	session, err := bot.NewSession(w.fake.Token(), w.fake.APIURL())
	if err != nil {
		tb.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(w.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	sched := digest.NewScheduler(digest.Config{
		Store: store, Index: w.ix, Poster: bot.NewPoster(session), Clock: w.schedClock, Log: log, Retention: 30 * 24 * time.Hour,
	})
	watcher := digest.NewWatcher(digest.WatcherConfig{
		Corpus: os.DirFS(w.dir), Name: w.dir, Index: w.ix, Store: store, Interval: time.Minute, Clock: w.watchClock, Log: log,
	})
	b := bot.New(session, w.ix, bot.Options{
		GuildID: w.fake.GuildID(), Log: log, Now: w.schedClock.Now,
		Digests:   &bot.Digests{Store: store, Preview: sched},
		Citations: &bot.Citations{Store: store},
	})
	schedSleeps, watchSleeps := w.schedClock.sleepCount(), w.watchClock.sleepCount()
	ctx, cancel := context.WithCancel(context.Background())
	errs := make(chan error, 3)
	for _, run := range []func(context.Context) error{b.Run, sched.Run, watcher.Run} {
		go func() { errs <- run(ctx) }()
	}
	w.schedClock.waitSleeps(tb, schedSleeps+1)
	w.watchClock.waitSleeps(tb, watchSleeps+1)
	// Up once the commands are registered too, which the session's first
	// answers may come before.
	select {
	case <-b.Up():
	case <-time.After(20 * time.Second):
		tb.Fatalf("the bot was not up within 20s; log:\n%s", w.log.String())
	}
	w.stop = func(tb testing.TB) {
		tb.Helper()
		w.stop = nil
		cancel()
		for range 3 {
			select {
			case err := <-errs:
				if err != nil {
					tb.Errorf("Run() = %v, want nil after the context ends", err)
				}
			case <-time.After(20 * time.Second):
				tb.Fatal("Run() did not return after its context ended")
			}
		}
		if err := store.Close(); err != nil {
			tb.Error(err)
		}
		if log := w.log.String(); strings.Contains(log, "interaction-token.") || strings.Contains(log, "fake-token.") {
			tb.Errorf("the bot logged a token:\n%s", log)
		}
	}
}

// restart stops Dossier and starts it again on the same state.
func (w *digestWorld) restart(tb testing.TB) {
	tb.Helper()
	w.stop(tb)
	w.start(tb)
}

// advance moves time on for everyone, the fake Discord included, by at
// least the scheduler's and the watcher's longest sleep (a minute), and
// returns once both have had their turn.
func (w *digestWorld) advance(tb testing.TB, d time.Duration) {
	tb.Helper()
	if d < time.Minute {
		tb.Fatalf("advance(%v): advance by a minute or more, so that the scheduler and the watcher wake", d)
	}
	schedSleeps, watchSleeps := w.schedClock.sleepCount(), w.watchClock.sleepCount()
	w.fake.Advance(d)
	w.schedClock.advance(d)
	w.watchClock.advance(d)
	w.schedClock.waitSleeps(tb, schedSleeps+1)
	w.watchClock.waitSleeps(tb, watchSleeps+1)
}

// do plays an interaction and waits for its reply.
func (w *digestWorld) do(tb testing.TB, in *discordgo.Interaction) discordtest.Response {
	tb.Helper()
	return wait(tb, w.fake.Interact(tb, in))
}

// reply is the text of an interaction's reply, follow-ups included.
func reply(r discordtest.Response) string {
	var parts []string
	if r.Original != nil {
		parts = append(parts, r.Original.Content)
	}
	for _, f := range r.Followups {
		parts = append(parts, f.Content)
	}
	return strings.Join(parts, "\n")
}

// digestPosts are the messages the bot posted to a channel on its own,
// not in reply to an interaction.
func digestPosts(fake *discordtest.Server, channelID string) []*discordtest.Message {
	var out []*discordtest.Message
	for _, m := range fake.Messages(channelID) {
		if m.Author != nil && m.Author.ID == fake.BotUserID() && m.Type == discordgo.MessageTypeDefault && m.Flags&discordgo.MessageFlagsEphemeral == 0 {
			out = append(out, m)
		}
	}
	return out
}

func contents(ms []*discordtest.Message) string {
	var parts []string
	for _, m := range ms {
		parts = append(parts, m.Content)
	}
	return strings.Join(parts, "\n")
}

// digestCommand builds /digest or /watch with a subcommand.
func digestCommand(name, sub string, options ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.Interaction {
	return discordtest.SlashCommand(name, discordtest.Subcommand(sub, options...))
}

// inChannel plays in in another channel of the guild.
func inChannel(in *discordgo.Interaction, channelID string) *discordgo.Interaction {
	in.ChannelID = channelID
	return in
}

// writeDocument adds a document to the corpus folder.
func writeDocument(tb testing.TB, dir, name, text string) {
	tb.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// copyBuiltinCorpus copies the built-in corpus into a folder of its own.
func copyBuiltinCorpus(tb testing.TB) string {
	tb.Helper()
	dir := tb.TempDir()
	err := fs.WalkDir(corpus.Builtin(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(corpus.Builtin(), p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, p), data, 0o644)
	})
	if err != nil {
		tb.Fatalf("copy the built-in corpus: %v", err)
	}
	return dir
}
