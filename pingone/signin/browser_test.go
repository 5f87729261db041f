package signin

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone/sandbox/sandboxtest"
	"golang.org/x/oauth2"
)

var formAction = regexp.MustCompile(`<form[^>]*action="([^"]+)"`)

// fakeBrowser plays the user's browser with plain net/http: it follows the authorize
// redirect to the sandbox's sign-on page, posts the form, and follows the redirects
// back to the loopback listener and /done. It reports the final page on done.
type fakeBrowser struct {
	user, pass string
	done       chan browserOutcome
	codes      chan string // codes seen on redirects to the loopback listener
}

type browserOutcome struct {
	finalURL string
	status   int
	body     string
	err      error
}

func newFakeBrowser(user, pass string) *fakeBrowser {
	return &fakeBrowser{user: user, pass: pass, done: make(chan browserOutcome, 1), codes: make(chan string, 4)}
}

func (b *fakeBrowser) open(authURL string) error {
	go func() { b.done <- b.run(authURL) }()
	return nil
}

func (b *fakeBrowser) run(authURL string) browserOutcome {
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 20 * time.Second,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if c := req.URL.Query().Get("code"); c != "" {
				select {
				case b.codes <- c:
				default:
				}
			}
			return nil
		}}
	resp, err := hc.Get(authURL)
	if err != nil {
		return browserOutcome{err: err}
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := formAction.FindSubmatch(page)
	if m == nil {
		return browserOutcome{err: fmt.Errorf("no sign-on form at %s (status %d)", resp.Request.URL, resp.StatusCode)}
	}
	action, err := resp.Request.URL.Parse(html.UnescapeString(string(m[1])))
	if err != nil {
		return browserOutcome{err: err}
	}
	form := url.Values{
		"flowId": {resp.Request.URL.Query().Get("flowId")}, "username": {b.user}, "password": {b.pass}, "action": {"signin"},
	}
	resp, err = hc.PostForm(action.String(), form)
	if err != nil {
		return browserOutcome{err: err}
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return browserOutcome{finalURL: resp.Request.URL.String(), status: resp.StatusCode, body: string(body)}
}

func (b *fakeBrowser) wait(t *testing.T) browserOutcome {
	t.Helper()
	select {
	case o := <-b.done:
		return o
	case <-time.After(30 * time.Second):
		t.Fatal("fake browser did not finish")
	}
	return browserOutcome{}
}

func freeRedirect(t *testing.T) (string, int) { return sandboxtest.FreeRedirect(t) }

func TestBrowser_EndToEnd_FakeBrowser(t *testing.T) {
	noLeaks(t)
	redirect, port := freeRedirect(t)
	e := startSandbox(t, redirect)
	c := e.client(t)
	rec := newRecorder()
	b := newFakeBrowser(e.info.User.Username, canaryPassword)
	var urlSeenBeforeOpen bool
	open := func(u string) error {
		for _, ev := range rec.all() {
			if ev.Kind == EventAuthorizeURL && ev.AuthorizeURL == u {
				urlSeenBeforeOpen = true
			}
		}
		return b.open(u)
	}
	res, err := c.SignInBrowser(waitCtx(t, 60*time.Second), BrowserOptions{OpenBrowser: open, OnEvent: rec.on})
	if err != nil {
		t.Fatal(err)
	}
	out := b.wait(t)
	if out.err != nil || out.body != pageDone || !strings.HasSuffix(out.finalURL, "/done") {
		t.Fatalf("browser ended at %q (%d, err %v)", out.finalURL, out.status, out.err)
	}
	if !urlSeenBeforeOpen {
		t.Fatal("EventAuthorizeURL was not emitted before the browser was opened")
	}
	if !res.IDToken.OK() || res.Subject == "" {
		t.Fatal("tokens not verified")
	}
	au, _ := url.Parse(firstAuthorizeURL(rec))
	q := au.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("state") == "" || q.Get("nonce") == "" || q.Get("redirect_uri") != redirect {
		t.Fatalf("authorize URL lacks PKCE/state/nonce: %s", au)
	}
	assertNoSecret(t, "events", rec.text(), canaryPassword, res.Tokens.AccessToken, res.Tokens.IDToken)
	c.Close()
	assertPortFree(t, port)
}

func firstAuthorizeURL(r *recorder) string {
	for _, ev := range r.all() {
		if ev.Kind == EventAuthorizeURL {
			return ev.AuthorizeURL
		}
	}
	return ""
}

func TestBrowser_A22_OpenerFailsURLStillUsable(t *testing.T) {
	noLeaks(t)
	redirect, _ := freeRedirect(t)
	e := startSandbox(t, redirect)
	rec := newRecorder()
	b := newFakeBrowser(e.info.User.Username, canaryPassword)
	done := make(chan error, 1)
	go func() {
		_, err := e.client(t).SignInBrowser(context.Background(), BrowserOptions{
			OpenBrowser: func(string) error { return errors.New("xdg-open: not found") },
			OnEvent:     rec.on,
			Timeout:     30 * time.Second,
		})
		done <- err
	}()
	rec.waitFor(t, EventBrowserError, 20*time.Second)
	b.open(firstAuthorizeURL(rec)) // the user copied the URL
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if o := b.wait(t); o.err != nil || o.body != pageDone {
		t.Fatalf("browser outcome %+v", o)
	}
}

func TestBrowser_A4_UserCancelsOnSignOnPage(t *testing.T) {
	noLeaks(t)
	redirect, _ := freeRedirect(t)
	e := startSandbox(t, redirect)
	open := func(u string) error {
		go func() {
			jar, _ := cookiejar.New(nil)
			hc := &http.Client{Jar: jar, Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 20 * time.Second}
			resp, err := hc.Get(u)
			if err != nil {
				return
			}
			page, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			m := formAction.FindSubmatch(page)
			if m == nil {
				return
			}
			action, _ := resp.Request.URL.Parse(html.UnescapeString(string(m[1])))
			if r, err := hc.PostForm(action.String(), url.Values{"flowId": {resp.Request.URL.Query().Get("flowId")}, "action": {"cancel"}}); err == nil {
				io.Copy(io.Discard, r.Body)
				r.Body.Close()
			}
		}()
		return nil
	}
	_, err := e.client(t).SignInBrowser(waitCtx(t, 30*time.Second), BrowserOptions{OpenBrowser: open, Timeout: 20 * time.Second})
	var ae *AuthorizationError
	if !errors.As(err, &ae) || !ae.Cancelled() {
		t.Fatalf("err = %v, want a cancelled AuthorizationError", err)
	}
}

// idleBrowser never completes; it only records the URL.
func idleBrowser(string) error { return nil }

func TestBrowser_F2_Cancel(t *testing.T) {
	noLeaks(t)
	redirect, port := freeRedirect(t)
	e := startSandbox(t, redirect)
	rec := newRecorder()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := e.client(t).SignInBrowser(ctx, BrowserOptions{OpenBrowser: idleBrowser, OnEvent: rec.on})
		done <- err
	}()
	rec.waitFor(t, EventWaiting, 20*time.Second)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("cancel did not end the attempt")
	}
	evs := rec.all()
	if last := evs[len(evs)-1]; last.Kind != EventFailed {
		t.Fatalf("last event %s, want failed", last.Kind)
	}
	assertPortFree(t, port)
	// A23: a late callback finds the port closed.
	if _, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second); err == nil {
		t.Fatal("listener still accepting after cancel")
	}
}

func TestBrowser_F1_Timeout(t *testing.T) {
	noLeaks(t)
	redirect, port := freeRedirect(t)
	e := startSandbox(t, redirect)
	start := time.Now()
	_, err := e.client(t).SignInBrowser(context.Background(), BrowserOptions{OpenBrowser: idleBrowser, Timeout: 700 * time.Millisecond})
	if !errors.Is(err, ErrTimedOut) {
		t.Fatalf("err = %v, want ErrTimedOut", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("timeout took %s", d)
	}
	assertPortFree(t, port)
}

func TestBrowser_A19_PortBusyRefusesBeforeBrowser(t *testing.T) {
	noLeaks(t)
	redirect, port := freeRedirect(t)
	e := startSandbox(t, redirect)
	squatter, err := net.Listen("tcp6", fmt.Sprintf("[::1]:%d", port))
	if err != nil {
		t.Fatalf("needs IPv6 loopback: %v", err)
	}
	defer squatter.Close()
	opened := false
	_, err = e.client(t).SignInBrowser(waitCtx(t, 20*time.Second), BrowserOptions{OpenBrowser: func(string) error { opened = true; return nil }})
	var pe *PortInUseError
	if !errors.As(err, &pe) || pe.Port != port {
		t.Fatalf("err = %v, want PortInUseError", err)
	}
	if opened {
		t.Fatal("browser opened although the port was taken")
	}
}

func TestBrowser_F3_DoubleStartCancelsFirst(t *testing.T) {
	noLeaks(t)
	redirect, port := freeRedirect(t)
	e := startSandbox(t, redirect)
	c := e.client(t)
	var runner Runner
	first := newRecorder()
	run1 := runner.Start(context.Background(), func(ctx context.Context) (*Result, error) {
		return c.SignInBrowser(ctx, BrowserOptions{OpenBrowser: idleBrowser, OnEvent: first.on})
	})
	first.waitFor(t, EventWaiting, 20*time.Second)

	b := newFakeBrowser(e.info.User.Username, canaryPassword)
	run2 := runner.Start(context.Background(), func(ctx context.Context) (*Result, error) {
		return c.SignInBrowser(ctx, BrowserOptions{OpenBrowser: b.open})
	})
	// Start returned only after the first run ended.
	select {
	case <-run1.Done():
	default:
		t.Fatal("second start did not wait for the first attempt to end")
	}
	if _, err := run1.Wait(waitCtx(t, time.Second)); !errors.Is(err, ErrSuperseded) {
		t.Fatalf("first attempt: err = %v, want ErrSuperseded", err)
	}
	res, err := run2.Wait(waitCtx(t, 60*time.Second))
	if err != nil || !res.IDToken.OK() {
		t.Fatalf("second attempt (same port): %v", err)
	}
	b.wait(t)
	runner.Cancel() // no-op on a finished run
	assertPortFree(t, port)
}

// The PKCE event hands the panel the values the attempt really used: its challenge and
// state are those in the authorize URL, the challenge is S256 of the verifier, and the
// event's text never carries the verifier.
func TestBrowser_PKCEEventMatchesAuthorizeURL(t *testing.T) {
	noLeaks(t)
	redirect, port := freeRedirect(t)
	e := startSandbox(t, redirect)
	c := e.client(t)
	rec := newRecorder()
	b := newFakeBrowser(e.info.User.Username, canaryPassword)
	if _, err := c.SignInBrowser(waitCtx(t, 60*time.Second), BrowserOptions{OpenBrowser: b.open, OnEvent: rec.on}); err != nil {
		t.Fatal(err)
	}
	b.wait(t)
	var pkce *AttemptSecrets
	for _, ev := range rec.all() {
		if ev.Kind == EventPKCE {
			pkce = ev.PKCE
		}
		if ev.Kind == EventAuthorizeURL && pkce == nil {
			t.Fatal("EventAuthorizeURL came before EventPKCE")
		}
	}
	if pkce == nil {
		t.Fatal("no EventPKCE")
	}
	q := mustQuery(t, firstAuthorizeURL(rec))
	if q.Get("code_challenge") != pkce.Challenge || q.Get("state") != pkce.State || q.Get("nonce") != pkce.Nonce {
		t.Fatal("the PKCE event's values differ from the authorize URL's")
	}
	if oauth2.S256ChallengeFromVerifier(pkce.Verifier) != pkce.Challenge {
		t.Fatal("challenge is not S256(verifier)")
	}
	assertNoSecret(t, "events", rec.text(), pkce.Verifier)
	c.Close()
	assertPortFree(t, port)
}

func mustQuery(t *testing.T, raw string) url.Values {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}
