package bot_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/dossier-bot/dossier/bot/discordtest"
	"github.com/dossier-bot/dossier/bot/state"
)

// ferryDocument is news the built-in corpus does not have.
const (
	ferryTitle    = "Pyongyang and Tehran Open a Ferry Line Across the Caspian"
	ferryDocument = `---
title: "` + ferryTitle + `"
publisher: "Test Desk"
published: 2025-05-02
url: https://example.org/caspian-ferry
---
A weekly ferry now links the Caspian port of Anzali with Astrakhan, carrying North Korean ginseng and Iranian pistachios.

Officials in Tehran said the Caspian ferry line would add a second sailing in the summer, when the ginseng harvest comes in.
`
	ferryQuestion = "Which ports does the Caspian ferry link?"
	ferryWatch    = "Caspian ferry"
	sourdough     = "What is the recipe for sourdough bread?"
	privateAsk    = "Did the delegation discuss missile parts in Tehran?"
)

func TestDailyDigestEndToEnd(t *testing.T) {
	t.Parallel()
	w := newDigestWorld(t)
	fake, here := w.fake, w.fake.ChannelID()
	w.advance(t, time.Minute) // the corpus Dossier started with is not news
	due := w.schedClock.Now().Add(2 * time.Hour)
	at := due.UTC().Format("15:04")

	r := w.do(t, digestCommand("digest", "subscribe", discordtest.StringOption("time", at), discordtest.StringOption("timezone", "UTC")))
	if got := reply(r); !strings.Contains(got, "daily digest is on for <#"+here+">") || !strings.Contains(got, at+" (UTC)") || !strings.Contains(got, "<t:") {
		t.Errorf("/digest subscribe replied %q, want the channel, the time and when the next one is due", got)
	}
	if r.Original.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Errorf("/digest subscribe replied publicly, want privately")
	}
	ops := fake.AddChannel("ops")
	r = w.do(t, digestCommand("digest", "subscribe", discordtest.ChannelOption("channel", ops), discordtest.StringOption("time", at)))
	if got := reply(r); !strings.Contains(got, "daily digest is on for <#"+ops+">") {
		t.Errorf("/digest subscribe channel:ops replied %q, want it on", got)
	}

	// A channel the bot may not post in is refused, whether it is named
	// (permissions worked out over REST) or the command's own channel
	// (the interaction's app_permissions).
	locked, hidden := fake.AddChannel("locked"), fake.AddChannel("hidden")
	fake.DenyBot(locked, discordgo.PermissionSendMessages)
	fake.DenyBot(hidden, discordgo.PermissionViewChannel)
	for _, tt := range []struct {
		in          *discordgo.Interaction
		channel     string
		wantMissing string
	}{
		{digestCommand("digest", "subscribe", discordtest.ChannelOption("channel", locked)), locked, "lacks Send Messages"},
		{inChannel(digestCommand("digest", "subscribe"), hidden), hidden, "lacks View Channel"},
	} {
		got := reply(w.do(t, tt.in))
		if !strings.Contains(got, "cannot post in <#"+tt.channel+">") || !strings.Contains(got, tt.wantMissing) {
			t.Errorf("/digest subscribe in a channel the bot cannot post in replied %q, want why (%q)", got, tt.wantMissing)
		}
		if _, found, err := w.store.Subscription(tt.channel); err != nil || found {
			t.Errorf("Subscription(refused channel) = found %v, %v; want none", found, err)
		}
	}

	if got := reply(w.do(t, digestCommand("watch", "add", discordtest.StringOption("query", ferryWatch)))); !strings.Contains(got, "Watching “"+ferryWatch+"”") {
		t.Errorf("/watch add replied %q", got)
	}
	if got := reply(w.do(t, digestCommand("watch", "add", discordtest.StringOption("query", "  caspian   FERRY ")))); !strings.Contains(got, "already watches") {
		t.Errorf("/watch add of the same query again replied %q, want it refused", got)
	}

	// The digest shows a question's latest wording.
	var askedIDs []string
	for _, q := range []string{strings.ToUpper(delegationQuestion), delegationQuestion, sourdough} {
		askedIDs = append(askedIDs, ids(w.do(t, ask(q)).Original.Embeds)...)
	}
	w.do(t, ask(privateAsk, boolOption("private", true)))

	// A document arrives; the watcher re-indexes it while the bot answers.
	writeDocument(t, w.dir, "caspian-ferry.md", ferryDocument)
	w.advance(t, time.Minute)
	r = w.do(t, ask(ferryQuestion))
	shownHere := append(slices.Clone(askedIDs), ids(r.Original.Embeds)...)
	if r.Original == nil || len(r.Original.Embeds) == 0 || !strings.Contains(r.Original.Embeds[0].Title, "Ferry Line") {
		t.Errorf("/ask about the new document = %+v, want it quoted", r.Original)
	}

	// The reply is complete once the acknowledgement is edited: the
	// follow-ups go first.
	preview, err := w.fake.Interact(t, digestCommand("digest", "preview")).WaitUntil(waitCtx(t),
		func(r discordtest.Response) bool { return r.Edits > 0 })
	if err != nil {
		t.Fatal(err)
	}
	if preview.Original.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Errorf("/digest preview is public, want it private")
	}
	fake.DeleteChannel(ops)

	w.advance(t, 2*time.Hour) // the digests fall due
	posts := digestPosts(fake, here)
	if len(posts) == 0 {
		t.Fatalf("no digest posted in the channel; log:\n%s", w.log.String())
	}
	posted := contents(posts)
	for _, got := range []string{posted, reply(preview)} {
		for _, want := range []string{"# Dossier digest", ferryTitle, "Most asked", delegationQuestion, "asked twice", "Unanswered", sourdough, "Watches", "“" + ferryWatch + "”", "Anzali"} {
			if !strings.Contains(got, want) {
				t.Errorf("digest:\n%s\nwant it to include %q", got, want)
			}
		}
		if strings.Contains(got, privateAsk) {
			t.Errorf("digest:\n%s\nshows a question asked privately", got)
		}
		if strings.Contains(got, "Cracks in the North Korea") {
			t.Errorf("digest:\n%s\nshows a document from before the subscription as new", got)
		}
	}
	for _, req := range fake.Requests() {
		if req.Method != "POST" || req.Path != "/channels/"+here+"/messages" {
			continue
		}
		body, _ := req.Body.(map[string]any)
		nonce, _ := body["nonce"].(string)
		if nonce == "" || len(nonce) > 25 || body["enforce_nonce"] != true || body["flags"] != float64(discordgo.MessageFlagsSuppressEmbeds) {
			t.Errorf("digest posted with nonce %v, enforce_nonce %v, flags %v; want a nonce enforced, link previews suppressed",
				body["nonce"], body["enforce_nonce"], body["flags"])
		}
	}
	// Every quote of the digest names its citation: the most asked
	// question's as its reply showed it, the watch matches' kept as
	// posted here, so that /cite and the channel's list have them.
	var digestIDs []string
	for _, line := range strings.Split(posted, "\n") {
		if _, id, ok := strings.Cut(line, " · cite "); ok && strings.HasPrefix(line, "> ") {
			digestIDs = append(digestIDs, id)
		}
	}
	if len(digestIDs) < 2 || !slices.Contains(askedIDs, digestIDs[0]) {
		t.Errorf("digest quotes cite %v, want the most asked question's shown id (one of %v) first, then the watch matches'", digestIDs, askedIDs)
	}
	inChannel, err := w.store.CitationsIn(here, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range digestIDs {
		// Listed with the digest message that quotes it, unless a reply
		// posted it here first.
		if !slices.ContainsFunc(inChannel, func(p state.PostedCitation) bool {
			return p.ID == id && slices.ContainsFunc(posts, func(m *discordtest.Message) bool {
				return m.ID == p.MessageID && strings.Contains(m.Content, "cite "+id)
			}) || p.ID == id && slices.Contains(shownHere, id)
		}) {
			t.Errorf("digest citation %s is not listed as posted in the channel with its message", id)
		}
	}
	last, found, err := w.store.LastDigest(here)
	if err != nil || !found || last.Status != state.Posted || len(last.Parts) != len(posts) {
		t.Errorf("LastDigest() = %+v, %v, %v; want the %d messages posted", last, found, err, len(posts))
	}

	// The deleted channel's subscription is paused, with its reason, and
	// not retried.
	sub, _, err := w.store.Subscription(ops)
	if err != nil || !strings.Contains(sub.Paused, "no longer exists") || sub.PausedAt.IsZero() {
		t.Errorf("subscription of the deleted channel = %+v, %v; want it paused because the channel no longer exists", sub, err)
	}
	if log := w.log.String(); !strings.Contains(log, "daily digest paused") || !strings.Contains(log, ops) {
		t.Errorf("log:\n%s\nwant the pause logged with the channel", log)
	}
	status := reply(w.do(t, digestCommand("digest", "status")))
	for _, want := range []string{"**<#" + here + ">**: every day at " + at, "Last posted", "Next:", "**<#" + ops + ">**", "Paused since", "no longer exists", "watches 1 topic"} {
		if !strings.Contains(status, want) {
			t.Errorf("/digest status replied:\n%s\nwant %q", status, want)
		}
	}

	// A new process on the same state posts nothing twice the same day.
	w.restart(t)
	w.advance(t, time.Minute)
	if again := digestPosts(fake, here); len(again) != len(posts) {
		t.Errorf("after a restart the channel has %d digest messages, want the %d posted before", len(again), len(posts))
	}
	tries := slices.DeleteFunc(fake.Requests(), func(r discordtest.Request) bool {
		return r.Method != "POST" || r.Path != "/channels/"+ops+"/messages"
	})
	if len(tries) != 1 {
		t.Errorf("posted to the deleted channel %d times, want once, then paused", len(tries))
	}
	noViolations(t, fake)
}

func TestDigestLostReplyIsNotPostedTwice(t *testing.T) {
	t.Parallel()
	w := newDigestWorld(t)
	fake, here := w.fake, w.fake.ChannelID()
	w.advance(t, time.Minute)
	due := w.schedClock.Now().Add(30 * time.Minute)
	w.do(t, digestCommand("digest", "subscribe", discordtest.StringOption("time", due.UTC().Format("15:04"))))
	w.do(t, ask(delegationQuestion))
	// Just before the digest, other messages fill more than a page of
	// the channel's history.
	w.advance(t, 26*time.Minute)
	for i := range 150 {
		fake.UserMessage(here, strings.Repeat("chatter ", i%5+1))
	}

	fake.LoseReplies(1) // the digest's first message is posted, the reply lost
	w.advance(t, 5*time.Minute)
	date := due.UTC().Format("2006-01-02")
	rec, found, err := w.store.Digest(here, date)
	if err != nil || !found || rec.Status != state.Posting || rec.Parts[0].MessageID != "" {
		t.Fatalf("LastDigest() after a lost reply = %+v, %v, %v; want it still posting, the first message unrecorded", rec, found, err)
	}
	// Past the nonce's few minutes, only the channel's history tells
	// the message is there.
	w.restart(t)
	w.advance(t, 10*time.Minute)
	posts := digestPosts(fake, here)
	rec, _, err = w.store.Digest(here, date)
	if err != nil || rec.Status != state.Posted || len(posts) != len(rec.Parts) {
		t.Fatalf("after the restart: %d digest messages, digest %+v, %v; want each part posted once and recorded", len(posts), rec, err)
	}
	for i, p := range rec.Parts {
		if p.MessageID != posts[i].ID {
			t.Errorf("part %d recorded as message %s, want %s", i, p.MessageID, posts[i].ID)
		}
	}
	if log := w.log.String(); !strings.Contains(log, "found a digest message posted before a restart") {
		t.Errorf("log:\n%s\nwant the lost message found in the channel's history", log)
	}
	pages := slices.DeleteFunc(fake.Requests(), func(r discordtest.Request) bool {
		return r.Method != "GET" || r.Path != "/channels/"+here+"/messages"
	})
	if len(pages) < 2 {
		t.Errorf("read %d pages of the channel's history, want the lost message found on the second", len(pages))
	}
	noViolations(t, fake)
}

func TestDigestPreviewWithNothingNew(t *testing.T) {
	t.Parallel()
	w := newDigestWorld(t)
	w.advance(t, time.Minute)
	w.do(t, digestCommand("digest", "subscribe"))
	// The corpus came before the subscription, and nobody asked anything.
	got := reply(w.do(t, digestCommand("digest", "preview")))
	if !strings.Contains(got, "Nothing for a digest here yet") {
		t.Errorf("/digest preview with nothing new replied %q", got)
	}
	noViolations(t, w.fake)
}
