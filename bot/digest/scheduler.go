package digest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/dossier-bot/dossier/bot/state"
)

// Clock tells the time and waits; tests pass a fake one.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type systemClock struct{}

func (systemClock) Now() time.Time                         { return time.Now() }
func (systemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Scheduling settings.
const (
	// maxSleep bounds the scheduler's sleep, so that a new subscription,
	// a failed post's retry or a jump of the system clock is acted on
	// within a minute.
	maxSleep = time.Minute
	// askedWindow is how far back a digest's questions go at least.
	askedWindow = 24 * time.Hour
	// pruneEvery spaces out pruning of the question log.
	pruneEvery = time.Hour
)

// Config is what a Scheduler needs.
type Config struct {
	Store state.Store
	// Index searches for the watches' new passages.
	Index  Asker
	Poster Poster
	// Clock is the system clock when nil.
	Clock Clock
	// Log is where posts, pauses and failures are reported; nil discards.
	Log *slog.Logger
	// Retention is how long questions, and digests other than each
	// channel's latest, are kept; 0 keeps them for ever.
	Retention time.Duration
	// Posted, when set, is told of each digest posted in full, for
	// metrics.
	Posted func()
}

// Scheduler posts each subscribed channel's digest once a day at its
// local time. It is safe to Preview while Run runs; Run and Tick must not
// run concurrently with each other.
type Scheduler struct {
	cfg       Config
	lastPrune time.Time
}

// NewScheduler returns a scheduler; Run starts it.
func NewScheduler(cfg Config) *Scheduler {
	if cfg.Clock == nil {
		cfg.Clock = systemClock{}
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Scheduler{cfg: cfg}
}

// Run posts digests as they fall due until ctx is cancelled, then returns
// nil. On start it catches up: a digest whose time passed today while the
// bot was down is posted at once, and one a crash interrupted is
// finished.
func (s *Scheduler) Run(ctx context.Context) error {
	for {
		if err := s.Tick(ctx); err != nil {
			s.cfg.Log.Error("daily digest", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-s.cfg.Clock.After(s.sleep()):
		}
	}
}

// sleep is how long Run may wait before the next digest falls due.
func (s *Scheduler) sleep() time.Duration {
	now := s.cfg.Clock.Now()
	wait := maxSleep
	subs, err := s.cfg.Store.Subscriptions()
	if err != nil {
		return wait // Tick reports the error
	}
	for _, sub := range subs {
		if sched, err := scheduleOf(sub); err == nil && sub.Paused == "" {
			wait = min(wait, sched.next(now).Sub(now))
		}
	}
	return wait
}

// Tick does what is due now: it prunes the question log now and then and
// posts every digest whose time has come today and that is not posted
// yet. Errors of one channel do not stop the others; all are returned.
func (s *Scheduler) Tick(ctx context.Context) error {
	now := s.cfg.Clock.Now()
	var errs []error
	if s.cfg.Retention > 0 && now.Sub(s.lastPrune) >= pruneEvery {
		if n, err := s.cfg.Store.Prune(now.Add(-s.cfg.Retention)); err != nil {
			errs = append(errs, err)
		} else {
			s.lastPrune = now
			s.cfg.Log.Debug("pruned the question log", "entries", n)
		}
	}
	subs, err := s.cfg.Store.Subscriptions()
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	for _, sub := range subs {
		if sub.Paused != "" {
			continue
		}
		if err := s.tickOne(ctx, sub, now); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (s *Scheduler) tickOne(ctx context.Context, sub state.Subscription, now time.Time) error {
	sched, err := scheduleOf(sub)
	if err != nil {
		return err
	}
	date, at, ok := sched.latest(now)
	// A subscription made after today's time starts tomorrow.
	if !ok || !at.After(sub.Created) {
		return nil
	}
	rec, found, err := s.cfg.Store.Digest(sub.ChannelID, date)
	if err != nil {
		return err
	}
	if found && rec.Status != state.Posting {
		return nil
	}
	return s.deliver(ctx, sub, date, at.In(sched.loc), now)
}

// askedSince starts the questions of a digest covering changes since
// since: the questions asked since then, so none falls between two
// digests, and at least those of the last day.
func askedSince(since, now time.Time) time.Time {
	if day := now.Add(-askedWindow); day.Before(since) {
		return day
	}
	return since
}

// Preview composes the digest the channel would get now, without
// recording or posting anything: for /digest preview. It covers what
// happened since the channel's last digest, or since it subscribed, or
// at most the last 24 hours; its questions go back 24 hours at least.
func (s *Scheduler) Preview(ctx context.Context, guildID, channelID string) (Digest, error) {
	now := s.cfg.Clock.Now()
	w := Window{GuildID: guildID, ChannelID: channelID, Date: now.UTC(), Since: now.Add(-askedWindow), Until: now, AskedSince: now.Add(-askedWindow)}
	sub, subscribed, err := s.cfg.Store.Subscription(channelID)
	if err != nil {
		return Digest{}, err
	}
	if loc, err := sub.Location(); subscribed && err == nil {
		w.Date = now.In(loc)
	}
	// The first digest covers what came after the subscription, as begin
	// does: not a corpus registered just before it.
	if subscribed && sub.Created.After(w.Since) {
		w.Since = sub.Created
	}
	last, found, err := s.cfg.Store.LastDigest(channelID)
	if err != nil {
		return Digest{}, err
	}
	if found {
		w.Since, w.AskedSince = last.Until, askedSince(last.Until, now)
	}
	in, err := Gather(ctx, s.cfg.Store, s.cfg.Index, w)
	if err != nil {
		return Digest{}, fmt.Errorf("preview digest of channel %s: %w", channelID, err)
	}
	return Compose(in), nil
}
