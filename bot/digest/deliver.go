package digest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/dossier-bot/dossier/bot/state"
)

// ErrCannotPost marks a Poster error that retrying will not cure: the
// channel is gone (Discord error 10003), or the bot lost access to it
// (50001) or the permission to post (50013). The scheduler then pauses
// the subscription, with the error's text as the reason, instead of
// retrying every minute for ever.
var ErrCannotPost = errors.New("cannot post in the channel")

// Poster posts digests; the Discord layer implements it.
//
// A digest is posted without ever posting a part twice, even when the
// process dies between posting a message and recording it:
//
//  1. The digest is composed and recorded, with every part's content and
//     nonce, before anything is posted (state.Store.BeginDigest).
//  2. Each part is posted with its nonce, and its message id recorded at
//     once (state.Store.PartPosted); then the digest is marked posted.
//  3. A digest found still posting (after a crash, or a failed post) is
//     resumed: the parts whose ids are missing are first looked for among
//     the messages the bot sent to the channel since the digest was
//     recorded (Sent), matched by their exact content, and only the ones
//     not found are posted.
//
// Posting with the nonce and enforce_nonce covers the one case the history
// lookup could miss, a message Discord accepted but does not list yet:
// Discord returns the existing message instead of creating a second one
// with the same nonce for a few minutes.
type Poster interface {
	// Post sends content to the channel as a message with the given nonce
	// and enforce_nonce set, no mentions allowed and link embeds
	// suppressed, and returns the message's id. Errors that retrying will
	// not cure wrap ErrCannotPost.
	Post(ctx context.Context, channelID, content, nonce string) (messageID string, err error)
	// Sent lists the messages the bot itself sent to the channel after
	// the given time, oldest first (following Discord's pages as needed).
	Sent(ctx context.Context, channelID string, after time.Time) ([]SentMessage, error)
}

// SentMessage is a message the bot sent.
type SentMessage struct {
	ID      string
	Content string
}

// sentSlack widens the Sent lookup for the difference between our clock
// and Discord's. Only this digest's parts can match: a channel's previous
// digest was a day earlier.
const sentSlack = 5 * time.Minute

// deliver posts the channel's digest for date, composing and recording it
// first unless a previous attempt did.
func (s *Scheduler) deliver(ctx context.Context, sub state.Subscription, date string, day, now time.Time) error {
	rec, found, err := s.cfg.Store.Digest(sub.ChannelID, date)
	if err != nil {
		return err
	}
	resume := found
	if !found {
		if rec, resume, err = s.begin(ctx, sub, date, day, now); err != nil {
			return err
		}
		if rec.Status == state.Empty {
			s.cfg.Log.Info("nothing new for the daily digest; nothing posted", "channel", sub.ChannelID, "date", date)
			return nil
		}
	}
	if resume {
		if err := s.recover(ctx, sub.GuildID, &rec); err != nil {
			return s.failed(sub, date, err)
		}
	}
	for i, p := range rec.Parts {
		if p.MessageID != "" {
			continue
		}
		id, err := s.cfg.Poster.Post(ctx, sub.ChannelID, p.Content, p.Nonce)
		if err != nil {
			return s.failed(sub, date, err)
		}
		if err := s.cfg.Store.PartPosted(sub.ChannelID, date, i, id); err != nil {
			return err
		}
		s.citationsPosted(sub.GuildID, sub.ChannelID, id, p.Content)
	}
	if err := s.cfg.Store.FinishDigest(sub.ChannelID, date, s.cfg.Clock.Now()); err != nil {
		return err
	}
	s.cfg.Log.Info("daily digest posted", "channel", sub.ChannelID, "date", date, "messages", len(rec.Parts), "resumed", resume)
	if s.cfg.Posted != nil {
		s.cfg.Posted()
	}
	return nil
}

// begin composes the digest and records it. resume is true when another
// attempt recorded one first, which is then returned instead.
func (s *Scheduler) begin(ctx context.Context, sub state.Subscription, date string, day, now time.Time) (rec state.Digest, resume bool, err error) {
	since := sub.Created
	last, found, err := s.cfg.Store.LastDigest(sub.ChannelID)
	if err != nil {
		return state.Digest{}, false, err
	}
	if found {
		since = last.Until
	}
	in, err := Gather(ctx, s.cfg.Store, s.cfg.Index, Window{
		GuildID: sub.GuildID, ChannelID: sub.ChannelID, Date: day,
		Since: since, Until: now, AskedSince: askedSince(since, now),
	})
	if err != nil {
		return state.Digest{}, false, fmt.Errorf("compose digest of channel %s for %s: %w", sub.ChannelID, date, err)
	}
	rec = state.Digest{ChannelID: sub.ChannelID, Date: date, Status: state.Posting, Since: since, Until: now, Started: now}
	d := Compose(in)
	if err := keepCitations(s.cfg.Store, &d, sub, now); err != nil {
		return state.Digest{}, false, fmt.Errorf("keep the citations of channel %s's digest for %s: %w", sub.ChannelID, date, err)
	}
	for i, content := range Messages(d) {
		rec.Parts = append(rec.Parts, state.Part{Content: content, Nonce: nonce(sub.ChannelID, date, i)})
	}
	if len(rec.Parts) == 0 {
		rec.Status, rec.Finished = state.Empty, now
	}
	rec, created, err := s.cfg.Store.BeginDigest(rec)
	return rec, !created, err
}

// recover records the part of rec, a digest of guildID's, that may be in
// the channel without its id recorded: the first one missing an id, since
// each part is posted only once the one before it is recorded.
func (s *Scheduler) recover(ctx context.Context, guildID string, rec *state.Digest) error {
	i := slices.IndexFunc(rec.Parts, func(p state.Part) bool { return p.MessageID == "" })
	if i < 0 {
		return nil // every part is recorded; only the finish is missing
	}
	sent, err := s.cfg.Poster.Sent(ctx, rec.ChannelID, rec.Started.Add(-sentSlack))
	if err != nil {
		return fmt.Errorf("list messages sent to channel %s: %w", rec.ChannelID, err)
	}
	for _, m := range sent {
		if m.Content == rec.Parts[i].Content {
			rec.Parts[i].MessageID = m.ID
			s.cfg.Log.Info("found a digest message posted before a restart", "channel", rec.ChannelID, "date", rec.Date, "part", i, "message", m.ID)
			if err := s.cfg.Store.PartPosted(rec.ChannelID, rec.Date, i, m.ID); err != nil {
				return err
			}
			s.citationsPosted(guildID, rec.ChannelID, m.ID, m.Content)
			return nil
		}
	}
	return nil
}

// failed handles an error posting to the channel: a lasting one pauses
// the subscription and is logged here; others are returned, and the next
// tick tries again.
func (s *Scheduler) failed(sub state.Subscription, date string, err error) error {
	if !errors.Is(err, ErrCannotPost) {
		return fmt.Errorf("post digest to channel %s for %s: %w", sub.ChannelID, date, err)
	}
	if perr := s.cfg.Store.Pause(sub.ChannelID, err.Error(), s.cfg.Clock.Now()); perr != nil {
		return perr
	}
	s.cfg.Log.Warn("daily digest paused: the bot cannot post in the channel; /digest subscribe there resumes it",
		"channel", sub.ChannelID, "guild", sub.GuildID, "date", date, "reason", err)
	return nil
}

// nonce is a part's nonce: the same for the same part of the same day's
// digest, at most the 25 characters Discord allows.
func nonce(channelID, date string, part int) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s/%s/%d", channelID, date, part)))
	return hex.EncodeToString(sum[:])[:25]
}
