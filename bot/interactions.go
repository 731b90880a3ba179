package bot

import (
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
)

// HTTP interactions mode: Discord POSTs each interaction to the
// application's Interactions Endpoint URL and takes the response body as
// the initial response. Everything after it (answers, edits, follow-ups)
// goes over REST exactly as in gateway mode, so the same handlers serve
// both; only the initial response is routed here instead of to REST.

const (
	// maxSignatureAge is how old a request's timestamp may be (either
	// way, for clock skew): a captured request cannot be replayed later.
	maxSignatureAge = 5 * time.Minute
	// maxInteractionBody bounds a request body; Discord's are a few KiB,
	// more with resolved messages.
	maxInteractionBody = 1 << 20
	// initialWait is how long a request waits for its initial response;
	// Discord gives up after 3 seconds.
	initialWait = 2900 * time.Millisecond
)

// errAbandoned is returned for an initial response that came after the
// HTTP request it was for had ended.
var errAbandoned = errors.New("the HTTP request for the interaction ended before its initial response")

// pendingResponse is the initial response of an interaction that came over
// HTTP, passed from the handler answering it to the HTTP request.
type pendingResponse struct {
	resp      chan *discordgo.InteractionResponse // buffered: one response
	written   chan struct{}                       // closed once it is sent
	abandoned chan struct{}                       // closed if it never will be
	// signed is the request as Discord sent it, for relaying.
	signed signedRequest
}

// InteractionsHandler returns the handler for the application's
// Interactions Endpoint URL. It accepts a request only when
// X-Signature-Ed25519 is publicKey's signature of X-Signature-Timestamp and
// the body, and the timestamp is within 5 minutes of now; otherwise it
// answers 401. It answers PING with PONG and every other interaction with
// the same handlers as the gateway. Use it with RunInteractions.
func (b *Bot) InteractionsHandler(publicKey ed25519.PublicKey) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "interactions are POSTed", http.StatusMethodNotAllowed)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxInteractionBody)
		// VerifyInteraction reads the body and puts it back for us.
		if !discordgo.VerifyInteraction(r, publicKey) {
			b.log.Debug("interaction refused: bad or missing signature", "remote", r.RemoteAddr)
			http.Error(w, "invalid request signature", http.StatusUnauthorized)
			return
		}
		if !b.fresh(r.Header.Get("X-Signature-Timestamp")) {
			b.log.Warn("interaction refused: stale signature timestamp", "remote", r.RemoteAddr,
				"timestamp", r.Header.Get("X-Signature-Timestamp"))
			http.Error(w, "stale request timestamp", http.StatusUnauthorized)
			return
		}
		body, err := io.ReadAll(r.Body)
		var i discordgo.Interaction
		if err == nil {
			err = json.Unmarshal(body, &i)
		}
		if err != nil {
			b.log.Warn("interaction refused: unreadable body", "err", err)
			http.Error(w, "the body is not an interaction", http.StatusBadRequest)
			return
		}
		signed := signedFrom(r, body)
		switch {
		case i.Type == discordgo.InteractionPing:
			writeResponse(w, &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong})
		case r.Header.Get(relayHeader) == relayQuestionLog:
			b.acceptRelay(w, &i)
		case b.forwards(&i):
			b.forward(w, r, &i, signed)
		default:
			b.serveInteraction(w, r, &i, signed)
		}
	})
}

// fresh reports whether a signature timestamp, Unix seconds, is recent.
func (b *Bot) fresh(timestamp string) bool {
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return false
	}
	age := b.opts.Now().Sub(time.Unix(sec, 0))
	return age <= maxSignatureAge && age >= -maxSignatureAge
}

// serveInteraction answers i in the background, as the gateway would, and
// sends its initial response as the HTTP response.
func (b *Bot) serveInteraction(w http.ResponseWriter, r *http.Request, i *discordgo.Interaction, signed signedRequest) {
	if !b.track() {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	p, ok := b.expect(i.ID, signed)
	if !ok {
		b.inflight.Done()
		b.log.Warn("interaction refused: already being answered", "interaction", i.ID)
		http.Error(w, "interaction already received", http.StatusConflict)
		return
	}
	handled := make(chan struct{})
	go func() {
		defer b.inflight.Done()
		defer b.forget(i.ID)
		defer close(handled)
		b.handle(i, signed.body)
	}()
	timer := time.NewTimer(initialWait)
	defer timer.Stop()
	select {
	case resp := <-p.resp:
		writeResponse(w, resp)
		close(p.written)
		return
	case <-handled:
		// Without a response: handle returns only after initial does, so
		// none can be waiting. The handlers ignore what they do not know.
		http.Error(w, "interaction not supported", http.StatusBadRequest)
	case <-timer.C:
		b.log.Error("no initial response in time", "interaction", i.ID, "waited", initialWait)
		http.Error(w, "no response in time", http.StatusServiceUnavailable)
	case <-r.Context().Done():
		b.log.Warn("discord ended the request before the initial response", "interaction", i.ID)
	}
	close(p.abandoned)
}

// expect registers an interaction whose initial response goes to its HTTP
// request; ok is false if one with that id is already being answered.
func (b *Bot) expect(id string, signed signedRequest) (p *pendingResponse, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, dup := b.pending[id]; dup {
		return nil, false
	}
	p = &pendingResponse{
		resp:      make(chan *discordgo.InteractionResponse, 1),
		written:   make(chan struct{}),
		abandoned: make(chan struct{}),
		signed:    signed,
	}
	b.pending[id] = p
	return p, true
}

func (b *Bot) forget(id string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.pending, id)
}

// initial sends an interaction's initial response: over REST for an
// interaction from the gateway, as the HTTP response for one that came
// over HTTP. In that case it returns once the response is sent, so what
// the handler sends next (an edit of the deferred reply) comes after it.
func (b *Bot) initial(i *discordgo.Interaction, resp *discordgo.InteractionResponse) error {
	b.mu.Lock()
	p := b.pending[i.ID]
	b.mu.Unlock()
	if p == nil {
		err := b.session.InteractionRespond(i, resp)
		b.setAcknowledged(i.ID, err == nil)
		return err
	}
	select {
	case p.resp <- resp:
	default:
		return fmt.Errorf("interaction %s: a second initial response", i.ID)
	}
	select {
	case <-p.written:
		b.setAcknowledged(i.ID, true)
		return nil
	case <-p.abandoned:
		return errAbandoned
	}
}

// writeResponse sends an initial response as an HTTP response, in full:
// with its length known and flushed, Discord has it all at once.
func writeResponse(w http.ResponseWriter, resp *discordgo.InteractionResponse) {
	body, err := json.Marshal(resp)
	if err != nil {
		// Our own types always marshal; this is a bug, not bad input.
		http.Error(w, "marshal the response", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	w.Write(body)
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
}
