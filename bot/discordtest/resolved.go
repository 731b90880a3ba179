package discordtest

import (
	"encoding/json"

	"github.com/bwmarrin/discordgo"
)

// memberPermissions are what a member may do in a channel unless
// SetMemberPermissions says otherwise: what @everyone may, and manage
// channels, which the commands a test plays usually ask of their users
// (default_member_permissions).
const memberPermissions = everyonePermissions | discordgo.PermissionManageChannels

// memberChannel keys a member's permissions in one channel.
type memberChannel struct{ userID, channelID string }

// SetMemberPermissions sets what a member may do in a channel of the
// default guild, as Discord computes it from the member's roles and the
// channel's overwrites. Interactions the member plays in that channel carry
// it as member.permissions, and those whose channel options name it carry it
// as resolved.channels[id].permissions, as Discord sends them. Until set, a
// member has everyone's permissions and Manage Channels in every channel.
func (s *Server) SetMemberPermissions(userID, channelID string, perms int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.channels[channelID]; !ok {
		s.tb.Fatalf("discordtest: SetMemberPermissions: no channel %s", channelID)
	}
	s.memberPerms[memberChannel{userID, channelID}] = perms
}

func (s *Server) memberPermissionsLocked(userID, channelID string) int64 {
	if p, ok := s.memberPerms[memberChannel{userID, channelID}]; ok {
		return p
	}
	return memberPermissions
}

// resolveLocked fills in what Discord computes for the interaction's
// member: their permissions in its channel, and the channels its options
// name, resolved. Only the default guild's channels resolve: Discord offers
// no other in a channel option.
func (s *Server) resolveLocked(in *discordgo.Interaction) {
	if in.Member == nil || in.Member.User == nil {
		return
	}
	if _, ok := s.channels[in.ChannelID]; ok && in.Member.Permissions == 0 {
		m := *in.Member // the caller's member is not ours to change
		m.Permissions = s.memberPermissionsLocked(m.User.ID, in.ChannelID)
		in.Member = &m
	}
	d, ok := in.Data.(discordgo.ApplicationCommandInteractionData)
	if !ok {
		return
	}
	var named []string
	for _, id := range channelOptions(d.Options) {
		if ch, ok := s.channels[id]; ok && ch.GuildID == in.GuildID {
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
	channels := make(map[string]*discordgo.Channel, len(r.Channels)+len(named))
	for id, ch := range r.Channels {
		channels[id] = ch
	}
	for _, id := range named {
		ch := s.channels[id]
		channels[id] = &discordgo.Channel{ID: ch.ID, Name: ch.Name, Type: ch.Type, ParentID: ch.ParentID}
	}
	r.Channels = channels
	d.Resolved = &r
	in.Data = d
}

// channelOptions lists the values of the channel options, in subcommands
// and groups too.
func channelOptions(opts []*discordgo.ApplicationCommandInteractionDataOption) []string {
	var ids []string
	for _, o := range opts {
		switch o.Type {
		case discordgo.ApplicationCommandOptionChannel:
			if id, ok := o.Value.(string); ok {
				ids = append(ids, id)
			}
		case discordgo.ApplicationCommandOptionSubCommand, discordgo.ApplicationCommandOptionSubCommandGroup:
			ids = append(ids, channelOptions(o.Options)...)
		}
	}
	return ids
}

// The interaction as Discord sends it. discordgo's Channel has no
// permissions field, so its resolved channels are written out here with
// the member's permissions in each, which Discord includes.
type (
	wireInteraction struct {
		*discordgo.Interaction
		Data any `json:"data,omitempty"`
	}
	wireCommandData struct {
		discordgo.ApplicationCommandInteractionData
		Resolved *wireResolved `json:"resolved,omitempty"`
	}
	wireResolved struct {
		*discordgo.ApplicationCommandInteractionDataResolved
		Channels map[string]wireChannel `json:"channels,omitempty"`
	}
	wireChannel struct {
		ID          string                `json:"id"`
		Name        string                `json:"name"`
		Type        discordgo.ChannelType `json:"type"`
		Permissions int64                 `json:"permissions,string"`
		ParentID    string                `json:"parent_id,omitempty"`
	}
)

// wireLocked is in as Discord sends it, over the gateway or to an
// interactions endpoint.
func (s *Server) wireLocked(in *discordgo.Interaction) (json.RawMessage, error) {
	w := wireInteraction{Interaction: in, Data: in.Data}
	if d, ok := in.Data.(discordgo.ApplicationCommandInteractionData); ok && d.Resolved != nil {
		r := &wireResolved{ApplicationCommandInteractionDataResolved: d.Resolved}
		if len(d.Resolved.Channels) > 0 && in.Member != nil && in.Member.User != nil {
			r.Channels = make(map[string]wireChannel, len(d.Resolved.Channels))
			for id, ch := range d.Resolved.Channels {
				r.Channels[id] = wireChannel{
					ID: ch.ID, Name: ch.Name, Type: ch.Type, ParentID: ch.ParentID,
					Permissions: s.memberPermissionsLocked(in.Member.User.ID, id),
				}
			}
		}
		w.Data = wireCommandData{ApplicationCommandInteractionData: d, Resolved: r}
	}
	return json.Marshal(w)
}
