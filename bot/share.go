package bot

import (
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/dossier-bot/dossier/bot/markdown"
)

// onPost shares the citations of a Find sources reply with the channel,
// attributed to whoever clicked. It copies what that person saw rather
// than searching again, so everyone sees the same sources; closest
// passages are shared marked as not an answer, as they were shown.
func (b *Bot) onPost(i *discordgo.Interaction, data discordgo.MessageComponentInteractionData) {
	p, err := parsePost(data.CustomID)
	if err != nil {
		b.log.Warn("malformed button", "err", err, "interaction", i.ID)
		b.respond(i, text(msgOldButton), true)
		return
	}
	m, embeds := b.shareCopy(i, sharing{
		content: p.shared(i.GuildID, displayName(i)), note: msgShared, none: msgNoCitation,
		unbuttonOp: "remove the Post to channel button", postOp: "post sources to the channel",
	})
	if m != nil {
		b.postedIDs(i, footerIDs(embeds), m.ID)
	}
}

// sharing is how a button shares its private message with the channel.
type sharing struct {
	// content heads the post; note is added to the clicker's copy once
	// shared; none is what the clicker is told when there is nothing to
	// share.
	content, note, none string
	// unbuttonOp and postOp name the two steps in logs and metrics.
	unbuttonOp, postOp string
}

// shareCopy posts to the channel a copy of the embeds of the private
// message whose button was clicked (citation), under s.content. The
// clicker's copy loses its button before the post goes out, so a second
// click cannot share twice. It returns the message posted and the embeds
// it carries; nil when nothing was posted, the clicker told why or the
// failure logged.
func (b *Bot) shareCopy(i *discordgo.Interaction, s sharing) (*discordgo.Message, []*discordgo.MessageEmbed) {
	var embeds []*discordgo.MessageEmbed
	if i.Message != nil {
		for _, e := range i.Message.Embeds {
			embeds = append(embeds, citation(e))
		}
	}
	if len(embeds) == 0 {
		b.respond(i, text(s.none), true)
		return nil, nil
	}
	private := reply{content: strings.TrimSpace(i.Message.Content + "\n" + s.note), embeds: embeds}
	err := b.initial(i, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage, Data: private.data(false)})
	if err != nil {
		b.fail(s.unbuttonOp, i, err)
		return nil, nil
	}
	m, err := b.session.FollowupMessageCreate(i, true, reply{content: s.content, embeds: embeds}.followup(false))
	if err != nil {
		b.fail(s.postOp, i, err)
		return nil, nil
	}
	return m, embeds
}

// citation copies the parts of an embed Dossier renders, so nothing else a
// message carries is re-posted.
func citation(e *discordgo.MessageEmbed) *discordgo.MessageEmbed {
	c := &discordgo.MessageEmbed{Title: e.Title, URL: markdown.SafeURL(e.URL), Description: e.Description, Color: e.Color}
	if e.Footer != nil && e.Footer.Text != "" {
		c.Footer = &discordgo.MessageEmbedFooter{Text: e.Footer.Text}
	}
	return c
}

// shared is the text above passages posted to the channel by who.
// Closest passages say plainly that they do not answer: in the channel
// nobody saw the private reply that said so.
func (p post) shared(guildID, who string) string {
	link, by := p.source.link(guildID), markdown.Escape(markdown.OneLine(who))
	if p.related {
		return fmt.Sprintf("Closest passages for %s — shared by %s\n%s", link, by, msgNotDirectly)
	}
	return fmt.Sprintf("Sources for %s — shared by %s", link, by)
}
