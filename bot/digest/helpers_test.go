package digest

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/dossier-bot/dossier/bot/markdown"
	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/corpus"
	"github.com/dossier-bot/dossier/index"
)

// fakeClock is a clock that moves only when told to.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []waiter
	waiting chan struct{} // signalled on every After
}

type waiter struct {
	at time.Time
	ch chan time.Time
}

func newFakeClock(now time.Time) *fakeClock {
	return &fakeClock{now: now, waiting: make(chan struct{}, 1)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	c.waiters = append(c.waiters, waiter{c.now.Add(d), ch})
	select {
	case c.waiting <- struct{}{}:
	default:
	}
	return ch
}

// set moves the clock to t and fires the waits that are due.
func (c *fakeClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if w.at.After(t) {
			kept = append(kept, w)
			continue
		}
		w.ch <- t
	}
	c.waiters = kept
}

// next waits until something waits on the clock, then moves the clock to
// the earliest deadline and fires it; it returns that deadline.
func (c *fakeClock) next(tb testing.TB) time.Time {
	tb.Helper()
	c.blocked(tb)
	c.mu.Lock()
	at := c.waiters[0].at
	for _, w := range c.waiters {
		if w.at.Before(at) {
			at = w.at
		}
	}
	c.mu.Unlock()
	c.set(at)
	return at
}

// blocked waits until something waits on the clock.
func (c *fakeClock) blocked(tb testing.TB) {
	tb.Helper()
	for {
		c.mu.Lock()
		n := len(c.waiters)
		c.mu.Unlock()
		if n > 0 {
			return
		}
		select {
		case <-c.waiting:
		case <-time.After(10 * time.Second):
			tb.Fatal("nothing waits on the clock")
		}
	}
}

// discord is a fake of the Discord channel side of a Poster: it keeps the
// messages posted to each channel, refuses a repeated nonce within five
// minutes as Discord does with enforce_nonce, and can be made to fail.
type discord struct {
	mu    sync.Mutex
	clock Clock
	msgs  map[string][]posted
	next  int
	// fail, when set, decides each Post's fate before it happens:
	// an error to return without posting.
	fail func(channelID string, n int) error
	// lose, when set, makes a Post succeed but return an error, as when
	// the process dies before it can record the message.
	lose  func(channelID string, n int) bool
	posts int // Post calls
}

type posted struct {
	SentMessage
	nonce string
	at    time.Time
}

func newDiscord(clock Clock) *discord {
	return &discord{clock: clock, msgs: map[string][]posted{}}
}

var errLost = fmt.Errorf("process died before recording the message")

func (d *discord) Post(_ context.Context, channelID, content, nonce string) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.posts++
	if d.fail != nil {
		if err := d.fail(channelID, d.posts); err != nil {
			return "", err
		}
	}
	if content == "" || len([]rune(content)) > markdown.MaxContent || len(nonce) > 25 {
		return "", fmt.Errorf("400 Bad Request: content of %d characters, nonce %q", len([]rune(content)), nonce)
	}
	now := d.clock.Now()
	for _, m := range d.msgs[channelID] {
		if m.nonce == nonce && now.Sub(m.at) < 5*time.Minute {
			return m.ID, nil
		}
	}
	d.next++
	m := posted{SentMessage{ID: fmt.Sprint(1000 + d.next), Content: content}, nonce, now}
	d.msgs[channelID] = append(d.msgs[channelID], m)
	if d.lose != nil && d.lose(channelID, d.posts) {
		return "", errLost
	}
	return m.ID, nil
}

func (d *discord) Sent(_ context.Context, channelID string, after time.Time) ([]SentMessage, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []SentMessage
	for _, m := range d.msgs[channelID] {
		if m.at.After(after) {
			out = append(out, m.SentMessage)
		}
	}
	return out, nil
}

// channel returns the contents posted to a channel.
func (d *discord) channel(id string) []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []string
	for _, m := range d.msgs[id] {
		out = append(out, m.Content)
	}
	return out
}

// postTimes returns when each message was posted to a channel.
func (d *discord) postTimes(id string) []time.Time {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []time.Time
	for _, m := range d.msgs[id] {
		out = append(out, m.at)
	}
	return out
}

// newStore opens a state store in a temporary folder.
func newStore(tb testing.TB) state.Store {
	tb.Helper()
	s, err := state.Open(filepath.Join(tb.TempDir(), state.FileName))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// builtin loads the built-in corpus.
func builtin(tb testing.TB) *corpus.Corpus {
	tb.Helper()
	c, err := corpus.Load(corpus.Builtin())
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// memoryIndex indexes c in memory.
func memoryIndex(tb testing.TB, c *corpus.Corpus) *index.Index {
	tb.Helper()
	ix, err := index.NewMemory()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ix.Close() })
	if _, err := ix.Sync(context.Background(), c, nil); err != nil {
		tb.Fatal(err)
	}
	return ix
}

// zone loads an IANA time zone.
func zone(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatal(err)
	}
	return loc
}

// subscribe stores a subscription made at created.
func subscribe(tb testing.TB, st state.Store, channel, hhmm, tz string, created time.Time) {
	tb.Helper()
	if _, err := st.Subscribe(state.Subscription{GuildID: "g", ChannelID: channel, Time: hhmm, Zone: tz, Created: created}); err != nil {
		tb.Fatal(err)
	}
}

// logQuestions logs questions asked in guild g just before at, so that
// every digest after at has something to say.
func logQuestions(tb testing.TB, st state.Store, at time.Time, texts ...string) {
	tb.Helper()
	for i, text := range texts {
		q := state.Question{GuildID: "g", ChannelID: "c", Text: text, Time: at.Add(-time.Duration(i+1) * time.Second)}
		if err := st.LogQuestion(q); err != nil {
			tb.Fatal(err)
		}
	}
}

// logAnswer logs the question a answers, asked in guild g at at, as the
// bot logs it: with the kind of reply and the passages it showed.
func logAnswer(tb testing.TB, st state.Store, a index.Answer, at time.Time) {
	tb.Helper()
	q := state.Question{GuildID: "g", ChannelID: "c", Text: a.Question, Reply: state.ReplyNone, Time: at}
	var shown []index.Result
	switch a.Kind() {
	case index.Answered:
		q.Reply, shown = state.ReplyAnswered, a.Results
	case index.Related:
		q.Reply, shown = state.ReplyRelated, a.Related
	}
	for _, r := range shown {
		q.Citations = append(q.Citations, state.Citation{DocID: r.Doc.ID, Title: r.Doc.Title, Publisher: r.Doc.Publisher, Link: r.Link, Excerpt: r.Excerpt})
	}
	if err := st.LogQuestion(q); err != nil {
		tb.Fatal(err)
	}
}

// sorted returns a sorted copy.
func sorted(ss []string) []string {
	ss = slices.Clone(ss)
	slices.Sort(ss)
	return ss
}
