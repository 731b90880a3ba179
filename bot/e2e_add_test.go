package bot_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/dossier-bot/dossier/bot"
	"github.com/dossier-bot/dossier/bot/digest"
	"github.com/dossier-bot/dossier/bot/discordtest"
	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/corpus/fetch"
	"github.com/dossier-bot/dossier/corpus/ingest"
	"github.com/dossier-bot/dossier/index"
)

const wonsan = `---
title: "The Lighthouse Keepers of Wonsan"
publisher: "Harbour Review"
published: 2025-03-02
---
The lighthouse keepers of Wonsan harbor repaired the great lamp every winter, and the keeper Pak Chol-su kept a log of every ship that passed for thirty-one years.
`

const ferry = "Ferry Notes\n\nThe ferry to Rason leaves at dawn on Thursdays, weather permitting, and returns on Saturdays with the post.\n"

// adding is a bot with /add over a copy of the built-in corpus.
type adding struct {
	fake    *discordtest.Server
	dir     string
	ix      *index.Index
	watcher *digest.Watcher
	site    *httptest.Server
}

// serveAdding runs a bot that may add documents, fetching with private
// addresses allowed or not: the fake's CDN and the test's site are on
// loopback.
func serveAdding(tb testing.TB, allowPrivate bool, editorRole string) *adding {
	tb.Helper()
	a := newAdding(tb)
	serve(tb, a.fake, a.ix, bot.Options{Adding: a.options(allowPrivate, editorRole)})
	return a
}

// newAdding is a corpus folder indexed in memory, a site to add pages
// from and a fake Discord, with no bot yet.
func newAdding(tb testing.TB) *adding {
	tb.Helper()
	a := &adding{fake: discordtest.NewServer(tb), dir: filepath.Join(tb.TempDir(), "corpus")}
	if err := os.CopyFS(a.dir, corpus.Builtin()); err != nil {
		tb.Fatal(err)
	}
	var err error
	if a.ix, err = index.NewMemory(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { a.ix.Close() })
	w := digest.NewWatcher(digest.WatcherConfig{Corpus: os.DirFS(a.dir), Name: a.dir, Index: a.ix, Interval: time.Hour})
	if _, err := w.Poll(context.Background()); err != nil {
		tb.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/wonsan.md", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/markdown")
		fmt.Fprint(w, wonsan)
	})
	mux.HandleFunc("/photo.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		fmt.Fprint(w, "\x89PNG\r\n\x1a\n")
	})
	a.site = httptest.NewServer(mux)
	tb.Cleanup(a.site.Close)
	a.watcher = w
	return a
}

// options are the bot's Adding over a's folder, fetching with private
// addresses allowed or not.
func (a *adding) options(allowPrivate bool, editorRole string) *bot.Adding {
	cdn, _ := url.Parse(a.fake.APIURL())
	return &bot.Adding{
		Corpus:     bot.CorpusFolder{Folder: ingest.New(a.dir), Watcher: a.watcher},
		Fetch:      fetch.New(fetch.Options{AllowPrivate: allowPrivate, Types: ingest.Types}),
		EditorRole: editorRole,
		FileHosts:  []string{cdn.Host},
	}
}

// mayManage gives the test's member Manage Server in the channel.
func (a *adding) mayManage() {
	a.fake.SetMemberPermissions(a.fake.UserID(), a.fake.ChannelID(), discordgo.PermissionViewChannel|discordgo.PermissionSendMessages|discordgo.PermissionManageGuild)
}

func (a *adding) files(tb testing.TB) int {
	tb.Helper()
	entries, err := os.ReadDir(a.dir)
	if err != nil {
		tb.Fatal(err)
	}
	return len(entries)
}

func addURL(link string) *discordgo.Interaction {
	return discordtest.SlashCommand("add", discordtest.StringOption("url", link))
}

// private checks a reply is ephemeral and returns its content.
func private(tb testing.TB, r discordtest.Response) string {
	tb.Helper()
	if r.Original == nil || r.Original.Flags&discordgo.MessageFlagsEphemeral == 0 {
		tb.Fatalf("reply = %+v, want a private message", r.Original)
	}
	return r.Original.Content
}

func TestAddRefusedToOthers(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		role, want string
	}{
		{"", "Only members with Manage Server can add documents."},
		{"Editors", "Only members with Manage Server or the Editors role can add documents."},
	} {
		t.Run("role "+tt.role, func(t *testing.T) {
			t.Parallel()
			a := serveAdding(t, true, tt.role)
			a.fake.SetMemberRoles(a.fake.UserID(), a.fake.AddRole("Readers"))
			r := wait(t, a.fake.Interact(t, addURL(a.site.URL+"/wonsan.md")))
			if r.Type != discordgo.InteractionResponseChannelMessageWithSource || private(t, r) != tt.want {
				t.Errorf("/add by a member without the right = type %d %q, want at once, privately, %q", r.Type, r.Original.Content, tt.want)
			}
			msg := &discordgo.Message{ChannelID: a.fake.ChannelID(), Content: "see " + a.site.URL + "/wonsan.md"}
			r = wait(t, a.fake.Interact(t, discordtest.MessageCommand("Add to corpus", msg)))
			if private(t, r) != tt.want {
				t.Errorf("Add to corpus by a member without the right = %q, want %q", r.Original.Content, tt.want)
			}
			if n := a.files(t); n != 5 {
				t.Errorf("the corpus holds %d files after refused adds, want 5", n)
			}
			noViolations(t, a.fake)
		})
	}
}

func TestAddFileByEditorThenShare(t *testing.T) {
	t.Parallel()
	a := serveAdding(t, true, "editors")
	a.fake.SetMemberRoles(a.fake.UserID(), a.fake.AddRole("Editors"))
	upload := a.fake.Upload("wonsan.md", "text/markdown", []byte(wonsan))
	r := wait(t, a.fake.Interact(t, discordtest.SlashCommand("add", discordtest.AttachmentOption("file", upload))))
	if r.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Errorf("/add file acknowledged with type %d, want deferred (5)", r.Type)
	}
	if got, want := private(t, r), "Added **The Lighthouse Keepers of Wonsan** (1 passage)."; got != want {
		t.Errorf("/add file = %q, want %q", got, want)
	}
	if len(r.Original.Embeds) != 1 || !strings.Contains(r.Original.Embeds[0].Description, "Pak Chol-su kept a log") || r.Original.Embeds[0].Title != "The Lighthouse Keepers of Wonsan" {
		t.Errorf("/add file embeds = %+v, want the new document's title and first excerpt", r.Original.Embeds)
	}
	raw, err := os.ReadFile(filepath.Join(a.dir, "the-lighthouse-keepers-of-wonsan.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), `added_by: "tester"`) || strings.Contains(string(raw), "url:") {
		t.Errorf("the added file = %q, want it credited to tester, with no link (the CDN's expires)", raw)
	}
	ans, err := a.ix.Ask(context.Background(), "Who kept a log of the ships at Wonsan?", 3)
	if err != nil || len(ans.Results) == 0 || ans.Results[0].Doc.ID != "the-lighthouse-keepers-of-wonsan" {
		t.Errorf("Ask after /add = %+v, %v; want the added document first", ans.Results, err)
	}

	share, ok := buttons(r.Original)["Share in channel"]
	if !ok {
		t.Fatalf("/add buttons = %v, want Share in channel", buttons(r.Original))
	}
	p, err := a.fake.Interact(t, discordtest.Component(share, r.Original.Message)).WaitUntil(waitCtx(t), func(r discordtest.Response) bool { return len(r.Followups) > 0 })
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := buttons(p.Original)["Share in channel"]; ok || !strings.Contains(p.Original.Content, "Shared with the channel") {
		t.Errorf("private reply after sharing = %q with %v, want it marked shared and the button gone", p.Original.Content, buttons(p.Original))
	}
	if len(p.Followups) != 1 || p.Followups[0].Flags&discordgo.MessageFlagsEphemeral != 0 || p.Followups[0].Content != "Added to the corpus by tester:" ||
		len(p.Followups[0].Embeds) != 1 || p.Followups[0].Embeds[0].Description != r.Original.Embeds[0].Description {
		t.Errorf("shared = %+v, want one public message with the document", p.Followups)
	}
	noViolations(t, a.fake)
}

// A role made while the bot runs is found by asking Discord: the
// gateway's state may not have it.
func TestAddByARoleMadeWhileRunning(t *testing.T) {
	t.Parallel()
	a := serveAdding(t, true, "Librarians")
	a.fake.WaitConnected(t)
	a.fake.SetMemberRoles(a.fake.UserID(), a.fake.AddRole("librarians"))
	if got := private(t, wait(t, a.fake.Interact(t, addURL(a.site.URL+"/wonsan.md")))); !strings.HasPrefix(got, "Added **The Lighthouse Keepers of Wonsan**") {
		t.Errorf("/add by a member with the editor role = %q, want it added", got)
	}
	asked := false
	for _, r := range a.fake.Requests() {
		asked = asked || r.Method == "GET" && r.Path == "/guilds/"+a.fake.GuildID()+"/roles"
	}
	if !asked {
		t.Errorf("the bot did not ask Discord for the server's roles")
	}
	noViolations(t, a.fake)
}

// In interactions mode there is no gateway state: the editor role is
// looked up over REST, and the deferred reply is the HTTP response.
func TestAddOverHTTPInteractions(t *testing.T) {
	t.Parallel()
	a := newAdding(t)
	e := serveInteractionsWith(t, a.fake, a.ix, bot.Options{Adding: a.options(true, "Editors")}, nil)
	a.fake.SetMemberRoles(a.fake.UserID(), a.fake.AddRole("Editors"))
	upload := a.fake.Upload("ferry.txt", "text/plain", []byte(ferry))
	r, err := a.fake.Post(t, e.url, e.key, discordtest.SlashCommand("add", discordtest.AttachmentOption("file", upload))).Wait(waitCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if r.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource || private(t, r) != "Added **Ferry Notes** (1 passage)." {
		t.Errorf("/add over HTTP = type %d %+v, want deferred, then the document added", r.Type, r.Original)
	}
	noViolations(t, a.fake)
}

func TestAddPDFs(t *testing.T) {
	t.Parallel()
	a := serveAdding(t, true, "")
	a.mayManage()
	memo, err := os.ReadFile("../corpus/extract/testdata/pdf/memo.pdf")
	if err != nil {
		t.Fatal(err)
	}
	scanned, err := os.ReadFile("../corpus/extract/testdata/pdf/scanned.pdf")
	if err != nil {
		t.Fatal(err)
	}
	r := wait(t, a.fake.Interact(t, discordtest.SlashCommand("add", discordtest.AttachmentOption("file", a.fake.Upload("memo.pdf", "application/pdf", memo)))))
	if got := private(t, r); !strings.HasPrefix(got, "Added **Briefing on Fisheries Enforcement**") {
		t.Errorf("/add of a PDF = %q, want it added", got)
	}
	if len(r.Original.Embeds) != 1 || r.Original.Embeds[0].Footer == nil || !strings.Contains(r.Original.Embeds[0].Footer.Text, "2023-11-14") {
		t.Errorf("/add of a PDF embeds = %+v, want the memo with its date", r.Original.Embeds)
	}
	r = wait(t, a.fake.Interact(t, discordtest.SlashCommand("add", discordtest.AttachmentOption("file", a.fake.Upload("scan.pdf", "application/pdf", scanned)))))
	if got := private(t, r); got != "Not added: scan.pdf: it is a scanned PDF: its pages are pictures of text, with no text to quote." {
		t.Errorf("/add of a scanned PDF = %q", got)
	}
	noViolations(t, a.fake)
}

func TestAddDuplicate(t *testing.T) {
	t.Parallel()
	a := serveAdding(t, true, "")
	a.mayManage()
	link := a.site.URL + "/wonsan.md"
	if got := private(t, wait(t, a.fake.Interact(t, addURL(link)))); !strings.HasPrefix(got, "Added **The Lighthouse Keepers of Wonsan**") {
		t.Fatalf("/add url = %q, want it added", got)
	}
	for _, tt := range []struct {
		name string
		in   *discordgo.Interaction
		want string
	}{
		{"same link", addURL(link + "#top"), "with the same link"},
		{"same text", discordtest.SlashCommand("add", discordtest.AttachmentOption("file", a.fake.Upload("copy.txt", "text/plain", []byte(wonsan)))), "with the same text"},
	} {
		got := private(t, wait(t, a.fake.Interact(t, tt.in)))
		want := "Already in the corpus: **The Lighthouse Keepers of Wonsan** (the-lighthouse-keepers-of-wonsan.md), " + tt.want + "; not added again."
		if got != want {
			t.Errorf("/add of the %s = %q, want %q", tt.name, got, want)
		}
	}
	if n := a.files(t); n != 6 {
		t.Errorf("the corpus holds %d files, want 6: the document once", n)
	}
	noViolations(t, a.fake)
}

func TestAddToCorpusFromAMessage(t *testing.T) {
	t.Parallel()
	a := serveAdding(t, true, "")
	a.mayManage()
	upload := a.fake.Upload("ferry.txt", "text/plain; charset=utf-8", []byte(ferry))
	msg := &discordgo.Message{
		ChannelID:   a.fake.ChannelID(),
		Content:     "Two for the corpus: <" + a.site.URL + "/wonsan.md>, and a photo " + a.site.URL + "/photo.png.",
		Attachments: []*discordgo.MessageAttachment{upload},
		Author:      &discordgo.User{ID: a.fake.UserID(), Username: "tester"},
	}
	r := wait(t, a.fake.Interact(t, discordtest.MessageCommand("Add to corpus", msg)))
	got := private(t, r)
	for _, want := range []string{
		"Added **Ferry Notes** (1 passage).",
		"Added **The Lighthouse Keepers of Wonsan** (1 passage).",
		"Not added: " + a.site.URL + "/photo.png: Dossier can add web pages, PDFs, Markdown and plain text; that is something else.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("Add to corpus = %q, want %q", got, want)
		}
	}
	if len(r.Original.Embeds) != 2 {
		t.Errorf("Add to corpus embeds = %d, want one per document added", len(r.Original.Embeds))
	}

	var links []string
	for n := range 7 {
		links = append(links, fmt.Sprintf("%s/missing/%d", a.site.URL, n))
	}
	many := &discordgo.Message{ChannelID: a.fake.ChannelID(), Content: strings.Join(links, " ")}
	if got := private(t, wait(t, a.fake.Interact(t, discordtest.MessageCommand("Add to corpus", many)))); strings.Count(got, "(HTTP 404 Not Found).") != 5 ||
		!strings.HasSuffix(got, "2 more not looked at: Add to corpus takes 5 links or files at a time.") {
		t.Errorf("Add to corpus on a message with 7 links = %q, want 5 tried and 2 named as left", got)
	}

	empty := &discordgo.Message{ChannelID: a.fake.ChannelID(), Content: "nothing to add here"}
	if got := private(t, wait(t, a.fake.Interact(t, discordtest.MessageCommand("Add to corpus", empty)))); got != "That message has no links or files to add." {
		t.Errorf("Add to corpus on a message without links = %q", got)
	}
	noViolations(t, a.fake)
}

func TestAddFetchesSafely(t *testing.T) {
	t.Parallel()
	a := serveAdding(t, false, "")
	a.mayManage()
	r := wait(t, a.fake.Interact(t, addURL(a.site.URL+"/wonsan.md")))
	if got := private(t, r); !strings.HasSuffix(got, "Dossier does not fetch links to private or internal addresses.") {
		t.Errorf("/add of a loopback link with private addresses refused = %q", got)
	}
	// A file elsewhere than Discord's storage is not downloaded.
	msg := &discordgo.Message{ChannelID: a.fake.ChannelID(), Attachments: []*discordgo.MessageAttachment{
		{ID: "1", Filename: "notes.md", URL: a.site.URL + "/wonsan.md", Size: 100},
	}}
	r = wait(t, a.fake.Interact(t, discordtest.MessageCommand("Add to corpus", msg)))
	if got := private(t, r); got != "Not added: notes.md: Dossier only downloads files from Discord's own storage." {
		t.Errorf("Add to corpus of a file off Discord's storage = %q", got)
	}
	if got := private(t, wait(t, a.fake.Interact(t, addURL("file:///etc/passwd")))); !strings.HasSuffix(got, "that is not a link: give one starting with https://") {
		t.Errorf("/add of a file: URL = %q", got)
	}
	if n := a.files(t); n != 5 {
		t.Errorf("the corpus holds %d files after refused adds, want 5", n)
	}
	noViolations(t, a.fake)
}
