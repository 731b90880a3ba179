package bot_test

import (
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/dossier-bot/dossier/bot"
	"github.com/dossier-bot/dossier/bot/digest"
	"github.com/dossier-bot/dossier/bot/discordtest"
	"github.com/dossier-bot/dossier/bot/state"
)

// autocomplete builds the autocomplete of a subcommand's option.
func autocomplete(name, sub, option, typed string) *discordgo.Interaction {
	opt := discordtest.StringOption(option, typed)
	opt.Focused = true
	in := digestCommand(name, sub, opt)
	in.Type = discordgo.InteractionApplicationCommandAutocomplete
	return in
}

func choiceNames(r discordtest.Response) []string {
	var names []string
	for _, c := range r.Choices {
		names = append(names, c.Name)
	}
	return names
}

func TestDigestCommandsNeedManageChannels(t *testing.T) {
	t.Parallel()
	w := newDigestWorld(t)
	w.do(t, ask(delegationQuestion)) // registered by now
	var put []any
	for _, req := range w.fake.Requests() {
		if req.Method == "PUT" && strings.HasSuffix(req.Path, "/commands") {
			put, _ = req.Body.([]any)
		}
	}
	found := 0
	for _, c := range put {
		cmd, _ := c.(map[string]any)
		if name := cmd["name"]; name != "digest" && name != "watch" {
			continue
		}
		found++
		contexts, _ := json.Marshal(cmd["contexts"])
		if cmd["default_member_permissions"] != "16" || string(contexts) != "[0]" {
			t.Errorf("/%s registered with default_member_permissions %v and contexts %s; want \"16\" (Manage Channels) and servers only [0]",
				cmd["name"], cmd["default_member_permissions"], contexts)
		}
	}
	if found != 2 {
		t.Errorf("the bulk overwrite has %d of /digest and /watch, want both", found)
	}
	noViolations(t, w.fake)
}

func TestDigestSubscribeRefusesBadTimes(t *testing.T) {
	t.Parallel()
	w := newDigestWorld(t)
	tests := []struct {
		time, zone, want string
	}{
		{"25:00", "", "is not a 24-hour time of day"},
		{"9am", "", "is not a 24-hour time of day"},
		{"09:00", "Mars/Olympus_Mons", "is not an IANA time zone name"},
		{"09:00", "Local", "is not an IANA time zone name"},
	}
	for _, tt := range tests {
		opts := []*discordgo.ApplicationCommandInteractionDataOption{discordtest.StringOption("time", tt.time)}
		if tt.zone != "" {
			opts = append(opts, discordtest.StringOption("timezone", tt.zone))
		}
		if got := reply(w.do(t, digestCommand("digest", "subscribe", opts...))); !strings.Contains(got, tt.want) {
			t.Errorf("/digest subscribe time:%s timezone:%s replied %q, want %q", tt.time, tt.zone, got, tt.want)
		}
	}
	if subs, err := w.store.Subscriptions(); err != nil || len(subs) != 0 {
		t.Errorf("Subscriptions() = %v, %v; want none", subs, err)
	}
	noViolations(t, w.fake)
}

func TestDigestTimezoneAutocomplete(t *testing.T) {
	t.Parallel()
	w := newDigestWorld(t)
	tests := []struct {
		typed, wantFirst string
	}{
		{"lond", "Europe/London"},
		{"new york", "America/New_York"},
		{"Asia/Ho_Chi_Minh", "Asia/Ho_Chi_Minh"}, // not a common zone, but a zone
		{"", "UTC"},
	}
	for _, tt := range tests {
		got := choiceNames(w.do(t, autocomplete("digest", "subscribe", "timezone", tt.typed)))
		if len(got) == 0 || got[0] != tt.wantFirst || len(got) > 25 {
			t.Errorf("timezone autocomplete for %q = %q, want %q first, at most 25", tt.typed, got, tt.wantFirst)
		}
	}
	noViolations(t, w.fake)
}

func TestDigestUnsubscribeAndStatus(t *testing.T) {
	t.Parallel()
	w := newDigestWorld(t)
	here := w.fake.ChannelID()
	if got := reply(w.do(t, digestCommand("digest", "status"))); !strings.Contains(got, "has no daily digest") {
		t.Errorf("/digest status without a subscription replied %q", got)
	}
	w.do(t, digestCommand("digest", "subscribe", discordtest.StringOption("time", "7:30"), discordtest.StringOption("timezone", "America/New_York")))
	if got := reply(w.do(t, digestCommand("digest", "status"))); !strings.Contains(got, "every day at 07:30 (America/New\\_York)") || !strings.Contains(got, "None posted yet") {
		t.Errorf("/digest status replied %q, want the time, the zone and nothing posted", got)
	}
	if got := reply(w.do(t, digestCommand("digest", "unsubscribe"))); !strings.Contains(got, "daily digest is off for <#"+here+">") {
		t.Errorf("/digest unsubscribe replied %q", got)
	}
	if _, found, err := w.store.Subscription(here); err != nil || found {
		t.Errorf("Subscription() after unsubscribing = found %v, %v", found, err)
	}
	if got := reply(w.do(t, digestCommand("digest", "unsubscribe"))); !strings.Contains(got, "has no daily digest") {
		t.Errorf("/digest unsubscribe again replied %q", got)
	}
	noViolations(t, w.fake)
}

func TestWatchCommands(t *testing.T) {
	t.Parallel()
	w := newDigestWorld(t)
	add := func(q string) string {
		return reply(w.do(t, digestCommand("watch", "add", discordtest.StringOption("query", q))))
	}
	if got := add("?!"); !strings.Contains(got, "has none") {
		t.Errorf("/watch add of punctuation replied %q, want it refused", got)
	}
	if got := add("**Tehran** <@everyone>"); !strings.Contains(got, `“\*\*Tehran\*\* \<@`) {
		t.Errorf("/watch add echoed %q, want the query escaped", got)
	}
	add("drone exports")
	add("missile parts")
	if got := reply(w.do(t, digestCommand("watch", "list"))); !strings.Contains(got, "watches 3 topics") || !strings.Contains(got, "“drone exports”") {
		t.Errorf("/watch list replied %q, want the three watches", got)
	}
	if got := w.do(t, autocomplete("watch", "remove", "watch", "drone")).Choices; len(got) != 1 || got[0].Name != "#2 · drone exports" || got[0].Value != "2" {
		t.Errorf("watch autocomplete for \"drone\" = %+v, want watch 2", got)
	}
	// By id, as the autocomplete sends it, and by query, as typed.
	for _, watch := range []string{"2", "Missile Parts"} {
		if got := reply(w.do(t, digestCommand("watch", "remove", discordtest.StringOption("watch", watch)))); !strings.Contains(got, "No longer watching") {
			t.Errorf("/watch remove watch:%s replied %q", watch, got)
		}
	}
	if got := reply(w.do(t, digestCommand("watch", "remove", discordtest.StringOption("watch", "2")))); !strings.Contains(got, "no watch 2") {
		t.Errorf("/watch remove of a removed watch replied %q", got)
	}
	if got := reply(w.do(t, digestCommand("watch", "remove", discordtest.StringOption("watch", "whales")))); !strings.Contains(got, "watches nothing called “whales”") {
		t.Errorf("/watch remove of an unknown query replied %q", got)
	}
	if ws, err := w.store.Watches(w.fake.GuildID(), w.fake.ChannelID()); err != nil || len(ws) != 1 {
		t.Errorf("Watches() = %+v, %v; want the one left", ws, err)
	}
	noViolations(t, w.fake)
}

func TestDigestsInDirectMessages(t *testing.T) {
	t.Parallel()
	w := newDigestWorld(t)
	dm := func(in *discordgo.Interaction) *discordgo.Interaction {
		in.User = &discordgo.User{ID: w.fake.UserID(), Username: "tester"}
		return in
	}
	if got := reply(w.do(t, dm(digestCommand("digest", "subscribe")))); !strings.Contains(got, "belong to a server") {
		t.Errorf("/digest in a DM replied %q", got)
	}
	w.do(t, dm(ask(delegationQuestion)))
	w.do(t, ask(sourdough))
	now := w.schedClock.Now()
	qs, err := w.store.Questions("", now.Add(-time.Hour), now.Add(time.Hour))
	if err != nil || len(qs) != 1 || qs[0].Text != sourdough || qs[0].GuildID != w.fake.GuildID() || qs[0].Answered {
		t.Errorf("question log = %+v, %v; want only the question asked in the server, unanswered", qs, err)
	}
	noViolations(t, w.fake)
}

func TestNoDigestsWithoutState(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, noDigests, want string
	}{
		{"default", "", "not set up on this Dossier"},
		{"told why", "Daily digests need DOSSIER_DATA.", "Daily digests need DOSSIER_DATA."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := discordtest.NewServer(t)
			serve(t, fake, builtinIndex(t), bot.Options{NoDigests: tt.noDigests})
			for _, in := range []*discordgo.Interaction{digestCommand("digest", "subscribe"), digestCommand("watch", "list")} {
				if got := reply(wait(t, fake.Interact(t, in))); got != tt.want && !strings.Contains(got, tt.want) {
					t.Errorf("reply = %q, want %q", got, tt.want)
				}
			}
			if r := wait(t, fake.Interact(t, ask(delegationQuestion))); r.Original == nil || len(r.Original.Embeds) == 0 {
				t.Errorf("/ask without digests = %+v, want an answer", r.Original)
			}
			noViolations(t, fake)
		})
	}
}

func TestDigestsOverTheInteractionsEndpoint(t *testing.T) {
	t.Parallel()
	fake := discordtest.NewServer(t)
	ix := builtinIndex(t)
	store, err := state.Open(filepath.Join(t.TempDir(), state.FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	sched := digest.NewScheduler(digest.Config{Store: store, Index: ix})
	e := serveInteractionsWith(t, fake, ix, bot.Options{Digests: &bot.Digests{Store: store, Preview: sched}}, nil)
	post := func(in *discordgo.Interaction) string {
		t.Helper()
		r, err := fake.Post(t, e.url, e.key, in).Wait(waitCtx(t))
		if err != nil {
			t.Fatal(err)
		}
		return reply(r)
	}

	// No gateway session: the bot's permissions in a named channel come
	// from the channel, the server's roles and the bot's member, over REST.
	news, locked := fake.AddChannel("news"), fake.AddChannel("locked")
	fake.DenyBot(locked, discordgo.PermissionSendMessages)
	if got := post(digestCommand("digest", "subscribe", discordtest.ChannelOption("channel", news))); !strings.Contains(got, "daily digest is on for <#"+news+">") {
		t.Errorf("/digest subscribe channel:news replied %q", got)
	}
	if got := post(digestCommand("digest", "subscribe", discordtest.ChannelOption("channel", locked))); !strings.Contains(got, "lacks Send Messages") {
		t.Errorf("/digest subscribe channel:locked replied %q", got)
	}
	asked := false
	for _, req := range fake.Requests() {
		asked = asked || req.Method == "GET" && req.Path == "/guilds/"+fake.GuildID()+"/members/"+fake.BotUserID()
	}
	if !asked {
		t.Errorf("the bot did not look up its member, want its permissions worked out over REST")
	}
	post(ask(sourdough))
	if got := post(digestCommand("digest", "preview")); !strings.Contains(got, "## Unanswered") || !strings.Contains(got, sourdough) {
		t.Errorf("/digest preview replied %q, want the unanswered question", got)
	}
	noViolations(t, fake)
}

func TestDigestSubscribeRefusesWhatIsNotThisServersChannel(t *testing.T) {
	t.Parallel()
	w := newDigestWorld(t)
	elsewhere := digestCommand("digest", "subscribe", discordtest.ChannelOption("channel", w.fake.ChannelID()))
	elsewhere.GuildID, elsewhere.ChannelID = "4242", w.fake.AddChannel("lobby")
	for _, in := range []*discordgo.Interaction{
		digestCommand("digest", "subscribe", discordtest.ChannelOption("channel", "../users/@me")),
		elsewhere,
	} {
		if got := reply(w.do(t, in)); !strings.Contains(got, "not a channel of this server") {
			t.Errorf("/digest subscribe of another server's channel replied %q", got)
		}
	}
	if subs, err := w.store.Subscriptions(); err != nil || len(subs) != 0 {
		t.Errorf("Subscriptions() = %+v, %v; want none", subs, err)
	}
	noViolations(t, w.fake)
}

// Discord checks /digest's Manage Channels where it is used; a channel it
// names is checked by the bot, from the member's permissions there as
// Discord resolved them, before the bot's own.
func TestDigestNamingAnotherChannelNeedsManageChannelsThere(t *testing.T) {
	t.Parallel()
	const (
		view   = discordgo.PermissionViewChannel
		send   = discordgo.PermissionSendMessages
		manage = discordgo.PermissionManageChannels
	)
	w := newDigestWorld(t)
	other := w.fake.AddChannel("announcements")
	subscribed := func() bool {
		t.Helper()
		_, found, err := w.store.Subscription(other)
		if err != nil {
			t.Fatal(err)
		}
		return found
	}
	steps := []struct {
		name       string
		perms      int64 // the member's in the other channel
		denyBot    int64
		sub        string
		want       string
		wantStored bool
	}{
		{"subscribe without Manage Channels there", view | send, 0, "subscribe", "you need Manage Channels there", false},
		{"subscribe without View Channel there", manage, 0, "subscribe", "you need View Channel there", false},
		{"subscribe, the bot unable to post", view | manage, send, "subscribe", "lacks Send Messages", false},
		{"subscribe with Manage Channels there", view | manage, 0, "subscribe", "daily digest is on for <#" + other + ">", true},
		{"unsubscribe without Manage Channels there", view | send, 0, "unsubscribe", "you need Manage Channels there", true},
		{"unsubscribe with Manage Channels there", view | manage, 0, "unsubscribe", "daily digest is off for <#" + other + ">", false},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			w.fake.SetMemberPermissions(w.fake.UserID(), other, s.perms)
			w.fake.DenyBot(other, s.denyBot)
			got := reply(w.do(t, digestCommand("digest", s.sub, discordtest.ChannelOption("channel", other))))
			if !strings.Contains(got, s.want) {
				t.Errorf("/digest %s channel:announcements replied %q, want %q", s.sub, got, s.want)
			}
			if subscribed() != s.wantStored {
				t.Errorf("announcements subscribed = %v after %s, want %v", !s.wantStored, s.name, s.wantStored)
			}
		})
	}
	// In its own channel, Discord's check is the one that counts.
	w.fake.SetMemberPermissions(w.fake.UserID(), other, view|send)
	if got := reply(w.do(t, inChannel(digestCommand("digest", "subscribe"), other))); !strings.Contains(got, "daily digest is on") {
		t.Errorf("/digest subscribe in announcements itself replied %q, want it on", got)
	}
	noViolations(t, w.fake)
}

func TestDigestRefusalOverTheInteractionsEndpoint(t *testing.T) {
	t.Parallel()
	fake := discordtest.NewServer(t)
	ix := builtinIndex(t)
	store, err := state.Open(filepath.Join(t.TempDir(), state.FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	sched := digest.NewScheduler(digest.Config{Store: store, Index: ix})
	e := serveInteractionsWith(t, fake, ix, bot.Options{Digests: &bot.Digests{Store: store, Preview: sched}}, nil)
	other := fake.AddChannel("announcements")
	fake.SetMemberPermissions(fake.UserID(), other, discordgo.PermissionViewChannel|discordgo.PermissionSendMessages)
	r, err := fake.Post(t, e.url, e.key, digestCommand("digest", "subscribe", discordtest.ChannelOption("channel", other))).Wait(waitCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if got := reply(r); !strings.Contains(got, "you need Manage Channels there") || r.Original.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Errorf("/digest subscribe channel:announcements over the endpoint replied %q (flags %d), want a private refusal", got, r.Original.Flags)
	}
	if subs, err := store.Subscriptions(); err != nil || len(subs) != 0 {
		t.Errorf("Subscriptions() = %+v, %v; want none", subs, err)
	}
	noViolations(t, fake)
}

func TestWatchRemoveStaysInItsChannel(t *testing.T) {
	t.Parallel()
	w := newDigestWorld(t)
	other := w.fake.AddChannel("announcements")
	w.do(t, inChannel(digestCommand("watch", "add", discordtest.StringOption("query", "drone exports")), other))
	ws, err := w.store.Watches(w.fake.GuildID(), other)
	if err != nil || len(ws) != 1 {
		t.Fatalf("Watches(announcements) = %+v, %v; want the one added", ws, err)
	}
	id := strconv.FormatUint(ws[0].ID, 10)
	remove := digestCommand("watch", "remove", discordtest.StringOption("watch", id))
	if got := reply(w.do(t, remove)); !strings.Contains(got, "belongs to <#"+other+">") {
		t.Errorf("/watch remove watch:%s from another channel replied %q, want it sent to its own", id, got)
	}
	if ws, _ := w.store.Watches(w.fake.GuildID(), other); len(ws) != 1 {
		t.Errorf("Watches(announcements) = %+v after a refused remove, want it kept", ws)
	}
	remove = digestCommand("watch", "remove", discordtest.StringOption("watch", id))
	if got := reply(w.do(t, inChannel(remove, other))); !strings.Contains(got, "No longer watching") {
		t.Errorf("/watch remove watch:%s in its channel replied %q", id, got)
	}
	noViolations(t, w.fake)
}
