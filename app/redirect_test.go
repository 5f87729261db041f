package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone/signin"
)

// createAppWithRedirects registers a sign-in app whose only redirect URIs are uris.
func createAppWithRedirects(t *testing.T, d *Desk, uris ...string) string {
	t.Helper()
	req := d.NewApplicationRequest()
	req.Name = fmt.Sprintf("redirect-%d", time.Now().UnixNano())
	req.RedirectURIs = uris
	a, err := d.CreateApplication(testCtx(t), req, []string{"profile", "email"})
	if err != nil {
		t.Fatalf("create app: %v", err)
	}
	return a.ID
}

// Issue defect 9: a browser sign-in to an app that cannot redirect back used to open the
// browser and wait until the timeout. It is refused before the browser opens, in plain
// words, and the self-check's fix makes the same sign-in work.
func TestSignInBrowser_UnusableRedirectIsRefusedBeforeTheBrowserOpens(t *testing.T) {
	redirect, port := freeRedirect(t)
	opened := make(chan string, 4)
	d, _ := newDesk(t, func(o *Options) {
		o.RedirectURI = redirect
		o.OpenBrowser = func(u string) error { opened <- u; return nil }
	})
	srv, _ := d.ensureSandbox()
	for name, registered := range map[string]string{
		"another host":             "https://example.com/cb",
		"loopback, another path":   fmt.Sprintf("http://localhost:%d/other", port),
		"loopback, trailing slash": redirect + "/",
	} {
		t.Run(name, func(t *testing.T) {
			appID := createAppWithRedirects(t, d, registered)
			done := make(chan error, 1)
			go func() {
				_, err := d.SignIn(testCtx(t), SignInRequest{Mode: SignInBrowser, ClientID: appID}, nil)
				done <- err
			}()
			var err error
			select {
			case err = <-done:
			case u := <-opened:
				d.CancelSignIn()
				t.Fatalf("the browser was opened (%.40s…) for a redirect that cannot come back", u)
			case <-time.After(30 * time.Second):
				d.CancelSignIn()
				t.Fatal("the sign-in neither opened the browser nor was refused")
			}
			var rue *RedirectUnusableError
			if !errors.As(err, &rue) || !rue.Fixable() || rue.AppID != appID || rue.Own != redirect {
				t.Fatalf("err = %v, want a fixable *RedirectUnusableError for the app", err)
			}
			p := Explain(err)
			if !strings.Contains(p.Title, "does not send the browser back") ||
				!strings.Contains(p.Remedy, "Fix redirect") || !strings.Contains(p.Remedy, redirect) || !strings.Contains(p.Remedy, registered) {
				t.Fatalf("explained as %q / %q", p.Title, p.Remedy)
			}
			if srv.Requests("", "/as/authorize") != 0 {
				t.Fatal("an authorize request was made")
			}
			l, lerr := net.Listen("tcp4", fmt.Sprintf("127.0.0.1:%d", port))
			if lerr != nil {
				t.Fatalf("the loopback port was bound: %v", lerr)
			}
			l.Close()

			// The self-check's fix registers the app's redirect; the sign-in then starts.
			check, err := d.FixRedirect(testCtx(t), appID)
			if err != nil {
				t.Fatal(err)
			}
			if f, _ := check.Finding(FindingRedirectURI); !f.OK {
				t.Fatalf("after the fix: %+v", f)
			}
			go func() {
				_, err := d.SignIn(testCtx(t), SignInRequest{Mode: SignInBrowser, ClientID: appID}, nil)
				done <- err
			}()
			select {
			case <-opened:
			case err := <-done:
				t.Fatalf("the fixed app's sign-in ended: %v", err)
			case <-time.After(30 * time.Second):
				t.Fatal("the fixed app's sign-in never opened the browser")
			}
			d.CancelSignIn()
			<-done
		})
	}
}

func TestSignInBrowser_OwnRedirectThatCannotBeListenedOnIsRefused(t *testing.T) {
	opened := make(chan string, 1)
	d, _ := newDesk(t, func(o *Options) {
		o.RedirectURI = "https://example.com/cb"
		o.OpenBrowser = func(u string) error { opened <- u; return nil }
	})
	appID := createSignInApp(t, d) // registered with the desk's own redirect
	_, err := d.SignIn(testCtx(t), SignInRequest{Mode: SignInBrowser, ClientID: appID}, nil)
	var rue *RedirectUnusableError
	if !errors.As(err, &rue) || !rue.OwnUnusable || rue.Fixable() {
		t.Fatalf("err = %v, want an unfixable *RedirectUnusableError", err)
	}
	if !strings.Contains(Explain(err).Title, "cannot wait for the browser") {
		t.Fatalf("title = %q", Explain(err).Title)
	}
	select {
	case <-opened:
		t.Fatal("the browser was opened")
	default:
	}
}

func TestRedirectAccepted(t *testing.T) {
	const own = "http://localhost:3000/callback"
	cases := []struct {
		registered []string
		want       bool
	}{
		{[]string{own}, true},
		{[]string{"https://example.com/cb", own}, true},
		{[]string{"http://localhost:8080/callback"}, true}, // loopback ports may vary (RFC 8252 §7.3)
		{[]string{"http://localhost/callback"}, true},
		{[]string{"http://localhost:3000/*"}, true}, // a wildcard might match: not refused
		{[]string{"https://example.com/cb"}, false},
		{[]string{"http://localhost:3000/other"}, false},
		{[]string{"http://localhost:3000/callback/"}, false},
		{[]string{"http://127.0.0.1:3000/callback"}, false}, // another host name
		{[]string{"https://localhost:3000/callback"}, false},
		{[]string{"http://localhost:3000/callback?x=1"}, false},
		{nil, false},
	}
	for _, tc := range cases {
		if got := redirectAccepted(tc.registered, own); got != tc.want {
			t.Errorf("redirectAccepted(%v) = %v, want %v", tc.registered, got, tc.want)
		}
	}
	for uri, want := range map[string]bool{
		own:                          true,
		"http://127.0.0.1:4000/cb":   true,
		"http://[::1]:4000/cb":       true,
		"https://localhost:3000/cb":  false,
		"http://example.com/cb":      false,
		"http://localhost:3000/done": false,
		"http://localhost:3000/cb?x": false,
		"http://u@localhost:3000/cb": false,
		"com.example.app:/cb":        false,
	} {
		if got := listenableRedirect(uri); got != want {
			t.Errorf("listenableRedirect(%q) = %v, want %v", uri, got, want)
		}
	}
}

// The countdown on the Sign in screen is the desk's own time limit for the attempt,
// on the desk's clock, and the attempt really ends when it runs out.
func TestSignInBrowser_TimeLimitIsPublishedForTheCountdown(t *testing.T) {
	redirect, _ := freeRedirect(t)
	opened := make(chan string, 1)
	clock := &testClock{now: time.Now()}
	d, _ := newDesk(t, func(o *Options) {
		o.RedirectURI = redirect
		o.OpenBrowser = func(u string) error { opened <- u; return nil }
		o.BrowserTimeout = 90 * time.Second
		o.Now = clock.Now
	})
	appID := createSignInApp(t, d)
	if _, ok := d.BrowserWait(); ok {
		t.Fatal("a time limit before any sign-in")
	}
	start := clock.Now()
	done := make(chan error, 1)
	go func() {
		_, err := d.SignIn(context.Background(), SignInRequest{Mode: SignInBrowser, ClientID: appID}, nil)
		done <- err
	}()
	select {
	case <-opened:
	case <-time.After(30 * time.Second):
		t.Fatal("the browser was never opened")
	}
	w, ok := d.BrowserWait()
	if !ok || w.Timeout != 90*time.Second || !w.Deadline.Equal(start.Add(90*time.Second)) {
		t.Fatalf("BrowserWait = %+v, %v", w, ok)
	}
	clock.Add(28 * time.Second)
	if left, ok := d.BrowserTimeLeft(); !ok || left != 62*time.Second {
		t.Fatalf("time left = %v, %v; want 1m2s", left, ok)
	}
	d.CancelSignIn()
	<-done
	if _, ok := d.BrowserWait(); ok {
		t.Fatal("the time limit outlived the sign-in")
	}
	if (BrowserWait{Deadline: start}).Left(start.Add(time.Hour)) != 0 {
		t.Fatal("a negative time left")
	}

	// The published limit is the one the attempt runs under.
	short, _ := newDesk(t, func(o *Options) {
		o.RedirectURI = redirect
		o.OpenBrowser = func(string) error { return nil }
		o.BrowserTimeout = 500 * time.Millisecond
	})
	appID = createSignInApp(t, short)
	_, err := short.SignIn(testCtx(t), SignInRequest{Mode: SignInBrowser, ClientID: appID}, nil)
	if !errors.Is(err, signin.ErrTimedOut) {
		t.Fatalf("err = %v, want signin.ErrTimedOut after the desk's BrowserTimeout", err)
	}
}
