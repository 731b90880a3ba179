package discordtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

const (
	// tokenLifetime is how long an interaction token accepts follow-ups.
	tokenLifetime = 15 * time.Minute
	// connectTimeout bounds how long Interact waits for a bot to identify.
	connectTimeout = 10 * time.Second
)

// Interaction is an interaction the fake dispatched, with everything the bot
// answered to it.
type Interaction struct {
	// Interaction is the interaction as dispatched to the bot.
	*discordgo.Interaction

	s *Server
	// wire is the interaction as dispatched or posted: Interaction with
	// what discordgo cannot express, such as resolved channel permissions.
	wire json.RawMessage
	// Guarded by s.mu.
	created     time.Time
	delivered   time.Time // zero until written to a bot's connection
	resp        Response
	original    *storedMessage
	source      *storedMessage // the message a component belongs to
	failure     string         // why the interaction failed, if it did
	lateChecked bool
	inTransit   bool // Post has not recorded the endpoint's response yet
}

// Response is what the bot has answered to an interaction so far.
type Response struct {
	// Type is the initial callback's type; 0 until the bot acknowledges.
	Type discordgo.InteractionResponseType
	// Data is the initial callback's data as sent, or nil. Modal titles and
	// custom IDs are in Data.Raw.
	Data *Message
	// Choices are the autocomplete results of a type 8 callback.
	Choices []*discordgo.ApplicationCommandOptionChoice
	// Original is the message the interaction shows (@original): the
	// callback's message, or the deferred "thinking" message and its edits,
	// or the component's message for types 6 and 7. It is nil before the
	// callback, for types 8 and 9, and once deleted.
	Original *Message
	// Edits counts successful edits of @original.
	Edits int
	// Deleted reports whether the bot deleted @original.
	Deleted bool
	// Followups are the follow-up messages, oldest first, with their edits.
	Followups []*Message
}

// Final reports whether the interaction shows its final reply: an answering
// callback, or for deferred callbacks (types 5 and 6) an edit of @original,
// a follow-up, or the deletion of @original.
func (r Response) Final() bool {
	switch r.Type {
	case discordgo.InteractionResponseChannelMessageWithSource, discordgo.InteractionResponseUpdateMessage,
		discordgo.InteractionApplicationCommandAutocompleteResult, discordgo.InteractionResponseModal:
		return true
	case discordgo.InteractionResponseDeferredChannelMessageWithSource, discordgo.InteractionResponseDeferredMessageUpdate:
		return r.Edits > 0 || len(r.Followups) > 0 || r.Deleted
	}
	return false
}

// Interact plays a user's interaction: it fills in what in leaves empty (ID,
// application ID, token, version, the default guild, channel and member),
// waits until a bot has identified on the gateway and sent a heartbeat, and
// dispatches INTERACTION_CREATE to it. If the bot is disconnected the event is queued
// and replayed when it resumes. The acknowledgement deadline runs from the
// moment the event is written to the bot's connection.
func (s *Server) Interact(tb testing.TB, in *discordgo.Interaction) *Interaction {
	tb.Helper()
	if !s.waitFor(nil, connectTimeout, func() bool { return s.current != nil && s.current.beats > 0 }) {
		tb.Fatalf("discordtest: Interact: no bot identified on the gateway within %v", connectTimeout)
	}
	s.mu.Lock()
	sess := s.current
	if sess == nil {
		s.mu.Unlock()
		tb.Fatalf("discordtest: Interact: the bot's session ended")
	}
	it := s.newInteractionLocked(in)
	s.mu.Unlock()

	s.dispatch(sess, "INTERACTION_CREATE", it.wire, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		it.delivered = s.nowLocked()
		s.notifyLocked()
	})
	return it
}

// newInteractionLocked records a copy of in, filled in, as a new
// interaction; a message it carries is stored unless the fake has it.
func (s *Server) newInteractionLocked(in *discordgo.Interaction) *Interaction {
	cp := *in
	s.fillLocked(&cp)
	s.resolveLocked(&cp)
	s.resolveUploadsLocked(&cp)
	it := &Interaction{Interaction: &cp, s: s, created: s.nowLocked()}
	if cp.Message != nil {
		m := *cp.Message // the caller's message is not ours to change
		cp.Message = &m
		it.source = s.messages[cp.Message.ID]
		if it.source == nil {
			if m.ChannelID == "" {
				m.ChannelID = cp.ChannelID
			}
			raw, _ := json.Marshal(cp.Message)
			it.source = s.storeMessageLocked(cp.ChannelID, cp.Message.Type, raw)
			cp.Message.ID = it.source.id
		}
	}
	wire, err := s.wireLocked(&cp)
	if err != nil {
		panic("discordtest: marshal the interaction: " + err.Error())
	}
	it.wire = wire
	s.interactions[cp.ID] = it
	s.byToken[cp.Token] = it
	return it
}

// UserID is the ID of the member who interacts unless told otherwise.
func (s *Server) UserID() string { return s.userID }

func (s *Server) fillLocked(in *discordgo.Interaction) {
	if in.ID == "" {
		in.ID = s.newIDLocked()
	}
	if in.AppID == "" {
		in.AppID = s.appID
	}
	if in.Token == "" {
		in.Token = "interaction-token." + s.newIDLocked()
	}
	if in.Version == 0 {
		in.Version = 1
	}
	if in.Type == 0 {
		in.Type = discordgo.InteractionApplicationCommand
	}
	if in.GuildID == "" && in.User == nil && in.Member == nil {
		in.GuildID = s.guildID
	}
	if in.ChannelID == "" {
		in.ChannelID = s.channelID
	}
	if in.GuildID != "" && in.Member == nil {
		in.Member = &discordgo.Member{
			GuildID: in.GuildID,
			User:    s.user(),
			Roles:   []string{},
		}
	}
	if ch, ok := s.channels[in.ChannelID]; ok && in.GuildID != "" && in.AppPermissions == 0 {
		in.AppPermissions = s.botPermissionsLocked(ch)
	}
	if in.Locale == "" {
		in.Locale = discordgo.EnglishUS
	}
	if d, ok := in.Data.(discordgo.ApplicationCommandInteractionData); ok && d.ID == "" {
		d.ID = s.commandIDLocked(in.GuildID, d.Name, d.CommandType)
		in.Data = d
	}
}

// commandIDLocked finds the registered command an interaction invokes;
// unregistered commands get a fresh ID.
func (s *Server) commandIDLocked(guildID, name string, typ discordgo.ApplicationCommandType) string {
	if typ == 0 {
		typ = discordgo.ChatApplicationCommand
	}
	for _, g := range []string{guildID, ""} {
		for _, c := range s.commands[g] {
			if c.Name == name && c.Type == typ {
				return c.ID
			}
		}
	}
	return s.newIDLocked()
}

// Wire returns the interaction as it went to the bot, in JSON, e.g. to
// replay it or weigh it.
func (in *Interaction) Wire() []byte {
	return bytes.Clone(in.wire)
}

// Response returns what the bot has answered so far, without waiting.
func (in *Interaction) Response() Response {
	in.s.mu.Lock()
	defer in.s.mu.Unlock()
	return in.snapshotLocked()
}

func (in *Interaction) snapshotLocked() Response {
	r := in.resp
	r.Followups = slices.Clone(r.Followups)
	if in.original != nil && !in.original.deleted {
		r.Original = in.original.export()
	}
	for i, f := range r.Followups {
		if m := in.s.messages[f.ID]; m != nil {
			r.Followups[i] = m.export()
		}
	}
	return r
}

// Wait waits until the interaction shows its final reply (see
// Response.Final) and returns the response. It fails if ctx ends first or
// the bot missed the acknowledgement deadline.
func (in *Interaction) Wait(ctx context.Context) (Response, error) {
	return in.WaitUntil(ctx, Response.Final)
}

// WaitUntil waits until cond holds for the response, e.g. to wait for
// follow-ups. It fails if ctx ends first or the interaction failed.
func (in *Interaction) WaitUntil(ctx context.Context, cond func(Response) bool) (Response, error) {
	s := in.s
	for {
		s.mu.Lock()
		in.checkDeadlineLocked()
		r := in.snapshotLocked()
		failure, ch := in.failure, s.changed
		var wake <-chan time.Time
		if r.Type == 0 && !in.delivered.IsZero() {
			wake = time.After(in.delivered.Add(s.ackDeadline).Sub(s.nowLocked()) + time.Millisecond)
		}
		s.mu.Unlock()
		switch {
		case cond(r):
			return r, nil
		case failure != "":
			return r, fmt.Errorf("interaction %s failed: %s", in.ID, failure)
		}
		select {
		case <-ch:
		case <-wake:
		case <-ctx.Done():
			return r, fmt.Errorf("wait for reply to interaction %s (callback type %d, %d edits, %d follow-ups so far): %w",
				in.ID, r.Type, r.Edits, len(r.Followups), ctx.Err())
		}
	}
}

// checkDeadlineLocked fails the interaction if it was delivered and the
// acknowledgement deadline passed without a callback.
func (in *Interaction) checkDeadlineLocked() {
	s := in.s
	if in.resp.Type != 0 || in.lateChecked || in.delivered.IsZero() {
		return
	}
	if late := s.nowLocked().Sub(in.delivered); late > s.ackDeadline {
		in.lateChecked = true
		in.failure = fmt.Sprintf("no initial callback within %v of delivery (Discord shows \"The application did not respond\")", s.ackDeadline)
		s.violateLocked("interaction %s (%s): %s", in.ID, in.describe(), in.failure)
	}
}

// describe names an interaction for violation messages.
func (in *Interaction) describe() string {
	switch d := in.Data.(type) {
	case discordgo.ApplicationCommandInteractionData:
		return "command " + d.Name
	case discordgo.MessageComponentInteractionData:
		return "component " + d.CustomID
	case discordgo.ModalSubmitInteractionData:
		return "modal " + d.CustomID
	}
	return in.Type.String()
}
