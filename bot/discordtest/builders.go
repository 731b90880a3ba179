package discordtest

import (
	"encoding/json"

	"github.com/bwmarrin/discordgo"
)

// SlashCommand builds a chat input command interaction for Interact.
func SlashCommand(name string, options ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.Interaction {
	return &discordgo.Interaction{
		Type: discordgo.InteractionApplicationCommand,
		Data: discordgo.ApplicationCommandInteractionData{
			Name:        name,
			CommandType: discordgo.ChatApplicationCommand,
			Options:     options,
		},
	}
}

// StringOption is a string option of a slash command.
func StringOption(name, value string) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionString, Value: value}
}

// Subcommand is a slash command's subcommand with its options, for
// SlashCommand and Autocomplete.
func Subcommand(name string, options ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionSubCommand, Options: options}
}

// ChannelOption is a channel option of a slash command: its value is the
// channel's ID.
func ChannelOption(name, channelID string) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionChannel, Value: channelID}
}

// Autocomplete builds an autocomplete interaction for a slash command while
// the user types partial into the string option focused; other holds the
// options already filled in.
func Autocomplete(name, focused, partial string, other ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.Interaction {
	opt := StringOption(focused, partial)
	opt.Focused = true
	in := SlashCommand(name, append(other, opt)...)
	in.Type = discordgo.InteractionApplicationCommandAutocomplete
	return in
}

// MessageCommand builds a message context menu interaction on target.
func MessageCommand(name string, target *discordgo.Message) *discordgo.Interaction {
	return &discordgo.Interaction{
		Type:      discordgo.InteractionApplicationCommand,
		ChannelID: target.ChannelID,
		Data: discordgo.ApplicationCommandInteractionData{
			Name:        name,
			CommandType: discordgo.MessageApplicationCommand,
			TargetID:    target.ID,
			Resolved: &discordgo.ApplicationCommandInteractionDataResolved{
				Messages: map[string]*discordgo.Message{target.ID: target},
			},
		},
	}
}

// Component builds a button click on the component customID of msg, which
// is usually a message the bot sent (see Response.Original).
func Component(customID string, msg *discordgo.Message) *discordgo.Interaction {
	return &discordgo.Interaction{
		Type:      discordgo.InteractionMessageComponent,
		ChannelID: msg.ChannelID,
		Message:   msg,
		Data: discordgo.MessageComponentInteractionData{
			CustomID:      customID,
			ComponentType: discordgo.ButtonComponent,
		},
	}
}

// UserMessage posts a message by the default user (see UserID) to a
// channel, e.g. as the target of a MessageCommand. The bot is not told.
func (s *Server) UserMessage(channelID, content string) *Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	body, _ := json.Marshal(map[string]string{"content": content})
	m := s.storeMessageLocked(channelID, discordgo.MessageTypeDefault, body)
	m.fields["author"], _ = json.Marshal(s.user())
	return m.export()
}

func (s *Server) user() *discordgo.User {
	return &discordgo.User{ID: s.userID, Username: "tester", Discriminator: "0"}
}
