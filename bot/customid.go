package bot

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/dossier-bot/dossier/bot/markdown"
)

// Buttons carry their whole state in their custom_id, so a click works
// after a restart: a fresh bot with a fresh index can answer it.
const (
	moreID = "more"
	postID = "post"
)

// maxPageResults bounds paging: results past it are not worth a click.
const maxPageResults = 25

// more is the state of a More results button: show k results from offset.
type more struct {
	offset, k int
	// question is empty when it did not fit in the custom_id; it is then
	// read back from the message the button is on.
	question string
}

func (m more) customID() string {
	id := fmt.Sprintf("%s:%d:%d:", moreID, m.offset, m.k)
	if markdown.Len(id)+markdown.Len(m.question) <= maxCustomID {
		return id + m.question
	}
	return id
}

func parseMore(id string) (more, error) {
	parts := strings.SplitN(id, ":", 4)
	if len(parts) != 4 || parts[0] != moreID {
		return more{}, fmt.Errorf("parse more button %q: not a more button", id)
	}
	offset, err := strconv.Atoi(parts[1])
	if err != nil || offset < 0 || offset >= maxPageResults {
		return more{}, fmt.Errorf("parse more button %q: bad offset", id)
	}
	k, err := strconv.Atoi(parts[2])
	if err != nil || k < 1 || k > maxResults {
		return more{}, fmt.Errorf("parse more button %q: bad page size", id)
	}
	return more{offset: offset, k: k, question: parts[3]}, nil
}

// messageRef names a Discord message: the one Find sources was used on.
type messageRef struct {
	channelID, messageID string
}

// link is m's jump URL; guildID is empty in direct messages.
func (m messageRef) link(guildID string) string {
	if guildID == "" {
		guildID = "@me"
	}
	return "https://discord.com/channels/" + guildID + "/" + m.channelID + "/" + m.messageID
}

// post is the state of a Post to channel button: share the passages of a
// Find sources reply about source.
type post struct {
	source messageRef
	// related says the passages are the closest ones, not an answer, so
	// that the shared message says so. onPost shares the message as it
	// is, without searching again, so the kind travels with the button.
	related bool
}

// relatedSuffix ends the custom_id of a post of closest passages. Buttons
// from before it existed have none and shared answers.
const relatedSuffix = ":related"

func (p post) customID() string {
	id := postID + ":" + p.source.channelID + ":" + p.source.messageID
	if p.related {
		id += relatedSuffix
	}
	return id
}

func parsePost(id string) (post, error) {
	rest, related := strings.CutSuffix(id, relatedSuffix)
	parts := strings.Split(rest, ":")
	if len(parts) != 3 || parts[0] != postID || !snowflake(parts[1]) || !snowflake(parts[2]) {
		return post{}, fmt.Errorf("parse post button %q: malformed", id)
	}
	return post{source: messageRef{channelID: parts[1], messageID: parts[2]}, related: related}, nil
}

// snowflake reports whether s looks like a Discord id, so a crafted
// custom_id cannot put arbitrary text into a link.
func snowflake(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// questionIn reads back the question a reply shows, for a More results
// button whose custom_id had no room for it.
func questionIn(content string) string {
	for _, line := range strings.Split(content, "\n") {
		if q, ok := strings.CutPrefix(line, questionLabel); ok {
			return markdown.Unescape(q)
		}
	}
	return ""
}

// sourceIn finds the message a reply's Post to channel button refers to,
// so paging through a Find sources reply keeps the button.
func sourceIn(components []discordgo.MessageComponent) *messageRef {
	for _, c := range components {
		row, ok := c.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, b := range row.Components {
			if btn, ok := b.(*discordgo.Button); ok {
				if p, err := parsePost(btn.CustomID); err == nil {
					return &p.source
				}
			}
		}
	}
	return nil
}
