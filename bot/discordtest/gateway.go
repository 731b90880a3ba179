package discordtest

import (
	"bytes"
	"compress/zlib"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Gateway opcodes and close codes, from Discord's gateway documentation.
const (
	opDispatch       = 0
	opHeartbeat      = 1
	opIdentify       = 2
	opPresenceUpdate = 3
	opVoiceState     = 4
	opResume         = 6
	opReconnect      = 7
	opRequestMembers = 8
	opInvalidSession = 9
	opHello          = 10
	opHeartbeatACK   = 11

	closeUnknownOpcode   = 4001
	closeDecodeError     = 4002
	closeAuthFailed      = 4004
	closeAlreadyAuthed   = 4005
	closeInvalidVersion  = 4012
	closeInvalidIntents  = 4013
	closeDisallowed      = 4014
	heartbeatIntervalMS  = 41250
	gatewayWriteDeadline = 5 * time.Second
)

// privilegedIntents need approval in the developer portal.
const privilegedIntents = discordgo.IntentGuildMembers | discordgo.IntentGuildPresences | discordgo.IntentMessageContent

type gatewayConn struct {
	ws  *websocket.Conn
	wmu sync.Mutex // gorilla/websocket allows one writer at a time

	version int // the API version the bot asked for

	// Guarded by Server.mu.
	session *session
	beats   int
}

type payload struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
	S  *int64          `json:"s"`
	T  *string         `json:"t"`
}

// write sends a payload, as a zlib-compressed binary message if compress.
func (c *gatewayConn) write(p payload, compress bool) error {
	msg, err := json.Marshal(p)
	if err != nil {
		return err
	}
	kind := websocket.TextMessage
	if compress {
		var buf bytes.Buffer
		zw := zlib.NewWriter(&buf)
		zw.Write(msg)
		zw.Close()
		msg, kind = buf.Bytes(), websocket.BinaryMessage
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.ws.SetWriteDeadline(time.Now().Add(gatewayWriteDeadline))
	return c.ws.WriteMessage(kind, msg)
}

func (c *gatewayConn) writeOp(op int, d any) error {
	raw, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return c.write(payload{Op: op, D: raw}, false)
}

func (c *gatewayConn) closeWith(code int, text string) {
	c.wmu.Lock()
	c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(time.Second))
	c.wmu.Unlock()
	c.ws.Close()
}

func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has answered already
	}
	c := &gatewayConn{ws: ws}
	c.version, _ = strconv.Atoi(q.Get("v"))
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		ws.Close()
		return
	}
	s.conns[c] = true
	s.stats.Connections++
	s.sessionWG.Add(1)
	s.mu.Unlock()
	defer s.sessionWG.Done()
	defer s.detach(c)

	if c.version != 9 && c.version != 10 {
		s.violate("gateway: connected with API version %q, want 9 or 10", q.Get("v"))
		c.closeWith(closeInvalidVersion, "Invalid API version.")
		return
	}
	if e := q.Get("encoding"); e != "json" {
		s.violate("gateway: connected with encoding %q, want json", e)
		c.closeWith(closeDecodeError, "Error while decoding payload.")
		return
	}
	if s.holdingHello() {
		// Silent until the bot gives up and closes, or the fake closes.
		for {
			if _, _, err := ws.ReadMessage(); err != nil {
				return
			}
		}
	}
	if err := c.writeOp(opHello, map[string]int{"heartbeat_interval": heartbeatIntervalMS}); err != nil {
		return
	}
	for {
		_, msg, err := ws.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) && (ce.Code == websocket.CloseNormalClosure || ce.Code == websocket.CloseGoingAway) {
				// Discord ends a session closed with 1000 or 1001.
				s.endSession(c)
			}
			return
		}
		var p payload
		if err := json.Unmarshal(msg, &p); err != nil {
			s.violate("gateway: undecodable payload: %v", err)
			c.closeWith(closeDecodeError, "Error while decoding payload.")
			return
		}
		if !s.handleOp(c, p) {
			return
		}
	}
}

// handleOp answers one payload from a bot; it reports whether to keep reading.
func (s *Server) handleOp(c *gatewayConn, p payload) bool {
	switch p.Op {
	case opHeartbeat:
		s.mu.Lock()
		s.stats.Heartbeats++
		c.beats++
		if c.session != nil {
			c.session.beats++
		}
		s.notifyLocked()
		s.mu.Unlock()
		return c.writeOp(opHeartbeatACK, nil) == nil
	case opIdentify:
		return s.identify(c, p.D)
	case opResume:
		return s.resume(c, p.D)
	case opPresenceUpdate, opVoiceState, opRequestMembers:
		return true
	}
	s.violate("gateway: unknown opcode %d", p.Op)
	c.closeWith(closeUnknownOpcode, "Unknown opcode.")
	return false
}

// tokenOK accepts the bot token with or without discordgo's "Bot " prefix.
func (s *Server) tokenOK(t string) bool { return strings.TrimPrefix(t, "Bot ") == s.token }

func (s *Server) identify(c *gatewayConn, d json.RawMessage) bool {
	var id struct {
		Token    string `json:"token"`
		Compress bool   `json:"compress"`
		Intents  *int64 `json:"intents"`
	}
	if err := json.Unmarshal(d, &id); err != nil {
		s.violate("gateway: undecodable IDENTIFY: %v", err)
		c.closeWith(closeDecodeError, "Error while decoding payload.")
		return false
	}
	if id.Intents == nil || *id.Intents < 0 || *id.Intents >= 1<<26 {
		s.violate("gateway: IDENTIFY without valid intents (required since API v8)")
		c.closeWith(closeInvalidIntents, "Invalid intent(s).")
		return false
	}
	s.mu.Lock()
	s.stats.Intents = discordgo.Intent(*id.Intents)
	s.mu.Unlock()
	// The fake's application has no privileged intent enabled in the
	// developer portal, as Dossier's needn't: Discord refuses a bot that
	// asks for one.
	if p := discordgo.Intent(*id.Intents) & privilegedIntents; p != 0 {
		s.violate("gateway: IDENTIFY asks for privileged intents %d, which the application does not have", p)
		c.closeWith(closeDisallowed, "Disallowed intent(s).")
		return false
	}
	s.mu.Lock()
	identified := c.session != nil
	s.mu.Unlock()
	if identified {
		s.violate("gateway: IDENTIFY on an already identified connection")
		c.closeWith(closeAlreadyAuthed, "Already authenticated.")
		return false
	}
	if !s.tokenOK(id.Token) {
		s.violate("gateway: IDENTIFY with a wrong token")
		c.closeWith(closeAuthFailed, "Authentication failed.")
		return false
	}
	s.mu.Lock()
	// beats: after opcode 9 a bot identifies on a connection already beating.
	sess := &session{id: s.newIDLocked(), conn: c, compress: id.Compress, beats: c.beats}
	s.sessions[sess.id] = sess
	s.stats.Identifies++
	channels := make([]*discordgo.Channel, 0, len(s.channelOrder))
	for _, id := range s.channelOrder {
		ch := *s.channels[id]
		channels = append(channels, &ch)
	}
	c.session = sess
	s.mu.Unlock()

	s.dispatch(sess, "READY", map[string]any{
		"v":                  c.version,
		"session_id":         sess.id,
		"resume_gateway_url": s.GatewayURL(),
		"user":               s.botUser(),
		"application":        map[string]any{"id": s.appID, "flags": 0},
		"guilds":             []map[string]any{{"id": s.guildID, "unavailable": true}},
		"private_channels":   []any{},
	}, nil)
	s.mu.Lock()
	guild := s.guildLocked()
	s.mu.Unlock()
	guild.Channels, guild.Members = channels, []*discordgo.Member{s.botMember()}
	s.dispatch(sess, "GUILD_CREATE", guild, nil)

	// Interact waits for the guild to be known, as a user would.
	s.mu.Lock()
	s.current = sess
	s.notifyLocked()
	s.mu.Unlock()
	return true
}

func (s *Server) resume(c *gatewayConn, d json.RawMessage) bool {
	var r struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       int64  `json:"seq"`
	}
	if err := json.Unmarshal(d, &r); err != nil {
		s.violate("gateway: undecodable RESUME: %v", err)
		c.closeWith(closeDecodeError, "Error while decoding payload.")
		return false
	}
	if !s.tokenOK(r.Token) {
		s.violate("gateway: RESUME with a wrong token")
		c.closeWith(closeAuthFailed, "Authentication failed.")
		return false
	}
	s.mu.Lock()
	sess := s.sessions[r.SessionID]
	s.mu.Unlock()
	if sess == nil {
		// Not resumable: the bot must identify again on this connection.
		return c.writeOp(opInvalidSession, false) == nil
	}

	sess.wmu.Lock()
	defer sess.wmu.Unlock()
	s.mu.Lock()
	old := sess.conn
	sess.conn = c
	s.stats.Resumes++
	var missed []event
	for _, ev := range sess.history {
		if ev.seq > r.Seq {
			missed = append(missed, ev)
		}
	}
	last := sess.seq
	c.session = sess
	s.notifyLocked()
	s.mu.Unlock()
	if old != nil && old != c {
		old.ws.Close()
	}
	// As Discord does: replay what was missed, then RESUMED.
	for _, ev := range missed {
		if !s.send(c, ev, false) {
			return false
		}
	}
	resumed := "RESUMED"
	return c.write(payload{Op: opDispatch, D: json.RawMessage(`{}`), S: &last, T: &resumed}, false) == nil
}

// detach forgets a closed connection; its session stays resumable.
func (s *Server) detach(c *gatewayConn) {
	c.ws.Close()
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, c)
	if c.session != nil && c.session.conn == c {
		c.session.conn = nil
	}
	s.notifyLocked()
}
