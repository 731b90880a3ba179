package bot

import (
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/dossier-bot/dossier/bot/markdown"
	"github.com/dossier-bot/dossier/bot/state"
)

// commonZones are the IANA time zones /digest subscribe suggests: one
// or two per populous or common offset, so that most teams find theirs by
// typing a few letters of a nearby city. Any other IANA name works too.
func commonZones() []string {
	return []string{
		"UTC",
		"America/Anchorage", "America/Argentina/Buenos_Aires", "America/Bogota", "America/Chicago",
		"America/Denver", "America/Halifax", "America/Los_Angeles", "America/Mexico_City",
		"America/New_York", "America/Phoenix", "America/Santiago", "America/Sao_Paulo",
		"America/St_Johns", "America/Toronto", "America/Vancouver",
		"Africa/Cairo", "Africa/Johannesburg", "Africa/Lagos", "Africa/Nairobi",
		"Asia/Bangkok", "Asia/Dhaka", "Asia/Dubai", "Asia/Hong_Kong", "Asia/Jakarta",
		"Asia/Jerusalem", "Asia/Karachi", "Asia/Kathmandu", "Asia/Kolkata", "Asia/Manila",
		"Asia/Seoul", "Asia/Shanghai", "Asia/Singapore", "Asia/Taipei", "Asia/Tehran", "Asia/Tokyo",
		"Atlantic/Reykjavik",
		"Australia/Adelaide", "Australia/Brisbane", "Australia/Perth", "Australia/Sydney",
		"Europe/Amsterdam", "Europe/Athens", "Europe/Berlin", "Europe/Dublin", "Europe/Helsinki",
		"Europe/Istanbul", "Europe/Kyiv", "Europe/Lisbon", "Europe/London", "Europe/Madrid",
		"Europe/Moscow", "Europe/Paris", "Europe/Rome", "Europe/Stockholm", "Europe/Warsaw",
		"Europe/Zurich",
		"Pacific/Auckland", "Pacific/Honolulu",
	}
}

// zoneChoices offers the common zones containing what was typed (spaces
// read as underscores), those whose city starts with it first, and what
// was typed itself first of all when it is a zone name of its own.
func zoneChoices(typed string) []*discordgo.ApplicationCommandOptionChoice {
	q := strings.ToLower(strings.ReplaceAll(markdown.OneLine(typed), " ", "_"))
	var own string
	if name := strings.TrimSpace(typed); name != "" {
		if loc, err := state.LoadZone(name); err == nil {
			own = loc.String()
		}
	}
	var first, rest []string
	if own != "" {
		first = append(first, own)
	}
	for _, z := range commonZones() {
		lz := strings.ToLower(z)
		switch {
		case z == own:
		case strings.HasPrefix(lz, q) || strings.Contains(lz, "/"+q):
			first = append(first, z)
		case strings.Contains(lz, q):
			rest = append(rest, z)
		}
	}
	all := append(first, rest...)
	out := make([]*discordgo.ApplicationCommandOptionChoice, 0, min(len(all), maxChoices))
	for _, z := range all[:min(len(all), maxChoices)] {
		out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: markdown.Trim(z, maxChoiceName), Value: markdown.Trim(z, maxChoiceValue)})
	}
	return out
}
