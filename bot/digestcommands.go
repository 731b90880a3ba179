package bot

import (
	"github.com/bwmarrin/discordgo"

	"github.com/dossier-bot/dossier/bot/state"
)

// The /digest and /watch commands, their subcommands and options.
const (
	cmdDigest = "digest"
	cmdWatch  = "watch"

	subSubscribe   = "subscribe"
	subUnsubscribe = "unsubscribe"
	subStatus      = "status"
	subPreview     = "preview"
	subAdd         = "add"
	subRemove      = "remove"
	subList        = "list"

	optChannel  = "channel"
	optTime     = "time"
	optTimezone = "timezone"
	optQuery    = "query"
	optWatch    = "watch"

	defaultDigestTime = "09:00"
	defaultDigestZone = "UTC"
)

// digestCommands are /digest and /watch. They change what a channel is
// sent, so by default only members who may manage channels see them
// (server admins can change that under Integrations), and only in
// servers: digests are per server.
func digestCommands() []*discordgo.ApplicationCommand {
	manage := int64(discordgo.PermissionManageChannels)
	guildOnly := []discordgo.InteractionContextType{discordgo.InteractionContextGuild}
	channel := func(description string) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{
			Type:         discordgo.ApplicationCommandOptionChannel,
			Name:         optChannel,
			Description:  description,
			ChannelTypes: []discordgo.ChannelType{discordgo.ChannelTypeGuildText, discordgo.ChannelTypeGuildNews},
		}
	}
	sub := func(name, description string, options ...*discordgo.ApplicationCommandOption) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{
			Type:        discordgo.ApplicationCommandOptionSubCommand,
			Name:        name,
			Description: description,
			Options:     options,
		}
	}
	return []*discordgo.ApplicationCommand{
		{
			Name:                     cmdDigest,
			Type:                     discordgo.ChatApplicationCommand,
			Description:              "A daily post of new documents, most asked and unanswered questions",
			DefaultMemberPermissions: &manage,
			Contexts:                 &guildOnly,
			Options: []*discordgo.ApplicationCommandOption{
				sub(subSubscribe, "Post the daily digest in a channel",
					channel("Where to post it (default: this channel)"),
					&discordgo.ApplicationCommandOption{
						Type:        discordgo.ApplicationCommandOptionString,
						Name:        optTime,
						Description: "Time of day, 24-hour HH:MM (default 09:00)",
						MaxLength:   5,
					},
					&discordgo.ApplicationCommandOption{
						Type:         discordgo.ApplicationCommandOptionString,
						Name:         optTimezone,
						Description:  "Time zone, such as Europe/London (default UTC)",
						MaxLength:    64,
						Autocomplete: true,
					}),
				sub(subUnsubscribe, "Stop the daily digest in a channel",
					channel("Which channel (default: this channel)")),
				sub(subStatus, "Show this server's daily digests: when, where, and any problem"),
				sub(subPreview, "Show privately the digest this channel would get now"),
			},
		},
		{
			Name:                     cmdWatch,
			Type:                     discordgo.ChatApplicationCommand,
			Description:              "Saved searches: new passages that match appear in this channel's digest",
			DefaultMemberPermissions: &manage,
			Contexts:                 &guildOnly,
			Options: []*discordgo.ApplicationCommandOption{
				sub(subAdd, "Watch a topic in this channel's digest",
					&discordgo.ApplicationCommandOption{
						Type:        discordgo.ApplicationCommandOptionString,
						Name:        optQuery,
						Description: "What to watch for, in a few words",
						Required:    true,
						MaxLength:   state.MaxWatchQuery,
					}),
				sub(subRemove, "Stop watching a topic",
					&discordgo.ApplicationCommandOption{
						Type:         discordgo.ApplicationCommandOptionString,
						Name:         optWatch,
						Description:  "The watch to remove",
						Required:     true,
						Autocomplete: true,
					}),
				sub(subList, "List the topics this channel watches"),
			},
		},
	}
}

// subcommand returns the subcommand a command interaction invokes, with
// its options as the data the option helpers read.
func subcommand(d discordgo.ApplicationCommandInteractionData) (string, discordgo.ApplicationCommandInteractionData) {
	for _, o := range d.Options {
		if o.Type == discordgo.ApplicationCommandOptionSubCommand {
			return o.Name, discordgo.ApplicationCommandInteractionData{Name: d.Name, Options: o.Options, Resolved: d.Resolved}
		}
	}
	return "", discordgo.ApplicationCommandInteractionData{}
}
