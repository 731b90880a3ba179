// Package discordtest provides a fake Discord for tests, in the spirit of
// net/http/httptest: a loopback server that speaks Discord's REST API (v9
// and v10 JSON) and gateway protocol over real HTTP and a real websocket, so
// the real discordgo client can be pointed at it.
//
// A test starts a Server, points a discordgo session at it by rewriting
// https://discord.com/api/v9 to Server.APIURL in the session's HTTP
// transport (the gateway URL then comes from GET /gateway), opens the
// session, plays the user's part with Server.Interact, and inspects what the
// bot sent with Interaction.Wait, Server.Messages and Server.Commands:
//
//	s := discordtest.NewServer(t)
//	dg, _ := discordgo.New("Bot " + s.Token())
//	dg.Client.Transport = rewritingTransport(s.APIURL())
//	dg.AddHandler(handleInteraction)
//	if err := dg.Open(); err != nil {
//		t.Fatal(err)
//	}
//	t.Cleanup(func() { dg.Close() }) // runs before the server closes
//	s.WaitConnected(t)
//	r, err := s.Interact(t, discordtest.SlashCommand("ask",
//		discordtest.StringOption("question", "who?"))).Wait(ctx)
//	// check err, r.Original.Content, r.Original.Embeds, ...
//	if v := s.Violations(); len(v) > 0 {
//		t.Error(v)
//	}
//
// A bot in HTTP interactions mode needs no gateway session: Server.Post
// plays the user's part instead, POSTing the interaction to the bot's
// endpoint signed as Discord signs it, and taking the response as the
// initial callback; follow-ups and edits then go to APIURL as above.
//
// The bot holds @everyone's default permissions in every channel (View
// Channel, Send Messages, Read Message History and the like) until
// Server.DenyBot takes some away; Server.DeleteChannel deletes a channel.
// The bot's gateway session is told of both (CHANNEL_UPDATE,
// CHANNEL_DELETE), interactions carry the bot's permissions in their
// channel (app_permissions), and the channel endpoints answer as Discord
// does: Unknown Channel, Missing Access, Missing Permissions. Interactions
// also carry the member's permissions, as Discord computes them, in their
// channel (member.permissions) and in each channel an option names
// (resolved.channels[id].permissions); Server.SetMemberPermissions sets
// them per member and channel. A channel's
// history pages as Discord's does, newest first; a message sent with a
// nonce and enforce_nonce is not created twice within a few minutes.
// Files sent with a message (multipart/form-data, files[n] beside
// payload_json) become its attachments, served at their URLs on the fake
// and returned by Server.AttachmentData; the fake refuses more than 10
// files, a file over 10 MiB (413) and attachments metadata naming no file.
//
// Close the discordgo session before the Server (register its cleanup
// after NewServer), and not before its first heartbeat (WaitConnected):
// otherwise discordgo keeps trying to reconnect after the test.
//
// The fake checks requests the way Discord does (message and embed limits,
// components, command definitions, the 3-second acknowledgement deadline,
// the 15-minute interaction token lifetime, IDENTIFY's intents, of which the
// fake's application has no privileged one), answering with Discord's status
// codes and error JSON, or closing the gateway with its close codes. Every
// failed check is also recorded, together with product rules Discord itself
// does not enforce (every message must carry allowed_mentions with an empty
// parse list), and listed by Server.Violations. Server.SetLatency slows
// every REST request down, as a slow network would; Server.HoldHello
// accepts gateway connections and then says nothing, as a hung gateway.
package discordtest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// discordEpoch is the first millisecond of 2015, the origin of snowflake IDs.
const discordEpoch = 1420070400000

// Server is a fake Discord. Its methods are safe for concurrent use.
type Server struct {
	tb       testing.TB
	http     *httptest.Server
	upgrader websocket.Upgrader

	token, appID, botUserID, guildID, channelID, userID string

	// sessionWG counts gateway connection goroutines so Close can wait.
	sessionWG sync.WaitGroup

	mu          sync.Mutex
	closed      bool
	changed     chan struct{} // closed and replaced whenever state changes
	offset      time.Duration // added to the wall clock by Advance
	ackDeadline time.Duration
	lastID      uint64
	rateLimit   int // REST requests still to answer with 429
	loseReplies int // REST requests still to carry out without replying
	failing     int // REST requests still to answer with failStatus
	failStatus  int
	latency     time.Duration
	holdHello   int // gateway connections still to leave without HELLO

	channels     map[string]*discordgo.Channel
	channelOrder []string
	memberPerms  map[memberChannel]int64
	messages     map[string]*storedMessage // by message ID
	messageOrder []*storedMessage
	commands     map[string][]*discordgo.ApplicationCommand
	interactions map[string]*Interaction // by interaction ID
	byToken      map[string]*Interaction

	sessions map[string]*session
	current  *session // the session Interact dispatches to
	conns    map[*gatewayConn]bool
	files    map[string]*storedFile // uploaded attachments, by attachment ID
	// roles are the default guild's roles besides @everyone, and
	// memberRoles each member's, by user ID (uploads.go).
	roles       []*discordgo.Role
	memberRoles map[string][]string
	stats       GatewayStats

	requests   []Request
	violations []string
}

// Request is one REST request the fake received.
type Request struct {
	Method string
	// Path is the URL path after the version prefix, e.g. "/channels/1/messages".
	Path  string
	Query string
	// Body is the decoded JSON body (the payload_json part of a multipart
	// body): map[string]any, []any, or nil if there was none.
	Body any
	// Status is the reply's HTTP status; 0 when LoseReplies dropped it.
	Status int
	Time   time.Time
}

// NewServer starts a fake Discord on loopback with one guild holding one text
// channel. It is closed by tb.Cleanup.
func NewServer(tb testing.TB) *Server {
	tb.Helper()
	s := &Server{
		tb:           tb,
		upgrader:     websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }},
		changed:      make(chan struct{}),
		ackDeadline:  discordgo.InteractionDeadline,
		channels:     make(map[string]*discordgo.Channel),
		memberPerms:  make(map[memberChannel]int64),
		messages:     make(map[string]*storedMessage),
		commands:     make(map[string][]*discordgo.ApplicationCommand),
		interactions: make(map[string]*Interaction),
		byToken:      make(map[string]*Interaction),
		sessions:     make(map[string]*session),
		conns:        make(map[*gatewayConn]bool),
	}
	s.mu.Lock()
	s.appID = s.newIDLocked()
	s.botUserID = s.appID
	s.guildID = s.newIDLocked()
	s.userID = s.newIDLocked()
	s.token = "fake-token." + s.newIDLocked()
	s.mu.Unlock()
	s.channelID = s.AddChannel("general")

	mux := http.NewServeMux()
	mux.HandleFunc("/gateway", s.serveGateway)
	mux.HandleFunc("/gateway/", s.serveGateway)
	mux.Handle("/api/", s.restHandler())
	mux.HandleFunc("GET /attachments/{channel}/{id}/{name}", s.serveAttachment)
	s.http = httptest.NewServer(mux)
	tb.Cleanup(s.close)
	return s
}

// close disconnects every gateway connection, then stops the HTTP server.
func (s *Server) close() {
	s.mu.Lock()
	s.closed = true
	conns := make([]*gatewayConn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.ws.Close()
	}
	s.sessionWG.Wait()
	s.http.Close()
}

// APIURL is the REST base URL, standing in for https://discord.com/api/v9.
func (s *Server) APIURL() string { return s.http.URL + "/api/v9" }

// GatewayURL is the websocket URL that GET /gateway returns.
func (s *Server) GatewayURL() string {
	return "ws" + strings.TrimPrefix(s.http.URL, "http") + "/gateway"
}

// Token is the only bot token the fake accepts, without the "Bot " prefix.
func (s *Server) Token() string { return s.token }

// AppID is the bot's application ID.
func (s *Server) AppID() string { return s.appID }

// BotUserID is the bot user's ID (equal to AppID, as for real bots).
func (s *Server) BotUserID() string { return s.botUserID }

// GuildID is the default guild's ID.
func (s *Server) GuildID() string { return s.guildID }

// ChannelID is the default guild's default text channel.
func (s *Server) ChannelID() string { return s.channelID }

// AddChannel creates a text channel in the default guild and returns its ID.
func (s *Server) AddChannel(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.newIDLocked()
	s.channels[id] = &discordgo.Channel{
		ID:       id,
		GuildID:  s.guildID,
		Name:     name,
		Type:     discordgo.ChannelTypeGuildText,
		Position: len(s.channelOrder),
	}
	s.channelOrder = append(s.channelOrder, id)
	s.notifyLocked()
	return id
}

// Advance moves the fake's clock forward by d, so tests can reach the
// acknowledgement deadline or the end of an interaction token's lifetime
// without waiting.
func (s *Server) Advance(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.offset += d
	s.notifyLocked()
}

// SetAckDeadline changes how long the bot has to send an interaction's
// initial callback after it was delivered (Discord's is 3 seconds).
func (s *Server) SetAckDeadline(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ackDeadline = d
	s.notifyLocked()
}

// RateLimitNext makes the next n REST requests fail with 429 Too Many
// Requests and a short retry_after, as Discord does when a bucket is empty.
func (s *Server) RateLimitNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rateLimit += n
}

// FailNext makes the next n REST requests fail with status, such as 502
// or 503, as Discord does during an outage, without carrying them out.
func (s *Server) FailNext(n, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failing, s.failStatus = n, status
}

// SetLatency makes every REST request reach the fake d after the bot sent
// it, as over a slow network, so tests can catch a bot that waits for one
// reply before handling the next interaction, or that stops before the
// replies it sent have arrived.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// LoseReplies makes the fake carry out the next n REST requests but close
// the connection instead of replying, as when the network fails after
// Discord acted: the bot cannot tell whether a message it sent exists.
func (s *Server) LoseReplies(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.loseReplies += n
}

// Requests returns every REST request received so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Violations lists every check the bot failed so far: requests Discord would
// reject, product rules (allowed_mentions), and interactions left without an
// initial callback past the deadline.
func (s *Server) Violations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, in := range s.interactions {
		in.checkDeadlineLocked()
	}
	return slices.Clone(s.violations)
}

func (s *Server) violateLocked(format string, args ...any) {
	s.violations = append(s.violations, fmt.Sprintf(format, args...))
	s.notifyLocked()
}

// now is the fake's clock: the wall clock moved on by Advance.
func (s *Server) now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nowLocked()
}

func (s *Server) nowLocked() time.Time { return time.Now().Add(s.offset) }

// newIDLocked returns a fresh snowflake carrying the fake clock's time.
func (s *Server) newIDLocked() string {
	id := uint64(s.nowLocked().UnixMilli()-discordEpoch) << 22
	if id <= s.lastID {
		id = s.lastID + 1
	}
	s.lastID = id
	return fmt.Sprint(id)
}

// notifyLocked wakes everyone waiting for a state change.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// waitFor blocks until cond, evaluated with s.mu held, returns true, or until
// deadline passes or done is closed; it reports whether cond held.
func (s *Server) waitFor(done <-chan struct{}, timeout time.Duration, cond func() bool) bool {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		s.mu.Lock()
		ok := cond()
		ch := s.changed
		s.mu.Unlock()
		if ok {
			return true
		}
		select {
		case <-ch:
		case <-done:
			return false
		case <-timer.C:
			return false
		}
	}
}

func (s *Server) violate(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.violateLocked(format, args...)
}

func (s *Server) botUser() *discordgo.User {
	return &discordgo.User{ID: s.botUserID, Username: "dossier-test", Discriminator: "0", Bot: true}
}
