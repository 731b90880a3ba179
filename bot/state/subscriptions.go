package state

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Subscription asks for a daily digest in one channel.
type Subscription struct {
	GuildID   string
	ChannelID string
	// Time is the local time of day to post, "HH:MM".
	Time string
	// Zone is the IANA time zone Time is in, such as "Europe/London".
	Zone      string
	CreatedBy string // user id
	Created   time.Time
	// Paused says why posting stopped (the channel was deleted, the bot
	// lost access); "" while the subscription is active. Subscribing
	// again resumes it.
	Paused   string
	PausedAt time.Time
}

// Clock returns the subscription's time of day.
func (s Subscription) Clock() (hour, minute int, err error) {
	return parseClock(s.Time)
}

// Location returns the subscription's time zone.
func (s Subscription) Location() (*time.Location, error) {
	return LoadZone(s.Zone)
}

// ParseTime checks a time of day given as "HH:MM" or "H:MM" (24-hour)
// and returns it as "HH:MM".
func ParseTime(s string) (string, error) {
	h, m, err := parseClock(s)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%02d:%02d", h, m), nil
}

func parseClock(s string) (hour, minute int, err error) {
	hs, ms, ok := strings.Cut(strings.TrimSpace(s), ":")
	if ok && len(hs) >= 1 && len(hs) <= 2 && len(ms) == 2 {
		h, herr := strconv.Atoi(hs)
		m, merr := strconv.Atoi(ms)
		if herr == nil && merr == nil && h >= 0 && h < 24 && m >= 0 && m < 60 && hs[0] != '+' && ms[0] != '+' {
			return h, m, nil
		}
	}
	return 0, 0, invalid("%q is not a 24-hour time of day HH:MM, such as 09:00 or 17:30", s)
}

// LoadZone returns the IANA time zone name; "" is UTC. "Local" is refused:
// it would mean whatever zone the bot's machine is in.
func LoadZone(name string) (*time.Location, error) {
	if name == "" {
		return time.UTC, nil
	}
	if name != "Local" && len(name) <= 64 {
		if loc, err := time.LoadLocation(name); err == nil {
			return loc, nil
		}
	}
	return nil, invalid("%q is not an IANA time zone name, such as Europe/London or America/New_York", name)
}

// Subscribe stores sub, replacing the channel's previous subscription and
// resuming it if it was paused. Time and Zone are checked and normalised
// ("9:00" becomes "09:00", "" becomes "UTC"); the stored subscription is
// returned. Bad values are refused with an *InputError.
func (s *File) Subscribe(sub Subscription) (Subscription, error) {
	sub, err := checkSubscription(sub)
	if err != nil {
		return Subscription{}, err
	}
	err = s.update(fmt.Sprintf("subscribe channel %s", sub.ChannelID), func(tx *bolt.Tx) error {
		return put(tx.Bucket(bucketSubscriptions), []byte(sub.ChannelID), sub)
	})
	if err != nil {
		return Subscription{}, err
	}
	return sub, nil
}

// checkSubscription is sub as Subscribe stores it, or the *InputError
// that refuses it.
func checkSubscription(sub Subscription) (Subscription, error) {
	var err error
	if sub.Time, err = ParseTime(sub.Time); err != nil {
		return Subscription{}, err
	}
	loc, err := LoadZone(sub.Zone)
	if err != nil {
		return Subscription{}, err
	}
	if sub.ChannelID == "" {
		return Subscription{}, invalid("a subscription needs a channel")
	}
	sub.Zone = loc.String()
	sub.Paused, sub.PausedAt = "", time.Time{}
	return sub, nil
}

// Unsubscribe removes the channel's subscription and reports whether there
// was one. The channel's digest history is kept, so subscribing again the
// same day does not post that day's digest twice.
func (s *File) Unsubscribe(channelID string) (bool, error) {
	found := false
	err := s.update(fmt.Sprintf("unsubscribe channel %s", channelID), func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSubscriptions)
		found = b.Get([]byte(channelID)) != nil
		return b.Delete([]byte(channelID))
	})
	return found, err
}

// Subscription returns the channel's subscription, if any.
func (s *File) Subscription(channelID string) (Subscription, bool, error) {
	var sub Subscription
	found := false
	err := s.view(fmt.Sprintf("read subscription of channel %s", channelID), func(tx *bolt.Tx) error {
		var err error
		found, err = get(tx.Bucket(bucketSubscriptions), []byte(channelID), &sub)
		return err
	})
	return sub, found, err
}

// Subscriptions lists every subscription, paused ones included, ordered by
// channel id.
func (s *File) Subscriptions() ([]Subscription, error) {
	var subs []Subscription
	err := s.view("list subscriptions", func(tx *bolt.Tx) error {
		return each(tx.Bucket(bucketSubscriptions), func(_ []byte, sub Subscription) error {
			subs = append(subs, sub)
			return nil
		})
	})
	return subs, err
}

// Pause stops posting to the channel, recording why. Nothing happens when
// the channel has no subscription.
func (s *File) Pause(channelID, reason string, at time.Time) error {
	return s.update(fmt.Sprintf("pause subscription of channel %s", channelID), func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSubscriptions)
		var sub Subscription
		found, err := get(b, []byte(channelID), &sub)
		if err != nil || !found {
			return err
		}
		sub.Paused, sub.PausedAt = reason, at
		return put(b, []byte(channelID), sub)
	})
}
