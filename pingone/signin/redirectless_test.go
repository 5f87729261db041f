package signin

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
	"github.com/pkcedesk/pkcedesk/pingone/token"
)

const otherRedirect = "http://localhost:3000/callback" // pi.flow never binds it

func TestRedirectless_G5_CompletedGivesVerifiedTokens(t *testing.T) {
	noLeaks(t)
	e := startSandbox(t, otherRedirect)
	c := e.client(t)
	rec := newRecorder()
	before := e.srv.Requests(http.MethodPost, "/as/token") // the worker token of createApp
	res, err := c.SignInWithPassword(waitCtx(t, 30*time.Second), e.info.User.Username, canaryPassword, RedirectlessOptions{OnEvent: rec.on})
	if err != nil {
		t.Fatal(err)
	}
	if !res.IDToken.OK() || res.Subject == "" || res.Tokens.AccessToken == "" {
		t.Fatalf("result not verified: %+v", res)
	}
	if chk, _ := res.IDToken.Check(token.CheckNonce); chk.Status != token.Passed {
		t.Fatalf("nonce check %v: %s", chk.Status, chk.Reason)
	}
	if n := e.srv.Requests(http.MethodPost, "/as/token") - before; n != 1 {
		t.Fatalf("token endpoint called %d times, want 1", n)
	}
	// The token request is a NONE-client request: client_id, verifier and redirect_uri
	// in the body, no Authorization header.
	var tokenEx *pingone.Exchange
	for _, x := range res.Exchanges {
		if x.Step == "token" {
			tokenEx = &x
		}
	}
	if tokenEx == nil {
		t.Fatal("no token exchange in the transcript")
	}
	if tokenEx.RequestHeader.Get("Authorization") != "" {
		t.Fatal("token request carries an Authorization header")
	}
	for _, want := range []string{"client_id=" + e.clientID, "code_verifier=", "redirect_uri=", "grant_type=authorization_code"} {
		if !strings.Contains(tokenEx.RequestBody, want) {
			t.Errorf("token request body lacks %q: %s", want, tokenEx.RequestBody)
		}
	}
	// Timeline: started ... done, with request/response pairs in between.
	evs := rec.all()
	if evs[0].Kind != EventStarted || evs[len(evs)-1].Kind != EventDone {
		t.Fatalf("timeline starts with %s and ends with %s", evs[0].Kind, evs[len(evs)-1].Kind)
	}
	var req, resp int
	for _, ev := range evs {
		switch ev.Kind {
		case EventRequest:
			req++
		case EventResponse:
			resp++
			if ev.Exchange == nil || ev.Exchange.Status == 0 {
				t.Fatal("response event without its exchange")
			}
		}
	}
	if req < 5 || req != resp {
		t.Fatalf("%d request and %d response events", req, resp)
	}
}

func TestRedirectless_G1_WrongPassword(t *testing.T) {
	noLeaks(t)
	e := startSandbox(t, otherRedirect)
	c := e.client(t)
	f, err := c.StartRedirectless(waitCtx(t, 30*time.Second), RedirectlessOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = f.SubmitPassword(waitCtx(t, 10*time.Second), e.info.User.Username, "wrong-password")
	var ic *InvalidCredentialsError
	if !errors.As(err, &ic) || !strings.Contains(ic.Message, "Invalid username and/or password") {
		t.Fatalf("err = %v, want InvalidCredentialsError with PingOne's message", err)
	}
	if strings.Contains(err.Error(), "wrong-password") {
		t.Fatal("error quotes the password")
	}
	// The flow stays usable: the right password now completes it.
	res, err := f.SubmitPassword(waitCtx(t, 10*time.Second), e.info.User.Username, canaryPassword)
	if err != nil || !res.IDToken.OK() {
		t.Fatalf("retry on the same flow: %v", err)
	}
}

func TestRedirectless_G1_Lockout(t *testing.T) {
	noLeaks(t)
	e := startSandbox(t, otherRedirect)
	c := e.client(t)
	var err error
	for range 5 {
		_, err = c.SignInWithPassword(waitCtx(t, 10*time.Second), e.info.User.Username, "nope", RedirectlessOptions{})
	}
	var le *LockedOutError
	if !errors.As(err, &le) || le.SecondsUntilUnlock <= 0 {
		t.Fatalf("err = %v, want LockedOutError with secondsUntilUnlock", err)
	}
}

func TestRedirectless_G2_PasswordChange(t *testing.T) {
	for _, state := range []string{StatusMustChangePassword, StatusPasswordExpired} {
		t.Run(state, func(t *testing.T) {
			noLeaks(t)
			e := startSandbox(t, otherRedirect)
			e.srv.SetUserPasswordState(e.info.User.Username, state)
			c := e.client(t)
			_, err := c.SignInWithPassword(waitCtx(t, 30*time.Second), e.info.User.Username, canaryPassword, RedirectlessOptions{})
			var pcr *PasswordChangeRequired
			if !errors.As(err, &pcr) || pcr.Status != state {
				t.Fatalf("err = %v, want PasswordChangeRequired(%s)", err, state)
			}
			defer pcr.Flow.Close()
			// A wrong current password is reported and the flow stays open.
			_, err = pcr.ChangePassword(waitCtx(t, 10*time.Second), "not-current", "N3w-Canary-Passw0rd!")
			var pr *PasswordRejectedError
			if !errors.As(err, &pr) || pr.Target != "currentPassword" {
				t.Fatalf("err = %v, want PasswordRejectedError(currentPassword)", err)
			}
			res, err := pcr.ChangePassword(waitCtx(t, 10*time.Second), canaryPassword, "N3w-Canary-Passw0rd!")
			if err != nil || !res.IDToken.OK() {
				t.Fatalf("ChangePassword: %v", err)
			}
		})
	}
}

// flowFault makes the credential step answer with a crafted flow object.
func flowFault(e *env, status int, body string) {
	e.srv.Faults().Add(sandbox.Fault{Method: http.MethodPost, PathContains: "/flows/", Times: 1, Status: status, Body: body})
}

func TestRedirectless_G2_OtherStatusesNeedBrowser(t *testing.T) {
	for _, status := range []string{"OTP_REQUIRED", "PUSH_CONFIRMATION_REQUIRED", "DEVICE_SELECTION_REQUIRED", "EXTERNAL_AUTHENTICATION_REQUIRED", "SOMETHING_NEW"} {
		t.Run(status, func(t *testing.T) {
			noLeaks(t)
			e := startSandbox(t, otherRedirect)
			flowFault(e, 200, `{"id":"f1","status":"`+status+`","_links":{}}`)
			before := e.srv.Requests(http.MethodPost, "/as/token")
			_, err := e.client(t).SignInWithPassword(waitCtx(t, 30*time.Second), e.info.User.Username, canaryPassword, RedirectlessOptions{})
			var br *BrowserRequiredError
			if !errors.As(err, &br) || br.Status != status {
				t.Fatalf("err = %v, want BrowserRequiredError(%s)", err, status)
			}
			if n := e.srv.Requests(http.MethodPost, "/as/token") - before; n != 0 {
				t.Fatal("token endpoint called for an incomplete flow")
			}
		})
	}
}

func TestRedirectless_G3_ExpiredFlow(t *testing.T) {
	noLeaks(t)
	e := startSandbox(t, otherRedirect)
	flowFault(e, 404, `{"id":"x","code":"NOT_FOUND","message":"The requested resource was not found."}`)
	_, err := e.client(t).SignInWithPassword(waitCtx(t, 30*time.Second), e.info.User.Username, canaryPassword, RedirectlessOptions{})
	var fe *FlowExpiredError
	if !errors.As(err, &fe) {
		t.Fatalf("err = %v, want FlowExpiredError", err)
	}
}

func TestRedirectless_G4_ForeignLinksNotFollowed(t *testing.T) {
	t.Run("resumeUrl", func(t *testing.T) {
		noLeaks(t)
		e := startSandbox(t, otherRedirect)
		flowFault(e, 200, `{"id":"f1","status":"COMPLETED","resumeUrl":"http://127.0.0.2:1/as/resume?flowId=f1"}`)
		_, err := e.client(t).SignInWithPassword(waitCtx(t, 30*time.Second), e.info.User.Username, canaryPassword, RedirectlessOptions{})
		var ul *UnsafeLinkError
		if !errors.As(err, &ul) || ul.Link != "resumeUrl" {
			t.Fatalf("err = %v, want UnsafeLinkError(resumeUrl)", err)
		}
	})
	t.Run("usernamePassword.check", func(t *testing.T) {
		noLeaks(t)
		e := startSandbox(t, otherRedirect)
		// Same host, other port: the origin differs, so the password is not sent.
		e.srv.Faults().Add(sandbox.Fault{Method: http.MethodPost, PathContains: "/as/authorize", Times: 1, Status: 200,
			Body: `{"id":"f1","status":"USERNAME_PASSWORD_REQUIRED","_links":{"usernamePassword.check":{"href":"http://127.0.0.1:1/flows/f1"}}}`})
		_, err := e.client(t).SignInWithPassword(waitCtx(t, 30*time.Second), e.info.User.Username, canaryPassword, RedirectlessOptions{})
		var ul *UnsafeLinkError
		if !errors.As(err, &ul) {
			t.Fatalf("err = %v, want UnsafeLinkError", err)
		}
	})
}

func TestRedirectless_G6_PasswordNeverSurfaces(t *testing.T) {
	noLeaks(t)
	e := startSandbox(t, otherRedirect)
	c := e.client(t)
	rec := newRecorder()
	res, err := c.SignInWithPassword(waitCtx(t, 30*time.Second), e.info.User.Username, canaryPassword, RedirectlessOptions{OnEvent: rec.on})
	if err != nil {
		t.Fatal(err)
	}
	all := rec.text()
	assertNoSecret(t, "events", all, canaryPassword, res.Tokens.AccessToken, res.Tokens.IDToken, res.Tokens.RefreshToken)
	for _, x := range res.Exchanges {
		assertNoSecret(t, "transcript", x.Curl()+x.ResponseBody+x.URL, canaryPassword, res.Tokens.AccessToken, res.Tokens.IDToken)
	}
	// A failed attempt's error and events carry no password either.
	rec2 := newRecorder()
	_, err = c.SignInWithPassword(waitCtx(t, 30*time.Second), e.info.User.Username, canaryPassword+"-wrong", RedirectlessOptions{OnEvent: rec2.on})
	if err == nil {
		t.Fatal("wrong password accepted")
	}
	assertNoSecret(t, "error", err.Error(), canaryPassword)
	assertNoSecret(t, "failed events", rec2.text(), canaryPassword)
	for _, s := range []string{"%v", "%+v", "%#v"} {
		assertNoSecret(t, "formatted result", sprintf(s, res), res.Tokens.AccessToken, res.Tokens.IDToken)
	}
}

func TestRedirectless_G7_CookieJarPerAttempt(t *testing.T) {
	noLeaks(t)
	e := startSandbox(t, otherRedirect)
	c := e.client(t)
	first, err := c.SignInWithPassword(waitCtx(t, 30*time.Second), e.info.User.Username, canaryPassword, RedirectlessOptions{})
	if err != nil {
		t.Fatal(err)
	}
	resumeHadCookie := false
	for _, x := range first.Exchanges {
		if x.Step == "resume" && x.RequestHeader.Get("Cookie") != "" {
			resumeHadCookie = true
		}
	}
	if !resumeHadCookie {
		t.Fatal("the ST cookie was not sent to resume: the attempt's jar does not work")
	}
	second := newRecorder()
	f, err := c.StartRedirectless(waitCtx(t, 30*time.Second), RedirectlessOptions{OnEvent: second.on})
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	for _, ev := range second.all() {
		if ev.Kind == EventResponse && ev.Exchange.RequestHeader.Get("Cookie") != "" {
			t.Fatalf("the second attempt sent a cookie on %s", ev.Step)
		}
	}
}

func TestRedirectless_CancelledContext(t *testing.T) {
	noLeaks(t)
	e := startSandbox(t, otherRedirect)
	hang := &hangingTransport{base: newBaseTransport(), match: "/as/authorize"}
	t.Cleanup(hang.base.CloseIdleConnections)
	c := e.client(t, func(c *Config) { c.Transport = hang })
	ctx, cancel := context.WithCancel(context.Background())
	rec := newRecorder()
	done := make(chan error, 1)
	go func() {
		_, err := c.SignInWithPassword(ctx, e.info.User.Username, canaryPassword, RedirectlessOptions{OnEvent: rec.on})
		done <- err
	}()
	rec.waitFor(t, EventRequest, 10*time.Second) // discovery
	rec.waitFor(t, EventRequest, 10*time.Second) // authorize, now hanging
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if time.Since(start) > 2*time.Second {
			t.Fatal("cancel took too long")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("sign-in did not stop on cancel")
	}
}
