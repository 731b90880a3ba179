package state

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseTime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"09:00", "09:00", true},
		{"9:00", "09:00", true},
		{" 17:30 ", "17:30", true},
		{"00:00", "00:00", true},
		{"23:59", "23:59", true},
		{"24:00", "", false},
		{"12:60", "", false},
		{"9", "", false},
		{"9:0", "", false},
		{"9am", "", false},
		{"-1:30", "", false},
		{"+9:30", "", false},
		{"09:+5", "", false},
		{"", "", false},
		{"123:00", "", false},
	}
	for _, tt := range tests {
		got, err := ParseTime(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseTime(%q) = %q, %v; want %q, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseTime(%q) error %v does not wrap ErrInvalid", tt.in, err)
		}
	}
}

func TestLoadZone(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"", "UTC", true},
		{"UTC", "UTC", true},
		{"Europe/London", "Europe/London", true},
		{"Australia/Lord_Howe", "Australia/Lord_Howe", true},
		{"Local", "", false},
		{"Mars/Olympus_Mons", "", false},
		{"../../etc/passwd", "", false},
		{"Europe/London\x00", "", false},
	}
	for _, tt := range tests {
		loc, err := LoadZone(tt.in)
		if (err == nil) != tt.ok || err == nil && loc.String() != tt.want {
			t.Errorf("LoadZone(%q) = %v, %v; want %q, ok %v", tt.in, loc, err, tt.want, tt.ok)
		}
		var ie *InputError
		if err != nil && !errors.As(err, &ie) {
			t.Errorf("LoadZone(%q) error %v is not an *InputError", tt.in, err)
		}
	}
}

func TestSubscriptions(t *testing.T) { eachStore(t, testSubscriptions) }

func testSubscriptions(t *testing.T, newStore func(testing.TB) Store) {
	t.Parallel()
	s := newStore(t)
	if _, err := s.Subscribe(Subscription{ChannelID: "c1", Time: "25:00"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("Subscribe at 25:00: %v, want ErrInvalid", err)
	}
	if _, err := s.Subscribe(Subscription{ChannelID: "c1", Zone: "Nowhere/Else", Time: "09:00"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("Subscribe in Nowhere/Else: %v, want ErrInvalid", err)
	}
	if _, err := s.Subscribe(Subscription{Time: "09:00"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("Subscribe without a channel: %v, want ErrInvalid", err)
	}

	got, err := s.Subscribe(Subscription{GuildID: "g", ChannelID: "c1", Time: "9:05", CreatedBy: "u", Created: t0})
	if err != nil {
		t.Fatal(err)
	}
	want := Subscription{GuildID: "g", ChannelID: "c1", Time: "09:05", Zone: "UTC", CreatedBy: "u", Created: t0}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Subscribe (-want +got):\n%s", diff)
	}
	if _, err := s.Subscribe(Subscription{GuildID: "g", ChannelID: "c2", Time: "18:00", Zone: "America/New_York"}); err != nil {
		t.Fatal(err)
	}

	if err := s.Pause("c1", "the channel was deleted", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.Pause("nowhere", "no such channel", t0); err != nil {
		t.Errorf("Pause of a channel without a subscription: %v", err)
	}
	paused, found, err := s.Subscription("c1")
	if err != nil || !found || paused.Paused != "the channel was deleted" || !paused.PausedAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("Subscription(c1) after Pause = %+v, %v, %v; want paused with the reason", paused, found, err)
	}
	if _, found, _ := s.Subscription("nowhere"); found {
		t.Errorf("Pause created a subscription for a channel without one")
	}

	// Subscribing again resumes.
	if _, err := s.Subscribe(want); err != nil {
		t.Fatal(err)
	}
	resumed, _, _ := s.Subscription("c1")
	if diff := cmp.Diff(want, resumed); diff != "" {
		t.Errorf("Subscription after subscribing again (-want +got):\n%s", diff)
	}

	subs, err := s.Subscriptions()
	if err != nil || len(subs) != 2 || subs[0].ChannelID != "c1" || subs[1].ChannelID != "c2" {
		t.Errorf("Subscriptions = %+v, %v; want c1 and c2", subs, err)
	}
	for _, tt := range []struct {
		channel string
		want    bool
	}{{"c2", true}, {"c2", false}} {
		if found, err := s.Unsubscribe(tt.channel); err != nil || found != tt.want {
			t.Errorf("Unsubscribe(%q) = %v, %v; want %v", tt.channel, found, err, tt.want)
		}
	}
	if subs, _ := s.Subscriptions(); len(subs) != 1 {
		t.Errorf("Subscriptions after Unsubscribe = %+v, want only c1", subs)
	}
}
