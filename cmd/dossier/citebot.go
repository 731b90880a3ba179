package main

import (
	"github.com/dossier-bot/dossier/bot"
	"github.com/dossier-bot/dossier/bot/citepage"
	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/index"
)

// botCitations is what the bot needs to keep the passages it shows and to
// serve /cite and /citations: the state this instance keeps (nil without
// it, and then the bot keeps none), the citation pages' addresses (nil
// when none are served) and what became of a cited passage, from the
// index as it is now.
func botCitations(st state.Store, ix *index.Index, pageURL func(id string) string) *bot.Citations {
	if st == nil {
		return nil
	}
	return &bot.Citations{
		Store:   st,
		PageURL: pageURL,
		Resolve: func(id string) (note, nearest string, err error) {
			r, found, err := citepage.Resolve(ix, st, id)
			if err != nil || !found {
				return "", "", err
			}
			if r.Status == citepage.Changed && r.At >= 0 && r.At < len(r.Passages) {
				nearest = r.Passages[r.At].Text
			}
			return r.Text(), nearest, nil
		},
	}
}
