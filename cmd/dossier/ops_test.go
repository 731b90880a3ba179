package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/kelseyhightower/envconfig"

	"github.com/dossier-bot/dossier/bot/discordtest"
)

const delegationQuestion = "Who led the North Korean delegation to Tehran?"

// settingKeys lists every DOSSIER_* setting of every command, from the
// settings structs the commands load.
func settingKeys(tb testing.TB) []string {
	tb.Helper()
	var buf bytes.Buffer
	for _, spec := range []any{&serveConfig{}, &digestConfig{}, &HTTPSettings{}} {
		if err := envconfig.Usagef(envPrefix, spec, &buf, "{{range .}}{{usage_key .}}\n{{end}}"); err != nil {
			tb.Fatalf("list the settings of %T: %v", spec, err)
		}
	}
	keys := strings.Fields(buf.String())
	slices.Sort(keys)
	return slices.Compact(keys)
}

// served is a dossier serve running in-process on a fake Discord.
type served struct {
	out    *syncBuffer
	cancel context.CancelFunc
	done   chan struct{} // closed when run returned err
	err    error
}

func startServe(t *testing.T, vars map[string]string, args ...string) *served {
	t.Helper()
	serveEnv(t, vars)
	ctx, cancel := context.WithCancel(context.Background())
	s := &served{out: &syncBuffer{}, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		s.err = run(ctx, append([]string{"serve"}, args...), envconfig.Process, strings.NewReader(""), s.out, s.out)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.done:
		case <-time.After(20 * time.Second):
			t.Error("serve did not stop after its context was cancelled")
		}
	})
	return s
}

// waitOutput waits for serve to print a line matching re and returns the
// first submatch.
func (s *served) waitOutput(t *testing.T, re *regexp.Regexp) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(s.out.String()); m != nil {
			return m[1]
		}
		select {
		case <-s.done:
			t.Fatalf("serve stopped: %v\noutput:\n%s", s.err, s.out.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("serve printed nothing matching %v; output:\n%s", re, s.out.String())
	return ""
}

var opsURL = regexp.MustCompile(`metrics on (http://\S+)/healthz`)

// get returns the status and body of GET url, or status 0 when nothing
// answers.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// eventually polls GET url until it answers want, and returns the body.
func eventually(t *testing.T, url string, want int) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		status, body := get(t, url)
		if status == want {
			return body
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s = %d %q, want %d", url, status, body, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// metric is the value of one sample in Prometheus' text format, e.g.
// metric(text, `dossier_questions_total{outcome="answered"}`).
func metric(text, sample string) (float64, bool) {
	for _, line := range strings.Split(text, "\n") {
		if rest, ok := strings.CutPrefix(line, sample+" "); ok {
			v, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
			return v, err == nil
		}
	}
	return 0, false
}

// waitMetric polls /metrics until sample reaches at least min.
func waitMetric(t *testing.T, base, sample string, min float64) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, text := get(t, base+"/metrics")
		if v, ok := metric(text, sample); ok && v >= min {
			return text
		}
		if time.Now().After(deadline) {
			t.Fatalf("/metrics never had %s >= %v:\n%s", sample, min, text)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestServeHealthReadinessAndMetrics(t *testing.T) {
	fake := discordtest.NewServer(t)
	s := startServe(t, map[string]string{
		"DOSSIER_DISCORD_TOKEN":    fake.Token(),
		"DOSSIER_DISCORD_API":      fake.APIURL(),
		"DOSSIER_DISCORD_GUILD_ID": fake.GuildID(),
		"DOSSIER_DATA":             t.TempDir(),
		"DOSSIER_LOG_LEVEL":        "DEBUG",
	})
	base := s.waitOutput(t, opsURL)
	if body := eventually(t, base+"/healthz", http.StatusOK); strings.TrimSpace(body) != "ok" {
		t.Errorf("/healthz = %q, want ok", body)
	}
	if body := eventually(t, base+"/readyz", http.StatusOK); strings.TrimSpace(body) != "ready" {
		t.Errorf("/readyz = %q, want ready", body)
	}

	r, err := fake.Interact(t, discordtest.SlashCommand("ask", discordtest.StringOption("question", delegationQuestion))).Wait(waitContext(t))
	if err != nil || !quotesYun(r.Original) {
		t.Fatalf("/ask = %+v, %v; want the delegation's leader quoted", r.Original, err)
	}
	text := waitMetric(t, base, `dossier_questions_total{outcome="answered"}`, 1)
	for sample, want := range map[string]float64{
		`dossier_questions_total{outcome="answered"}`: 1,
		`dossier_questions_total{outcome="failed"}`:   0,
		"dossier_answer_duration_seconds_count":       1,
		"dossier_documents_indexed":                   4,
		"dossier_discord_rate_limit_waits_total":      0,
		"dossier_digests_posted_total":                0,
	} {
		if got, ok := metric(text, sample); !ok || got != want {
			t.Errorf("/metrics %s = %v (found %v), want %v", sample, got, ok, want)
		}
	}
	if n, _ := metric(text, "dossier_passages_indexed"); n < 4 {
		t.Errorf("dossier_passages_indexed = %v, want at least one passage a document", n)
	}
	for _, name := range []string{"go_goroutines", "process_resident_memory_bytes", "dossier_answer_duration_seconds_bucket"} {
		if !strings.Contains(text, name) {
			t.Errorf("/metrics has no %s", name)
		}
	}

	// A 429 is waited out and counted; a missed acknowledgement is a
	// failed question and a Discord API error.
	fake.RateLimitNext(1)
	if _, err := fake.Interact(t, discordtest.SlashCommand("sources")).Wait(waitContext(t)); err != nil {
		t.Fatalf("/sources after a 429: %v", err)
	}
	waitMetric(t, base, "dossier_discord_rate_limit_waits_total", 1)
	fake.SetAckDeadline(0)
	fake.Interact(t, discordtest.SlashCommand("ask", discordtest.StringOption("question", delegationQuestion)))
	waitMetric(t, base, `dossier_questions_total{outcome="failed"}`, 1)
	waitMetric(t, base, `dossier_discord_api_errors_total{operation="acknowledge"}`, 1)

	s.cancel()
	for {
		status, body := get(t, base+"/readyz")
		if status == 0 {
			break // stopped listening
		}
		if status == http.StatusOK {
			t.Fatalf("/readyz after SIGTERM = 200 %q, want 503 until the server stops", body)
		}
		time.Sleep(5 * time.Millisecond)
	}
	select {
	case <-s.done:
		if s.err != nil {
			t.Errorf("serve after cancel = %v, want nil", s.err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop within 10 s of its context ending")
	}
	checkLogs(t, s.out.String(), fake.Token())
}

// checkLogs checks the log lines are JSON (the output is no terminal)
// and hold none of the secrets.
func checkLogs(t *testing.T, out string, secrets ...string) {
	t.Helper()
	logged := 0
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "{") {
			continue
		}
		logged++
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil || rec["msg"] == nil || rec["level"] == nil {
			t.Errorf("log line %q is not a JSON record with msg and level", line)
		}
	}
	if logged == 0 {
		t.Errorf("no JSON log lines in:\n%s", out)
	}
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("serve output holds a secret (%.6s…):\n%s", s, out)
		}
	}
}

func waitContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestServeInteractionsMode(t *testing.T) {
	fake := discordtest.NewServer(t)
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	publicKey := hex.EncodeToString(pub)
	s := startServe(t, map[string]string{
		"DOSSIER_DISCORD_TOKEN":      fake.Token(),
		"DOSSIER_DISCORD_API":        fake.APIURL(),
		"DOSSIER_DISCORD_GUILD_ID":   fake.GuildID(),
		"DOSSIER_DISCORD_PUBLIC_KEY": strings.ToUpper(publicKey),
		"DOSSIER_LOG_LEVEL":          "DEBUG",
	}, "--interactions")
	base := s.waitOutput(t, opsURL)
	endpoint := s.waitOutput(t, regexp.MustCompile(`serving 4 documents on Discord at (\S+/interactions)`))
	eventually(t, base+"/readyz", http.StatusOK)

	in := fake.Post(t, endpoint, priv, discordtest.SlashCommand("ask", discordtest.StringOption("question", delegationQuestion)))
	if r := in.Response(); r.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Errorf("HTTP response = callback type %d, want 5 (deferred)", r.Type)
	}
	r, err := in.Wait(waitContext(t))
	if err != nil || !quotesYun(r.Original) {
		t.Fatalf("/ask over HTTP = %+v, %v; want the delegation's leader quoted", r.Original, err)
	}
	waitMetric(t, base, `dossier_questions_total{outcome="answered"}`, 1)

	body := []byte(`{"type":1}`)
	req, err := http.NewRequest(http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	discordtest.SignRequest(req, priv, time.Now().Add(-10*time.Minute), body)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("POST with a 10-minute-old signature = %v, %v; want 401", resp, err)
	} else {
		resp.Body.Close()
	}
	if st := fake.GatewayStats(); st.Connections != 0 {
		t.Errorf("GatewayStats() = %+v, want no gateway connection in interactions mode", st)
	}
	if v := fake.Violations(); len(v) > 0 {
		t.Errorf("Violations() = %q, want none", v)
	}
	s.cancel()
	<-s.done
	if s.err != nil {
		t.Errorf("serve after cancel = %v, want nil", s.err)
	}
	checkLogs(t, s.out.String(), fake.Token(), publicKey, strings.ToUpper(publicKey))
}

func TestServeRefusesBadOperationsSettings(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	const key = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	tests := []struct {
		name string
		vars map[string]string
		args []string
		code int
		want string
	}{
		{"interactions without a key", map[string]string{"DOSSIER_INTERACTIONS": "true"}, nil, 2, "setting DOSSIER_DISCORD_PUBLIC_KEY is required with --interactions"},
		{"--interactions without a key", nil, []string{"--interactions"}, 2, "setting DOSSIER_DISCORD_PUBLIC_KEY is required"},
		{"short key", map[string]string{"DOSSIER_DISCORD_PUBLIC_KEY": key[:62]}, []string{"--interactions"}, 2, "setting DOSSIER_DISCORD_PUBLIC_KEY is not valid"},
		{"key not hex", map[string]string{"DOSSIER_DISCORD_PUBLIC_KEY": "zz" + key[2:]}, nil, 2, "setting DOSSIER_DISCORD_PUBLIC_KEY is not valid"},
		{"interactions not a boolean", map[string]string{"DOSSIER_INTERACTIONS": "sometimes"}, nil, 2, "setting DOSSIER_INTERACTIONS is not valid"},
		{"address without a port", map[string]string{"DOSSIER_HTTP_ADDR": "localhost"}, nil, 2, "setting DOSSIER_HTTP_ADDR is not valid"},
		{"address in use", map[string]string{"DOSSIER_HTTP_ADDR": busy.Addr().String()}, nil, 1, "(DOSSIER_HTTP_ADDR)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars := map[string]string{"DOSSIER_DISCORD_TOKEN": "t0ken.secret", "DOSSIER_DISCORD_API": "http://127.0.0.1:1/api/v9"}
			for k, v := range tt.vars {
				vars[k] = v
			}
			serveEnv(t, vars)
			var out bytes.Buffer
			err := run(context.Background(), append([]string{"serve"}, tt.args...), envconfig.Process, strings.NewReader(""), &out, &out)
			code, printed := exitStatus(err)
			if code != tt.code || !strings.Contains(printed, tt.want) {
				t.Errorf("serve = exit %d, printed:\n%s\nwant exit %d and %q", code, printed, tt.code, tt.want)
			}
			if all := printed + out.String(); strings.Contains(all, "t0ken.secret") || strings.Contains(all, key[2:]) {
				t.Errorf("serve printed a secret:\n%s", all)
			}
		})
	}
}
