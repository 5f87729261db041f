package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone/sandbox/sandboxtest"
	"github.com/pkcedesk/pkcedesk/pingone/signin"
)

// testClock is a clock the test moves.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// Two app instances in one process, one redirect port: while the first signs in, the
// second is told that PKCE Desk is signing in elsewhere, not that "another program" holds
// the port (case F9, A21), and the first attempt is not disturbed by the look.
func TestSignIn_F9_SecondInstanceIsToldPKCEDeskIsSigningIn(t *testing.T) {
	redirect, port := freeRedirect(t)
	opened1, opened2 := make(chan string, 1), make(chan string, 1)
	first, _ := newDesk(t, func(o *Options) {
		o.RedirectURI = redirect
		o.OpenBrowser = func(u string) error { opened1 <- u; return nil }
	})
	second, _ := newDesk(t, func(o *Options) {
		o.RedirectURI = redirect
		o.OpenBrowser = func(u string) error { opened2 <- u; return nil }
	})
	app1, app2 := createSignInApp(t, first), createSignInApp(t, second)

	firstDone := make(chan error, 1)
	go func() {
		_, err := first.SignIn(context.Background(), SignInRequest{Mode: SignInBrowser, ClientID: app1}, nil)
		firstDone <- err
	}()
	var authURL string
	select {
	case authURL = <-opened1:
	case <-time.After(30 * time.Second):
		t.Fatal("the first instance never opened the browser")
	}

	ev := newEvents()
	_, err := second.SignIn(testCtx(t), SignInRequest{Mode: SignInBrowser, ClientID: app2}, ev.on)
	var sie *SignInElsewhereError
	var pie *signin.PortInUseError
	if !errors.As(err, &sie) || sie.Port != port || !errors.As(err, &pie) {
		t.Fatalf("err = %v, want a *SignInElsewhereError wrapping the busy port", err)
	}
	p := Explain(err)
	if p.Title != "PKCE Desk is already signing in in another window." || strings.Contains(p.Title+p.Remedy, "Another program") {
		t.Fatalf("explained as %q / %q", p.Title, p.Remedy)
	}
	ev.mu.Lock()
	var failed *SignInEvent
	for i := range ev.all {
		if ev.all[i].Kind == SignInEventFailed {
			failed = &ev.all[i]
		}
	}
	ev.mu.Unlock()
	if failed == nil || !errors.As(failed.Err, &sie) {
		t.Fatalf("the attempt's last event says %v; the steps must name the same holder", failed)
	}
	select {
	case <-opened2:
		t.Fatal("the second instance opened the browser")
	default:
	}

	// The first instance's attempt is still waiting and completes normally.
	select {
	case err := <-firstDone:
		t.Fatalf("the look at the port ended the first attempt: %v", err)
	default:
	}
	demo, _ := first.SandboxDemoUser()
	if err := sandboxtest.SignOnInBrowser(authURL, demo.Username, demo.Password); err != nil {
		t.Fatalf("browser of the first instance: %v", err)
	}
	select {
	case err := <-firstDone:
		if err != nil {
			t.Fatalf("first instance: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the first instance's sign-in did not finish")
	}
}

// A port held by something that does not answer like PKCE Desk is still "another
// program" (case A19): an HTTP server with its own 404 page, and a listener that
// never answers (the look gives up after probeTimeout).
func TestSignIn_F9_AnotherProgramIsNotTakenForPKCEDesk(t *testing.T) {
	redirect, port := freeRedirect(t)
	d, _ := newDesk(t, func(o *Options) {
		o.RedirectURI = redirect
		o.OpenBrowser = func(string) error { return errors.New("must not be opened") }
	})
	appID := createSignInApp(t, d)
	holders := map[string]func(l net.Listener) func(){
		"an HTTP server": func(l net.Listener) func() {
			srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(http.StatusNotFound)
				fmt.Fprint(w, "<html><title>Some dev server</title>404</html>")
			})}
			go srv.Serve(l)
			return func() { srv.Close() }
		},
		"a silent listener": func(l net.Listener) func() { return func() { l.Close() } },
	}
	for name, hold := range holders {
		t.Run(name, func(t *testing.T) {
			l, err := net.Listen("tcp4", fmt.Sprintf("127.0.0.1:%d", port))
			if err != nil {
				t.Fatal(err)
			}
			stop := hold(l)
			defer stop()
			_, err = d.SignIn(testCtx(t), SignInRequest{Mode: SignInBrowser, ClientID: appID}, nil)
			var sie *SignInElsewhereError
			var pie *signin.PortInUseError
			if errors.As(err, &sie) || !errors.As(err, &pie) {
				t.Fatalf("err = %v, want a plain *signin.PortInUseError", err)
			}
			if !strings.Contains(Explain(err).Title, "Another program is using port") {
				t.Fatalf("title = %q", Explain(err).Title)
			}
		})
	}
}
