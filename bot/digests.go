package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/dossier-bot/dossier/bot/digest"
	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/corpus/cite"
	"github.com/dossier-bot/dossier/index"
)

// Digests is what the /digest and /watch commands and the question log
// need; see Options.Digests.
type Digests struct {
	// Store keeps the subscriptions, the watches and the question log.
	Store state.Store
	// Preview composes the digest a channel would get now.
	Preview Previewer
}

// Previewer composes the digest a channel would get now, recording and
// posting nothing; *digest.Scheduler is one.
type Previewer interface {
	Preview(ctx context.Context, guildID, channelID string) (digest.Digest, error)
}

// msgNoDigests is the reply to /digest and /watch by a bot without
// Digests, unless Options.NoDigests says otherwise.
const msgNoDigests = "Daily digests are not set up on this Dossier: they need a data folder to keep subscriptions in."

// maxPreviewMessages bounds the messages of one /digest preview.
const maxPreviewMessages = 5

// onDigestCommand answers /digest and /watch; raw is the interaction as
// Discord sent it, for what discordgo does not decode.
func (b *Bot) onDigestCommand(ctx context.Context, i *discordgo.Interaction, data discordgo.ApplicationCommandInteractionData, raw []byte) {
	if b.opts.Digests == nil {
		b.respond(i, text(b.opts.NoDigests), true)
		return
	}
	if i.GuildID == "" {
		b.respond(i, text("Digests and watches belong to a server: use this command in a server's channel."), true)
		return
	}
	name, opts := subcommand(data)
	switch data.Name + " " + name {
	case cmdDigest + " " + subSubscribe:
		b.onSubscribe(ctx, i, opts, resolvedPermissions(raw))
	case cmdDigest + " " + subUnsubscribe:
		b.onUnsubscribe(i, opts, resolvedPermissions(raw))
	case cmdDigest + " " + subStatus:
		b.onStatus(i)
	case cmdDigest + " " + subPreview:
		b.onPreview(ctx, i)
	case cmdWatch + " " + subAdd:
		b.onWatchAdd(i, opts)
	case cmdWatch + " " + subRemove:
		b.onWatchRemove(i, opts)
	case cmdWatch + " " + subList:
		b.onWatchList(i)
	default:
		b.log.Warn("unknown subcommand", "command", data.Name, "subcommand", name, "interaction", i.ID)
		b.respond(i, text(msgOldCommand), true)
	}
}

// later acknowledges i privately at once, which Discord wants within 3
// seconds, then shows the messages work returns: the first in place of
// the acknowledgement, the others as private follow-ups, which Discord
// shows after it. The follow-ups go first, so that the reply is complete
// once the acknowledgement shows an answer.
func (b *Bot) later(i *discordgo.Interaction, work func() []string) {
	if !b.acknowledge(i, true) {
		return
	}
	msgs := work()
	for _, m := range msgs[1:] {
		if _, err := b.session.FollowupMessageCreate(i, true, text(m).followup(true)); err != nil {
			b.fail("reply", i, err)
			break
		}
	}
	if _, err := b.session.InteractionResponseEdit(i, text(msgs[0]).edit()); err != nil {
		b.fail("reply", i, err)
	}
}

// storeFailed logs a failed state operation and returns what the user is
// told: the store's own words for a value it refuses, else an apology.
func (b *Bot) storeFailed(i *discordgo.Interaction, err error) string {
	var ie *state.InputError
	if errors.As(err, &ie) {
		return ie.Error() + "."
	}
	b.log.Error("digest state", "interaction", i.ID, "err", err)
	return msgFailed
}

// logQuestion adds an answered question to the question log, for the
// digests' Most asked and Unanswered; instances sharing a store share the
// log. Only questions asked in a server are logged: digests are
// per server, and a direct message is nobody else's business.
func (b *Bot) logQuestion(i *discordgo.Interaction, a index.Answer, refs map[string]citeRef) {
	if i.GuildID == "" || b.opts.Digests == nil {
		return
	}
	if err := b.opts.Digests.Store.LogQuestion(logEntry(i.GuildID, i.ChannelID, a, refs, b.opts.Now())); err != nil {
		b.log.Error("log a question", "interaction", i.ID, "err", err)
	}
}

// loggedCitations is how many of a reply's passages the log keeps: the
// digest shows one, the rest are there for whoever reads the log.
const loggedCitations = 3

// logEntry is the question log's record of reply a, given in a guild's
// channel, its passages named by the citation ids the reply showed (refs,
// by passage id): on a collision the state keeps a passage under a longer
// id than cite.ID, and the digest must name the passage the reply quoted.
// The conversion lives here, not in package state, which keeps its own
// record types rather than depend on the index's.
func logEntry(guildID, channelID string, a index.Answer, refs map[string]citeRef, at time.Time) state.Question {
	q := state.Question{GuildID: guildID, ChannelID: channelID, Text: a.Question, Time: at}
	var cited []index.Result
	switch a.Kind() {
	case index.Answered:
		q.Reply, q.Answered, cited = state.ReplyAnswered, true, a.Results
	case index.Related:
		q.Reply, cited = state.ReplyRelated, a.Related
	default:
		q.Reply = state.ReplyNone
	}
	for _, r := range cited[:min(len(cited), loggedCitations)] {
		id := refs[r.Passage.ID].id
		if id == "" {
			id = cite.ID(r.Doc.ID, r.Passage.Text)
		}
		q.Citations = append(q.Citations, state.Citation{
			ID:        id,
			DocID:     r.Doc.ID,
			Title:     r.Doc.Title,
			Publisher: r.Doc.Publisher,
			Published: r.Doc.Published,
			Link:      r.Link,
			Excerpt:   r.Excerpt,
		})
	}
	return q
}

func (b *Bot) onPreview(ctx context.Context, i *discordgo.Interaction) {
	b.later(i, func() []string {
		d, err := b.opts.Digests.Preview.Preview(ctx, i.GuildID, i.ChannelID)
		if err != nil {
			b.log.Error("preview a digest", "interaction", i.ID, "err", err)
			return []string{msgFailed}
		}
		msgs := digest.Messages(d)
		if len(msgs) == 0 {
			return []string{"Nothing for a digest here yet: no new or changed documents, questions or watch matches since the last digest (or in the last 24 hours)."}
		}
		if len(msgs) > maxPreviewMessages {
			msgs = append(msgs[:maxPreviewMessages], fmt.Sprintf("…and %d more messages.", len(msgs)-maxPreviewMessages))
		}
		return msgs
	})
}

// discordTime renders t as a Discord timestamp, which every reader sees
// in their own time zone: style "F" is the full date and time, "R"
// relative, "D" the date.
func discordTime(t time.Time, style string) string {
	return fmt.Sprintf("<t:%d:%s>", t.Unix(), style)
}

// channelMention renders a channel id as a link to the channel; mentioning
// a channel notifies no one.
func channelMention(id string) string {
	if !snowflake(id) {
		return "that channel"
	}
	return "<#" + id + ">"
}
