package signin

import (
	"crypto/rsa"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox/sandboxtest"
)

// startSandboxWith is startSandbox with options, served by httptest so that tests can
// watch its connections.
func startSandboxWith(t *testing.T, opts sandbox.Options, connState func(net.Conn, http.ConnState)) *env {
	t.Helper()
	if opts.SigningKey == nil {
		opts.SigningKey = sandboxtest.SigningKey()
	}
	opts.Password = canaryPassword
	srv := sandbox.New(opts)
	ts := httptest.NewUnstartedServer(srv.Handler())
	ts.Config.ConnState = connState
	ts.Start()
	t.Cleanup(ts.Close)
	srv.SetBaseURL(ts.URL)
	info := srv.Info()
	e := &env{srv: srv, info: info, issuer: info.AuthBaseURL + "/" + info.EnvironmentID + "/as", redirect: otherRedirect}
	e.clientID = e.createApp(t, otherRedirect)
	return e
}

func steps(xs []pingone.Exchange) map[string]int {
	m := map[string]int{}
	for _, x := range xs {
		m[x.Step]++
	}
	return m
}

// The key set is fetched by the first sign-in, through that attempt (so it is in the
// attempt's exchanges and timeline), and kept: the next sign-in of the same Client makes
// no JWKS request. Each exchange is in the desk-wide transcript exactly once.
func TestSignIn_KeySetFetchedOncePerClient(t *testing.T) {
	noLeaks(t)
	e := startSandbox(t, otherRedirect)
	desk := pingone.NewTranscript()
	c := e.client(t, func(cfg *Config) { cfg.Transcript = desk })
	ctx := waitCtx(t, 60*time.Second)

	rec := newRecorder()
	first, err := c.SignInWithPassword(ctx, e.info.User.Username, canaryPassword, RedirectlessOptions{OnEvent: rec.on})
	if err != nil {
		t.Fatal(err)
	}
	if n := steps(first.Exchanges)["jwks"]; n != 1 {
		t.Fatalf("first sign-in: %d JWKS exchanges, want 1 (%v)", n, steps(first.Exchanges))
	}
	jwksEvents := 0
	for _, ev := range rec.all() {
		if ev.Kind == EventResponse && ev.Step == "jwks" {
			jwksEvents++
		}
	}
	if jwksEvents != 1 {
		t.Fatalf("first sign-in: %d JWKS response events, want 1", jwksEvents)
	}

	before := e.srv.Requests(http.MethodGet, "/as/jwks")
	second, err := c.SignInWithPassword(ctx, e.info.User.Username, canaryPassword, RedirectlessOptions{})
	if err != nil || !second.IDToken.OK() {
		t.Fatalf("second sign-in: %v", err)
	}
	if n := e.srv.Requests(http.MethodGet, "/as/jwks") - before; n != 0 {
		t.Fatalf("second sign-in fetched the JWKS %d times, want 0", n)
	}
	if n := steps(second.Exchanges)["jwks"]; n != 0 {
		t.Fatalf("second sign-in: %d JWKS exchanges", n)
	}
	for _, step := range []string{"discovery", "authorize", "flow", "resume", "token"} {
		if steps(second.Exchanges)[step] != 1 {
			t.Fatalf("second sign-in's exchanges: %v", steps(second.Exchanges))
		}
	}

	// Recorded once: the desk transcript holds exactly the attempts' exchanges.
	all := desk.Entries()
	if want := len(first.Exchanges) + len(second.Exchanges); len(all) != want {
		t.Fatalf("desk transcript: %d entries, want %d", len(all), want)
	}
	for i, x := range append(first.Exchanges, second.Exchanges...) {
		if all[i].Step != x.Step || all[i].URL != x.URL || all[i].ResponseBody != x.ResponseBody {
			t.Fatalf("desk entry %d (%s %s) differs from the attempt's (%s %s)", i, all[i].Step, all[i].URL, x.Step, x.URL)
		}
	}
}

// A key set that failed to load does not fail the next sign-in: that one fetches again.
func TestSignIn_KeySetFailureDoesNotStick(t *testing.T) {
	noLeaks(t)
	e := startSandbox(t, otherRedirect)
	c := e.client(t)
	ctx := waitCtx(t, 60*time.Second)
	e.srv.Faults().Add(sandbox.Fault{Method: http.MethodGet, PathContains: "/as/jwks", Times: 1, Status: 503, Body: `{}`})
	_, err := c.SignInWithPassword(ctx, e.info.User.Username, canaryPassword, RedirectlessOptions{})
	var rejected *IDTokenRejectedError
	if !errors.As(err, &rejected) {
		t.Fatalf("sign-in with the JWKS down: %v, want IDTokenRejectedError", err)
	}
	before := e.srv.Requests(http.MethodGet, "/as/jwks")
	res, err := c.SignInWithPassword(ctx, e.info.User.Username, canaryPassword, RedirectlessOptions{})
	if err != nil || !res.IDToken.OK() {
		t.Fatalf("sign-in after the JWKS recovered: %v", err)
	}
	if n := e.srv.Requests(http.MethodGet, "/as/jwks") - before; n != 1 {
		t.Fatalf("%d JWKS requests, want 1", n)
	}
}

// Keys rotated between sign-ins: an unseen kid is fetched at once, and a second rotation
// within the refetch interval, which the shared key set may not fetch for, does not fail
// the sign-in either; no sign-in makes more than one JWKS request.
func TestSignIn_RotatedKeysBetweenSignIns(t *testing.T) {
	noLeaks(t)
	e := startSandboxWith(t, sandbox.Options{DropRotatedKeys: true}, nil)
	c := e.client(t)
	ctx := waitCtx(t, 60*time.Second)
	// nil: no rotation before the first sign-in; then to another key and back again, each
	// time dropping the previous key from the JWKS.
	for i, key := range []*rsa.PrivateKey{nil, sandboxtest.RotatedSigningKey(), sandboxtest.SigningKey()} {
		if key != nil {
			e.srv.RotateSigningKeyTo(key)
		}
		before := e.srv.Requests(http.MethodGet, "/as/jwks")
		res, err := c.SignInWithPassword(ctx, e.info.User.Username, canaryPassword, RedirectlessOptions{})
		if err != nil || !res.IDToken.OK() {
			t.Fatalf("sign-in %d: %v", i+1, err)
		}
		if kid := res.IDToken.Token.HeaderString("kid"); kid != e.srv.SigningKeyID() {
			t.Fatalf("sign-in %d: kid %q, want %q", i+1, kid, e.srv.SigningKeyID())
		}
		if n := e.srv.Requests(http.MethodGet, "/as/jwks") - before; n != 1 {
			t.Fatalf("sign-in %d: %d JWKS requests, want 1", i+1, n)
		}
	}
}

// Sign-ins of one Client reuse its connections instead of dialling anew each time.
func TestSignIn_ConnectionsReused(t *testing.T) {
	noLeaks(t)
	var opened atomic.Int32
	e := startSandboxWith(t, sandbox.Options{}, func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			opened.Add(1)
		}
	})
	c := e.client(t)
	ctx := waitCtx(t, 60*time.Second)
	if _, err := c.SignInWithPassword(ctx, e.info.User.Username, canaryPassword, RedirectlessOptions{}); err != nil {
		t.Fatal(err)
	}
	after1 := opened.Load()
	for range 3 {
		if _, err := c.SignInWithPassword(ctx, e.info.User.Username, canaryPassword, RedirectlessOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if n := opened.Load() - after1; n != 0 {
		t.Fatalf("three more sign-ins opened %d new connections, want 0", n)
	}
}
