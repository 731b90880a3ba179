package bot

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/dossier-bot/dossier/bot/digest"
	"github.com/dossier-bot/dossier/bot/markdown"
	"github.com/dossier-bot/dossier/bot/state"
)

// postPermissions are what the bot needs in a channel to post a digest.
const postPermissions int64 = discordgo.PermissionViewChannel | discordgo.PermissionSendMessages

// lacking names the permissions of need that perms does not have, for
// telling people what to grant.
func lacking(perms, need int64) []string {
	var names []string
	for _, p := range []struct {
		bit  int64
		name string
	}{
		{discordgo.PermissionViewChannel, "View Channel"},
		{discordgo.PermissionSendMessages, "Send Messages"},
		{discordgo.PermissionManageChannels, "Manage Channels"},
	} {
		if need&p.bit != 0 && perms&p.bit == 0 {
			names = append(names, p.name)
		}
	}
	return names
}

// memberManage is what a member needs in a channel to manage its digest:
// what /digest and /watch ask of members by default. Discord checks that
// only in the channel a command is used in, so the bot checks it in any
// other channel the command names.
const memberManage int64 = discordgo.PermissionViewChannel | discordgo.PermissionManageChannels

// msgNotAChannel answers a channel option that names no channel.
const msgNotAChannel = "That is not a channel of this server."

// checkMember makes sure the member may manage the digest of the channel
// named, from the permissions Discord computed for them there (perms,
// from resolvedPermissions), and otherwise says why not. Its own channel
// Discord has checked before sending the command.
func checkMember(i *discordgo.Interaction, perms map[string]int64, channelID string) string {
	if channelID == i.ChannelID {
		return ""
	}
	p, ok := perms[channelID]
	if !ok {
		// Discord resolves every channel an option names that the member
		// could pick: this one is not of this server.
		return msgNotAChannel
	}
	if missing := lacking(p, memberManage); len(missing) > 0 {
		return fmt.Sprintf("You cannot manage the digest of %s: you need %s there.", channelMention(channelID), strings.Join(missing, " and "))
	}
	return ""
}

// resolvedPermissions reads, from an interaction as Discord sent it, the
// member's permissions in each channel its options name, by channel id.
// discordgo decodes resolved channels without them. It returns nil for
// an interaction it cannot read, which names no channel the member may
// manage.
func resolvedPermissions(raw []byte) map[string]int64 {
	var in struct {
		Data struct {
			Resolved struct {
				Channels map[string]struct {
					Permissions *int64 `json:"permissions,string"`
				} `json:"channels"`
			} `json:"resolved"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil
	}
	perms := make(map[string]int64, len(in.Data.Resolved.Channels))
	for id, ch := range in.Data.Resolved.Channels {
		if ch.Permissions != nil {
			perms[id] = *ch.Permissions
		}
	}
	return perms
}

func (b *Bot) onSubscribe(ctx context.Context, i *discordgo.Interaction, opts discordgo.ApplicationCommandInteractionData, perms map[string]int64) {
	channelID := cmp.Or(stringOption(opts, optChannel), i.ChannelID)
	if !snowflake(channelID) {
		b.respond(i, text(msgNotAChannel), true)
		return
	}
	if refusal := checkMember(i, perms, channelID); refusal != "" {
		b.log.Info("digest subscribe refused: the member may not manage the channel", "guild", i.GuildID, "channel", channelID, "user", userID(i))
		b.respond(i, text(refusal), true)
		return
	}
	hhmm, err := state.ParseTime(cmp.Or(strings.TrimSpace(stringOption(opts, optTime)), defaultDigestTime))
	var zone string
	if err == nil {
		zone = cmp.Or(strings.TrimSpace(stringOption(opts, optTimezone)), defaultDigestZone)
		_, err = state.LoadZone(zone)
	}
	if err != nil {
		b.respond(i, text(b.storeFailed(i, err)), true)
		return
	}
	b.later(i, func() []string {
		if refusal := b.checkPostable(ctx, i, channelID); refusal != "" {
			return []string{refusal}
		}
		store := b.opts.Digests.Store
		before, had, err := store.Subscription(channelID)
		if err != nil {
			return []string{b.storeFailed(i, err)}
		}
		now := b.opts.Now()
		sub, err := store.Subscribe(state.Subscription{
			GuildID: i.GuildID, ChannelID: channelID, Time: hhmm, Zone: zone,
			CreatedBy: userID(i), Created: now,
		})
		if err != nil {
			return []string{b.storeFailed(i, err)}
		}
		msg := fmt.Sprintf("The daily digest is on for %s: every day at %s (%s).", channelMention(channelID), sub.Time, markdown.Escape(sub.Zone))
		if next, err := digest.NextRun(sub, now); err == nil {
			msg += fmt.Sprintf(" The next one is due %s (%s), and is posted only if there is something new.",
				discordTime(next, "F"), discordTime(next, "R"))
		}
		if had && before.Paused != "" {
			msg += "\nIt had been paused (" + markdown.Escape(markdown.OneLine(before.Paused)) + "); it is resumed."
		}
		b.log.Info("digest subscribed", "guild", i.GuildID, "channel", channelID, "time", sub.Time, "zone", sub.Zone, "user", userID(i))
		return []string{msg}
	})
}

// checkPostable makes sure the bot may post in the channel, and otherwise
// says why not and what to do about it.
func (b *Bot) checkPostable(ctx context.Context, i *discordgo.Interaction, channelID string) string {
	perms, err := b.permissionsIn(ctx, i, channelID)
	switch {
	case errors.Is(err, errOtherGuild):
		return msgNotAChannel
	case discordCode(err) == codeUnknownChannel:
		return "That channel no longer exists."
	case discordCode(err) == codeMissingAccess:
		perms, err = 0, nil
	}
	if err != nil {
		b.log.Error("check the bot's permissions", "channel", channelID, "interaction", i.ID, "err", b.redact(err))
		return "Sorry, Dossier could not check whether it may post in " + channelMention(channelID) + ". Please try again."
	}
	missing := lacking(perms, postPermissions)
	if len(missing) == 0 {
		return ""
	}
	return fmt.Sprintf("Dossier cannot post in %s: it needs View Channel and Send Messages there, and lacks %s. "+
		"Give them to Dossier in the channel's settings (Permissions), then subscribe again.",
		channelMention(channelID), strings.Join(missing, " and "))
}

// errOtherGuild is a channel option naming another server's channel.
var errOtherGuild = errors.New("the channel is in another server")

// permissionsIn returns the bot's permissions in a channel of the
// interaction's server: those Discord sent with the interaction for its
// own channel, or else worked out from the channel, the server's roles and
// the bot's member (from the gateway session's state when it has them).
func (b *Bot) permissionsIn(ctx context.Context, i *discordgo.Interaction, channelID string) (int64, error) {
	if channelID == i.ChannelID && i.AppPermissions != 0 {
		return i.AppPermissions, nil
	}
	ch, err := b.session.State.Channel(channelID)
	if err != nil {
		ch, err = b.session.Channel(channelID, discordgo.WithContext(ctx))
	}
	if err != nil {
		return 0, err
	}
	if ch.GuildID != i.GuildID {
		// Digests of one server's questions stay in that server.
		return 0, errOtherGuild
	}
	self, err := botUserID(b.session)
	if err != nil {
		return 0, err
	}
	return b.session.UserChannelPermissions(self, channelID, discordgo.WithContext(ctx))
}

func (b *Bot) onUnsubscribe(i *discordgo.Interaction, opts discordgo.ApplicationCommandInteractionData, perms map[string]int64) {
	channelID := cmp.Or(stringOption(opts, optChannel), i.ChannelID)
	if !snowflake(channelID) {
		b.respond(i, text(msgNotAChannel), true)
		return
	}
	if refusal := checkMember(i, perms, channelID); refusal != "" {
		b.log.Info("digest unsubscribe refused: the member may not manage the channel", "guild", i.GuildID, "channel", channelID, "user", userID(i))
		b.respond(i, text(refusal), true)
		return
	}
	sub, found, err := b.opts.Digests.Store.Subscription(channelID)
	if err == nil && found && sub.GuildID != i.GuildID {
		found = false // another server's channel is not this one's business
	}
	if err == nil && found {
		found, err = b.opts.Digests.Store.Unsubscribe(channelID)
	}
	switch {
	case err != nil:
		b.respond(i, text(b.storeFailed(i, err)), true)
	case !found:
		b.respond(i, text(channelMention(channelID)+" has no daily digest."), true)
	default:
		b.log.Info("digest unsubscribed", "guild", i.GuildID, "channel", channelID, "user", userID(i))
		b.respond(i, text("The daily digest is off for "+channelMention(channelID)+". Its watches are kept; /watch list shows them."), true)
	}
}

// onStatus shows the server's subscriptions, this channel's first.
func (b *Bot) onStatus(i *discordgo.Interaction) {
	store := b.opts.Digests.Store
	all, err := store.Subscriptions()
	if err != nil {
		b.respond(i, text(b.storeFailed(i, err)), true)
		return
	}
	subs := slices.DeleteFunc(all, func(s state.Subscription) bool { return s.GuildID != i.GuildID })
	slices.SortStableFunc(subs, func(a, c state.Subscription) int {
		return cmp.Compare(boolRank(a.ChannelID != i.ChannelID), boolRank(c.ChannelID != i.ChannelID))
	})
	var lines []string
	if len(subs) == 0 || subs[0].ChannelID != i.ChannelID {
		lines = append(lines, channelMention(i.ChannelID)+" has no daily digest; /digest subscribe sets one up.")
	}
	for _, sub := range subs {
		line, err := b.statusLine(sub)
		if err != nil {
			b.respond(i, text(b.storeFailed(i, err)), true)
			return
		}
		lines = append(lines, line)
	}
	watches, err := store.Watches(i.GuildID, i.ChannelID)
	if err != nil {
		b.respond(i, text(b.storeFailed(i, err)), true)
		return
	}
	if len(watches) > 0 {
		lines = append(lines, fmt.Sprintf("%s watches %s; /watch list shows them.", channelMention(i.ChannelID), markdown.Count(len(watches), "topic")))
	}
	b.respond(i, text(joinWithin(lines, maxContent)), true)
}

// statusLine describes one subscription: when it posts, what it last
// posted, and why it is paused if it is.
func (b *Bot) statusLine(sub state.Subscription) (string, error) {
	var s strings.Builder
	fmt.Fprintf(&s, "**%s**: every day at %s (%s).", channelMention(sub.ChannelID), sub.Time, markdown.Escape(sub.Zone))
	last, found, err := b.opts.Digests.Store.LastDigest(sub.ChannelID)
	if err != nil {
		return "", err
	}
	switch {
	case !found:
		s.WriteString(" None posted yet.")
	case last.Status == state.Empty:
		fmt.Fprintf(&s, " Nothing was new on %s, so nothing was posted.", discordTime(last.Finished, "D"))
	default:
		fmt.Fprintf(&s, " Last posted %s (%s).", discordTime(last.Finished, "F"), markdown.Count(len(last.Parts), "message"))
	}
	if sub.Paused != "" {
		fmt.Fprintf(&s, "\n⏸ Paused since %s: %s. /digest subscribe in that channel resumes it.",
			discordTime(sub.PausedAt, "F"), markdown.Escape(markdown.OneLine(sub.Paused)))
	} else if next, err := digest.NextRun(sub, b.opts.Now()); err == nil {
		fmt.Fprintf(&s, " Next: %s.", discordTime(next, "F"))
	}
	return s.String(), nil
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}
