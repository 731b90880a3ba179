package bot

import (
	"context"
	"testing"
	"time"
)

// The in-memory InteractionLog of a Dossier without a state store.
func TestSeenIDs(t *testing.T) {
	t.Parallel()
	var s seenIDs
	ctx := context.Background()
	later := time.Now().Add(interactionLifetime)
	steps := []struct {
		id    string
		until time.Time
		want  bool
	}{
		{"1001", later, true},
		{"1001", later, false},
		{"1002", later, true},
		{"1003", time.Now().Add(-time.Second), true}, // kept until a time past
		{"1003", later, true},
		{"1003", later, false},
	}
	for i, st := range steps {
		if got, err := s.FirstSeen(ctx, st.id, st.until); got != st.want || err != nil {
			t.Errorf("step %d: FirstSeen(%q) = %v, %v; want %v", i, st.id, got, err, st.want)
		}
	}
	// Expired ids are deleted, at most a minute late.
	s.pruned = time.Now().Add(-time.Minute)
	s.FirstSeen(ctx, "1004", later)
	if _, kept := s.until["1003"]; !kept {
		t.Errorf("an unexpired id was pruned")
	}
	s.until["1005"] = time.Now().Add(-time.Second)
	s.pruned = time.Now().Add(-time.Minute)
	s.FirstSeen(ctx, "1006", later)
	if _, kept := s.until["1005"]; kept {
		t.Errorf("an expired id was kept past the minute's pruning")
	}
}
