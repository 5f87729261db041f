package app

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
	"github.com/pkcedesk/pkcedesk/pingone/signin"
)

// signoffEntries are the transcript's sign-off requests.
func signoffEntries(d *Desk) []pingone.Exchange {
	var out []pingone.Exchange
	for _, e := range d.Transcript().Entries() {
		if e.Step == "signoff" {
			out = append(out, e)
		}
	}
	return out
}

// Signing out of an in-app session opens no browser: the app holds PingOne's session
// cookie, so it sends the sign-off itself (RP-Initiated Logout 1.0 §2) with that cookie
// and returns no URL. The transcript shows the call with the cookie and the hint redacted.
func TestSignOut_InAppSessionSignsOffWithoutTheBrowser(t *testing.T) {
	d, _ := newDesk(t, func(o *Options) {
		o.OpenBrowser = func(string) error { t.Error("the sign-out opened the browser"); return nil }
	})
	sess := signInDemo(t, d)
	if !sess.SignsOffInApp() {
		t.Fatal("an in-app session does not sign off in the app")
	}
	log, _ := followSessions(t, d)
	srv, _ := d.ensureSandbox()
	before := srv.Requests(http.MethodGet, "/as/signoff")

	signOff, err := d.SignOut(testCtx(t))
	if err != nil {
		t.Fatalf("SignOut: %v", err)
	}
	if signOff != "" {
		t.Fatal("the in-app sign-out returned a URL for the browser")
	}
	if n := srv.Requests(http.MethodGet, "/as/signoff") - before; n != 1 {
		t.Fatalf("PingOne received %d sign-off requests, want 1", n)
	}
	entries := signoffEntries(d)
	if len(entries) != 1 {
		t.Fatalf("%d sign-off entries in the transcript, want 1", len(entries))
	}
	ex := entries[0]
	if ex.Method != http.MethodGet || ex.Status != http.StatusOK {
		t.Fatalf("sign-off = %s → %d, want GET → 200", ex.Method, ex.Status)
	}
	if got := ex.RequestHeader.Get("Cookie"); !strings.Contains(got, "ST="+pingone.Redacted) {
		t.Fatalf("the sign-off's Cookie header is %q, want PingOne's ST cookie, redacted", got)
	}
	u, err := url.Parse(ex.URL)
	if err != nil || !strings.HasSuffix(u.Path, "/as/signoff") || u.Query().Get("id_token_hint") != pingone.Redacted {
		t.Fatalf("recorded sign-off URL = %q, want the hint redacted", ex.URL)
	}
	assertNoCanary(t, "transcript", transcriptText(d), sess.Tokens.IDToken, sess.Tokens.AccessToken)

	ev := log.last(t, SessionSignedOut)
	if ev.Err != nil || ev.Ended == nil || !ev.Ended.SignsOffInApp() || d.CurrentSession() != nil {
		t.Fatalf("signed-out event: err %v, ended %v", ev.Err, ev.Ended)
	}
}

// A browser session's PingOne cookie is the browser's: SignOut returns the sign-off URL
// for the browser and sends no sign-off itself.
func TestSignOut_BrowserSessionReturnsTheSignOffURL(t *testing.T) {
	redirect, _ := freeRedirect(t)
	browserDone := make(chan error, 1)
	d, _ := newDesk(t, func(o *Options) {
		o.RedirectURI = redirect
		o.OpenBrowser = fakeBrowser("demo.user", canaryPassword, browserDone)
	})
	clientID := createSignInApp(t, d)
	sess, err := d.SignIn(testCtx(t), SignInRequest{Mode: SignInBrowser, ClientID: clientID}, nil)
	if err != nil {
		t.Fatalf("browser SignIn: %v", err)
	}
	select {
	case err := <-browserDone:
		if err != nil {
			t.Fatalf("fake browser: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("fake browser did not finish")
	}
	if sess.SignsOffInApp() {
		t.Fatal("a browser session claims to sign off in the app")
	}
	srv, _ := d.ensureSandbox()
	before := srv.Requests(http.MethodGet, "/as/signoff")
	signOff, err := d.SignOut(testCtx(t))
	if err != nil {
		t.Fatalf("SignOut: %v", err)
	}
	u, err := url.Parse(signOff)
	if err != nil || !strings.HasSuffix(u.Path, "/as/signoff") || u.Query().Get("id_token_hint") != sess.Tokens.IDToken {
		t.Fatalf("sign-off URL = %.60q…", signOff)
	}
	if srv.Requests(http.MethodGet, "/as/signoff") != before || len(signoffEntries(d)) != 0 {
		t.Fatal("the app signed the browser's session off itself")
	}
}

// A sign-off PingOne refuses is reported, and the session here has ended all the same.
func TestSignOut_InAppSignOffFailureIsReported(t *testing.T) {
	d, _ := newDesk(t)
	signInDemo(t, d)
	srv, _ := d.ensureSandbox()
	srv.Faults().Add(sandbox.Fault{Method: http.MethodGet, PathContains: "/as/signoff", Status: http.StatusServiceUnavailable, Times: 1,
		Body: `{"code":"SERVICE_UNAVAILABLE","message":"try later"}`})
	log, _ := followSessions(t, d)
	signOff, err := d.SignOut(testCtx(t))
	var te *signin.TokenError
	if !errors.As(err, &te) || te.Op != "signoff" {
		t.Fatalf("err = %v, want the sign-off's error", err)
	}
	if signOff != "" || d.CurrentSession() != nil {
		t.Fatalf("after a failed sign-off: URL %q, session %v", signOff, d.CurrentSession())
	}
	if ev := log.last(t, SessionSignedOut); ev.Err == nil || len(ev.Revoked) != 2 {
		t.Fatalf("signed-out event: err %v, revoked %v", ev.Err, ev.Revoked)
	}
	if p := Explain(err); p.Title == "" || strings.Contains(fmt.Sprint(p), "id_token_hint=ey") {
		t.Fatalf("explained as %+v", p)
	}
}
