package bot

import (
	"errors"
	"fmt"
	"runtime/debug"

	"github.com/bwmarrin/discordgo"
)

// A bug answering one interaction must neither take the bot down for
// everyone nor leave the asker with Discord's bare "The application did not
// respond": the panic is logged once, with its stack, and the asker is told
// in the usual short, private way.

// panicError is a panic recovered while answering, as an error.
type panicError struct {
	value any
	stack []byte
}

func (e *panicError) Error() string { return fmt.Sprintf("panic: %v", e.value) }

// safely runs f, turning a panic in it into a *panicError, so the work
// between an acknowledgement and its answer fails like any other error.
func safely(f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &panicError{value: p, stack: debug.Stack()}
		}
	}()
	return f()
}

// stackOf is the log attribute holding the stack of a recovered panic in
// err, if there is one.
func stackOf(err error) []any {
	var pe *panicError
	if errors.As(err, &pe) {
		return []any{"stack", string(pe.stack)}
	}
	return nil
}

// recovered handles a panic that escaped a handler, from handle's
// deferred call. An interaction not acknowledged yet gets an apology (for
// autocomplete, no choices: it cannot show a message); one acknowledged
// already was last touched by code that answers its own errors.
func (b *Bot) recovered(i *discordgo.Interaction, p any) {
	b.log.Error("answering an interaction panicked", "interaction", i.ID, "panic", p, "stack", string(debug.Stack()))
	if b.acknowledged(i.ID) {
		return
	}
	if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
		err := b.initial(i, &discordgo.InteractionResponse{
			Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{}, AllowedMentions: noMentions()},
		})
		if err != nil {
			b.fail("offer autocomplete choices", i, err)
		}
		return
	}
	b.respond(i, text(msgFailed), true)
}

// acknowledged reports whether i's initial response was sent.
func (b *Bot) acknowledged(id string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.acked[id]
}

func (b *Bot) setAcknowledged(id string, acked bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if acked {
		b.acked[id] = true
	} else {
		delete(b.acked, id)
	}
}
