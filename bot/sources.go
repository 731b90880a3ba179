package bot

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/dossier-bot/dossier/bot/markdown"
	"github.com/dossier-bot/dossier/index"
)

// renderDocuments lists the corpus for /sources, one line per document.
func renderDocuments(docs []index.DocInfo) reply {
	if len(docs) == 0 {
		return text("No documents are indexed yet.")
	}
	lines := make([]string, len(docs))
	for i, d := range docs {
		lines[i] = docLine(d.Document) + " · " + markdown.Count(d.Passages, "passage")
	}
	return reply{embeds: []*discordgo.MessageEmbed{{
		Title:       fmt.Sprintf("Documents (%d)", len(docs)),
		Description: joinWithin(lines, maxDescription),
		Color:       colorClosest,
		Footer:      &discordgo.MessageEmbedFooter{Text: "/sources document: shows one document"},
	}}}
}

// renderDocument shows one document's details.
func renderDocument(d index.DocInfo) reply {
	var fields []*discordgo.MessageEmbedField
	for _, f := range []struct{ name, value string }{
		{"Publisher", d.Publisher},
		{"Published", d.Published},
		{"Author", d.Author},
		{"Passages", strconv.Itoa(d.Passages)},
		{"File", d.Path},
		{"ID", d.ID},
	} {
		if v := markdown.OneLine(f.value); v != "" {
			fields = append(fields, &discordgo.MessageEmbedField{
				Name:   f.name,
				Value:  fit(v, maxFieldValue, markdown.Escape),
				Inline: true,
			})
		}
	}
	e := &discordgo.MessageEmbed{
		Title:  docTitle(d.Title, d.ID),
		URL:    markdown.SafeURL(d.URL),
		Color:  colorResult,
		Fields: fields,
	}
	if e.URL == "" {
		e.Description = "No public address is known for this document."
	}
	return reply{embeds: []*discordgo.MessageEmbed{e}}
}

// findDocuments resolves /sources' document option: an id picked from
// the autocomplete, else the titles containing what was typed.
func findDocuments(docs []index.DocInfo, query string) []index.DocInfo {
	for _, d := range docs {
		if d.ID == query || choiceValue(d.ID) == query {
			return []index.DocInfo{d}
		}
	}
	q := strings.ToLower(markdown.OneLine(query))
	var found []index.DocInfo
	for _, d := range docs {
		if strings.Contains(strings.ToLower(d.Title), q) {
			found = append(found, d)
		}
	}
	return found
}

// documentChoices offers the documents whose title contains typed, those starting
// with it first, at most 25 as Discord allows.
func documentChoices(docs []index.DocInfo, typed string) []*discordgo.ApplicationCommandOptionChoice {
	q := strings.ToLower(markdown.OneLine(typed))
	type match struct {
		doc    index.DocInfo
		prefix bool
	}
	var matches []match
	for _, d := range docs {
		t := strings.ToLower(markdown.OneLine(d.Title))
		if strings.Contains(t, q) || strings.Contains(strings.ToLower(d.ID), q) {
			matches = append(matches, match{d, strings.HasPrefix(t, q)})
		}
	}
	sort.SliceStable(matches, func(i, j int) bool { return matches[i].prefix && !matches[j].prefix })
	out := make([]*discordgo.ApplicationCommandOptionChoice, 0, min(len(matches), maxChoices))
	for _, m := range matches[:min(len(matches), maxChoices)] {
		name := markdown.OneLine(m.doc.Title)
		if name == "" {
			name = m.doc.ID
		}
		out = append(out, &discordgo.ApplicationCommandOptionChoice{
			Name:  markdown.Trim(name, maxChoiceName),
			Value: choiceValue(m.doc.ID),
		})
	}
	return out
}

// choiceValue is id cut to what a choice value may hold; findDocuments
// accepts the cut form too.
func choiceValue(id string) string {
	return string([]rune(id)[:min(markdown.Len(id), maxChoiceValue)])
}
