package main

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dossier-bot/dossier/bot/citepage"
	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/corpus/cite"
)

// citeSettings are cite's settings: data folder, a server's address and
// the public URL.
func citeSettings(data, httpAddr, publicURL string) envLoader {
	return func(_ string, spec any) error {
		switch s := spec.(type) {
		case *citeConfig:
			*s = citeConfig{Config: Config{Data: data}, HTTPSettings: HTTPSettings{HTTPAddr: httpAddr}, PagesSettings: PagesSettings{PublicURL: publicURL}}
		case *Config:
			*s = Config{Data: data}
		}
		return nil
	}
}

func runWith(tb testing.TB, load envLoader, args ...string) (stdout, stderr string, err error) {
	tb.Helper()
	return dossierWith(tb, load, "", args...)
}

// askedData is a data folder with an index of a copy of testdata/corpus,
// asked one question with ask --data; it returns the folders and the
// cite_id of the best passage.
func askedData(t *testing.T) (corpusDir, data, id string, r wireResult) {
	t.Helper()
	corpusDir, data = t.TempDir(), t.TempDir()
	for _, name := range []string{"harbor-lighthouse.md", "ferry-notes.txt"} {
		b, err := os.ReadFile(filepath.Join("testdata/corpus", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(corpusDir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg := Config{Corpus: corpusDir, Data: data}
	mustDossier(t, cfg, "", "index")
	stdout, _ := mustDossier(t, cfg, "", "ask", "--json", "Who led the lighthouse restoration?")
	a := decodeAnswers(t, stdout, defaultK)
	if len(a) != 1 || len(a[0].shown()) == 0 {
		t.Fatalf("ask printed %d answers with no passage", len(a))
	}
	r = a[0].shown()[0]
	return corpusDir, data, r.CiteID, r
}

func TestCite(t *testing.T) {
	t.Parallel()
	_, data, id, r := askedData(t)
	if id != cite.ID(r.DocID, r.Passage) {
		t.Fatalf("cite_id = %q, want %q", id, cite.ID(r.DocID, r.Passage))
	}
	load := citeSettings(data, "", "https://dossier.example.org/team/")
	tests := []struct {
		format string
		want   []string
	}{
		{"markdown", []string{"Harbor Lighthouse Restoration Report", "Coastal Heritage Trust", id, "https://dossier.example.org/team/c/" + id + "-"}},
		{"text", []string{"Harbor Lighthouse Restoration Report", "Tomas Varga", id}},
		{"csl-json", []string{`"title": "Harbor Lighthouse Restoration Report"`, `"URL": "https://example.org/reports/lighthouse"`}},
	}
	for _, tt := range tests {
		stdout, stderr, err := runWith(t, load, "cite", "--format", tt.format, strings.ToUpper(id))
		if err != nil {
			t.Fatalf("cite --format %s %s: %v\n%s", tt.format, id, err, stderr)
		}
		for _, want := range tt.want {
			if !strings.Contains(stdout, want) {
				t.Errorf("cite --format %s printed\n%s\nwant it to hold %q", tt.format, stdout, want)
			}
		}
		if stderr != "" {
			t.Errorf("cite --format %s of a current passage said on stderr %q, want nothing", tt.format, stderr)
		}
		if tt.format == "csl-json" {
			var items []map[string]any
			if err := json.Unmarshal([]byte(stdout), &items); err != nil || len(items) != 1 {
				t.Errorf("cite --format csl-json printed %d items, %v; want one valid CSL-JSON item", len(items), err)
			}
		}
	}
}

func TestCiteChanged(t *testing.T) {
	t.Parallel()
	corpusDir, data, id, _ := askedData(t)
	path := filepath.Join(corpusDir, "harbor-lighthouse.md")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(b), "Tomas Varga", "Tomás Varga", 1)
	if edited == string(b) {
		t.Fatal("the edit changed nothing")
	}
	if err := os.WriteFile(path, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	mustDossier(t, Config{Corpus: corpusDir, Data: data}, "", "index")

	stdout, stderr, err := runWith(t, citeSettings(data, "", ""), "cite", "--format", "text", id)
	if err != nil {
		t.Fatalf("cite %s after the edit: %v\n%s", id, err, stderr)
	}
	if !strings.Contains(stdout, "Tomas Varga") {
		t.Errorf("cite printed %q, want the passage as quoted, with Tomas Varga", stdout)
	}
	for _, want := range []string{"This passage has since changed", "as quoted on", "the nearest passage now: “The restoration began in 2019 and was led by the stonemason Tomás Varga."} {
		if !strings.Contains(stderr, want) {
			t.Errorf("cite said on stderr %q, want it to hold %q", stderr, want)
		}
	}

	// Removed from the corpus.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	mustDossier(t, Config{Corpus: corpusDir, Data: data}, "", "index")
	_, stderr, err = runWith(t, citeSettings(data, "", ""), "cite", id)
	if err != nil || !strings.Contains(stderr, "This document has been removed from the corpus") {
		t.Errorf("cite %s of a removed document: %v, stderr %q; want the removal noted", id, err, stderr)
	}
}

func TestCiteErrors(t *testing.T) {
	t.Parallel()
	_, data, _, _ := askedData(t)
	tests := []struct {
		name  string
		data  string
		args  []string
		usage bool
		want  string
	}{
		{"no id", data, nil, true, "give the citation's id"},
		{"two ids", data, []string{"c7k2mq9d", "c7k2mq9e"}, true, "one id"},
		{"not an id", data, []string{"c7k2-q9d"}, true, `"c7k2-q9d" is not a citation id`},
		{"unknown format", data, []string{"--format", "bibtex", "c7k2mq9d"}, true, `--format "bibtex" is not known`},
		{"no data folder", "", []string{"c7k2mq9d"}, true, "give --data DIR, or set DOSSIER_DATA or DOSSIER_DATABASE_URL"},
		{"never shown", data, []string{"c7k2mq9d"}, false, "no citation c7k2mq9d: Dossier has not shown a passage with that id"},
		{"no state", t.TempDir(), []string{"c7k2mq9d"}, false, "no citations are kept in"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := runWith(t, citeSettings(tt.data, "", ""), append([]string{"cite"}, tt.args...)...)
			var uerr *usageError
			if err == nil || !strings.Contains(err.Error(), tt.want) || errors.As(err, &uerr) != tt.usage {
				t.Errorf("cite %q = %v, want an error (usage %v) saying %q", tt.args, err, tt.usage, tt.want)
			}
		})
	}
	load := citeSettings(data, "", "ftp://example.org")
	if _, _, err := runWith(t, load, "cite", "c7k2mq9d"); err == nil || !strings.Contains(err.Error(), "DOSSIER_PUBLIC_URL is not valid") {
		t.Errorf("cite with an ftp public URL = %v, want it refused", err)
	}
}

// TestCiteFromTheRunningServer holds the state as serve does and checks
// that cite asks the server for the citation instead.
func TestCiteFromTheRunningServer(t *testing.T) {
	t.Parallel()
	_, data, id, _ := askedData(t)
	statePath := filepath.Join(data, state.FileName)
	st, err := state.Open(statePath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ix, err := openReader(indexDir(data))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	log := slog.New(slog.DiscardHandler)
	cites := newCitations("https://dossier.example.org", true)
	srv, err := listen("127.0.0.1:0", cites.routes(opsHandler(&readiness{}, newTelemetry().reg, nil, nil, log)), log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.close() })
	token, err := writeDigestToken(data)
	if err != nil {
		t.Fatal(err)
	}
	authorized := func(r *http.Request) bool { return r.Header.Get("Authorization") == "Bearer "+token }
	if err := cites.open(st, statePath, ix, authorized, log); err != nil {
		t.Fatal(err)
	}

	stdout, stderr, err := runWith(t, citeSettings(data, srv.addr.String(), ""), "cite", "--format", "text", id)
	if err != nil {
		t.Fatalf("cite while the state is held: %v\n%s", err, stderr)
	}
	if !strings.Contains(stdout, "Tomas Varga") || !strings.Contains(stderr, "held by the running dossier serve") {
		t.Errorf("cite while the state is held printed %q, stderr %q; want the citation, from the server", stdout, stderr)
	}
	// The server's page links use its public URL.
	if page := cites.PageURL(id); !strings.HasPrefix(page, "https://dossier.example.org/c/"+id+"-") {
		t.Errorf("PageURL(%s) = %q, want a page under the public URL", id, page)
	}
	// The page itself, through serve's routes.
	secret, err := st.CitationSecret()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(srv.url() + strings.TrimSuffix(citepage.Path(secret, id), "#"+citepage.Anchor))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Errorf("GET the citation page = %s, CSP %q; want 200 with the page's policy", resp.Status, resp.Header.Get("Content-Security-Policy"))
	}
	// GET /cite has no page token: it answers dossier cite on this
	// machine only, which sends the data folder's token.
	for _, tt := range []struct {
		name, remote, auth string
		want               int
	}{
		{"this machine with the token", "127.0.0.1:4000", "Bearer " + token, http.StatusOK},
		{"another machine with the token", "192.0.2.7:4000", "Bearer " + token, http.StatusForbidden},
		{"this machine without it (a proxy)", "127.0.0.1:4000", "", http.StatusForbidden},
	} {
		w := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/cite/"+id, nil)
		req.RemoteAddr = tt.remote
		if tt.auth != "" {
			req.Header.Set("Authorization", tt.auth)
		}
		cites.routes(http.NotFoundHandler()).ServeHTTP(w, req)
		if w.Code != tt.want {
			t.Errorf("GET /cite from %s = %d, want %d", tt.name, w.Code, tt.want)
		}
	}
	if _, _, err := runWith(t, citeSettings(data, srv.addr.String(), ""), "cite", "zzzzzzzz"); err == nil || !strings.Contains(err.Error(), "no citation zzzzzzzz") {
		t.Errorf("cite of an unknown id from the server = %v, want no such citation", err)
	}
	if _, _, err := runWith(t, citeSettings(data, "", ""), "cite", id); err == nil || !strings.Contains(err.Error(), "in use by another dossier process") {
		t.Errorf("cite with the state held and no server address = %v, want it to say the state is in use", err)
	}
}

func TestPagesNeedState(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		publicURL string
		data      string
		digest    onOff
		db        string
		want      string // in the error; "" for none
	}{
		{"no pages", "", "", true, "", ""},
		{"pages with the state", "https://d.example.org", "/data", true, "", ""},
		{"pages without a data folder", "https://d.example.org", "", true, "", "needs a data folder"},
		{"pages with a database", "https://d.example.org", "", false, "postgres://db/dossier", ""},
		{"pages on an instance without the state", "https://d.example.org", "/data", false, "", "DOSSIER_DIGEST=off"},
	}
	for _, tt := range tests {
		var cfg serveConfig
		cfg.PublicURL, cfg.Digest, cfg.DatabaseURL = tt.publicURL, tt.digest, tt.db
		err := checkPagesNeedState(cfg, &sources{data: tt.data})
		if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: checkPagesNeedState = %v, want %q", tt.name, err, tt.want)
		}
	}
	for in, want := range map[string]string{
		"":                              "",
		" https://d.example.org/team/ ": "https://d.example.org/team",
		"http://localhost:8080":         "http://localhost:8080",
	} {
		if got, err := checkPublicURL(in); err != nil || got != want {
			t.Errorf("checkPublicURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"d.example.org", "ftp://d.example.org", "https://", "https://d.example.org/?k=1", "https://u:p@d.example.org"} {
		if _, err := checkPublicURL(bad); err == nil {
			t.Errorf("checkPublicURL(%q) accepted it, want an error", bad)
		}
	}
}
