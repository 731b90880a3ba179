package state

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Election says how replicas sharing a Postgres store choose the one that
// posts the digests. The zero value is the production setting: a replica
// that is not the leader tries every 15 seconds, the leader checks its
// session every 5, and a new leader waits 6 seconds before it acts, so
// that a leader that lost its session has noticed and stopped. A leader
// that dies outright loses its session at once; one that hangs or is cut
// off stops answering its checks, and the server ends its session after
// 30 seconds idle. Either way another replica leads within a minute.
type Election struct {
	Retry, Check, Settle time.Duration
	// Changed, if set, is told when this replica becomes the leader
	// (err nil), steps down, or fails to campaign (err says why).
	Changed func(leading bool, err error)
}

func (e Election) withDefaults() Election {
	if e.Retry <= 0 {
		e.Retry = 15 * time.Second
	}
	if e.Check <= 0 {
		e.Check = 5 * time.Second
	}
	if e.Settle <= 0 {
		e.Settle = e.Check + time.Second
	}
	if e.Changed == nil {
		e.Changed = func(bool, error) {}
	}
	return e
}

// errLostSession is a leader's session gone: terminated by an operator,
// the server restarting, the network.
var errLostSession = errors.New("the leader's database session was lost")

// Lead runs fn while this replica is the leader of those sharing the
// database, until ctx is done; then it returns nil. Leadership is a
// session-level advisory lock held on a connection of its own, outside
// the pool: it lasts exactly as long as that session, so a leader that
// dies frees it. fn must return soon after its context is cancelled,
// which happens when leadership is lost; it runs again if this replica
// leads again later.
func (p *Postgres) Lead(ctx context.Context, e Election, fn func(context.Context) error) error {
	e = e.withDefaults()
	for {
		led, err := p.leadOnce(ctx, e, fn)
		if ctx.Err() != nil {
			return nil
		}
		if led || err != nil {
			e.Changed(false, err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(e.Retry):
		}
	}
}

// leadOnce takes the leader's lock if it is free and runs fn until ctx is
// done or the session is lost. led says whether it got the lock.
func (p *Postgres) leadOnce(ctx context.Context, e Election, fn func(context.Context) error) (led bool, err error) {
	conn, err := pgx.ConnectConfig(ctx, p.pool.Config().ConnConfig.Copy())
	if err != nil {
		return false, fmt.Errorf("connect for the leader's lock: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	// A leader that stops checking in (hung, cut off) is ended by the
	// server, which frees the lock. Servers before PostgreSQL 14 lack the
	// setting; they free it when TCP gives up on the connection.
	conn.Exec(ctx, fmt.Sprintf("SET idle_session_timeout = %d", (6*e.Check).Milliseconds()))
	var got bool
	if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", lockLeader).Scan(&got); err != nil {
		return false, fmt.Errorf("try the leader's lock: %w", err)
	}
	if !got {
		return false, nil
	}
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	check := time.NewTicker(e.Check)
	defer check.Stop()
	alive := func() error {
		cctx, stop := context.WithTimeout(ctx, e.Check)
		defer stop()
		if err := conn.Ping(cctx); err != nil && ctx.Err() == nil {
			return fmt.Errorf("%w: %v", errLostSession, err)
		}
		return nil
	}
	settle := time.NewTimer(e.Settle)
	defer settle.Stop()
	for waiting := true; waiting; {
		select {
		case <-ctx.Done():
			return true, nil
		case <-check.C:
			if err := alive(); err != nil {
				return true, err
			}
		case <-settle.C:
			waiting = false
		}
	}
	e.Changed(true, nil)
	done := make(chan error, 1)
	go func() { done <- fn(lctx) }()
	for {
		select {
		case err := <-done:
			return true, err
		case <-check.C:
			if err := alive(); err != nil {
				cancel()
				<-done
				return true, err
			}
		}
	}
}
