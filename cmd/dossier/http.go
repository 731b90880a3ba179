package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// HTTPSettings is the address of serve's HTTP server, which healthcheck
// needs too.
type HTTPSettings struct {
	HTTPAddr string `envconfig:"HTTP_ADDR" default:":8080" desc:"address of the HTTP server for /healthz, /readyz, /metrics, /interactions and /digest (default :8080)"`
}

// readiness is what /readyz reports: ready while every condition holds.
type readiness struct {
	mu    sync.Mutex
	conds []condition
}

// condition says why the server is not ready, or "" when it holds.
type condition func() string

// require adds a condition that holds while holds does, unmet being what
// /readyz says otherwise; holds must be safe to call from any goroutine.
func (r *readiness) require(unmet string, holds func() bool) {
	r.requireWhy(func() string {
		if holds() {
			return ""
		}
		return unmet
	})
}

// requireWhy adds a condition that says why it does not hold, "" when it
// does; why must be safe to call from any goroutine.
func (r *readiness) requireWhy(why func() string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.conds = append(r.conds, why)
}

// failing says what keeps the server from being ready.
func (r *readiness) failing() []string {
	r.mu.Lock()
	conds := r.conds
	r.mu.Unlock()
	var out []string
	for _, why := range conds {
		if s := why(); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// opsHandler routes /healthz, /readyz and /metrics, /interactions when
// interactions is not nil, and GET /digest, for dossier digest, when
// digest is not nil.
func opsHandler(ready *readiness, reg *prometheus.Registry, interactions, digest http.Handler, log *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		// Alive is all it says: a process that answers HTTP is not stuck.
		// Whether it can serve questions is /readyz's business.
		writeText(w, http.StatusOK, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if failing := ready.failing(); len(failing) > 0 {
			writeText(w, http.StatusServiceUnavailable, "not ready: "+strings.Join(failing, "; "))
			return
		}
		writeText(w, http.StatusOK, "ready")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelError),
		Registry: reg, // counts its own scrape errors
	}))
	if interactions != nil {
		mux.Handle("/interactions", interactions)
	}
	if digest != nil {
		mux.Handle("GET /digest", digest)
	}
	return mux
}

func writeText(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	fmt.Fprintln(w, msg)
}

// shutdownTimeout bounds stopping the HTTP server. With the bot's 1 s to
// disconnect from the gateway and 6 s to drain, serve stops within the
// 10 seconds a service manager waits after SIGTERM.
const shutdownTimeout = 2 * time.Second

// httpServer is serve's HTTP server, listening from the start so that
// probes answer while the index is being built.
type httpServer struct {
	srv    *http.Server
	addr   net.Addr
	served chan error
	once   sync.Once
	err    error
}

// listen binds addr and serves h on it in the background.
func listen(addr string, h http.Handler, log *slog.Logger) (*httpServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s (%s_HTTP_ADDR): %w", addr, envPrefix, err)
	}
	s := &httpServer{
		srv: &http.Server{
			Handler:           h,
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       30 * time.Second,
			WriteTimeout:      30 * time.Second,
			IdleTimeout:       2 * time.Minute,
			MaxHeaderBytes:    64 << 10,
			ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		},
		addr:   ln.Addr(),
		served: make(chan error, 1),
	}
	go func() { s.served <- s.srv.Serve(ln) }()
	return s, nil
}

// url is the server's base address, as a client on this machine reaches it.
func (s *httpServer) url() string {
	return "http://" + localAddr(s.addr.String())
}

// close stops accepting connections and waits, at most shutdownTimeout,
// for the requests being answered. It is safe to call more than once.
func (s *httpServer) close() error {
	s.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		if err := s.srv.Shutdown(ctx); err != nil {
			s.srv.Close()
			s.err = fmt.Errorf("stop the http server on %s: %w", s.addr, err)
			return
		}
		if err := <-s.served; !errors.Is(err, http.ErrServerClosed) {
			s.err = fmt.Errorf("serve http on %s: %w", s.addr, err)
		}
	})
	return s.err
}

// localAddr turns a listening address into one to connect to: a wildcard
// or missing host becomes the loopback address.
func localAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}
