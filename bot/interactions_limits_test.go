package bot_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/dossier-bot/dossier/bot"
	"github.com/dossier-bot/dossier/bot/discordtest"
)

func TestInteractionsEndpointRefusesOversizedBodies(t *testing.T) {
	t.Parallel()
	fake := discordtest.NewServer(t)
	e := serveInteractions(t, fake)
	big := bytes.Repeat([]byte("x"), bot.MaxInteractionBody+1)
	tests := []struct {
		name string
		body io.Reader
		want int
	}{
		// Refused from its Content-Length, unread.
		{"declared too large", bytes.NewReader(big), http.StatusRequestEntityTooLarge},
		// Chunked: refused once the cap is read.
		{"chunked too large", io.MultiReader(bytes.NewReader(big)), http.StatusRequestEntityTooLarge},
		// At the cap: read, then refused for its signature.
		{"at the cap", bytes.NewReader(big[1:]), http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := http.Post(e.url, "application/json", tt.body)
			if err != nil {
				t.Fatalf("POST %s: %v", tt.name, err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Errorf("POST %s = %d, want %d", tt.name, resp.StatusCode, tt.want)
			}
		})
	}
}

// TestInteractionsEndpointTakesTheLargestMessage checks the body cap
// against the largest interaction Dossier gets from Discord: Find sources
// on a message at every one of Discord's limits, written in 4-byte
// characters.
func TestInteractionsEndpointTakesTheLargestMessage(t *testing.T) {
	t.Parallel()
	fake := discordtest.NewServer(t)
	e := serveInteractions(t, fake)
	wide := func(n int) string { return strings.Repeat("𝐱", n) } // 4 bytes each
	msg := fake.UserMessage(fake.ChannelID(), delegationQuestion).Message
	msg.Content = delegationQuestion + " " + wide(4000-len(delegationQuestion)-1)
	for i := range 10 { // 10 embeds, 6,000 characters in all
		em := &discordgo.MessageEmbed{Title: wide(100), Description: wide(300), URL: "https://example.com/" + wide(100),
			Footer: &discordgo.MessageEmbedFooter{Text: wide(50)}, Author: &discordgo.MessageEmbedAuthor{Name: wide(50)},
			Image: &discordgo.MessageEmbedImage{URL: "https://example.com/" + wide(60), ProxyURL: "https://media.discordapp.net/" + wide(60)}}
		for range 10 {
			em.Fields = append(em.Fields, &discordgo.MessageEmbedField{Name: wide(5), Value: wide(5)})
		}
		msg.Embeds = append(msg.Embeds, em)
		msg.Attachments = append(msg.Attachments, &discordgo.MessageAttachment{ID: fmt.Sprint(i + 1), Filename: wide(60) + ".pdf",
			URL: "https://cdn.discordapp.com/attachments/1/2/" + wide(60), ProxyURL: "https://media.discordapp.net/attachments/1/2/" + wide(60)})
		msg.Mentions = append(msg.Mentions, &discordgo.User{ID: fmt.Sprint(1000 + i), Username: wide(32), GlobalName: wide(32)})
	}
	for range 5 { // 5 rows of 5 link buttons
		row := discordgo.ActionsRow{}
		for range 5 {
			row.Components = append(row.Components, discordgo.Button{Label: wide(80), Style: discordgo.LinkButton, URL: "https://example.com/" + wide(120)})
		}
		msg.Components = append(msg.Components, row)
	}
	in := fake.Post(t, e.url, e.key, discordtest.MessageCommand("Find sources", msg))
	r := wait(t, in)
	if r.Original == nil || len(r.Original.Embeds) == 0 {
		t.Fatalf("Find sources on the largest message = %+v, want an answer", r)
	}
	if n := len(in.Wire()); n < bot.MaxInteractionBody/3 || n > bot.MaxInteractionBody {
		t.Errorf("the largest interaction is %d bytes, want between a third of the cap and the cap (%d)", n, bot.MaxInteractionBody)
	} else {
		t.Logf("the largest interaction is %d bytes; the cap is %d", n, bot.MaxInteractionBody)
	}
}

// TestInteractionsEndpointBoundsBodyReads sends many unsigned bodies at
// once, each all but its last byte, as a client trying to exhaust memory
// would, with a forged signature: only MaxBodyReads are read at a time, the rest are turned away
// with 503, and the heap stays within what those reads can hold.
func TestInteractionsEndpointBoundsBodyReads(t *testing.T) {
	// Not parallel: the heap is measured.
	fake := discordtest.NewServer(t)
	e := serveInteractions(t, fake)
	u, err := url.Parse(e.url)
	if err != nil {
		t.Fatal(err)
	}
	const conns = 8 * bot.MaxBodyReads
	size := bot.MaxInteractionBody
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	type outcome struct {
		status int
		err    error
	}
	outcomes := make(chan outcome, conns)
	var open []net.Conn
	t.Cleanup(func() {
		for _, c := range open {
			c.Close()
		}
	})
	body := bytes.Repeat([]byte("x"), size-1)
	for range conns {
		c, err := net.Dial("tcp", u.Host)
		if err != nil {
			t.Fatalf("dial %s: %v", u.Host, err)
		}
		open = append(open, c)
		go func() {
			// A signature of the right shape, so the body is read to check it.
			fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"+
				"X-Signature-Ed25519: %s\r\nX-Signature-Timestamp: %d\r\n\r\n", u.Path, u.Host, size, strings.Repeat("ab", 64), time.Now().Unix())
			c.Write(body)
		}()
		go func() {
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				outcomes <- outcome{err: err}
				return
			}
			resp.Body.Close()
			outcomes <- outcome{status: resp.StatusCode}
		}()
	}
	// Those without a read slot are answered within bodyReadWait; the
	// others wait for their last byte until the 3-second read deadline.
	busy := 0
	timeout := time.After(2500 * time.Millisecond)
wait:
	for busy < conns-bot.MaxBodyReads {
		select {
		case o := <-outcomes:
			switch o.status {
			case http.StatusServiceUnavailable:
				busy++
			case http.StatusBadRequest:
				// A read slot held past its deadline, on a slow machine.
			default:
				t.Fatalf("an unfinished body was answered %d (%v), want 503, 400 or nothing yet", o.status, o.err)
			}
		case <-timeout:
			break wait
		}
	}
	runtime.GC()
	var during runtime.MemStats
	runtime.ReadMemStats(&during)
	if busy < conns/2 {
		t.Errorf("%d of %d unfinished bodies were turned away with 503 while the rest were read; want %d", busy, conns, conns-bot.MaxBodyReads)
	}
	// Each read holds a buffer of the body's size; allow twice that, and
	// 16 MiB for the connections and everything else.
	grew := int64(during.HeapInuse) - int64(before.HeapInuse)
	if limit := int64(2*bot.MaxBodyReads*size + 16<<20); grew > limit {
		t.Errorf("heap grew %d MiB with %d unsigned bodies in flight, want at most %d MiB", grew>>20, conns, limit>>20)
	}
	t.Logf("heap grew %.1f MiB with %d bodies in flight; %d turned away", float64(grew)/(1<<20), conns, busy)
	var wg sync.WaitGroup
	for _, c := range open {
		wg.Go(func() { c.Close() })
	}
	wg.Wait()
	open = nil
}
