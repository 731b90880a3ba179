package bot

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/dossier-bot/dossier/bot/markdown"
	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/corpus/cite"
)

// Command names of the citation commands, as users see them.
const (
	cmdCite            = "cite"
	cmdCitations       = "citations"
	cmdThreadCitations = "Citations in this thread"

	optID = "id"
)

// What users are told by the citation commands.
const (
	msgNoCitations   = "Citations are not kept on this Dossier: it needs a data folder (DOSSIER_DATA) to keep them in."
	msgNoneInChannel = "Dossier has posted no citations in this channel yet."
)

func msgNotAnID(s string) string {
	return fmt.Sprintf("“%s” is not a citation id. Ids are 8 letters and digits, like c7k2mq9d, shown as “cite …” under each quote.",
		markdown.Escape(markdown.Trim(markdown.OneLine(s), 40)))
}

func msgUnknownCitation(id string) string {
	return fmt.Sprintf("No citation %s: Dossier has not shown a passage with that id here.", markdown.Escape(id))
}

// maxRecent is how many of a member's recent citations /cite offers.
const maxRecent = 100

// citeCommands are /cite, /citations and the Citations in this thread
// message command.
func citeCommands() []*discordgo.ApplicationCommand {
	return []*discordgo.ApplicationCommand{
		{
			Name:        cmdCite,
			Type:        discordgo.ChatApplicationCommand,
			Description: "Post a citation to the channel: the quote, its source and the links",
			Options: []*discordgo.ApplicationCommandOption{{
				Type:         discordgo.ApplicationCommandOptionString,
				Name:         optID,
				Description:  "The citation id, shown as “cite …” under a quote",
				Required:     true,
				Autocomplete: true,
				MaxLength:    60,
			}},
		},
		{
			Name:        cmdCitations,
			Type:        discordgo.ChatApplicationCommand,
			Description: "List the citations Dossier posted in this channel, as Markdown and CSL-JSON files",
		},
		{
			Name: cmdThreadCitations,
			Type: discordgo.MessageApplicationCommand,
		},
	}
}

// onCite posts a kept citation publicly: the quote as it was shown, its
// source, the links, and what became of the passage since.
func (b *Bot) onCite(i *discordgo.Interaction, data discordgo.ApplicationCommandInteractionData) {
	cs := b.opts.Citations
	if cs == nil {
		b.respond(i, text(msgNoCitations), true)
		return
	}
	typed := stringOption(data, optID)
	id, ok := cite.Parse(typed)
	if !ok {
		b.respond(i, text(msgNotAnID(typed)), true)
		return
	}
	kc, found, err := cs.Store.Citation(id)
	if err != nil {
		b.log.Error("read a citation", "interaction", i.ID, "citation", id, "err", err)
		b.respond(i, text(msgFailed), true)
		return
	}
	if !found {
		b.respond(i, text(msgUnknownCitation(id)), true)
		return
	}
	// Resolving reads the document's passages from the index, which may
	// take longer than Discord's 3 seconds for a long one: acknowledged
	// first, publicly, since the post is.
	if !b.acknowledge(i, false) {
		return
	}
	var note, nearest string
	if cs.Resolve != nil {
		if note, nearest, err = cs.Resolve(id); err != nil {
			// The citation is still worth posting as it was kept.
			b.log.Error("resolve a citation", "interaction", i.ID, "citation", id, "err", err)
		}
	}
	r := citationPost(kc, b.pageURL(id), note, nearest, displayName(i))
	m, err := b.session.InteractionResponseEdit(i, r.edit())
	if err != nil {
		b.fail("post a citation", i, err)
		return
	}
	b.posted(i, []state.KeptCitation{kc}, m.ID)
}

// citationPost is /cite's message: who shared it, then the quote under its
// source, with the note and the nearest current passage when the passage
// has changed.
func citationPost(kc state.KeptCitation, page, note, nearest, who string) reply {
	context := inContext(page)
	var noteLine string
	if note = markdown.OneLine(note); note != "" {
		noteLine = "\n*" + markdown.Escape(note) + "*"
	}
	e := &discordgo.MessageEmbed{
		Title:       docTitle(kc.Title, kc.DocID),
		URL:         sourceLink(page, kc.URL),
		Description: fit(markdown.OneLine(kc.Excerpt), maxDescription-markdown.Len(context)-markdown.Len(noteLine), quoted) + noteLine + context,
		Color:       colorResult,
		Footer:      citedFooter(kc.ID, kc.Publisher, kc.Published, corpus.Passage{Page: kc.Page}.PageLabel()),
	}
	if kc.Author = markdown.OneLine(kc.Author); kc.Author != "" {
		e.Author = &discordgo.MessageEmbedAuthor{Name: markdown.Trim(kc.Author, maxAuthorName)}
	}
	r := reply{
		content: "Citation " + kc.ID + " — shared by " + markdown.Escape(markdown.OneLine(who)),
		embeds:  []*discordgo.MessageEmbed{e},
	}
	if nearest = markdown.OneLine(nearest); nearest != "" {
		r.embeds = append(r.embeds, &discordgo.MessageEmbed{
			Title:       "The nearest passage in the document now",
			Description: fit(nearest, maxDescription, quoted),
			Color:       colorRelated,
		})
	}
	return r
}

// citeChoices offers the citations last shown to the member, newest
// first, those whose id starts with what was typed first, then those
// whose title or quote contains it.
func (b *Bot) citeChoices(i *discordgo.Interaction, typed string) []*discordgo.ApplicationCommandOptionChoice {
	choices := []*discordgo.ApplicationCommandOptionChoice{}
	cs, user := b.opts.Citations, userID(i)
	if cs == nil || user == "" {
		return choices
	}
	recent, err := cs.Store.RecentCitations(user, maxRecent)
	if err != nil {
		b.log.Error("list a member's citations", "interaction", i.ID, "err", err)
		return choices
	}
	q := strings.ToLower(markdown.OneLine(typed))
	var byID, byText []state.KeptCitation
	for _, kc := range recent {
		switch {
		case strings.HasPrefix(kc.ID, q):
			byID = append(byID, kc)
		case strings.Contains(strings.ToLower(kc.Title), q) || strings.Contains(strings.ToLower(kc.Excerpt), q):
			byText = append(byText, kc)
		}
	}
	for _, kc := range append(byID, byText...) {
		if len(choices) == maxChoices {
			break
		}
		name := kc.ID + " · " + cmp.Or(markdown.OneLine(kc.Title), kc.DocID) + " — “" + markdown.OneLine(kc.Excerpt) + "”"
		choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: markdown.Trim(name, maxChoiceName), Value: kc.ID})
	}
	return choices
}

// onCitations lists the citations posted in the channel or thread, in
// order, privately, with all of them attached as a Markdown reference
// list and as CSL-JSON.
func (b *Bot) onCitations(ctx context.Context, i *discordgo.Interaction) {
	cs := b.opts.Citations
	if cs == nil {
		b.respond(i, text(msgNoCitations), true)
		return
	}
	if !b.acknowledge(i, true) {
		return
	}
	posted, err := cs.Store.CitationsIn(i.ChannelID, 0)
	if err != nil {
		b.log.Error("list a channel's citations", "interaction", i.ID, "channel", i.ChannelID, "err", err)
		b.tellPrivately(i, msgFailed, true, false)
		return
	}
	if len(posted) == 0 {
		b.tellPrivately(i, msgNoneInChannel, true, false)
		return
	}
	l := citationList{guildID: i.GuildID, channelID: i.ChannelID, channelName: b.channelName(i.ChannelID), posted: posted, page: b.pageURL, at: b.opts.Now()}
	files, included := l.files()
	edit := l.reply(included).edit()
	edit.Files = files
	if _, err := b.session.InteractionResponseEdit(i, edit); err != nil {
		b.fail("send the citation list", i, err)
	}
}

// channelName is a channel's name, from the gateway's state or else
// Discord; "" when neither says.
func (b *Bot) channelName(id string) string {
	if st := b.session.State; st != nil {
		if ch, err := st.Channel(id); err == nil && ch.Name != "" {
			return ch.Name
		}
	}
	if ch, err := b.session.Channel(id); err == nil {
		return ch.Name
	}
	return ""
}
