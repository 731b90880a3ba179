package discordtest

import (
	"encoding/json"
	"sync"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// GatewayStats counts what bots did on the gateway.
type GatewayStats struct {
	Connections int // websocket connections accepted
	Identifies  int // sessions started with IDENTIFY
	Resumes     int // sessions resumed with RESUME
	Heartbeats  int
	// HellosHeld counts the connections HoldHello kept silent.
	HellosHeld int
	// Intents are the gateway intents of the last IDENTIFY.
	Intents discordgo.Intent
}

// session is a gateway session: it outlives connections, so that a bot
// resuming it gets the dispatches it missed.
type session struct {
	id string
	// wmu orders sequence numbers with writes, so the bot sees them in order.
	wmu sync.Mutex

	// Guarded by Server.mu.
	seq      int64
	history  []event
	conn     *gatewayConn
	compress bool
	beats    int // heartbeats over all the session's connections
}

type event struct {
	seq  int64
	name string
	data json.RawMessage
	// delivering is called just before the event is written to a bot.
	delivering func()
}

// dispatch assigns the next sequence number to an event and sends it to the
// session's connection, if any; it is kept for replay on RESUME either way.
func (s *Server) dispatch(sess *session, name string, data any, delivering func()) {
	raw, err := json.Marshal(data)
	if err != nil {
		panic("discordtest: marshal " + name + ": " + err.Error())
	}
	sess.wmu.Lock()
	defer sess.wmu.Unlock()
	s.mu.Lock()
	sess.seq++
	ev := event{seq: sess.seq, name: name, data: raw, delivering: delivering}
	sess.history = append(sess.history, ev)
	c, compress := sess.conn, sess.compress && name == "READY"
	s.mu.Unlock()
	if c != nil {
		s.send(c, ev, compress)
	}
}

func (s *Server) send(c *gatewayConn, ev event, compress bool) bool {
	if ev.delivering != nil {
		ev.delivering()
	}
	return c.write(payload{Op: opDispatch, D: ev.data, S: &ev.seq, T: &ev.name}, compress) == nil
}

// endSession ends the session of a connection the bot closed for good.
func (s *Server) endSession(c *gatewayConn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := c.session
	if sess == nil {
		return
	}
	delete(s.sessions, sess.id)
	if s.current == sess {
		s.current = nil
	}
	s.notifyLocked()
}

// DropConnection cuts the bot's gateway connection without a close frame, as
// a network failure would. The session stays resumable: discordgo reconnects,
// sends RESUME, and gets the events dispatched in the meantime.
func (s *Server) DropConnection() {
	s.mu.Lock()
	var c *gatewayConn
	if s.current != nil {
		c = s.current.conn
		s.current.conn = nil
	}
	s.mu.Unlock()
	if c == nil {
		s.tb.Errorf("discordtest: DropConnection: no bot is connected")
		return
	}
	c.ws.Close()
}

// InvalidateSession ends the bot's gateway session as Discord does when it
// cannot be resumed: a connected bot gets opcode 9 Invalid Session (not
// resumable) and must identify again on the same connection; a disconnected
// one gets opcode 9 in answer to its RESUME. Events the bot had not yet
// received are lost, as on Discord.
func (s *Server) InvalidateSession() {
	s.mu.Lock()
	sess := s.current
	if sess == nil {
		s.mu.Unlock()
		s.tb.Errorf("discordtest: InvalidateSession: no session")
		return
	}
	delete(s.sessions, sess.id)
	s.current = nil
	c := sess.conn
	sess.conn = nil
	if c != nil {
		c.session = nil
	}
	s.notifyLocked()
	s.mu.Unlock()
	if c != nil {
		c.writeOp(opInvalidSession, false)
	}
}

// RequestReconnect sends opcode 7 Reconnect to the bot, which must close the
// connection and resume the session on a new one.
func (s *Server) RequestReconnect() {
	s.mu.Lock()
	var c *gatewayConn
	if s.current != nil {
		c = s.current.conn
	}
	s.mu.Unlock()
	if c == nil {
		s.tb.Errorf("discordtest: RequestReconnect: no bot is connected")
		return
	}
	c.writeOp(opReconnect, nil)
}

// WaitConnected waits until a bot is connected with an identified or
// resumed session and has sent a heartbeat on this connection, which
// discordgo does once Open has returned. Closing a discordgo session before
// its first heartbeat races with it and makes discordgo reconnect forever,
// so tests should wait for this before closing, e.g. after a resume.
func (s *Server) WaitConnected(tb testing.TB) {
	tb.Helper()
	ok := s.waitFor(nil, connectTimeout, func() bool {
		return s.current != nil && s.current.conn != nil && s.current.conn.beats > 0
	})
	if !ok {
		tb.Fatalf("discordtest: no bot connected within %v", connectTimeout)
	}
}

// HoldHello makes the fake accept the next n gateway connections and then
// never send their HELLO, as a gateway that hangs does: each stays open
// and silent until the bot closes it.
func (s *Server) HoldHello(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.holdHello += n
}

// holdingHello reports whether to hold back a new connection's HELLO,
// counting it.
func (s *Server) holdingHello() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.holdHello <= 0 {
		return false
	}
	s.holdHello--
	s.stats.HellosHeld++
	s.notifyLocked()
	return true
}

// GatewayStats returns counts of gateway activity so far.
func (s *Server) GatewayStats() GatewayStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}
