package state

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Reply is the kind of reply a question got.
type Reply string

const (
	// ReplyAnswered: passages answered it.
	ReplyAnswered Reply = "answered"
	// ReplyRelated: no passage answered it directly; the closest were
	// shown.
	ReplyRelated Reply = "related"
	// ReplyNone: nothing in the corpus came close.
	ReplyNone Reply = "none"
)

// Question is one question asked of the bot, as the log keeps it.
type Question struct {
	GuildID   string
	ChannelID string
	Text      string
	// Reply is the kind of reply given. Records logged before it existed
	// lack it; Questions fills it in from Answered.
	Reply Reply
	// Answered is whether passages answered it directly, Reply ==
	// ReplyAnswered. LogQuestion keeps it in step with Reply, so a
	// dossier from before Reply, rolled back to, still reads the log
	// right.
	Answered bool
	// Citations are the reply's best sources, best first: the passages
	// that answered it, or with ReplyRelated the closest ones.
	Citations []Citation
	Time      time.Time
}

// withReply is q with Reply set, from Answered when q predates it.
func (q Question) withReply() Question {
	switch {
	case q.Reply != "":
	case q.Answered:
		q.Reply = ReplyAnswered
	default:
		q.Reply = ReplyNone
	}
	q.Answered = q.Reply == ReplyAnswered
	return q
}

// Citation is a source an answer quoted.
type Citation struct {
	// ID is the citation id the reply showed; "" in entries logged
	// before ids were shown.
	ID        string `json:",omitempty"`
	DocID     string
	Title     string
	Publisher string
	Published string
	// Link scrolls to the excerpt; "" when the document has no URL.
	Link    string
	Excerpt string
}

// questionKey orders the log by time; seq keeps questions asked in the
// same nanosecond apart.
func questionKey(at time.Time, seq uint64) []byte {
	return append(u64(uint64(at.UnixNano())), u64(seq)...)
}

// LogQuestion appends q to the question log. A q without Reply is
// taken as Answered says.
func (s *File) LogQuestion(q Question) error {
	return s.update("log question", func(tx *bolt.Tx) error {
		return appendQuestion(tx.Bucket(bucketQuestions), q)
	})
}

// appendQuestion appends q to the log b, for LogQuestion and Import alike.
func appendQuestion(b *bolt.Bucket, q Question) error {
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	return put(b, questionKey(q.Time, seq), q.withReply())
}

// Questions returns the questions asked in the guild ("" for every guild)
// at or after from and before to, oldest first.
func (s *File) Questions(guildID string, from, to time.Time) ([]Question, error) {
	var qs []Question
	err := s.view("read question log", func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketQuestions)
		c := b.Cursor()
		end := questionKey(to, 0)
		for k, _ := c.Seek(questionKey(from, 0)); k != nil && bytes.Compare(k, end) < 0; k, _ = c.Next() {
			var q Question
			if _, err := get(b, k, &q); err != nil {
				return err
			}
			if guildID == "" || q.GuildID == guildID {
				qs = append(qs, q.withReply())
			}
		}
		return nil
	})
	return qs, err
}

// Prune deletes the questions asked before cutoff, the digests finished
// before it except each channel's latest finished one, and digests left
// posting that no scheduler can resume any more (see pruneDigests), and
// returns how many entries went.
func (s *File) Prune(cutoff time.Time) (int, error) {
	n := 0
	err := s.update(fmt.Sprintf("prune state before %s", cutoff.Format(time.RFC3339)), func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketQuestions).Cursor()
		end := questionKey(cutoff, 0)
		// Deleting at the cursor moves it to the next key.
		for k, _ := c.First(); k != nil && bytes.Compare(k, end) < 0; k, _ = c.First() {
			if err := c.Delete(); err != nil {
				return err
			}
			n++
		}
		pruned, err := pruneDigests(tx, cutoff)
		n += pruned
		return err
	})
	return n, err
}

// Asked is a question asked one or more times in a window, grouped by its
// words regardless of case and punctuation at the end.
type Asked struct {
	// Text is the latest wording.
	Text  string
	Count int
	Last  time.Time
	// Reply is the kind of reply the latest asking got.
	Reply Reply
	// Citation is the best source of the latest answer; zero when the
	// latest asking was not answered directly.
	Citation Citation
}

// TopQuestions groups the guild's questions of [from, to) and returns
// those whose latest asking was answered and those whose latest asking
// was not answered directly (ReplyRelated or ReplyNone), each most asked
// first (then most recent), at most n of each.
func (s *File) TopQuestions(guildID string, from, to time.Time, n int) (answered, unanswered []Asked, err error) {
	qs, err := s.Questions(guildID, from, to)
	if err != nil {
		return nil, nil, err
	}
	answered, unanswered = topQuestions(qs, n)
	return answered, unanswered, nil
}

// topQuestions groups qs, oldest first, as TopQuestions does.
func topQuestions(qs []Question, n int) (answered, unanswered []Asked) {
	groups := map[string]*Asked{}
	var order []*Asked
	for _, q := range qs { // oldest first: later askings overwrite
		key := questionGroup(q.Text)
		a := groups[key]
		if a == nil {
			a = &Asked{}
			groups[key] = a
			order = append(order, a)
		}
		a.Text, a.Last, a.Reply, a.Citation = q.Text, q.Time, q.Reply, Citation{}
		a.Count++
		if q.Reply == ReplyAnswered && len(q.Citations) > 0 {
			a.Citation = q.Citations[0]
		}
	}
	for _, a := range order {
		if a.Citation.DocID != "" {
			answered = append(answered, *a)
		} else {
			unanswered = append(unanswered, *a)
		}
	}
	return top(answered, n), top(unanswered, n)
}

func top(as []Asked, n int) []Asked {
	slices.SortStableFunc(as, func(a, b Asked) int {
		return cmp.Or(b.Count-a.Count, b.Last.Compare(a.Last), strings.Compare(a.Text, b.Text))
	})
	return as[:min(len(as), n)]
}

// questionGroup is the form under which the same question asked with
// other capitals, spacing or end punctuation is counted together.
func questionGroup(text string) string {
	return strings.TrimRight(strings.ToLower(strings.Join(strings.Fields(text), " ")), " ?!.…")
}
