package bot

import "github.com/bwmarrin/discordgo"

// Command names, as users see and Discord sends them.
const (
	cmdAsk         = "ask"
	cmdFindSources = "Find sources"
	cmdSources     = "sources"

	optQuestion = "question"
	optResults  = "results"
	optPrivate  = "private"
	optDocument = "document"
)

// commands are Dossier's application commands, registered in one bulk
// overwrite so removed ones disappear too.
func commands() []*discordgo.ApplicationCommand {
	one := 1.0
	cmds := []*discordgo.ApplicationCommand{
		{
			Name:        cmdAsk,
			Type:        discordgo.ChatApplicationCommand,
			Description: "Answer a question from the team's documents, quoting the sources",
			Options: []*discordgo.ApplicationCommandOption{
				{
					Type:        discordgo.ApplicationCommandOptionString,
					Name:        optQuestion,
					Description: "What you want to know",
					Required:    true,
					MaxLength:   maxQuestion,
				},
				{
					Type:        discordgo.ApplicationCommandOptionInteger,
					Name:        optResults,
					Description: "How many sources to quote (1–5, default 3)",
					MinValue:    &one,
					MaxValue:    maxResults,
				},
				{
					Type:        discordgo.ApplicationCommandOptionBoolean,
					Name:        optPrivate,
					Description: "Show the answer to you only",
				},
			},
		},
		{
			Name: cmdFindSources,
			Type: discordgo.MessageApplicationCommand,
		},
		{
			Name:        cmdSources,
			Type:        discordgo.ChatApplicationCommand,
			Description: "List the documents Dossier answers from, or show one",
			Options: []*discordgo.ApplicationCommandOption{{
				Type:         discordgo.ApplicationCommandOptionString,
				Name:         optDocument,
				Description:  "A document's title",
				Autocomplete: true,
			}},
		},
	}
	return append(append(cmds, digestCommands()...), citeCommands()...)
}

// option finds a command option by name, or nil.
func option(d discordgo.ApplicationCommandInteractionData, name string) *discordgo.ApplicationCommandInteractionDataOption {
	for _, o := range d.Options {
		if o.Name == name {
			return o
		}
	}
	return nil
}

// stringOption is a string option's value, or "" when it is absent or not
// a string (a client may send anything).
func stringOption(d discordgo.ApplicationCommandInteractionData, name string) string {
	if o := option(d, name); o != nil {
		if s, ok := o.Value.(string); ok {
			return s
		}
	}
	return ""
}

func intOption(d discordgo.ApplicationCommandInteractionData, name string, def int) int {
	if o := option(d, name); o != nil {
		if f, ok := o.Value.(float64); ok {
			return int(f)
		}
	}
	return def
}

func boolOption(d discordgo.ApplicationCommandInteractionData, name string) bool {
	if o := option(d, name); o != nil {
		b, _ := o.Value.(bool)
		return b
	}
	return false
}
