package discordtest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

func file(name, contentType, body string) *discordgo.File {
	return &discordgo.File{Name: name, ContentType: contentType, Reader: strings.NewReader(body)}
}

// download fetches an attachment from its URL, as a user's client would.
func download(tb testing.TB, a *discordgo.MessageAttachment) string {
	tb.Helper()
	resp, err := http.Get(a.URL)
	if err != nil {
		tb.Fatalf("GET %s: %v", a.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		tb.Fatalf("GET %s = %d, %v", a.URL, resp.StatusCode, err)
	}
	if ct := resp.Header.Get("Content-Type"); a.ContentType != "" && ct != a.ContentType {
		tb.Errorf("GET %s Content-Type = %q, want %q", a.URL, ct, a.ContentType)
	}
	return string(body)
}

// wantAttachments checks a message's attachments by name and content.
func wantAttachments(tb testing.TB, s *Server, m *discordgo.Message, want map[string]string) {
	tb.Helper()
	if len(m.Attachments) != len(want) {
		tb.Fatalf("message has %d attachments, want %d", len(m.Attachments), len(want))
	}
	for _, a := range m.Attachments {
		body, ok := want[a.Filename]
		if !ok {
			tb.Errorf("unexpected attachment %q", a.Filename)
			continue
		}
		if a.Size != len(body) || a.ID == "" {
			tb.Errorf("attachment %q: id %q size %d, want an id and size %d", a.Filename, a.ID, a.Size, len(body))
		}
		if got := download(tb, a); got != body {
			tb.Errorf("attachment %q downloads as %q, want %q", a.Filename, got, body)
		}
		if got, ok := s.AttachmentData(a); !ok || string(got) != body {
			tb.Errorf("AttachmentData(%q) = %q, %v; want %q", a.Filename, got, ok, body)
		}
	}
}

func TestChannelMessageUploads(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	m, err := newClient(t, s).ChannelMessageSendComplex(s.ChannelID(), &discordgo.MessageSend{
		Content:         "two files",
		Files:           []*discordgo.File{file("refs.md", "text/markdown", "# refs"), file("refs.json", "application/json", "[]")},
		AllowedMentions: quiet(),
	})
	if err != nil {
		t.Fatalf("send with files = %v", err)
	}
	wantAttachments(t, s, m, map[string]string{"refs.md": "# refs", "refs.json": "[]"})
	stored := s.Messages(s.ChannelID())
	wantAttachments(t, s, stored[len(stored)-1].Message, map[string]string{"refs.md": "# refs", "refs.json": "[]"})
	noViolations(t, s)
}

func TestInteractionUploads(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	errs := make(chan error, 8)
	openBot(t, s, func(dg *discordgo.Session, ic *discordgo.InteractionCreate) {
		in := ic.Interaction
		switch ic.ApplicationCommandData().Name {
		case "now":
			errs <- dg.InteractionRespond(in, &discordgo.InteractionResponse{
				Type: discordgo.InteractionResponseChannelMessageWithSource,
				Data: &discordgo.InteractionResponseData{Content: "here", AllowedMentions: quiet(), Files: []*discordgo.File{file("a.md", "text/markdown", "A")}},
			})
		case "later":
			errs <- dg.InteractionRespond(in, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource})
			content := "done"
			_, err := dg.InteractionResponseEdit(in, &discordgo.WebhookEdit{Content: &content, AllowedMentions: quiet(), Files: []*discordgo.File{file("b.json", "application/json", `{"b":1}`)}})
			errs <- err
			_, err = dg.FollowupMessageCreate(in, true, &discordgo.WebhookParams{AllowedMentions: quiet(), Files: []*discordgo.File{file("c.txt", "text/plain", "C")}})
			errs <- err
			// An edit that lists no attachments keeps them; adding a
			// file appends it.
			_, err = dg.InteractionResponseEdit(in, &discordgo.WebhookEdit{AllowedMentions: quiet(), Files: []*discordgo.File{file("d.txt", "text/plain", "D")}})
			errs <- err
		}
	})

	now := s.Interact(t, SlashCommand("now"))
	r, err := now.Wait(waitCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := await(t, errs, "the callback"); err != nil {
		t.Fatalf("callback with a file = %v", err)
	}
	wantAttachments(t, s, r.Original.Message, map[string]string{"a.md": "A"})

	later := s.Interact(t, SlashCommand("later"))
	r, err = later.WaitUntil(waitCtx(t), func(r Response) bool { return r.Edits == 2 })
	if err != nil {
		t.Fatal(err)
	}
	for range 4 {
		if err := await(t, errs, "a bot request"); err != nil {
			t.Errorf("bot request failed: %v", err)
		}
	}
	wantAttachments(t, s, r.Original.Message, map[string]string{"b.json": `{"b":1}`, "d.txt": "D"})
	wantAttachments(t, s, r.Followups[0].Message, map[string]string{"c.txt": "C"})
	noViolations(t, s)
}

func TestEditReplacesAttachments(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	done := make(chan *discordgo.Message, 1)
	openBot(t, s, func(dg *discordgo.Session, ic *discordgo.InteractionCreate) {
		in := ic.Interaction
		dg.InteractionRespond(in, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource})
		content := "v1"
		m, _ := dg.InteractionResponseEdit(in, &discordgo.WebhookEdit{Content: &content, AllowedMentions: quiet(), Files: []*discordgo.File{file("old.txt", "text/plain", "old")}})
		// Keep nothing of the old, upload a new one.
		none := []*discordgo.MessageAttachment{}
		m, _ = dg.InteractionResponseEdit(in, &discordgo.WebhookEdit{AllowedMentions: quiet(), Attachments: &none, Files: []*discordgo.File{file("new.txt", "text/plain", "new")}})
		done <- m
	})
	s.Interact(t, SlashCommand("x"))
	m := await(t, done, "the edits")
	if m == nil {
		t.Fatal("the edit failed")
	}
	wantAttachments(t, s, m, map[string]string{"new.txt": "new"})
	noViolations(t, s)
}

func TestUploadLimits(t *testing.T) {
	t.Parallel()
	eleven := make([]*discordgo.File, 11)
	for i := range eleven {
		eleven[i] = file("f.txt", "text/plain", "x")
	}
	for _, tc := range []struct {
		name         string
		msg          *discordgo.MessageSend
		status, code int
		violation    string
	}{
		{"eleven files", &discordgo.MessageSend{Files: eleven}, http.StatusBadRequest, codeInvalidFormBody, "attachments"},
		{"over 10 MiB", &discordgo.MessageSend{Files: []*discordgo.File{{Name: "big.bin", Reader: bytes.NewReader(make([]byte, maxFileSize+1))}}},
			http.StatusRequestEntityTooLarge, codeEntityTooLarge, "upload limit"},
		{"no filename", &discordgo.MessageSend{Files: []*discordgo.File{file("", "text/plain", "x")}}, http.StatusBadRequest, codeInvalidFormBody, "filename"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := NewServer(t)
			tc.msg.AllowedMentions = quiet()
			_, err := newClient(t, s).ChannelMessageSendComplex(s.ChannelID(), tc.msg)
			wantRESTError(t, err, tc.status, tc.code)
			wantViolation(t, s, tc.violation)
			if n := len(s.Messages(s.ChannelID())); n != 0 {
				t.Errorf("%d messages created, want none", n)
			}
		})
	}
}

// TestUnknownAttachmentRefused sends attachments metadata naming a file
// that was not uploaded, which discordgo's MessageSend cannot express.
func TestUnknownAttachmentRefused(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	dg := newClient(t, s)
	payload := map[string]any{"content": "x", "allowed_mentions": quiet(), "attachments": []map[string]any{{"id": 3, "filename": "a.txt"}}}
	ct, body, err := discordgo.MultipartBodyWithJSON(payload, []*discordgo.File{file("a.txt", "text/plain", "a")})
	if err != nil {
		t.Fatal(err)
	}
	endpoint := discordgo.EndpointChannelMessages(s.ChannelID())
	_, err = dg.RequestRaw(http.MethodPost, endpoint, ct, body, endpoint, 0)
	wantRESTError(t, err, http.StatusBadRequest, codeInvalidFormBody)
	wantViolation(t, s, "attachments.0.id")

	// Naming the upload's index is fine, and its metadata applies.
	payload["attachments"] = []map[string]any{{"id": 0, "filename": "renamed.txt", "description": "the file"}}
	ct, body, _ = discordgo.MultipartBodyWithJSON(payload, []*discordgo.File{file("a.txt", "text/plain", "a")})
	raw, err := dg.RequestRaw(http.MethodPost, endpoint, ct, body, endpoint, 0)
	if err != nil {
		t.Fatalf("upload with its metadata = %v", err)
	}
	var m discordgo.Message
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	wantAttachments(t, s, &m, map[string]string{"renamed.txt": "a"})
}
