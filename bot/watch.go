package bot

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/bwmarrin/discordgo"

	"github.com/dossier-bot/dossier/bot/markdown"
	"github.com/dossier-bot/dossier/bot/state"
)

func (b *Bot) onWatchAdd(i *discordgo.Interaction, opts discordgo.ApplicationCommandInteractionData) {
	q := markdown.OneLine(stringOption(opts, optQuery))
	if strings.IndexFunc(q, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }) < 0 {
		b.respond(i, text("Please give a few words to watch for: that query has none."), true)
		return
	}
	store := b.opts.Digests.Store
	w, err := store.AddWatch(state.Watch{GuildID: i.GuildID, ChannelID: i.ChannelID, Query: q, CreatedBy: userID(i), Created: b.opts.Now()})
	if err != nil {
		b.respond(i, text(b.storeFailed(i, err)), true)
		return
	}
	msg := fmt.Sprintf("Watching “%s” (watch %d): new passages that match it will appear in %s's daily digest.",
		markdown.Escape(markdown.Trim(w.Query, state.MaxWatchQuery)), w.ID, channelMention(i.ChannelID))
	if _, subscribed, err := store.Subscription(i.ChannelID); err == nil && !subscribed {
		msg += " This channel has no daily digest yet: /digest subscribe sets one up."
	}
	b.log.Info("watch added", "guild", i.GuildID, "channel", i.ChannelID, "watch", w.ID, "user", userID(i))
	b.respond(i, text(msg), true)
}

func (b *Bot) onWatchRemove(i *discordgo.Interaction, opts discordgo.ApplicationCommandInteractionData) {
	store := b.opts.Digests.Store
	given := markdown.OneLine(stringOption(opts, optWatch))
	id, ok, err := b.findWatch(i, given)
	if err != nil {
		b.respond(i, text(b.storeFailed(i, err)), true)
		return
	}
	if !ok {
		b.respond(i, text(fmt.Sprintf("This channel watches nothing called “%s”. /watch list shows its watches.", markdown.Escape(markdown.Trim(given, maxQuestion)))), true)
		return
	}
	// A watch is removed from its own channel, where Discord has checked
	// that the member may manage it; the id alone would reach any channel.
	owner, err := b.watchChannel(i.GuildID, id)
	if err != nil {
		b.respond(i, text(b.storeFailed(i, err)), true)
		return
	}
	if owner != "" && owner != i.ChannelID {
		b.respond(i, text(fmt.Sprintf("Watch %d belongs to %s: use /watch remove there.", id, channelMention(owner))), true)
		return
	}
	w, found, err := store.RemoveWatch(i.GuildID, id)
	switch {
	case err != nil:
		b.respond(i, text(b.storeFailed(i, err)), true)
	case !found:
		b.respond(i, text(fmt.Sprintf("There is no watch %d in this server. /watch list shows this channel's watches.", id)), true)
	default:
		b.log.Info("watch removed", "guild", i.GuildID, "channel", w.ChannelID, "watch", w.ID, "user", userID(i))
		b.respond(i, text(fmt.Sprintf("No longer watching “%s” in %s.", markdown.Escape(w.Query), channelMention(w.ChannelID))), true)
	}
}

// findWatch resolves /watch remove's option: a watch id, as the
// autocomplete sends it or typed (with or without "#"), or the query of
// one of the channel's watches.
func (b *Bot) findWatch(i *discordgo.Interaction, given string) (uint64, bool, error) {
	if id, err := strconv.ParseUint(strings.TrimPrefix(given, "#"), 10, 64); err == nil {
		return id, true, nil
	}
	watches, err := b.opts.Digests.Store.Watches(i.GuildID, i.ChannelID)
	if err != nil {
		return 0, false, err
	}
	for _, w := range watches {
		if strings.EqualFold(w.Query, given) {
			return w.ID, true, nil
		}
	}
	return 0, false, nil
}

// watchChannel is the channel of the guild's watch id; "" when the guild
// has no such watch.
func (b *Bot) watchChannel(guildID string, id uint64) (string, error) {
	watches, err := b.opts.Digests.Store.Watches(guildID, "")
	if err != nil {
		return "", err
	}
	for _, w := range watches {
		if w.ID == id {
			return w.ChannelID, nil
		}
	}
	return "", nil
}

func (b *Bot) onWatchList(i *discordgo.Interaction) {
	watches, err := b.opts.Digests.Store.Watches(i.GuildID, i.ChannelID)
	if err != nil {
		b.respond(i, text(b.storeFailed(i, err)), true)
		return
	}
	if len(watches) == 0 {
		b.respond(i, text(channelMention(i.ChannelID)+" watches nothing yet: /watch add query: sets up a saved search for its daily digest."), true)
		return
	}
	lines := []string{fmt.Sprintf("%s watches %s (at most %d):", channelMention(i.ChannelID), markdown.Count(len(watches), "topic"), state.MaxChannelWatches)}
	for _, w := range watches {
		lines = append(lines, fmt.Sprintf("#%d · “%s” · since %s", w.ID, markdown.Escape(markdown.Trim(w.Query, state.MaxWatchQuery)), discordTime(w.Created, "D")))
	}
	b.respond(i, text(joinWithin(lines, maxContent)), true)
}

// watchChoices offers the channel's watches whose query contains what was
// typed, for /watch remove.
func (b *Bot) watchChoices(i *discordgo.Interaction, typed string) []*discordgo.ApplicationCommandOptionChoice {
	out := []*discordgo.ApplicationCommandOptionChoice{}
	if b.opts.Digests == nil {
		return out
	}
	watches, err := b.opts.Digests.Store.Watches(i.GuildID, i.ChannelID)
	if err != nil {
		b.log.Error("list watches", "interaction", i.ID, "err", err)
		return out
	}
	q := strings.ToLower(markdown.OneLine(typed))
	for _, w := range watches {
		if len(out) == maxChoices {
			break
		}
		if strings.Contains(strings.ToLower(w.Query), q) || strings.TrimPrefix(q, "#") == strconv.FormatUint(w.ID, 10) {
			out = append(out, &discordgo.ApplicationCommandOptionChoice{
				Name:  markdown.Trim(fmt.Sprintf("#%d · %s", w.ID, w.Query), maxChoiceName),
				Value: strconv.FormatUint(w.ID, 10),
			})
		}
	}
	return out
}
