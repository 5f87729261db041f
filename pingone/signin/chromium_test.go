package signin

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/pkcedesk/pkcedesk/pingone/sandbox/sandboxtest"
)

// TestBrowser_Chromium_EndToEnd signs in with a real Chromium. Its redirect URI has the
// app's form (http://localhost:PORT/callback) on a free port rather than 3000, which a
// developer's own server may hold: PingOne and the sandbox accept any port on a loopback
// redirect (RFC 8252 §7.3).
func TestBrowser_Chromium_EndToEnd(t *testing.T) {
	noLeaks(t)
	path := sandboxtest.ChromiumPath(t)
	redirect, port := freeRedirect(t)
	e := startSandbox(t, redirect)
	c := e.client(t)

	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	defer cancelAlloc()
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()
	// Start the browser before the sign-in so its start-up time does not count.
	if err := chromedp.Do(browserCtx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}

	type outcome struct {
		location string
		heading  string
		err      error
	}
	browserDone := make(chan outcome, 1)
	open := func(authURL string) error {
		go func() {
			stepCtx, cancel := context.WithTimeout(browserCtx, 60*time.Second)
			defer cancel()
			err := chromedp.Do(stepCtx,
				chromedp.Navigate(authURL),
				chromedp.WaitVisible(chromedp.CSS("#username")),
				chromedp.SendKeys(chromedp.CSS("#username"), e.info.User.Username),
				chromedp.SendKeys(chromedp.CSS("#password"), canaryPassword),
				chromedp.Click(chromedp.CSS("#signin")),
			)
			if err != nil {
				browserDone <- outcome{err: err}
				return
			}
			// The click starts a chain of redirects (resume → callback → /done); a poll
			// running while the page navigates is aborted, so poll again until /done.
			for {
				_, err := chromedp.Run(stepCtx, chromedp.Poll[bool](`location.pathname === "/done" && document.readyState === "complete"`))
				if err == nil {
					break
				}
				if stepCtx.Err() != nil {
					browserDone <- outcome{err: err}
					return
				}
			}
			loc, err := chromedp.Run(stepCtx, chromedp.Location())
			if err != nil {
				browserDone <- outcome{err: err}
				return
			}
			h, err := chromedp.Run(stepCtx, chromedp.Text(chromedp.CSS("body")))
			browserDone <- outcome{location: loc, heading: h, err: err}
		}()
		return nil
	}

	res, err := c.SignInBrowser(waitCtx(t, 90*time.Second), BrowserOptions{OpenBrowser: open, Timeout: 90 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	var out outcome
	select {
	case out = <-browserDone:
	case <-time.After(60 * time.Second):
		t.Fatal("Chromium did not reach /done")
	}
	if out.err != nil {
		t.Fatalf("Chromium: %v", out.err)
	}
	if !strings.HasPrefix(out.location, fmt.Sprintf("http://localhost:%d/done", port)) {
		t.Fatalf("browser ended at %q", out.location)
	}
	// The code left the address bar (303 to /done), and the page says nothing secret.
	if strings.Contains(out.location, "code=") || !strings.Contains(out.heading, "PKCE Desk") {
		t.Fatalf("done page: %q at %q", out.heading, out.location)
	}
	if !res.IDToken.OK() || res.Subject == "" {
		t.Fatal("tokens not verified")
	}
	assertNoSecret(t, "done page", out.heading, canaryPassword, res.Tokens.AccessToken)

	cancelBrowser()
	cancelAlloc()
	assertPortFree(t, port)
}
