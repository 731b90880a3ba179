package main

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestLocalAddr(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]string{
		":8080":          "127.0.0.1:8080",
		"0.0.0.0:9000":   "127.0.0.1:9000",
		"[::]:8080":      "127.0.0.1:8080",
		"10.1.2.3:8080":  "10.1.2.3:8080",
		"[::1]:8080":     "[::1]:8080",
		"localhost:8080": "localhost:8080",
	} {
		if got := localAddr(addr); got != want {
			t.Errorf("localAddr(%q) = %q, want %q", addr, got, want)
		}
	}
}

func TestReadinessTransitions(t *testing.T) {
	t.Parallel()
	var indexOpen, connected atomic.Bool
	ready := &readiness{}
	ready.require("index not open yet", indexOpen.Load)
	ready.require("not connected to discord", connected.Load)
	srv := httptest.NewServer(opsHandler(ready, newTelemetry().reg, nil, nil, slog.New(slog.DiscardHandler)))
	defer srv.Close()

	steps := []struct {
		index, discord bool
		status         int
		body           string
	}{
		{false, false, http.StatusServiceUnavailable, "not ready: index not open yet; not connected to discord"},
		{true, false, http.StatusServiceUnavailable, "not ready: not connected to discord"},
		{true, true, http.StatusOK, "ready"},
		{true, false, http.StatusServiceUnavailable, "not ready: not connected to discord"}, // a dropped connection
		{true, true, http.StatusOK, "ready"},
	}
	for _, s := range steps {
		indexOpen.Store(s.index)
		connected.Store(s.discord)
		for path, want := range map[string]struct {
			status int
			body   string
		}{"/readyz": {s.status, s.body}, "/healthz": {http.StatusOK, "ok"}} {
			resp, err := http.Get(srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			var body bytes.Buffer
			body.ReadFrom(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != want.status || strings.TrimSpace(body.String()) != want.body {
				t.Errorf("index %v, discord %v: GET %s = %d %q, want %d %q", s.index, s.discord, path, resp.StatusCode, body.String(), want.status, want.body)
			}
		}
	}
	if resp, err := http.Get(srv.URL + "/interactions"); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /interactions in gateway mode = %v, %v; want 404", resp, err)
	}
}

// httpAddr is an envLoader of the HTTP setting alone, for healthcheck.
func httpAddr(addr string) envLoader {
	return func(_ string, spec any) error {
		spec.(*HTTPSettings).HTTPAddr = addr
		return nil
	}
}

func TestHealthcheckCommand(t *testing.T) {
	t.Parallel()
	var up atomic.Bool
	ready := &readiness{}
	ready.require("index not open yet", up.Load)
	srv := httptest.NewServer(opsHandler(ready, newTelemetry().reg, nil, nil, slog.New(slog.DiscardHandler)))
	addr := strings.TrimPrefix(srv.URL, "http://")
	healthcheck := func(args ...string) (int, string) {
		var out bytes.Buffer
		err := run(context.Background(), append([]string{"healthcheck"}, args...), httpAddr(addr), strings.NewReader(""), &out, &out)
		code, printed := exitStatus(err)
		return code, printed + out.String()
	}
	if code, out := healthcheck(); code != 0 || !strings.Contains(out, "/healthz: ok") {
		t.Errorf("healthcheck while alive = exit %d, %q; want 0", code, out)
	}
	if code, out := healthcheck("--ready"); code != 1 || !strings.Contains(out, "503") || !strings.Contains(out, "index not open yet") {
		t.Errorf("healthcheck --ready while not ready = exit %d, %q; want 1 with the reason", code, out)
	}
	up.Store(true)
	if code, out := healthcheck("--ready"); code != 0 || !strings.Contains(out, "/readyz: ready") {
		t.Errorf("healthcheck --ready when ready = exit %d, %q; want 0", code, out)
	}
	srv.Close()
	if code, out := healthcheck(); code != 1 || !strings.Contains(out, "health check http://"+addr+"/healthz") {
		t.Errorf("healthcheck with nothing listening = exit %d, %q; want 1 naming the address", code, out)
	}
}

func TestDigestEndpointRefuses(t *testing.T) {
	t.Parallel()
	log := slog.New(slog.DiscardHandler)
	held := holdDataFolder(t, true)
	keeping := held.dg.markdownHandler(held.ix, time.Now, log)
	none := (&digests{noDigests: msgDigestsOff}).markdownHandler(held.ix, time.Now, log)
	token := "Bearer " + held.dg.token
	tests := []struct {
		name, remote, target string
		h                    http.Handler
		status               int
		want                 string
		auth                 string
	}{
		{"from another machine", "192.0.2.7:40000", "/digest", keeping, http.StatusForbidden, "on this machine only", token},
		{"without the token, through a proxy on this machine", "127.0.0.1:40000", "/digest", keeping, http.StatusForbidden, "sends the token", ""},
		{"with another token", "127.0.0.1:40000", "/digest", keeping, http.StatusForbidden, "sends the token", "Bearer " + strings.Repeat("0", 64)},
		{"a negative since", "127.0.0.1:40000", "/digest?since=-1h", keeping, http.StatusBadRequest, `since "-1h" is not a positive duration`, token},
		{"a since that is no duration", "[::1]:40000", "/digest?since=yesterday", keeping, http.StatusBadRequest, "is not a positive duration", token},
		{"a guild that is no ID", "127.0.0.1:40000", "/digest?guild=my-server", keeping, http.StatusBadRequest, `guild "my-server" is not a numeric`, token},
		{"an instance without the digests", "127.0.0.1:40000", "/digest", none, http.StatusServiceUnavailable, "keeps no digests", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(http.MethodGet, tt.target, nil)
			r.RemoteAddr = tt.remote
			r.Header.Set("Authorization", tt.auth)
			w := httptest.NewRecorder()
			opsHandler(&readiness{}, newTelemetry().reg, nil, tt.h, log).ServeHTTP(w, r)
			if w.Code != tt.status || !strings.Contains(w.Body.String(), tt.want) {
				t.Errorf("GET %s from %s = %d %q, want %d %q", tt.target, tt.remote, w.Code, w.Body.String(), tt.status, tt.want)
			}
		})
	}
	t.Run("served", func(t *testing.T) {
		t.Parallel()
		r := httptest.NewRequest(http.MethodGet, "/digest?guild=111", nil)
		r.RemoteAddr = "127.0.0.1:40000"
		r.Header.Set("Authorization", token)
		w := httptest.NewRecorder()
		keeping.ServeHTTP(w, r)
		if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "text/markdown; charset=utf-8" ||
			w.Header().Get(stateHeader) != held.dg.stateName || !strings.HasPrefix(w.Body.String(), "# Dossier digest") {
			t.Errorf("GET /digest = %d %v %q, want 200, Markdown, and the state file named", w.Code, w.Header(), w.Body.String())
		}
	})
	t.Run("not without a handler", func(t *testing.T) {
		t.Parallel()
		w := httptest.NewRecorder()
		opsHandler(&readiness{}, newTelemetry().reg, nil, nil, log).ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/digest", nil))
		if w.Code != http.StatusNotFound {
			t.Errorf("GET /digest without a digest handler = %d, want 404", w.Code)
		}
	})
}
