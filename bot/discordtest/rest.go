package discordtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Discord JSON error codes the fake answers with.
const (
	codeGeneral             = 0
	codeUnknownChannel      = 10003
	codeUnknownGuild        = 10004
	codeUnknownMember       = 10007
	codeUnknownMessage      = 10008
	codeUnknownWebhook      = 10015
	codeUnknownInteraction  = 10062
	codeMissingAccess       = 50001
	codeEmptyMessage        = 50006
	codeMissingPermissions  = 50013
	codeInvalidWebhookToken = 50027
	codeInvalidFormBody     = 50035
	codeAlreadyAcknowledged = 40060
)

type restKey struct{}

// restRequest is a REST request with its body already read and decoded.
type restRequest struct {
	*http.Request
	path string          // after the /api/vN prefix
	body json.RawMessage // JSON body, or payload_json of a multipart body
	// uploads are the files attached to a multipart body, in the order
	// of their files[n] parts.
	uploads []upload
}

type restHandler func(w http.ResponseWriter, r *restRequest)

// route is one REST endpoint. Public endpoints need no Authorization header:
// GET /gateway, and webhook endpoints, which authenticate by the token in
// their path.
type route struct {
	pattern string
	public  bool
	handle  restHandler
}

func (s *Server) routes() []route {
	return []route{
		{"GET /gateway", true, s.getGateway},
		{"GET /gateway/bot", false, s.getGatewayBot},
		{"GET /users/@me", false, s.getMe},
		{"GET /channels/{channel}", false, s.getChannel},
		{"POST /channels/{channel}/messages", false, s.postChannelMessage},
		{"GET /channels/{channel}/messages", false, s.getChannelMessages},
		{"GET /channels/{channel}/messages/{message}", false, s.getChannelMessage},
		{"GET /guilds/{guild}", false, s.getGuild},
		{"GET /guilds/{guild}/members/{user}", false, s.getGuildMember},
		{"GET /guilds/{guild}/roles", false, s.getGuildRoles},
		{"GET /applications/{app}/commands", false, s.getCommands},
		{"PUT /applications/{app}/commands", false, s.putCommands},
		{"GET /applications/{app}/guilds/{guild}/commands", false, s.getCommands},
		{"PUT /applications/{app}/guilds/{guild}/commands", false, s.putCommands},
		{"POST /applications/{app}/commands", false, s.postCommand},
		{"POST /applications/{app}/guilds/{guild}/commands", false, s.postCommand},
		{"DELETE /applications/{app}/commands/{command}", false, s.deleteCommand},
		{"DELETE /applications/{app}/guilds/{guild}/commands/{command}", false, s.deleteCommand},
		{"POST /interactions/{id}/{token}/callback", true, s.postCallback},
		{"POST /webhooks/{app}/{token}", true, s.postFollowup},
		{"GET /webhooks/{app}/{token}/messages/{message}", true, s.getWebhookMessage},
		{"PATCH /webhooks/{app}/{token}/messages/{message}", true, s.patchWebhookMessage},
		{"DELETE /webhooks/{app}/{token}/messages/{message}", true, s.deleteWebhookMessage},
	}
}

// restHandler serves /api/v9/ and /api/v10/: it records each request, checks
// authentication, adds rate-limit headers and routes to the endpoint.
func (s *Server) restHandler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		mux.HandleFunc(rt.pattern, func(w http.ResponseWriter, r *http.Request) {
			rr := r.Context().Value(restKey{}).(*restRequest)
			rr.Request = r // carries the path values
			s.awaitCallback(r.PathValue("token"))
			if !rt.public && r.Header.Get("Authorization") != "Bot "+s.token {
				writeError(w, http.StatusUnauthorized, codeGeneral, "401: Unauthorized", nil)
				return
			}
			rt.handle(w, rr)
		})
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		latency := s.latency
		s.mu.Unlock()
		if latency > 0 {
			select {
			case <-time.After(latency):
			case <-r.Context().Done():
				return
			}
		}
		version, path, ok := cutVersion(r.URL.Path)
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		rr := &restRequest{Request: r, path: path}
		var err error
		rr.body, rr.uploads, err = readBody(r)

		s.mu.Lock()
		s.requests = append(s.requests, Request{Method: r.Method, Path: path, Query: r.URL.RawQuery, Body: decode(rr.body), Time: s.nowLocked()})
		n := len(s.requests) - 1
		limited := s.rateLimit > 0
		if limited {
			s.rateLimit--
		}
		failed := !limited && s.failing > 0
		if failed {
			s.failing--
		}
		failStatus := s.failStatus
		lost := !limited && !failed && s.loseReplies > 0
		if lost {
			s.loseReplies--
		}
		s.mu.Unlock()
		defer func() {
			s.mu.Lock()
			s.requests[n].Status = rec.status
			s.mu.Unlock()
		}()

		setRateLimitHeaders(rec, r.Method+" "+path)
		switch {
		case !ok:
			s.violate("%s %s: unsupported API version %q, want v9 or v10", r.Method, r.URL.Path, version)
			writeError(rec, http.StatusNotFound, codeGeneral, "404: Not Found", nil)
		case err != nil:
			s.violate("%s %s: unreadable body: %v", r.Method, path, err)
			writeError(rec, http.StatusBadRequest, codeGeneral, "400: Bad Request", nil)
		case failed:
			writeError(rec, failStatus, codeGeneral, fmt.Sprintf("%d: %s", failStatus, http.StatusText(failStatus)), nil)
		case limited:
			rec.Header().Set("Retry-After", "1")
			writeJSON(rec, http.StatusTooManyRequests, map[string]any{"message": "You are being rate limited.", "retry_after": 0.05, "global": false})
		default:
			r2 := r.Clone(context.WithValue(r.Context(), restKey{}, rr))
			r2.URL.Path = path
			if _, pattern := mux.Handler(r2); pattern == "" {
				s.violate("%s %s: endpoint not implemented by the fake (or not Discord's)", r.Method, path)
				writeError(rec, http.StatusNotFound, codeGeneral, "404: Not Found", nil)
				return
			}
			if lost {
				// Carried out, but the reply never reaches the bot.
				mux.ServeHTTP(httptest.NewRecorder(), r2)
				rec.status = 0
				if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
					conn.Close()
				}
				return
			}
			mux.ServeHTTP(rec, r2)
		}
	})
}

// cutVersion splits "/api/v9/x" into "9", "/x"; ok is false for other versions.
func cutVersion(p string) (version, path string, ok bool) {
	rest, _ := strings.CutPrefix(p, "/api/")
	version, path, _ = strings.Cut(rest, "/")
	return version, "/" + path, version == "v9" || version == "v10"
}

// readBody returns the JSON body, taking payload_json from multipart bodies
// (discordgo sends those when a message carries files).
func readBody(r *http.Request) (body json.RawMessage, files []upload, err error) {
	b, err := io.ReadAll(r.Body)
	if err != nil || len(b) == 0 {
		return nil, nil, err
	}
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		if !json.Valid(b) {
			return nil, nil, fmt.Errorf("body is not JSON")
		}
		return b, nil, nil
	}
	mr := multipart.NewReader(bytes.NewReader(b), params["boundary"])
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("read multipart body: %w", err)
		}
		switch name := part.FormName(); {
		case name == "payload_json":
			if body, err = io.ReadAll(part); err != nil {
				return nil, nil, err
			}
		case strings.HasPrefix(name, "files["):
			u, err := readUpload(part)
			if err != nil {
				return nil, nil, err
			}
			files = append(files, u)
		}
	}
	if !json.Valid(body) {
		return nil, nil, fmt.Errorf("multipart body without JSON payload_json")
	}
	return body, files, nil
}

func decode(raw json.RawMessage) any {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return nil
	}
	return v
}

// setRateLimitHeaders sends generous limits, since discordgo sleeps when a
// bucket reports no requests remaining.
func setRateLimitHeaders(w http.ResponseWriter, bucket string) {
	h := w.Header()
	h.Set("X-RateLimit-Limit", "50")
	h.Set("X-RateLimit-Remaining", "49")
	h.Set("X-RateLimit-Reset", fmt.Sprintf("%.3f", float64(time.Now().Add(time.Second).UnixMilli())/1000))
	h.Set("X-RateLimit-Reset-After", "1.000")
	h.Set("X-RateLimit-Bucket", fmt.Sprintf("%x", bucket))
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// writeError answers with Discord's error JSON; errs holds per-field errors.
func writeError(w http.ResponseWriter, status, code int, msg string, errs map[string]any) {
	body := map[string]any{"code": code, "message": msg}
	if errs != nil {
		body["errors"] = errs
	}
	writeJSON(w, status, body)
}

func (s *Server) getGateway(w http.ResponseWriter, _ *restRequest) {
	writeJSON(w, http.StatusOK, map[string]string{"url": s.GatewayURL()})
}

func (s *Server) getGatewayBot(w http.ResponseWriter, _ *restRequest) {
	writeJSON(w, http.StatusOK, map[string]any{
		"url":    s.GatewayURL(),
		"shards": 1,
		"session_start_limit": map[string]int{
			"total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": 1,
		},
	})
}

func (s *Server) getMe(w http.ResponseWriter, _ *restRequest) {
	writeJSON(w, http.StatusOK, s.botUser())
}

func (s *Server) getChannel(w http.ResponseWriter, r *restRequest) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ch, ok := s.channelAccessLocked(w, r.PathValue("channel")); ok {
		writeJSON(w, http.StatusOK, ch)
	}
}

// nonceWindow is how long Discord remembers a message's nonce for
// enforce_nonce.
const nonceWindow = 5 * time.Minute

// postChannelMessage creates a message by the bot. With enforce_nonce, a
// message the bot sent to the channel with the same nonce within the last
// few minutes is returned instead of creating another, as Discord does.
func (s *Server) postChannelMessage(w http.ResponseWriter, r *restRequest) {
	var req struct {
		Nonce        any  `json:"nonce"`
		EnforceNonce bool `json:"enforce_nonce"`
	}
	json.Unmarshal(r.body, &req)
	var nonce string
	switch n := req.Nonce.(type) {
	case string:
		nonce = n
	case float64:
		nonce = strconv.FormatFloat(n, 'f', -1, 64)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, ok := s.channelAccessLocked(w, r.PathValue("channel"))
	if !ok {
		return
	}
	if s.botPermissionsLocked(ch)&discordgo.PermissionSendMessages == 0 {
		writeError(w, http.StatusForbidden, codeMissingPermissions, "Missing Permissions", nil)
		return
	}
	if len(nonce) > 25 {
		s.rejectLocked(w, r, []fieldError{{"nonce", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."}})
		return
	}
	if !s.checkMessageLocked(w, r, "", r.body, true) {
		return
	}
	if req.EnforceNonce && nonce != "" {
		for _, m := range s.messageOrder {
			if m.channelID == ch.ID && m.nonce == nonce && !m.deleted && s.nowLocked().Sub(m.created) < nonceWindow {
				writeJSON(w, http.StatusOK, m.fields)
				return
			}
		}
	}
	m := s.storeMessageLocked(ch.ID, discordgo.MessageTypeDefault, r.body)
	s.attachLocked(m, nil, r.body, r.uploads)
	m.nonce = nonce
	writeJSON(w, http.StatusOK, m.fields)
}

func (s *Server) getChannelMessage(w http.ResponseWriter, r *restRequest) {
	s.mu.Lock()
	defer s.mu.Unlock()
	channelID := r.PathValue("channel")
	if _, ok := s.channelAccessLocked(w, channelID); !ok {
		return
	}
	m, ok := s.messages[r.PathValue("message")]
	if !ok || m.deleted || m.channelID != channelID || m.ephemeral() {
		writeError(w, http.StatusNotFound, codeUnknownMessage, "Unknown Message", nil)
		return
	}
	writeJSON(w, http.StatusOK, m.fields)
}
