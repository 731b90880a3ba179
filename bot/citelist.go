package bot

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/bwmarrin/discordgo"

	"github.com/dossier-bot/dossier/bot/citepage"
	"github.com/dossier-bot/dossier/bot/markdown"
	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/corpus/cite"
)

// Discord's limits on files: at most maxFiles to a message, each at most
// maxFileSize bytes (the default for a server without boosts).
// https://discord.com/developers/docs/reference#uploading-files
const (
	maxFiles    = 10
	maxFileSize = 10 << 20
)

// cslMIME is CSL-JSON's registered media type.
const cslMIME = "application/vnd.citationstyles.csl+json"

// citationList is the citations posted in a channel, as /citations shows
// and attaches them.
type citationList struct {
	guildID, channelID string
	// channelName names the channel in the files; "" when unknown.
	channelName string
	posted      []state.PostedCitation
	// page is the address of a citation's page, or "".
	page func(id string) string
	at   time.Time
}

// refs are the citations as references, each with what its first posting
// in the channel quoted.
func (l citationList) refs() []cite.Reference {
	refs := make([]cite.Reference, len(l.posted))
	for j, pc := range l.posted {
		c := citepage.CitationOf(pc.KeptCitation)
		if pc.Quoted != "" {
			c.Excerpt = pc.Quoted
		}
		refs[j] = cite.Reference{Citation: c, PageURL: l.page(c.ID)}
	}
	return refs
}

// reply lists the citations on one line each, as many as fit, saying how
// many more there are; included is how many the files hold.
func (l citationList) reply(included int) reply {
	lines := make([]string, len(l.posted))
	for j, pc := range l.posted {
		lines[j] = l.line(j, pc)
	}
	n := len(l.posted)
	content := fmt.Sprintf("%s Dossier posted in this channel, oldest first. Attached: all of them as a Markdown reference list and as CSL-JSON, which Zotero and pandoc import.", markdown.Count(n, "citation"))
	if included < n {
		content = fmt.Sprintf("%s Dossier posted in this channel, oldest first. Attached as a Markdown reference list and as CSL-JSON: the first %d, as many as fit in Discord's %d files of %d MiB.",
			markdown.Count(n, "citation"), included, maxFiles, maxFileSize>>20)
	}
	return reply{content: content, embeds: []*discordgo.MessageEmbed{{
		Title:       fmt.Sprintf("Citations in this channel (%d)", n),
		Description: joinWithin(lines, maxDescription),
		Color:       colorResult,
	}}}
}

// line is one citation of the list: its number, title linked to its
// source, publisher and date, id, and a link to the message that posted it.
func (l citationList) line(j int, pc state.PostedCitation) string {
	line := strconv.Itoa(j+1) + "\\. " + sourceLine(pc.Title, pc.DocID, sourceLink(l.page(pc.ID), pc.URL), pc.Publisher, pc.Published)
	line += " · cite " + markdown.Escape(pc.ID)
	if snowflake(pc.MessageID) && snowflake(l.channelID) {
		line += " · [message](" + messageRef{channelID: l.channelID, messageID: pc.MessageID}.link(l.guildID) + ")"
	}
	return line
}

// files attaches the citations as a Markdown reference list and as
// CSL-JSON. A list too long for one file of each is split into parts, as
// many as Discord takes; included is how many citations they hold.
func (l citationList) files() (files []*discordgo.File, included int) {
	refs := l.refs()
	parts := splitRefs(refs, maxFileSize-64<<10)
	if len(parts) > maxFiles/2 {
		parts = parts[:maxFiles/2]
	}
	where, base := "Discord channel "+l.channelID, l.channelID
	if l.channelName != "" {
		where = "#" + l.channelName + " on Discord"
		if slug := fileSlug(l.channelName); slug != "" {
			base = slug
		}
	}
	heading := "Citations from " + where + ", " + l.at.UTC().Format("2 January 2006 15:04 MST")
	for j, part := range parts {
		name := "citations-" + base
		if len(parts) > 1 {
			name += "-" + strconv.Itoa(j+1)
		}
		data, err := cite.CSLJSON(part)
		if err != nil {
			// Our own types always encode: a bug, not bad input.
			panic(err)
		}
		files = append(files,
			&discordgo.File{Name: name + ".md", ContentType: "text/markdown; charset=utf-8", Reader: bytes.NewReader([]byte(cite.MarkdownList(heading, part)))},
			&discordgo.File{Name: name + ".json", ContentType: cslMIME, Reader: bytes.NewReader(data)})
		included += len(part)
	}
	return files, included
}

// splitRefs cuts refs into runs, in order, whose Markdown list and
// CSL-JSON each stay under limit bytes.
func splitRefs(refs []cite.Reference, limit int) [][]cite.Reference {
	var parts [][]cite.Reference
	start, md, js := 0, 0, 0
	for j, r := range refs {
		one := []cite.Reference{r}
		data, _ := cite.CSLJSON(one)
		m, c := len(cite.MarkdownList("", one)), len(data)
		if j > start && (md+m > limit || js+c > limit) {
			parts = append(parts, refs[start:j])
			start, md, js = j, 0, 0
		}
		md, js = md+m, js+c
	}
	if start < len(refs) {
		parts = append(parts, refs[start:])
	}
	return parts
}

// fileSlug is a channel name fit for a file name: its letters and digits,
// lower case, other runs of characters as one hyphen; at most 60.
func fileSlug(name string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(name) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			hyphen = false
		default:
			hyphen = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	return b.String()
}
