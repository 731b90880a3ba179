package bot

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// mayAdd checks that the member may add documents, telling them
// privately when not.
func (b *Bot) mayAdd(i *discordgo.Interaction) bool {
	if i.GuildID == "" || i.Member == nil {
		b.respond(i, text(msgAddInServer), true)
		return false
	}
	const admin = discordgo.PermissionManageGuild | discordgo.PermissionAdministrator
	if i.Member.Permissions&admin != 0 {
		return true
	}
	role := strings.TrimPrefix(strings.TrimSpace(b.opts.Adding.EditorRole), "@")
	if role != "" {
		ok, err := b.hasRole(i, role)
		if err != nil {
			b.log.Error("check the member's roles", "guild", i.GuildID, "interaction", i.ID, "err", b.redact(err))
			b.respond(i, text(msgRolesFailed), true)
			return false
		}
		if ok {
			return true
		}
	}
	b.log.Info("add refused: the member may not add documents", "guild", i.GuildID, "user", userID(i))
	b.respond(i, text(msgMayNotAdd(role)), true)
	return false
}

// hasRole reports whether the member has the role, given by ID or by
// name (in any case). Names are looked up in the gateway's state, and
// asked of Discord when the state does not have the member's role by that
// name: it has no guilds in interactions mode, and may lag a new role.
func (b *Bot) hasRole(i *discordgo.Interaction, role string) (bool, error) {
	if slices.Contains(i.Member.Roles, role) {
		return true, nil
	}
	if len(i.Member.Roles) == 0 {
		return false, nil
	}
	holds := func(roles []*discordgo.Role) bool {
		return slices.ContainsFunc(roles, func(r *discordgo.Role) bool {
			return r != nil && strings.EqualFold(r.Name, role) && slices.Contains(i.Member.Roles, r.ID)
		})
	}
	if g, err := b.session.State.Guild(i.GuildID); err == nil && holds(g.Roles) {
		return true, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	roles, err := b.session.GuildRoles(i.GuildID, discordgo.WithContext(ctx))
	if err != nil {
		return false, err
	}
	return holds(roles), nil
}
