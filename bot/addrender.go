package bot

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/dossier-bot/dossier/bot/markdown"
	"github.com/dossier-bot/dossier/corpus/extract"
	"github.com/dossier-bot/dossier/corpus/fetch"
	"github.com/dossier-bot/dossier/corpus/ingest"
)

// What /add and Add to corpus tell people: short and plain.
const (
	msgAddInServer  = "Documents can be added in a server, not in direct messages."
	msgAddNothing   = "Give a link (url) or a file (file) to add."
	msgAddNoItems   = "That message has no links or files to add."
	msgNotALink     = "that is not a link: give one starting with https://"
	msgRolesFailed  = "Sorry, Dossier could not check your roles. Please try again."
	msgAddedShared  = "-# Shared with the channel."
	maxAddItems     = 5
	maxAddExcerpt   = 400
	colorAdded      = 0x2f855a
	shareAddedLabel = "Share in channel"
)

// msgMayNotAdd refuses a member who may not add documents, naming who may.
func msgMayNotAdd(editorRole string) string {
	if editorRole != "" {
		return fmt.Sprintf("Only members with Manage Server or the %s role can add documents.", markdown.Escape(markdown.OneLine(editorRole)))
	}
	return "Only members with Manage Server can add documents."
}

// addResult is what became of one thing given to add: a link, or a file.
type addResult struct {
	// label names it as given: the link, or the file's name.
	label string
	added ingest.Added
	err   error
}

// renderAdded shows what was added, what was there already and what could
// not be added: a line each, and an embed for each new document with its
// first passage, with a button to share them with the channel.
func renderAdded(results []addResult, left int) reply {
	var r reply
	var lines []string
	for _, res := range results {
		var dup *ingest.DuplicateError
		switch {
		case res.err == nil:
			lines = append(lines, fmt.Sprintf("Added **%s** (%s).", fit(markdown.OneLine(res.added.Doc.Title), maxEmbedTitle, markdown.Escape), markdown.Count(len(res.added.Doc.Passages), "passage")))
			if len(r.embeds) < maxEmbeds {
				r.embeds = append(r.embeds, addedEmbed(res.added))
			}
		case errors.As(res.err, &dup):
			how := "the same text"
			if dup.SameURL {
				how = "the same link"
			}
			lines = append(lines, fmt.Sprintf("Already in the corpus: **%s** (%s), with %s; not added again.",
				fit(markdown.OneLine(dup.Title), maxEmbedTitle, markdown.Escape), markdown.Escape(markdown.OneLine(dup.Path)), how))
		default:
			lines = append(lines, fmt.Sprintf("Not added: %s: %s", fit(markdown.OneLine(res.label), 200, markdown.Escape), whyNotAdded(res.err)))
		}
	}
	if left > 0 {
		lines = append(lines, fmt.Sprintf("%d more not looked at: Add to corpus takes %d links or files at a time.", left, maxAddItems))
	}
	r.content = joinWithin(lines, maxContent)
	if len(r.embeds) > 0 {
		r.components = []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: shareAddedLabel, Style: discordgo.PrimaryButton, CustomID: shareAddedID},
		}}}
	}
	return r
}

// addedEmbed shows a new document: its title linked to its address, its
// first passage, and where it is from.
func addedEmbed(a ingest.Added) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{Title: docTitle(a.Doc.Title, a.Doc.ID), URL: markdown.SafeURL(a.Doc.URL), Color: colorAdded, Footer: citedFooter("", a.Doc.Publisher, a.Doc.Published)}
	if len(a.Doc.Passages) > 0 {
		e.Description = fit(markdown.OneLine(a.Doc.Passages[0].Text), maxAddExcerpt, quoted)
	}
	return e
}

// whyNotAdded says in plain words why a link or file was not added.
func whyNotAdded(err error) string {
	switch {
	case errors.Is(err, errNotALink):
		return msgNotALink
	case errors.Is(err, errNotDiscordFile):
		return "Dossier only downloads files from Discord's own storage."
	case errors.Is(err, fetch.ErrBlocked):
		return "Dossier does not fetch links to private or internal addresses."
	case errors.Is(err, fetch.ErrScheme):
		return "only http and https links can be added."
	case errors.Is(err, fetch.ErrTooLarge):
		return fmt.Sprintf("it is larger than the %d MiB a document may be.", fetch.DefaultMaxBytes>>20)
	case errors.Is(err, fetch.ErrTimeout):
		return fmt.Sprintf("the site took longer than %d seconds to send it.", int(fetch.DefaultTimeout.Seconds()))
	case errors.Is(err, fetch.ErrRedirects):
		return "the link redirects too many times."
	case errors.Is(err, fetch.ErrStatus):
		return "the site did not send the document (" + statusOf(err) + ")."
	case errors.Is(err, extract.ErrScanned):
		return "it is a scanned PDF: its pages are pictures of text, with no text to quote."
	case errors.Is(err, fetch.ErrType), errors.Is(err, ingest.ErrUnsupported):
		return "Dossier can add " + readableKinds() + "; that is something else."
	case errors.Is(err, ingest.ErrEmpty):
		return "there is no text in it to quote."
	case errors.Is(err, ingest.ErrUnreadable):
		return "Dossier could not read it as a document (is its front matter closed with ---?)."
	case errors.Is(err, fs.ErrPermission):
		return "Dossier may not write to its corpus folder; ask whoever runs it."
	}
	return "something went wrong; please try again."
}

// statusOf is the HTTP status in a fetch.ErrStatus error.
func statusOf(err error) string {
	_, status, ok := strings.Cut(err.Error(), "HTTP ")
	if !ok {
		return "an error"
	}
	return "HTTP " + markdown.Escape(markdown.OneLine(markdown.Trim(status, 40)))
}

// readableKinds names the kinds of document that can be added.
func readableKinds() string {
	names := map[string]string{
		"text/html": "web pages", "application/xhtml+xml": "web pages", "application/pdf": "PDFs",
		"text/markdown": "Markdown", "text/x-markdown": "Markdown", "text/plain": "plain text",
	}
	var kinds []string
	seen := map[string]bool{}
	for _, t := range ingest.Types {
		if k := names[t]; k != "" && !seen[k] {
			seen[k] = true
			kinds = append(kinds, k)
		}
	}
	if len(kinds) < 2 {
		return strings.Join(kinds, "")
	}
	return strings.Join(kinds[:len(kinds)-1], ", ") + " and " + kinds[len(kinds)-1]
}

// sharedAdded is the text above documents shared with the channel.
func sharedAdded(who string) string {
	return "Added to the corpus by " + markdown.Escape(markdown.OneLine(who)) + ":"
}
