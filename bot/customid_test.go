package bot

import (
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/dossier-bot/dossier/bot/markdown"
)

func TestMoreCustomID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   more
		want more // what parsing the custom_id gives back
	}{
		{"short question", more{3, 3, "Who led the delegation?"}, more{3, 3, "Who led the delegation?"}},
		{"colons kept", more{5, 5, "a:b:c"}, more{5, 5, "a:b:c"}},
		{"long question left out", more{3, 2, strings.Repeat("é", 95)}, more{3, 2, ""}},
		{"exactly fits", more{3, 2, strings.Repeat("x", 100-len("more:3:2:"))}, more{3, 2, strings.Repeat("x", 100-len("more:3:2:"))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			id := tt.in.customID()
			if markdown.Len(id) > maxCustomID {
				t.Errorf("customID() = %q has %d runes, limit %d", id, markdown.Len(id), maxCustomID)
			}
			got, err := parseMore(id)
			if err != nil || got != tt.want {
				t.Errorf("parseMore(%q) = %+v, %v; want %+v", id, got, err, tt.want)
			}
		})
	}
}

func TestParseMalformedCustomIDs(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"", "more", "more:1:2", "more:x:2:q", "more:1:0:q", "more:1:6:q", "more:-1:2:q", "more:25:2:q", "post:1:2:q"} {
		if m, err := parseMore(id); err == nil {
			t.Errorf("parseMore(%q) = %+v, want an error", id, m)
		}
	}
	for _, id := range []string{"", "post", "post:1", "post:1:2:3", "post:a:2", "post:1:2)[x](https://evil", "more:1:2", "post::2",
		"post:1:2:related:related", "post:1:related", "post:1:2:Related"} {
		if m, err := parsePost(id); err == nil {
			t.Errorf("parsePost(%q) = %+v, want an error", id, m)
		}
	}
}

func TestPostCustomID(t *testing.T) {
	t.Parallel()
	ref := messageRef{channelID: "1234567890123456789", messageID: "9876543210987654321"}
	for _, p := range []post{{source: ref}, {source: ref, related: true}} {
		id := p.customID()
		got, err := parsePost(id)
		if err != nil || got != p || markdown.Len(id) > maxCustomID {
			t.Errorf("parsePost(%q) = %+v, %v; want %+v", id, got, err, p)
		}
	}
	// A button from before closest passages were shared.
	if got, err := parsePost("post:1:2"); err != nil || got != (post{source: messageRef{"1", "2"}}) {
		t.Errorf("parsePost(%q) = %+v, %v; want an answer's post of message 2", "post:1:2", got, err)
	}
	if want := "https://discord.com/channels/42/1234567890123456789/9876543210987654321"; ref.link("42") != want {
		t.Errorf("link(42) = %q, want %q", ref.link("42"), want)
	}
	if want := "https://discord.com/channels/@me/"; !strings.HasPrefix(ref.link(""), want) {
		t.Errorf("link(\"\") = %q, want prefix %q", ref.link(""), want)
	}
}

func TestReadBackFromMessage(t *testing.T) {
	t.Parallel()
	q := "Why @everyone *asks* about <@123> [links](x) in 2024? " + strings.Repeat("long ", 40)
	ref := messageRef{channelID: "1", messageID: "2"}
	r := page{question: q, k: 2, source: &ref, answer: delegationAnswer()}.render()
	// Discord hands the message back decoded from JSON, as pointers.
	msg := decodeMessage(t, r.edit())
	if got := questionIn(msg.Content); got != q {
		t.Errorf("questionIn(%q) = %q, want %q", msg.Content, got, q)
	}
	if got := sourceIn(msg.Components); got == nil || *got != ref {
		t.Errorf("sourceIn(components) = %v, want %+v", got, ref)
	}
	if got := sourceIn(nil); got != nil {
		t.Errorf("sourceIn(nil) = %+v, want nil", got)
	}
	if got := questionIn("no question here"); got != "" {
		t.Errorf("questionIn(no label) = %q, want empty", got)
	}
}

func decodeMessage(tb testing.TB, edit *discordgo.WebhookEdit) discordgo.Message {
	tb.Helper()
	b, err := discordgo.Marshal(edit)
	if err != nil {
		tb.Fatal(err)
	}
	var m discordgo.Message
	if err := discordgo.Unmarshal(b, &m); err != nil {
		tb.Fatalf("unmarshal %s: %v", b, err)
	}
	return m
}
