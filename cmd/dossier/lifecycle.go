package main

import (
	"cmp"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/dossier-bot/dossier/bot"
)

// serve runs the bot until ctx is done. The HTTP server starts first, so
// that probes answer while the index is built; it stops last but one,
// before the index closes, so that no scrape reads a closed index.
func serve(ctx context.Context, cfg serveConfig, publicKey ed25519.PublicKey, src *sources, sio stdio, log *slog.Logger) error {
	mode := "gateway"
	if cfg.Interactions {
		mode = "interactions"
	}
	if info, ok := debug.ReadBuildInfo(); ok {
		b := buildOf(info)
		log.Info("starting dossier", "version", b.version, "commit", b.commit, "modified", b.modified, "mode", mode)
	}
	session, err := bot.NewSession(cfg.Discord.Token, cfg.Discord.API)
	if err != nil {
		return err
	}

	tel := newTelemetry()
	var (
		indexOpen atomic.Bool
		running   atomic.Pointer[bot.Bot]
		opening   atomic.Pointer[string] // why the state is not open yet
		endpoint  *lateEndpoint
	)
	ready := &readiness{}
	ready.require("shutting down", func() bool { return ctx.Err() == nil })
	ready.require("index not open yet", indexOpen.Load)
	ready.requireWhy(func() string {
		// Until the bot exists (the state may still be opening, say a
		// database not up yet) there is no connection to Discord either.
		b := running.Load()
		if b == nil {
			if why := opening.Load(); why != nil && *why != "" {
				return *why
			}
			return "not connected to discord"
		}
		if b.Ready() {
			return ""
		}
		return cmp.Or(b.Waiting(), "not connected to discord")
	})
	if cfg.Interactions {
		endpoint = &lateEndpoint{}
	}
	digestEndpoint := &lateEndpoint{}
	cites := newCitations(cfg.PublicURL, keepsState(cfg, src))
	srv, err := listen(cfg.HTTPAddr, cites.routes(opsHandler(ready, tel.reg, endpoint.handler(), digestEndpoint.handler(), log)), log)
	if err != nil {
		return err
	}
	defer srv.close()
	fmt.Fprintf(sio.errOut, "dossier: listening on %s: health, readiness and metrics on %s/healthz, /readyz and /metrics\n", srv.addr, srv.url())

	ix, err := serveIndex(ctx, src, sio.errOut, log)
	if err != nil {
		return err
	}
	defer ix.Close()
	defer srv.close() // before ix.Close: deferred calls run last first
	indexOpen.Store(true)
	tel.watchIndex(ix.Documents)

	dg, err := openDigests(ctx, cfg, src, ix, bot.NewPoster(session), tel.digestPosted, func(why string) { opening.Store(&why) }, log)
	if err != nil {
		return err
	}
	defer dg.close(log) // before ix.Close and srv.close: the watcher uses the index
	digestEndpoint.set(dg.markdownHandler(ix, time.Now, log))
	if dg.store != nil {
		if err := cites.open(dg.store, dg.stateName, ix, dg.tokenOK, log); err != nil {
			return err
		}
	}
	if cfg.PublicURL != "" {
		fmt.Fprintf(sio.errOut, "dossier: citation pages at %s/c/… (served on %s)\n", cfg.PublicURL, srv.url())
	}
	opts := dg.options(bot.Options{AppID: cfg.Discord.AppID, GuildID: cfg.Discord.GuildID, Log: log, Observer: tel})
	opts.Adding = adding(cfg, src, dg.watcher, log)
	opts.Citations = botCitations(dg.store, ix, cites.pageURL())
	b := bot.New(session, ix, opts)
	running.Store(b)
	dg.start(ctx, log)
	run := b.Run
	serving := fmt.Sprintf("dossier: serving %d documents on Discord; Ctrl-C stops\n", len(ix.Documents()))
	if cfg.Interactions {
		endpoint.set(b.InteractionsHandler(publicKey))
		run = b.RunInteractions
		serving = fmt.Sprintf("dossier: serving %d documents on Discord at %s/interactions; Ctrl-C stops\n", len(ix.Documents()), srv.url())
	}
	if err := runConnected(ctx, b, run, func() { io.WriteString(sio.errOut, serving) }); err != nil {
		return err
	}
	if err := srv.close(); err != nil {
		log.Warn("stop the http server", "err", err)
	}
	return nil
}

// lateEndpoint is the interactions endpoint, whose bot exists only once
// the index is open: until then it answers 503.
type lateEndpoint struct {
	h atomic.Pointer[http.Handler]
}

func (p *lateEndpoint) set(h http.Handler) { p.h.Store(&h) }

// handler is p as an http.Handler, or nil when p is nil (gateway mode:
// no /interactions at all).
func (p *lateEndpoint) handler() http.Handler {
	if p == nil {
		return nil
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h := p.h.Load(); h != nil {
			(*h).ServeHTTP(w, r)
			return
		}
		http.Error(w, "starting: the index is not open yet", http.StatusServiceUnavailable)
	})
}

// runConnected runs the bot until ctx is done, calling connected once it
// is connected to Discord: not before, since while Discord fails or
// cannot be reached the bot retries, and /readyz says why. It returns at
// once when Discord refuses the token.
func runConnected(ctx context.Context, b *bot.Bot, run func(context.Context) error, connected func()) error {
	done := make(chan error, 1)
	go func() { done <- run(ctx) }()
	up := b.Up()
	for {
		select {
		case <-up:
			connected()
			up = nil // told once
			continue
		case err := <-done:
			select {
			case <-up: // up too, and picked second
				connected()
			default:
			}
			if errors.Is(err, bot.ErrUnauthorized) {
				return fmt.Errorf("discord refused the bot's token (401 Unauthorized): check %s_TOKEN, from the Discord developer portal (Bot, Reset Token)", discordKeyPrefix)
			}
			if err != nil {
				return fmt.Errorf("serve on discord: %w", err)
			}
			return nil
		}
	}
}
