package main

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/dossier-bot/dossier/bot"
	"github.com/dossier-bot/dossier/index"
)

// telemetry is serve's Prometheus metrics, on a registry of its own so
// that nothing is shared between runs (or tests) through the global one.
// It is the bot's Observer.
type telemetry struct {
	reg           *prometheus.Registry
	questions     *prometheus.CounterVec
	latency       prometheus.Histogram
	discordErrors *prometheus.CounterVec
	rateLimits    prometheus.Counter
	rateLimitWait prometheus.Counter
	digests       prometheus.Counter
}

func newTelemetry() *telemetry {
	t := &telemetry{
		reg: prometheus.NewRegistry(),
		questions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dossier_questions_total",
			Help: "Questions asked on Discord, by outcome: answered, related (no direct answer, closest passages shown), unanswered (nothing in the corpus comes close), refused (empty or too long), throttled, busy or failed.",
		}, []string{"outcome"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "dossier_answer_duration_seconds",
			Help:    "Time from receiving a question to sending its answer to Discord, for questions that were searched (answered, related or unanswered).",
			Buckets: []float64{0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30},
		}),
		discordErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dossier_discord_api_errors_total",
			Help: "Failed calls to Discord's API, by operation.",
		}, []string{"operation"}),
		rateLimits: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "dossier_discord_rate_limit_waits_total",
			Help: "Times Discord answered 429 Too Many Requests and a request waited to be retried.",
		}),
		rateLimitWait: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "dossier_discord_rate_limit_wait_seconds_total",
			Help: "Time requests to Discord spent waiting out rate limits.",
		}),
		digests: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "dossier_digests_posted_total",
			Help: "Daily digests posted in full, each to one channel.",
		}),
	}
	for _, o := range bot.Outcomes() {
		// Present from the start, at 0, so rates and alerts need no
		// special case for an outcome that has not happened yet.
		t.questions.WithLabelValues(string(o))
	}
	t.reg.MustRegister(t.questions, t.latency, t.discordErrors, t.rateLimits, t.rateLimitWait, t.digests,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewBuildInfoCollector(),
	)
	return t
}

// Question is a bot.Observer method.
func (t *telemetry) Question(outcome bot.Outcome, took time.Duration) {
	// The latency first: a scrape that sees the question counted sees its
	// latency too.
	if outcome == bot.Answered || outcome == bot.Related || outcome == bot.Unanswered {
		t.latency.Observe(took.Seconds())
	}
	t.questions.WithLabelValues(string(outcome)).Inc()
}

// DiscordError is a bot.Observer method.
func (t *telemetry) DiscordError(operation string) {
	t.discordErrors.WithLabelValues(operation).Inc()
}

// RateLimited is a bot.Observer method.
func (t *telemetry) RateLimited(wait time.Duration) {
	t.rateLimits.Inc()
	t.rateLimitWait.Add(wait.Seconds())
}

// digestPosted counts a digest posted.
func (t *telemetry) digestPosted() { t.digests.Inc() }

// watchIndex exports the size of the index docs describes, read at each
// scrape so that re-indexing shows.
func (t *telemetry) watchIndex(docs func() []index.DocInfo) {
	t.reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "dossier_documents_indexed",
			Help: "Documents in the index.",
		}, func() float64 { return float64(len(docs())) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "dossier_passages_indexed",
			Help: "Passages in the index.",
		}, func() float64 {
			n := 0
			for _, d := range docs() {
				n += d.Passages
			}
			return float64(n)
		}),
	)
}
