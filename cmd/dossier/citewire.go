package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/dossier-bot/dossier/bot/citepage"
	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/corpus/cite"
	"github.com/dossier-bot/dossier/index"
)

// PagesSettings turn on the citation pages; serve and cite read them.
type PagesSettings struct {
	PublicURL string `split_words:"true" desc:"the address people reach the HTTP server at, such as https://dossier.example.org: serve a page for every citation at /c/ID-TOKEN and link to it (default: no pages)"`
}

// citations are serve's routes for the kept citations: the citation
// pages (with DOSSIER_PUBLIC_URL) and GET /cite/{id} for dossier cite on
// this machine (with the state). Both answer 503 until the index is open.
type citations struct {
	publicURL string
	pages     *lateEndpoint // nil without pages
	local     *lateEndpoint // nil without the state
	secret    atomic.Pointer[[]byte]
}

// newCitations sets up the routes serve's settings call for.
func newCitations(publicURL string, keepsState bool) *citations {
	c := &citations{publicURL: publicURL}
	if keepsState {
		c.local = &lateEndpoint{}
		if publicURL != "" {
			c.pages = &lateEndpoint{}
		}
	}
	return c
}

// keepsState reports whether this serve keeps the state, where the
// citations are kept: a database, or a data folder with the digests on.
func keepsState(cfg serveConfig, src *sources) bool {
	return cfg.DatabaseURL != "" || (src.data != "" && bool(cfg.Digest))
}

// checkPagesNeedState refuses DOSSIER_PUBLIC_URL on a serve that keeps no
// state: its pages could show nothing.
func checkPagesNeedState(cfg serveConfig, src *sources) error {
	switch {
	case cfg.PublicURL == "" || keepsState(cfg, src):
		return nil
	case src.data == "":
		return fmt.Errorf("setting %s_PUBLIC_URL needs a data folder (--data or %s_DATA) or a database (%s_DATABASE_URL): the citation pages show the passages kept there", envPrefix, envPrefix, envPrefix)
	}
	return fmt.Errorf("setting %s_PUBLIC_URL needs the state this instance does not keep (%s_DIGEST=off): set it on the instance that keeps it", envPrefix, envPrefix)
}

// routes puts the citation routes in front of h, the other routes.
func (c *citations) routes(h http.Handler) http.Handler {
	if c.local == nil {
		return h
	}
	mux := http.NewServeMux()
	mux.Handle("/", h)
	mux.Handle("GET /cite/{id}", c.local.handler())
	if c.pages != nil {
		mux.Handle(citepage.Pattern, c.pages.handler())
	}
	return mux
}

// open starts answering, from st (named stateName) and ix, once the index
// is open; GET /cite answers requests that authorized accepts.
func (c *citations) open(st state.Store, stateName string, ix *index.Index, authorized func(*http.Request) bool, log *slog.Logger) error {
	if c.local == nil {
		return nil
	}
	secret, err := st.CitationSecret()
	if err != nil {
		return err
	}
	c.secret.Store(&secret)
	c.local.set(citeHandler(st, stateName, ix, c.publicURL, authorized, log))
	if c.pages != nil {
		c.pages.set(citepage.New(citepage.Config{Index: ix, Store: st, Secret: secret, PublicURL: c.publicURL, Log: log}))
	}
	return nil
}

// PageURL is the address of a citation's page, or "" when pages are not
// served or not yet open; the bot links replies "in context" with it.
func (c *citations) PageURL(id string) string {
	s := c.secret.Load()
	if c.pages == nil || s == nil {
		return ""
	}
	return citepage.URL(c.publicURL, *s, id)
}

// pageURL is PageURL when pages are served, for the bot's links, and nil
// otherwise.
func (c *citations) pageURL() func(id string) string {
	if c.pages == nil {
		return nil
	}
	return c.PageURL
}

// citeHandler answers GET /cite/{id}?format=F with what dossier cite
// prints, as JSON. The pages' tokens keep citations from being
// enumerated, and this route has none, so it answers only a client on
// this machine that sends the token serve wrote in the data folder (as
// GET /digest does): loopback alone proves nothing behind a reverse proxy
// on the same host.
func citeHandler(st state.Store, stateName string, ix *index.Index, publicURL string, authorized func(*http.Request) bool, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !fromLoopback(r) || !authorized(r) {
			writeText(w, http.StatusForbidden, "citations are served to dossier cite on this machine only, which sends the token in the data folder's "+digestTokenFile)
			return
		}
		w.Header().Set(stateHeader, stateName)
		format := r.URL.Query().Get("format")
		if format == "" {
			format = "markdown"
		}
		id, ok := cite.Parse(r.PathValue("id"))
		switch {
		case !slices.Contains(cite.Formats, format):
			writeText(w, http.StatusBadRequest, fmt.Sprintf("format %q is not known: use %s", format, strings.Join(cite.Formats, ", ")))
			return
		case !ok:
			writeText(w, http.StatusBadRequest, fmt.Sprintf("%q is not a citation id", r.PathValue("id")))
			return
		}
		c, err := composeCite(ix, st, id, format, publicURL)
		switch {
		case errors.Is(err, errNoCitation):
			writeText(w, http.StatusNotFound, "no such citation")
		case err != nil:
			log.Error("compose a citation for GET /cite", "id", id, "err", err)
			writeText(w, http.StatusInternalServerError, "the citation could not be read; the server's log says why")
		default:
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Cache-Control", "no-store")
			json.NewEncoder(w).Encode(c)
		}
	})
}

// maxServerCite bounds a citation read from a server: one passage.
const maxServerCite = 1 << 20

// serverCite asks the dossier serve that holds the data folder's state
// (locked) for the citation, through GET /cite/{id} on its HTTP server at
// addr (DOSSIER_HTTP_ADDR).
func serverCite(ctx context.Context, addr string, src *sources, id, format string, locked *inUseError, stderr io.Writer) (citeResult, error) {
	ask := serverAsk{addr: addr, src: src, locked: locked, own: filepath.Join(src.data, state.FileName),
		command: "dossier cite", what: "citation " + id, kept: "citations", token: "token", limit: maxServerCite}
	a, err := ask.get(ctx, "/cite/"+id, url.Values{"format": {format}})
	if err != nil {
		return citeResult{}, err
	}
	switch a.status {
	case http.StatusOK:
		var c citeResult
		if err := json.Unmarshal(a.body, &c); err != nil {
			return citeResult{}, fmt.Errorf("read citation %s from %s: %w", id, a.url, err)
		}
		fmt.Fprintf(stderr, "dossier: %s is held by the running dossier serve: asked it at %s\n", locked.path, a.url)
		return c, nil
	case http.StatusNotFound:
		return citeResult{}, fmt.Errorf("no citation %s: Dossier has not shown a passage with that id from %s", id, src.data)
	}
	return citeResult{}, a.unexpected
}
