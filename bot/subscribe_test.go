package bot

import (
	"slices"
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
