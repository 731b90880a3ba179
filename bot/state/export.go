package state

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// Record is one entry of the state, of one kind: exactly one field is
// set. Export yields them and Import takes them, so that the state moves
// between stores (dossier state export | dossier state import); on the
// way it is JSON lines, one Record a line (WriteRecords, ReadRecords).
//
// The interactions received (FirstSeen) are left out: each is kept for
// 15 minutes, against replays, and a move takes longer than that.
type Record struct {
	Subscription   *Subscription   `json:",omitempty"`
	Watch          *Watch          `json:",omitempty"`
	Document       *Document       `json:",omitempty"`
	Digest         *Digest         `json:",omitempty"`
	Question       *Question       `json:",omitempty"`
	Citation       *KeptCitation   `json:",omitempty"`
	ChannelShowing *ChannelShowing `json:",omitempty"`
	UserShowing    *UserShowing    `json:",omitempty"`
	// CitationSecret keys the citation pages' links, which must open
	// after the move as before.
	CitationSecret []byte `json:",omitempty"`
}

// ChannelShowing is a citation shown in a channel, for CitationsIn.
type ChannelShowing struct {
	ChannelID  string
	At         time.Time
	CitationID string
	GuildID    string `json:",omitempty"`
	MessageID  string `json:",omitempty"`
	UserID     string `json:",omitempty"`
	Excerpt    string `json:",omitempty"`
}

// inChannel is the showing at sh, in its channel, of the citation id
// quoting excerpt.
func (sh Shown) inChannel(id, excerpt string) ChannelShowing {
	return ChannelShowing{ChannelID: sh.ChannelID, At: sh.At, CitationID: id,
		GuildID: sh.GuildID, MessageID: sh.MessageID, UserID: sh.UserID, Excerpt: excerpt}
}

func (c ChannelShowing) post() citationPost {
	return citationPost{ID: c.CitationID, GuildID: c.GuildID, MessageID: c.MessageID, UserID: c.UserID, Excerpt: c.Excerpt}
}

func channelShowing(channelID string, at time.Time, p citationPost) ChannelShowing {
	return ChannelShowing{ChannelID: channelID, At: at, CitationID: p.ID, GuildID: p.GuildID, MessageID: p.MessageID, UserID: p.UserID, Excerpt: p.Excerpt}
}

// UserShowing is a citation shown to a member, for RecentCitations.
type UserShowing struct {
	UserID     string
	At         time.Time
	CitationID string
}

// kinds is how many fields of r are set.
func (r Record) kinds() int {
	n := 0
	for _, set := range []bool{r.Subscription != nil, r.Watch != nil, r.Document != nil, r.Digest != nil, r.Question != nil,
		r.Citation != nil, r.ChannelShowing != nil, r.UserShowing != nil, r.CitationSecret != nil} {
		if set {
			n++
		}
	}
	return n
}

// ErrNotEmpty is Import refusing a store that already holds state, which
// the import would mix with or overwrite.
var ErrNotEmpty = errors.New("the state to import into is not empty")

// WriteRecords writes every record of s to w as JSON lines and returns
// how many it wrote.
func WriteRecords(w io.Writer, s Store) (int, error) {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	n := 0
	err := s.Export(func(r Record) error {
		n++
		return enc.Encode(r)
	})
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return n, fmt.Errorf("export state: %w", err)
	}
	return n, nil
}

// maxRecordLine bounds one line of an export: a document's record lists
// its passages, some thousands for a book.
const maxRecordLine = 64 << 20

// ReadRecords reads JSON lines from r, one Record each, for Import. It
// returns io.EOF after the last; a line that is not a record is an error
// naming its number.
func ReadRecords(r io.Reader) func() (Record, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxRecordLine)
	line := 0
	return func() (Record, error) {
		for sc.Scan() {
			line++
			text := bytes.TrimSpace(sc.Bytes())
			if len(text) == 0 {
				continue
			}
			dec := json.NewDecoder(bytes.NewReader(text))
			dec.DisallowUnknownFields()
			var rec Record
			if err := dec.Decode(&rec); err != nil {
				return Record{}, fmt.Errorf("line %d is not a state record: %w", line, err)
			}
			if rec.kinds() != 1 {
				return Record{}, fmt.Errorf("line %d is not a state record: want one of Subscription, Watch, Document, Digest, Question, Citation, ChannelShowing, UserShowing or CitationSecret", line)
			}
			return rec, nil
		}
		if err := sc.Err(); err != nil {
			return Record{}, fmt.Errorf("read line %d: %w", line+1, err)
		}
		return Record{}, io.EOF
	}
}

// importAll calls put with every record next yields until io.EOF and
// returns how many there were.
func importAll(next func() (Record, error), put func(Record) error) (int, error) {
	n := 0
	for {
		rec, err := next()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err == nil && rec.kinds() != 1 {
			err = fmt.Errorf("record %d has %d kinds, want 1", n+1, rec.kinds())
		}
		if err == nil {
			err = put(rec)
		}
		if err != nil {
			return n, err
		}
		n++
	}
}
