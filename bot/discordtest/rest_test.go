package discordtest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

func buttons(ids ...string) discordgo.ActionsRow {
	row := discordgo.ActionsRow{}
	for _, id := range ids {
		row.Components = append(row.Components, discordgo.Button{Label: id, Style: discordgo.SecondaryButton, CustomID: id})
	}
	return row
}

func fields(n, size int) []*discordgo.MessageEmbedField {
	fs := make([]*discordgo.MessageEmbedField, n)
	for i := range fs {
		fs[i] = &discordgo.MessageEmbedField{Name: "n", Value: strings.Repeat("v", size)}
	}
	return fs
}

func TestChannelMessageLimits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		msg      discordgo.MessageSend
		wantCode int    // 0: accepted
		wantPath string // in the recorded violation
	}{
		{"plain", discordgo.MessageSend{Content: "hello"}, 0, ""},
		{"2000 runes", discordgo.MessageSend{Content: strings.Repeat("é", 2000)}, 0, ""},
		{"2001 runes", discordgo.MessageSend{Content: strings.Repeat("é", 2001)}, 50035, "content"},
		{"empty", discordgo.MessageSend{}, 50006, "empty message"},
		{"11 embeds", discordgo.MessageSend{Embeds: make11Embeds()}, 50035, "embeds"},
		{"long title", discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{{Title: strings.Repeat("t", 257)}}}, 50035, "embeds.0.title"},
		{"long description", discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{{Description: strings.Repeat("d", 4097)}}}, 50035, "embeds.0.description"},
		{"26 fields", discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{{Fields: fields(26, 1)}}}, 50035, "embeds.0.fields"},
		{"long field value", discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{{Fields: fields(1, 1025)}}}, 50035, "embeds.0.fields.0.value"},
		{"long footer", discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{{Title: "t", Footer: &discordgo.MessageEmbedFooter{Text: strings.Repeat("f", 2049)}}}}, 50035, "footer.text"},
		{"long author", discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{{Author: &discordgo.MessageEmbedAuthor{Name: strings.Repeat("a", 257)}}}}, 50035, "author.name"},
		{"6000 in total", discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{{Fields: fields(6, 999)}}}, 0, ""},
		{"over 6000 in total", discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{{Fields: fields(7, 1000)}}}, 50035, "Embed size exceeds"},
		{"6 rows", discordgo.MessageSend{Components: []discordgo.MessageComponent{buttons("a"), buttons("b"), buttons("c"), buttons("d"), buttons("e"), buttons("f")}}, 50035, "components"},
		{"6 buttons", discordgo.MessageSend{Components: []discordgo.MessageComponent{buttons("a", "b", "c", "d", "e", "f")}}, 50035, "components.0.components"},
		{"duplicate custom_id", discordgo.MessageSend{Components: []discordgo.MessageComponent{buttons("a"), buttons("a")}}, 50035, "duplicated"},
		{"long custom_id", discordgo.MessageSend{Components: []discordgo.MessageComponent{buttons(strings.Repeat("c", 101))}}, 50035, "custom_id"},
		{"long label", discordgo.MessageSend{Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: strings.Repeat("l", 81), Style: discordgo.PrimaryButton, CustomID: "x"}}}}}, 50035, "label"},
		{"link button", discordgo.MessageSend{Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "Source", Style: discordgo.LinkButton, URL: "https://example.com/a"}}}}}, 0, ""},
		{"link button without url", discordgo.MessageSend{Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "Source", Style: discordgo.LinkButton}}}}}, 50035, "url"},
		{"link button with custom_id", discordgo.MessageSend{Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "Source", Style: discordgo.LinkButton, URL: "https://example.com/a", CustomID: "x"}}}}}, 50035, "custom_id"},
	}
	s := NewServer(t)
	dg := newClient(t, s)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(s.Violations())
			msg := tt.msg
			msg.AllowedMentions = quiet()
			m, err := dg.ChannelMessageSendComplex(s.ChannelID(), &msg)
			v := s.Violations()[before:]
			if tt.wantCode == 0 {
				if err != nil || m.ID == "" || len(v) > 0 {
					t.Errorf("ChannelMessageSendComplex() = %v, %v, violations %q; want a message and no violations", m, err, v)
				}
				return
			}
			wantRESTError(t, err, http.StatusBadRequest, tt.wantCode)
			if len(v) != 1 || !strings.Contains(v[0], tt.wantPath) {
				t.Errorf("violations = %q, want one mentioning %q", v, tt.wantPath)
			}
		})
	}
}

func make11Embeds() []*discordgo.MessageEmbed {
	es := make([]*discordgo.MessageEmbed, 11)
	for i := range es {
		es[i] = &discordgo.MessageEmbed{Title: "t"}
	}
	return es
}

func TestAllowedMentionsRule(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		am   *discordgo.MessageAllowedMentions
		want string // in the violation; "" for none
	}{
		{"empty parse", quiet(), ""},
		{"zero value", &discordgo.MessageAllowedMentions{}, ""},
		{"missing", nil, "no allowed_mentions"},
		{"parse users", &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{discordgo.AllowedMentionTypeUsers}}, "allows pings"},
		{"listed user", &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}, Users: []string{"1"}}, "allows pings"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := NewServer(t)
			m, err := newClient(t, s).ChannelMessageSendComplex(s.ChannelID(), &discordgo.MessageSend{Content: "@everyone", AllowedMentions: tt.am})
			if err != nil {
				t.Fatalf("ChannelMessageSendComplex() = %v, want it accepted", err)
			}
			if got := s.Messages(s.ChannelID()); len(got) != 1 || got[0].ID != m.ID {
				t.Errorf("Messages() = %v, want the sent message", got)
			}
			if tt.want == "" {
				noViolations(t, s)
				return
			}
			wantViolation(t, s, tt.want)
		})
	}
}

func TestChannelsAndAuth(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	dg := newClient(t, s)
	other := s.AddChannel("other")
	if ch, err := dg.Channel(other); err != nil || ch.Name != "other" || ch.GuildID != s.GuildID() {
		t.Errorf("Channel(%s) = %+v, %v; want #other in the guild", other, ch, err)
	}
	_, err := dg.Channel("42")
	wantRESTError(t, err, http.StatusNotFound, 10003)

	sent, err := dg.ChannelMessageSendComplex(other, &discordgo.MessageSend{Content: "hi", AllowedMentions: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := dg.ChannelMessage(other, sent.ID); err != nil || got.Content != "hi" || got.Author.ID != s.BotUserID() {
		t.Errorf("ChannelMessage() = %+v, %v; want the bot's message", got, err)
	}
	_, err = dg.ChannelMessage(s.ChannelID(), sent.ID)
	wantRESTError(t, err, http.StatusNotFound, 10008)
	if me, err := dg.User("@me"); err != nil || me.ID != s.BotUserID() || !me.Bot {
		t.Errorf("User(@me) = %+v, %v; want the bot", me, err)
	}

	intruder, _ := discordgo.New("Bot not-the-token")
	intruder.Client = dg.Client
	_, err = intruder.ChannelMessageSend(s.ChannelID(), "hi")
	wantRESTError(t, err, http.StatusUnauthorized, 0)
	noViolations(t, s)
}

func TestFilesUseMultipartPayload(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	_, err := newClient(t, s).ChannelMessageSendComplex(s.ChannelID(), &discordgo.MessageSend{
		Files:           []*discordgo.File{{Name: "a.txt", Reader: strings.NewReader("body")}},
		AllowedMentions: quiet(),
	})
	if err != nil {
		t.Errorf("file-only message = %v, want accepted", err)
	}
	noViolations(t, s)
}

func TestRateLimitedOnce(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	s.RateLimitNext(1)
	if _, err := newClient(t, s).ChannelMessageSendComplex(s.ChannelID(), &discordgo.MessageSend{Content: "x", AllowedMentions: quiet()}); err != nil {
		t.Fatalf("send after a 429 = %v, want discordgo to retry", err)
	}
	var statuses []int
	for _, r := range s.Requests() {
		statuses = append(statuses, r.Status)
	}
	if len(statuses) != 2 || statuses[0] != http.StatusTooManyRequests || statuses[1] != http.StatusOK {
		t.Errorf("request statuses = %v, want [429 200]", statuses)
	}
	if body, _ := s.Requests()[1].Body.(map[string]any); body["content"] != "x" {
		t.Errorf("recorded body = %v, want the message", s.Requests()[1].Body)
	}
}

func TestVersionsAndGatewayBot(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	base := strings.TrimSuffix(s.APIURL(), "/v9")
	get := func(path string) (int, map[string]any) {
		t.Helper()
		req, err := http.NewRequest("GET", base+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bot "+s.Token())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]any
		json.NewDecoder(resp.Body).Decode(&body)
		return resp.StatusCode, body
	}
	if code, body := get("/v10/users/@me"); code != http.StatusOK || body["id"] != s.BotUserID() {
		t.Errorf("GET /v10/users/@me = %d %v, want the bot", code, body)
	}
	if code, body := get("/v9/gateway/bot"); code != http.StatusOK || body["url"] != s.GatewayURL() || body["shards"] != 1.0 {
		t.Errorf("GET /v9/gateway/bot = %d %v, want the gateway URL and 1 shard", code, body)
	}
	if code, _ := get("/v8/users/@me"); code != http.StatusNotFound {
		t.Errorf("GET /v8/users/@me = %d, want 404", code)
	}
	wantViolation(t, s, "unsupported API version")
}

func TestUnimplementedEndpointIsAViolation(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	_, err := newClient(t, s).GuildInvites(s.GuildID())
	wantRESTError(t, err, http.StatusNotFound, 0)
	wantViolation(t, s, "GET /guilds/"+s.GuildID()+"/invites: endpoint not implemented")
}

func TestLatencyDelaysEveryRequest(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	dg := newClient(t, s)
	const latency = 200 * time.Millisecond
	s.SetLatency(latency)
	start := time.Now()
	if _, err := dg.ChannelMessageSendComplex(s.ChannelID(), &discordgo.MessageSend{Content: "x", AllowedMentions: quiet()}); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took < latency {
		t.Errorf("ChannelMessageSendComplex() took %v with latency %v, want at least the latency", took, latency)
	}
	if reqs := s.Requests(); len(reqs) != 1 || reqs[0].Time.Sub(start) < latency {
		t.Errorf("Requests() = %+v, want one that arrived %v after it was sent", reqs, latency)
	}
	noViolations(t, s)
}
