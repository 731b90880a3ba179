package citepage

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/dossier-bot/dossier/corpus/cite"
)

var (
	//go:embed page.tmpl
	pageTemplate string
	//go:embed style.css
	pageStyle string
)

// window is how many passages either side of the cited one a page shows
// of its document: the whole of any article, and a long stretch of a book.
const window = 250

// Config is what a Handler needs.
type Config struct {
	Index Index
	Store Store
	// Secret keys the pages' tokens (state's CitationSecret).
	Secret []byte
	// PublicURL is the address people reach this Dossier at, for the
	// references' links to their pages.
	PublicURL string
	// PerClient and Burst limit the pages one client address may open:
	// PerClient a second on average, Burst at once. Zero means 2 and 20.
	PerClient float64
	Burst     int
	Log       *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Handler serves GET /c/{ref}: the page of a citation Dossier has shown,
// for a ref of its id and token. Anything else, a wrong token included, is
// a 404 that says no more than that there is no such page.
type Handler struct {
	cfg     Config
	tmpl    *template.Template
	csp     string
	limiter *limiter
}

// New returns the handler of citation pages.
func New(cfg Config) *Handler {
	if cfg.PerClient <= 0 {
		cfg.PerClient = 2
	}
	if cfg.Burst <= 0 {
		cfg.Burst = 20
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	sum := sha256.Sum256([]byte(pageStyle))
	return &Handler{
		cfg:  cfg,
		tmpl: template.Must(template.New("page").Parse(pageTemplate)),
		// Nothing but the page's own style sheet, matched by its hash: no
		// script, image, font, frame or request of any kind, wherever a
		// document's text might try to put one.
		csp: "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; " +
			"base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
		limiter: newLimiter(cfg.PerClient, cfg.Burst, cfg.Now),
	}
}

// Pattern is the route to register the handler under.
const Pattern = "GET /c/{ref}"

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", h.csp)
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("X-Robots-Tag", "noindex, nofollow")
	// The address is the key to the page: no shared cache may keep it.
	hd.Set("Cache-Control", "no-store")
	if ok, wait := h.limiter.allow(clientOf(r)); !ok {
		hd.Set("Retry-After", strconv.Itoa(int(wait/time.Second)+1))
		plain(w, http.StatusTooManyRequests, "Too many pages opened from your address; try again in a few seconds.")
		return
	}
	id, ok := parseRef(h.cfg.Secret, r.PathValue("ref"))
	if !ok {
		notFound(w)
		return
	}
	res, found, err := Resolve(h.cfg.Index, h.cfg.Store, id)
	if err != nil {
		h.cfg.Log.Error("serve a citation page", "id", id, "err", err)
		plain(w, http.StatusInternalServerError, "This citation cannot be shown just now.")
		return
	}
	if !found {
		notFound(w)
		return
	}
	var b bytes.Buffer
	if err := h.tmpl.Execute(&b, h.view(res)); err != nil {
		h.cfg.Log.Error("render a citation page", "id", id, "err", err)
		plain(w, http.StatusInternalServerError, "This citation cannot be shown just now.")
		return
	}
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(http.StatusOK)
	w.Write(b.Bytes())
}

func notFound(w http.ResponseWriter) {
	plain(w, http.StatusNotFound, "There is no citation page at this address. Check that the link was copied whole.")
}

func plain(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	w.Write([]byte(msg + "\n"))
}

// clientOf is the address a request came from, which the limiter counts
// by. Behind a proxy every request comes from the proxy; its own limits
// then apply, and these cap the total.
func clientOf(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// view is what the template shows.
type view struct {
	C              cite.Citation
	Style          template.CSS
	Shown, Quoted  string
	Byline         string
	Link, LinkText string
	Note           string
	Markdown       string
	Plain          string
	// Kept shows the passage as quoted apart from the document: it is no
	// longer in it.
	Kept, Removed bool
	NearestAt     bool
	Passages      []passageView
	Before, After int
}

type passageView struct {
	Heading         string // shown above the passage when it starts a section
	Page            int    // shown above the passage when it starts a page
	Pre, Mark, Post string
	Cited, Nearest  bool
}

func (h *Handler) view(res Resolution) view {
	c := res.Citation
	v := view{
		C:       c,
		Style:   template.CSS(pageStyle),
		Shown:   c.ShownAt.UTC().Format("2 January 2006, 15:04 UTC"),
		Quoted:  c.ShownAt.UTC().Format(time.DateOnly),
		Byline:  byline(c),
		Note:    res.Text(),
		Kept:    res.Status != Current,
		Removed: res.Status == Removed,
	}
	if u, err := url.Parse(c.URL); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		v.Link, v.LinkText = c.URL, u.Host
	}
	pageURL := ""
	if h.cfg.PublicURL != "" {
		pageURL = URL(h.cfg.PublicURL, h.cfg.Secret, c.ID)
	}
	ref := cite.Reference{Citation: c, PageURL: pageURL}
	v.Markdown, v.Plain = ref.Markdown(), ref.Plain()

	from, to := 0, min(len(res.Passages), 2*window)
	if res.At >= 0 {
		from, to = max(res.At-window, 0), min(res.At+window+1, len(res.Passages))
	}
	v.Before, v.After = from, res.Doc.Passages-to
	heading, page := "", 0
	if from > 0 {
		heading, page = res.Passages[from-1].Heading, res.Passages[from-1].Page
	}
	for i := from; i < to; i++ {
		p := res.Passages[i]
		pv := passageView{Pre: p.Text}
		if p.Heading != heading {
			pv.Heading, heading = p.Heading, p.Heading
		}
		if p.Page != page {
			pv.Page, page = p.Page, p.Page
		}
		switch {
		case i == res.At && res.Status == Current:
			pv.Cited = true
			pv.Pre, pv.Mark, pv.Post = markExcerpt(p.Text, c.Excerpt)
		case i == res.At:
			pv.Nearest, v.NearestAt = true, true
		}
		v.Passages = append(v.Passages, pv)
	}
	return v
}

// byline is the author, publisher and date, as many as are known.
func byline(c cite.Citation) string {
	var parts []string
	for _, s := range []string{c.Author, c.Publisher, c.Published} {
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " · ")
}

// markExcerpt splits a passage around the excerpt quoted from it; the
// whole passage is marked when the excerpt cannot be found in it word for
// word.
func markExcerpt(text, excerpt string) (pre, mark, post string) {
	ex := strings.TrimSpace(strings.Trim(strings.TrimSpace(excerpt), "…"))
	if i := strings.Index(text, ex); ex != "" && i >= 0 {
		return text[:i], text[i : i+len(ex)], text[i+len(ex):]
	}
	return "", text, ""
}
