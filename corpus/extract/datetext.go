package extract

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// dateWindow bounds the publication dates a page can claim: nothing
// before the web was in common use, nothing in the future (give or take
// a time zone).
type dateWindow struct{ min, max time.Time }

func newDateWindow(now time.Time) dateWindow {
	return dateWindow{
		min: time.Date(1995, 1, 1, 0, 0, 0, 0, time.UTC),
		max: now.UTC().AddDate(0, 0, 2),
	}
}

// day is the date year-month-day when it is a real calendar day inside
// the window, else the zero time.
func (w dateWindow) day(year, month, d int) time.Time {
	if year < 100 {
		year += 2000
		if year > w.max.Year() {
			year -= 100
		}
	}
	t := time.Date(year, time.Month(month), d, 0, 0, 0, 0, time.UTC)
	if month < 1 || month > 12 || d < 1 || t.Day() != d || t.Before(w.min) || t.After(w.max) {
		return time.Time{}
	}
	return t
}

var (
	// Year first: 2019-11-19, 2019/11/19, 2019.11.19, and ISO 8601 with
	// a time after it. The date is kept as the page writes it, in its
	// own time zone: that is the day its readers saw on it.
	ymdDate = regexp.MustCompile(`(?:^|\D)((?:19|20)\d\d)([-/.])(\d\d?)([-/.])(\d\d?)(?:\D|$)`)
	// Day or month first: 19.11.2019, 19/11/2019, 11/19/2019, 19-11-19.
	dmyDate = regexp.MustCompile(`(?:^|\D)(\d\d?)([-/.])(\d\d?)([-/.])(\d{4}|\d\d)(?:\D|$)`)
	// Eight digits alone: 20191119.
	compactDate = regexp.MustCompile(`(?:^|\D)((?:19|20)\d\d)(\d\d)(\d\d)(?:\D|$)`)
	// Month named before the day: November 19, 2019; Nov. 19th 2019.
	mdyDate = regexp.MustCompile(`(?i)(\pL+)\.?\s+(\d\d?)(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)(?:\D|$)`)
	// Day before the named month: 19 November 2019; 19. Nov. 2019;
	// 19 de novembro de 2019; 19-Nov-2019.
	dmyNamedDate = regexp.MustCompile(`(?i)(?:^|\D)(\d\d?)(?:st|nd|rd|th|º)?\.?[\s-]+(?:de\s+)?(\pL+)\.?,?[\s-]+(?:de\s+)?((?:19|20)\d\d)(?:\D|$)`)
)

// textDate reads the first date a short text gives with its year, month
// and day: in figures, or with the month named in English, French,
// German, Spanish, Portuguese, Italian or Dutch. A year and month alone
// is not a date: the day it would give is made up.
func textDate(s string, w dateWindow) time.Time {
	s = strings.Join(strings.Fields(s), " ")
	type found struct {
		at int
		t  time.Time
	}
	var best found
	take := func(at int, t time.Time) {
		if !t.IsZero() && (best.t.IsZero() || at < best.at) {
			best = found{at, t}
		}
	}
	if m := ymdDate.FindStringSubmatchIndex(s); m != nil && s[m[4]:m[5]] == s[m[8]:m[9]] {
		take(m[2], w.day(atoi(s[m[2]:m[3]]), atoi(s[m[6]:m[7]]), atoi(s[m[10]:m[11]])))
	}
	if m := dmyDate.FindStringSubmatchIndex(s); m != nil && s[m[4]:m[5]] == s[m[8]:m[9]] {
		d, mo := atoi(s[m[2]:m[3]]), atoi(s[m[6]:m[7]])
		if mo > 12 && d <= 12 {
			d, mo = mo, d // 11/19/2019: the month came first
		}
		take(m[2], w.day(atoi(s[m[10]:m[11]]), mo, d))
	}
	if m := compactDate.FindStringSubmatchIndex(s); m != nil {
		take(m[2], w.day(atoi(s[m[2]:m[3]]), atoi(s[m[4]:m[5]]), atoi(s[m[6]:m[7]])))
	}
	for _, m := range mdyDate.FindAllStringSubmatchIndex(s, 3) {
		if mo := monthNamed(s[m[2]:m[3]]); mo > 0 {
			take(m[2], w.day(atoi(s[m[6]:m[7]]), mo, atoi(s[m[4]:m[5]])))
			break
		}
	}
	for _, m := range dmyNamedDate.FindAllStringSubmatchIndex(s, 3) {
		if mo := monthNamed(s[m[4]:m[5]]); mo > 0 {
			take(m[2], w.day(atoi(s[m[6]:m[7]]), mo, atoi(s[m[2]:m[3]])))
			break
		}
	}
	return best.t
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// monthNamed is the number of a month by its name or usual abbreviation
// in English, French, German, Spanish, Portuguese, Italian or Dutch, else 0.
func monthNamed(word string) int {
	switch strings.ToLower(word) {
	case "january", "jan", "januar", "jänner", "janvier", "enero", "ene", "janeiro", "gennaio", "gen", "januari":
		return 1
	case "february", "feb", "februar", "feber", "février", "févr", "fevrier", "febrero", "fevereiro", "fev", "febbraio", "februari":
		return 2
	case "march", "mar", "märz", "maerz", "mär", "mars", "marzo", "março", "marco", "maart", "mrt":
		return 3
	case "april", "apr", "avril", "avr", "abril", "abr", "aprile":
		return 4
	case "may", "mai", "mayo", "maio", "maggio", "mag", "mei":
		return 5
	case "june", "jun", "juni", "juin", "junio", "junho", "giugno", "giu":
		return 6
	case "july", "jul", "juli", "juillet", "juil", "julio", "julho", "luglio", "lug":
		return 7
	case "august", "aug", "augustus", "août", "aout", "agosto", "ago":
		return 8
	case "september", "sep", "sept", "septembre", "septiembre", "setembro", "set", "settembre":
		return 9
	case "october", "oct", "oktober", "octobre", "octubre", "outubro", "out", "ottobre", "ott", "okt":
		return 10
	case "november", "nov", "novembre", "noviembre", "novembro":
		return 11
	case "december", "dec", "dezember", "dez", "décembre", "déc", "decembre", "diciembre", "dic", "dezembro", "dicembre":
		return 12
	}
	return 0
}
