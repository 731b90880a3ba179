package bot

import (
	"cmp"
	"fmt"
	"strings"
	"unicode"

	"github.com/bwmarrin/discordgo"

	"github.com/dossier-bot/dossier/bot/markdown"
	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/index"
)

// Results per page: /ask's results option runs from 1 to maxResults.
const (
	defaultResults = 3
	maxResults     = 5
)

// maxQuestion is the longest question accepted, in characters.
const maxQuestion = 300

// questionLabel starts the line that shows the question. Replies are read
// back by it when a button's custom_id had no room for the question.
const questionLabel = "**Question:** "

const (
	colorResult = 0x2b6cb0
	// colorRelated is a muted grey, so closest passages look unlike
	// answers at a glance, even when shared without the text above them.
	colorRelated = 0xa0aec0
	colorClosest = 0x718096
	maxFooterLen = 256 // ours, well under Discord's 2048, to leave room for descriptions
)

// reply is a message as Dossier sends it: content, embeds and buttons.
type reply struct {
	content    string
	embeds     []*discordgo.MessageEmbed
	components []discordgo.MessageComponent
}

// noMentions allows no mention of any kind. Parse must be an empty, not a
// nil, slice: discordgo serializes nil as null, which Discord reads as
// "use the defaults" and pings.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

func flags(ephemeral bool) discordgo.MessageFlags {
	if ephemeral {
		return discordgo.MessageFlagsEphemeral
	}
	return 0
}

// data is r as an interaction response.
func (r reply) data(ephemeral bool) *discordgo.InteractionResponseData {
	r = clamp(r)
	return &discordgo.InteractionResponseData{
		Content:         r.content,
		Embeds:          nonNil(r.embeds),
		Components:      nonNil(r.components),
		AllowedMentions: noMentions(),
		Flags:           flags(ephemeral),
	}
}

// edit is r as an edit of a message, replacing all of its content,
// embeds and buttons.
func (r reply) edit() *discordgo.WebhookEdit {
	r = clamp(r)
	embeds, components := nonNil(r.embeds), nonNil(r.components)
	return &discordgo.WebhookEdit{
		Content:         &r.content,
		Embeds:          &embeds,
		Components:      &components,
		AllowedMentions: noMentions(),
	}
}

// followup is r as a follow-up message.
func (r reply) followup(ephemeral bool) *discordgo.WebhookParams {
	r = clamp(r)
	return &discordgo.WebhookParams{
		Content:         r.content,
		Embeds:          r.embeds,
		Components:      nonNil(r.components),
		AllowedMentions: noMentions(),
		Flags:           flags(ephemeral),
	}
}

// nonNil makes an absent list explicit, so it encodes as [] and clears
// what a message had rather than leaving it.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// text is a reply with a short plain message and nothing else.
func text(msg string) reply { return reply{content: msg} }

// page is one page of an answer as shown in Discord.
type page struct {
	question  string
	offset, k int
	// source is the message Find sources was used on; nil for /ask.
	source *messageRef
	// answer was asked for offset+k+1 results: the extra one tells
	// whether a More results button is worth showing.
	answer index.Answer
	// cited names the passages shown (citations.go).
	cited cited
}

// Header lines of a page. A reply that quotes passages that do not answer
// must say so before anything else: an analyst who takes a near miss for
// an answer is misled, and one told "nothing" when something is close
// stops looking.
const (
	msgNotAnswered = "The documents don't answer that."
	msgNotDirectly = "No passage answers this question directly."
)

// render lays out p: the question, what kind of reply it is, one embed
// per passage and the buttons.
func (p page) render() reply {
	var r reply
	lines := []string{questionLabel + markdown.Escape(p.question)}
	kind := p.answer.Kind()
	color := colorResult
	if kind == index.Related {
		color = colorRelated
	}
	hasMore := len(p.rest()) > p.k && p.offset+p.k < maxPageResults
	passages := p.shown()
	switch {
	case kind == index.NothingClose:
		lines = append(lines, msgNotAnswered)
		r.embeds = append(r.embeds, closestEmbed(p.answer.Closest))
	case kind == index.Related && len(passages) == 0:
		lines = append(lines, msgNotDirectly+" No further passages.")
	case kind == index.Related && p.offset == 0:
		lines = append(lines, msgNotDirectly+" These are the closest passages:")
	case kind == index.Related:
		lines = append(lines, msgNotDirectly+" Closest passages"+p.span(len(passages))+":")
	case len(passages) == 0:
		lines = append(lines, "No further results.")
	case p.offset > 0:
		lines = append(lines, "Results"+p.span(len(passages)))
	}
	budget := descriptionBudget(len(passages))
	for _, res := range passages {
		r.embeds = append(r.embeds, resultEmbed(res, budget, color, p.cited.refs[res.Passage.ID]))
	}
	r.content = clampMarkdown(strings.Join(lines, "\n"), maxContent)

	var buttons []discordgo.MessageComponent
	if hasMore {
		buttons = append(buttons, discordgo.Button{
			Label:    "More results",
			Style:    discordgo.SecondaryButton,
			CustomID: more{offset: p.offset + p.k, k: p.k, question: p.question}.customID(),
		})
	}
	// Closest passages may be shared as well as answers: the post says
	// they are not an answer (see onPost), and their embeds keep the
	// muted colour.
	if p.source != nil && len(passages) > 0 {
		buttons = append(buttons, discordgo.Button{
			Label:    "Post to channel",
			Style:    discordgo.PrimaryButton,
			CustomID: post{source: *p.source, related: kind == index.Related}.customID(),
		})
	}
	if len(buttons) > 0 {
		r.components = []discordgo.MessageComponent{discordgo.ActionsRow{Components: buttons}}
	}
	return r
}

// span numbers the n passages of a page after the first, " 4–6".
func (p page) span(n int) string {
	return fmt.Sprintf(" %d–%d", p.offset+1, p.offset+n)
}

// descriptionBudget shares the 6000 characters of a message's embeds
// between n result embeds, after the most their titles and footers take.
func descriptionBudget(n int) int {
	if n == 0 {
		return maxDescription
	}
	return min(maxDescription, (maxEmbedsTotal-n*(maxEmbedTitle+maxFooterLen))/n)
}

// resultEmbed quotes one passage: the excerpt with matched terms in bold,
// under the document's title linked to the passage (or, for a document
// without an address, to the citation's page), a link to the page "in
// context", and publisher, date and citation id below, in color.
func resultEmbed(res index.Result, budget, color int, ref citeRef) *discordgo.MessageEmbed {
	excerpt, highlights := res.Excerpt, res.Highlights
	if strings.TrimSpace(excerpt) == "" {
		excerpt, highlights = res.Passage.Text, nil
	}
	context := inContext(ref.page)
	return &discordgo.MessageEmbed{
		Title: docTitle(res.Doc.Title, res.Doc.ID),
		URL:   sourceLink(ref.page, res.Link, res.Doc.URL),
		Description: fit(excerpt, budget-markdown.Len(context), func(s string) string {
			// Bold stops before the ellipsis of a trimmed excerpt.
			kept := markdown.Len(strings.TrimRightFunc(strings.TrimSuffix(s, ellipsis), unicode.IsSpace))
			if s == excerpt {
				kept = markdown.Len(s)
			}
			return "> " + highlight(s, highlights, kept)
		}) + context,
		Color:  color,
		Footer: citedFooter(ref.id, res.Doc.Publisher, res.Doc.Published, res.Passage.PageLabel()),
	}
}

// docTitle is a document's title on one line, or else its ID, escaped and
// fit for an embed's title.
func docTitle(title, id string) string {
	return fit(cmp.Or(markdown.OneLine(title), id), maxEmbedTitle, markdown.Escape)
}

// sourceLink is what a document's title links to: the first of urls
// that is safe to link (the passage in its source, the source), or else
// the citation's page.
func sourceLink(page string, urls ...string) string {
	for _, u := range urls {
		if u = markdown.SafeURL(u); u != "" {
			return u
		}
	}
	return page
}

// quoted is plain text on one line as a block quote, escaped: how an
// embed quotes a passage without highlights.
func quoted(s string) string { return "> " + markdown.Escape(s) }

// highlight escapes s on one line and puts the highlighted rune ranges in
// bold, clipped to the first limit runes. Overlapping or reversed ranges
// are skipped.
func highlight(s string, highlights [][2]int, limit int) string {
	// Whitespace becomes plain spaces one for one, keeping the offsets
	// right while a newline can no longer start a markdown line.
	rs := []rune(strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return ' '
		}
		return r
	}, s))
	var b strings.Builder
	pos := 0
	for _, h := range highlights {
		start, end := h[0], min(h[1], limit, len(rs))
		if start < pos || start >= end {
			continue
		}
		b.WriteString(markdown.EscapeFrom(string(rs[pos:start]), pos == 0))
		b.WriteString("**" + markdown.EscapeFrom(string(rs[start:end]), start == 0) + "**")
		pos = end
	}
	b.WriteString(markdown.EscapeFrom(string(rs[pos:]), pos == 0))
	return b.String()
}

// closestEmbed points an unanswered question at the nearest documents.
func closestEmbed(docs []corpus.Document) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{Title: "Closest documents", Color: colorClosest}
	if len(docs) == 0 {
		e.Description = "No document comes close; /sources lists them all."
		return e
	}
	lines := make([]string, len(docs))
	for i, d := range docs {
		lines[i] = "• " + docLine(d)
	}
	e.Description = joinWithin(lines, maxDescription)
	return e
}

// docLine cites d on one line: its title, linked when it has a URL, then
// publisher and date.
func docLine(d corpus.Document) string {
	return sourceLine(d.Title, d.ID, markdown.SafeURL(d.URL), d.Publisher, d.Published)
}

// sourceLine cites a document on one line: its title (docTitle) in bold,
// linked to link unless that is "", then each of details, such as its
// publisher and date, after a dash.
func sourceLine(title, id, link string, details ...string) string {
	t := docTitle(title, id)
	if link != "" {
		t = "[" + t + "](" + link + ")"
	}
	line := "**" + t + "**"
	for _, p := range details {
		if p = markdown.OneLine(p); p != "" {
			line += " — " + fit(p, maxEmbedTitle, markdown.Escape)
		}
	}
	return line
}

// joinWithin joins lines with newlines, as many as fit in max runes, and
// says how many were left out.
func joinWithin(lines []string, max int) string {
	var b strings.Builder
	n := 0
	for i, l := range lines {
		tail := ""
		if left := len(lines) - i - 1; left > 0 {
			tail = fmt.Sprintf("\n… and %d more", left)
		}
		if i == 0 {
			l = clampMarkdown(l, max-markdown.Len(tail))
		} else {
			l = "\n" + l
		}
		// The previous line was only added if this notice fit after it.
		if n+markdown.Len(l)+markdown.Len(tail) > max {
			fmt.Fprintf(&b, "\n… and %d more", len(lines)-i)
			break
		}
		b.WriteString(l)
		n += markdown.Len(l)
	}
	return b.String()
}
