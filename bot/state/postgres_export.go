package state

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// Export calls fn with every record, as File.Export does, from one
// snapshot of the database.
func (p *Postgres) Export(fn func(Record) error) error {
	return p.doLong("export state", func(ctx context.Context, tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"); err != nil {
			return err
		}
		steps := []func() error{
			func() error {
				return eachRow(ctx, tx, func(v Subscription) error { return fn(Record{Subscription: &v}) },
					`SELECT data FROM subscriptions ORDER BY channel_id COLLATE "C"`)
			},
			func() error {
				return eachRow(ctx, tx, func(v Watch) error { return fn(Record{Watch: &v}) },
					"SELECT data FROM watches ORDER BY id")
			},
			func() error {
				return eachRow(ctx, tx, func(v Document) error { return fn(Record{Document: &v}) },
					`SELECT data FROM documents ORDER BY id COLLATE "C"`)
			},
			func() error {
				return eachRow(ctx, tx, func(v Digest) error { return fn(Record{Digest: &v}) },
					`SELECT data FROM digests ORDER BY channel_id COLLATE "C", date COLLATE "C"`)
			},
			func() error {
				return eachRow(ctx, tx, func(v Question) error { return fn(Record{Question: &v}) },
					"SELECT data FROM questions ORDER BY at, id")
			},
			func() error {
				return eachRow(ctx, tx, func(v KeptCitation) error { return fn(Record{Citation: &v}) },
					`SELECT data FROM citations ORDER BY id COLLATE "C"`)
			},
			func() error {
				rs, err := tx.Query(ctx, `SELECT channel_id, at, data FROM citation_posts ORDER BY channel_id COLLATE "C", at, seq`)
				if err != nil {
					return err
				}
				var (
					channel string
					at      int64
					raw     []byte
				)
				_, err = pgx.ForEachRow(rs, []any{&channel, &at, &raw}, func() error {
					var cp citationPost
					if err := decode(raw, &cp); err != nil {
						return err
					}
					sh := channelShowing(channel, time.Unix(0, at).UTC(), cp)
					return fn(Record{ChannelShowing: &sh})
				})
				return err
			},
			func() error {
				rs, err := tx.Query(ctx, `SELECT user_id, at, citation_id FROM citation_users ORDER BY user_id COLLATE "C", at, seq`)
				if err != nil {
					return err
				}
				var u UserShowing
				var at int64
				_, err = pgx.ForEachRow(rs, []any{&u.UserID, &at, &u.CitationID}, func() error {
					v := u
					v.At = time.Unix(0, at).UTC()
					return fn(Record{UserShowing: &v})
				})
				return err
			},
			func() error {
				var secret []byte
				err := tx.QueryRow(ctx, "SELECT value FROM meta WHERE key = $1", string(keyCitationSecret)).Scan(&secret)
				if errors.Is(err, pgx.ErrNoRows) {
					return nil
				}
				if err != nil {
					return err
				}
				return fn(Record{CitationSecret: secret})
			},
		}
		for _, step := range steps {
			if err := step(); err != nil {
				return err
			}
		}
		return nil
	})
}

// Import adds the records next yields, until io.EOF, to an empty
// database, as File.Import does, in one transaction.
func (p *Postgres) Import(next func() (Record, error)) (int, error) {
	n := 0
	err := p.doLong("import state", func(ctx context.Context, tx pgx.Tx) error {
		// Replicas running on the database must not write while it fills.
		for _, key := range []int64{lockRegistry, lockWatches} {
			if err := lock(ctx, tx, key); err != nil {
				return err
			}
		}
		var used bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM subscriptions) OR EXISTS (SELECT 1 FROM watches)
			OR EXISTS (SELECT 1 FROM documents) OR EXISTS (SELECT 1 FROM digests) OR EXISTS (SELECT 1 FROM questions)
			OR EXISTS (SELECT 1 FROM citations) OR EXISTS (SELECT 1 FROM citation_posts) OR EXISTS (SELECT 1 FROM citation_users)
			OR EXISTS (SELECT 1 FROM meta)`).Scan(&used); err != nil {
			return err
		}
		if used {
			return ErrNotEmpty
		}
		var err error
		n, err = importAll(next, func(r Record) error { return p.importOne(ctx, tx, r) })
		if err != nil {
			return err
		}
		// New watches are numbered after the imported ones.
		_, err = tx.Exec(ctx, "SELECT setval('watches_id_seq', COALESCE(max(id), 1), max(id) IS NOT NULL) FROM watches")
		return err
	})
	return n, err
}

func (p *Postgres) importOne(ctx context.Context, tx pgx.Tx, r Record) error {
	var (
		query string
		args  []any
		v     any
	)
	switch {
	case r.Subscription != nil:
		query, args, v = "INSERT INTO subscriptions (channel_id, data) VALUES ($1, $2)", []any{r.Subscription.ChannelID}, r.Subscription
	case r.Watch != nil:
		return insertWatch(ctx, tx, *r.Watch)
	case r.Document != nil:
		return putDocument(ctx, tx, *r.Document)
	case r.Digest != nil:
		d := r.Digest
		query, args, v = "INSERT INTO digests (channel_id, date, status, data) VALUES ($1, $2, $3, $4)", []any{d.ChannelID, d.Date, string(d.Status)}, d
	case r.Question != nil:
		return insertQuestion(ctx, tx, *r.Question)
	case r.Citation != nil:
		c := r.Citation
		query, args, v = "INSERT INTO citations (id, key, data) VALUES ($1, $2, $3)", []any{c.ID, c.Key}, c
	case r.ChannelShowing != nil:
		return insertChannelShowing(ctx, tx, *r.ChannelShowing)
	case r.UserShowing != nil:
		return insertUserShowing(ctx, tx, *r.UserShowing)
	case r.CitationSecret != nil:
		_, err := tx.Exec(ctx, "INSERT INTO meta (key, value) VALUES ($1, $2)", string(keyCitationSecret), r.CitationSecret)
		return err
	}
	raw, err := encode(v)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, query, append(args, raw)...)
	return err
}
