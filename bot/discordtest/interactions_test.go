package discordtest

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

func TestDeferredEditAndFollowups(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	errs := make(chan error, 8)
	openBot(t, s, func(dg *discordgo.Session, ic *discordgo.InteractionCreate) {
		in := ic.Interaction
		errs <- dg.InteractionRespond(in, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource})
		answer := "the answer"
		_, err := dg.InteractionResponseEdit(in, &discordgo.WebhookEdit{Content: &answer, AllowedMentions: quiet()})
		errs <- err
		m, err := dg.FollowupMessageCreate(in, true, &discordgo.WebhookParams{Content: "more", AllowedMentions: quiet()})
		errs <- err
		more := "more, edited"
		_, err = dg.FollowupMessageEdit(in, m.ID, &discordgo.WebhookEdit{Content: &more, AllowedMentions: quiet()})
		errs <- err
		orig, err := dg.InteractionResponse(in)
		if err == nil && orig.Content != answer {
			t.Errorf("InteractionResponse() content = %q, want %q", orig.Content, answer)
		}
		errs <- err
	})

	in := s.Interact(t, SlashCommand("ask", StringOption("question", "q")))
	r, err := in.WaitUntil(waitCtx(t), func(r Response) bool {
		return len(r.Followups) == 1 && r.Followups[0].EditedTimestamp != nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		if err := await(t, errs, "a bot request"); err != nil {
			t.Errorf("bot request failed: %v", err)
		}
	}
	if r.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource || r.Edits != 1 {
		t.Errorf("response type %d with %d edits, want 5 with 1", r.Type, r.Edits)
	}
	if r.Original.Content != "the answer" || r.Original.Flags&discordgo.MessageFlagsLoading != 0 {
		t.Errorf("Original = %q flags %d, want %q without the loading flag", r.Original.Content, r.Original.Flags, "the answer")
	}
	if got := r.Followups[0].Content; got != "more, edited" {
		t.Errorf("follow-up content = %q, want %q", got, "more, edited")
	}
	noViolations(t, s)
}

func TestWaitReturnsAtFirstEditOfDeferral(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	release := make(chan struct{})
	openBot(t, s, func(dg *discordgo.Session, ic *discordgo.InteractionCreate) {
		dg.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource})
		<-release
		answer := "done"
		dg.InteractionResponseEdit(ic.Interaction, &discordgo.WebhookEdit{Content: &answer, AllowedMentions: quiet()})
	})
	in := s.Interact(t, SlashCommand("slow"))
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if r, err := in.Wait(ctx); err == nil {
		t.Errorf("Wait() before the edit = %+v, want a timeout", r)
	}
	close(release)
	r, err := in.Wait(waitCtx(t))
	if err != nil || r.Original.Content != "done" {
		t.Errorf("Wait() = %+v, %v; want the edited reply", r, err)
	}
}

func TestLateAcknowledgement(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	got, release, result := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	openBot(t, s, func(dg *discordgo.Session, ic *discordgo.InteractionCreate) {
		close(got)
		<-release
		result <- dg.InteractionRespond(ic.Interaction, reply("too late"))
	})
	in := s.Interact(t, SlashCommand("ask"))
	await(t, got, "the interaction")
	s.Advance(discordgo.InteractionDeadline + time.Second)
	close(release)

	wantRESTError(t, await(t, result, "the bot's request"), http.StatusNotFound, 10062)
	if _, err := in.Wait(waitCtx(t)); err == nil || !strings.Contains(err.Error(), "failed") {
		t.Errorf("Wait() = %v, want the interaction failed", err)
	}
	wantViolation(t, s, "past the 3s deadline")
}

func TestNoAcknowledgementFailsWait(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	s.SetAckDeadline(50 * time.Millisecond)
	openBot(t, s, func(*discordgo.Session, *discordgo.InteractionCreate) {})
	_, err := s.Interact(t, SlashCommand("ignored")).Wait(waitCtx(t))
	if err == nil || !strings.Contains(err.Error(), "no initial callback") {
		t.Errorf("Wait() = %v, want no initial callback", err)
	}
	wantViolation(t, s, "command ignored")
}

func TestSecondCallbackRejected(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	second := make(chan error, 1)
	openBot(t, s, func(dg *discordgo.Session, ic *discordgo.InteractionCreate) {
		dg.InteractionRespond(ic.Interaction, reply("one"))
		second <- dg.InteractionRespond(ic.Interaction, reply("two"))
	})
	s.Interact(t, SlashCommand("twice"))
	wantRESTError(t, await(t, second, "the second callback"), http.StatusBadRequest, 40060)
	wantViolation(t, s, "second initial callback")
}

func TestTokenExpiry(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	acked, release, result := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	openBot(t, s, func(dg *discordgo.Session, ic *discordgo.InteractionCreate) {
		dg.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource})
		close(acked)
		<-release
		_, err := dg.FollowupMessageCreate(ic.Interaction, true, &discordgo.WebhookParams{Content: "late", AllowedMentions: quiet()})
		result <- err
	})
	s.Interact(t, SlashCommand("ask"))
	await(t, acked, "the deferral")
	s.Advance(15*time.Minute + time.Second)
	close(release)
	wantRESTError(t, await(t, result, "the bot's request"), http.StatusUnauthorized, 50027)
	wantViolation(t, s, "token 15m1s old")
}

func TestAutocomplete(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		choices int
		wantErr bool
	}{
		{"three choices", 3, false},
		{"twenty-six choices", 26, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := NewServer(t)
			result := make(chan error, 1)
			openBot(t, s, func(dg *discordgo.Session, ic *discordgo.InteractionCreate) {
				var cs []*discordgo.ApplicationCommandOptionChoice
				for i := range tt.choices {
					cs = append(cs, &discordgo.ApplicationCommandOptionChoice{Name: strings.Repeat("x", i+1), Value: "v"})
				}
				result <- dg.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{
					Type: discordgo.InteractionApplicationCommandAutocompleteResult,
					Data: &discordgo.InteractionResponseData{Choices: cs},
				})
			})
			in := s.Interact(t, Autocomplete("ask", "question", "nor"))
			err := await(t, result, "the autocomplete callback")
			if tt.wantErr {
				wantRESTError(t, err, http.StatusBadRequest, 50035)
				wantViolation(t, s, "data.choices")
				return
			}
			r, werr := in.Wait(waitCtx(t))
			if err != nil || werr != nil || len(r.Choices) != tt.choices {
				t.Errorf("autocomplete: respond %v, wait %v, %d choices; want %d choices", err, werr, len(r.Choices), tt.choices)
			}
			noViolations(t, s)
		})
	}
}

func TestComponentUpdatesMessage(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	openBot(t, s, func(dg *discordgo.Session, ic *discordgo.InteractionCreate) {
		switch ic.Type {
		case discordgo.InteractionApplicationCommand:
			dg.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{
				Type: discordgo.InteractionResponseChannelMessageWithSource,
				Data: &discordgo.InteractionResponseData{
					Content:         "page 1",
					AllowedMentions: quiet(),
					Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
						discordgo.Button{Label: "Next", Style: discordgo.PrimaryButton, CustomID: "next"},
					}}},
				},
			})
		case discordgo.InteractionMessageComponent:
			dg.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{
				Type: discordgo.InteractionResponseUpdateMessage,
				Data: &discordgo.InteractionResponseData{Content: "page " + ic.MessageComponentData().CustomID, AllowedMentions: quiet()},
			})
		}
	})
	first, err := s.Interact(t, SlashCommand("pages")).Wait(waitCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Original.Components) != 1 {
		t.Fatalf("reply components = %v, want one row", first.Original.Components)
	}
	second, err := s.Interact(t, Component("next", first.Original.Message)).Wait(waitCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if second.Original.ID != first.Original.ID || second.Original.Content != "page next" {
		t.Errorf("after click, original = %s %q; want message %s updated to %q", second.Original.ID, second.Original.Content, first.Original.ID, "page next")
	}
	if msgs := s.Messages(s.ChannelID()); len(msgs) != 1 || msgs[0].Content != "page next" {
		t.Errorf("Messages() = %v, want the one updated message", msgs)
	}
	noViolations(t, s)
}

func TestMessageCommandSeesTarget(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	openBot(t, s, func(dg *discordgo.Session, ic *discordgo.InteractionCreate) {
		d := ic.ApplicationCommandData()
		dg.InteractionRespond(ic.Interaction, reply("target: "+d.Resolved.Messages[d.TargetID].Content))
	})
	target := s.UserMessage(s.ChannelID(), "what about Iran?")
	r, err := s.Interact(t, MessageCommand("Ask Dossier", target.Message)).Wait(waitCtx(t))
	if err != nil || r.Original.Content != "target: what about Iran?" {
		t.Errorf("Wait() = %+v, %v; want the target's content echoed", r.Original, err)
	}
}

func TestModal(t *testing.T) {
	t.Parallel()
	modal := func(title string) *discordgo.InteractionResponse {
		return &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseModal,
			Data: &discordgo.InteractionResponseData{
				CustomID: "feedback",
				Title:    title,
				Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
					discordgo.TextInput{CustomID: "text", Label: "Your feedback", Style: discordgo.TextInputParagraph},
				}}},
			},
		}
	}
	t.Run("valid", func(t *testing.T) {
		t.Parallel()
		s := NewServer(t)
		openBot(t, s, respond(modal("Feedback")))
		r, err := s.Interact(t, SlashCommand("feedback")).Wait(waitCtx(t))
		if err != nil {
			t.Fatal(err)
		}
		if r.Type != discordgo.InteractionResponseModal || !strings.Contains(string(r.Data.Raw), `"title":"Feedback"`) || r.Original != nil {
			t.Errorf("Wait() = type %d, data %s, original %v; want a modal titled Feedback and no message", r.Type, r.Data.Raw, r.Original)
		}
		noViolations(t, s)
	})
	t.Run("title too long", func(t *testing.T) {
		t.Parallel()
		s := NewServer(t)
		result := make(chan error, 1)
		openBot(t, s, func(dg *discordgo.Session, ic *discordgo.InteractionCreate) {
			result <- dg.InteractionRespond(ic.Interaction, modal(strings.Repeat("t", 46)))
		})
		s.Interact(t, SlashCommand("feedback"))
		wantRESTError(t, await(t, result, "the modal callback"), http.StatusBadRequest, 50035)
		wantViolation(t, s, "data.title")
	})
}

func TestEphemeralDeferral(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	dg := openBot(t, s, func(dg *discordgo.Session, ic *discordgo.InteractionCreate) {
		dg.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral},
		})
		answer := "only you can see this"
		dg.InteractionResponseEdit(ic.Interaction, &discordgo.WebhookEdit{Content: &answer, AllowedMentions: quiet()})
	})
	r, err := s.Interact(t, SlashCommand("ask")).Wait(waitCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if r.Original.Flags != discordgo.MessageFlagsEphemeral {
		t.Errorf("Original.Flags = %d, want ephemeral only", r.Original.Flags)
	}
	_, err = dg.ChannelMessage(s.ChannelID(), r.Original.ID)
	wantRESTError(t, err, http.StatusNotFound, 10008)
	noViolations(t, s)
}
