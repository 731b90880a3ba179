package digest

import (
	"time"

	"github.com/dossier-bot/dossier/bot/citepage"
	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/corpus/cite"
	"github.com/dossier-bot/dossier/index"
)

// matchID is the citation id of a watch match: the one it was kept under
// when the digest was composed for posting, else cite.ID (a preview keeps
// nothing).
func (d Digest) matchID(r index.Result) string {
	if id, ok := d.IDs[cite.Key(r.Doc.ID, r.Passage.Text)]; ok {
		return id
	}
	return cite.ID(r.Doc.ID, r.Passage.Text)
}

// keepCitations keeps the passages a digest about to be posted quotes, as
// posted in its channel, so that their ids resolve, /cite can post them
// and the channel's citation list has them; it records the ids in d.IDs.
// The most asked questions' citations were kept when they were shown:
// they are noted as posted here again.
func keepCitations(st state.Store, d *Digest, sub state.Subscription, now time.Time) error {
	sh := state.Shown{At: now, GuildID: sub.GuildID, ChannelID: sub.ChannelID}
	var kept []state.KeptCitation
	for _, a := range d.Asked {
		if a.Citation.ID == "" {
			continue
		}
		kc, found, err := st.Citation(a.Citation.ID)
		if err != nil {
			return err
		}
		if found && kc.DocID == a.Citation.DocID {
			kept = append(kept, kc)
		}
	}
	var matches []index.Result
	for _, w := range d.Watches {
		for _, r := range w.Matches {
			matches = append(matches, r)
			kept = append(kept, citepage.Keep(r))
		}
	}
	if len(kept) == 0 {
		return nil
	}
	ids, err := st.RecordCitations(sh, kept)
	if err != nil {
		return err
	}
	d.IDs = map[string]string{}
	for j, r := range matches {
		d.IDs[cite.Key(r.Doc.ID, r.Passage.Text)] = ids[len(ids)-len(matches)+j]
	}
	return nil
}
