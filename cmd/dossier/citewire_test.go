package main

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dossier-bot/dossier/bot/discordtest"
)

// TestServeCitationPages runs serve with DOSSIER_PUBLIC_URL on the fake
// Discord: a reply's quote links to its page, which serve's HTTP server
// then shows.
func TestServeCitationPages(t *testing.T) {
	fake := discordtest.NewServer(t)
	const public = "https://dossier.example.org/team"
	srv := startServe(t, map[string]string{
		"DOSSIER_DISCORD_TOKEN":    fake.Token(),
		"DOSSIER_DISCORD_API":      fake.APIURL(),
		"DOSSIER_DISCORD_GUILD_ID": fake.GuildID(),
		"DOSSIER_DATA":             t.TempDir(),
		"DOSSIER_PUBLIC_URL":       public + "/",
	})

	wctx, wcancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer wcancel()
	// The BNN article has no URL of its own: its quotes link to their pages.
	ask := discordtest.SlashCommand("ask", discordtest.StringOption("question", "Did Iran deny the visit of the North Korean delegation led by Yun Jung Ho?"))
	r, err := fake.Interact(t, ask).Wait(wctx)
	if err != nil {
		t.Fatalf("no answer to /ask: %v\noutput:\n%s", err, srv.out.String())
	}
	pageLink := regexp.MustCompile(regexp.QuoteMeta(public) + `(/c/[0-9a-z]+-[0-9a-z]+)(#cited)?`)
	var path string
	for _, e := range r.Original.Embeds {
		for _, s := range []string{e.URL, e.Description, e.Title} {
			if m := pageLink.FindStringSubmatch(s); m != nil && path == "" {
				path = m[1]
			}
		}
	}
	if path == "" {
		t.Fatalf("/ask replied %+v, want a link to a citation page under %s", r.Original, public)
	}
	addr := regexp.MustCompile(`metrics on (http://[0-9.:]+)/healthz`).FindStringSubmatch(srv.out.String())
	if addr == nil {
		t.Fatalf("serve did not say where its HTTP server is:\n%s", srv.out.String())
	}
	resp, err := http.Get(addr[1] + path)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `id="cited"`) || !strings.Contains(string(body), "BNN Breaking") {
		t.Errorf("GET %s = %s:\n%.500s\nwant the citation page of the BNN passage", path, resp.Status, body)
	}
	wrong := "x"
	if strings.HasSuffix(path, wrong) {
		wrong = "y"
	}
	resp, err = http.Get(addr[1] + path[:len(path)-1] + wrong)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET the page with a wrong token = %s, want 404", resp.Status)
	}
}
