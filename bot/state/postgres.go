package state

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Postgres is the bot's state in a PostgreSQL database, shared by every
// replica that opens it. It is safe for concurrent use, within a process
// and across processes: each method is one transaction, and what must
// not interleave between replicas (numbering a channel's watches,
// recording the corpus) takes an advisory lock for the transaction.
//
// Records are stored as the same JSON that File keeps, in jsonb columns
// beside the keys they are looked up by, so the two stores cannot drift
// apart in what they remember.
type Postgres struct {
	pool *pgxpool.Pool
	// where names the database in errors, without its password.
	where string
}

// opTimeout bounds one operation: a database that stops answering fails
// the command that needed it instead of hanging it. longOpTimeout bounds
// those that go through the whole corpus or the whole state.
const (
	opTimeout     = 30 * time.Second
	longOpTimeout = 30 * time.Minute
)

// Advisory lock keys, all in one namespace of this application: "doss"
// in the high 32 bits.
const (
	lockMigrate  int64 = 0x646f7373_00000001
	lockRegistry int64 = 0x646f7373_00000002
	lockLeader   int64 = 0x646f7373_00000003
	lockWatches  int64 = 0x646f7373_00000004
)

// pgMigrations upgrade the schema one version at a time: pgMigrations[v]
// turns a version v database into version v+1, in one transaction.
var pgMigrations = []string{
	// 0 → 1: the first schema.
	`CREATE TABLE subscriptions (
		channel_id text PRIMARY KEY,
		data jsonb NOT NULL
	);
	CREATE TABLE digests (
		channel_id text NOT NULL,
		date text NOT NULL,
		status text NOT NULL,
		data jsonb NOT NULL,
		PRIMARY KEY (channel_id, date)
	);
	CREATE TABLE questions (
		id bigserial PRIMARY KEY,
		at bigint NOT NULL,
		guild_id text NOT NULL,
		data jsonb NOT NULL
	);
	CREATE INDEX questions_at ON questions (at, id);
	CREATE TABLE watches (
		id bigserial PRIMARY KEY,
		guild_id text NOT NULL,
		channel_id text NOT NULL,
		data jsonb NOT NULL
	);
	CREATE TABLE documents (
		id text PRIMARY KEY,
		removed boolean NOT NULL,
		data jsonb NOT NULL
	);
	CREATE TABLE citations (
		id text PRIMARY KEY,
		key text NOT NULL,
		data jsonb NOT NULL
	);
	CREATE TABLE citation_posts (
		seq bigserial PRIMARY KEY,
		channel_id text NOT NULL,
		at bigint NOT NULL,
		citation_id text NOT NULL,
		data jsonb NOT NULL
	);
	CREATE INDEX citation_posts_channel ON citation_posts (channel_id, at, seq);
	CREATE TABLE citation_users (
		seq bigserial PRIMARY KEY,
		user_id text NOT NULL,
		at bigint NOT NULL,
		citation_id text NOT NULL
	);
	CREATE INDEX citation_users_user ON citation_users (user_id, at, seq);
	CREATE TABLE meta (
		key text PRIMARY KEY,
		value bytea NOT NULL
	);
	CREATE TABLE interactions (
		id text PRIMARY KEY,
		until bigint NOT NULL
	);
	CREATE INDEX interactions_until ON interactions (until);`,
}

// OpenPostgres connects to the PostgreSQL database at url and brings its
// schema up to date. Replicas starting together upgrade it once: the
// upgrade holds an advisory lock. A database whose schema is newer than
// this dossier's is refused rather than misread.
func OpenPostgres(ctx context.Context, dbURL string) (*Postgres, error) {
	where := redactURL(dbURL)
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		// pgx's parse errors quote the URL, password and all.
		return nil, fmt.Errorf("open state in PostgreSQL: the database URL %s is not valid", where)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open state in PostgreSQL at %s: %w", where, err)
	}
	p := &Postgres{pool: pool, where: where}
	if err := p.migrate(ctx); err != nil {
		pool.Close()
		if unreachable(err) {
			err = fmt.Errorf("%w: %w", ErrUnreachable, err)
		}
		return nil, fmt.Errorf("open state in PostgreSQL at %s: %w", where, err)
	}
	return p, nil
}

// ErrUnreachable marks an OpenPostgres that could not reach the server
// (refused, timed out, no route): worth trying again, unlike a refused
// password, a missing database or a newer schema.
var ErrUnreachable = errors.New("the database server did not answer")

// unreachable reports whether err is a failure to reach the server rather
// than an answer from it.
func unreachable(err error) bool {
	var ce *pgconn.ConnectError
	var pe *pgconn.PgError
	return errors.As(err, &ce) && !errors.As(err, &pe)
}

func (p *Postgres) migrate(ctx context.Context) error {
	conn, err := p.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	// A session lock, on this connection: released below, or by the
	// server if the process dies mid-way.
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", lockMigrate); err != nil {
		return fmt.Errorf("wait for the schema lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", lockMigrate)
	if _, err := conn.Exec(ctx, "CREATE TABLE IF NOT EXISTS dossier_schema (version integer NOT NULL)"); err != nil {
		return fmt.Errorf("create the schema table: %w", err)
	}
	version := 0
	err = conn.QueryRow(ctx, "SELECT version FROM dossier_schema").Scan(&version)
	if errors.Is(err, pgx.ErrNoRows) {
		_, err = conn.Exec(ctx, "INSERT INTO dossier_schema (version) VALUES (0)")
	}
	if err != nil {
		return fmt.Errorf("read the schema version: %w", err)
	}
	if version > len(pgMigrations) {
		return fmt.Errorf("schema version %d is newer than this dossier's %d: upgrade dossier", version, len(pgMigrations))
	}
	for v := version; v < len(pgMigrations); v++ {
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, pgMigrations[v]); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, "UPDATE dossier_schema SET version = $1", v+1)
			return err
		})
		if err != nil {
			return fmt.Errorf("upgrade schema %d to %d: %w", v, v+1, err)
		}
	}
	return nil
}

// Close closes the connections.
func (p *Postgres) Close() error {
	p.pool.Close()
	return nil
}

// DatabaseName names the database at a URL as Where does, without its
// password.
func DatabaseName(dbURL string) string { return redactURL(dbURL) }

// redactURL is the database URL without its password, for errors.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return "(the URL given)"
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// do runs fn in a transaction of its own, bounded by opTimeout, and names
// the operation in the error.
func (p *Postgres) do(op string, fn func(ctx context.Context, tx pgx.Tx) error) error {
	return p.within(opTimeout, op, fn)
}

func (p *Postgres) doLong(op string, fn func(ctx context.Context, tx pgx.Tx) error) error {
	return p.within(longOpTimeout, op, fn)
}

func (p *Postgres) within(timeout time.Duration, op string, fn func(ctx context.Context, tx pgx.Tx) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	err := pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error { return fn(ctx, tx) })
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

// lock takes the advisory lock key until the transaction ends.
func lock(ctx context.Context, tx pgx.Tx, key int64) error {
	_, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", key)
	return err
}

// getRow decodes the jsonb of the one row query returns into v and
// reports whether there was one.
func getRow(ctx context.Context, tx pgx.Tx, v any, query string, args ...any) (bool, error) {
	var raw []byte
	err := tx.QueryRow(ctx, query, args...).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, decode(raw, v)
}

// rows decodes the jsonb of every row query returns, in order.
func rows[T any](ctx context.Context, tx pgx.Tx, query string, args ...any) ([]T, error) {
	var out []T
	err := eachRow(ctx, tx, func(v T) error {
		out = append(out, v)
		return nil
	}, query, args...)
	return out, err
}

// eachRow decodes the jsonb of each row query returns and calls fn with
// it, in order, without holding them all.
func eachRow[T any](ctx context.Context, tx pgx.Tx, fn func(T) error, query string, args ...any) error {
	rs, err := tx.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	var raw []byte
	_, err = pgx.ForEachRow(rs, []any{&raw}, func() error {
		var v T
		if err := decode(raw, &v); err != nil {
			return err
		}
		return fn(v)
	})
	return err
}

// encode is v as the JSON the jsonb columns keep.
func encode(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	return raw, nil
}

// decode reads a jsonb value into v.
func decode(raw []byte, v any) error {
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	return nil
}

// Where names the database, without its password: for logs and errors.
func (p *Postgres) Where() string { return p.where }
