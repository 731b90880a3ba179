// Package fetch downloads a document from a link someone gave, safely:
// http and https only, a bounded size, time and number of redirects, a
// content type the caller can read, and never an address inside the
// network Dossier runs in (loopback, private, link-local, cloud metadata)
// unless the team allows private addresses for its intranet.
//
// Addresses are checked on the connection actually dialled, after DNS, so
// a name that resolves to a private address, a redirect to one, and a DNS
// answer that changes between a check and the dial (DNS rebinding) are
// all refused alike.
package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"path"
	"strings"
	"syscall"
	"time"

	"github.com/dossier-bot/dossier/corpus"
)

// Limits of a fetch, unless Options say otherwise.
const (
	DefaultMaxBytes     = 10 << 20
	DefaultTimeout      = 20 * time.Second
	DefaultMaxRedirects = 5
)

// Options tune a Client. The zero value is ready to use.
type Options struct {
	// AllowPrivate lets links reach loopback and private addresses, for a
	// team's intranet. Link-local and cloud metadata addresses stay
	// refused: no intranet page lives there, and credentials do.
	AllowPrivate bool
	// Types are the media types accepted ("text/html", "application/pdf");
	// empty accepts any.
	Types []string
	// MaxBytes (default 10 MiB), Timeout for the whole fetch, body
	// included (default 20 s), and MaxRedirects (default 5).
	MaxBytes     int64
	Timeout      time.Duration
	MaxRedirects int
	// UserAgent is sent with every request; empty sends Dossier's.
	UserAgent string
}

// Client fetches documents. It is safe for concurrent use.
type Client struct {
	opts Options
	http *http.Client
}

// Document is what a fetch brought back.
type Document struct {
	// URL is where the document was found, after redirects.
	URL string
	// ContentType is its media type without parameters, as the server
	// named it or, when the server said only application/octet-stream,
	// as its first bytes show.
	ContentType string
	// Name is a file name for it: from Content-Disposition, else the last
	// element of the URL's path; may be empty.
	Name string
	Data []byte
}

// Errors a fetch can fail with, for errors.Is; the error's text says more.
var (
	ErrScheme    = errors.New("only http and https links can be fetched")
	ErrBlocked   = errors.New("the address is inside a private network")
	ErrTooLarge  = errors.New("the document is too large")
	ErrRedirects = errors.New("too many redirects")
	ErrType      = errors.New("not a kind of document that can be read")
	ErrTimeout   = errors.New("the server took too long")
	ErrStatus    = errors.New("the server did not return the document")
)

// New returns a Client with opts.
func New(opts Options) *Client {
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.MaxRedirects <= 0 {
		opts.MaxRedirects = DefaultMaxRedirects
	}
	if opts.UserAgent == "" {
		opts.UserAgent = "Dossier (+https://github.com/dossier-bot/dossier)"
	}
	dialer := &net.Dialer{
		Timeout: opts.Timeout,
		Control: func(network, address string, _ syscall.RawConn) error {
			return checkDial(network, address, opts.AllowPrivate)
		},
	}
	transport := &http.Transport{
		// No proxy: the address checked must be the server's own, and a
		// proxy would make the dial the proxy's.
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		TLSHandshakeTimeout:   opts.Timeout,
		ResponseHeaderTimeout: opts.Timeout,
		MaxIdleConns:          4,
		IdleConnTimeout:       30 * time.Second,
	}
	c := &Client{opts: opts}
	c.http = &http.Client{
		Transport: transport,
		Timeout:   opts.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > opts.MaxRedirects {
				return fmt.Errorf("%w: more than %d", ErrRedirects, opts.MaxRedirects)
			}
			return checkURL(req.URL)
		},
	}
	return c
}

// Get fetches rawURL.
func (c *Client) Get(ctx context.Context, rawURL string) (*Document, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		return nil, fmt.Errorf("fetch %q: not a link: %w", rawURL, err)
	}
	if err := checkURL(u); err != nil {
		return nil, fmt.Errorf("fetch %s: %w", redacted(u), err)
	}
	doc, err := c.get(ctx, u)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", redacted(u), err)
	}
	return doc, nil
}

func (c *Client) get(ctx context.Context, u *url.URL) (*Document, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", c.opts.UserAgent)
	if len(c.opts.Types) > 0 {
		req.Header.Set("Accept", strings.Join(c.opts.Types, ", ")+";q=0.9, */*;q=0.1")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, explain(err, c.opts.Timeout)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, fmt.Errorf("%w: HTTP %s", ErrStatus, resp.Status)
	}
	if resp.ContentLength > c.opts.MaxBytes {
		return nil, fmt.Errorf("%w: %d bytes, more than the %d allowed", ErrTooLarge, resp.ContentLength, c.opts.MaxBytes)
	}
	declared, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	declared = strings.ToLower(declared)
	if declared != "" && !corpus.GenericMediaType(declared) && !c.accepts(declared) {
		return nil, fmt.Errorf("%w: the server says it is %s", ErrType, declared)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.opts.MaxBytes+1))
	if err != nil {
		return nil, explain(err, c.opts.Timeout)
	}
	if int64(len(data)) > c.opts.MaxBytes {
		return nil, fmt.Errorf("%w: more than the %d bytes allowed", ErrTooLarge, c.opts.MaxBytes)
	}
	typ := declared
	if typ == "" || corpus.GenericMediaType(typ) {
		typ, _, _ = mime.ParseMediaType(http.DetectContentType(data))
		if !c.accepts(typ) {
			return nil, fmt.Errorf("%w: it looks like %s", ErrType, typ)
		}
	}
	return &Document{URL: resp.Request.URL.String(), ContentType: typ, Name: fileName(resp), Data: data}, nil
}

func (c *Client) accepts(t string) bool {
	if len(c.opts.Types) == 0 {
		return true
	}
	for _, a := range c.opts.Types {
		if strings.EqualFold(a, t) {
			return true
		}
	}
	return false
}

// checkURL refuses what is not an absolute http or https link, and links
// carrying a user name or password, which would end up in front matter.
func checkURL(u *url.URL) error {
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("%w, not %q", ErrScheme, u.Scheme)
	case u.Host == "":
		return fmt.Errorf("%w: the link names no server", ErrScheme)
	case u.User != nil:
		return fmt.Errorf("%w: links with a user name or password are not fetched", ErrScheme)
	}
	return nil
}

// explain turns the transport's errors into ours where one fits, keeping
// the original wrapped.
func explain(err error, timeout time.Duration) error {
	var ne net.Error
	switch {
	case errors.Is(err, ErrBlocked):
		// Without net's "dial tcp ADDR:" before ours, which names the
		// address already.
		var op *net.OpError
		if errors.As(err, &op) {
			return op.Err
		}
		return unwrapURL(err)
	case errors.Is(err, ErrRedirects), errors.Is(err, ErrScheme):
		return unwrapURL(err)
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return fmt.Errorf("%w (more than %s)", ErrTimeout, timeout)
	}
	return unwrapURL(err)
}

// unwrapURL drops url.Error's "Get \"…\":" prefix: Get names the link
// already, redacted.
func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// redacted is u for messages, without its query, which may hold a token
// (Discord's CDN links do).
func redacted(u *url.URL) string {
	r := *u
	r.User, r.RawQuery, r.ForceQuery, r.Fragment = nil, "", false, ""
	return r.String()
}

// fileName is the name the server gives the document, or the last
// element of its URL's path.
func fileName(resp *http.Response) string {
	if _, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err == nil {
		if n := path.Base(strings.ReplaceAll(params["filename"], `\`, "/")); n != "." && n != "/" {
			return n
		}
	}
	if n := path.Base(resp.Request.URL.Path); n != "." && n != "/" {
		return n
	}
	return ""
}
