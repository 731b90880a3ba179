package discordtest

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/bwmarrin/discordgo"
)

// allowedCallbacks lists the callback types Discord accepts for an
// interaction type.
func allowedCallbacks(t discordgo.InteractionType) []discordgo.InteractionResponseType {
	switch t {
	case discordgo.InteractionPing:
		return []discordgo.InteractionResponseType{discordgo.InteractionResponsePong}
	case discordgo.InteractionApplicationCommand:
		return []discordgo.InteractionResponseType{4, 5, 9}
	case discordgo.InteractionMessageComponent:
		return []discordgo.InteractionResponseType{4, 5, 6, 7, 9}
	case discordgo.InteractionApplicationCommandAutocomplete:
		return []discordgo.InteractionResponseType{8}
	case discordgo.InteractionModalSubmit:
		return []discordgo.InteractionResponseType{4, 5, 6, 7}
	}
	return nil
}

// postCallback answers POST /interactions/{id}/{token}/callback, the initial
// response to an interaction.
func (s *Server) postCallback(w http.ResponseWriter, r *restRequest) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.interactions[r.PathValue("id")]
	if in == nil || in.Token != r.PathValue("token") {
		s.violateLocked("%s %s: unknown interaction", r.Method, r.path)
		writeError(w, http.StatusNotFound, codeUnknownInteraction, "Unknown interaction", nil)
		return
	}
	if in.resp.Type != 0 {
		s.violateLocked("interaction %s (%s): second initial callback", in.ID, in.describe())
		writeError(w, http.StatusBadRequest, codeAlreadyAcknowledged, "Interaction has already been acknowledged.", nil)
		return
	}
	if in.delivered.IsZero() {
		// The bot cannot know of an undelivered interaction: the write raced
		// this request, so delivery was just now.
		in.delivered = s.nowLocked()
	}
	if late := s.nowLocked().Sub(in.delivered); late > s.ackDeadline || in.failure != "" {
		if !in.lateChecked {
			in.lateChecked = true
			in.failure = "initial callback " + late.String() + " after delivery, past the " + s.ackDeadline.String() + " deadline"
			s.violateLocked("interaction %s (%s): %s", in.ID, in.describe(), in.failure)
		}
		writeError(w, http.StatusNotFound, codeUnknownInteraction, "Unknown interaction", nil)
		return
	}

	var cb struct {
		Type discordgo.InteractionResponseType `json:"type"`
		Data json.RawMessage                   `json:"data"`
	}
	json.Unmarshal(r.body, &cb)
	hasData := len(cb.Data) > 0 && string(cb.Data) != "null"
	var data wireMessage
	if hasData {
		if err := json.Unmarshal(cb.Data, &data); err != nil {
			s.rejectLocked(w, r, []fieldError{{"data", "MODEL_TYPE_CONVERT", err.Error()}})
			return
		}
	}
	allowed := false
	for _, t := range allowedCallbacks(in.Type) {
		allowed = allowed || t == cb.Type
	}
	if !allowed {
		s.rejectLocked(w, r, []fieldError{{"type", "INTERACTION_RESPONSE_TYPE_INVALID", fmt.Sprintf("Callback type %d is not valid for a %v interaction.", cb.Type, in.Type)}})
		return
	}

	switch cb.Type {
	case discordgo.InteractionResponseChannelMessageWithSource:
		if !s.checkMessageLocked(w, r, "data.", cb.Data, true) {
			return
		}
		in.original = s.storeMessageLocked(in.ChannelID, discordgo.MessageTypeChatInputCommand, cb.Data)
		s.attachLocked(in.original, nil, cb.Data, r.uploads)
	case discordgo.InteractionResponseUpdateMessage:
		if !s.checkMessageLocked(w, r, "data.", cb.Data, false) {
			return
		}
		in.original = in.source
		if in.source != nil {
			prev := in.source.fields["attachments"]
			*in.source = *in.source.edited(cb.Data, s.nowLocked())
			s.attachLocked(in.source, prev, cb.Data, r.uploads)
		}
	case discordgo.InteractionResponseDeferredChannelMessageWithSource:
		// The "thinking" message; its flags carry the requested ephemerality.
		thinking := map[string]any{"flags": discordgo.MessageFlagsLoading | data.Flags&discordgo.MessageFlagsEphemeral}
		raw, _ := json.Marshal(thinking)
		in.original = s.storeMessageLocked(in.ChannelID, discordgo.MessageTypeChatInputCommand, raw)
		in.original.allowedMentions = nil
	case discordgo.InteractionResponseDeferredMessageUpdate:
		in.original = in.source
	case discordgo.InteractionApplicationCommandAutocompleteResult:
		if errs := validateChoices(data.Choices, "data.choices"); len(errs) > 0 {
			s.rejectLocked(w, r, errs)
			return
		}
		in.resp.Choices = data.Choices
	case discordgo.InteractionResponseModal:
		if errs := validateModal(data); len(errs) > 0 {
			s.rejectLocked(w, r, errs)
			return
		}
	}
	in.resp.Type = cb.Type
	if hasData {
		in.resp.Data = exportRaw(cb.Data, data.AllowedMentions)
	}
	s.notifyLocked()
	w.WriteHeader(http.StatusNoContent)
}

// webhookInteractionLocked finds the interaction a webhook request is for and
// checks its token is alive and acknowledged; on failure it has answered.
func (s *Server) webhookInteractionLocked(w http.ResponseWriter, r *restRequest) *Interaction {
	in := s.byToken[r.PathValue("token")]
	if in == nil || r.PathValue("app") != in.AppID {
		s.violateLocked("%s %s: unknown webhook", r.Method, r.path)
		writeError(w, http.StatusNotFound, codeUnknownWebhook, "Unknown Webhook", nil)
		return nil
	}
	if age := s.nowLocked().Sub(in.created); age > tokenLifetime {
		s.violateLocked("interaction %s (%s): %s %s with a token %v old (tokens last %v)", in.ID, in.describe(), r.Method, r.path, age.Round(1e9), tokenLifetime)
		writeError(w, http.StatusUnauthorized, codeInvalidWebhookToken, "Invalid Webhook Token", nil)
		return nil
	}
	if in.resp.Type == 0 {
		s.violateLocked("interaction %s (%s): %s %s before the initial callback", in.ID, in.describe(), r.Method, r.path)
		writeError(w, http.StatusNotFound, codeUnknownWebhook, "Unknown Webhook", nil)
		return nil
	}
	return in
}

// webhookMessageLocked finds @original or a follow-up; on failure it has answered.
func (s *Server) webhookMessageLocked(w http.ResponseWriter, r *restRequest, in *Interaction) *storedMessage {
	id := r.PathValue("message")
	var m *storedMessage
	if id == "@original" {
		m = in.original
	} else {
		for _, f := range in.resp.Followups {
			if f.ID == id {
				m = s.messages[id]
			}
		}
	}
	if m == nil || m.deleted {
		s.violateLocked("interaction %s (%s): %s %s: unknown message", in.ID, in.describe(), r.Method, r.path)
		writeError(w, http.StatusNotFound, codeUnknownMessage, "Unknown Message", nil)
		return nil
	}
	return m
}

func (s *Server) postFollowup(w http.ResponseWriter, r *restRequest) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.webhookInteractionLocked(w, r)
	if in == nil || !s.checkMessageLocked(w, r, "", r.body, true) {
		return
	}
	m := s.storeMessageLocked(in.ChannelID, discordgo.MessageTypeDefault, r.body)
	s.attachLocked(m, nil, r.body, r.uploads)
	in.resp.Followups = append(in.resp.Followups, m.export())
	s.notifyLocked()
	if r.URL.Query().Get("wait") != "true" {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeJSON(w, http.StatusOK, m.fields)
}

func (s *Server) getWebhookMessage(w http.ResponseWriter, r *restRequest) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if in := s.webhookInteractionLocked(w, r); in != nil {
		if m := s.webhookMessageLocked(w, r, in); m != nil {
			writeJSON(w, http.StatusOK, m.fields)
		}
	}
}

func (s *Server) patchWebhookMessage(w http.ResponseWriter, r *restRequest) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.webhookInteractionLocked(w, r)
	if in == nil {
		return
	}
	m := s.webhookMessageLocked(w, r, in)
	if m == nil || !s.checkMessageLocked(w, r, "", r.body, false) {
		return
	}
	next := m.edited(r.body, s.nowLocked())
	s.attachLocked(next, m.fields["attachments"], r.body, r.uploads)
	if flags := next.wire().Flags; flags&discordgo.MessageFlagsLoading != 0 {
		raw, _ := json.Marshal(flags &^ discordgo.MessageFlagsLoading)
		next.fields["flags"] = raw
	}
	if next.wire().empty(len(r.uploads)) {
		s.violateLocked("%s %s: edit leaves the message empty", r.Method, r.path)
		writeError(w, http.StatusBadRequest, codeEmptyMessage, "Cannot send an empty message", nil)
		return
	}
	*m = *next
	if r.PathValue("message") == "@original" {
		in.resp.Edits++
	}
	s.notifyLocked()
	writeJSON(w, http.StatusOK, m.fields)
}

func (s *Server) deleteWebhookMessage(w http.ResponseWriter, r *restRequest) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.webhookInteractionLocked(w, r)
	if in == nil {
		return
	}
	m := s.webhookMessageLocked(w, r, in)
	if m == nil {
		return
	}
	m.deleted = true
	if m == in.original {
		in.resp.Deleted = true
	}
	s.notifyLocked()
	w.WriteHeader(http.StatusNoContent)
}
