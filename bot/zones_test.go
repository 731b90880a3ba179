package bot

import (
	"testing"

	"github.com/dossier-bot/dossier/bot/state"
)

func TestCommonZonesAreZones(t *testing.T) {
	t.Parallel()
	zones := commonZones()
	for _, z := range zones {
		if _, err := state.LoadZone(z); err != nil {
			t.Errorf("common zone %q: %v", z, err)
		}
	}
	// Each call is a fresh list: a caller that changes one changes no other.
	zones[0] = "Mars/Olympus_Mons"
	if got := commonZones()[0]; got != "UTC" {
		t.Errorf("commonZones()[0] after changing an earlier result = %q, want UTC", got)
	}
}
