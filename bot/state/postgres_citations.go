package state

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dossier-bot/dossier/corpus/cite"
)

// The kept citations, the citation secret and the interactions received
// of a Postgres store: each as File's method of the same name documents
// it.

func (p *Postgres) RecordCitations(sh Shown, cs []KeptCitation) ([]string, error) {
	ids := make([]string, len(cs))
	err := p.do("record citations", func(ctx context.Context, tx pgx.Tx) error {
		for i, c := range cs {
			c.Key = cite.Key(c.DocID, c.Text)
			c.FirstShown = sh.At
			id, err := keepRow(ctx, tx, c)
			if err != nil {
				return err
			}
			ids[i] = id
			if sh.ChannelID != "" {
				if err := insertChannelShowing(ctx, tx, sh.inChannel(id, c.Excerpt)); err != nil {
					return err
				}
			}
			if sh.UserID != "" {
				if err := insertUserShowing(ctx, tx, UserShowing{UserID: sh.UserID, At: sh.At, CitationID: id}); err != nil {
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

// insertChannelShowing and insertUserShowing note a showing of a
// citation, for RecordCitations and Import alike.
func insertChannelShowing(ctx context.Context, tx pgx.Tx, c ChannelShowing) error {
	raw, err := encode(c.post())
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, "INSERT INTO citation_posts (channel_id, at, citation_id, data) VALUES ($1, $2, $3, $4)",
		c.ChannelID, c.At.UnixNano(), c.CitationID, raw)
	return err
}

func insertUserShowing(ctx context.Context, tx pgx.Tx, u UserShowing) error {
	_, err := tx.Exec(ctx, "INSERT INTO citation_users (user_id, at, citation_id) VALUES ($1, $2, $3)",
		u.UserID, u.At.UnixNano(), u.CitationID)
	return err
}

// keepRow stores c under the shortest prefix of its key that is free or
// already its own, as keep does. Of two replicas keeping passages with
// the same id at once, the second's insert waits for the first's and
// then finds the id taken.
func keepRow(ctx context.Context, tx pgx.Tx, c KeptCitation) (string, error) {
	for n := cite.IDLen; n <= len(c.Key); n += 2 {
		c.ID = c.Key[:n]
		raw, err := encode(c)
		if err != nil {
			return "", err
		}
		tag, err := tx.Exec(ctx, "INSERT INTO citations (id, key, data) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING", c.ID, c.Key, raw)
		if err != nil {
			return "", err
		}
		if tag.RowsAffected() == 1 {
			return c.ID, nil
		}
		var key string
		if err := tx.QueryRow(ctx, "SELECT key FROM citations WHERE id = $1", c.ID).Scan(&key); err != nil {
			return "", err
		}
		if key == c.Key {
			return c.ID, nil
		}
	}
	return "", fmt.Errorf("citation %s: every prefix of its key is taken", c.Key)
}

func (p *Postgres) Citation(id string) (KeptCitation, bool, error) {
	var c KeptCitation
	found := false
	err := p.do(fmt.Sprintf("read citation %q", id), func(ctx context.Context, tx pgx.Tx) error {
		var err error
		found, err = getRow(ctx, tx, &c, "SELECT data FROM citations WHERE id = $1", id)
		return err
	})
	return c, found && err == nil, err
}

func (p *Postgres) CitationsIn(channelID string, limit int) ([]PostedCitation, error) {
	var out []PostedCitation
	err := p.do(fmt.Sprintf("list the citations in channel %s", channelID), func(ctx context.Context, tx pgx.Tx) error {
		rs, err := tx.Query(ctx, `SELECT p.citation_id, p.at, p.data, c.data FROM citation_posts p
			LEFT JOIN citations c ON c.id = p.citation_id WHERE p.channel_id = $1 ORDER BY p.at, p.seq`, channelID)
		if err != nil {
			return err
		}
		defer rs.Close()
		seen := map[string]bool{}
		for rs.Next() && (limit == 0 || len(out) < limit) {
			var (
				id         string
				at         int64
				post, kept []byte
			)
			if err := rs.Scan(&id, &at, &post, &kept); err != nil {
				return err
			}
			if seen[id] {
				continue
			}
			seen[id] = true
			if kept == nil {
				return missing(nil, id)
			}
			var cp citationPost
			pc := PostedCitation{At: time.Unix(0, at).UTC()}
			if err := decode(post, &cp); err != nil {
				return err
			}
			if err := decode(kept, &pc.KeptCitation); err != nil {
				return err
			}
			pc.Quoted, pc.MessageID = cp.Excerpt, cp.MessageID
			out = append(out, pc)
		}
		return rs.Err()
	})
	return out, err
}

// RecentCitations has the server pick each citation's latest showing and
// send only the n newest: a member's showings grow without bound, and the
// /cite command's autocomplete asks at every keystroke.
func (p *Postgres) RecentCitations(userID string, n int) ([]KeptCitation, error) {
	var out []KeptCitation
	err := p.do(fmt.Sprintf("list the citations shown to %s", userID), func(ctx context.Context, tx pgx.Tx) error {
		rs, err := tx.Query(ctx, `SELECT u.citation_id, c.data FROM
			(SELECT DISTINCT ON (citation_id) citation_id, at, seq FROM citation_users
				WHERE user_id = $1 ORDER BY citation_id, at DESC, seq DESC) u
			LEFT JOIN citations c ON c.id = u.citation_id ORDER BY u.at DESC, u.seq DESC LIMIT GREATEST($2::bigint, 0)`, userID, n)
		if err != nil {
			return err
		}
		var (
			id   string
			kept []byte
		)
		_, err = pgx.ForEachRow(rs, []any{&id, &kept}, func() error {
			if kept == nil {
				return missing(nil, id)
			}
			var kc KeptCitation
			if err := decode(kept, &kc); err != nil {
				return err
			}
			out = append(out, kc)
			return nil
		})
		return err
	})
	return out, err
}

// CitationSecret is made by the first replica to ask and shared by all:
// a citation page opens whichever replica serves it.
func (p *Postgres) CitationSecret() ([]byte, error) {
	var secret []byte
	err := p.do("read the citation secret", func(ctx context.Context, tx pgx.Tx) error {
		fresh := make([]byte, 32)
		rand.Read(fresh) // never fails (crypto/rand's contract since Go 1.24)
		if _, err := tx.Exec(ctx, "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
			string(keyCitationSecret), fresh); err != nil {
			return err
		}
		return tx.QueryRow(ctx, "SELECT value FROM meta WHERE key = $1", string(keyCitationSecret)).Scan(&secret)
	})
	return secret, err
}

func (p *Postgres) Document(id string) (Document, bool, error) {
	var d Document
	found := false
	err := p.do(fmt.Sprintf("read document %q", id), func(ctx context.Context, tx pgx.Tx) error {
		var err error
		found, err = getRow(ctx, tx, &d, "SELECT data FROM documents WHERE id = $1", id)
		return err
	})
	return d, found && err == nil, err
}

// FirstSeen records the interaction id until the given time, for every
// replica: of two replicas handed the same interaction, exactly one sees
// it first. Expired ids are pruned a batch at a time, as File does.
func (p *Postgres) FirstSeen(ctx context.Context, id string, until time.Time) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("record interaction %s: %w", id, err)
	}
	ctx, cancel := context.WithTimeout(ctx, opTimeout)
	defer cancel()
	now := time.Now().UnixNano()
	first := false
	err := pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM interactions WHERE id IN
			(SELECT id FROM interactions WHERE until <= $1 ORDER BY until LIMIT $2 FOR UPDATE SKIP LOCKED)`, now, pruneBatch); err != nil {
			return err
		}
		// A row comes back when the id is new or its record expired.
		err := tx.QueryRow(ctx, `INSERT INTO interactions (id, until) VALUES ($1, $2)
			ON CONFLICT (id) DO UPDATE SET until = EXCLUDED.until WHERE interactions.until <= $3
			RETURNING true`, id, until.UnixNano(), now).Scan(&first)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		return err
	})
	if err != nil {
		return false, fmt.Errorf("record interaction %s: %w", id, err)
	}
	return first, nil
}
