package discordtest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

func TestChannelPermissions(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	dg := newClient(t, s)
	ch := s.AddChannel("announcements")
	send := func() error {
		_, err := dg.ChannelMessageSendComplex(ch, &discordgo.MessageSend{Content: "hello", AllowedMentions: quiet()})
		return err
	}
	perms := func() int64 {
		t.Helper()
		p, err := dg.UserChannelPermissions(s.BotUserID(), ch)
		if err != nil {
			t.Fatalf("UserChannelPermissions() = %v", err)
		}
		return p
	}

	if p := perms(); p&discordgo.PermissionSendMessages == 0 || p&discordgo.PermissionViewChannel == 0 {
		t.Errorf("bot permissions = %b, want View Channel and Send Messages", p)
	}
	if err := send(); err != nil {
		t.Errorf("send to a channel the bot may post in: %v", err)
	}

	s.DenyBot(ch, discordgo.PermissionSendMessages)
	if p := perms(); p&discordgo.PermissionSendMessages != 0 || p&discordgo.PermissionViewChannel == 0 {
		t.Errorf("bot permissions without Send Messages = %b", p)
	}
	wantRESTError(t, send(), http.StatusForbidden, codeMissingPermissions)

	s.DenyBot(ch, discordgo.PermissionViewChannel)
	wantRESTError(t, send(), http.StatusForbidden, codeMissingAccess)
	_, err := dg.Channel(ch)
	wantRESTError(t, err, http.StatusForbidden, codeMissingAccess)

	s.DenyBot(ch, 0)
	if err := send(); err != nil {
		t.Errorf("send after the overwrite is lifted: %v", err)
	}

	s.DeleteChannel(ch)
	wantRESTError(t, send(), http.StatusNotFound, codeUnknownChannel)
	_, err = dg.Channel(ch)
	wantRESTError(t, err, http.StatusNotFound, codeUnknownChannel)
	if got := s.Messages(ch); len(got) != 0 {
		t.Errorf("Messages(deleted channel) = %d messages, want none", len(got))
	}
	noViolations(t, s)
}

func TestChannelChangesReachTheGateway(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	ch := s.AddChannel("announcements")
	dg := openBot(t, s, respond(reply("pong")))
	s.DenyBot(s.ChannelID(), discordgo.PermissionSendMessages)
	gone := make(chan struct{})
	dg.AddHandler(func(_ *discordgo.Session, d *discordgo.ChannelDelete) {
		if d.ID == ch {
			close(gone)
		}
	})
	s.DeleteChannel(ch)
	await(t, gone, "CHANNEL_DELETE")

	// The session's state follows: the permissions come from it.
	p, err := dg.State.UserChannelPermissions(s.BotUserID(), s.ChannelID())
	if err != nil || p&discordgo.PermissionSendMessages != 0 || p&discordgo.PermissionViewChannel == 0 {
		t.Errorf("State.UserChannelPermissions() = %b, %v; want View Channel without Send Messages", p, err)
	}
	if _, err := dg.State.Channel(ch); err == nil {
		t.Errorf("State.Channel(deleted) found it")
	}

	in := s.Interact(t, SlashCommand("ping"))
	if _, err := in.Wait(waitCtx(t)); err != nil {
		t.Fatal(err)
	}
	if got := in.AppPermissions; got&discordgo.PermissionViewChannel == 0 || got&discordgo.PermissionSendMessages != 0 {
		t.Errorf("interaction app_permissions = %b, want the bot's in the channel", got)
	}
	noViolations(t, s)
}

func TestChannelHistory(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	dg := newClient(t, s)
	var ids []string
	for i := range 5 {
		m, err := dg.ChannelMessageSendComplex(s.ChannelID(), &discordgo.MessageSend{Content: strings.Repeat("x", i+1), AllowedMentions: quiet()})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	s.UserMessage(s.AddChannel("elsewhere"), "not here")
	idsOf := func(ms []*discordgo.Message) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.ID)
		}
		return out
	}
	newestFirst := func(ids ...string) []string {
		ids = slices.Clone(ids)
		slices.Reverse(ids)
		return ids
	}
	tests := []struct {
		name          string
		limit         int
		before, after string
		want          []string
	}{
		{"latest", 0, "", "", newestFirst(ids...)},
		{"latest two", 2, "", "", newestFirst(ids[3:]...)},
		{"after, oldest first taken", 2, "", ids[0], newestFirst(ids[1:3]...)},
		{"after the last", 10, "", ids[4], nil},
		{"before", 10, ids[2], "", newestFirst(ids[:2]...)},
		{"between", 10, ids[4], ids[1], newestFirst(ids[2:4]...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := dg.ChannelMessages(s.ChannelID(), tt.limit, tt.before, tt.after, "")
			if err != nil {
				t.Fatalf("ChannelMessages() = %v", err)
			}
			if g := idsOf(got); !slices.Equal(g, tt.want) {
				t.Errorf("ChannelMessages(limit %d, before %s, after %s) = %v, want %v", tt.limit, tt.before, tt.after, g, tt.want)
			}
		})
	}

	s.DenyBot(s.ChannelID(), discordgo.PermissionReadMessageHistory)
	if got, err := dg.ChannelMessages(s.ChannelID(), 10, "", "", ""); err != nil || len(got) != 0 {
		t.Errorf("ChannelMessages() without Read Message History = %d messages, %v; want none", len(got), err)
	}
	noViolations(t, s)

	_, err := dg.ChannelMessages(s.ChannelID(), 101, "", "", "")
	wantRESTError(t, err, http.StatusBadRequest, codeInvalidFormBody)
	wantViolation(t, s, "limit")
}

func TestEnforceNonce(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	dg := newClient(t, s)
	post := func(content, nonce string, enforce bool) (string, error) {
		body := map[string]any{"content": content, "nonce": nonce, "enforce_nonce": enforce, "allowed_mentions": quiet()}
		raw, err := dg.RequestWithBucketID(http.MethodPost, discordgo.EndpointChannelMessages(s.ChannelID()), body, "messages")
		if err != nil {
			return "", err
		}
		var m discordgo.Message
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		return m.ID, nil
	}
	first, err := post("digest part 1", "n1", true)
	if err != nil {
		t.Fatal(err)
	}
	if again, err := post("digest part 1", "n1", true); err != nil || again != first {
		t.Errorf("post with the same nonce = %s, %v; want the first message %s", again, err, first)
	}
	if other, err := post("digest part 1", "n1", false); err != nil || other == first {
		t.Errorf("post without enforce_nonce = %s, %v; want a new message", other, err)
	}
	s.Advance(6 * time.Minute)
	if later, err := post("digest part 1", "n1", true); err != nil || later == first {
		t.Errorf("post with the nonce minutes later = %s, %v; want a new message", later, err)
	}
	if got := len(s.Messages(s.ChannelID())); got != 3 {
		t.Errorf("channel has %d messages, want 3", got)
	}
	noViolations(t, s)

	_, err = post("x", strings.Repeat("n", 26), true)
	wantRESTError(t, err, http.StatusBadRequest, codeInvalidFormBody)
	wantViolation(t, s, "nonce")
}

func TestLoseReplies(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	dg := newClient(t, s)
	s.LoseReplies(1)
	if _, err := dg.ChannelMessageSendComplex(s.ChannelID(), &discordgo.MessageSend{Content: "lost", AllowedMentions: quiet()}); err == nil {
		t.Fatal("send with its reply lost succeeded, want an error")
	}
	if got := s.Messages(s.ChannelID()); len(got) != 1 || got[0].Content != "lost" {
		t.Errorf("Messages() = %v, want the message created all the same", got)
	}
	if reqs := s.Requests(); reqs[len(reqs)-1].Status != 0 {
		t.Errorf("lost request recorded with status %d, want 0", reqs[len(reqs)-1].Status)
	}
	if _, err := dg.ChannelMessageSendComplex(s.ChannelID(), &discordgo.MessageSend{Content: "kept", AllowedMentions: quiet()}); err != nil {
		t.Errorf("send after the lost one: %v", err)
	}
	noViolations(t, s)
}
