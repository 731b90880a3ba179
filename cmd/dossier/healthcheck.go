package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

const healthcheckAbout = `Asks a running "dossier serve" on this machine whether it is alive (its
/healthz) or, with --ready, ready to answer (its /readyz), at the port of
DOSSIER_HTTP_ADDR. Exits 0 if so and 1 if not. It is the container image's
HEALTHCHECK: the image has no shell or curl.`

// healthcheckTimeout is under Docker's default health check timeout (30s)
// and the image's (5s).
const healthcheckTimeout = 3 * time.Second

func runHealthcheck(ctx context.Context, args []string, loadEnv envLoader, sio stdio) error {
	fs := newFlagSet("healthcheck", "dossier healthcheck [--ready]", healthcheckAbout)
	ready := fs.Bool("ready", false, "check /readyz instead of /healthz")
	rest, helped, err := fs.parse(args, sio.out)
	if err != nil || helped {
		return err
	}
	if len(rest) > 0 {
		return &usageError{msg: fmt.Sprintf("healthcheck takes no arguments, got %q", rest[0]), help: fs.usage()}
	}
	var cfg HTTPSettings
	if err := loadSettings(loadEnv, &cfg, fs.usage()); err != nil {
		return err
	}
	path := "/healthz"
	if *ready {
		path = "/readyz"
	}
	url := "http://" + localAddr(cfg.HTTPAddr) + path
	ctx, cancel := context.WithTimeout(ctx, healthcheckTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("health check %s: %w", url, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("health check %s: %w", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("health check %s: %s: %s", url, resp.Status, strings.TrimSpace(string(body)))
	}
	_, err = fmt.Fprintf(sio.out, "%s: %s\n", url, strings.TrimSpace(string(body)))
	return err
}
