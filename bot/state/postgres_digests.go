package state

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// The subscriptions, digests, questions and watches of a Postgres store:
// each as File's method of the same name documents it.

func (p *Postgres) Subscribe(sub Subscription) (Subscription, error) {
	sub, err := checkSubscription(sub)
	if err != nil {
		return Subscription{}, err
	}
	raw, err := encode(sub)
	if err != nil {
		return Subscription{}, err
	}
	err = p.do(fmt.Sprintf("subscribe channel %s", sub.ChannelID), func(ctx context.Context, tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO subscriptions (channel_id, data) VALUES ($1, $2)
			ON CONFLICT (channel_id) DO UPDATE SET data = EXCLUDED.data`, sub.ChannelID, raw)
		return err
	})
	if err != nil {
		return Subscription{}, err
	}
	return sub, nil
}

func (p *Postgres) Unsubscribe(channelID string) (bool, error) {
	found := false
	err := p.do(fmt.Sprintf("unsubscribe channel %s", channelID), func(ctx context.Context, tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, "DELETE FROM subscriptions WHERE channel_id = $1", channelID)
		found = tag.RowsAffected() > 0
		return err
	})
	return found, err
}

func (p *Postgres) Subscription(channelID string) (Subscription, bool, error) {
	var sub Subscription
	found := false
	err := p.do(fmt.Sprintf("read subscription of channel %s", channelID), func(ctx context.Context, tx pgx.Tx) error {
		var err error
		found, err = getRow(ctx, tx, &sub, "SELECT data FROM subscriptions WHERE channel_id = $1", channelID)
		return err
	})
	return sub, found, err
}

func (p *Postgres) Subscriptions() ([]Subscription, error) {
	var subs []Subscription
	err := p.do("list subscriptions", func(ctx context.Context, tx pgx.Tx) error {
		var err error
		subs, err = rows[Subscription](ctx, tx, `SELECT data FROM subscriptions ORDER BY channel_id COLLATE "C"`)
		return err
	})
	return subs, err
}

func (p *Postgres) Pause(channelID, reason string, at time.Time) error {
	return p.do(fmt.Sprintf("pause subscription of channel %s", channelID), func(ctx context.Context, tx pgx.Tx) error {
		var sub Subscription
		found, err := getRow(ctx, tx, &sub, "SELECT data FROM subscriptions WHERE channel_id = $1 FOR UPDATE", channelID)
		if err != nil || !found {
			return err
		}
		sub.Paused, sub.PausedAt = reason, at
		raw, err := encode(sub)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "UPDATE subscriptions SET data = $2 WHERE channel_id = $1", channelID, raw)
		return err
	})
}

func (p *Postgres) BeginDigest(d Digest) (rec Digest, created bool, err error) {
	if err := checkBegin(d); err != nil {
		return Digest{}, false, err
	}
	raw, err := encode(d)
	if err != nil {
		return Digest{}, false, err
	}
	err = p.do(fmt.Sprintf("begin digest of channel %s for %s", d.ChannelID, d.Date), func(ctx context.Context, tx pgx.Tx) error {
		// Of two replicas beginning the same digest, the first insert
		// wins; the other waits for it and reads it.
		tag, err := tx.Exec(ctx, `INSERT INTO digests (channel_id, date, status, data) VALUES ($1, $2, $3, $4)
			ON CONFLICT (channel_id, date) DO NOTHING`, d.ChannelID, d.Date, string(d.Status), raw)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 1 {
			rec, created = d, true
			return nil
		}
		_, err = getRow(ctx, tx, &rec, "SELECT data FROM digests WHERE channel_id = $1 AND date = $2", d.ChannelID, d.Date)
		return err
	})
	return rec, created, err
}

func (p *Postgres) PartPosted(channelID, date string, i int, messageID string) error {
	return p.editDigest(partPostedOp(channelID, date, i), channelID, date, partPosted(i, messageID))
}

func (p *Postgres) FinishDigest(channelID, date string, at time.Time) error {
	return p.editDigest(finishOp(channelID, date), channelID, date, finish(at))
}

func (p *Postgres) editDigest(op, channelID, date string, edit func(d *Digest) error) error {
	return p.do(op, func(ctx context.Context, tx pgx.Tx) error {
		var d Digest
		found, err := getRow(ctx, tx, &d, "SELECT data FROM digests WHERE channel_id = $1 AND date = $2 FOR UPDATE", channelID, date)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("no such digest")
		}
		if err := edit(&d); err != nil {
			return err
		}
		raw, err := encode(d)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "UPDATE digests SET status = $3, data = $4 WHERE channel_id = $1 AND date = $2",
			channelID, date, string(d.Status), raw)
		return err
	})
}

func (p *Postgres) Digest(channelID, date string) (Digest, bool, error) {
	var d Digest
	found := false
	err := p.do(fmt.Sprintf("read digest of channel %s for %s", channelID, date), func(ctx context.Context, tx pgx.Tx) error {
		var err error
		found, err = getRow(ctx, tx, &d, "SELECT data FROM digests WHERE channel_id = $1 AND date = $2", channelID, date)
		return err
	})
	return d, found, err
}

func (p *Postgres) LastDigest(channelID string) (Digest, bool, error) {
	var d Digest
	found := false
	err := p.do(fmt.Sprintf("read last digest of channel %s", channelID), func(ctx context.Context, tx pgx.Tx) error {
		var err error
		found, err = getRow(ctx, tx, &d, `SELECT data FROM digests WHERE channel_id = $1 AND status <> $2
			ORDER BY date COLLATE "C" DESC LIMIT 1`, channelID, string(Posting))
		return err
	})
	return d, found, err
}

func (p *Postgres) LogQuestion(q Question) error {
	return p.do("log question", func(ctx context.Context, tx pgx.Tx) error {
		return insertQuestion(ctx, tx, q)
	})
}

// insertQuestion appends q to the log, for LogQuestion and Import alike.
func insertQuestion(ctx context.Context, tx pgx.Tx, q Question) error {
	q = q.withReply()
	raw, err := encode(q)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, "INSERT INTO questions (at, guild_id, data) VALUES ($1, $2, $3)", q.Time.UnixNano(), q.GuildID, raw)
	return err
}

func (p *Postgres) Questions(guildID string, from, to time.Time) ([]Question, error) {
	var qs []Question
	err := p.do("read question log", func(ctx context.Context, tx pgx.Tx) error {
		var err error
		qs, err = rows[Question](ctx, tx, `SELECT data FROM questions WHERE at >= $1 AND at < $2 AND ($3 = '' OR guild_id = $3)
			ORDER BY at, id`, from.UnixNano(), to.UnixNano(), guildID)
		return err
	})
	for i := range qs {
		qs[i] = qs[i].withReply()
	}
	return qs, err
}

func (p *Postgres) TopQuestions(guildID string, from, to time.Time, n int) (answered, unanswered []Asked, err error) {
	qs, err := p.Questions(guildID, from, to)
	if err != nil {
		return nil, nil, err
	}
	answered, unanswered = topQuestions(qs, n)
	return answered, unanswered, nil
}

func (p *Postgres) Prune(cutoff time.Time) (int, error) {
	n := 0
	err := p.do(fmt.Sprintf("prune state before %s", cutoff.Format(time.RFC3339)), func(ctx context.Context, tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, "DELETE FROM questions WHERE at < $1", cutoff.UnixNano())
		if err != nil {
			return err
		}
		n = int(tag.RowsAffected())
		all, err := rows[Digest](ctx, tx, `SELECT data FROM digests ORDER BY channel_id COLLATE "C", date COLLATE "C" FOR UPDATE`)
		if err != nil {
			return err
		}
		for _, d := range prunable(all, cutoff) {
			if _, err := tx.Exec(ctx, "DELETE FROM digests WHERE channel_id = $1 AND date = $2", d.ChannelID, d.Date); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

func (p *Postgres) AddWatch(w Watch) (Watch, error) {
	w, err := checkQuery(w)
	if err != nil {
		return Watch{}, err
	}
	err = p.do(fmt.Sprintf("add watch %q in channel %s", w.Query, w.ChannelID), func(ctx context.Context, tx pgx.Tx) error {
		// Two replicas adding a channel's 25th watch, or the same query,
		// at once would each see room for it: one waits for the other.
		if err := lock(ctx, tx, lockWatches); err != nil {
			return err
		}
		others, err := rows[Watch](ctx, tx, "SELECT data FROM watches WHERE channel_id = $1 ORDER BY id", w.ChannelID)
		if err != nil {
			return err
		}
		if err := checkRoom(w, others); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, "SELECT nextval('watches_id_seq')").Scan(&w.ID); err != nil {
			return err
		}
		return insertWatch(ctx, tx, w)
	})
	if err != nil {
		return Watch{}, err
	}
	return w, nil
}

// insertWatch stores w under its id, for AddWatch and Import alike.
func insertWatch(ctx context.Context, tx pgx.Tx, w Watch) error {
	raw, err := encode(w)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, "INSERT INTO watches (id, guild_id, channel_id, data) VALUES ($1, $2, $3, $4)", int64(w.ID), w.GuildID, w.ChannelID, raw)
	return err
}

func (p *Postgres) RemoveWatch(guildID string, id uint64) (w Watch, found bool, err error) {
	err = p.do(fmt.Sprintf("remove watch %d", id), func(ctx context.Context, tx pgx.Tx) error {
		var err error
		found, err = getRow(ctx, tx, &w, "DELETE FROM watches WHERE id = $1 AND guild_id = $2 RETURNING data", int64(id), guildID)
		return err
	})
	if !found || err != nil {
		return Watch{}, false, err
	}
	return w, true, nil
}

func (p *Postgres) Watches(guildID, channelID string) ([]Watch, error) {
	var ws []Watch
	err := p.do("list watches", func(ctx context.Context, tx pgx.Tx) error {
		var err error
		ws, err = rows[Watch](ctx, tx, `SELECT data FROM watches WHERE ($1 = '' OR guild_id = $1) AND ($2 = '' OR channel_id = $2)
			ORDER BY id`, guildID, channelID)
		return err
	})
	return ws, err
}
