package discordtest

import (
	"net/http"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
	"github.com/google/go-cmp/cmp"
)

func askCommand() *discordgo.ApplicationCommand {
	return &discordgo.ApplicationCommand{
		Name:        "ask",
		Description: "Ask the documents a question",
		Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "question", Description: "What to ask", Required: true, Autocomplete: true},
			{Type: discordgo.ApplicationCommandOptionBoolean, Name: "public", Description: "Show to everyone"},
		},
	}
}

func TestCommandRegistration(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	dg := newClient(t, s)
	cmds := []*discordgo.ApplicationCommand{askCommand(), {Name: "Ask Dossier", Type: discordgo.MessageApplicationCommand}}

	created, err := dg.ApplicationCommandBulkOverwrite(s.AppID(), s.GuildID(), cmds)
	if err != nil {
		t.Fatal(err)
	}
	if len(created) != 2 || created[0].ID == "" || created[0].ApplicationID != s.AppID() || created[0].GuildID != s.GuildID() {
		t.Fatalf("ApplicationCommandBulkOverwrite() = %+v, want 2 commands with IDs", created)
	}
	listed, err := dg.ApplicationCommands(s.AppID(), s.GuildID())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(created, listed); diff != "" {
		t.Errorf("ApplicationCommands() differs from what was created (-created +listed):\n%s", diff)
	}
	if diff := cmp.Diff(created, s.Commands(s.GuildID())); diff != "" {
		t.Errorf("Commands() differs from what was created (-created +Commands):\n%s", diff)
	}
	if global := s.Commands(""); len(global) != 0 {
		t.Errorf("Commands(\"\") = %v, want no global commands", global)
	}

	// Overwriting keeps the ID of a same-named command, as Discord does.
	again, err := dg.ApplicationCommandBulkOverwrite(s.AppID(), s.GuildID(), cmds[:1])
	if err != nil || len(again) != 1 || again[0].ID != created[0].ID {
		t.Errorf("second overwrite = %+v, %v; want /ask keeping ID %s", again, err, created[0].ID)
	}
	noViolations(t, s)
}

func TestInteractionUsesRegisteredCommandID(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	dg := openBot(t, s, respond(reply("ok")))
	created, err := dg.ApplicationCommandBulkOverwrite(s.AppID(), "", []*discordgo.ApplicationCommand{askCommand()})
	if err != nil {
		t.Fatal(err)
	}
	in := s.Interact(t, SlashCommand("ask", StringOption("question", "q")))
	if got := in.ApplicationCommandData().ID; got != created[0].ID {
		t.Errorf("interaction command ID = %s, want the registered %s", got, created[0].ID)
	}
}

func TestInvalidCommandsRejected(t *testing.T) {
	t.Parallel()
	choices := func(n int) []*discordgo.ApplicationCommandOptionChoice {
		cs := make([]*discordgo.ApplicationCommandOptionChoice, n)
		for i := range cs {
			cs[i] = &discordgo.ApplicationCommandOptionChoice{Name: "c", Value: "v"}
		}
		return cs
	}
	tests := []struct {
		name   string
		mutate func(*discordgo.ApplicationCommand)
		want   string // in the violation
	}{
		{"upper-case name", func(c *discordgo.ApplicationCommand) { c.Name = "Ask" }, "0.name"},
		{"33-letter name", func(c *discordgo.ApplicationCommand) { c.Name = strings.Repeat("a", 33) }, "0.name"},
		{"space in name", func(c *discordgo.ApplicationCommand) { c.Name = "ask me" }, "0.name"},
		{"no description", func(c *discordgo.ApplicationCommand) { c.Description = "" }, "0.description"},
		{"101-letter description", func(c *discordgo.ApplicationCommand) { c.Description = strings.Repeat("d", 101) }, "0.description"},
		{"type 4", func(c *discordgo.ApplicationCommand) { c.Type = 4 }, "0.type"},
		{"required after optional", func(c *discordgo.ApplicationCommand) { c.Options[0].Required, c.Options[1].Required = false, true }, "0.options.1.required"},
		{"option upper-case name", func(c *discordgo.ApplicationCommand) { c.Options[0].Name = "Question" }, "0.options.0.name"},
		{"choices with autocomplete", func(c *discordgo.ApplicationCommand) { c.Options[0].Choices = choices(2) }, "0.options.0.autocomplete"},
		{"26 choices", func(c *discordgo.ApplicationCommand) {
			c.Options[0].Autocomplete, c.Options[0].Choices = false, choices(26)
		}, "0.options.0.choices"},
		{"context menu with description", func(c *discordgo.ApplicationCommand) {
			c.Type, c.Options = discordgo.MessageApplicationCommand, nil
		}, "0.description"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := NewServer(t)
			c := askCommand()
			tt.mutate(c)
			_, err := newClient(t, s).ApplicationCommandBulkOverwrite(s.AppID(), s.GuildID(), []*discordgo.ApplicationCommand{c})
			wantRESTError(t, err, http.StatusBadRequest, 50035)
			wantViolation(t, s, tt.want)
			if got := s.Commands(s.GuildID()); len(got) != 0 {
				t.Errorf("Commands() = %v after a rejected overwrite, want none", got)
			}
		})
	}
}

func TestCommandCreateAndDelete(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	dg := newClient(t, s)
	first, err := dg.ApplicationCommandCreate(s.AppID(), "", askCommand())
	if err != nil {
		t.Fatal(err)
	}
	edited := askCommand()
	edited.Description = "Ask again"
	second, err := dg.ApplicationCommandCreate(s.AppID(), "", edited)
	if err != nil || second.ID != first.ID || second.Description != "Ask again" {
		t.Errorf("second create = %+v, %v; want /ask %s replaced", second, err, first.ID)
	}
	if got := s.Commands(""); len(got) != 1 {
		t.Errorf("Commands() = %v, want one", got)
	}
	if err := dg.ApplicationCommandDelete(s.AppID(), "", first.ID); err != nil {
		t.Fatal(err)
	}
	if got := s.Commands(""); len(got) != 0 {
		t.Errorf("Commands() after delete = %v, want none", got)
	}
	bad := askCommand()
	bad.Name = "Ask"
	_, err = dg.ApplicationCommandCreate(s.AppID(), "", bad)
	wantRESTError(t, err, http.StatusBadRequest, 50035)
	wantViolation(t, s, "name: Command name")
}
