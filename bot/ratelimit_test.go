package bot

import (
	"testing"
	"time"
)

// clock is a settable time source for the limiter.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func TestLimiterSlidingWindow(t *testing.T) {
	t.Parallel()
	c := &clock{t: time.Date(2024, 4, 24, 12, 0, 0, 0, time.UTC)}
	l := newLimiter(5, 30*time.Second, c.now)
	for i := range 5 {
		if ok, _ := l.allow("ann"); !ok {
			t.Fatalf("allow(ann) #%d = false, want true", i+1)
		}
		c.advance(5 * time.Second)
	}
	// Questions at 0, 5, 10, 15, 20 s; it is now 25 s.
	ok, wait := l.allow("ann")
	if ok || wait != 5*time.Second {
		t.Errorf("allow(ann) #6 = %v, wait %v; want false, 5s", ok, wait)
	}
	if ok, _ := l.allow("bob"); !ok {
		t.Errorf("allow(bob) = false, want true: limits are per user")
	}
	c.advance(5 * time.Second) // the question at 0 s leaves the window
	if ok, _ := l.allow("ann"); !ok {
		t.Errorf("allow(ann) at 30s = false, want true")
	}
	if ok, wait := l.allow("ann"); ok || wait != 5*time.Second {
		t.Errorf("allow(ann) again at 30s = %v, wait %v; want false, 5s", ok, wait)
	}
}

func TestLimiterForgetsQuietUsers(t *testing.T) {
	t.Parallel()
	c := &clock{t: time.Unix(0, 0)}
	l := newLimiter(1, time.Second, c.now)
	for i := range 2000 {
		l.allow(string(rune('a'+i%26)) + string(rune(i)))
		c.advance(time.Second)
	}
	if n := len(l.seen); n > 1025 {
		t.Errorf("limiter remembers %d users, want quiet ones forgotten", n)
	}
}
