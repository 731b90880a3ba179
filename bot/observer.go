package bot

import (
	"time"

	"github.com/dossier-bot/dossier/index"
)

// Outcome is how a question ended.
type Outcome string

const (
	Answered   Outcome = "answered"   // with passages that answer it
	Related    Outcome = "related"    // no direct answer, closest passages shown
	Unanswered Outcome = "unanswered" // nothing in the corpus comes close
	Refused    Outcome = "refused"    // empty, too long, or a message without text
	Throttled  Outcome = "throttled"  // the asker's rate limit
	Busy       Outcome = "busy"       // no search slot came free in time
	Failed     Outcome = "failed"     // the search or Discord failed
)

// Outcomes lists every Outcome.
func Outcomes() []Outcome {
	return []Outcome{Answered, Related, Unanswered, Refused, Throttled, Busy, Failed}
}

// outcomeOf is the Outcome of a question that got a reply of kind k.
func outcomeOf(k index.Kind) Outcome {
	switch k {
	case index.Answered:
		return Answered
	case index.Related:
		return Related
	}
	return Unanswered
}

// Observer is told how questions end and how calls to Discord go, for
// metrics. Its methods are called from many goroutines and must be quick.
type Observer interface {
	// Question reports a question (a More results page included) and
	// the time from receiving it to sending its answer.
	Question(outcome Outcome, took time.Duration)
	// DiscordError reports a failed call to Discord's API; operation is
	// one of a fixed set of short descriptions, such as "acknowledge".
	DiscordError(operation string)
	// RateLimited reports a request Discord answered with 429 Too Many
	// Requests, which waits before it is retried.
	RateLimited(wait time.Duration)
}

// unobserved is the Observer of a Bot that was given none.
type unobserved struct{}

func (unobserved) Question(Outcome, time.Duration) {}
func (unobserved) DiscordError(string)             {}
func (unobserved) RateLimited(time.Duration)       {}
