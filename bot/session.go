package bot

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// NewSession returns a discordgo session for a bot token whose REST calls,
// the gateway lookup included, go to apiBase instead of discord.com. It
// asks the gateway for guild events only: interactions need no intent.
func NewSession(token, apiBase string) (*discordgo.Session, error) {
	token = strings.TrimSpace(token)
	// The token may be given as the Authorization header value.
	if rest, ok := strings.CutPrefix(token, "Bot"); ok && (rest == "" || rest[0] == ' ') {
		token = strings.TrimSpace(rest)
	}
	if token == "" {
		return nil, errors.New("new discord session: the bot token is empty")
	}
	to, err := url.Parse(apiBase)
	if err != nil || (to.Scheme != "http" && to.Scheme != "https") || to.Host == "" {
		return nil, fmt.Errorf("new discord session: API address %q is not an http or https URL", apiBase)
	}
	from, err := url.Parse(discordgo.EndpointAPI)
	if err != nil {
		return nil, fmt.Errorf("new discord session: discordgo's API address: %w", err)
	}
	s, err := discordgo.New("Bot " + token)
	if err != nil {
		return nil, fmt.Errorf("new discord session: %w", redact(err, s))
	}
	s.Identify.Intents = discordgo.IntentsGuilds
	s.Client = &http.Client{
		Timeout:   20 * time.Second,
		Transport: &rebase{from: from, to: to, next: http.DefaultTransport},
	}
	return s, nil
}

// rebase sends requests for one API base URL to another. discordgo builds
// its endpoint URLs once, from discord.com; rewriting them on the way out
// points the session elsewhere without touching that global state.
type rebase struct {
	from, to *url.URL
	next     http.RoundTripper
}

func (rb *rebase) RoundTrip(req *http.Request) (*http.Response, error) {
	rest, ok := strings.CutPrefix(req.URL.Path, rb.from.Path)
	if req.URL.Host != rb.from.Host || !ok {
		return rb.next.RoundTrip(req)
	}
	u := *req.URL
	u.Scheme, u.Host = rb.to.Scheme, rb.to.Host
	u.Path = strings.TrimSuffix(rb.to.Path, "/") + "/" + rest
	if u.RawPath != "" {
		rawRest := strings.TrimPrefix(u.RawPath, rb.from.EscapedPath())
		u.RawPath = strings.TrimSuffix(rb.to.EscapedPath(), "/") + "/" + rawRest
	}
	out := req.Clone(req.Context())
	out.URL, out.Host = &u, ""
	return rb.next.RoundTrip(out)
}

// secretInURL matches the token in webhook and interaction callback URLs:
// whoever has it can post as the bot for fifteen minutes.
var secretInURL = regexp.MustCompile(`(/(?:webhooks|interactions)/[^/\s"]+/)[^/?\s"]+`)

// redactedError is an error with credentials removed from its text. The
// original stays reachable with errors.As for classification.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redact hides the bot token and interaction tokens in err's text. With
// a rebased session, it also names the address a request really went to:
// net/http reports the URL discordgo asked for.
func redact(err error, s *discordgo.Session) error {
	if err == nil {
		return nil
	}
	msg := secretInURL.ReplaceAllString(err.Error(), "${1}[redacted]")
	if token := strings.TrimPrefix(s.Token, "Bot "); token != "" {
		msg = strings.ReplaceAll(msg, token, "[redacted]")
	}
	if rb, ok := s.Client.Transport.(*rebase); ok {
		msg = strings.ReplaceAll(msg, rb.from.String(), strings.TrimSuffix(rb.to.String(), "/")+"/")
	}
	return &redactedError{msg: msg, err: err}
}
