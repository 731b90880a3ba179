package bot

import (
	"sync"
	"time"
)

// limiter allows each user max questions in any window of the given
// length (a sliding window), so one person cannot monopolise the index.
type limiter struct {
	max    int
	window time.Duration
	now    func() time.Time

	mu   sync.Mutex
	seen map[string][]time.Time // per user, oldest first, all within window
}

func newLimiter(max int, window time.Duration, now func() time.Time) *limiter {
	return &limiter{max: max, window: window, now: now, seen: map[string][]time.Time{}}
}

// allow records a question from user if the user has asked fewer than max
// in the window. Otherwise it reports how long until the next is allowed.
func (l *limiter) allow(user string) (ok bool, wait time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	recent := l.recent(user, now)
	if len(recent) >= l.max {
		return false, recent[0].Add(l.window).Sub(now)
	}
	l.seen[user] = append(recent, now)
	if len(l.seen) > 1024 {
		// Forget users who have gone quiet, so the map stays small.
		for u := range l.seen {
			if len(l.recent(u, now)) == 0 {
				delete(l.seen, u)
			}
		}
	}
	return true, 0
}

// recent drops user's questions older than the window and returns the rest.
func (l *limiter) recent(user string, now time.Time) []time.Time {
	times := l.seen[user]
	i := 0
	for i < len(times) && !times[i].After(now.Add(-l.window)) {
		i++
	}
	times = times[i:]
	l.seen[user] = times
	return times
}
