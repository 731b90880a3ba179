package discordtest

import (
	"net/http"
	"net/url"
	"slices"

	"github.com/bwmarrin/discordgo"
)

// Upload stores a file as if a user had uploaded it to Discord's CDN, the
// way a client does before sending a command with a file option or a
// message with attachments, and returns the attachment as Discord
// describes it: its URL on the fake's CDN, signed with a query as
// Discord's are (the fake ignores the signature). Pass it to
// AttachmentOption, or put it on a message a MessageCommand targets.
func (s *Server) Upload(name, contentType string, data []byte) *discordgo.MessageAttachment {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.uploadedLocked(s.channelID, s.storeFileLocked(name, contentType, append([]byte(nil), data...)))
}

// uploadedLocked describes the file Upload stored as id, uploaded in
// channelID.
func (s *Server) uploadedLocked(channelID, id string) *discordgo.MessageAttachment {
	f := s.files[id]
	link := s.http.URL + "/attachments/" + channelID + "/" + id + "/" + url.PathEscape(f.name) +
		"?ex=6760a1b2&is=675f5032&hm=" + id
	return &discordgo.MessageAttachment{
		ID: id, Filename: f.name, ContentType: f.contentType, Size: len(f.data), URL: link, ProxyURL: link,
	}
}

// AttachmentOption is a slash command's attachment option naming a file
// Upload stored; the interaction carries it resolved, as Discord sends it.
func AttachmentOption(name string, a *discordgo.MessageAttachment) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionAttachment, Value: a.ID}
}

// AddRole creates a role in the default guild and returns its ID. The
// guild's roles are in GUILD_CREATE, GET /guilds/{guild} and GET
// /guilds/{guild}/roles; a role gives no permission by itself (see
// SetMemberPermissions).
func (s *Server) AddRole(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.newIDLocked()
	s.roles = append(s.roles, &discordgo.Role{ID: id, Name: name, Position: len(s.roles) + 1})
	s.notifyLocked()
	return id
}

// SetMemberRoles gives a member of the default guild these roles: the
// member of the interactions they play carries them (member.roles).
func (s *Server) SetMemberRoles(userID string, roleIDs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.memberRoles == nil {
		s.memberRoles = make(map[string][]string)
	}
	s.memberRoles[userID] = slices.Clone(roleIDs)
}

// guildRolesLocked are the default guild's roles, @everyone first.
func (s *Server) guildRolesLocked() []*discordgo.Role {
	return append([]*discordgo.Role{{ID: s.guildID, Name: "@everyone", Permissions: everyonePermissions}}, s.roles...)
}

func (s *Server) getGuildRoles(w http.ResponseWriter, r *restRequest) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.PathValue("guild") != s.guildID {
		writeError(w, http.StatusNotFound, codeUnknownGuild, "Unknown Guild", nil)
		return
	}
	writeJSON(w, http.StatusOK, s.guildRolesLocked())
}

// resolveUploadsLocked fills in the member's roles and the attachments
// the interaction's options name, as Discord sends them.
func (s *Server) resolveUploadsLocked(in *discordgo.Interaction) {
	if in.Member != nil && in.Member.User != nil && len(in.Member.Roles) == 0 && len(s.memberRoles[in.Member.User.ID]) > 0 {
		m := *in.Member // the caller's member is not ours to change
		m.Roles = slices.Clone(s.memberRoles[m.User.ID])
		in.Member = &m
	}
	d, ok := in.Data.(discordgo.ApplicationCommandInteractionData)
	if !ok {
		return
	}
	var named []string
	for _, o := range d.Options {
		if id, ok := o.Value.(string); ok && o.Type == discordgo.ApplicationCommandOptionAttachment && s.files[id] != nil {
			named = append(named, id)
		}
	}
	if len(named) == 0 {
		return
	}
	var r discordgo.ApplicationCommandInteractionDataResolved
	if d.Resolved != nil {
		r = *d.Resolved
	}
	atts := make(map[string]*discordgo.MessageAttachment, len(r.Attachments)+len(named))
	for id, a := range r.Attachments {
		atts[id] = a
	}
	for _, id := range named {
		a := s.uploadedLocked(in.ChannelID, id)
		a.Ephemeral = true
		atts[id] = a
	}
	r.Attachments = atts
	d.Resolved = &r
	in.Data = d
}
