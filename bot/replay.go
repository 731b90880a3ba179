package bot

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Discord delivers each interaction once, but a signed request captured on
// its way (by a logging proxy, say) stays valid for maxSignatureAge and
// could be sent again to have it answered, and its question logged, again.
// So each interaction that comes over HTTP is remembered for its lifetime,
// in a store all instances share, and one seen before is acknowledged
// without being acted on.

// interactionLifetime is how long an interaction's token is valid, and
// so for how long a repeat of it could matter.
const interactionLifetime = 15 * time.Minute

// InteractionLog remembers the interactions received; state.Store is one.
type InteractionLog interface {
	// FirstSeen records id until the given time and reports whether it
	// is the first time it is seen.
	FirstSeen(ctx context.Context, id string, until time.Time) (bool, error)
}

// seenTimeout bounds asking the InteractionLog, well inside Discord's 3
// seconds for the initial response.
const seenTimeout = time.Second

// firstSeen reports whether the interaction id is new. When the log cannot
// tell, it is taken as new: answering a rare repeat is better than not
// answering at all.
func (b *Bot) firstSeen(ctx context.Context, id string) bool {
	ctx, cancel := context.WithTimeout(ctx, seenTimeout)
	defer cancel()
	first, err := b.opts.Seen.FirstSeen(ctx, id, b.opts.Now().Add(interactionLifetime))
	if err != nil {
		b.log.Error("check whether an interaction was seen before; answering it", "interaction", id, "err", err)
		return true
	}
	return first
}

// ackRepeat acknowledges a repeated interaction as its first delivery was
// acknowledged, deferred, so that if the repeat is Discord's own (a proxy
// retrying a request whose response was lost) the answer the first
// delivery is preparing fills the reply. Written out, because discordgo
// drops an empty list of choices, which Discord requires.
func ackRepeat(w http.ResponseWriter, i *discordgo.Interaction) {
	body := `{"type":5,"data":{"flags":64}}` // deferred, ephemeral
	switch i.Type {
	case discordgo.InteractionMessageComponent:
		body = `{"type":6}` // deferred update
	case discordgo.InteractionApplicationCommandAutocomplete:
		body = `{"type":8,"data":{"choices":[]}}`
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	io.WriteString(w, body)
}

// seenIDs is the InteractionLog of a Dossier without a state store: this
// process's memory.
type seenIDs struct {
	mu     sync.Mutex
	until  map[string]time.Time
	pruned time.Time // when expired ids were last deleted
}

func (s *seenIDs) FirstSeen(_ context.Context, id string, until time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	if s.until == nil {
		s.until = map[string]time.Time{}
	}
	// Pruned once a minute, not on every call: under load the map holds
	// every interaction of the last 15 minutes.
	if now.Sub(s.pruned) >= time.Minute {
		s.pruned = now
		for k, t := range s.until {
			if !t.After(now) {
				delete(s.until, k)
			}
		}
	}
	if t, ok := s.until[id]; ok && t.After(now) {
		return false, nil
	}
	s.until[id] = until
	return true, nil
}
