package bot

import (
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/dossier-bot/dossier/bot/markdown"
)

// Discord's message limits, counted in characters (runes).
// https://discord.com/developers/docs/resources/message#create-message
// https://discord.com/developers/docs/resources/message#embed-object-embed-limits
const (
	maxContent     = markdown.MaxContent
	maxEmbedTitle  = 256
	maxDescription = 4096
	maxFieldName   = 256
	maxFieldValue  = 1024
	maxFields      = 25
	maxFooter      = 2048
	maxAuthorName  = 256
	maxEmbeds      = 10
	maxEmbedsTotal = 6000
	maxCustomID    = 100
	maxChoices     = 25
	maxChoiceName  = 100
	maxChoiceValue = 100
	maxButtonLabel = 80
)

// ellipsis marks where rendered markdown was cut.
const ellipsis = markdown.Ellipsis

// fit renders the longest prefix of plain text s (cut with trim) whose
// rendering is at most max runes. Escaping and highlighting make the
// rendering longer than s by an amount that depends on where s is cut, so
// the cut is searched for rather than computed.
func fit(s string, max int, render func(string) string) string {
	if out := render(s); markdown.Len(out) <= max {
		return out
	}
	lo, hi := 0, markdown.Len(s)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if markdown.Len(render(markdown.Trim(s, mid))) <= max {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	out := render(markdown.Trim(s, lo))
	if markdown.Len(out) > max {
		return ""
	}
	return out
}

// clampMarkdown shortens already-rendered markdown to max runes without
// leaving a dangling escape or an unclosed bold run. It is the safety net
// for text that was not built within a budget.
func clampMarkdown(s string, max int) string {
	if markdown.Len(s) <= max {
		return s
	}
	const closing = "**" + ellipsis
	cut := []rune(markdown.Trim(s, max-markdown.Len(closing)+markdown.Len(ellipsis)))
	cut = []rune(strings.TrimSuffix(string(cut), ellipsis))
	// An odd run of backslashes at the end would escape the ellipsis.
	n := 0
	for i := len(cut) - 1; i >= 0 && cut[i] == '\\'; i-- {
		n++
	}
	if n%2 == 1 {
		cut = cut[:len(cut)-1]
	}
	out := string(cut)
	if strings.Count(unescapedBold(out), "**")%2 == 1 {
		return out + closing
	}
	return out + ellipsis
}

// unescapedBold removes escaped characters from s, so counting "**" counts
// only real bold markers.
func unescapedBold(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		if rs[i] == '\\' {
			i++
			continue
		}
		b.WriteRune(rs[i])
	}
	return b.String()
}

// embedSize is what an embed counts towards the 6000-character total.
func embedSize(e *discordgo.MessageEmbed) int {
	n := markdown.Len(e.Title) + markdown.Len(e.Description)
	for _, f := range e.Fields {
		n += markdown.Len(f.Name) + markdown.Len(f.Value)
	}
	if e.Footer != nil {
		n += markdown.Len(e.Footer.Text)
	}
	if e.Author != nil {
		n += markdown.Len(e.Author.Name)
	}
	return n
}

// clamp enforces every limit on r, trimming rather than refusing. Replies
// are built within their limits; clamp guarantees it for any input.
func clamp(r reply) reply {
	r.content = clampMarkdown(r.content, maxContent)
	embeds := r.embeds
	if len(embeds) > maxEmbeds {
		embeds = embeds[:maxEmbeds]
	}
	r.embeds = make([]*discordgo.MessageEmbed, 0, len(embeds))
	total := 0
	for _, e := range embeds {
		c := *e
		c.Title = clampMarkdown(c.Title, maxEmbedTitle)
		c.Description = clampMarkdown(c.Description, maxDescription)
		if len(c.Fields) > maxFields {
			c.Fields = c.Fields[:maxFields]
		}
		fields := make([]*discordgo.MessageEmbedField, len(c.Fields))
		for j, f := range c.Fields {
			g := *f
			g.Name = clampMarkdown(g.Name, maxFieldName)
			g.Value = clampMarkdown(g.Value, maxFieldValue)
			fields[j] = &g
		}
		c.Fields = fields
		if c.Footer != nil {
			ft := *c.Footer
			ft.Text = markdown.Trim(ft.Text, maxFooter)
			c.Footer = &ft
		}
		if c.Author != nil {
			a := *c.Author
			a.Name = markdown.Trim(a.Name, maxAuthorName)
			c.Author = &a
		}
		// Past the total, drop fields from the end, then shorten the
		// description; drop the embed when that is not enough, keeping
		// the ones before it whole.
		for len(c.Fields) > 0 && total+embedSize(&c) > maxEmbedsTotal {
			c.Fields = c.Fields[:len(c.Fields)-1]
		}
		if over := total + embedSize(&c) - maxEmbedsTotal; over > 0 {
			keep := markdown.Len(c.Description) - over
			if keep < 1 {
				break
			}
			c.Description = clampMarkdown(c.Description, keep)
		}
		total += embedSize(&c)
		r.embeds = append(r.embeds, &c)
	}
	return r
}
