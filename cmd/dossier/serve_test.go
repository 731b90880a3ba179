package main

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kelseyhightower/envconfig"

	"github.com/dossier-bot/dossier/bot/discordtest"
)

// serveEnv sets exactly the given DOSSIER_* variables for the test, so the
// real envconfig reads them, with the HTTP server on a free loopback port
// unless vars say otherwise. It uses t.Setenv: these tests are not
// parallel.
func serveEnv(t *testing.T, vars map[string]string) {
	t.Helper()
	if _, ok := vars["DOSSIER_HTTP_ADDR"]; !ok {
		vars = maps.Clone(vars)
		if vars == nil {
			vars = map[string]string{}
		}
		vars["DOSSIER_HTTP_ADDR"] = "127.0.0.1:0"
	}
	for _, k := range settingKeys(t) {
		t.Setenv(k, "") // restores the variable after the test
		if v, ok := vars[k]; ok {
			os.Setenv(k, v)
		} else {
			os.Unsetenv(k)
		}
	}
}

func TestServeRefusesBadSettings(t *testing.T) {
	tests := []struct {
		name string
		vars map[string]string
		want string
	}{
		{"no token", nil, "setting DOSSIER_DISCORD_TOKEN is required"},
		{"blank token", map[string]string{"DOSSIER_DISCORD_TOKEN": "  "}, "setting DOSSIER_DISCORD_TOKEN is required"},
		{"bad API", map[string]string{"DOSSIER_DISCORD_TOKEN": "t0ken", "DOSSIER_DISCORD_API": "discord.com"}, "setting DOSSIER_DISCORD_API is not valid"},
		{"bad guild", map[string]string{"DOSSIER_DISCORD_TOKEN": "t0ken", "DOSSIER_DISCORD_GUILD_ID": "my-server"}, "setting DOSSIER_DISCORD_GUILD_ID is not valid"},
		{"bad app", map[string]string{"DOSSIER_DISCORD_TOKEN": "t0ken", "DOSSIER_DISCORD_APP_ID": "x1"}, "setting DOSSIER_DISCORD_APP_ID is not valid"},
		{"bad log level", map[string]string{"DOSSIER_DISCORD_TOKEN": "t0ken", "DOSSIER_LOG_LEVEL": "LOUD"}, "setting DOSSIER_LOG_LEVEL is not valid"},
		{"bad public URL", map[string]string{"DOSSIER_DISCORD_TOKEN": "t0ken", "DOSSIER_PUBLIC_URL": "dossier.example.org"}, "setting DOSSIER_PUBLIC_URL is not valid"},
		{"pages without data", map[string]string{"DOSSIER_DISCORD_TOKEN": "t0ken", "DOSSIER_PUBLIC_URL": "https://dossier.example.org"}, "DOSSIER_PUBLIC_URL needs a data folder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			serveEnv(t, tt.vars)
			var out, errOut bytes.Buffer
			err := run(context.Background(), []string{"serve"}, envconfig.Process, strings.NewReader(""), &out, &errOut)
			code, printed := exitStatus(err)
			if code != 2 || !strings.Contains(printed, tt.want) {
				t.Errorf("serve = exit %d, printed:\n%s\nwant exit 2 and %q", code, printed, tt.want)
			}
			if !strings.Contains(printed, "DOSSIER_DISCORD_GUILD_ID") || !strings.Contains(printed, "DOSSIER_CORPUS") {
				t.Errorf("serve printed:\n%s\nwant the settings table", printed)
			}
			if strings.Contains(printed, "t0ken") {
				t.Errorf("serve printed the token:\n%s", printed)
			}
		})
	}
}

func TestServeOnFakeDiscord(t *testing.T) {
	for _, withData := range []bool{false, true} {
		name := "in memory"
		if withData {
			name = "on disk"
		}
		t.Run(name, func(t *testing.T) {
			fake := discordtest.NewServer(t)
			vars := map[string]string{
				"DOSSIER_DISCORD_TOKEN":    fake.Token(),
				"DOSSIER_DISCORD_API":      fake.APIURL(),
				"DOSSIER_DISCORD_GUILD_ID": fake.GuildID(),
				"DOSSIER_LOG_LEVEL":        "INFO",
			}
			if withData {
				vars["DOSSIER_DATA"] = t.TempDir()
			}
			serveEnv(t, vars)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var out syncBuffer
			done := make(chan error, 1)
			go func() {
				done <- run(ctx, []string{"serve"}, envconfig.Process, strings.NewReader(""), &out, &out)
			}()

			ask := discordtest.SlashCommand("ask", discordtest.StringOption("question", "Who led the North Korean delegation to Tehran?"))
			wctx, wcancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer wcancel()
			r, err := fake.Interact(t, ask).Wait(wctx)
			if err != nil {
				t.Fatalf("no answer to /ask: %v\noutput:\n%s", err, out.String())
			}
			if !quotesYun(r.Original) {
				t.Errorf("/ask answered %+v, want a quote naming Yun Jong Ho", r.Original)
			}
			if n := len(fake.Commands(fake.GuildID())); n != 8 {
				t.Errorf("commands registered in the guild = %d, want 8 (ask, Find sources, sources, digest, watch, cite, citations, Citations in this thread)", n)
			}
			if n := len(fake.Commands("")); n != 0 {
				t.Errorf("commands registered globally = %d, want none", n)
			}
			if v := fake.Violations(); len(v) > 0 {
				t.Errorf("Violations() = %q, want none", v)
			}

			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("serve after cancel = %v, want nil", err)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("serve did not stop after its context was cancelled")
			}
			if log := out.String(); !strings.Contains(log, "serving 4 documents on Discord") || strings.Contains(log, fake.Token()) {
				t.Errorf("serve output:\n%s\nwant the serving notice and no token", log)
			}
		})
	}
}

func TestServeWithAWrongToken(t *testing.T) {
	fake := discordtest.NewServer(t)
	const token = "not-the-token.abc123"
	serveEnv(t, map[string]string{"DOSSIER_DISCORD_TOKEN": token, "DOSSIER_DISCORD_API": fake.APIURL()})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out syncBuffer
	err := run(ctx, []string{"serve"}, envconfig.Process, strings.NewReader(""), &out, &out)
	if err == nil || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("serve with a wrong token = %v, want it refused", err)
	}
	if _, printed := exitStatus(err); strings.Contains(printed+out.String(), token) {
		t.Errorf("serve printed the token:\n%s%s", printed, out.String())
	}
	if !strings.Contains(err.Error(), "DOSSIER_DISCORD_TOKEN") || strings.Contains(out.String(), "serving") {
		t.Errorf("serve with a wrong token = %v, output:\n%s\nwant DOSSIER_DISCORD_TOKEN named and nothing said to be served", err, out.String())
	}
}

func quotesYun(m *discordtest.Message) bool {
	if m == nil {
		return false
	}
	for _, e := range m.Embeds {
		plain := strings.ReplaceAll(e.Description, "**", "")
		if strings.Contains(plain, "Yun Jong Ho") || strings.Contains(plain, "Yun Jung Ho") {
			return true
		}
	}
	return false
}

// syncBuffer is a buffer the bot's goroutines may log to while the test
// reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestServeStartsFromTheBuiltIndex starts serve on an index built before
// a document was added: it answers from the index as it is and brings it
// up to date in the background, at the watcher's first look.
func TestServeStartsFromTheBuiltIndex(t *testing.T) {
	data, dir := t.TempDir(), copyCorpus(t)
	serveEnv(t, nil)
	var out bytes.Buffer
	if err := run(context.Background(), []string{"index", "--data", data, "--corpus", dir}, envconfig.Process, strings.NewReader(""), &out, &out); err != nil {
		t.Fatalf("dossier index = %v\n%s", err, out.String())
	}
	doc := "---\ntitle: \"Caspian Ferry Line\"\npublisher: Test Desk\n---\nA weekly ferry now links the Caspian port of Anzali with Astrakhan.\n"
	if err := os.WriteFile(filepath.Join(dir, "ferry.md"), []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}

	fake := discordtest.NewServer(t)
	s := startServe(t, map[string]string{
		"DOSSIER_DISCORD_TOKEN":    fake.Token(),
		"DOSSIER_DISCORD_API":      fake.APIURL(),
		"DOSSIER_DISCORD_GUILD_ID": fake.GuildID(),
		"DOSSIER_DATA":             data,
		"DOSSIER_CORPUS":           dir,
		"DOSSIER_CORPUS_POLL":      "1h", // only the first look can find it
		"DOSSIER_LOG_LEVEL":        "INFO",
	})
	s.waitOutput(t, regexp.MustCompile(`(answering from the index as built)`))
	askWhenIndexed(t, fake, s, 5, "Which port does the Caspian ferry link with Astrakhan?", "Caspian Ferry")
	if log := s.out.String(); strings.Contains(log, "index built") || strings.Contains(log, "indexing [") {
		t.Errorf("serve output:\n%s\nwant no index built before serving", log)
	}
}
