package bot_test

import (
	"context"
	neturl "net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dossier-bot/dossier/bot"
	"github.com/dossier-bot/dossier/bot/digest"
	"github.com/dossier-bot/dossier/bot/discordtest"
	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/bot/state/statetest"
	"github.com/dossier-bot/dossier/corpus"
)

// stillClock is a clock that does not move: each term of leadership
// ticks once, at its start, and then waits.
type stillClock struct{ now time.Time }

func (c stillClock) Now() time.Time                     { return c.now }
func (stillClock) After(time.Duration) <-chan time.Time { return nil }

// Three replicas share one database and one Discord. The leader posts the
// digests; its database session is cut while it is posting. Another
// replica must take over and finish, and every part of every digest must
// be in its channel exactly once.
func TestReplicasPostEachDigestOnceWhenTheLeaderDiesMidPost(t *testing.T) {
	t.Parallel()
	url := statetest.Database(t)
	fake := discordtest.NewServer(t)
	now := time.Now()
	clock := stillClock{now}

	setup, err := state.OpenPostgres(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer setup.Close()
	var channels []string
	for _, name := range []string{"news", "research", "ops"} {
		ch := fake.AddChannel(name)
		channels = append(channels, ch)
		if _, err := setup.Subscribe(state.Subscription{GuildID: fake.GuildID(), ChannelID: ch, Time: "00:00", Zone: "UTC", Created: now.Add(-48 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	builtin, err := corpus.Load(corpus.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := setup.RecordDocuments(builtin, now.Add(-time.Hour), digest.Lead); err != nil {
		t.Fatal(err)
	}

	// Each post reaches the fake a while after it is sent, so that the
	// leader is caught mid-post.
	fake.SetLatency(150 * time.Millisecond)
	election := state.Election{Retry: 100 * time.Millisecond, Check: 50 * time.Millisecond, Settle: 400 * time.Millisecond}
	var (
		mu    sync.Mutex
		terms []int
	)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for i := range 3 {
		st, err := state.OpenPostgres(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		session, err := bot.NewSession(fake.Token(), fake.APIURL())
		if err != nil {
			t.Fatal(err)
		}
		sched := digest.NewScheduler(digest.Config{Store: st, Poster: bot.NewPoster(session), Clock: clock})
		wg.Add(1)
		go func() {
			defer wg.Done()
			st.Lead(ctx, election, func(ctx context.Context) error {
				mu.Lock()
				terms = append(terms, i)
				mu.Unlock()
				return sched.Run(ctx)
			})
		}()
	}
	defer func() {
		cancel()
		wg.Wait()
	}()

	// Once the first digest message is posted, the leader's session goes.
	waitFor(t, "a first digest message", func() bool { return posts(fake) >= 1 })
	u, err := neturl.Parse(url)
	if err != nil {
		t.Fatal(err)
	}
	var killed int
	if err := statetest.Admin(t).QueryRow(context.Background(), `SELECT count(pg_terminate_backend(l.pid)) FROM pg_locks l
		JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND l.granted AND d.datname = $1`,
		strings.TrimPrefix(u.Path, "/")).Scan(&killed); err != nil {
		t.Fatal(err)
	}
	if killed != 1 {
		t.Fatalf("ended %d sessions holding an advisory lock, want the leader's 1", killed)
	}

	waitFor(t, "every digest posted", func() bool {
		for _, ch := range channels {
			d, found, err := setup.Digest(ch, now.UTC().Format(time.DateOnly))
			if err != nil || !found || d.Status != state.Posted {
				return false
			}
		}
		return true
	})
	for _, ch := range channels {
		d, _, _ := setup.Digest(ch, now.UTC().Format(time.DateOnly))
		count := map[string]int{}
		for _, m := range fake.Messages(ch) {
			count[m.Content]++
		}
		for i, p := range d.Parts {
			if count[p.Content] != 1 {
				t.Errorf("channel %s: part %d of the digest is in the channel %d times, want once", ch, i, count[p.Content])
			}
		}
		// At the wire too: Discord's enforce_nonce would hide a second
		// post of a part from the channel, but not from this count.
		for i, p := range d.Parts {
			if n := postsWithNonce(fake, p.Nonce); n != 1 {
				t.Errorf("channel %s: part %d of the digest was posted %d times, want once", ch, i, n)
			}
		}
		if len(fake.Messages(ch)) != len(d.Parts) {
			t.Errorf("channel %s has %d messages, want the digest's %d parts", ch, len(fake.Messages(ch)), len(d.Parts))
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(terms) < 2 {
		t.Errorf("terms of leadership = %v, want a new term after the leader's session ended", terms)
	}
	noViolations(t, fake)
}

// posts counts the messages the fake has accepted.
func posts(fake *discordtest.Server) int {
	n := 0
	for _, r := range fake.Requests() {
		if r.Method == "POST" && strings.HasSuffix(r.Path, "/messages") && r.Status == 200 {
			n++
		}
	}
	return n
}

// postsWithNonce counts the message posts the fake accepted with the
// nonce.
func postsWithNonce(fake *discordtest.Server, nonce string) int {
	n := 0
	for _, r := range fake.Requests() {
		if body, ok := r.Body.(map[string]any); ok && r.Method == "POST" && r.Status == 200 && body["nonce"] == nonce {
			n++
		}
	}
	return n
}

func waitFor(tb testing.TB, what string, done func() bool) {
	tb.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !done() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
