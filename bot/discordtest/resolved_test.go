package discordtest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// wirePermissions is what a bot reads of the permissions in an
// interaction as sent: the member's in the interaction's channel, and in
// each resolved channel. discordgo's Channel has no field for the latter.
type wirePermissions struct {
	Member struct {
		Permissions string `json:"permissions"`
	} `json:"member"`
	Data struct {
		Resolved struct {
			Channels map[string]struct {
				ID          string                `json:"id"`
				Name        string                `json:"name"`
				Type        discordgo.ChannelType `json:"type"`
				Permissions string                `json:"permissions"`
			} `json:"channels"`
		} `json:"resolved"`
	} `json:"data"`
}

func TestInteractionsCarryResolvedChannelPermissions(t *testing.T) {
	t.Parallel()
	const manageOnly = discordgo.PermissionViewChannel | discordgo.PermissionManageChannels
	tests := []struct {
		name string
		// play plays in on s and returns the interaction as the bot got it.
		play func(t *testing.T, s *Server, in *discordgo.Interaction) []byte
	}{
		{"gateway", func(t *testing.T, s *Server, in *discordgo.Interaction) []byte {
			raws := make(chan []byte, 1)
			dg := newClient(t, s)
			dg.AddHandler(func(dg *discordgo.Session, e *discordgo.Event) {
				if e.Type == "INTERACTION_CREATE" {
					raws <- e.RawData
					dg.InteractionRespond(e.Struct.(*discordgo.InteractionCreate).Interaction, reply("ok"))
				}
			})
			if err := dg.Open(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { dg.Close() })
			s.WaitConnected(t)
			if _, err := s.Interact(t, in).Wait(waitCtx(t)); err != nil {
				t.Fatal(err)
			}
			return await(t, raws, "INTERACTION_CREATE")
		}},
		{"endpoint", func(t *testing.T, s *Server, in *discordgo.Interaction) []byte {
			pub, priv := newKey(t)
			raws := make(chan []byte, 1)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if !discordgo.VerifyInteraction(r, pub) {
					http.Error(w, "invalid request signature", http.StatusUnauthorized)
					return
				}
				body, _ := io.ReadAll(r.Body)
				raws <- body
				w.Header().Set("Content-Type", "application/json")
				json.NewEncoder(w).Encode(reply("ok"))
			}))
			t.Cleanup(srv.Close)
			if _, err := s.Post(t, srv.URL, priv, in).Wait(waitCtx(t)); err != nil {
				t.Fatal(err)
			}
			return await(t, raws, "the interaction's request")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := NewServer(t)
			news, locked := s.AddChannel("news"), s.AddChannel("locked")
			s.SetMemberPermissions(s.UserID(), locked, manageOnly&^discordgo.PermissionManageChannels)
			s.SetMemberPermissions(s.UserID(), s.ChannelID(), manageOnly)
			in := SlashCommand("digest", Subcommand("subscribe", ChannelOption("channel", news), ChannelOption("other", locked)))

			var got wirePermissions
			if err := json.Unmarshal(tt.play(t, s, in), &got); err != nil {
				t.Fatal(err)
			}
			if want := strconv.FormatInt(manageOnly, 10); got.Member.Permissions != want {
				t.Errorf("member.permissions = %q, want %q (those set for the channel)", got.Member.Permissions, want)
			}
			for id, want := range map[string]int64{news: memberPermissions, locked: discordgo.PermissionViewChannel} {
				ch, ok := got.Data.Resolved.Channels[id]
				if !ok {
					t.Errorf("resolved.channels lacks %s: %+v", id, got.Data.Resolved.Channels)
					continue
				}
				if ch.ID != id || ch.Name == "" || ch.Type != discordgo.ChannelTypeGuildText || ch.Permissions != strconv.FormatInt(want, 10) {
					t.Errorf("resolved.channels[%s] = %+v, want its id, name, type 0 and permissions %d as a string", id, ch, want)
				}
			}
			noViolations(t, s)
		})
	}
}

func TestOnlyTheGuildsChannelsResolve(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	_, priv := newKey(t)
	raws := make(chan []byte, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		raws <- body
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(reply("ok"))
	}))
	t.Cleanup(srv.Close)
	in := SlashCommand("digest", Subcommand("subscribe", ChannelOption("channel", s.ChannelID())))
	in.GuildID = "4242" // another server, where this one's channels are not offered
	if _, err := s.Post(t, srv.URL, priv, in).Wait(waitCtx(t)); err != nil {
		t.Fatal(err)
	}
	var got wirePermissions
	if err := json.Unmarshal(await(t, raws, "the interaction's request"), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Data.Resolved.Channels) != 0 {
		t.Errorf("resolved.channels = %+v in another guild, want none", got.Data.Resolved.Channels)
	}
}
