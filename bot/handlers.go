package bot

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode"

	"github.com/bwmarrin/discordgo"

	"github.com/dossier-bot/dossier/bot/markdown"
	"github.com/dossier-bot/dossier/index"
)

// What users are told when something goes wrong: short and plain.
const (
	msgEmpty      = "Please ask a question: that one has no words in it."
	msgNoText     = "That message has no text to look up sources for."
	msgBusy       = "Dossier is busy answering other questions. Please try again in a moment."
	msgFailed     = "Sorry, something went wrong while answering. Please try again."
	msgOldButton  = "That button no longer works. Please ask again with /ask."
	msgOldCommand = "Dossier no longer has that command; try /ask, /sources or Find sources."
	msgNoCitation = "There are no sources on that message to post."
	msgShared     = "-# Shared with the channel."
)

func msgTooLong(n int) string {
	return fmt.Sprintf("That question is %d characters long; please keep it to %d.", n, maxQuestion)
}

func msgSlowDown(questions int, window, wait time.Duration) string {
	return fmt.Sprintf("You're asking faster than Dossier can answer (%d questions in %d seconds). Please try again in %d s.",
		questions, int(window.Seconds()), max(int(math.Ceil(wait.Seconds())), 1))
}

// onInteraction is discordgo's handler for every event that comes over
// the gateway, of which it answers the interactions; discordgo runs each
// in its own goroutine. It takes the raw event rather than the decoded
// InteractionCreate because discordgo drops part of what Discord sends
// (resolved channels' permissions), which the digest commands check.
func (b *Bot) onInteraction(_ *discordgo.Session, e *discordgo.Event) {
	ic, ok := e.Struct.(*discordgo.InteractionCreate)
	if !ok || ic.Interaction == nil {
		return
	}
	if !b.track() {
		b.log.Warn("interaction arrived during shutdown; not answered", "interaction", ic.ID)
		return
	}
	defer b.inflight.Done()
	b.handle(ic.Interaction, e.RawData)
}

// handle answers one interaction, however it arrived; raw is the
// interaction as Discord sent it.
func (b *Bot) handle(i *discordgo.Interaction, raw []byte) {
	defer b.setAcknowledged(i.ID, false)
	defer func() {
		if p := recover(); p != nil {
			b.recovered(i, p)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), replyTimeout)
	defer cancel()
	switch data := i.Data.(type) {
	case discordgo.ApplicationCommandInteractionData:
		switch {
		case i.Type == discordgo.InteractionApplicationCommandAutocomplete:
			b.autocomplete(i, data)
		case data.Name == cmdAsk:
			b.onAsk(ctx, i, data)
		case data.Name == cmdFindSources:
			b.onFindSources(ctx, i, data)
		case data.Name == cmdSources:
			b.onSources(i, data)
		case data.Name == cmdCite:
			b.onCite(i, data)
		case data.Name == cmdCitations || data.Name == cmdThreadCitations:
			b.onCitations(ctx, i)
		case data.Name == cmdDigest || data.Name == cmdWatch:
			b.onDigestCommand(ctx, i, data, raw)
		case data.Name == cmdAdd && b.opts.Adding != nil:
			b.onAdd(i, data)
		case data.Name == cmdAddToCorpus && b.opts.Adding != nil:
			b.onAddToCorpus(i, data)
		default:
			b.log.Warn("unknown command", "command", data.Name, "interaction", i.ID)
			b.respond(i, text(msgOldCommand), true)
		}
	case discordgo.MessageComponentInteractionData:
		switch prefix, _, _ := strings.Cut(data.CustomID, ":"); prefix {
		case moreID:
			b.onMore(ctx, i, data)
		case postID:
			b.onPost(i, data)
		case shareAddedID:
			b.onShareAdded(i)
		default:
			b.log.Warn("unknown button", "custom_id", data.CustomID, "interaction", i.ID)
			b.respond(i, text(msgOldButton), true)
		}
	default:
		b.log.Debug("ignoring interaction", "type", i.Type.String(), "interaction", i.ID)
	}
}

func (b *Bot) onAsk(ctx context.Context, i *discordgo.Interaction, data discordgo.ApplicationCommandInteractionData) {
	q := markdown.OneLine(stringOption(data, optQuestion))
	k := min(max(intOption(data, optResults, defaultResults), 1), maxResults)
	private := boolOption(data, optPrivate)
	if !b.admit(i, q) {
		return
	}
	// A private question stays out of the question log: the digest
	// would show it to the whole server.
	b.answer(ctx, i, page{question: q, k: k}, answerMode{ephemeral: private, logged: !private})
}

func (b *Bot) onFindSources(ctx context.Context, i *discordgo.Interaction, data discordgo.ApplicationCommandInteractionData) {
	var msg *discordgo.Message
	if data.Resolved != nil {
		msg = data.Resolved.Messages[data.TargetID]
	}
	var q string
	if msg != nil {
		q = questionFromMessage(messageText(msg))
	}
	if q == "" {
		b.obs.Question(Refused, 0)
		b.respond(i, text(msgNoText), true)
		return
	}
	if !b.admit(i, q) {
		return
	}
	channel := msg.ChannelID
	if channel == "" {
		channel = i.ChannelID
	}
	src := &messageRef{channelID: channel, messageID: msg.ID}
	if !snowflake(src.channelID) || !snowflake(src.messageID) {
		src = nil // no button rather than a broken link
	}
	// The question is a message the channel has seen already: logged.
	b.answer(ctx, i, page{question: q, k: defaultResults, source: src}, answerMode{ephemeral: true, logged: true})
}

func (b *Bot) onMore(ctx context.Context, i *discordgo.Interaction, data discordgo.MessageComponentInteractionData) {
	m, err := parseMore(data.CustomID)
	if err != nil {
		b.log.Warn("malformed button", "err", err, "interaction", i.ID)
		b.respond(i, text(msgOldButton), true)
		return
	}
	var src *messageRef
	if i.Message != nil {
		if m.question == "" {
			m.question = questionIn(i.Message.Content)
		}
		src = sourceIn(i.Message.Components)
	}
	if m.question == "" {
		b.respond(i, text(msgOldButton), true)
		return
	}
	if !b.admit(i, m.question) {
		return
	}
	b.answer(ctx, i, page{question: m.question, offset: m.offset, k: m.k, source: src}, answerMode{update: true})
}

func (b *Bot) onSources(i *discordgo.Interaction, data discordgo.ApplicationCommandInteractionData) {
	docs := b.search.Documents()
	q := markdown.OneLine(stringOption(data, optDocument))
	if q == "" {
		b.respond(i, renderDocuments(docs), true)
		return
	}
	switch found := findDocuments(docs, q); len(found) {
	case 0:
		b.respond(i, text(fmt.Sprintf("No document matches “%s”. Use /sources alone to list them all.", markdown.Escape(markdown.Trim(q, maxQuestion)))), true)
	case 1:
		b.respond(i, renderDocument(found[0]), true)
	default:
		b.respond(i, renderDocuments(found), true)
	}
}

func (b *Bot) autocomplete(i *discordgo.Interaction, data discordgo.ApplicationCommandInteractionData) {
	var choices []*discordgo.ApplicationCommandOptionChoice
	switch name, typed := focused(data.Options); {
	case data.Name == cmdDigest && name == optTimezone:
		choices = zoneChoices(typed)
	case data.Name == cmdWatch && name == optWatch:
		choices = b.watchChoices(i, typed)
	case data.Name == cmdSources:
		choices = documentChoices(b.search.Documents(), typed)
	case data.Name == cmdCite:
		choices = b.citeChoices(i, typed)
	default:
		choices = []*discordgo.ApplicationCommandOptionChoice{}
	}
	err := b.initial(i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{
			Choices:         choices,
			AllowedMentions: noMentions(),
		},
	})
	if err != nil {
		b.fail("offer autocomplete choices", i, err)
	}
}

// focused finds the option being typed, within subcommands too, and what
// has been typed so far.
func focused(opts []*discordgo.ApplicationCommandInteractionDataOption) (name, typed string) {
	for _, o := range opts {
		if o.Focused {
			typed, _ = o.Value.(string)
			return o.Name, typed
		}
		if name, typed = focused(o.Options); name != "" {
			return name, typed
		}
	}
	return "", ""
}

// admit checks a question before any work: not empty, not too long, and
// within the asker's rate limit. It tells the asker when it refuses.
func (b *Bot) admit(i *discordgo.Interaction, q string) bool {
	var refusal string
	outcome := Refused
	switch n := markdown.Len(q); {
	case strings.IndexFunc(q, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }) < 0:
		refusal = msgEmpty
	case n > maxQuestion:
		refusal = msgTooLong(n)
	default:
		if ok, wait := b.limit.allow(userID(i)); !ok {
			refusal, outcome = msgSlowDown(b.opts.Questions, b.opts.Window, wait), Throttled
		}
	}
	if refusal != "" {
		b.obs.Question(outcome, 0)
		b.respond(i, text(refusal), true)
		return false
	}
	return true
}

// answerMode says how a page is shown: in a new message, private or
// not, or with update in the one whose button was clicked; and whether
// the question goes in the question log.
type answerMode struct {
	ephemeral, update, logged bool
}

// answer acknowledges i at once, which Discord wants within 3 seconds,
// then searches and puts the page in the acknowledged message.
func (b *Bot) answer(ctx context.Context, i *discordgo.Interaction, p page, mode answerMode) {
	ephemeral, update := mode.ephemeral, mode.update
	start := time.Now()
	ack := &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{AllowedMentions: noMentions(), Flags: flags(ephemeral)},
	}
	if update {
		ack.Type = discordgo.InteractionResponseDeferredMessageUpdate
		ack.Data.Flags = 0
	}
	if err := b.initial(i, ack); err != nil {
		b.fail("acknowledge", i, err)
		b.obs.Question(Failed, time.Since(start))
		return
	}
	var r reply
	err := safely(func() error {
		a, err := b.ask(ctx, p.question, p.offset+p.k+1)
		if err == nil {
			p.answer = a
			p.cited = b.cite(i, p.shown())
			r = p.render()
		}
		return err
	})
	if err != nil {
		msg, outcome := msgFailed, Failed
		switch {
		case errors.Is(err, errBusy):
			msg, outcome = msgBusy, Busy
			b.log.Warn("busy: question turned away", "interaction", i.ID)
		case errors.Is(err, index.ErrEmptyQuestion):
			msg, outcome = msgEmpty, Refused
		default:
			b.log.Error("answer a question", append([]any{"interaction", i.ID, "err", err}, stackOf(err)...)...)
		}
		b.obs.Question(outcome, time.Since(start))
		b.tellPrivately(i, msg, ephemeral, update)
		return
	}
	a := p.answer
	if mode.logged {
		// Asked is asked, even if Discord then fails to show the answer.
		b.logQuestion(i, a, p.cited.refs)
	}
	m, err := b.session.InteractionResponseEdit(i, r.edit())
	if err != nil {
		b.fail("send the answer", i, err)
		b.obs.Question(Failed, time.Since(start))
		return
	}
	if publicReply(i, mode) {
		b.posted(i, p.cited.kept, replyMessageID(i, m, mode))
	}
	b.obs.Question(outcomeOf(a.Kind()), time.Since(start))
}

// tellPrivately puts msg where only the asker sees it, in place of the
// acknowledged reply: that reply itself when it is private, else an
// ephemeral follow-up. A public "thinking…" message is deleted, or it would
// stay forever; a page whose button was clicked is left as it was.
func (b *Bot) tellPrivately(i *discordgo.Interaction, msg string, ephemeral, update bool) {
	if ephemeral && !update {
		if _, err := b.session.InteractionResponseEdit(i, text(msg).edit()); err != nil {
			b.fail("send an error message", i, err)
		}
		return
	}
	if !update {
		if err := b.session.InteractionResponseDelete(i); err != nil {
			b.fail("delete the acknowledgement", i, err)
		}
	}
	if _, err := b.session.FollowupMessageCreate(i, true, text(msg).followup(true)); err != nil {
		b.fail("send an error message", i, err)
	}
}

// respond replies to i with r at once.
func (b *Bot) respond(i *discordgo.Interaction, r reply, ephemeral bool) {
	err := b.initial(i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: r.data(ephemeral),
	})
	if err != nil {
		b.fail("reply", i, err)
	}
}

// fail logs a failed call to Discord, once, without credentials, and
// counts it.
func (b *Bot) fail(op string, i *discordgo.Interaction, err error) {
	b.obs.DiscordError(op)
	b.log.Error(op, "interaction", i.ID, "err", b.redact(err))
}

func userID(i *discordgo.Interaction) string {
	if i.Member != nil && i.Member.User != nil {
		return i.Member.User.ID
	}
	if i.User != nil {
		return i.User.ID
	}
	return ""
}

func displayName(i *discordgo.Interaction) string {
	if i.Member != nil && i.Member.User != nil {
		return i.Member.DisplayName()
	}
	if i.User != nil {
		return i.User.DisplayName()
	}
	return "someone"
}
