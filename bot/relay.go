package bot

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/dossier-bot/dossier/bot/markdown"
)

// Several instances in HTTP interactions mode share Discord's requests,
// but only one can keep the digests' state: the store is a file one
// process opens. The others, given its interactions endpoint
// (Options.DigestURL), pass /digest and /watch on to it as Discord sent
// them, and relay each question they log. Both are Discord's own signed
// requests, which the instance with the state checks as it checks any
// request: nothing else need be trusted between the instances.

// relayHeader marks a signed interaction relayed for the question log
// only: the instance with the state logs its question without answering.
const relayHeader = "X-Dossier-Relay"

const relayQuestionLog = "question-log"

// relayTimeout bounds a relay to the instance with the state.
const relayTimeout = 10 * time.Second

const msgDigestsUnreachable = "The Dossier instance that keeps the daily digests did not answer. Please try again in a moment."

// signedRequest is an interaction as Discord sent it over HTTP.
type signedRequest struct {
	body                 []byte
	signature, timestamp string
}

func signedFrom(r *http.Request, body []byte) signedRequest {
	return signedRequest{body: body, signature: r.Header.Get("X-Signature-Ed25519"), timestamp: r.Header.Get("X-Signature-Timestamp")}
}

// post sends the signed interaction to url, as Discord would, with extra
// headers.
func (s signedRequest) post(ctx context.Context, client *http.Client, url string, header http.Header) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(s.body))
	if err != nil {
		return nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Signature-Ed25519", s.signature)
	req.Header.Set("X-Signature-Timestamp", s.timestamp)
	return client.Do(req)
}

// forwards reports whether i goes to the instance with the digests.
func (b *Bot) forwards(i *discordgo.Interaction) bool {
	if b.opts.DigestURL == "" {
		return false
	}
	data, ok := i.Data.(discordgo.ApplicationCommandInteractionData)
	if !ok {
		return false
	}
	switch data.Name {
	case cmdDigest, cmdWatch:
		return b.opts.Digests == nil
	case cmdCite, cmdCitations, cmdThreadCitations:
		// The citations are kept with the digests' state.
		return b.opts.Citations == nil
	}
	return false
}

// forward passes an interaction to the instance with the digests and
// sends its answer back as the initial response; when that instance does
// not answer, the user is told so privately.
func (b *Bot) forward(w http.ResponseWriter, r *http.Request, i *discordgo.Interaction, signed signedRequest) {
	ctx, cancel := context.WithTimeout(r.Context(), initialWait)
	defer cancel()
	resp, err := signed.post(ctx, b.relays, b.opts.DigestURL, nil)
	if err == nil {
		defer resp.Body.Close()
		var body []byte
		if body, err = io.ReadAll(io.LimitReader(resp.Body, maxInteractionBody)); err == nil && resp.StatusCode == http.StatusOK {
			w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(http.StatusOK)
			w.Write(body)
			return
		}
		if err == nil {
			err = &statusError{resp.Status, bytes.TrimSpace(body)}
		}
	}
	b.obs.DiscordError("pass on to the digest instance")
	b.log.Error("pass an interaction on to the digest instance", "interaction", i.ID, "url", b.opts.DigestURL, "err", err)
	if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
		writeResponse(w, &discordgo.InteractionResponse{
			Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{}, AllowedMentions: noMentions()},
		})
		return
	}
	writeResponse(w, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: text(msgDigestsUnreachable).data(true),
	})
}

type statusError struct {
	status string
	body   []byte
}

func (e *statusError) Error() string { return "answered " + e.status + ": " + string(e.body) }

// relayQuestion sends an interaction whose question this instance would
// log to the instance with the digests, in the background.
func (b *Bot) relayQuestion(i *discordgo.Interaction) {
	b.mu.Lock()
	p := b.pending[i.ID]
	b.mu.Unlock()
	if p == nil || b.opts.DigestURL == "" {
		return // only interactions that came over HTTP carry Discord's signature
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), relayTimeout)
		defer cancel()
		resp, err := p.signed.post(ctx, b.relays, b.opts.DigestURL, http.Header{relayHeader: {relayQuestionLog}})
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode != http.StatusNoContent {
				err = &statusError{resp.Status, nil}
			}
		}
		if err != nil {
			b.log.Warn("relay a question to the digest instance", "interaction", i.ID, "url", b.opts.DigestURL, "err", err)
		}
	}()
}

// acceptRelay logs the question of a relayed interaction, checked as any
// interaction is, without answering it: the instance that relayed it has.
// An interaction is logged once however often it is relayed.
func (b *Bot) acceptRelay(w http.ResponseWriter, i *discordgo.Interaction) {
	if b.opts.Digests == nil {
		http.Error(w, "this instance keeps no digests", http.StatusNotFound)
		return
	}
	q, ok := loggedQuestion(i)
	if !ok || !b.relayed.first(i.ID, b.opts.Now()) {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), replyTimeout)
	defer cancel()
	a, err := b.ask(ctx, q, max(relayedResults(i), defaultResults))
	if err != nil {
		b.log.Error("answer a relayed question for the log", "interaction", i.ID, "err", err)
		http.Error(w, "search failed", http.StatusServiceUnavailable)
		return
	}
	b.logQuestion(i, a)
	b.keepRelayed(i, a)
	w.WriteHeader(http.StatusNoContent)
}

// loggedQuestion is the question of an interaction that goes in the
// question log, as answer logs it: a public /ask or a Find sources in a
// server.
func loggedQuestion(i *discordgo.Interaction) (string, bool) {
	data, ok := i.Data.(discordgo.ApplicationCommandInteractionData)
	if !ok || i.GuildID == "" || i.Type != discordgo.InteractionApplicationCommand {
		return "", false
	}
	var q string
	switch data.Name {
	case cmdAsk:
		if boolOption(data, optPrivate) {
			return "", false
		}
		q = markdown.OneLine(stringOption(data, optQuestion))
	case cmdFindSources:
		if data.Resolved != nil && data.Resolved.Messages[data.TargetID] != nil {
			q = questionFromMessage(data.Resolved.Messages[data.TargetID].Content)
		}
	}
	return q, q != "" && markdown.Len(q) <= maxQuestion
}

// seenSet remembers ids for as long as a signature is accepted, so that
// a relayed interaction is logged once.
type seenSet struct {
	mu   sync.Mutex
	seen map[string]time.Time
}

// first reports whether id was not seen within the last maxSignatureAge,
// and remembers it.
func (s *seenSet) first(id string, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen == nil {
		s.seen = map[string]time.Time{}
	}
	for k, at := range s.seen {
		if now.Sub(at) > 2*maxSignatureAge {
			delete(s.seen, k)
		}
	}
	if _, dup := s.seen[id]; dup {
		return false
	}
	s.seen[id] = now
	return true
}
