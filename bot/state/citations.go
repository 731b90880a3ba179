package state

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/dossier-bot/dossier/corpus/cite"
)

// Buckets of the kept citations (schema 3).
var (
	// bucketCitations maps a citation id to its KeptCitation.
	bucketCitations = []byte("citations")
	// bucketCitationPosts orders the showings of citations by channel:
	// channel id, NUL, time, sequence → citationPost.
	bucketCitationPosts = []byte("citation-posts")
	// bucketCitationUsers orders them by the member shown them: user id,
	// NUL, time, sequence → citation id.
	bucketCitationUsers = []byte("citation-users")

	keyCitationSecret = []byte("citation-secret")
)

// KeptCitation is a passage Dossier showed, kept as it was shown so that
// its citation resolves after the document changes or leaves the corpus.
type KeptCitation struct {
	// ID is the citation id: cite.ID of DocID and Text, or on the rare
	// collision with another passage's id a longer prefix of Key.
	ID string
	// Key is cite.Key of DocID and Text, which tells colliding ids apart.
	Key       string
	DocID     string
	Title     string
	Publisher string
	Author    string
	Published string
	URL       string
	Heading   string
	// Page is the page the passage starts on, from 1; 0 when unknown.
	Page int
	// Text is the whole passage as it was first shown.
	Text string
	// Excerpt is what was quoted when it was first shown (each showing's
	// own is in PostedCitation).
	Excerpt string
	// FirstShown is when Dossier first showed the passage.
	FirstShown time.Time
}

// Shown says when, where and to whom citations were shown. Only At is
// required: a citation shown without a channel is kept but listed in no
// channel, one shown to no known member is offered to nobody.
type Shown struct {
	At        time.Time
	GuildID   string
	ChannelID string // the channel or thread the reply went to
	MessageID string // the reply's message, when known
	UserID    string // the member who asked
}

// citationPost is one showing of a citation in a channel.
type citationPost struct {
	ID        string
	GuildID   string `json:",omitempty"`
	MessageID string `json:",omitempty"`
	UserID    string `json:",omitempty"`
	Excerpt   string `json:",omitempty"`
}

// PostedCitation is a citation as posted in a channel.
type PostedCitation struct {
	KeptCitation
	// Quoted is what this posting quoted, which may differ from the
	// excerpt of the citation's first showing.
	Quoted    string
	MessageID string
	// At is when it was first posted in the channel.
	At time.Time
}

// showKey orders showings under a channel or member id: owner, NUL, time,
// sequence. Discord ids are digits, so NUL cannot occur in them.
func showKey(owner string, at time.Time, seq uint64) []byte {
	k := append([]byte(owner), 0)
	return append(append(k, u64(uint64(at.UnixNano()))...), u64(seq)...)
}

// RecordCitations keeps the passages cs as shown at sh and returns the id
// each is kept under, in order. Each citation's ID and Key are worked out
// here from its DocID and Text, and its FirstShown is sh.At. Recording a
// passage already kept changes nothing in its record: it keeps the text,
// metadata, excerpt and time of its first showing. Every call also notes
// the showing in sh.ChannelID and to sh.UserID, when given, for
// CitationsIn and RecentCitations.
//
// The id is cite.ID, except when another passage already holds it (about
// one chance in a million per citation at 100,000 kept): the later passage
// then gets the shortest longer prefix of its Key that is free. Show the
// returned ids, not ones worked out before recording.
func (s *File) RecordCitations(sh Shown, cs []KeptCitation) ([]string, error) {
	ids := make([]string, len(cs))
	err := s.update("record citations", func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketCitations)
		for i, c := range cs {
			c.Key = cite.Key(c.DocID, c.Text)
			c.FirstShown = sh.At
			id, err := keep(b, c)
			if err != nil {
				return err
			}
			ids[i] = id
			if sh.ChannelID != "" {
				if err := appendShowing(tx.Bucket(bucketCitationPosts), sh.ChannelID, sh.At, sh.inChannel(id, c.Excerpt).post()); err != nil {
					return err
				}
			}
			if sh.UserID != "" {
				if err := appendShowing(tx.Bucket(bucketCitationUsers), sh.UserID, sh.At, id); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}

// keep stores c under its id unless it is kept already, and returns the
// id it is kept under.
func keep(b *bolt.Bucket, c KeptCitation) (string, error) {
	for n := cite.IDLen; n <= len(c.Key); n += 2 {
		c.ID = c.Key[:n]
		var old KeptCitation
		found, err := get(b, []byte(c.ID), &old)
		if err != nil {
			return "", err
		}
		switch {
		case !found:
			return c.ID, put(b, []byte(c.ID), c)
		case old.Key == c.Key:
			return c.ID, nil
		}
	}
	// Two passages with the same 260-bit key.
	return "", fmt.Errorf("citation %s: every prefix of its key is taken", c.Key)
}

func appendShowing(b *bolt.Bucket, owner string, at time.Time, v any) error {
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	return put(b, showKey(owner, at, seq), v)
}

// Citation returns the kept citation with the id, and false when Dossier
// never showed a passage with that id.
func (s *File) Citation(id string) (KeptCitation, bool, error) {
	var c KeptCitation
	var found bool
	err := s.view(fmt.Sprintf("read citation %q", id), func(tx *bolt.Tx) error {
		var err error
		found, err = get(tx.Bucket(bucketCitations), []byte(id), &c)
		return err
	})
	return c, found && err == nil, err
}

// CitationsIn lists the citations posted in a channel or thread, in the
// order they were first posted there, each once, with the excerpt and
// message of that first posting; at most limit of them (the first limit),
// or all when limit is 0.
func (s *File) CitationsIn(channelID string, limit int) ([]PostedCitation, error) {
	var out []PostedCitation
	err := s.view(fmt.Sprintf("list the citations in channel %s", channelID), func(tx *bolt.Tx) error {
		posts, kept := tx.Bucket(bucketCitationPosts), tx.Bucket(bucketCitations)
		prefix := append([]byte(channelID), 0)
		seen := map[string]bool{}
		c := posts.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			if limit > 0 && len(out) == limit {
				break
			}
			var p citationPost
			if _, err := get(posts, k, &p); err != nil {
				return err
			}
			if seen[p.ID] {
				continue
			}
			seen[p.ID] = true
			pc := PostedCitation{Quoted: p.Excerpt, MessageID: p.MessageID, At: showTime(k, len(prefix))}
			if found, err := get(kept, []byte(p.ID), &pc.KeptCitation); err != nil || !found {
				return missing(err, p.ID)
			}
			out = append(out, pc)
		}
		return nil
	})
	return out, err
}

// RecentCitations lists the citations last shown to a member, most
// recent first, each once; at most n.
func (s *File) RecentCitations(userID string, n int) ([]KeptCitation, error) {
	var out []KeptCitation
	err := s.view(fmt.Sprintf("list the citations shown to %s", userID), func(tx *bolt.Tx) error {
		users, kept := tx.Bucket(bucketCitationUsers), tx.Bucket(bucketCitations)
		prefix := append([]byte(userID), 0)
		seen := map[string]bool{}
		c := users.Cursor()
		for k := lastOf(c, userID); k != nil && bytes.HasPrefix(k, prefix) && len(out) < n; k, _ = c.Prev() {
			var id string
			if _, err := get(users, k, &id); err != nil {
				return err
			}
			if seen[id] {
				continue
			}
			seen[id] = true
			var kc KeptCitation
			if found, err := get(kept, []byte(id), &kc); err != nil || !found {
				return missing(err, id)
			}
			out = append(out, kc)
		}
		return nil
	})
	return out, err
}

// missing is err, or for a showing whose citation is not kept (which a
// store written only by RecordCitations never has) an error naming it.
func missing(err error, id string) error {
	if err != nil {
		return err
	}
	return fmt.Errorf("citation %q is listed as shown but not kept", id)
}

// showTime reads the time out of a showing's key.
func showTime(k []byte, owner int) time.Time {
	if len(k) < owner+8 {
		return time.Time{}
	}
	return time.Unix(0, int64(binary.BigEndian.Uint64(k[owner:owner+8]))).UTC()
}

// CitationSecret returns the secret that citation page tokens are worked
// out under, 32 random bytes made on first use and kept: pages linked
// before a restart still open after it.
func (s *File) CitationSecret() ([]byte, error) {
	var secret []byte
	err := s.update("read the citation secret", func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if v := meta.Get(keyCitationSecret); v != nil {
			secret = bytes.Clone(v)
			return nil
		}
		secret = make([]byte, 32)
		rand.Read(secret) // never fails (crypto/rand's contract since Go 1.24)
		return meta.Put(keyCitationSecret, secret)
	})
	return secret, err
}

// Document returns the registry's record of a document, removed or not,
// and false when the registry never saw it.
func (s *File) Document(id string) (Document, bool, error) {
	var d Document
	var found bool
	err := s.view(fmt.Sprintf("read document %q", id), func(tx *bolt.Tx) error {
		var err error
		found, err = get(tx.Bucket(bucketDocuments), []byte(id), &d)
		return err
	})
	return d, found && err == nil, err
}
