package state

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestWatches(t *testing.T) { eachStore(t, testWatches) }

func testWatches(t *testing.T, newStore func(testing.TB) Store) {
	t.Parallel()
	s := newStore(t)
	w1, err := s.AddWatch(Watch{GuildID: "g", ChannelID: "c", Query: "  missile   cooperation ", CreatedBy: "u"})
	if err != nil {
		t.Fatal(err)
	}
	if w1.Query != "missile cooperation" || w1.ID == 0 {
		t.Errorf("AddWatch = %+v, want the query trimmed and an id", w1)
	}
	w2, err := s.AddWatch(Watch{GuildID: "g", ChannelID: "other", Query: "missile cooperation"})
	if err != nil {
		t.Errorf("AddWatch of the same query in another channel: %v", err)
	}
	w3, err := s.AddWatch(Watch{GuildID: "h", ChannelID: "elsewhere", Query: "delegation"})
	if err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		query string
		want  error
	}{
		{"Missile  Cooperation", ErrExists},
		{"   ", ErrInvalid},
		{strings.Repeat("é", MaxWatchQuery+1), ErrInvalid},
	} {
		_, err := s.AddWatch(Watch{GuildID: "g", ChannelID: "c", Query: tt.query})
		var ie *InputError
		if !errors.Is(err, tt.want) || !errors.As(err, &ie) {
			t.Errorf("AddWatch(%q) = %v, want an *InputError wrapping %v", tt.query, err, tt.want)
		}
	}

	for _, tt := range []struct {
		guild, channel string
		want           []Watch
	}{
		{"g", "c", []Watch{w1}},
		{"g", "", []Watch{w1, w2}},
		{"", "", []Watch{w1, w2, w3}},
		{"x", "", nil},
	} {
		got, err := s.Watches(tt.guild, tt.channel)
		if err != nil || fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("Watches(%q, %q) = %v, %v; want %v", tt.guild, tt.channel, got, err, tt.want)
		}
	}

	if _, found, err := s.RemoveWatch("g", w3.ID); err != nil || found {
		t.Errorf("RemoveWatch of another guild's watch = %v, %v; want not found", found, err)
	}
	if got, found, err := s.RemoveWatch("g", w1.ID); err != nil || !found || got.Query != w1.Query {
		t.Errorf("RemoveWatch(g, %d) = %+v, %v, %v; want the watch", w1.ID, got, found, err)
	}
	if _, found, _ := s.RemoveWatch("g", w1.ID); found {
		t.Errorf("RemoveWatch of a removed watch found it")
	}
	if ws, _ := s.Watches("", ""); len(ws) != 2 {
		t.Errorf("Watches after removing one = %v, want 2", ws)
	}
}

func TestWatchLimitPerChannel(t *testing.T) { eachStore(t, testWatchLimitPerChannel) }

func testWatchLimitPerChannel(t *testing.T, newStore func(testing.TB) Store) {
	t.Parallel()
	s := newStore(t)
	for i := range MaxChannelWatches {
		if _, err := s.AddWatch(Watch{GuildID: "g", ChannelID: "c", Query: fmt.Sprint("topic ", i)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.AddWatch(Watch{GuildID: "g", ChannelID: "c", Query: "one too many"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("AddWatch past the limit: %v, want ErrInvalid", err)
	}
	if _, err := s.AddWatch(Watch{GuildID: "g", ChannelID: "d", Query: "one too many"}); err != nil {
		t.Errorf("AddWatch in another channel: %v", err)
	}
}
