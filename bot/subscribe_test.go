package bot

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

func TestLacking(t *testing.T) {
	t.Parallel()
	const (
		view   = discordgo.PermissionViewChannel
		send   = discordgo.PermissionSendMessages
		manage = discordgo.PermissionManageChannels
	)
	tests := []struct {
		name        string
		perms, need int64
		want        []string
	}{
		{"all there", view | send | manage, postPermissions, nil},
		{"no send", view, postPermissions, []string{"Send Messages"}},
		{"nothing", 0, postPermissions, []string{"View Channel", "Send Messages"}},
		{"manage is not posting", manage, postPermissions, []string{"View Channel", "Send Messages"}},
		{"may manage", view | manage, memberManage, nil},
		{"no manage", view | send, memberManage, []string{"Manage Channels"}},
		{"only manage", manage, memberManage, []string{"View Channel"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := lacking(tt.perms, tt.need); !slices.Equal(got, tt.want) {
				t.Errorf("lacking(%b, %b) = %q, want %q", tt.perms, tt.need, got, tt.want)
			}
		})
	}
}

func TestResolvedPermissions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		raw  string
		want map[string]int64
	}{
		{"as Discord sends them", `{"id":"1","data":{"resolved":{"channels":{"10":{"id":"10","name":"news","type":0,"permissions":"1040"},"11":{"id":"11","permissions":"0"}}}}}`,
			map[string]int64{"10": 1040, "11": 0}},
		{"without permissions", `{"data":{"resolved":{"channels":{"10":{"id":"10","name":"news"}}}}}`, map[string]int64{}},
		{"no channel named", `{"data":{"name":"digest"}}`, map[string]int64{}},
		{"permissions not a string", `{"data":{"resolved":{"channels":{"10":{"permissions":1040}}}}}`, nil},
		{"not JSON", `{"data":`, nil},
		{"nothing", ``, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := resolvedPermissions([]byte(tt.raw))
			if !maps.Equal(got, tt.want) || (got == nil) != (tt.want == nil) {
				t.Errorf("resolvedPermissions(%s) = %v, want %v", tt.raw, got, tt.want)
			}
		})
	}
}

func TestCheckMember(t *testing.T) {
	t.Parallel()
	in := &discordgo.Interaction{ChannelID: "1", GuildID: "9"}
	perms := map[string]int64{"2": discordgo.PermissionViewChannel | discordgo.PermissionManageChannels, "3": discordgo.PermissionViewChannel}
	tests := []struct {
		name, channel, want string
	}{
		{"its own channel", "1", ""},
		{"may manage", "2", ""},
		{"may not", "3", "you need Manage Channels there"},
		{"not resolved", "4", msgNotAChannel},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := checkMember(in, perms, tt.channel)
			if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Errorf("checkMember(channel %s) = %q, want %q", tt.channel, got, tt.want)
			}
		})
	}
}
