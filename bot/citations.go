package bot

import (
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/dossier-bot/dossier/bot/citepage"
	"github.com/dossier-bot/dossier/bot/markdown"
	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/corpus/cite"
	"github.com/dossier-bot/dossier/index"
)

// Citations keeps every passage the bot shows, so that its citation id
// resolves later, and serves /cite and /citations; see Options.Citations.
type Citations struct {
	// Store keeps the citations: what each passage said when shown, to
	// whom and in which channel.
	Store state.Store
	// PageURL is the address of a citation's page (/c/…); nil when the
	// pages are not served (no DOSSIER_PUBLIC_URL).
	PageURL func(id string) string
	// Resolve tells what became of a kept citation's passage: a note when
	// it changed or its document was removed ("" while it is current) and,
	// for a changed one, the current passage nearest to it ("" when none).
	// nil shows every citation as kept.
	Resolve func(id string) (note, nearest string, err error)
}

// citeLabel starts the part of an embed's footer that names the
// citation, "cite c7k2mq9d"; onPost reads ids back from it.
const citeLabel = "cite "

// citeRef is how a reply names one passage it quotes: its citation id and
// the address of its page, when pages are served.
type citeRef struct {
	id, page string
}

// cited are the citations of the passages a reply shows, by passage id,
// and the records to keep of them.
type cited struct {
	refs map[string]citeRef
	kept []state.KeptCitation
}

// cite names the passages about to be shown to the member of i and, when
// citations are kept, keeps them as shown to that member. The ids are the
// ones the store keeps them under, which differ from cite.ID on a
// collision; when keeping fails the reply still shows cite.ID, but no
// page link, since the page would not open.
func (b *Bot) cite(i *discordgo.Interaction, results []index.Result) cited {
	c := cited{refs: make(map[string]citeRef, len(results))}
	for _, r := range results {
		c.refs[r.Passage.ID] = citeRef{id: cite.ID(r.Doc.ID, r.Passage.Text)}
	}
	cs := b.opts.Citations
	if cs == nil {
		return c
	}
	var err error
	c.kept, err = citepage.KeepShown(cs.Store, state.Shown{At: b.opts.Now(), GuildID: i.GuildID, UserID: userID(i)}, results)
	if err != nil {
		b.log.Error("keep the citations shown", "interaction", i.ID, "err", err)
		return c
	}
	for j, r := range results {
		c.refs[r.Passage.ID] = citeRef{id: c.kept[j].ID, page: b.pageURL(c.kept[j].ID)}
	}
	return c
}

// pageURL is the address of a citation's page, or "" when none is served.
func (b *Bot) pageURL(id string) string {
	if cs := b.opts.Citations; cs != nil && cs.PageURL != nil {
		return markdown.SafeURL(cs.PageURL(id))
	}
	return ""
}

// posted notes that kept citations were posted in i's channel, in the
// message with messageID, so that the channel's citation list has them.
// Private replies are not posted: nobody else in the channel saw them.
func (b *Bot) posted(i *discordgo.Interaction, kept []state.KeptCitation, messageID string) {
	cs := b.opts.Citations
	if cs == nil || len(kept) == 0 || i.ChannelID == "" {
		return
	}
	sh := state.Shown{At: b.opts.Now(), GuildID: i.GuildID, ChannelID: i.ChannelID, MessageID: messageID}
	if _, err := cs.Store.RecordCitations(sh, kept); err != nil {
		b.log.Error("keep the citations posted", "interaction", i.ID, "channel", i.ChannelID, "err", err)
	}
}

// postedIDs is posted for citations known by id, as a shared message's
// footers name them.
func (b *Bot) postedIDs(i *discordgo.Interaction, ids []string, messageID string) {
	cs := b.opts.Citations
	if cs == nil || i.ChannelID == "" {
		return
	}
	sh := state.Shown{At: b.opts.Now(), GuildID: i.GuildID, ChannelID: i.ChannelID, MessageID: messageID}
	if err := citepage.RecordPosted(cs.Store, sh, ids); err != nil {
		b.log.Error("keep the citations posted", "interaction", i.ID, "channel", i.ChannelID, "err", err)
	}
}

// publicReply reports whether the reply to i is seen by the channel:
// neither asked for privately nor an update of a private message.
func publicReply(i *discordgo.Interaction, mode answerMode) bool {
	if mode.update {
		return i.Message != nil && i.Message.Flags&discordgo.MessageFlagsEphemeral == 0
	}
	return !mode.ephemeral
}

// replyMessageID is the id of the message an answer went into.
func replyMessageID(i *discordgo.Interaction, m *discordgo.Message, mode answerMode) string {
	if m != nil && m.ID != "" {
		return m.ID
	}
	if mode.update && i.Message != nil {
		return i.Message.ID
	}
	return ""
}

// rest are the passages of p's kind of reply from its offset on: the
// answer's results, or for a Related reply the closest passages.
func (p page) rest() []index.Result {
	passages := p.answer.Results
	if p.answer.Kind() == index.Related {
		passages = p.answer.Related
	}
	return passages[min(p.offset, len(passages)):]
}

// shown are the passages a page quotes: render shows these, and cite
// keeps them.
func (p page) shown() []index.Result {
	rest := p.rest()
	return rest[:min(p.k, len(rest))]
}

// citedFooter names a passage's source and its citation:
// "Publisher · 2024-04-24 · p. 3 · cite c7k2mq9d". The id is never cut;
// the rest is, when the footer would be too long. Footers show no
// markdown, so the text goes in as it is.
func citedFooter(id string, source ...string) *discordgo.MessageEmbedFooter {
	var parts []string
	for _, p := range source {
		if p = markdown.OneLine(p); p != "" {
			parts = append(parts, p)
		}
	}
	tail := ""
	if id != "" {
		tail = citeLabel + id
	}
	head := strings.Join(parts, " · ")
	switch {
	case head == "" && tail == "":
		return nil
	case head == "":
		return &discordgo.MessageEmbedFooter{Text: tail}
	case tail == "":
		return &discordgo.MessageEmbedFooter{Text: markdown.Trim(head, maxFooterLen)}
	}
	head = markdown.Trim(head, maxFooterLen-markdown.Len(tail)-markdown.Len(" · "))
	return &discordgo.MessageEmbedFooter{Text: head + " · " + tail}
}

// footerIDs reads the citation ids out of embeds' footers.
func footerIDs(embeds []*discordgo.MessageEmbed) []string {
	var ids []string
	for _, e := range embeds {
		if e == nil || e.Footer == nil {
			continue
		}
		parts := strings.Split(e.Footer.Text, " · ")
		if id, ok := strings.CutPrefix(parts[len(parts)-1], citeLabel); ok {
			if id, ok := cite.Parse(id); ok {
				ids = append(ids, id)
			}
		}
	}
	return ids
}

// inContext is the line under a quote that links to its page.
func inContext(page string) string {
	if page == "" {
		return ""
	}
	return "\n[In context](" + page + ")"
}
