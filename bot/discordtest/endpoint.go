package discordtest

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// endpointTimeout bounds how long Post waits for a bot's endpoint: well
// past Discord's 3 seconds, so a slow bot shows as a late callback.
const endpointTimeout = 10 * time.Second

// Post plays a user's interaction against a bot's Interactions Endpoint
// URL, as Discord does for an application that has one: it fills in what
// in leaves empty, as Interact does, and POSTs it to url with the headers
// Discord signs requests with (X-Signature-Ed25519, the Ed25519 signature
// by key of X-Signature-Timestamp followed by the body). The response body
// is the initial callback, checked as POST
// /interactions/{id}/{token}/callback checks it; follow-ups and edits then
// go to the REST API as for Interact. Post returns once the response is
// recorded. A response other than 200 with a JSON callback fails the
// interaction and is a violation.
//
// While the response is in transit, REST requests with the interaction's
// token wait for it to be recorded, as if Discord had read the response
// before the bot's next request arrived.
func (s *Server) Post(tb testing.TB, url string, key ed25519.PrivateKey, in *discordgo.Interaction) *Interaction {
	tb.Helper()
	s.mu.Lock()
	it := s.newInteractionLocked(in)
	it.inTransit = true
	body := it.wire
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		it.inTransit = false
		s.notifyLocked()
	}()

	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		tb.Fatalf("discordtest: Post to %s: %v", url, err)
	}
	SignRequest(req, key, s.now(), body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Discord-Interactions/1.0 (+https://discord.com)")
	s.mu.Lock()
	it.delivered = s.nowLocked()
	s.mu.Unlock()
	client := &http.Client{Timeout: endpointTimeout}
	resp, err := client.Do(req)
	if err != nil {
		s.failPost(it, "the endpoint did not answer: "+err.Error())
		return it
	}
	defer resp.Body.Close()
	cb, err := io.ReadAll(resp.Body)
	switch mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); {
	case err != nil:
		s.failPost(it, "reading the endpoint's response: "+err.Error())
	case resp.StatusCode != http.StatusOK:
		s.failPost(it, "the endpoint answered "+resp.Status+": "+string(bytes.TrimSpace(cb)))
	case mt != "application/json" || !json.Valid(cb):
		s.failPost(it, "the endpoint's response is not JSON (Content-Type "+strconv.Quote(mt)+")")
	default:
		s.recordCallback(it, cb)
	}
	return it
}

// SignRequest signs an interaction request as Discord does: the
// X-Signature-Timestamp header is at's Unix time in seconds, and
// X-Signature-Ed25519 the hex Ed25519 signature by key of that timestamp
// followed by body. Tests can sign with the wrong key, an old timestamp, or
// another body than the one sent.
func SignRequest(req *http.Request, key ed25519.PrivateKey, at time.Time, body []byte) {
	ts := strconv.FormatInt(at.Unix(), 10)
	sig := ed25519.Sign(key, append([]byte(ts), body...))
	req.Header.Set("X-Signature-Timestamp", ts)
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(sig))
}

// recordCallback takes an endpoint's response as the interaction's
// callback, through the same checks as the REST callback endpoint.
func (s *Server) recordCallback(it *Interaction, cb []byte) {
	path := "/interactions/" + it.ID + "/" + it.Token + "/callback"
	r := httptest.NewRequest(http.MethodPost, path, nil)
	r.SetPathValue("id", it.ID)
	r.SetPathValue("token", it.Token)
	rec := httptest.NewRecorder()
	s.postCallback(rec, &restRequest{Request: r, path: "response to the interactions endpoint", body: cb})
	if rec.Code >= 300 {
		// postCallback recorded the violation; the interaction failed too.
		s.mu.Lock()
		defer s.mu.Unlock()
		if it.failure == "" {
			it.failure = "the endpoint's callback was refused: " + rec.Body.String()
			s.notifyLocked()
		}
	}
}

// failPost fails an interaction whose endpoint did not give a callback.
func (s *Server) failPost(it *Interaction, why string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if it.failure != "" {
		return
	}
	it.failure = why
	s.violateLocked("interaction %s (%s): %s", it.ID, it.describe(), why)
}

// awaitCallback holds a REST request carrying an interaction token until
// the interaction's endpoint response, if one is in transit, is recorded.
func (s *Server) awaitCallback(token string) {
	if token == "" {
		return
	}
	s.waitFor(nil, endpointTimeout, func() bool {
		it := s.byToken[token]
		return it == nil || !it.inTransit
	})
}
