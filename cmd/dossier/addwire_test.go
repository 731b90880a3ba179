package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/dossier-bot/dossier/bot/discordtest"
)

// dossier serve with a corpus folder: an editor adds a file with /add, it
// is answered from at once, and the digest credits them.
func TestServeAddsFromDiscord(t *testing.T) {
	fake := discordtest.NewServer(t)
	editors := fake.AddRole("Editors")
	fake.SetMemberRoles(fake.UserID(), editors)
	data := t.TempDir()
	s := startServe(t, map[string]string{
		"DOSSIER_DISCORD_TOKEN":       fake.Token(),
		"DOSSIER_DISCORD_API":         fake.APIURL(),
		"DOSSIER_DISCORD_GUILD_ID":    fake.GuildID(),
		"DOSSIER_CORPUS":              builtinCopy(t),
		"DOSSIER_DATA":                data,
		"DOSSIER_EDITOR_ROLE":         "Editors",
		"DOSSIER_ALLOW_PRIVATE_FETCH": "true", // the fake's CDN is on loopback
	})
	ops := s.waitOutput(t, opsURL)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	upload := fake.Upload("wonsan.md", "text/markdown", []byte(lighthouse))
	r, err := fake.Interact(t, discordtest.SlashCommand("add", discordtest.AttachmentOption("file", upload))).Wait(ctx)
	if err != nil {
		t.Fatalf("no reply to /add: %v\n%s", err, s.out.String())
	}
	if r.Original == nil || r.Original.Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.HasPrefix(r.Original.Content, "Added **The Lighthouse Keepers of Wonsan**") {
		t.Fatalf("/add = %+v, want the document added, privately", r.Original)
	}
	registered := map[string]bool{}
	for _, c := range fake.Commands(fake.GuildID()) {
		registered[c.Name] = true
	}
	if !registered["add"] || !registered["Add to corpus"] {
		t.Errorf("commands registered = %v, want add and Add to corpus among them", registered)
	}
	ask := discordtest.SlashCommand("ask", discordtest.StringOption("question", "Who kept a log of the ships passing Wonsan?"))
	r, err = fake.Interact(t, ask).Wait(ctx)
	if err != nil || r.Original == nil || len(r.Original.Embeds) == 0 || r.Original.Embeds[0].Title != "The Lighthouse Keepers of Wonsan" {
		t.Errorf("/ask after /add = %+v, %v; want the added document quoted first", r.Original, err)
	}
	status, md := getDigest(t, ops+"/digest?since=1h", readDigestToken(data))
	if status != 200 {
		t.Errorf("GET /digest = %d %q, want 200", status, md)
	}
	if !strings.Contains(md, "**The Lighthouse Keepers of Wonsan** · Harbour Review · 2025-03-02 · new · added by tester") {
		t.Errorf("digest after /add:\n%s\nwant the document credited to tester", md)
	}
	if v := fake.Violations(); len(v) > 0 {
		t.Errorf("Violations() = %q, want none", v)
	}
}

func TestFileHosts(t *testing.T) {
	t.Parallel()
	if got := fileHosts("https://discord.com/api/v9"); len(got) != 0 {
		t.Errorf("fileHosts(discord.com) = %q, want none beyond Discord's CDN", got)
	}
	if got := fileHosts("http://127.0.0.1:4321/api/v9"); len(got) != 1 || got[0] != "127.0.0.1:4321" {
		t.Errorf("fileHosts(a fake Discord) = %q, want its host", got)
	}
}

func TestWritable(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := writable(dir); err != nil {
		t.Errorf("writable(a temporary folder) = %v, want nil", err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("writable left %d files behind", len(left))
	}
	if err := writable(filepath.Join(dir, "missing")); err == nil {
		t.Errorf("writable(a missing folder) = nil, want an error")
	}
}
