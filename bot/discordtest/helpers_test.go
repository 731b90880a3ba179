package discordtest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// discordAPI is the base URL discordgo uses for REST requests.
const discordAPI = "https://discord.com/api/v9"

// rewrite sends discordgo's REST requests to the fake, the way the bot's
// own transport will.
type rewrite struct {
	base string
	next http.RoundTripper
}

func (rt rewrite) RoundTrip(r *http.Request) (*http.Response, error) {
	rest, ok := strings.CutPrefix(r.URL.String(), discordAPI)
	if !ok {
		return nil, fmt.Errorf("request to %s outside the Discord API", r.URL.Redacted())
	}
	u, err := url.Parse(rt.base + rest)
	if err != nil {
		return nil, err
	}
	r = r.Clone(r.Context())
	r.URL, r.Host = u, u.Host
	return rt.next.RoundTrip(r)
}

// newClient returns a discordgo session whose REST requests go to s; the
// gateway is not opened.
func newClient(tb testing.TB, s *Server) *discordgo.Session {
	tb.Helper()
	dg, err := discordgo.New("Bot " + s.Token())
	if err != nil {
		tb.Fatal(err)
	}
	dg.Client = &http.Client{Transport: rewrite{base: s.APIURL(), next: http.DefaultTransport}, Timeout: 10 * time.Second}
	dg.ShouldRetryOnRateLimit = true
	return dg
}

// openBot connects a discordgo session to s's gateway with the given
// interaction handler; it is closed at cleanup.
func openBot(tb testing.TB, s *Server, handle func(*discordgo.Session, *discordgo.InteractionCreate)) *discordgo.Session {
	tb.Helper()
	dg := newClient(tb, s)
	dg.AddHandler(handle)
	if err := dg.Open(); err != nil {
		tb.Fatalf("Open() = %v", err)
	}
	tb.Cleanup(func() { dg.Close() })
	s.WaitConnected(tb)
	return dg
}

// await receives from ch or fails the test after a while.
func await[T any](tb testing.TB, ch <-chan T, what string) T {
	tb.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(20 * time.Second):
		tb.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

func waitCtx(tb testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	tb.Cleanup(cancel)
	return ctx
}

// quiet is the allowed_mentions every message must carry.
func quiet() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

func noViolations(tb testing.TB, s *Server) {
	tb.Helper()
	if v := s.Violations(); len(v) > 0 {
		tb.Errorf("Violations() = %q, want none", v)
	}
}

// wantViolation checks that exactly one violation was recorded and that it
// mentions want.
func wantViolation(tb testing.TB, s *Server, want string) {
	tb.Helper()
	v := s.Violations()
	if len(v) != 1 || !strings.Contains(v[0], want) {
		tb.Errorf("Violations() = %q, want one mentioning %q", v, want)
	}
}

// wantRESTError checks err is a Discord error with the status and code.
func wantRESTError(tb testing.TB, err error, status, code int) {
	tb.Helper()
	var re *discordgo.RESTError
	if !errors.As(err, &re) {
		tb.Fatalf("error = %v, want HTTP %d with Discord code %d", err, status, code)
	}
	if re.Response.StatusCode != status || re.Message == nil || re.Message.Code != code {
		tb.Errorf("error = %v, want HTTP %d with Discord code %d", err, status, code)
	}
}

// respond answers every interaction with the same callback.
func respond(resp *discordgo.InteractionResponse) func(*discordgo.Session, *discordgo.InteractionCreate) {
	return func(dg *discordgo.Session, ic *discordgo.InteractionCreate) {
		dg.InteractionRespond(ic.Interaction, resp)
	}
}

func reply(content string) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: content, AllowedMentions: quiet()},
	}
}
