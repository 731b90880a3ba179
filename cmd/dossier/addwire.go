package main

import (
	"log/slog"
	"net/url"
	"os"
	"strings"

	"github.com/dossier-bot/dossier/bot"
	"github.com/dossier-bot/dossier/bot/digest"
	"github.com/dossier-bot/dossier/corpus/ingest"
)

// AddServeSettings are serve's settings for /add and Add to corpus.
type AddServeSettings struct {
	AddSettings
	EditorRole string `split_words:"true" desc:"the role (name or ID) whose members may add documents with /add, besides those with Manage Server (default: none)"`
}

// adding is what the bot needs to add documents, or nil when there is no
// corpus folder to add to (the built-in corpus cannot change).
func adding(cfg serveConfig, src *sources, w *digest.Watcher, log *slog.Logger) *bot.Adding {
	if src.corpus == "" {
		log.Info("/add is off: documents are added to a corpus folder (DOSSIER_CORPUS), and the built-in corpus cannot change")
		return nil
	}
	if err := writable(src.corpus); err != nil {
		// Deployments often mount the corpus read-only: then the
		// commands are not offered rather than failing on every use.
		log.Warn("/add is off: the corpus folder cannot be written to; mount it read-write to add documents from Discord",
			"corpus", src.corpus, "err", err)
		return nil
	}
	return &bot.Adding{
		Corpus:     bot.CorpusFolder{Folder: ingest.New(src.corpus, addOptions(src)...), Watcher: w, Log: log},
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

// writable checks that files can be created in dir, as adding needs, by
// creating a hidden one (which the corpus ignores) and removing it.
func writable(dir string) error {
	f, err := os.CreateTemp(dir, ".dossier-add-probe-*")
	if err != nil {
		return err
	}
	f.Close()
	return os.Remove(f.Name())
}
