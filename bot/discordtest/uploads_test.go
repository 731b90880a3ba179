package discordtest

import (
	"io"
	"net/http"
	"slices"
	"testing"

	"github.com/bwmarrin/discordgo"
)

func TestUploadIsServedAndResolved(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	a := s.Upload("Annual report.pdf", "application/pdf", []byte("%PDF-1.7 report"))
	editor := s.AddRole("Editors")
	s.SetMemberRoles(s.UserID(), editor)

	resp, err := http.Get(a.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "%PDF-1.7 report" || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Errorf("GET %s = %d %q (%s), want the upload", a.URL, resp.StatusCode, body, resp.Header.Get("Content-Type"))
	}

	got := make(chan *discordgo.Interaction, 1)
	dg := openBot(t, s, func(dg *discordgo.Session, ic *discordgo.InteractionCreate) {
		got <- ic.Interaction
		dg.InteractionRespond(ic.Interaction, reply("ok"))
	})
	s.Interact(t, SlashCommand("add", AttachmentOption("file", a)))
	in := await(t, got, "the interaction")
	data := in.ApplicationCommandData()
	if r := data.Resolved; r == nil || r.Attachments[a.ID] == nil || r.Attachments[a.ID].URL == "" || r.Attachments[a.ID].Filename != "Annual report.pdf" {
		t.Errorf("interaction resolved = %+v, want the attachment with its URL", data.Resolved)
	}
	if !slices.Equal(in.Member.Roles, []string{editor}) {
		t.Errorf("member.roles = %q, want [%s]", in.Member.Roles, editor)
	}
	roles, err := dg.GuildRoles(s.GuildID())
	if err != nil {
		t.Fatal(err)
	}
	if len(roles) != 2 || roles[1].ID != editor || roles[1].Name != "Editors" {
		t.Errorf("GuildRoles = %+v, want @everyone and Editors", roles)
	}
	noViolations(t, s)
}
