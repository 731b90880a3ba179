package citepage

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"net/http/httptest"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/dossier-bot/dossier/bot/state"
	"github.com/dossier-bot/dossier/corpus"
)

var screenshots = flag.Bool("screenshots", false, "write screenshots of a citation page into docs/")

// browser starts headless Chromium for the test, or skips it when there
// is none, except in CI, where a missing browser is a failure.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed: .ci/run installs it with apt-get install -y chromium")
		}
		t.Skip("chromium is not installed (apt-get install -y chromium): skipping the browser tests")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		// Root in a container has no user namespace to sandbox in.
		chromedp.NoSandbox,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	t.Cleanup(cancel)
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelCtx := chromedp.NewContext(ctx)
	t.Cleanup(cancelCtx)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium %s: %v", path, err)
	}
	return ctx
}

// tab opens a new tab of the browser; it closes when the test ends.
func tab(t *testing.T, browser context.Context) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	return ctx
}

// box is where an element is drawn, and the viewport's height.
type box struct {
	Top, Bottom, Viewport, ScrollY float64
	Background                     string
}

const boxOf = `(() => {
	const e = document.getElementById(%q);
	const r = e.getBoundingClientRect();
	return {Top: r.top, Bottom: r.bottom, Viewport: window.innerHeight, ScrollY: window.scrollY,
		Background: getComputedStyle(e).backgroundColor};
})()`

func TestPageInBrowser(t *testing.T) {
	t.Parallel()
	f := newFixture(t, map[string]string{
		"keepers.md": longArticle("Keepers of the Harbor Light", keeperLine),
		"hostile.md": hostileDocument,
	})
	id, _ := f.show(t, "Who was the last keeper of the harbor light?", t0)
	hostileKept := hostile
	ids, err := f.st.RecordCitations(state.Shown{At: t0}, []state.KeptCitation{hostileKept})
	if err != nil {
		t.Fatal(err)
	}
	hostileID, hr := f.show(t, "What does the hostile document say about the breakwater pumps?", t0)
	if hr.Doc.ID != "hostile" {
		t.Fatalf("the question about the pumps found %q, want the hostile document", hr.Doc.ID)
	}
	b := browser(t)

	for _, size := range []struct {
		name          string
		width, height int64
		dark          bool
	}{
		{"phone, dark", 390, 844, true},
		{"desktop, light", 1280, 800, false},
	} {
		t.Run("cited passage in view, "+size.name, func(t *testing.T) {
			ctx := tab(t, b)
			scheme := "light"
			if size.dark {
				scheme = "dark"
			}
			if err := chromedp.Do(ctx,
				chromedp.EmulateViewport(size.width, size.height),
				chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
					_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
						Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
					})
					return err
				}),
				chromedp.Navigate(f.srv.URL+Path(f.secret, id)),
			); err != nil {
				t.Fatal(err)
			}
			got, err := chromedp.Run(ctx, chromedp.Evaluate[box](sprintf(boxOf, Anchor)))
			if err != nil {
				t.Fatal(err)
			}
			if got.Top < 0 || got.Top >= got.Viewport || got.ScrollY == 0 {
				t.Errorf("cited passage drawn at %.0f–%.0f of a %.0f px viewport scrolled %.0f px, want it in view after scrolling", got.Top, got.Bottom, got.Viewport, got.ScrollY)
			}
			// The style sheet applied (its hash is in the policy): the
			// passage is highlighted, in the scheme asked for.
			bg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.body).backgroundColor`))
			if err != nil {
				t.Fatal(err)
			}
			wantBody := map[bool]string{false: "rgb(253, 252, 249)", true: "rgb(22, 23, 26)"}[size.dark]
			if got.Background == "rgba(0, 0, 0, 0)" || bg != wantBody {
				t.Errorf("cited passage background %s, page %s; want a highlight on %s (the style sheet blocked?)", got.Background, bg, wantBody)
			}
		})
	}

	t.Run("copy block holds the reference", func(t *testing.T) {
		ctx := tab(t, b)
		if err := chromedp.Do(ctx, chromedp.Navigate(f.srv.URL+Path(f.secret, id))); err != nil {
			t.Fatal(err)
		}
		for _, sel := range []string{"ref-markdown", "ref-plain"} {
			text, err := chromedp.Run(ctx, chromedp.Evaluate[string](sprintf(`document.getElementById(%q).textContent`, sel)))
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"Keepers of the Harbor Light", "Coastal Heritage Trust", id} {
				if !strings.Contains(text, want) {
					t.Errorf("#%s = %q, want it to hold %q", sel, text, want)
				}
			}
			// One click selects it all, to copy without a script.
			sel, err := chromedp.Run(ctx, chromedp.Evaluate[string](sprintf(`getComputedStyle(document.getElementById(%q)).userSelect`, sel)))
			if err != nil || sel != "all" {
				t.Errorf("copy block user-select = %q, %v; want all", sel, err)
			}
		}
	})

	for name, hid := range map[string]string{"hostile kept citation": ids[0], "hostile document": hostileID} {
		t.Run(name+" runs no script", func(t *testing.T) {
			ctx := tab(t, b)
			// Subscribed before loading; the iterator ends with watching.
			watching, stop := context.WithTimeout(ctx, 3*time.Second)
			defer stop()
			requests := chromedp.Events(watching, network.RequestWillBeSent)
			var urls []string
			done := make(chan struct{})
			go func() {
				defer close(done)
				for ev, err := range requests {
					if err != nil {
						return
					}
					urls = append(urls, ev.Request.URL)
				}
			}()
			page := f.srv.URL + Path(f.secret, hid)
			if err := chromedp.Do(ctx, chromedp.Navigate(page)); err != nil {
				t.Fatal(err)
			}
			// Give anything deferred (onload, onerror, a meta refresh) its chance.
			time.Sleep(500 * time.Millisecond)
			got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.title + "|" + (window.pwned || "") + "|" + location.href + "|" + document.querySelectorAll("script,img,iframe,svg,object,embed,link").length`))
			if err != nil {
				t.Fatal(err)
			}
			parts := strings.Split(got, "|")
			if parts[0] == "pwned" || parts[1] != "" || parts[2] != page || parts[3] != "0" {
				t.Errorf("after loading the hostile page: title %q, window.pwned %q, location %q, %s active elements; want no script run, no navigation, no element made", parts[0], parts[1], parts[2], parts[3])
			}
			stop()
			<-done
			for _, u := range urls {
				if u, _, _ := strings.Cut(u, "#"); u != strings.Split(page, "#")[0] {
					t.Errorf("hostile page requested %s", u)
				}
			}
			if len(urls) == 0 {
				t.Errorf("saw no request at all, not even the page's: the watch is broken")
			}
		})
	}
}

// TestPageScreenshots writes the README's screenshots of a page of the
// built-in corpus, light on a desktop and dark on a phone, with
// -screenshots.
func TestPageScreenshots(t *testing.T) {
	if !*screenshots {
		t.Skip("run with -screenshots to write docs/citation-page-*.png")
	}
	files := map[string]string{}
	err := fs.WalkDir(corpus.Builtin(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
			return err
		}
		b, err := fs.ReadFile(corpus.Builtin(), p)
		files[path.Base(p)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, files)
	id, r := f.show(t, "Did Iran deny the visit of the North Korean delegation led by Yun Jung Ho?", t0)
	t.Logf("citing %s: %q", r.Doc.Title, r.Excerpt)
	srv := httptest.NewServer(f.mux(Config{PublicURL: "https://dossier.example.org"}))
	defer srv.Close()
	b := browser(t)
	for _, shot := range []struct {
		name          string
		width, height int64
		scheme        string
	}{
		{"citation-page-light.png", 1000, 1250, "light"},
		{"citation-page-dark-phone.png", 390, 844, "dark"},
	} {
		ctx := tab(t, b)
		if err := chromedp.Do(ctx,
			chromedp.EmulateViewport(shot.width, shot.height),
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
					Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: shot.scheme}},
				})
				return err
			}),
			chromedp.Navigate(srv.URL+Path(f.secret, id)),
		); err != nil {
			t.Fatal(err)
		}
		if shot.scheme == "light" {
			// The top of the page: source, quote and copy block.
			if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`)); err != nil {
				t.Fatal(err)
			}
		}
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("..", "..", "docs", shot.name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// hostileDocument is a corpus document whose text tries everything.
const hostileDocument = `---
title: "Hostile <script>window.pwned='title'</script>"
publisher: "<img src=x onerror=\"window.pwned='publisher'\">"
url: https://example.org/hostile"><script>window.pwned='url'</script>
---
The breakwater pumps report <script>window.pwned='text'</script> that the pumps failed twice.

<img src="https://evil.example/pixel.png" onerror="window.pwned='img'"> The breakwater pumps were replaced in spring.

<style>body{display:none}</style> <meta http-equiv="refresh" content="0;url=https://evil.example/"> The breakwater pumps [click](javascript:window.pwned='md') now run on solar power.

<a href="javascript:window.pwned='link'" onclick="window.pwned='click'">breakwater pumps</a> <svg onload="window.pwned='svg'"></svg> <iframe src="https://evil.example/"></iframe>
`

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
