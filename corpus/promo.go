package corpus

import "strings"

// promo grades how surely a line asks the reader to subscribe, sign up,
// pay or follow, as the first line of a newsletter or paywall block does.
type promo int

const (
	notPromo promo = iota
	// weakPromo opens like a call to action ("Stay informed…") but could be
	// prose; it needs a short line or more furniture after it.
	weakPromo
	// strongPromo names the business itself: newsletters, paywalls, trials.
	strongPromo
)

// maxBarePromoWords is the length up to which a weak call to action needs
// no company ("Subscribe now").
const maxBarePromoWords = 6

func callToAction(s string) promo {
	lower := strings.ToLower(strings.ReplaceAll(s, "’", "'"))
	for _, p := range [...]string{"newsletter", "unlimited access", "cards accepted", "cancel any time",
		"cancel anytime", "free trial", "subscribers only", "subscriber-only", "for subscribers", "paywall",
		"sign up for", "subscribe to our", "subscribe now", "members only", "member-only", "to your inbox",
		"i'm interested in", "i am interested in", "already a subscriber", "already a member"} {
		if strings.Contains(lower, p) {
			return strongPromo
		}
	}
	for _, p := range [...]string{"subscribe", "sign up", "signup", "sign in", "log in", "register now",
		"stay informed", "stay up to date", "stay updated", "stay in the loop", "stay connected",
		"become a member", "become a subscriber", "become a supporter", "join our", "join us",
		"support our", "support us", "support independent", "get unlimited", "get full access",
		"get the latest", "get our", "get access", "don't miss", "never miss", "want more", "enjoyed this",
		"like this article", "follow us", "share this", "related articles", "related stories", "read more",
		"more from", "you may also like", "recommended for you", "unlock", "try it free",
		"start your free trial", "donate"} {
		if strings.HasPrefix(lower, p) {
			return weakPromo
		}
	}
	return notPromo
}

// isPromoLine reports a line on its own that is certainly a call to action,
// such as a newsletter box in the middle of an article.
func isPromoLine(s string) bool {
	if !wordsAtMost(s, maxPromoWords) {
		return false
	}
	switch callToAction(s) {
	case strongPromo:
		return true
	case weakPromo:
		return wordsAtMost(s, maxBarePromoWords)
	}
	return false
}

// dropTrailingPromo cuts the document at a call to action in its second
// half when only short lines (a form, a list of perks) follow it.
func dropTrailingPromo(lines []line) []line {
	total := 0
	offsets := make([]int, len(lines))
	for i, l := range lines {
		offsets[i] = total
		total += len(l.text) + 1
	}
	cut := len(lines)
	for i := len(lines) - 1; i >= 0; i-- {
		if offsets[i]*2 < total || !wordsAtMost(lines[i].text, maxFurnitureWords) {
			break
		}
		switch callToAction(lines[i].text) {
		case strongPromo:
			cut = i
		case weakPromo:
			if i < len(lines)-1 || wordsAtMost(lines[i].text, maxBarePromoWords) {
				cut = i
			}
		}
	}
	return lines[:cut]
}
