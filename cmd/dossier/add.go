package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"time"

	"github.com/dossier-bot/dossier/bot/markdown"
	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/corpus/fetch"
	"github.com/dossier-bot/dossier/corpus/ingest"
	"github.com/dossier-bot/dossier/index"
)

const addAbout = `Adds documents to the corpus folder: each link is fetched, each file read,
converted to a Markdown document with front matter (title, publisher,
published, author, url, added_by, added_at) and written into the folder,
unless the folder has it already (the same link, or the same text). Then the
on-disk index in DATA/index is brought up to date, or, while dossier serve
holds it, serve indexes the new files at its next look at the folder.

Links are fetched over http or https only, at most 10 MiB, 20 seconds and 5
redirects each, and never from a loopback, private, link-local or cloud
metadata address unless DOSSIER_ALLOW_PRIVATE_FETCH is true (for an
intranet; link-local and metadata addresses stay refused).`

// AddSettings are the settings of adding documents, for add and serve.
type AddSettings struct {
	AllowPrivateFetch bool `split_words:"true" desc:"let dossier add and /add fetch links from loopback and private addresses, for an intranet (default false)"`
}

// addConfig is add's settings: the shared ones and adding's own.
type addConfig struct {
	Config
	AddSettings
}

func runAdd(ctx context.Context, args []string, loadEnv envLoader, sio stdio) error {
	fs := newFlagSet("add", "dossier add [--by NAME] [--corpus DIR] [--data DIR] URL|FILE...",
		addAbout+"\n\n"+strings.TrimSuffix(usageTable("Add settings (environment variables):", &AddSettings{}), "\n"))
	src := sourceFlags(fs)
	by := fs.String("by", "", "`name` recorded as who added the documents (default: your user name)")
	rest, helped, err := fs.parse(args, sio.out)
	if err != nil || helped {
		return err
	}
	var cfg addConfig
	if err := loadSettings(loadEnv, &cfg, fs.usage()); err != nil {
		return err
	}
	src.resolve(fs, cfg.Config)
	switch {
	case len(rest) == 0:
		return &usageError{msg: "add needs a link or a file to add", help: fs.usage()}
	case src.corpus == "":
		return &usageError{msg: "add needs a corpus folder to add to: give --corpus DIR or set DOSSIER_CORPUS (the built-in corpus cannot change)", help: fs.usage()}
	}
	if _, _, err := corpusFS(src); err != nil {
		return err
	}
	if src.data != "" {
		// Before anything is added: the data folder's index must be this
		// corpus's, not one that syncing would replace.
		if err := checkCorpus(src); err != nil {
			return err
		}
	}
	if *by == "" {
		*by = whoAmI()
	}
	a := adder{
		folder: ingest.New(src.corpus, addOptions(src)...),
		fetch:  newFetcher(cfg.AddSettings),
	}
	var added, failed int
	for _, arg := range rest {
		r, err := a.add(ctx, arg, *by, time.Now())
		var dup *ingest.DuplicateError
		switch {
		case errors.As(err, &dup):
			how := "the same text"
			if dup.SameURL {
				how = "the same link"
			}
			fmt.Fprintf(sio.out, "Not added: %s is already in the corpus as “%s” (%s), with %s.\n", arg, dup.Title, dup.Path, how)
		case err != nil:
			failed++
			fmt.Fprintf(sio.out, "Not added: %s: %v\n", arg, err)
			if ctx.Err() != nil {
				return ctx.Err()
			}
		default:
			added++
			fmt.Fprintf(sio.out, "Added “%s” as %s (%s).\n", r.Doc.Title, filepath.Join(src.corpus, r.Path), markdown.Count(len(r.Doc.Passages), "passage"))
		}
	}
	if added > 0 {
		if err := indexAdded(ctx, src, sio); err != nil {
			return err
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d not added", failed, len(rest))
	}
	return nil
}

// whoAmI names the person running dossier add, for added_by.
func whoAmI() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "dossier add"
}

// newFetcher is the fetcher of links to add, with the settings' rule on
// private addresses and the types the corpus can take.
func newFetcher(s AddSettings) *fetch.Client {
	return fetch.New(fetch.Options{AllowPrivate: s.AllowPrivateFetch, Types: ingest.Types})
}

// adder adds what dossier add is given: links and files.
type adder struct {
	folder *ingest.Folder
	fetch  *fetch.Client
}

// add fetches or reads arg and adds it to the folder.
func (a adder) add(ctx context.Context, arg, by string, at time.Time) (ingest.Added, error) {
	var src ingest.Source
	if isLink(arg) {
		if err := a.folder.Lookup(arg); err != nil {
			return ingest.Added{}, err
		}
		doc, err := a.fetch.Get(ctx, arg)
		if err != nil {
			return ingest.Added{}, explainFetch(err)
		}
		src = ingest.Source{Name: doc.Name, URL: doc.URL, ContentType: doc.ContentType, Data: doc.Data}
		if src.Name == "" {
			src.Name = arg
		}
	} else {
		data, err := readLocal(arg)
		if err != nil {
			return ingest.Added{}, err
		}
		src = ingest.Source{Name: filepath.Base(arg), Data: data}
	}
	return a.folder.Add(src, by, at)
}

// explainFetch adds what to do to a refused private address.
func explainFetch(err error) error {
	if errors.Is(err, fetch.ErrBlocked) {
		return fmt.Errorf("%w (for an intranet, set %s_ALLOW_PRIVATE_FETCH=true)", err, envPrefix)
	}
	return err
}

// isLink reports whether arg is meant as a link rather than a file name.
func isLink(arg string) bool {
	u, err := url.Parse(arg)
	return err == nil && u.Scheme != "" && strings.Contains(arg, "://")
}

// readLocal reads a file to add, refusing one larger than a document
// may be before reading it.
func readLocal(name string) ([]byte, error) {
	info, err := os.Stat(name)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("no such file (give a link as http:// or https://)")
	case err != nil:
		return nil, err
	case info.IsDir():
		return nil, fmt.Errorf("a folder, not a file")
	case info.Size() > fetch.DefaultMaxBytes:
		return nil, fmt.Errorf("%d bytes, more than the %d a document may have", info.Size(), fetch.DefaultMaxBytes)
	}
	return os.ReadFile(name)
}

// indexAdded brings the on-disk index up to date with the folder, which
// now holds the added documents. When serve holds the index, it is left
// to serve's watcher.
func indexAdded(ctx context.Context, src *sources, sio stdio) error {
	if src.data == "" {
		fmt.Fprintf(sio.out, "No data folder: dossier ask --corpus %s reads the new documents as it is; dossier index --data DIR indexes them.\n", src.corpus)
		return nil
	}
	if err := checkData(src); err != nil {
		return err
	}
	dir := indexDir(src.data)
	ix, err := openDisk(dir)
	if errors.Is(err, index.ErrLocked) {
		fmt.Fprintf(sio.out, "The index in %s is in use by a running dossier: it indexes the new documents at its next look at the corpus folder.\n", dir)
		return nil
	}
	if err != nil {
		return err
	}
	err = claimCorpus(src, ix, false)
	var f *corpus.Folder
	if err == nil {
		f, err = openCorpus(src)
	}
	if err == nil {
		var ch index.Changes
		ch, err = syncFolder(ctx, ix, f, src, sio.errOut)
		if err == nil {
			fmt.Fprintf(sio.out, "Indexed into %s: %d added, %d changed, %d removed; %d passages in the index.\n",
				dir, len(ch.Added), len(ch.Changed), len(ch.Removed), ch.Total)
		}
	}
	if cerr := ix.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close index %q: %w", dir, cerr)
	}
	if err != nil {
		// The files are in the folder: the next sync indexes them.
		return fmt.Errorf("index %s (the documents are added; dossier index indexes them): %w", corpusName(src), err)
	}
	return nil
}
