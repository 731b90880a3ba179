package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"
)

var readable = []string{"text/html", "application/pdf", "text/markdown", "text/plain"}

const page = "<html><head><title>A page</title></head><body><p>Text.</p></body></html>"

// site is a local server with the pages the tests fetch.
func site(tb testing.TB) *httptest.Server {
	tb.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/page", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	})
	// /hop/N redirects N more times, then serves the page.
	mux.HandleFunc("/hop/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.PathValue("n"))
		if n == 0 {
			http.Redirect(w, r, "/page", http.StatusFound)
			return
		}
		http.Redirect(w, r, "/hop/"+strconv.Itoa(n-1), http.StatusMovedPermanently)
	})
	mux.HandleFunc("/to-metadata", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
	})
	mux.HandleFunc("/to-file", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte(strings.Repeat("x", 2048)))
	})
	mux.HandleFunc("/big-chunked", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		for range 4 {
			w.Write([]byte(strings.Repeat("x", 512)))
			w.(http.Flusher).Flush() // no Content-Length: the size shows only in the body
		}
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("the start, then nothing"))
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	})
	mux.HandleFunc("/image", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write([]byte("\x89PNG\r\n\x1a\n"))
	})
	mux.HandleFunc("/report", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Disposition", `attachment; filename="../Annual Report.pdf"`)
		w.Write([]byte("%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n"))
	})
	mux.HandleFunc("/zip", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write([]byte("PK\x03\x04\x14\x00\x00\x00\x08\x00"))
	})
	mux.HandleFunc("/gone", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "gone", http.StatusNotFound)
	})
	s := httptest.NewServer(mux)
	tb.Cleanup(s.Close)
	return s
}

func TestGet(t *testing.T) {
	t.Parallel()
	s := site(t)
	c := New(Options{AllowPrivate: true, Types: readable, MaxBytes: 1024, Timeout: 2 * time.Second})
	tests := []struct {
		path     string
		wantErr  error
		wantType string
		wantURL  string
		wantName string
	}{
		{path: "/page", wantType: "text/html", wantURL: "/page", wantName: "page"},
		{path: "/hop/4", wantType: "text/html", wantURL: "/page"}, // five redirects
		{path: "/hop/5", wantErr: ErrRedirects},                   // six
		{path: "/to-metadata", wantErr: ErrBlocked},
		{path: "/to-file", wantErr: ErrScheme},
		{path: "/big", wantErr: ErrTooLarge},
		{path: "/big-chunked", wantErr: ErrTooLarge},
		{path: "/image", wantErr: ErrType},
		{path: "/zip", wantErr: ErrType},
		{path: "/report", wantType: "application/pdf", wantURL: "/report", wantName: "Annual Report.pdf"},
		{path: "/gone", wantErr: ErrStatus},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			t.Parallel()
			doc, err := c.Get(context.Background(), s.URL+tt.path)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Get(%q) = %v, want %v", tt.path, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Get(%q) = %v, want the document", tt.path, err)
			}
			if doc.ContentType != tt.wantType || doc.URL != s.URL+tt.wantURL {
				t.Errorf("Get(%q) = %s at %s, want %s at %s", tt.path, doc.ContentType, doc.URL, tt.wantType, s.URL+tt.wantURL)
			}
			if tt.wantName != "" && doc.Name != tt.wantName {
				t.Errorf("Get(%q).Name = %q, want %q", tt.path, doc.Name, tt.wantName)
			}
		})
	}
}

func TestGetSlowServer(t *testing.T) {
	t.Parallel()
	s := site(t)
	c := New(Options{AllowPrivate: true, Timeout: 300 * time.Millisecond})
	start := time.Now()
	_, err := c.Get(context.Background(), s.URL+"/slow")
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("Get(/slow) = %v, want %v", err, ErrTimeout)
	}
	// Generous: the point is that it does not wait the server's 10 s.
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("Get(/slow) gave up after %s, want about the 300ms timeout", took)
	}
}

func TestGetRefusesPrivateByDefault(t *testing.T) {
	t.Parallel()
	s := site(t)
	c := New(Options{Types: readable})
	for _, link := range []string{
		s.URL + "/page",
		strings.Replace(s.URL, "127.0.0.1", "localhost", 1) + "/page", // by name: checked after DNS
		strings.Replace(s.URL, "127.0.0.1", "[::ffff:127.0.0.1]", 1) + "/page",
	} {
		if doc, err := c.Get(context.Background(), link); !errors.Is(err, ErrBlocked) {
			t.Errorf("Get(%q) = %v, %v; want %v", link, doc, err, ErrBlocked)
		}
	}
}

func TestGetRefusesSchemes(t *testing.T) {
	t.Parallel()
	c := New(Options{AllowPrivate: true})
	for _, link := range []string{"file:///etc/passwd", "ftp://example.org/a", "gopher://x", "/relative", "http://user:secret@example.org/"} {
		_, err := c.Get(context.Background(), link)
		if !errors.Is(err, ErrScheme) {
			t.Errorf("Get(%q) = %v, want %v", link, err, ErrScheme)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("Get(%q) = %v, shows the password", link, err)
		}
	}
}

func TestErrorsHideQuery(t *testing.T) {
	t.Parallel()
	s := site(t)
	c := New(Options{AllowPrivate: true})
	_, err := c.Get(context.Background(), s.URL+"/gone?ex=1&hm=signature-token")
	if err == nil || strings.Contains(err.Error(), "signature-token") {
		t.Errorf("Get() = %v, want an error without the query", err)
	}
}

func TestBlocked(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ip                  string
		blocked, evenIfOpen bool
	}{
		{"93.184.215.14", false, false},
		{"2606:2800:21f:cb07:6820:80da:af6b:8b2c", false, false},
		{"127.0.0.1", true, false},
		{"127.3.4.5", true, false},
		{"::1", true, false},
		{"10.1.2.3", true, false},
		{"172.16.0.1", true, false},
		{"172.32.0.1", false, false},
		{"192.168.1.1", true, false},
		{"100.64.0.1", true, false},
		{"fd12:3456::1", true, false},
		{"::ffff:127.0.0.1", true, false},
		{"::ffff:10.0.0.1", true, false},
		{"64:ff9b::a00:1", true, false},   // NAT64 of 10.0.0.1
		{"2002:a9fe:a9fe::1", true, true}, // 6to4 of 169.254.169.254
		{"169.254.169.254", true, true},
		{"169.254.1.1", true, true},
		{"fe80::1", true, true},
		{"fd00:ec2::254", true, true},
		{"100.100.100.200", true, true},
		{"192.0.0.192", true, true},
		{"0.0.0.0", true, true},
		{"::", true, true},
		{"255.255.255.255", true, true},
		{"224.0.0.1", true, true},
	}
	for _, tt := range tests {
		ip := netip.MustParseAddr(tt.ip)
		if got := blocked(ip, false) != ""; got != tt.blocked {
			t.Errorf("blocked(%s, private refused) = %v, want %v", ip, got, tt.blocked)
		}
		if got := blocked(ip, true) != ""; got != tt.evenIfOpen {
			t.Errorf("blocked(%s, private allowed) = %v, want %v", ip, got, tt.evenIfOpen)
		}
	}
}
