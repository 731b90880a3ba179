package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dossier-bot/dossier/bot/digest"
	"github.com/dossier-bot/dossier/bot/discordtest"
	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/index"
)

// heldDataFolder is a data folder as dossier serve holds it: the index
// brought up to date with the corpus and the state opened, both by serve's
// own code, with the document registry as its watcher leaves it (the new
// document seen an hour ago); the HTTP server answers GET /digest on
// loopback with the digest of now. keep says whether it keeps the digests
// (DOSSIER_DIGEST).
type heldDataFolder struct {
	data, corpus, addr string
	now                time.Time
	dg                 *digests
	ix                 *index.Index
}

func holdDataFolder(tb testing.TB, keep bool) *heldDataFolder {
	tb.Helper()
	h := &heldDataFolder{data: filepath.Join(tb.TempDir(), "data"), now: time.Now()}
	seedState(tb, h.data, h.now)
	dir := builtinCopy(tb)
	writeEnrichment(tb, dir)
	h.corpus = dir
	src := &sources{corpus: dir, corpusFrom: "DOSSIER_CORPUS", data: h.data, dataFrom: "DOSSIER_DATA"}
	log := slog.New(slog.DiscardHandler)
	var err error
	if h.ix, err = serveIndex(context.Background(), src, io.Discard, log); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { h.ix.Close() })
	cfg := serveConfig{Config: Config{Corpus: dir, Data: h.data}}
	cfg.Digest = onOff(keep)
	cfg.DigestSettings = DigestSettings{QuestionRetention: 720 * time.Hour, CorpusPoll: time.Minute}
	if h.dg, err = openDigests(context.Background(), cfg, src, h.ix, nil, nil, func(string) {}, log); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { h.dg.close(log) })
	if keep {
		c, err := corpus.Load(os.DirFS(dir))
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := h.dg.store.RecordDocuments(c, h.now.Add(-time.Hour), digest.Lead); err != nil {
			tb.Fatal(err)
		}
	}
	srv, err := listen("127.0.0.1:0", opsHandler(&readiness{}, newTelemetry().reg, nil,
		h.dg.markdownHandler(h.ix, func() time.Time { return h.now }, log), log), log)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { srv.close() })
	h.addr = srv.addr.String()
	return h
}

// settings are digest's settings for the held data folder, asking the
// server at addr.
func (h *heldDataFolder) settings(addr string) envLoader {
	return func(_ string, spec any) error {
		*spec.(*digestConfig) = digestConfig{
			Config:         Config{Corpus: h.corpus, Data: h.data},
			DigestSettings: DigestSettings{QuestionRetention: 720 * time.Hour, CorpusPoll: time.Minute},
			HTTPSettings:   HTTPSettings{HTTPAddr: addr},
		}
		return nil
	}
}

// writeEnrichment adds a document to a corpus folder, one that the watch
// seedState saves matches.
func writeEnrichment(tb testing.TB, dir string) {
	tb.Helper()
	news := "---\ntitle: \"Enrichment talks stall\"\npublisher: Test Wire\npublished: 2024-05-01\nurl: https://example.com/enrichment\n---\n" +
		"Talks on uranium enrichment limits stalled on Tuesday as negotiators failed to agree on inspections.\n\n" +
		"The uranium enrichment talks are to resume next month, officials said.\n"
	if err := os.WriteFile(filepath.Join(dir, "enrichment.md"), []byte(news), 0o644); err != nil {
		tb.Fatal(err)
	}
}

func TestDigestFromTheRunningServer(t *testing.T) {
	t.Parallel()
	h := holdDataFolder(t, true)
	tests := []struct {
		args  []string
		query digestQuery
		want  []string // in the digest
	}{
		{[]string{"--guild", "111"}, digestQuery{guild: "111", since: 24 * time.Hour},
			[]string{"Enrichment talks stall", "Who led the delegation to Tehran?** · asked twice", "“uranium enrichment”"}},
		{nil, digestQuery{since: 24 * time.Hour}, []string{"another server"}},
		{[]string{"--since", "30m"}, digestQuery{since: 30 * time.Minute}, nil},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			stdout, stderr, err := runDigestCmd(t, h.settings(h.addr), tt.args...)
			if err != nil {
				t.Fatalf("digest while the server holds the data folder: %v\n%s", err, stderr)
			}
			want, err := composeDigest(context.Background(), h.dg.store, h.ix, tt.query, h.now)
			if err != nil {
				t.Fatal(err)
			}
			if stdout != want {
				t.Errorf("digest printed\n%s\nwant what the server composes:\n%s", stdout, want)
			}
			for _, w := range tt.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("digest lacks %q:\n%s", w, stdout)
				}
			}
			if !strings.Contains(stderr, "held by the running dossier serve") || !strings.Contains(stderr, "http://"+h.addr+"/digest") {
				t.Errorf("digest said:\n%s\nwant that the digest is the server's, from its address", stderr)
			}
		})
	}
	t.Run("nothing new", func(t *testing.T) {
		t.Parallel()
		stdout, stderr, err := runDigestCmd(t, h.settings(h.addr), "--since", "1ns")
		if err != nil || stdout != "" || !strings.Contains(stderr, "nothing new") {
			t.Errorf("digest --since 1ns = %q, %v, said %q; want nothing, saying so", stdout, err, stderr)
		}
	})
}

func TestDigestWhenNoServerHasTheDataFolder(t *testing.T) {
	t.Parallel()
	held := holdDataFolder(t, true)
	offDuty := holdDataFolder(t, false) // holds the index, keeps no digests
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	other := holdDataFolder(t, true)
	tests := []struct {
		name string
		load envLoader
		want []string
	}{
		{"nothing listening", held.settings(closed), []string{
			"digest state " + filepath.Join(held.data, state.FileName) + " is in use by another dossier process",
			"no dossier serve answered at http://" + closed + "/digest", "connection refused", "DOSSIER_HTTP_ADDR"}},
		{"no address", held.settings(""), []string{"is in use by another dossier process", "DOSSIER_HTTP_ADDR"}},
		{"another data folder's server", held.settings(other.addr), []string{
			"the dossier serve at http://" + other.addr + "/digest", "does not hold " + held.data, "refused its digest token"}},
		{"a server without the digests", offDuty.settings(offDuty.addr), []string{
			"index " + indexDir(offDuty.data) + " is in use by another dossier process", "answered 503", "keeps no digests"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			stdout, _, err := runDigestCmd(t, tt.load, "--guild", "111")
			if err == nil || stdout != "" {
				t.Fatalf("digest = %q, %v; want an error", stdout, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("digest error = %v\nwant %q", err, w)
				}
			}
		})
	}
}

// TestDigestWhileServing runs dossier serve itself, which sets the process
// environment: it is not parallel.
func TestDigestWhileServing(t *testing.T) {
	fake := discordtest.NewServer(t)
	data := t.TempDir()
	s := startServe(t, map[string]string{
		"DOSSIER_DISCORD_TOKEN":    fake.Token(),
		"DOSSIER_DISCORD_API":      fake.APIURL(),
		"DOSSIER_DISCORD_GUILD_ID": fake.GuildID(),
		"DOSSIER_DATA":             data,
	})
	base := s.waitOutput(t, opsURL)
	eventually(t, base+"/readyz", http.StatusOK)
	if _, err := fake.Interact(t, discordtest.SlashCommand("ask", discordtest.StringOption("question", delegationQuestion))).Wait(waitContext(t)); err != nil {
		t.Fatal(err)
	}
	load := func(_ string, spec any) error {
		*spec.(*digestConfig) = digestConfig{
			Config:         Config{Data: data},
			DigestSettings: DigestSettings{QuestionRetention: 720 * time.Hour, CorpusPoll: time.Minute},
			HTTPSettings:   HTTPSettings{HTTPAddr: strings.TrimPrefix(base, "http://")},
		}
		return nil
	}
	stdout, stderr, err := runDigestCmd(t, load, "--guild", fake.GuildID())
	if err != nil {
		t.Fatalf("digest while serving: %v\n%s", err, stderr)
	}
	if status, body := get(t, base+"/digest?since=24h&guild="+fake.GuildID()); status != http.StatusForbidden {
		t.Errorf("GET /digest without the token = %d %q, want 403", status, body)
	}
	status, served := getDigest(t, base+"/digest?since=24h&guild="+fake.GuildID(), readDigestToken(data))
	if status != http.StatusOK || stdout != served {
		t.Errorf("digest printed\n%s\nwant what the server's GET /digest answers (%d):\n%s", stdout, status, served)
	}
	if !strings.Contains(stdout, "## Most asked") || !strings.Contains(stdout, delegationQuestion) {
		t.Errorf("digest while serving lacks the question just asked:\n%s", stdout)
	}
	if !strings.Contains(stderr, "held by the running dossier serve") {
		t.Errorf("digest said:\n%s\nwant that the digest is the server's", stderr)
	}
}

// getDigest is GET url with the digest token.
func getDigest(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}
