package state

import (
	"bytes"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Status is where a day's digest stands.
type Status string

const (
	// Posting: the digest was composed and is being posted. Found after a
	// restart, it means the process stopped mid-way: some parts may be in
	// the channel without their message ids recorded.
	Posting Status = "posting"
	// Posted: every part is in the channel.
	Posted Status = "posted"
	// Empty: there was nothing to say, so nothing was posted.
	Empty Status = "empty"
)

// Digest is one channel's digest for one local day. It is recorded
// before anything is posted, with the messages it will post, and each
// message's id is recorded as soon as it is posted; that is what lets a
// digest interrupted by a crash be finished without posting twice.
type Digest struct {
	ChannelID string
	// Date is the local day in the subscription's zone, "2006-01-02".
	Date   string
	Status Status
	// Since and Until are the window of changes the digest covers.
	Since, Until time.Time
	// Started is when it was recorded, before the first part was posted.
	Started  time.Time
	Finished time.Time
	Parts    []Part
}

// Part is one message of a digest.
type Part struct {
	Content string
	// Nonce is sent with the message so that Discord refuses a duplicate
	// sent within minutes of the first.
	Nonce string
	// MessageID is "" until the message is known to be posted.
	MessageID string
}

// digestKey orders a channel's digests by date.
func digestKey(channelID, date string) []byte {
	return []byte(channelID + "\x00" + date)
}

// BeginDigest records d unless the channel already has a digest for
// d.Date, and returns the recorded one: d itself with created true, or the
// earlier one, which wins. d.Status is Posting, or Empty for a digest with
// nothing to post.
func (s *File) BeginDigest(d Digest) (rec Digest, created bool, err error) {
	if err := checkBegin(d); err != nil {
		return Digest{}, false, err
	}
	err = s.update(fmt.Sprintf("begin digest of channel %s for %s", d.ChannelID, d.Date), func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketDigests)
		key := digestKey(d.ChannelID, d.Date)
		found, err := get(b, key, &rec)
		if err != nil || found {
			return err
		}
		rec, created = d, true
		return put(b, key, d)
	})
	return rec, created, err
}

// checkBegin refuses a digest BeginDigest must not record.
func checkBegin(d Digest) error {
	if d.Status != Posting && d.Status != Empty {
		return fmt.Errorf("begin digest of channel %s for %s: status %q is not %q or %q", d.ChannelID, d.Date, d.Status, Posting, Empty)
	}
	return nil
}

// PartPosted records the message id of part i of the channel's digest for
// date.
func (s *File) PartPosted(channelID, date string, i int, messageID string) error {
	return s.editDigest(partPostedOp(channelID, date, i), channelID, date, partPosted(i, messageID))
}

// FinishDigest marks the channel's digest for date posted.
func (s *File) FinishDigest(channelID, date string, at time.Time) error {
	return s.editDigest(finishOp(channelID, date), channelID, date, finish(at))
}

// The edits of PartPosted and FinishDigest, and their operations' names.

func partPostedOp(channelID, date string, i int) string {
	return fmt.Sprintf("record part %d of the digest of channel %s for %s", i, channelID, date)
}

func partPosted(i int, messageID string) func(d *Digest) error {
	return func(d *Digest) error {
		if i < 0 || i >= len(d.Parts) {
			return fmt.Errorf("the digest has %d parts", len(d.Parts))
		}
		d.Parts[i].MessageID = messageID
		return nil
	}
}

func finishOp(channelID, date string) string {
	return fmt.Sprintf("finish digest of channel %s for %s", channelID, date)
}

func finish(at time.Time) func(d *Digest) error {
	return func(d *Digest) error {
		for i, p := range d.Parts {
			if p.MessageID == "" {
				return fmt.Errorf("part %d is not posted", i)
			}
		}
		d.Status, d.Finished = Posted, at
		return nil
	}
}

func (s *File) editDigest(op, channelID, date string, edit func(d *Digest) error) error {
	return s.update(op, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketDigests)
		key := digestKey(channelID, date)
		var d Digest
		found, err := get(b, key, &d)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("no such digest")
		}
		if err := edit(&d); err != nil {
			return err
		}
		return put(b, key, d)
	})
}

// Digest returns the channel's digest for date, if one was begun.
func (s *File) Digest(channelID, date string) (Digest, bool, error) {
	var d Digest
	found := false
	err := s.view(fmt.Sprintf("read digest of channel %s for %s", channelID, date), func(tx *bolt.Tx) error {
		var err error
		found, err = get(tx.Bucket(bucketDigests), digestKey(channelID, date), &d)
		return err
	})
	return d, found, err
}

// LastDigest returns the channel's latest finished digest (posted or
// empty): the next digest covers what happened after its Until.
func (s *File) LastDigest(channelID string) (Digest, bool, error) {
	var last Digest
	found := false
	err := s.view(fmt.Sprintf("read last digest of channel %s", channelID), func(tx *bolt.Tx) error {
		prefix := []byte(channelID + "\x00")
		c := tx.Bucket(bucketDigests).Cursor()
		for k := lastOf(c, channelID); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Prev() {
			var d Digest
			if _, err := get(tx.Bucket(bucketDigests), k, &d); err != nil {
				return err
			}
			if d.Status != Posting {
				last, found = d, true
				return nil
			}
		}
		return nil
	})
	return last, found, err
}

// abandonAfter is how long after the start of its date, read as UTC, a
// digest still posting is taken as abandoned. The scheduler resumes one
// only by looking up the date its schedule's latest occurrence falls on,
// which is the local date now or at most the day before, and no zone is
// more than 12 hours behind UTC: from the start of date+2 days plus 12
// hours no channel can look that date up again. The cutoff is never
// after now (Prune is given now less the retention), so a digest older
// than the cutoff by this rule is older than now by it too. Three days leaves a
// margin, so pruning it cannot make the scheduler find no digest for a
// day it is still finishing, begin a new one and post the day twice.
const abandonAfter = 3 * 24 * time.Hour

// pruneDigests deletes digests finished before cutoff, except each
// channel's latest finished one, which the next digest's window starts
// from. It also deletes digests still posting that were started before
// cutoff and whose date the scheduler can no longer resume (see
// abandonAfter): left by a channel that was deleted or unsubscribed, or
// paused past its day, they would otherwise be kept for ever. Those never
// count as a channel's latest: LastDigest skips digests still posting,
// so deleting them leaves where the next window starts unchanged.
func pruneDigests(tx *bolt.Tx, cutoff time.Time) (int, error) {
	b := tx.Bucket(bucketDigests)
	var all []Digest
	if err := each(b, func(_ []byte, d Digest) error {
		all = append(all, d)
		return nil
	}); err != nil {
		return 0, err
	}
	// Deleted after the walk: bbolt forbids deleting while ForEach walks
	// the bucket.
	n := 0
	for _, d := range prunable(all, cutoff) {
		if err := b.Delete(digestKey(d.ChannelID, d.Date)); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// prunable returns the digests of all, in channel and date order, that
// pruneDigests deletes.
func prunable(all []Digest, cutoff time.Time) []Digest {
	byChannel := map[string][]Digest{} // finished, in date order
	var out []Digest
	for _, d := range all {
		if d.Status != Posting {
			byChannel[d.ChannelID] = append(byChannel[d.ChannelID], d)
		} else if abandonedBy(d, cutoff) {
			out = append(out, d)
		}
	}
	for _, ds := range byChannel {
		for _, d := range ds[:len(ds)-1] {
			if d.Finished.Before(cutoff) {
				out = append(out, d)
			}
		}
	}
	return out
}

// abandonedBy reports whether d, a digest still posting, is past both the
// retention cutoff and any chance of being resumed by then. A date that
// does not parse is kept: it cannot be told to be over.
func abandonedBy(d Digest, cutoff time.Time) bool {
	day, err := time.Parse(time.DateOnly, d.Date)
	if err != nil {
		return false
	}
	return d.Started.Before(cutoff) && !day.Add(abandonAfter).After(cutoff)
}
