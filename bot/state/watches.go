package state

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"
)

// Limits on watches, so that one channel's digest stays readable.
const (
	MaxWatchQuery     = 200 // characters
	MaxChannelWatches = 25
)

// Watch is a saved search: the channel's digest shows new passages that
// match it.
type Watch struct {
	ID        uint64
	GuildID   string
	ChannelID string
	Query     string
	CreatedBy string // user id
	Created   time.Time
}

// AddWatch stores w with a new ID and returns it. The query is trimmed;
// an empty or over-long one, or one too many for the channel, is refused
// with an *InputError wrapping ErrInvalid, and a query the channel already
// watches (ignoring case and spacing) with one wrapping ErrExists.
func (s *File) AddWatch(w Watch) (Watch, error) {
	w, err := checkQuery(w)
	if err != nil {
		return Watch{}, err
	}
	err = s.update(fmt.Sprintf("add watch %q in channel %s", w.Query, w.ChannelID), func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketWatches)
		var others []Watch
		err := each(b, func(_ []byte, old Watch) error {
			if old.ChannelID == w.ChannelID {
				others = append(others, old)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if err := checkRoom(w, others); err != nil {
			return err
		}
		if w.ID, err = b.NextSequence(); err != nil {
			return err
		}
		return put(b, u64(w.ID), w)
	})
	if err != nil {
		return Watch{}, err
	}
	return w, nil
}

// checkQuery is w with its query as AddWatch stores it, or the
// *InputError that refuses it.
func checkQuery(w Watch) (Watch, error) {
	w.Query = strings.Join(strings.Fields(w.Query), " ")
	switch n := utf8.RuneCountInString(w.Query); {
	case n == 0:
		return Watch{}, invalid("the query is empty")
	case n > MaxWatchQuery:
		return Watch{}, invalid("the query is %d characters long; the most is %d", n, MaxWatchQuery)
	}
	return w, nil
}

// checkRoom refuses w when its channel, whose watches are others, already
// watches its query or has as many watches as it may.
func checkRoom(w Watch, others []Watch) error {
	for _, old := range others {
		if strings.EqualFold(old.Query, w.Query) {
			return &InputError{Err: ErrExists, Msg: fmt.Sprintf("this channel already watches %q (watch %d)", old.Query, old.ID)}
		}
	}
	if len(others) >= MaxChannelWatches {
		return invalid("this channel already has %d watches; remove one first", MaxChannelWatches)
	}
	return nil
}

// RemoveWatch deletes the guild's watch id and returns it; found is false
// when the guild has no such watch (another guild's watch is not touched).
func (s *File) RemoveWatch(guildID string, id uint64) (w Watch, found bool, err error) {
	err = s.update(fmt.Sprintf("remove watch %d", id), func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketWatches)
		ok, err := get(b, u64(id), &w)
		if err != nil || !ok || w.GuildID != guildID {
			return err
		}
		found = true
		return b.Delete(u64(id))
	})
	if !found {
		w = Watch{}
	}
	return w, found, err
}

// Watches lists the watches of a guild's channel, oldest first; "" for
// channelID means the whole guild, and "" for both means every watch.
func (s *File) Watches(guildID, channelID string) ([]Watch, error) {
	var ws []Watch
	err := s.view("list watches", func(tx *bolt.Tx) error {
		return each(tx.Bucket(bucketWatches), func(_ []byte, w Watch) error {
			if (guildID == "" || w.GuildID == guildID) && (channelID == "" || w.ChannelID == channelID) {
				ws = append(ws, w)
			}
			return nil
		})
	})
	return ws, err
}
