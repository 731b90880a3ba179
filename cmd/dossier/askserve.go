package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// serverAskTimeout bounds asking a running server for what its state
// holds: within its HTTP server's 30-second write timeout.
const serverAskTimeout = 25 * time.Second

// serverAsk is a question to the dossier serve holding the data folder's
// state (locked, so that the command asking cannot open it), over its
// HTTP server at DOSSIER_HTTP_ADDR, for dossier digest and dossier cite.
type serverAsk struct {
	addr   string
	src    *sources
	locked *inUseError
	// own is the data folder's state file, which the server must be the
	// one holding.
	own string
	// command asks ("dossier digest"); what it asks for ("the digest");
	// kept, what the state keeps ("digests"); token, what the server
	// refused ("digest token").
	command, what, kept, token string
	limit                      int64
}

// serverAnswer is the answer of the server holding the data folder's
// state: what its status means is the caller's to say.
type serverAnswer struct {
	url    string
	status int
	body   []byte
	// unexpected is the error for a status the caller does not expect.
	unexpected error
}

// get asks the server for path?query with the data folder's token. It
// fails, saying what holds the data folder and what to do, when no
// server answers, or the one that does refuses the token or holds
// another state.
func (a serverAsk) get(ctx context.Context, path string, query url.Values) (serverAnswer, error) {
	hint := fmt.Sprintf("stop it, or, if it is dossier serve, set %s_HTTP_ADDR to the address of its HTTP server so that %s can ask it", envPrefix, a.command)
	if a.addr == "" {
		return serverAnswer{}, fmt.Errorf("%w: %s", a.locked, hint)
	}
	u := (&url.URL{Scheme: "http", Host: localAddr(a.addr), Path: path, RawQuery: query.Encode()}).String()
	ctx, cancel := context.WithTimeout(ctx, serverAskTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return serverAnswer{}, fmt.Errorf("ask the running server for %s at %s: %w", a.what, u, err)
	}
	req.Header.Set("Authorization", "Bearer "+readDigestToken(a.src.data))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the URL again
		}
		return serverAnswer{}, fmt.Errorf("%w, and no dossier serve answered at %s (%v): %s", a.locked, u, err, hint)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, a.limit))
	if err != nil {
		return serverAnswer{}, fmt.Errorf("read %s from %s: %w", a.what, u, err)
	}
	if resp.StatusCode == http.StatusForbidden {
		return serverAnswer{}, fmt.Errorf("%w, and the dossier serve at %s does not hold %s: it refused its %s (%s): %s", a.locked, u, a.src.data, a.token, digestTokenFile, hint)
	}
	if held := resp.Header.Get(stateHeader); held != "" && !samePath(held, a.own) {
		return serverAnswer{}, fmt.Errorf("%w, and the dossier serve at %s keeps its %s in %s, not %s: %s", a.locked, u, a.kept, held, a.own, hint)
	}
	return serverAnswer{url: u, status: resp.StatusCode, body: body,
		unexpected: fmt.Errorf("%w, and the dossier serve at %s answered %s: %s", a.locked, u, resp.Status, strings.TrimSpace(string(body)))}, nil
}
