package bot

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/dossier-bot/dossier/bot/digest"
)

// Discord's error codes for a channel the bot cannot post in.
const (
	codeUnknownChannel     = 10003
	codeMissingAccess      = 50001
	codeMissingPermissions = 50013
)

// discordEpoch is the first millisecond of 2015, where snowflake ids
// count from.
const discordEpoch = 1420070400000

// historyPage is the most messages Discord returns in one page of a
// channel's history; maxHistoryPages bounds a Sent lookup, which only
// needs the few minutes around a digest.
const (
	historyPage     = 100
	maxHistoryPages = 20
)

// Poster posts the daily digest to Discord channels over a session's REST
// API; it is the bot side of digest.Poster.
type Poster struct {
	session *discordgo.Session
}

// NewPoster returns a Poster that posts with session, which NewSession
// made; the session need not be connected to the gateway.
func NewPoster(session *discordgo.Session) *Poster {
	return &Poster{session: session}
}

// postRequest is a message with a nonce, which discordgo's MessageSend
// cannot carry.
type postRequest struct {
	Content         string                            `json:"content"`
	Nonce           string                            `json:"nonce"`
	EnforceNonce    bool                              `json:"enforce_nonce"`
	AllowedMentions *discordgo.MessageAllowedMentions `json:"allowed_mentions"`
	Flags           discordgo.MessageFlags            `json:"flags"`
}

// Post sends content to the channel with the nonce enforced, no mentions
// and no link previews, and returns the message's id. Errors that retrying
// will not cure (the channel is gone, or the bot may not see or post in
// it) wrap digest.ErrCannotPost.
func (p *Poster) Post(ctx context.Context, channelID, content, nonce string) (string, error) {
	endpoint := discordgo.EndpointChannelMessages(channelID)
	raw, err := p.session.RequestWithBucketID(http.MethodPost, endpoint, postRequest{
		Content:         content,
		Nonce:           nonce,
		EnforceNonce:    true,
		AllowedMentions: noMentions(),
		Flags:           discordgo.MessageFlagsSuppressEmbeds,
	}, endpoint, discordgo.WithContext(ctx))
	if err != nil {
		if reason := cannotPost(err); reason != "" {
			return "", fmt.Errorf("%w: %s", digest.ErrCannotPost, reason)
		}
		return "", fmt.Errorf("post to channel %s: %w", channelID, redact(err, p.session))
	}
	var m discordgo.Message
	if err := json.Unmarshal(raw, &m); err != nil || m.ID == "" {
		return "", fmt.Errorf("post to channel %s: discord's reply names no message", channelID)
	}
	return m.ID, nil
}

// cannotPost explains a Discord error that means the bot cannot post in
// a channel, for the paused subscription's reason; "" for other errors.
func cannotPost(err error) string {
	switch discordCode(err) {
	case codeUnknownChannel:
		return "the channel no longer exists (Discord error 10003)"
	case codeMissingAccess:
		return "Dossier can no longer see the channel: it needs View Channel there (Discord error 50001)"
	case codeMissingPermissions:
		return "Dossier may no longer post in the channel: it needs Send Messages there (Discord error 50013)"
	}
	return ""
}

// discordCode is the JSON error code of a failed request to Discord, or 0.
func discordCode(err error) int {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Message != nil {
		return re.Message.Code
	}
	return 0
}

// Sent lists the messages the bot sent to the channel after the given
// time, oldest first, following the channel's history page by page.
func (p *Poster) Sent(ctx context.Context, channelID string, after time.Time) ([]digest.SentMessage, error) {
	self, err := botUserID(p.session)
	if err != nil {
		return nil, err
	}
	var sent []digest.SentMessage
	cursor := snowflakeAt(after)
	for range maxHistoryPages {
		page, err := p.session.ChannelMessages(channelID, historyPage, "", cursor, "", discordgo.WithContext(ctx))
		if err != nil {
			if reason := cannotPost(err); reason != "" {
				return nil, fmt.Errorf("%w: %s", digest.ErrCannotPost, reason)
			}
			return nil, fmt.Errorf("read the history of channel %s: %w", channelID, redact(err, p.session))
		}
		// Discord lists a page newest first, whichever way it pages.
		slices.SortFunc(page, func(a, b *discordgo.Message) int { return compareIDs(a.ID, b.ID) })
		for _, m := range page {
			if m.Author != nil && m.Author.ID == self {
				sent = append(sent, digest.SentMessage{ID: m.ID, Content: m.Content})
			}
		}
		if len(page) < historyPage {
			return sent, nil
		}
		cursor = page[len(page)-1].ID
	}
	return sent, nil
}

// snowflakeAt is the greatest snowflake id before time t: as an "after"
// cursor it keeps the messages sent at t or later.
func snowflakeAt(t time.Time) string {
	ms := max(t.UnixMilli()-discordEpoch, 0)
	if ms == 0 {
		return "0"
	}
	return strconv.FormatUint(uint64(ms)<<22-1, 10)
}

// compareIDs orders snowflakes, decimal numbers without leading zeros.
func compareIDs(a, b string) int {
	return cmp.Or(cmp.Compare(len(a), len(b)), cmp.Compare(a, b))
}

// botUserID is the id of the bot's own user: from the gateway session's
// state when it has one, otherwise asked of Discord.
func botUserID(s *discordgo.Session) (string, error) {
	if s.State != nil {
		s.State.RLock()
		u := s.State.User
		s.State.RUnlock()
		if u != nil && u.ID != "" {
			return u.ID, nil
		}
	}
	me, err := s.User("@me")
	if err != nil {
		return "", fmt.Errorf("find the bot's user id: %w", redact(err, s))
	}
	return me.ID, nil
}
