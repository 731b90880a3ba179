package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestNewSessionRejectsBadSettings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		token, api, want string
	}{
		{"", "https://discord.com/api/v9", "token is empty"},
		{"Bot  ", "https://discord.com/api/v9", "token is empty"},
		{"abc", "discord.com/api", "not an http or https URL"},
		{"abc", "ftp://discord.com/api", "not an http or https URL"},
		{"abc", "://", "not an http or https URL"},
	}
	for _, tt := range tests {
		s, err := NewSession(tt.token, tt.api)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("NewSession(%q, %q) = %v, %v; want an error saying %q", tt.token, tt.api, s, err, tt.want)
		}
	}
}

func TestSessionSendsRESTToTheAPIBase(t *testing.T) {
	t.Parallel()
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Method+" "+r.Host+" "+r.URL.RequestURI()+" "+r.Header.Get("Authorization"))
		io.WriteString(w, `{"url": "ws://127.0.0.1:1/gateway"}`)
	}))
	defer srv.Close()
	s, err := NewSession("Bot sekrit", srv.URL+"/prefix/v9/")
	if err != nil {
		t.Fatal(err)
	}
	gw, err := s.Gateway()
	if err != nil {
		t.Fatalf("Gateway() = %v", err)
	}
	if gw != "ws://127.0.0.1:1/gateway/" {
		t.Errorf("Gateway() = %q, want the fake's URL", gw)
	}
	host := strings.TrimPrefix(srv.URL, "http://")
	want := []string{"GET " + host + " /prefix/v9/gateway Bot sekrit"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("requests = %q, want %q", got, want)
	}
}

func TestRedact(t *testing.T) {
	t.Parallel()
	const token = "MTIz.bot-token.xyz"
	s, err := NewSession(token, "http://127.0.0.1:9/fake/v9")
	if err != nil {
		t.Fatal(err)
	}
	err = fmt.Errorf("send: %w", errors.New(`Patch "https://discord.com/api/v9/webhooks/42/aW50ZXJhY3Rpb24.tok-en_1/messages/@original": dial tcp: refused; `+
		`Post "https://discord.com/api/v9/interactions/43/other-token/callback": EOF; auth Bot `+token))
	got := redact(err, s).Error()
	for _, secret := range []string{token, "aW50ZXJhY3Rpb24.tok-en_1", "other-token"} {
		if strings.Contains(got, secret) {
			t.Errorf("redact() = %q, still holds %q", got, secret)
		}
	}
	if want := `"http://127.0.0.1:9/fake/v9/webhooks/42/[redacted]/messages/@original"`; !strings.Contains(got, want) {
		t.Errorf("redact() = %q, want it to name the real address as %q", got, want)
	}
	if !errors.Is(redact(err, s), err) {
		t.Errorf("redact() does not wrap the original error")
	}
	if redact(nil, s) != nil {
		t.Errorf("redact(nil) != nil")
	}
}

func TestBusyWhenAllSearchSlotsAreTaken(t *testing.T) {
	t.Parallel()
	s, err := NewSession("token", "https://discord.com/api/v9")
	if err != nil {
		t.Fatal(err)
	}
	b := New(s, nil, Options{Searches: 2, BusyWait: 10 * time.Millisecond})
	b.turns <- struct{}{}
	b.turns <- struct{}{}
	if _, err := b.ask(context.Background(), "anything", 3); !errors.Is(err, errBusy) {
		t.Errorf("ask() with every slot taken = %v, want %v", err, errBusy)
	}
}
