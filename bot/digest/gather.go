package digest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/index"
)

// questionsKept is how many grouped questions of each kind Gather reads:
// more than a digest shows, so it can say how many it left out.
const questionsKept = 100

// watchResults is how many passages are searched for each watch; those
// first seen in the digest's window are kept.
const watchResults = 50

// Asker answers a question from the index; *index.Index is one.
type Asker interface {
	Ask(ctx context.Context, question string, k int) (index.Answer, error)
}

// Window says what a digest covers and for whom.
type Window struct {
	// GuildID and ChannelID choose the questions (the guild's) and the
	// watches (the channel's); "" means every guild, every channel.
	GuildID, ChannelID string
	// Date is the day the digest is for, in the reader's zone.
	Date time.Time
	// Since and Until bound the document changes and watch matches
	// shown: (Since, Until].
	Since, Until time.Time
	// AskedSince starts the questions shown: [AskedSince, Until).
	AskedSince time.Time
}

// Gather reads what a digest of w is made from: the document registry,
// the question log and each watch's search results. The index is only
// asked when there are watches and documents new in the window.
func Gather(ctx context.Context, st state.Store, ix Asker, w Window) (Input, error) {
	in := Input{Date: w.Date, Since: w.Since, Until: w.Until}
	var err error
	if in.Documents, err = st.Documents(); err != nil {
		return Input{}, fmt.Errorf("gather digest: %w", err)
	}
	if in.Asked, in.Unanswered, err = st.TopQuestions(w.GuildID, w.AskedSince, w.Until, questionsKept); err != nil {
		return Input{}, fmt.Errorf("gather digest: %w", err)
	}
	if len(Compose(in).Documents) == 0 {
		return in, nil // nothing new in the corpus for a watch to match
	}
	watches, err := st.Watches(w.GuildID, w.ChannelID)
	if err != nil {
		return Input{}, fmt.Errorf("gather digest: %w", err)
	}
	for _, wt := range watches {
		a, err := ix.Ask(ctx, wt.Query, watchResults)
		if errors.Is(err, index.ErrEmptyQuestion) {
			continue // punctuation only: it matches nothing
		}
		if err != nil {
			return Input{}, fmt.Errorf("gather digest: search watch %d %q: %w", wt.ID, wt.Query, err)
		}
		in.Watches = append(in.Watches, WatchResults{Watch: wt, Results: a.Results})
	}
	return in, nil
}
