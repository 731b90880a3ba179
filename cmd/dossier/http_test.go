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
	srv := httptest.NewServer(opsHandler(ready, newTelemetry().reg, nil, slog.New(slog.DiscardHandler)))
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
	srv := httptest.NewServer(opsHandler(ready, newTelemetry().reg, nil, slog.New(slog.DiscardHandler)))
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
