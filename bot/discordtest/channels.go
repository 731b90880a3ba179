package discordtest

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/bwmarrin/discordgo"
)

// everyonePermissions are the default guild's @everyone permissions: what
// a new server grants its members, the bot included.
const everyonePermissions = discordgo.PermissionViewChannel | discordgo.PermissionSendMessages |
	discordgo.PermissionReadMessageHistory | discordgo.PermissionEmbedLinks | discordgo.PermissionAttachFiles |
	discordgo.PermissionAddReactions | discordgo.PermissionUseApplicationCommands

// DenyBot takes permissions away from the bot in a channel, as a
// permission overwrite for the bot's member does; 0 gives them back. The
// bot's gateway session is told with CHANNEL_UPDATE, and from then on the
// channel endpoints refuse what the bot may no longer do: without View
// Channel, 403 Missing Access (50001); without Send Messages, posting gets
// 403 Missing Permissions (50013); without Read Message History, the
// channel's history is empty.
func (s *Server) DenyBot(channelID string, perms int64) {
	s.mu.Lock()
	ch, ok := s.channels[channelID]
	if !ok {
		s.mu.Unlock()
		s.tb.Fatalf("discordtest: DenyBot: no channel %s", channelID)
	}
	c := *ch
	c.PermissionOverwrites = slices.DeleteFunc(slices.Clone(c.PermissionOverwrites), func(o *discordgo.PermissionOverwrite) bool {
		return o.Type == discordgo.PermissionOverwriteTypeMember && o.ID == s.botUserID
	})
	if perms != 0 {
		c.PermissionOverwrites = append(c.PermissionOverwrites, &discordgo.PermissionOverwrite{
			ID: s.botUserID, Type: discordgo.PermissionOverwriteTypeMember, Deny: perms,
		})
	}
	s.channels[channelID] = &c
	sess := s.current
	s.notifyLocked()
	s.mu.Unlock()
	if sess != nil {
		s.dispatch(sess, "CHANNEL_UPDATE", &c, nil)
	}
}

// DeleteChannel deletes a channel and its messages, telling the bot's
// gateway session with CHANNEL_DELETE. Requests about it then get 404
// Unknown Channel (10003).
func (s *Server) DeleteChannel(channelID string) {
	s.mu.Lock()
	ch, ok := s.channels[channelID]
	if !ok {
		s.mu.Unlock()
		s.tb.Fatalf("discordtest: DeleteChannel: no channel %s", channelID)
	}
	delete(s.channels, channelID)
	s.channelOrder = slices.DeleteFunc(s.channelOrder, func(id string) bool { return id == channelID })
	for _, m := range s.messages {
		if m.channelID == channelID {
			m.deleted = true
		}
	}
	sess := s.current
	s.notifyLocked()
	s.mu.Unlock()
	if sess != nil {
		s.dispatch(sess, "CHANNEL_DELETE", ch, nil)
	}
}

// botPermissionsLocked computes the bot's permissions in a channel as
// Discord does: @everyone's, then the channel's @everyone overwrite, then
// the overwrite for the bot's member (the bot has no roles).
func (s *Server) botPermissionsLocked(ch *discordgo.Channel) int64 {
	perms := int64(everyonePermissions)
	for _, typ := range []struct {
		t  discordgo.PermissionOverwriteType
		id string
	}{{discordgo.PermissionOverwriteTypeRole, s.guildID}, {discordgo.PermissionOverwriteTypeMember, s.botUserID}} {
		for _, o := range ch.PermissionOverwrites {
			if o.Type == typ.t && o.ID == typ.id {
				perms = perms&^o.Deny | o.Allow
			}
		}
	}
	return perms
}

// channelAccessLocked finds a channel the bot asks about and checks it
// may see it; on failure it has answered with Discord's error.
func (s *Server) channelAccessLocked(w http.ResponseWriter, channelID string) (*discordgo.Channel, bool) {
	ch, ok := s.channels[channelID]
	if !ok {
		writeError(w, http.StatusNotFound, codeUnknownChannel, "Unknown Channel", nil)
		return nil, false
	}
	if s.botPermissionsLocked(ch)&discordgo.PermissionViewChannel == 0 {
		writeError(w, http.StatusForbidden, codeMissingAccess, "Missing Access", nil)
		return nil, false
	}
	return ch, true
}

// guildLocked is the default guild as GET /guilds/{guild} returns it.
func (s *Server) guildLocked() *discordgo.Guild {
	return &discordgo.Guild{
		ID:      s.guildID,
		Name:    "Test Guild",
		OwnerID: "1",
		Roles:   s.guildRolesLocked(),
	}
}

func (s *Server) botMember() *discordgo.Member {
	return &discordgo.Member{GuildID: s.guildID, User: s.botUser(), Roles: []string{}}
}

func (s *Server) getGuild(w http.ResponseWriter, r *restRequest) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.PathValue("guild") != s.guildID {
		writeError(w, http.StatusNotFound, codeUnknownGuild, "Unknown Guild", nil)
		return
	}
	writeJSON(w, http.StatusOK, s.guildLocked())
}

func (s *Server) getGuildMember(w http.ResponseWriter, r *restRequest) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.PathValue("guild") != s.guildID {
		writeError(w, http.StatusNotFound, codeUnknownGuild, "Unknown Guild", nil)
		return
	}
	switch r.PathValue("user") {
	case s.botUserID:
		writeJSON(w, http.StatusOK, s.botMember())
	case s.userID:
		writeJSON(w, http.StatusOK, &discordgo.Member{GuildID: s.guildID, User: s.user(), Roles: []string{}})
	default:
		writeError(w, http.StatusNotFound, codeUnknownMember, "Unknown Member", nil)
	}
}

// getChannelMessages pages through a channel's history as Discord does:
// at most limit (1 to 100, default 50) messages before or after a message
// id, or the latest ones, always newest first. Ephemeral messages are not
// part of it.
func (s *Server) getChannelMessages(w http.ResponseWriter, r *restRequest) {
	q := r.URL.Query()
	limit := 50
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.rejectLocked(w, r, []fieldError{{"limit", "NUMBER_TYPE_MAX", "int value should be between 1 and 100."}})
			return
		}
		limit = n
	}
	if q.Has("around") {
		s.violate("%s %s: the around parameter is not implemented by the fake", r.Method, r.path)
		writeError(w, http.StatusNotImplemented, codeGeneral, "not implemented by the fake", nil)
		return
	}
	before, after := snowflakeParam(q.Get("before")), snowflakeParam(q.Get("after"))
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, ok := s.channelAccessLocked(w, r.PathValue("channel"))
	if !ok {
		return
	}
	out := []map[string]any{}
	if s.botPermissionsLocked(ch)&discordgo.PermissionReadMessageHistory == 0 {
		writeJSON(w, http.StatusOK, out)
		return
	}
	var page []*storedMessage
	for _, m := range s.messageOrder {
		id := snowflakeParam(m.id)
		if m.channelID != ch.ID || m.deleted || m.ephemeral() || (before != 0 && id >= before) || id <= after {
			continue
		}
		page = append(page, m)
	}
	// After a message: the oldest ones following it; otherwise the newest.
	if after != 0 || q.Has("after") {
		page = page[:min(len(page), limit)]
	} else {
		page = page[max(len(page)-limit, 0):]
	}
	for _, m := range slices.Backward(page) {
		raw := map[string]any{}
		for k, v := range m.fields {
			raw[k] = v
		}
		out = append(out, raw)
	}
	writeJSON(w, http.StatusOK, out)
}

// snowflakeParam reads an id parameter; 0 when absent or malformed.
func snowflakeParam(v string) uint64 {
	n, _ := strconv.ParseUint(v, 10, 64)
	return n
}
