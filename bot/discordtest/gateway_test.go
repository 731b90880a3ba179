package discordtest

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

func TestOpenReceivesReadyAndGuild(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	ready := make(chan *discordgo.Ready, 1)
	dg := newClient(t, s)
	dg.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) { ready <- r })
	if err := dg.Open(); err != nil {
		t.Fatalf("Open() = %v", err)
	}
	t.Cleanup(func() { dg.Close() })
	s.WaitConnected(t)

	r := await(t, ready, "READY")
	if r.User == nil || r.User.ID != s.BotUserID() || r.SessionID == "" {
		t.Errorf("READY user = %+v, session %q; want bot user %s and a session", r.User, r.SessionID, s.BotUserID())
	}
	if r.Application == nil || r.Application.ID != s.AppID() {
		t.Errorf("READY application = %+v, want ID %s", r.Application, s.AppID())
	}
	// GUILD_CREATE follows READY, so the bot knows the channel by the time
	// it handles an interaction.
	name := make(chan string, 1)
	dg.AddHandler(func(dg *discordgo.Session, ic *discordgo.InteractionCreate) {
		ch, err := dg.State.Channel(ic.ChannelID)
		if err != nil {
			name <- err.Error()
			return
		}
		name <- ch.Name
	})
	s.Interact(t, SlashCommand("ping"))
	if got := await(t, name, "the interaction"); got != "general" {
		t.Errorf("State.Channel(%s) = %q, want general from GUILD_CREATE", s.ChannelID(), got)
	}
	if st := s.GatewayStats(); st.Identifies != 1 || st.Heartbeats < 1 {
		t.Errorf("GatewayStats() = %+v, want 1 identify and a heartbeat", st)
	}
}

func TestSlashCommandReply(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	var got *discordgo.Interaction
	openBot(t, s, func(dg *discordgo.Session, ic *discordgo.InteractionCreate) {
		got = ic.Interaction
		q := ic.ApplicationCommandData().GetOption("question").StringValue()
		dg.InteractionRespond(ic.Interaction, reply("You asked: "+q))
	})

	in := s.Interact(t, SlashCommand("ask", StringOption("question", "who?")))
	r, err := in.Wait(waitCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if r.Type != discordgo.InteractionResponseChannelMessageWithSource || r.Original == nil || r.Original.Content != "You asked: who?" {
		t.Errorf("Wait() = type %d, original %+v; want type 4 with %q", r.Type, r.Original, "You asked: who?")
	}
	if string(r.Original.AllowedMentions) != `{"parse":[],"replied_user":false}` {
		t.Errorf("Original.AllowedMentions = %s, want the empty parse list as sent", r.Original.AllowedMentions)
	}
	if got.GuildID != s.GuildID() || got.ChannelID != s.ChannelID() || got.Member == nil || got.Member.User.ID != s.UserID() || got.AppID != s.AppID() {
		t.Errorf("bot got interaction %+v, want defaults filled in", got)
	}
	if msgs := s.Messages(s.ChannelID()); len(msgs) != 1 || msgs[0].ID != r.Original.ID {
		t.Errorf("Messages() = %v, want just the reply", msgs)
	}
	noViolations(t, s)
}

func TestDropConnectionResumesAndReplays(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	var mu sync.Mutex
	seen := map[string]int{}
	dg := openBot(t, s, func(dg *discordgo.Session, ic *discordgo.InteractionCreate) {
		mu.Lock()
		seen[ic.ID]++
		mu.Unlock()
		dg.InteractionRespond(ic.Interaction, reply("ok"))
	})
	resumed := make(chan struct{}, 1)
	dg.AddHandler(func(*discordgo.Session, *discordgo.Resumed) { resumed <- struct{}{} })

	before := s.Interact(t, SlashCommand("before"))
	if _, err := before.Wait(waitCtx(t)); err != nil {
		t.Fatal(err)
	}
	s.DropConnection()
	// Dispatched while the bot is away: queued, replayed on RESUME.
	during := []*Interaction{s.Interact(t, SlashCommand("during")), s.Interact(t, SlashCommand("during"))}
	for _, in := range during {
		r, err := in.Wait(waitCtx(t))
		if err != nil || r.Original == nil || r.Original.Content != "ok" {
			t.Errorf("Wait() after drop = %+v, %v; want the reply", r, err)
		}
	}
	await(t, resumed, "RESUMED")
	s.WaitConnected(t)
	if st := s.GatewayStats(); st.Identifies != 1 || st.Resumes != 1 || st.Connections != 2 {
		t.Errorf("GatewayStats() = %+v, want 1 identify, 1 resume, 2 connections", st)
	}
	mu.Lock()
	for id, n := range seen {
		if n != 1 {
			t.Errorf("interaction %s handled %d times, want once", id, n)
		}
	}
	mu.Unlock()
	noViolations(t, s)
}

func TestRequestReconnectResumes(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	dg := openBot(t, s, respond(reply("ok")))
	resumed := make(chan struct{}, 1)
	dg.AddHandler(func(*discordgo.Session, *discordgo.Resumed) { resumed <- struct{}{} })

	s.RequestReconnect()
	await(t, resumed, "RESUMED")
	s.WaitConnected(t)
	if _, err := s.Interact(t, SlashCommand("after")).Wait(waitCtx(t)); err != nil {
		t.Fatal(err)
	}
	if st := s.GatewayStats(); st.Resumes != 1 || st.Identifies != 1 {
		t.Errorf("GatewayStats() = %+v, want 1 identify and 1 resume", st)
	}
	noViolations(t, s)
}

func TestIdentifyWithWrongTokenIsRejected(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	dg := newClient(t, s)
	dg.Identify.Token = "Bot wrong"
	dg.ShouldReconnectOnError = false
	err := dg.Open()
	if err == nil {
		dg.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "4004") {
		t.Errorf("Open() with a wrong token = %v, want close 4004", err)
	}
	wantViolation(t, s, "IDENTIFY with a wrong token")
}

func TestInvalidateSession(t *testing.T) {
	t.Parallel()
	for _, dropFirst := range []bool{false, true} {
		t.Run(map[bool]string{false: "connected", true: "while disconnected"}[dropFirst], func(t *testing.T) {
			t.Parallel()
			s := NewServer(t)
			dg := openBot(t, s, respond(reply("ok")))
			ready := make(chan struct{}, 1)
			dg.AddHandler(func(*discordgo.Session, *discordgo.Ready) { ready <- struct{}{} })

			if dropFirst {
				s.DropConnection()
			}
			s.InvalidateSession()
			await(t, ready, "a new READY")
			s.WaitConnected(t)
			if _, err := s.Interact(t, SlashCommand("after")).Wait(waitCtx(t)); err != nil {
				t.Fatal(err)
			}
			if st := s.GatewayStats(); st.Identifies != 2 || st.Resumes != 0 {
				t.Errorf("GatewayStats() = %+v, want 2 identifies and no resume", st)
			}
			noViolations(t, s)
		})
	}
}

func TestIdentifyWithPrivilegedIntentsIsRejected(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		intents discordgo.Intent
	}{
		{"members", discordgo.IntentGuilds | discordgo.IntentGuildMembers},
		{"presences", discordgo.IntentGuildPresences},
		{"message content", discordgo.IntentsGuildMessages | discordgo.IntentMessageContent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := NewServer(t)
			dg := newClient(t, s)
			dg.Identify.Intents = tt.intents
			dg.ShouldReconnectOnError = false
			err := dg.Open()
			if err == nil {
				dg.Close()
			}
			if err == nil || !strings.Contains(err.Error(), "4014") {
				t.Errorf("Open() with intents %d = %v, want close 4014", tt.intents, err)
			}
			wantViolation(t, s, "privileged intents")
			if got := s.GatewayStats().Intents; got != tt.intents {
				t.Errorf("GatewayStats().Intents = %d, want %d", got, tt.intents)
			}
		})
	}
}

// TestHoldHello checks that a connection HoldHello holds is accepted and
// told nothing until the client closes it, while the next one gets its
// HELLO at once.
func TestHoldHello(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	s.HoldHello(1)
	url := s.GatewayURL() + "?v=10&encoding=json"
	held, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatalf("dial the gateway: %v", err)
	}
	defer held.Close()
	// Dialled only once the first is held, so that the two cannot swap.
	if !s.waitFor(nil, connectTimeout, func() bool { return s.stats.HellosHeld == 1 }) {
		t.Fatalf("GatewayStats() = %+v, want the first connection held", s.GatewayStats())
	}
	next, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatalf("dial the gateway again: %v", err)
	}
	defer next.Close()
	next.SetReadDeadline(time.Now().Add(10 * time.Second))
	var p payload
	if err := next.ReadJSON(&p); err != nil || p.Op != opHello {
		t.Fatalf("second connection's first payload = %+v, %v, want HELLO", p, err)
	}
	// The fake answered the second connection: it has had time to answer
	// the first, and has said nothing.
	held.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	if _, msg, err := held.ReadMessage(); err == nil {
		t.Fatalf("held connection got %s, want nothing", msg)
	}
	if st := s.GatewayStats(); st.Connections != 2 || st.HellosHeld != 1 {
		t.Errorf("GatewayStats() = %+v, want 2 connections, 1 held", st)
	}
	held.Close()
	if !s.waitFor(nil, connectTimeout, func() bool { return len(s.conns) == 1 }) {
		t.Errorf("the fake still holds the held connection after the client closed it")
	}
}
