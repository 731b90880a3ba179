package main

import (
	"context"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/dossier-bot/dossier/bot"
	"github.com/dossier-bot/dossier/bot/digest"
	"github.com/dossier-bot/dossier/corpus/ingest"
)

// AddServeSettings are serve's settings for /add and Add to corpus.
type AddServeSettings struct {
	AddSettings
	EditorRole string `split_words:"true" desc:"the role (name or ID) whose members may add documents with /add, besides those with Manage Server (default: none)"`
}

// corpusAdder adds documents to the corpus folder for the bot and indexes
// them at once through the corpus watcher, which also records them for
// the digest. Should indexing fail, the file is in the folder and the
// watcher's next look indexes it.
type corpusAdder struct {
	folder  *ingest.Folder
	watcher *digest.Watcher
	log     *slog.Logger
}

func (a corpusAdder) Lookup(link string) error { return a.folder.Lookup(link) }

func (a corpusAdder) Add(ctx context.Context, src ingest.Source, by string) (ingest.Added, error) {
	added, err := a.folder.Add(src, by, time.Now())
	if err != nil {
		return added, err
	}
	a.watcher.Written(added.Path)
	if _, err := a.watcher.Poll(ctx); err != nil {
		a.log.Error("index an added document; the next look at the corpus folder will", "path", added.Path, "err", err)
	}
	return added, nil
}

// adding is what the bot needs to add documents, or nil when there is no
// corpus folder to add to (the built-in corpus cannot change).
func adding(cfg serveConfig, src *sources, w *digest.Watcher, log *slog.Logger) *bot.Adding {
	if src.corpus == "" {
		log.Info("/add is off: documents are added to a corpus folder (DOSSIER_CORPUS), and the built-in corpus cannot change")
		return nil
	}
	return &bot.Adding{
		Corpus:     corpusAdder{folder: ingest.New(src.corpus), watcher: w, log: log},
		Fetch:      newFetcher(cfg.AddSettings),
		EditorRole: strings.TrimSpace(cfg.EditorRole),
		FileHosts:  fileHosts(cfg.Discord.API),
	}
}

// fileHosts are the hosts besides Discord's CDN that uploads are
// downloaded from: the API's own when it is not Discord's (a proxy, or a
// fake Discord in tests), which then serves the uploads too.
func fileHosts(api string) []string {
	var hosts []string
	if u, err := url.Parse(api); err == nil && u.Host != "" && !strings.HasSuffix(u.Hostname(), "discord.com") {
		hosts = append(hosts, strings.ToLower(u.Host))
	}
	return hosts
}
