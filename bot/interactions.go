package bot

import (
	"bytes"
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
	// maxInteractionBody bounds a request body, which must be read whole
	// before its signature can be checked. Discord documents no limit on
	// an interaction's size; its largest is a "Find sources" on a long
	// message, which carries the message: up to 4,000 characters of
	// content (Nitro) and 6,000 of embed text, 10 attachments, 25 buttons
	// and the mentioned users. Even with every character 4 bytes of UTF-8
	// that is about 70 KiB (TestInteractionsEndpointTakesTheLargestMessage
	// builds one); 128 KiB leaves room for a quoted reply's message too.
	// Only a message mentioning a hundred or more users, quoting another
	// as long, would go over, and is refused with 413.
	maxInteractionBody = 128 << 10
	// maxBodyReads bounds the bodies read at once, so that unsigned
	// requests hold at most maxBodyReads*maxInteractionBody (4 MiB) of
	// memory, however many arrive: a request that finds no slot within
	// bodyReadWait is answered 503. Discord sends a body in one go, so a
	// slot is held for milliseconds; bodyReadTime frees one held by a
	// client that trickles its body, and is Discord's own 3-second window
	// for the whole interaction, after which the body is of no use.
	maxBodyReads = 32
	bodyReadWait = 250 * time.Millisecond
	bodyReadTime = 3 * time.Second
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
}

// InteractionsHandler returns the handler for the application's
// Interactions Endpoint URL. It accepts a request only when
// X-Signature-Ed25519 is publicKey's signature of X-Signature-Timestamp and
// the body, and the timestamp is within 5 minutes of now; otherwise it
// answers 401. It answers PING with PONG and every other interaction with
// the same handlers as the gateway. Use it with RunInteractions.
func (b *Bot) InteractionsHandler(publicKey ed25519.PublicKey) http.Handler {
	reads := make(chan struct{}, maxBodyReads)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "interactions are POSTed", http.StatusMethodNotAllowed)
			return
		}
		body, status := readBody(w, r, reads)
		if status != 0 {
			if status == http.StatusServiceUnavailable {
				w.Header().Set("Retry-After", "1")
			}
			// Else the server would read what is left of the body, up
			// to 256 KiB, before answering: the very reading refused.
			w.Header().Set("Connection", "close")
			b.log.Debug("interaction refused: body not read", "remote", r.RemoteAddr, "status", status)
			http.Error(w, http.StatusText(status), status)
			return
		}
		// VerifyInteraction reads the body and puts it back for us.
		r.Body = io.NopCloser(bytes.NewReader(body))
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
		var i discordgo.Interaction
		if err := json.Unmarshal(body, &i); err != nil {
			b.log.Warn("interaction refused: unreadable body", "err", err)
			http.Error(w, "the body is not an interaction", http.StatusBadRequest)
			return
		}
		switch {
		case i.Type == discordgo.InteractionPing:
			writeResponse(w, &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong})
		case !b.firstSeen(r.Context(), i.ID):
			b.log.Warn("interaction received again; acknowledged, not answered", "interaction", i.ID, "remote", r.RemoteAddr)
			ackRepeat(w, &i)
		default:
			b.serveInteraction(w, r, &i, body)
		}
	})
}

// readBody reads a request's body, at most maxInteractionBody of it, while
// holding one of the slots in reads. It returns a status other than 0 when
// it cannot: 413 for a body too large, 503 when no slot frees up in time,
// 400 for one cut off or not sent within bodyReadTime.
func readBody(w http.ResponseWriter, r *http.Request, reads chan struct{}) ([]byte, int) {
	if r.ContentLength > maxInteractionBody {
		return nil, http.StatusRequestEntityTooLarge
	}
	timer := time.NewTimer(bodyReadWait)
	defer timer.Stop()
	select {
	case reads <- struct{}{}:
	case <-timer.C:
		return nil, http.StatusServiceUnavailable
	case <-r.Context().Done():
		return nil, http.StatusServiceUnavailable
	}
	defer func() { <-reads }()
	// Not every ResponseWriter has a connection to put a deadline on
	// (httptest's recorder); the server's own ReadTimeout still holds.
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Now().Add(bodyReadTime))
	buf := bytes.NewBuffer(make([]byte, 0, min(max(r.ContentLength, 0), maxInteractionBody)+bytes.MinRead))
	_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, maxInteractionBody))
	// Lifted once the body is in: the server's watch for the client
	// going away reads on, and a deadline passing there would cancel the
	// request while its answer is being prepared.
	_ = rc.SetReadDeadline(time.Time{})
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, http.StatusRequestEntityTooLarge
	case err != nil:
		return nil, http.StatusBadRequest
	}
	return buf.Bytes(), 0
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
func (b *Bot) serveInteraction(w http.ResponseWriter, r *http.Request, i *discordgo.Interaction, body []byte) {
	if !b.track() {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	p, ok := b.expect(i.ID)
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
		b.handle(i, body)
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
func (b *Bot) expect(id string) (p *pendingResponse, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, dup := b.pending[id]; dup {
		return nil, false
	}
	p = &pendingResponse{
		resp:      make(chan *discordgo.InteractionResponse, 1),
		written:   make(chan struct{}),
		abandoned: make(chan struct{}),
	}
	b.pending[id] = p
	return p, true
}

func (b *Bot) forget(id string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.pending, id)
}

// acknowledge defers i's reply, privately or not, with no mentions
// allowed: Discord wants an initial response within 3 seconds. It reports
// false, the failure logged, when Discord did not take it.
func (b *Bot) acknowledge(i *discordgo.Interaction, ephemeral bool) bool {
	err := b.initial(i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{AllowedMentions: noMentions(), Flags: flags(ephemeral)},
	})
	if err != nil {
		b.fail("acknowledge", i, err)
		return false
	}
	return true
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
