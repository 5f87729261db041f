package signin

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"
)

// strayQueries are callbacks any web page (an <img src=...>) or local process can send
// without knowing the attempt's state: error=access_denied without or with a wrong state,
// codes with a wrong state, and states that are the right one plus CR LF or NUL.
func strayQueries(rightState string, n int) []string {
	qs := make([]string, 0, n)
	for i := range n {
		switch i % 6 {
		case 0:
			qs = append(qs, "error=access_denied")
		case 1:
			qs = append(qs, fmt.Sprintf("error=access_denied&state=wrong-%d", i))
		case 2:
			qs = append(qs, fmt.Sprintf("code=attacker-%d&state=wrong", i))
		case 3:
			qs = append(qs, fmt.Sprintf("code=attacker-%d", i))
		case 4:
			qs = append(qs, "code=attacker&state="+url.QueryEscape(rightState)+"%0d%0a")
		case 5:
			qs = append(qs, "error=access_denied&state="+url.QueryEscape(rightState)+"%00")
		}
	}
	return qs
}

// sendStrays sends each query to the loopback callback at base and returns a description
// of every answer that was not the static 400 page.
func sendStrays(base string, queries []string) []string {
	var bad []string
	hc := rawClient()
	for _, q := range queries {
		resp, err := hc.Get(base + "/callback?" + q)
		if err != nil {
			bad = append(bad, fmt.Sprintf("%s: %v", q, err))
			continue
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || string(body) != pageBadRequest {
			bad = append(bad, fmt.Sprintf("%s: status %d", q, resp.StatusCode))
		}
	}
	return bad
}

func TestCallback_A5_FiftyStrayErrorsDoNotEndTheAttempt(t *testing.T) {
	g := newRig(t, ReceiverOptions{})
	if bad := sendStrays(g.base, strayQueries(testState, 50)); len(bad) > 0 {
		t.Fatalf("stray callbacks not refused with 400:\n%s", strings.Join(bad, "\n"))
	}
	g.expectPending()
}

// RFC 6749 Appendix A: code and state are printable ASCII (%x20-7E). A value with CR, LF,
// NUL, another control byte or non-ASCII is refused and leaves the attempt waiting, even
// when the state is right.
func TestCallback_ControlCharsInCodeOrStateAreRefused(t *testing.T) {
	g := newRig(t, ReceiverOptions{})
	st := url.QueryEscape(testState)
	for _, q := range []string{
		"code=abc%0d%0aSet-Cookie:x&state=" + st,
		"code=abc%00&state=" + st,
		"code=%1b[31m&state=" + st,
		"code=abc%7f&state=" + st,
		"code=c%C3%BCde&state=" + st,
		"code=abc&state=" + st + "%0d%0a",
		"code=abc&state=" + st + "%00",
		"code=abc&state=%0d%0a" + st,
		"error=access_denied&state=" + st + "%0a",
	} {
		if p := g.get("/callback?" + q); p.status != http.StatusBadRequest || p.body != pageBadRequest {
			t.Fatalf("%s: status %d, want 400 with the static page", q, p.status)
		}
	}
	g.expectPending()
}

func TestListenLoopback_StateMustBePrintableASCII(t *testing.T) {
	noLeaks(t)
	port := freePort(t)
	for _, st := range []string{"abc\r\n", "abc\x00", "abcü"} {
		r, err := ListenLoopback(ReceiverOptions{RedirectURI: fmt.Sprintf("http://localhost:%d/callback", port), State: st})
		if err == nil {
			r.Close()
			t.Fatalf("state %q accepted", st)
		}
	}
}

// stateOf returns the state parameter of an authorize URL ("" if it has none). It does
// not fail the test, so the fake browser's goroutine may call it.
func stateOf(authURL string) string {
	u, err := url.Parse(authURL)
	if err != nil {
		return ""
	}
	return u.Query().Get("state")
}

// End to end against the sandbox: fifty stray callbacks arrive while the attempt waits,
// then the user signs in and the attempt gets verified tokens.
func TestBrowser_A5_FiftyStrayCallbacksThenSignInSucceeds(t *testing.T) {
	noLeaks(t)
	redirect, port := freeRedirect(t)
	e := startSandbox(t, redirect)
	rec := newRecorder()
	b := newFakeBrowser(e.info.User.Username, canaryPassword)
	strays := make(chan []string, 1)
	open := func(authURL string) error {
		go func() {
			strays <- sendStrays(fmt.Sprintf("http://localhost:%d", port), strayQueries(stateOf(authURL), 50))
			b.done <- b.run(authURL)
		}()
		return nil
	}
	res, err := e.client(t).SignInBrowser(waitCtx(t, 60*time.Second), BrowserOptions{OpenBrowser: open, OnEvent: rec.on})
	if err != nil {
		t.Fatalf("sign-in after stray callbacks: %v", err)
	}
	if bad := <-strays; len(bad) > 0 {
		t.Fatalf("stray callbacks not refused with 400:\n%s", strings.Join(bad, "\n"))
	}
	if out := b.wait(t); out.err != nil || out.body != pageDone {
		t.Fatalf("browser ended at %q (%d, err %v), want the done page", out.finalURL, out.status, out.err)
	}
	if !res.IDToken.OK() || res.Subject == "" || res.Tokens.AccessToken == "" {
		t.Fatal("no verified tokens")
	}
	refusals := 0
	for _, ev := range rec.all() {
		if ev.Kind == EventCallback && ev.Status == http.StatusBadRequest {
			refusals++
		}
	}
	if refusals != 50 {
		t.Fatalf("%d refusals reported, want 50", refusals)
	}
	assertNoSecret(t, "events", rec.text(), canaryPassword, res.Tokens.AccessToken)
	assertPortFree(t, port)
}

// End to end: with the attempt's real state, codes outside printable ASCII are refused
// (never sent to the token endpoint) and the real redirect afterwards completes.
func TestBrowser_ControlCharsInCodeThenSignInSucceeds(t *testing.T) {
	noLeaks(t)
	redirect, port := freeRedirect(t)
	e := startSandbox(t, redirect)
	b := newFakeBrowser(e.info.User.Username, canaryPassword)
	strays := make(chan []string, 1)
	open := func(authURL string) error {
		go func() {
			st := url.QueryEscape(stateOf(authURL))
			strays <- sendStrays(fmt.Sprintf("http://localhost:%d", port), []string{
				"code=abc%0d%0a&state=" + st, "code=abc%00&state=" + st, "code=%C3%A9&state=" + st,
			})
			b.done <- b.run(authURL)
		}()
		return nil
	}
	res, err := e.client(t).SignInBrowser(waitCtx(t, 60*time.Second), BrowserOptions{OpenBrowser: open})
	if err != nil {
		t.Fatalf("sign-in after malformed codes: %v", err)
	}
	if bad := <-strays; len(bad) > 0 {
		t.Fatalf("malformed codes not refused with 400:\n%s", strings.Join(bad, "\n"))
	}
	if out := b.wait(t); out.err != nil || out.body != pageDone {
		t.Fatalf("browser outcome %+v", out)
	}
	if !res.IDToken.OK() {
		t.Fatal("tokens not verified")
	}
}

// signOnUntilLoopback signs in at the sandbox like the browser, but stops before the
// redirect to the loopback listener and returns that redirect's URL (code and state).
func signOnUntilLoopback(authURL, user, pass string) (string, error) {
	var callback string
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 20 * time.Second,
		CheckRedirect: func(req *http.Request, _ []*http.Request) error {
			if req.URL.Hostname() == "localhost" && req.URL.Path == "/callback" {
				callback = req.URL.String()
				return http.ErrUseLastResponse
			}
			return nil
		}}
	resp, err := hc.Get(authURL)
	if err != nil {
		return "", err
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := formAction.FindSubmatch(page)
	if m == nil {
		return "", fmt.Errorf("no sign-on form (status %d)", resp.StatusCode)
	}
	action, err := resp.Request.URL.Parse(html.UnescapeString(string(m[1])))
	if err != nil {
		return "", err
	}
	resp, err = hc.PostForm(action.String(), url.Values{
		"flowId": {resp.Request.URL.Query().Get("flowId")}, "username": {user}, "password": {pass}, "action": {"signin"},
	})
	if err != nil {
		return "", err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if callback == "" {
		return "", errors.New("the sign-on never redirected to the loopback listener")
	}
	return callback, nil
}

// A24: attempt #1's real redirect (a genuine code with #1's state) reaches the port after
// attempt #2 has taken it over, again and again (the old tab is reloaded, or the user
// cancels in it). Each is refused with 400 and attempt #2 completes.
func TestBrowser_A24_EarlierAttemptsCallbackIsRefused(t *testing.T) {
	noLeaks(t)
	redirect, port := freeRedirect(t)
	e := startSandbox(t, redirect)
	c := e.client(t)
	var runner Runner
	t.Cleanup(runner.Cancel)
	firstURL := make(chan string, 1)
	run1 := runner.Start(context.Background(), func(ctx context.Context) (*Result, error) {
		return c.SignInBrowser(ctx, BrowserOptions{OpenBrowser: func(u string) error { firstURL <- u; return nil }})
	})
	var authURL1 string
	select {
	case authURL1 = <-firstURL:
	case <-waitCtx(t, 20*time.Second).Done():
		t.Fatal("attempt #1 never opened the browser")
	}
	late, err := signOnUntilLoopback(authURL1, e.info.User.Username, canaryPassword)
	if err != nil {
		t.Fatal(err)
	}
	lateURL, _ := url.Parse(late)
	state1 := lateURL.Query().Get("state")
	if lateURL.Query().Get("code") == "" || state1 != stateOf(authURL1) {
		t.Fatal("the sandbox did not issue attempt #1's redirect")
	}

	b := newFakeBrowser(e.info.User.Username, canaryPassword)
	strays := make(chan []string, 1)
	run2 := runner.Start(context.Background(), func(ctx context.Context) (*Result, error) {
		return c.SignInBrowser(ctx, BrowserOptions{OpenBrowser: func(authURL2 string) error {
			go func() {
				qs := []string{lateURL.RawQuery, lateURL.RawQuery, lateURL.RawQuery, lateURL.RawQuery, lateURL.RawQuery,
					"error=access_denied&state=" + url.QueryEscape(state1)}
				strays <- sendStrays(fmt.Sprintf("http://localhost:%d", port), qs)
				b.done <- b.run(authURL2)
			}()
			return nil
		}})
	})
	if _, err := run1.Wait(waitCtx(t, 5*time.Second)); !errors.Is(err, ErrSuperseded) {
		t.Fatalf("attempt #1: err = %v, want ErrSuperseded", err)
	}
	res, err := run2.Wait(waitCtx(t, 60*time.Second))
	if err != nil || !res.IDToken.OK() {
		t.Fatalf("attempt #2 after attempt #1's late callbacks: %v", err)
	}
	if bad := <-strays; len(bad) > 0 {
		t.Fatalf("attempt #1's callbacks were not refused with 400:\n%s", strings.Join(bad, "\n"))
	}
	if out := b.wait(t); out.err != nil || out.body != pageDone {
		t.Fatalf("browser outcome %+v", out)
	}
	assertPortFree(t, port)
}
