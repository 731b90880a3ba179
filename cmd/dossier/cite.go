package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/dossier-bot/dossier/bot/citepage"
	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/corpus/cite"
	"github.com/dossier-bot/dossier/index"
)

const citeAbout = `Prints the citation with the id ID, as Dossier kept it when it first
showed the passage: in Discord, or to dossier ask --data. Markdown (the
default) and text print the reference with the quote; csl-json prints a
CSL-JSON item list, which Zotero and pandoc import. When the passage has
since changed, or its document has left the corpus, a note on stderr says
so and quotes the current passage nearest to it.

The citations are kept in the data folder's state (DATA/state.db), or in
the database of DOSSIER_DATABASE_URL. While dossier serve holds the data
folder, the running server is asked instead, on this machine, at
DOSSIER_HTTP_ADDR. With DOSSIER_PUBLIC_URL set, the reference
links to the citation's page.`

// citeConfig is cite's settings: the shared ones and the address of a
// running server's HTTP server.
type citeConfig struct {
	Config
	HTTPSettings
	PagesSettings
	DigestSettings // for DOSSIER_DATABASE_URL
}

func runCite(ctx context.Context, args []string, loadEnv envLoader, sio stdio) error {
	fs := newFlagSet("cite", "dossier cite [--format markdown|csl-json|text] [--data DIR] ID", citeAbout)
	src := sourceFlags(fs)
	format := fs.String("format", "markdown", "print the citation as `FORMAT`: "+strings.Join(cite.Formats, ", "))
	rest, helped, err := fs.parse(args, sio.out)
	if err != nil || helped {
		return err
	}
	var cfg citeConfig
	if err := loadSettings(loadEnv, &cfg, fs.usage()); err != nil {
		return err
	}
	src.resolve(fs, cfg.Config)
	id, err := citeArgs(rest, *format, src, cfg.DatabaseURL)
	if err != nil {
		return &usageError{msg: err.Error(), help: fs.usage()}
	}
	publicURL, err := checkPublicURL(cfg.PublicURL)
	if err != nil {
		return &usageError{msg: err.Error(), help: fs.usage()}
	}
	log := newLogger(sio.errOut, cfg.Config)
	c, err := localCite(ctx, src, cfg.DatabaseURL, id, *format, publicURL, log)
	if locked := (*inUseError)(nil); errors.As(err, &locked) {
		c, err = serverCite(ctx, cfg.HTTPAddr, src, id, *format, locked, sio.errOut)
	}
	if err != nil {
		return err
	}
	for _, l := range c.Notes {
		fmt.Fprintf(sio.errOut, "dossier: note: %s\n", l)
	}
	_, err = io.WriteString(sio.out, c.Output)
	return err
}

// citeArgs checks cite's argument and flags and returns the id.
func citeArgs(rest []string, format string, src *sources, dbURL string) (string, error) {
	switch {
	case len(rest) == 0:
		return "", errors.New("give the citation's id, such as: dossier cite c7k2mq9d")
	case len(rest) > 1:
		return "", fmt.Errorf("cite takes one id, got %d arguments", len(rest))
	case !slices.Contains(cite.Formats, format):
		return "", fmt.Errorf("--format %q is not known: use %s", format, strings.Join(cite.Formats, ", "))
	case src.data == "" && dbURL == "":
		return "", fmt.Errorf("dossier cite reads the citations kept in a data folder or a database: give --data DIR, or set %s_DATA or %s_DATABASE_URL", envPrefix, envPrefix)
	}
	id, ok := cite.Parse(rest[0])
	if !ok {
		return "", fmt.Errorf("%q is not a citation id: ids are %d or more letters and digits, such as c7k2mq9d", rest[0], cite.IDLen)
	}
	return id, nil
}

// checkPublicURL checks DOSSIER_PUBLIC_URL and returns it without a
// trailing slash; "" leaves the pages off.
func checkPublicURL(raw string) (string, error) {
	s := strings.TrimRight(strings.TrimSpace(raw), "/")
	if s == "" {
		return "", nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("setting %s_PUBLIC_URL is not valid: want the http or https address people reach the HTTP server at, such as https://dossier.example.org", envPrefix)
	}
	return s, nil
}

// citeResult is what dossier cite prints: the citation on stdout, and
// notes on what became of its passage on stderr. A running server's
// GET /cite sends it as JSON.
type citeResult struct {
	Output string   `json:"output"`
	Notes  []string `json:"notes"`
}

// errNoCitation is an id Dossier never showed a passage under.
var errNoCitation = errors.New("no such citation")

// localCite reads the citation from the database at dbURL, or else the
// data folder's state, and resolves it against the data folder's index.
// It fails with an *inUseError when another process holds the state file.
func localCite(ctx context.Context, src *sources, dbURL, id, format, publicURL string, log *slog.Logger) (citeResult, error) {
	st, where, err := citeState(ctx, src, dbURL)
	if err != nil {
		return citeResult{}, err
	}
	defer st.Close()
	var ix citepage.Index
	var notes []string
	if src.data == "" {
		notes = append(notes, fmt.Sprintf("not checked against the corpus: no data folder (--data or %s_DATA) with its index", envPrefix))
	} else if disk, err := openReader(indexDir(src.data)); err != nil {
		log.Debug("cite without the index", "err", err)
		notes = append(notes, fmt.Sprintf("not checked against the corpus: the index in %s cannot be read (%v)", indexDir(src.data), shortErr(err)))
	} else {
		defer disk.Close()
		ix = disk
	}
	c, err := composeCite(ix, st, id, format, publicURL)
	if errors.Is(err, errNoCitation) {
		return citeResult{}, fmt.Errorf("no citation %s: Dossier has not shown a passage with that id from %s", id, where)
	}
	c.Notes = append(notes, c.Notes...)
	return c, err
}

// citeState opens the state the citations are kept in: the database at
// dbURL, or the data folder's file, and says which.
func citeState(ctx context.Context, src *sources, dbURL string) (state.Store, string, error) {
	if dbURL != "" {
		st, err := state.OpenPostgres(ctx, dbURL)
		if err != nil {
			return nil, "", err
		}
		return st, st.Where(), nil
	}
	path := filepath.Join(src.data, state.FileName)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, "", fmt.Errorf("no citations are kept in %s: dossier serve --data %s keeps every passage it shows there, and so does dossier ask --data", src.data, src.data)
	}
	st, err := state.Open(path)
	switch {
	case errors.Is(err, state.ErrLocked):
		return nil, "", &inUseError{what: "citation state", path: path, err: err}
	case err != nil:
		return nil, "", err
	}
	return st, src.data, nil
}

// shortErr is err's message without the path it names again.
func shortErr(err error) string {
	if errors.Is(err, index.ErrNotBuilt) {
		return "not built yet"
	}
	return err.Error()
}

// citeStore is the state cite reads: the kept citations and the secret of
// their pages.
type citeStore interface {
	citepage.Store
	CitationSecret() ([]byte, error)
}

// composeCite is the citation with the id in the format, resolved against
// ix (nil: printed as kept, unchecked). It fails with errNoCitation for an
// id never shown.
func composeCite(ix citepage.Index, st citeStore, id, format, publicURL string) (citeResult, error) {
	var res citepage.Resolution
	if ix != nil {
		r, found, err := citepage.Resolve(ix, st, id)
		if err != nil {
			return citeResult{}, err
		}
		if !found {
			return citeResult{}, errNoCitation
		}
		res = r
	} else {
		kc, found, err := st.Citation(id)
		if err != nil {
			return citeResult{}, err
		}
		if !found {
			return citeResult{}, errNoCitation
		}
		res = citepage.Resolution{Citation: citepage.CitationOf(kc), At: -1}
	}
	ref := cite.Reference{Citation: res.Citation}
	if publicURL != "" {
		secret, err := st.CitationSecret()
		if err != nil {
			return citeResult{}, err
		}
		ref.PageURL = citepage.URL(publicURL, secret, res.Citation.ID)
	}
	out, err := cite.Render(format, []cite.Reference{ref})
	if err != nil {
		return citeResult{}, err
	}
	c := citeResult{Output: string(out)}
	if note := res.Text(); note != "" {
		c.Notes = append(c.Notes, note)
		if res.Status == citepage.Changed && res.At >= 0 {
			c.Notes = append(c.Notes, "the nearest passage now: “"+cite.Normalize(res.Passages[res.At].Text)+"”")
		}
	}
	return c, nil
}

// askKeeper keeps the passages dossier ask --data shows in the data
// folder's state, as serve keeps those it shows, so that dossier cite finds
// them. It returns nil when they cannot be kept: the folder does not exist
// yet, or dossier serve holds the state (a note says so).
func askKeeper(src *sources, stderr io.Writer, log *slog.Logger) (keep func([]index.Result) []string, release func()) {
	release = func() {}
	if info, err := os.Stat(src.data); err != nil || !info.IsDir() {
		return nil, release
	}
	path := filepath.Join(src.data, state.FileName)
	st, err := state.Open(path)
	switch {
	case errors.Is(err, state.ErrLocked):
		fmt.Fprintf(stderr, "dossier: note: the citation ids printed are not kept, so dossier cite will not find them: %s is in use by another dossier process\n", path)
		return nil, release
	case err != nil:
		log.Warn("keep the citations shown", "err", err)
		return nil, release
	}
	keep = func(rs []index.Result) []string {
		kept, err := citepage.KeepShown(st, state.Shown{At: time.Now()}, rs)
		if err != nil {
			log.Warn("keep the citations shown", "err", err)
		}
		ids := make([]string, len(rs))
		for i, r := range rs {
			ids[i] = cmp.Or(kept[i].ID, cite.ID(r.Doc.ID, r.Passage.Text))
		}
		return ids
	}
	return keep, func() { st.Close() }
}
