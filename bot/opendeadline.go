package bot

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// openDeadline bounds each connection to the gateway from its dial to
// READY. discordgo reads HELLO and READY with no deadline, so a gateway
// that accepts the websocket and then says nothing would hang Open, and
// with it the start, for ever. The deadline is set on the connection as it
// is dialled, kept through the websocket library's own deadline changes,
// and lifted once discordgo reports the session connected (its Connect
// event). Until then a read past it fails Open: Run tries again like after
// any other failure, and so do discordgo's own reconnects.
type openDeadline struct {
	timeout time.Duration
	mu      sync.Mutex
	conn    *boundedConn // the connection being opened; nil once connected
}

// dialer is base dialling through d.
func (d *openDeadline) dialer(base *websocket.Dialer) *websocket.Dialer {
	if base == nil {
		base = websocket.DefaultDialer
	}
	dl := *base
	dial := dl.NetDialContext
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	dl.NetDialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		bc := &boundedConn{Conn: c, until: time.Now().Add(d.timeout)}
		if err := c.SetDeadline(bc.until); err != nil {
			c.Close()
			return nil, err
		}
		d.mu.Lock()
		d.conn = bc
		d.mu.Unlock()
		return bc, nil
	}
	return &dl
}

// lift ends the deadline of the connection just opened.
func (d *openDeadline) lift() {
	d.mu.Lock()
	c := d.conn
	d.conn = nil
	d.mu.Unlock()
	if c != nil {
		c.lift()
	}
}

// open is session.Open bounded by d, naming a try that ran out of time.
func (d *openDeadline) open(session *discordgo.Session) error {
	err := session.Open()
	if ne := net.Error(nil); errors.As(err, &ne) && ne.Timeout() {
		return fmt.Errorf("the gateway did not send HELLO and READY within %s: %w", d.timeout, err)
	}
	return err
}

// boundedConn is a connection whose deadlines cannot go past until, while
// until is set: the websocket library clears them after its handshake.
type boundedConn struct {
	net.Conn
	mu    sync.Mutex
	until time.Time // zero once lifted
}

func (c *boundedConn) bound(t time.Time) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.until.IsZero() && (t.IsZero() || t.After(c.until)) {
		return c.until
	}
	return t
}

func (c *boundedConn) SetDeadline(t time.Time) error      { return c.Conn.SetDeadline(c.bound(t)) }
func (c *boundedConn) SetReadDeadline(t time.Time) error  { return c.Conn.SetReadDeadline(c.bound(t)) }
func (c *boundedConn) SetWriteDeadline(t time.Time) error { return c.Conn.SetWriteDeadline(c.bound(t)) }

// lift clears the deadlines: neither discordgo nor the websocket library
// sets any of its own once a session is open.
func (c *boundedConn) lift() {
	c.mu.Lock()
	c.until = time.Time{}
	c.mu.Unlock()
	c.Conn.SetDeadline(time.Time{})
}
