package state

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestDigestLifecycle(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	d := Digest{
		ChannelID: "c", Date: "2024-04-30", Status: Posting,
		Since: t0.Add(-24 * time.Hour), Until: t0, Started: t0,
		Parts: []Part{{Content: "one", Nonce: "n1"}, {Content: "two", Nonce: "n2"}},
	}
	rec, created, err := s.BeginDigest(d)
	if err != nil || !created || !cmp.Equal(rec, d) {
		t.Fatalf("BeginDigest = %+v, %v, %v; want it created", rec, created, err)
	}
	// A second attempt for the same day gets the first one back.
	again := d
	again.Parts = []Part{{Content: "different"}}
	rec, created, err = s.BeginDigest(again)
	if err != nil || created || !cmp.Equal(rec, d) {
		t.Errorf("second BeginDigest = %+v, %v, %v; want the first digest, not created", rec, created, err)
	}
	if _, _, err := s.BeginDigest(Digest{ChannelID: "c", Date: "2024-05-01", Status: Posted}); err == nil {
		t.Errorf("BeginDigest with status posted succeeded, want an error")
	}

	if err := s.PartPosted("c", "2024-04-30", 0, "m1"); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishDigest("c", "2024-04-30", t0.Add(time.Minute)); err == nil {
		t.Errorf("FinishDigest with part 1 unposted succeeded, want an error")
	}
	if err := s.PartPosted("c", "2024-04-30", 2, "m3"); err == nil {
		t.Errorf("PartPosted of part 2 of 2 succeeded, want an error")
	}
	if err := s.PartPosted("c", "2024-05-01", 0, "m3"); err == nil {
		t.Errorf("PartPosted of a digest never begun succeeded, want an error")
	}
	if _, found, _ := s.LastDigest("c"); found {
		t.Errorf("LastDigest found a digest still posting")
	}
	if err := s.PartPosted("c", "2024-04-30", 1, "m2"); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishDigest("c", "2024-04-30", t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	want := d
	want.Status, want.Finished = Posted, t0.Add(time.Minute)
	want.Parts = []Part{{Content: "one", Nonce: "n1", MessageID: "m1"}, {Content: "two", Nonce: "n2", MessageID: "m2"}}
	got, found, err := s.Digest("c", "2024-04-30")
	if err != nil || !found {
		t.Fatalf("Digest = %v, %v", found, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Digest after posting (-want +got):\n%s", diff)
	}
	if _, found, _ := s.Digest("c", "2024-05-01"); found {
		t.Errorf("Digest of a day never begun was found")
	}
}

func TestLastDigest(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	begin := func(channel, date string, status Status) {
		t.Helper()
		if _, _, err := s.BeginDigest(Digest{ChannelID: channel, Date: date, Status: status}); err != nil {
			t.Fatal(err)
		}
	}
	// Channel ids that are prefixes of each other must not mix.
	begin("1", "2024-04-28", Empty)
	begin("1", "2024-04-29", Posting)
	begin("12", "2024-04-30", Empty)
	begin("2", "2024-04-27", Empty)
	for _, tt := range []struct {
		channel, want string
	}{{"1", "2024-04-28"}, {"12", "2024-04-30"}, {"2", "2024-04-27"}, {"3", ""}} {
		got, found, err := s.LastDigest(tt.channel)
		if err != nil || got.Date != tt.want || found != (tt.want != "") {
			t.Errorf("LastDigest(%q) = %q, %v, %v; want %q", tt.channel, got.Date, found, err, tt.want)
		}
	}
}

func TestPruneKeepsEachChannelsLatestDigest(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	day := 24 * time.Hour
	for _, d := range []Digest{
		{ChannelID: "a", Date: "2024-01-01", Status: Empty, Finished: t0.Add(-90 * day)},
		{ChannelID: "a", Date: "2024-01-02", Status: Empty, Finished: t0.Add(-89 * day)},
		{ChannelID: "a", Date: "2024-04-29", Status: Empty, Finished: t0.Add(-day)},
		{ChannelID: "b", Date: "2024-01-01", Status: Empty, Finished: t0.Add(-90 * day)},
		{ChannelID: "c", Date: "2024-01-01", Status: Posting, Started: t0.Add(-90 * day)},
	} {
		if _, _, err := s.BeginDigest(d); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.Prune(t0.Add(-30 * day))
	if err != nil || n != 2 {
		t.Errorf("Prune = %d, %v; want the 2 old digests of channel a", n, err)
	}
	for _, tt := range []struct {
		channel, date string
		kept          bool
	}{
		{"a", "2024-01-01", false}, {"a", "2024-01-02", false}, {"a", "2024-04-29", true},
		{"b", "2024-01-01", true}, {"c", "2024-01-01", true},
	} {
		if _, found, _ := s.Digest(tt.channel, tt.date); found != tt.kept {
			t.Errorf("after Prune, digest %s %s kept = %v, want %v", tt.channel, tt.date, found, tt.kept)
		}
	}
}
