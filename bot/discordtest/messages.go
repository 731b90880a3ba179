package discordtest

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Message is a message as the fake holds it: the discordgo view of its wire
// JSON, plus exactly what the bot sent as allowed_mentions.
type Message struct {
	*discordgo.Message
	// AllowedMentions is the allowed_mentions of the request that last wrote
	// the message, as sent; nil if that request had none.
	AllowedMentions json.RawMessage
	// Raw is the message's JSON as Discord would return it (for an
	// interaction callback, the callback's data as sent).
	Raw json.RawMessage
}

// storedMessage is a message in a channel, kept as wire JSON so that edits
// can replace exactly the fields they carry.
type storedMessage struct {
	id, channelID   string
	fields          map[string]json.RawMessage
	allowedMentions json.RawMessage
	deleted         bool
	created         time.Time
	nonce           string // a channel message's, for enforce_nonce
}

// messageKeys are the request fields that become part of a message.
func messageKeys() []string {
	return []string{"content", "embeds", "components", "flags", "tts", "attachments", "sticker_ids", "poll", "message_reference"}
}

func (m *storedMessage) ephemeral() bool {
	return m.wire().Flags&discordgo.MessageFlagsEphemeral != 0
}

func (m *storedMessage) export() *Message {
	raw, _ := json.Marshal(m.fields)
	return exportRaw(raw, m.allowedMentions)
}

func exportRaw(raw, allowedMentions json.RawMessage) *Message {
	var dm discordgo.Message
	// Unknown component types fail to decode; the rest stays usable, and Raw
	// has everything.
	json.Unmarshal(raw, &dm)
	return &Message{Message: &dm, AllowedMentions: allowedMentions, Raw: raw}
}

// wire decodes the checked parts of the message.
func (m *storedMessage) wire() wireMessage {
	raw, _ := json.Marshal(m.fields)
	var w wireMessage
	json.Unmarshal(raw, &w)
	return w
}

// storeMessageLocked creates a message by the bot from a request body.
func (s *Server) storeMessageLocked(channelID string, typ discordgo.MessageType, body json.RawMessage) *storedMessage {
	id := s.newIDLocked()
	m := &storedMessage{id: id, channelID: channelID, fields: map[string]json.RawMessage{}, created: s.nowLocked()}
	set := func(k string, v any) {
		raw, _ := json.Marshal(v)
		m.fields[k] = raw
	}
	set("id", id)
	set("channel_id", channelID)
	if ch, ok := s.channels[channelID]; ok && ch.GuildID != "" {
		set("guild_id", ch.GuildID)
	}
	set("type", typ)
	set("author", s.botUser())
	set("timestamp", s.nowLocked().UTC().Format(time.RFC3339Nano))
	set("edited_timestamp", nil)
	for k, v := range map[string]any{"content": "", "embeds": []any{}, "components": []any{}, "attachments": []any{}, "mentions": []any{}, "mention_roles": []any{}, "flags": 0, "tts": false, "pinned": false} {
		set(k, v)
	}
	m.apply(body)
	s.messages[id] = m
	s.messageOrder = append(s.messageOrder, m)
	s.notifyLocked()
	return m
}

// apply copies a request's message fields onto the message.
func (m *storedMessage) apply(body json.RawMessage) {
	var req map[string]json.RawMessage
	json.Unmarshal(body, &req)
	for _, k := range messageKeys() {
		v, ok := req[k]
		if !ok {
			continue
		}
		if string(v) == "null" {
			switch k {
			case "content":
				v = json.RawMessage(`""`)
			case "embeds", "components", "attachments", "sticker_ids":
				v = json.RawMessage(`[]`)
			default:
				continue
			}
		}
		m.fields[k] = v
	}
	m.allowedMentions = req["allowed_mentions"]
}

// edited returns a copy of the message with an edit applied.
func (m *storedMessage) edited(body json.RawMessage, now time.Time) *storedMessage {
	c := *m
	c.fields = make(map[string]json.RawMessage, len(m.fields))
	for k, v := range m.fields {
		c.fields[k] = v
	}
	c.apply(body)
	ts, _ := json.Marshal(now.UTC().Format(time.RFC3339Nano))
	c.fields["edited_timestamp"] = ts
	return &c
}

// Messages returns the messages in a channel, oldest first, including
// interaction responses and follow-ups (ephemeral ones too, flagged as such)
// but not deleted ones.
func (s *Server) Messages(channelID string) []*Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*Message
	for _, m := range s.messageOrder {
		if m.channelID == channelID && !m.deleted {
			out = append(out, m.export())
		}
	}
	return out
}

// checkMessageLocked checks a message-writing request: Discord's limits
// (rejected with 400 and recorded) and the allowed_mentions rule (only
// recorded). With wantBody, an empty message is rejected too. It reports
// whether the request may proceed.
func (s *Server) checkMessageLocked(w http.ResponseWriter, r *restRequest, prefix string, body json.RawMessage, wantBody bool) bool {
	var m wireMessage
	if err := json.Unmarshal(body, &m); err != nil {
		s.rejectLocked(w, r, []fieldError{{strings.TrimSuffix(prefix, "."), "MODEL_TYPE_CONVERT", err.Error()}})
		return false
	}
	if p := mentionProblem(m.AllowedMentions); p != "" {
		s.violateLocked("%s %s: %s", r.Method, r.path, p)
	}
	if errs := validateMessage(m, prefix); len(errs) > 0 {
		s.rejectLocked(w, r, errs)
		return false
	}
	if wantBody && m.empty(len(r.uploads)) {
		s.violateLocked("%s %s: empty message", r.Method, r.path)
		writeError(w, http.StatusBadRequest, codeEmptyMessage, "Cannot send an empty message", nil)
		return false
	}
	return s.checkUploadsLocked(w, r, prefix, body)
}

// rejectLocked records field errors and answers 400 Invalid Form Body.
func (s *Server) rejectLocked(w http.ResponseWriter, r *restRequest, errs []fieldError) {
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.String()
	}
	s.violateLocked("%s %s: invalid form body: %s", r.Method, r.path, strings.Join(msgs, "; "))
	writeError(w, http.StatusBadRequest, codeInvalidFormBody, "Invalid Form Body", nest(errs))
}
