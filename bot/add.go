package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/dossier-bot/dossier/corpus/fetch"
	"github.com/dossier-bot/dossier/corpus/ingest"
)

// The /add command, the Add to corpus message command, their options and
// the button that shares what was added.
const (
	cmdAdd         = "add"
	cmdAddToCorpus = "Add to corpus"
	optURL         = "url"
	optFile        = "file"
	shareAddedID   = "shareadd"
)

// Adding is what /add and Add to corpus need; see Options.Adding.
type Adding struct {
	// Corpus writes documents into the corpus folder and indexes them.
	Corpus Adder
	// Fetch downloads links and uploaded files; a *fetch.Client, which
	// holds them to its rules on addresses, size, time and type.
	Fetch Fetcher
	// EditorRole is the name (or ID) of the role whose members may add
	// documents, besides those with Manage Server; empty for none.
	EditorRole string
	// FileHosts are hosts uploads may be downloaded from besides Discord's
	// CDN (over https), such as a fake Discord's in tests. An upload's URL
	// comes from Discord, but only its storage is trusted to hold what a
	// member uploaded.
	FileHosts []string
}

// Adder adds a document to the corpus folder and indexes it;
// cmd/dossier wires one from corpus/ingest and the corpus watcher.
type Adder interface {
	// Lookup returns an *ingest.DuplicateError when a document with the
	// link is in the corpus already, so it need not be fetched.
	Lookup(link string) error
	Add(ctx context.Context, src ingest.Source, by string) (ingest.Added, error)
}

// Fetcher downloads a link; *fetch.Client is one.
type Fetcher interface {
	Get(ctx context.Context, link string) (*fetch.Document, error)
}

// discordFileHosts are where Discord keeps uploaded files.
var discordFileHosts = []string{"cdn.discordapp.com", "media.discordapp.net"}

// addTimeout bounds the work of one add: up to maxAddItems downloads of
// up to 20 seconds each, and indexing. It is longer than replyTimeout;
// the interaction's token allows 15 minutes for the reply.
const addTimeout = 2*time.Minute + 30*time.Second

var (
	errNotALink       = errors.New("not an http or https link")
	errNotDiscordFile = errors.New("the file is not on Discord's storage")
)

// addCommands are /add and Add to corpus, when documents may be added
// here. Without an editor role only members with Manage Server see them
// (server admins can change that under Integrations); with one, everyone
// sees them and the bot checks.
func (b *Bot) addCommands() []*discordgo.ApplicationCommand {
	a := b.opts.Adding
	if a == nil {
		return nil
	}
	var perms *int64
	if a.EditorRole == "" {
		manage := int64(discordgo.PermissionManageGuild)
		perms = &manage
	}
	guildOnly := []discordgo.InteractionContextType{discordgo.InteractionContextGuild}
	return []*discordgo.ApplicationCommand{
		{
			Name:                     cmdAdd,
			Type:                     discordgo.ChatApplicationCommand,
			Description:              "Add a web page or a file to the team's documents",
			DefaultMemberPermissions: perms,
			Contexts:                 &guildOnly,
			Options: []*discordgo.ApplicationCommandOption{
				{
					Type:        discordgo.ApplicationCommandOptionString,
					Name:        optURL,
					Description: "A link to the page or document",
					MaxLength:   2000,
				},
				{
					Type:        discordgo.ApplicationCommandOptionAttachment,
					Name:        optFile,
					Description: "The file to add: " + readableKinds(),
				},
			},
		},
		{
			Name:                     cmdAddToCorpus,
			Type:                     discordgo.MessageApplicationCommand,
			DefaultMemberPermissions: perms,
			Contexts:                 &guildOnly,
		},
	}
}

// addItem is one thing to add: a link, or an uploaded file.
type addItem struct {
	link string
	file *discordgo.MessageAttachment
}

func (it addItem) label() string {
	if it.file != nil {
		return it.file.Filename
	}
	return it.link
}

func (b *Bot) onAdd(i *discordgo.Interaction, data discordgo.ApplicationCommandInteractionData) {
	if !b.mayAdd(i) {
		return
	}
	var items []addItem
	if link := strings.TrimSpace(stringOption(data, optURL)); link != "" {
		items = append(items, addItem{link: link})
	}
	if id := stringOption(data, optFile); id != "" && data.Resolved != nil && data.Resolved.Attachments[id] != nil {
		items = append(items, addItem{file: data.Resolved.Attachments[id]})
	}
	if len(items) == 0 {
		b.respond(i, text(msgAddNothing), true)
		return
	}
	b.addItems(i, items, 0)
}

func (b *Bot) onAddToCorpus(i *discordgo.Interaction, data discordgo.ApplicationCommandInteractionData) {
	if !b.mayAdd(i) {
		return
	}
	var msg *discordgo.Message
	if data.Resolved != nil {
		msg = data.Resolved.Messages[data.TargetID]
	}
	items, left := itemsIn(msg)
	if len(items) == 0 {
		b.respond(i, text(msgAddNoItems), true)
		return
	}
	b.addItems(i, items, left)
}

// itemsIn lists what a message offers to add: its files, then its links,
// at most maxAddItems, and says how many it left out.
func itemsIn(msg *discordgo.Message) (items []addItem, left int) {
	if msg == nil {
		return nil, 0
	}
	for _, a := range msg.Attachments {
		if a != nil && a.URL != "" {
			items = append(items, addItem{file: a})
		}
	}
	for _, link := range linksIn(msg.Content) {
		items = append(items, addItem{link: link})
	}
	if len(items) > maxAddItems {
		return items[:maxAddItems], len(items) - maxAddItems
	}
	return items, 0
}

// linkPattern finds links in a message as Discord shows them.
var linkPattern = regexp.MustCompile(`https?://[^\s<>"'` + "`" + `|]+`)

// linksIn lists the distinct links of text, without the punctuation that
// ends a sentence or wraps a link.
func linksIn(text string) []string {
	var links []string
	for _, l := range linkPattern.FindAllString(text, -1) {
		l = strings.TrimRight(l, ".,;:!?*_~")
		if strings.Count(l, "(") < strings.Count(l, ")") {
			l = strings.TrimRight(l, ")")
		}
		if !slices.Contains(links, l) {
			links = append(links, l)
		}
	}
	return links
}

// addItems acknowledges privately at once, then adds each item and
// shows what became of each in the acknowledged reply; left is how many
// more the message offered.
func (b *Bot) addItems(i *discordgo.Interaction, items []addItem, left int) {
	if !b.acknowledge(i, true) {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), addTimeout)
	defer cancel()
	var results []addResult
	for _, it := range items {
		res := addResult{label: it.label()}
		err := safely(func() error {
			var err error
			res.added, err = b.addOne(ctx, it, displayName(i))
			return err
		})
		res.err = err
		var dup *ingest.DuplicateError
		switch {
		case err == nil:
			b.log.Info("document added", "path", res.added.Path, "passages", len(res.added.Doc.Passages), "guild", i.GuildID, "user", userID(i))
		case errors.As(err, &dup):
			b.log.Info("document not added: already in the corpus", "path", dup.Path, "user", userID(i))
		default:
			b.log.Warn("document not added", "what", redactLink(res.label), "err", err, "interaction", i.ID)
		}
		results = append(results, res)
	}
	if _, err := b.session.InteractionResponseEdit(i, renderAdded(results, left).edit()); err != nil {
		b.fail("send what was added", i, err)
	}
}

// addOne fetches one link or uploaded file and adds it to the corpus.
func (b *Bot) addOne(ctx context.Context, it addItem, by string) (ingest.Added, error) {
	a := b.opts.Adding
	var src ingest.Source
	if it.file != nil {
		if !b.fileHost(it.file.URL) {
			return ingest.Added{}, errNotDiscordFile
		}
		if it.file.Size > fetch.DefaultMaxBytes {
			return ingest.Added{}, fmt.Errorf("%w: %d bytes", fetch.ErrTooLarge, it.file.Size)
		}
		doc, err := a.Fetch.Get(ctx, it.file.URL)
		if err != nil {
			return ingest.Added{}, err
		}
		// An upload has no public address: its CDN link expires.
		src = ingest.Source{Name: it.file.Filename, ContentType: doc.ContentType, Data: doc.Data}
	} else {
		if u, err := url.Parse(it.link); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return ingest.Added{}, errNotALink
		}
		if err := a.Corpus.Lookup(it.link); err != nil {
			return ingest.Added{}, err
		}
		doc, err := a.Fetch.Get(ctx, it.link)
		if err != nil {
			return ingest.Added{}, err
		}
		src = ingest.Source{Name: cmp.Or(strings.TrimSpace(doc.Name), it.link), URL: doc.URL, ContentType: doc.ContentType, Data: doc.Data}
	}
	return a.Corpus.Add(ctx, src, by)
}

// fileHost reports whether an upload's URL is on Discord's storage (or
// the hosts Adding names instead).
func (b *Bot) fileHost(link string) bool {
	u, err := url.Parse(link)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return false
	}
	host := strings.ToLower(u.Host)
	if slices.Contains(discordFileHosts, host) {
		return u.Scheme == "https"
	}
	return slices.Contains(b.opts.Adding.FileHosts, host)
}

// redactLink is a link for the log, without its query: a CDN link's
// signature has no business there.
func redactLink(s string) string {
	if u, err := url.Parse(s); err == nil && u.Host != "" {
		u.RawQuery, u.User = "", nil
		return u.String()
	}
	return s
}

// onShareAdded shares the documents a private /add reply shows with the
// channel, credited to whoever clicked. It copies what they saw, and
// takes the button off their copy first so a second click cannot share
// twice.
func (b *Bot) onShareAdded(i *discordgo.Interaction) {
	b.shareCopy(i, sharing{
		content: sharedAdded(displayName(i)), note: msgAddedShared, none: msgOldButton,
		unbuttonOp: "remove the Share in channel button", postOp: "share added documents with the channel",
	})
}
