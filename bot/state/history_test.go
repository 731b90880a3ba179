package state

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestDigestLifecycle(t *testing.T) { eachStore(t, testDigestLifecycle) }

func testDigestLifecycle(t *testing.T, newStore func(testing.TB) Store) {
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

func TestLastDigest(t *testing.T) { eachStore(t, testLastDigest) }

func testLastDigest(t *testing.T, newStore func(testing.TB) Store) {
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

func TestPruneDigests(t *testing.T) { eachStore(t, testPruneDigests) }

func testPruneDigests(t *testing.T, newStore func(testing.TB) Store) {
	t.Parallel()
	day := 24 * time.Hour
	cutoff := t0.Add(-30 * day) // 2024-03-31 09:00 UTC
	finished := func(channel, date string, at time.Time) Digest {
		return Digest{ChannelID: channel, Date: date, Status: Empty, Started: at, Finished: at}
	}
	posting := func(channel, date string, started time.Time) Digest {
		return Digest{ChannelID: channel, Date: date, Status: Posting, Started: started}
	}
	for _, tt := range []struct {
		name    string
		digests []Digest
		// removed lists "channel date" of the digests Prune must delete.
		removed []string
	}{{
		name: "old finished digests go but each channel's latest finished stays",
		digests: []Digest{
			finished("a", "2024-01-01", t0.Add(-90*day)),
			finished("a", "2024-01-02", t0.Add(-89*day)),
			finished("a", "2024-04-29", t0.Add(-day)),
			finished("b", "2024-01-01", t0.Add(-90*day)),
		},
		removed: []string{"a 2024-01-01", "a 2024-01-02"},
	}, {
		name:    "old abandoned posting digest is pruned",
		digests: []Digest{posting("c", "2024-01-01", t0.Add(-90*day))},
		removed: []string{"c 2024-01-01"},
	}, {
		name:    "recent posting digest is kept",
		digests: []Digest{posting("c", "2024-04-29", t0.Add(-day))},
	}, {
		name: "posting digest started before the cutoff but dated too near it is kept",
		// 2024-03-29 plus three days is after the cutoff: some zone's
		// scheduler could have been resuming it not long before.
		digests: []Digest{posting("c", "2024-03-29", t0.Add(-32*day))},
	}, {
		name:    "posting digest dated three days before the cutoff's day is pruned",
		digests: []Digest{posting("c", "2024-03-28", t0.Add(-33*day))},
		removed: []string{"c 2024-03-28"},
	}, {
		name:    "posting digest with a date that does not parse is kept",
		digests: []Digest{posting("c", "someday", t0.Add(-90*day))},
	}, {
		name: "abandoned posting digest after the latest finished one goes, the finished one stays",
		digests: []Digest{
			finished("d", "2024-01-01", t0.Add(-90*day)),
			posting("d", "2024-01-02", t0.Add(-89*day)),
		},
		removed: []string{"d 2024-01-02"},
	}, {
		name: "recent posting digest does not make the latest finished one prunable",
		digests: []Digest{
			finished("e", "2024-01-01", t0.Add(-90*day)),
			finished("e", "2024-01-02", t0.Add(-89*day)),
			posting("e", "2024-04-29", t0.Add(-day)),
		},
		removed: []string{"e 2024-01-01"},
	}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newStore(t)
			for _, d := range tt.digests {
				if _, _, err := s.BeginDigest(d); err != nil {
					t.Fatal(err)
				}
			}
			n, err := s.Prune(cutoff)
			if err != nil {
				t.Fatalf("Prune: %v", err)
			}
			var removed []string
			for _, d := range tt.digests {
				_, found, err := s.Digest(d.ChannelID, d.Date)
				if err != nil {
					t.Fatal(err)
				}
				if !found {
					removed = append(removed, d.ChannelID+" "+d.Date)
				}
			}
			if !cmp.Equal(removed, tt.removed, cmpopts.EquateEmpty()) {
				t.Errorf("prune removed %v, want %v", removed, tt.removed)
			}
			if n != len(tt.removed) {
				t.Errorf("Prune = %d, want %d", n, len(tt.removed))
			}
			// Pruning must not move where the next digest's window starts.
			for _, d := range tt.digests {
				if d.Status == Posting {
					continue
				}
				last, found, err := s.LastDigest(d.ChannelID)
				if err != nil || !found {
					t.Errorf("LastDigest(%q) after prune = %v, %v; want a finished digest kept", d.ChannelID, found, err)
				} else if want := latestFinished(tt.digests, d.ChannelID); last.Date != want {
					t.Errorf("LastDigest(%q) after prune = %s, want %s", d.ChannelID, last.Date, want)
				}
			}
		})
	}
}

// latestFinished is the date of the channel's last finished digest in ds,
// which are in date order.
func latestFinished(ds []Digest, channel string) string {
	date := ""
	for _, d := range ds {
		if d.ChannelID == channel && d.Status != Posting {
			date = d.Date
		}
	}
	return date
}
