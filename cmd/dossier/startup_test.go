package main

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dossier-bot/dossier/bot/discordtest"
)

// TestServeWaitsForDiscord starts serve while Discord answers 503: it
// keeps running, /readyz says why it is not ready, and it says it serves
// only once connected.
func TestServeWaitsForDiscord(t *testing.T) {
	for _, mode := range []string{"gateway", "interactions"} {
		t.Run(mode, func(t *testing.T) {
			fake := discordtest.NewServer(t)
			fake.FailNext(2, http.StatusServiceUnavailable)
			vars := map[string]string{
				"DOSSIER_DISCORD_TOKEN":    fake.Token(),
				"DOSSIER_DISCORD_API":      fake.APIURL(),
				"DOSSIER_DISCORD_GUILD_ID": fake.GuildID(),
			}
			var args []string
			if mode == "interactions" {
				vars["DOSSIER_DISCORD_PUBLIC_KEY"] = strings.Repeat("ab", 32)
				args = []string{"--interactions"}
			}
			s := startServe(t, vars, args...)
			base := s.waitOutput(t, opsURL)
			if !strings.Contains(s.out.String(), "dossier: listening on 127.0.0.1:") {
				t.Errorf("serve output:\n%s\nwant the address it listens on", s.out.String())
			}
			deadline := time.Now().Add(20 * time.Second)
			for {
				status, body := get(t, base+"/readyz")
				if status == http.StatusServiceUnavailable && strings.Contains(body, "503") && strings.Contains(body, "trying again in") {
					break
				}
				if status == http.StatusOK || time.Now().After(deadline) {
					t.Fatalf("GET /readyz = %d %q while Discord answered 503, want 503 saying why", status, body)
				}
				time.Sleep(10 * time.Millisecond)
			}
			if strings.Contains(s.out.String(), "serving 4 documents") {
				t.Errorf("serve output:\n%s\nwant nothing said to be served before Discord is reached", s.out.String())
			}
			eventually(t, base+"/readyz", http.StatusOK)
			s.waitOutput(t, regexp.MustCompile(`(serving 4 documents on Discord)`))
		})
	}
}

// serve --help says what serve does: it answers from a built index at once
// and updates it in the background, and it serves /digest.
func TestServeHelpSaysWhatServeDoes(t *testing.T) {
	t.Parallel()
	stdout, _ := mustDossier(t, Config{}, "", "serve", "--help")
	help := strings.Join(strings.Fields(stdout), " ")
	for _, want := range []string{"answers at once", "in the background", "GET /digest", "keeps trying, and /readyz says why"} {
		if !strings.Contains(help, want) {
			t.Errorf("serve --help lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(help, "first brought up to date") {
		t.Errorf("serve --help says the index is brought up to date before answering:\n%s", stdout)
	}
}

// TestServeIsNotReadyWhileTheStateIsUnreachable: while serve waits for a
// database that does not answer, no bot exists yet, and /readyz must not
// call that ready: it says it waits for the database, and why, without
// the database's address or password.
func TestServeIsNotReadyWhileTheStateIsUnreachable(t *testing.T) {
	fake := discordtest.NewServer(t)
	s := startServe(t, map[string]string{
		"DOSSIER_DISCORD_TOKEN":    fake.Token(),
		"DOSSIER_DISCORD_API":      fake.APIURL(),
		"DOSSIER_DISCORD_GUILD_ID": fake.GuildID(),
		// Port 1 on loopback refuses at once, which serve retries.
		"DOSSIER_DATABASE_URL": "postgres://dossier:s3cret@127.0.0.1:1/dossier?connect_timeout=1",
	})
	base := s.waitOutput(t, opsURL)
	// Once the index is open and the first try failed, the only reason
	// left is the database.
	body := eventually(t, base+"/readyz", http.StatusServiceUnavailable)
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(body, "waiting for database") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		_, body = get(t, base+"/readyz")
	}
	for range 20 {
		status, body := get(t, base+"/readyz")
		if status != http.StatusServiceUnavailable || !strings.Contains(body, "waiting for database: connection refused") {
			t.Fatalf("GET /readyz while the database is down = %d %q, want 503 saying it waits for the database, and why", status, body)
		}
		if strings.Contains(body, "s3cret") || strings.Contains(body, "127.0.0.1") || strings.Contains(body, "dossier@") {
			t.Fatalf("GET /readyz while the database is down = %q, names the database's address or password", body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
