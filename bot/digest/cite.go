package digest

import (
	"regexp"
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

// keepCitations keeps the passages a digest about to be posted quotes, so
// that their ids resolve and /cite can post them, and records the ids in
// d.IDs. They are listed in the channel as each message is posted
// (citationsPosted), with that message.
func keepCitations(st state.Store, d *Digest, sub state.Subscription, now time.Time) error {
	var matches []index.Result
	for _, w := range d.Watches {
		matches = append(matches, w.Matches...)
	}
	kept, err := citepage.KeepShown(st, state.Shown{At: now, GuildID: sub.GuildID}, matches)
	if err != nil || len(kept) == 0 {
		return err
	}
	d.IDs = map[string]string{}
	for j, r := range matches {
		d.IDs[cite.Key(r.Doc.ID, r.Passage.Text)] = kept[j].ID
	}
	return nil
}

// citedIn finds the citation ids a digest message names, "· cite ID".
var citedIn = regexp.MustCompile(`· cite ([0-9a-z]{8,52})\b`)

// citationsPosted lists the citations a posted digest message quotes as
// posted in its channel, in that message. A citation the state does not
// keep (a question logged before ids were kept) is passed over; a failure
// is logged, not the digest's: it is posted already.
func (s *Scheduler) citationsPosted(guildID, channelID, messageID, content string) {
	var ids []string
	for _, m := range citedIn.FindAllStringSubmatch(content, -1) {
		ids = append(ids, m[1])
	}
	sh := state.Shown{At: s.cfg.Clock.Now(), GuildID: guildID, ChannelID: channelID, MessageID: messageID}
	if err := citepage.RecordPosted(s.cfg.Store, sh, ids); err != nil {
		s.cfg.Log.Error("list a digest's citations in its channel", "channel", channelID, "message", messageID, "err", err)
	}
}
