package app

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox/sandboxtest"
	"github.com/pkcedesk/pkcedesk/pingone/signin"
	"github.com/pkcedesk/pkcedesk/pingone/token"
)

// events collects sign-in events from the attempt's goroutines.
type events struct {
	mu    sync.Mutex
	all   []SignInEvent
	kinds chan SignInEventKind
}

func newEvents() *events { return &events{kinds: make(chan SignInEventKind, 512)} }

func (e *events) on(ev SignInEvent) {
	e.mu.Lock()
	e.all = append(e.all, ev)
	e.mu.Unlock()
	select {
	case e.kinds <- ev.Kind:
	default:
	}
}

func (e *events) has(k SignInEventKind) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, ev := range e.all {
		if ev.Kind == k {
			return true
		}
	}
	return false
}

func (e *events) text() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var b strings.Builder
	for _, ev := range e.all {
		fmt.Fprintf(&b, "%v %s %s %s %s\n", ev.Kind, ev.Step, ev.Message, ev.AuthorizeURL, ev.Err)
		if ev.Exchange != nil {
			fmt.Fprintf(&b, "%s %v %s %s\n", ev.Exchange.URL, ev.Exchange.RequestHeader, ev.Exchange.RequestBody, ev.Exchange.ResponseBody)
		}
	}
	return b.String()
}

// createSignInApp registers a public app that can refresh, with profile and email granted.
func createSignInApp(t *testing.T, d *Desk) string {
	t.Helper()
	req := d.NewApplicationRequest()
	req.Name = fmt.Sprintf("signin-%d", time.Now().UnixNano())
	req.GrantTypes = []string{"AUTHORIZATION_CODE", "REFRESH_TOKEN"}
	app, err := d.CreateApplication(testCtx(t), req, []string{"profile", "email"})
	if err != nil {
		t.Fatalf("create app: %v", err)
	}
	return app.ID
}

func TestInAppSignInSessionLifecycle(t *testing.T) {
	d, _ := newDesk(t)
	ctx := testCtx(t)
	clientID := createSignInApp(t, d)
	demo, err := d.SandboxDemoUser()
	if err != nil {
		t.Fatal(err)
	}
	ev := newEvents()
	sess, err := d.SignIn(ctx, SignInRequest{
		Mode: SignInInApp, ClientID: clientID, Scopes: []string{"profile", "email", "openid"},
		Username: demo.Username, Password: demo.Password,
	}, ev.on)
	if err != nil {
		t.Fatalf("SignIn: %v", err)
	}
	srv, _ := d.ensureSandbox()
	if sess.Subject == "" || sess.Subject != srv.UserID(demo.Username) || !sess.IDToken.OK() || sess.ClientID != clientID {
		t.Fatalf("session = %v, want the demo user with a verified ID token", sess)
	}
	if strings.Join(sess.Scopes, " ") != "openid profile email" {
		t.Fatalf("scopes = %v, want openid first and no duplicates", sess.Scopes)
	}
	if d.CurrentSession() != sess {
		t.Fatal("the session did not become current")
	}
	if !ev.has(SignInEventDone) {
		t.Fatal("no EventDone was forwarded")
	}
	if strings.Contains(fmt.Sprintf("%v %+v", sess, sess), sess.Tokens.AccessToken) {
		t.Fatal("a printed session shows the access token")
	}

	info, err := d.UserInfo(ctx)
	if err != nil || info["sub"] != sess.Subject {
		t.Fatalf("UserInfo = %v, %v", info, err)
	}
	rep, err := d.VerifyToken(ctx, sess.Tokens.IDToken)
	if err != nil || !rep.OK() || rep.Token.Kind != token.IDToken {
		t.Fatalf("VerifyToken(ID token) = %+v, %v", rep, err)
	}
	if rep, err := d.VerifyToken(ctx, sess.Tokens.AccessToken); err != nil || !rep.OK() {
		t.Fatalf("VerifyToken(access token) = %+v, %v", rep, err)
	}
	// An ID token checked against another app's client ID fails the aud check.
	if rep, err := d.VerifyTokenFor(ctx, sess.Tokens.IDToken, "00000000-0000-4000-8000-000000000000"); err == nil || rep == nil {
		t.Fatal("an ID token passed for the wrong client ID")
	} else if c, _ := rep.Check(token.CheckAud); c.Status != token.Failed {
		t.Fatalf("aud check = %+v", c)
	}

	oldRefresh := sess.Tokens.RefreshToken
	if oldRefresh == "" {
		t.Fatal("no refresh token although the app has the REFRESH_TOKEN grant")
	}
	next, err := d.Refresh(ctx)
	if err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	if next.Tokens.RefreshToken == "" || next.Tokens.RefreshToken == oldRefresh || d.CurrentSession() != next {
		t.Fatal("refresh did not rotate the refresh token into the current session")
	}

	revokesBefore := srv.Requests("POST", "/as/revoke")
	signOff, err := d.SignOut(ctx)
	if err != nil {
		t.Fatalf("SignOut: %v", err)
	}
	if signOff != "" {
		t.Fatal("the sign-out of an in-app session returned a URL for the browser")
	}
	if srv.Requests("GET", "/as/signoff") != 1 {
		t.Fatal("the sign-out of an in-app session did not sign PingOne's session off")
	}
	if srv.Requests("POST", "/as/revoke")-revokesBefore != 2 {
		t.Fatal("sign-out did not revoke the refresh and access tokens")
	}
	if d.CurrentSession() != nil {
		t.Fatal("session kept after sign-out")
	}
	if _, err := d.UserInfo(ctx); !errors.Is(err, ErrNoSession) {
		t.Fatalf("UserInfo after sign-out: %v", err)
	}
	if _, err := d.Refresh(ctx); !errors.Is(err, ErrNoSession) {
		t.Fatalf("Refresh after sign-out: %v", err)
	}
	assertNoCanary(t, "events", ev.text())
	assertNoCanary(t, "transcript", transcriptText(d), sess.Tokens.AccessToken, oldRefresh, next.Tokens.RefreshToken)
}

func TestInAppSignInWrongPassword(t *testing.T) {
	d, _ := newDesk(t)
	clientID := createSignInApp(t, d)
	_, err := d.SignIn(testCtx(t), SignInRequest{Mode: SignInInApp, ClientID: clientID, Username: "demo.user", Password: "Wrong-Pw-1!"}, nil)
	var ice *signin.InvalidCredentialsError
	if !errors.As(err, &ice) {
		t.Fatalf("err = %v, want *signin.InvalidCredentialsError", err)
	}
	if pr := Explain(err); !strings.Contains(pr.Title, "Invalid username or password") {
		t.Fatalf("explanation = %+v", pr)
	}
	if d.CurrentSession() != nil {
		t.Fatal("a failed sign-in left a session")
	}
}

func TestSignInValidatesRequest(t *testing.T) {
	d, _ := newDesk(t)
	ctx := testCtx(t)
	if _, err := d.SignIn(ctx, SignInRequest{Mode: SignInInApp, ClientID: "../x", Username: "u", Password: "p"}, nil); err == nil {
		t.Fatal("a non-UUID client ID was accepted")
	}
	if _, err := d.SignIn(ctx, SignInRequest{Mode: SignInInApp, ClientID: "00000000-0000-4000-8000-000000000000"}, nil); err == nil {
		t.Fatal("an in-app sign-in without credentials was accepted")
	}
	if _, err := d.SignIn(ctx, SignInRequest{Mode: SignInBrowser, ClientID: "00000000-0000-4000-8000-000000000000"}, nil); err == nil {
		t.Fatal("a browser sign-in without OpenBrowser was accepted")
	}
	if s := fmt.Sprintf("%v %+v %#v", SignInRequest{Password: canaryPassword}, SignInRequest{Password: canaryPassword}, SignInRequest{Password: canaryPassword}); strings.Contains(s, canaryPassword) {
		t.Fatal("a printed SignInRequest shows the password")
	}
}

func TestInAppSignInPasswordChange(t *testing.T) {
	d, _ := newDesk(t)
	ctx := testCtx(t)
	clientID := createSignInApp(t, d)
	if _, err := d.ChangePassword(ctx, "a", "b"); !errors.Is(err, ErrNoPasswordChange) {
		t.Fatalf("ChangePassword with nothing pending: %v", err)
	}
	srv, _ := d.ensureSandbox()
	demo, _ := d.SandboxDemoUser()
	srv.SetUserPasswordState(demo.Username, "MUST_CHANGE_PASSWORD")
	_, err := d.SignIn(ctx, SignInRequest{Mode: SignInInApp, ClientID: clientID, Username: demo.Username, Password: demo.Password}, nil)
	var pcr *signin.PasswordChangeRequired
	if !errors.As(err, &pcr) {
		t.Fatalf("err = %v, want *signin.PasswordChangeRequired", err)
	}
	if status, ok := PasswordChange(err); !ok || status != "MUST_CHANGE_PASSWORD" {
		t.Fatalf("PasswordChange(err) = %q, %v", status, ok)
	}
	if _, ok := PasswordChange(errors.New("other")); ok {
		t.Fatal("PasswordChange accepted another error")
	}
	sess, err := d.ChangePassword(ctx, demo.Password, "Brand-New-Pw-42!")
	if err != nil {
		t.Fatalf("ChangePassword: %v", err)
	}
	if !sess.IDToken.OK() || d.CurrentSession() != sess {
		t.Fatal("the sign-in did not complete after the password change")
	}
	assertNoCanary(t, "transcript", transcriptText(d), "Brand-New-Pw-42!")
}

func TestBrowserSignInCancel(t *testing.T) {
	redirect, port := freeRedirect(t)
	opened := make(chan string, 1)
	d, _ := newDesk(t, func(o *Options) {
		o.RedirectURI = redirect
		o.OpenBrowser = func(u string) error { opened <- u; return nil } // a browser nobody uses
	})
	clientID := createSignInApp(t, d)
	done := make(chan error, 1)
	go func() {
		_, err := d.SignIn(context.Background(), SignInRequest{Mode: SignInBrowser, ClientID: clientID, PromptLogin: true}, nil)
		done <- err
	}()
	var authURL string
	select {
	case authURL = <-opened:
	case <-time.After(30 * time.Second):
		t.Fatal("the browser was never opened")
	}
	u, _ := url.Parse(authURL)
	if q := u.Query(); q.Get("prompt") != "login" || q.Get("client_id") != clientID || q.Get("redirect_uri") != redirect ||
		q.Get("code_challenge_method") != "S256" || !strings.Contains(q.Get("scope"), "openid") {
		t.Fatalf("authorize URL = %s", authURL)
	}
	d.CancelSignIn()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("a cancelled sign-in succeeded")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("SignIn did not return after CancelSignIn")
	}
	// The loopback port is free again right away (case F2/H3).
	l, err := net.Listen("tcp4", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatalf("port %d still held after cancel: %v", port, err)
	}
	l.Close()
	if d.CurrentSession() != nil {
		t.Fatal("a cancelled sign-in left a session")
	}
}

// fakeBrowser plays the user's browser: it signs on at the sandbox's hosted page and
// follows the redirect back to the loopback listener.
func fakeBrowser(username, password string, result chan<- error) func(string) error {
	return func(authURL string) error {
		go func() { result <- sandboxtest.SignOnInBrowser(authURL, username, password) }()
		return nil
	}
}

func TestBrowserSignInEndToEnd(t *testing.T) {
	redirect, _ := freeRedirect(t)
	browserDone := make(chan error, 1)
	d, _ := newDesk(t, func(o *Options) {
		o.RedirectURI = redirect
		o.OpenBrowser = fakeBrowser("demo.user", canaryPassword, browserDone)
	})
	clientID := createSignInApp(t, d)
	check, err := d.CheckApplication(testCtx(t), clientID)
	if err != nil || !check.OK() {
		t.Fatalf("self-check of the sign-in app: %v, %v", check, err)
	}
	ev := newEvents()
	sess, err := d.SignIn(testCtx(t), SignInRequest{Mode: SignInBrowser, ClientID: clientID}, ev.on)
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
	if sess.Mode != SignInBrowser || !sess.IDToken.OK() || d.CurrentSession() != sess {
		t.Fatalf("session = %v", sess)
	}
	if !ev.has(SignInEventAuthorizeURL) || !ev.has(SignInEventDone) {
		t.Fatal("events were not forwarded")
	}
	assertNoCanary(t, "events", ev.text())
}

func TestSecondSignInSupersedesFirst(t *testing.T) {
	redirect, _ := freeRedirect(t)
	opened := make(chan string, 2)
	d, _ := newDesk(t, func(o *Options) {
		o.RedirectURI = redirect
		o.OpenBrowser = func(u string) error { opened <- u; return nil }
	})
	clientID := createSignInApp(t, d)
	first := make(chan error, 1)
	go func() {
		_, err := d.SignIn(context.Background(), SignInRequest{Mode: SignInBrowser, ClientID: clientID}, nil)
		first <- err
	}()
	select {
	case <-opened:
	case <-time.After(30 * time.Second):
		t.Fatal("the first sign-in never opened the browser")
	}
	demo, _ := d.SandboxDemoUser()
	sess, err := d.SignIn(testCtx(t), SignInRequest{Mode: SignInInApp, ClientID: clientID, Username: demo.Username, Password: demo.Password}, nil)
	if err != nil {
		t.Fatalf("second sign-in: %v", err)
	}
	select {
	case err := <-first:
		if !errors.Is(err, signin.ErrSuperseded) {
			t.Fatalf("first sign-in ended with %v, want ErrSuperseded", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the first sign-in was not cancelled")
	}
	if d.CurrentSession() != sess {
		t.Fatal("the second sign-in's session is not current")
	}
}

func TestVerifyPastedTokenFromAnotherIssuer(t *testing.T) {
	d, _ := newDesk(t)
	// A syntactically valid, unsigned-looking token naming a foreign issuer.
	foreign := "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0." +
		"eyJpc3MiOiJodHRwczovL2F1dGgucGluZ29uZS5jb20vMTExMTExMTEtMjIyMi00MzMzLTg0NDQtNTU1NTU1NTU1NTU1L2FzIiwic3ViIjoieCJ9." +
		"c2ln"
	if _, err := DecodeToken(foreign); err != nil {
		t.Fatalf("DecodeToken: %v", err)
	}
	_, err := d.VerifyToken(testCtx(t), foreign)
	if !errors.Is(err, ErrForeignIssuer) {
		t.Fatalf("err = %v, want ErrForeignIssuer", err)
	}
	srv, _ := d.ensureSandbox()
	if srv.Requests("", "/jwks") != 0 || srv.Requests("", "openid-configuration") != 0 {
		t.Fatal("keys were fetched for a foreign token")
	}
	if _, err := d.VerifyToken(testCtx(t), "not.a.jwt!"); err == nil {
		t.Fatal("garbage verified")
	}
}

// Transcript entries of a sign-in carry the step label for the timeline.
func TestSignInIsRecordedInTranscript(t *testing.T) {
	d, _ := newDesk(t)
	clientID := createSignInApp(t, d)
	demo, _ := d.SandboxDemoUser()
	d.Transcript().Clear()
	var seen []pingone.Exchange
	var mu sync.Mutex
	unsub := d.Transcript().Subscribe(func(e pingone.Exchange) { mu.Lock(); seen = append(seen, e); mu.Unlock() })
	defer unsub()
	if _, err := d.SignIn(testCtx(t), SignInRequest{Mode: SignInInApp, ClientID: clientID, Username: demo.Username, Password: demo.Password}, nil); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	var token bool
	for _, e := range seen {
		if strings.HasSuffix(strings.SplitN(e.URL, "?", 2)[0], "/as/token") {
			token = true
			if strings.Contains(e.Curl(), canaryPassword) {
				t.Fatal("cURL of the token call leaks the password")
			}
		}
	}
	if !token {
		t.Fatalf("the token exchange is not in the transcript (%d entries)", len(seen))
	}
}

var (
	rotatedOnce sync.Once
	rotatedPriv *rsa.PrivateKey
)

// rotatedKey is the key tests rotate the sandbox to, made once (slow under -race).
func rotatedKey() *rsa.PrivateKey {
	rotatedOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		rotatedPriv = k
	})
	return rotatedPriv
}

func signInDemo(t *testing.T, d *Desk) *Session {
	t.Helper()
	clientID := createSignInApp(t, d)
	demo, err := d.SandboxDemoUser()
	if err != nil {
		t.Fatal(err)
	}
	sess, err := d.SignIn(testCtx(t), SignInRequest{Mode: SignInInApp, ClientID: clientID, Username: demo.Username, Password: demo.Password}, nil)
	if err != nil {
		t.Fatalf("SignIn: %v", err)
	}
	return sess
}

// A refresh whose new ID token cannot be verified keeps the new tokens (PingOne has
// already replaced the refresh token), says why the ID token is not verified, and keeps
// the signed-in identity; the next refresh then still works.
func TestRefresh_UnverifiedIDTokenKeepsTokensAndReason(t *testing.T) {
	d, _ := newDesk(t)
	ctx := testCtx(t)
	sess := signInDemo(t, d)
	warm, err := d.Refresh(ctx) // the refresh key set is fetched now
	if err != nil || warm.IDTokenErr != nil {
		t.Fatalf("first refresh: %v / %v", err, warm.IDTokenErr)
	}
	srv, _ := d.ensureSandbox()
	srv.RotateSigningKeyTo(rotatedKey())
	srv.Faults().Add(sandbox.Fault{Method: "GET", PathContains: "/as/jwks", Times: 1, Status: 503, Body: `{}`})

	next, err := d.Refresh(ctx)
	if err != nil {
		t.Fatalf("refresh with an unverifiable ID token: %v", err)
	}
	var rejected *signin.IDTokenRejectedError
	if !errors.As(next.IDTokenErr, &rejected) || next.IDToken == nil || next.IDToken.OK() {
		t.Fatalf("IDTokenErr = %v: want the ID token marked not verified, with its checklist", next.IDTokenErr)
	}
	if c, _ := next.IDToken.Check(token.CheckSignature); c.Status != token.Failed || c.Reason == "" {
		t.Fatalf("signature check = %+v, want a failure with a reason", c)
	}
	if next.Tokens.RefreshToken == warm.Tokens.RefreshToken || next.Tokens.IDToken == warm.Tokens.IDToken || d.CurrentSession() != next {
		t.Fatal("the refreshed tokens were not adopted")
	}
	if next.Subject != sess.Subject {
		t.Fatalf("subject changed to %q", next.Subject)
	}
	assertNoCanary(t, "IDTokenErr", next.IDTokenErr.Error(), next.Tokens.AccessToken, next.Tokens.RefreshToken)

	again, err := d.Refresh(ctx)
	if err != nil {
		t.Fatalf("refresh after an unverified one (was the rotated refresh token kept?): %v", err)
	}
	if again.Tokens.RefreshToken == next.Tokens.RefreshToken {
		t.Fatal("the second refresh did not rotate")
	}
}

// OIDC Core §12.2: a refreshed ID token about another user is not adopted; the session
// keeps its identity and tokens, and the user is told to sign in again.
func TestRefresh_AnotherUsersIDTokenIsNotAdopted(t *testing.T) {
	d, _ := newDesk(t)
	ctx := testCtx(t)
	sess := signInDemo(t, d)
	srv, _ := d.ensureSandbox()

	const at = "at-foreign-CANARY"
	now := time.Now()
	foreign := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{
		"iss": sess.Issuer, "sub": "another-user-CANARY", "aud": sess.ClientID, "name": "Mallory",
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(), "at_hash": token.HalfHash(at),
	})
	foreign.Header["kid"] = srv.SigningKeyID()
	raw, err := foreign.SignedString(signingKey()) // genuinely signed by the environment's key
	if err != nil {
		t.Fatal(err)
	}
	srv.Faults().Add(sandbox.Fault{Method: "POST", PathContains: "/as/token", Times: 1, Status: 200,
		Body: `{"access_token":"` + at + `","token_type":"Bearer","expires_in":3600,"refresh_token":"rt-foreign-CANARY","id_token":"` + raw + `"}`})

	next, err := d.Refresh(ctx)
	var rie *signin.RefreshIdentityError
	if !errors.As(err, &rie) || rie.Claim != "sub" || next != nil {
		t.Fatalf("Refresh = %v, %v; want a *signin.RefreshIdentityError for sub", next, err)
	}
	p := Explain(err)
	if !strings.Contains(p.Title, "not for the signed-in user") || !strings.Contains(p.Remedy, "sign in again") {
		t.Fatalf("explanation = %q / %q", p.Title, p.Remedy)
	}
	assertNoCanary(t, "explanation", p.Title+p.Remedy+p.Detail(), "another-user-CANARY", "Mallory", at, "rt-foreign-CANARY")
	cur := d.CurrentSession()
	if cur != sess || cur.Subject != sess.Subject || cur.Tokens.AccessToken == at || cur.Tokens.RefreshToken == "rt-foreign-CANARY" {
		t.Fatal("the session adopted another user's tokens")
	}
}

// Sign-ins with the same application share one key set: the issuer's JWKS is fetched by
// the first, not again by a second one after sign-out nor by a third with the session
// still open, and each still ends verified.
func TestRepeatedSignInsFetchTheJWKSOnce(t *testing.T) {
	d, _ := newDesk(t)
	clientID := createSignInApp(t, d)
	demo, _ := d.SandboxDemoUser()
	d.Transcript().Clear()
	for i := range 3 {
		sess, err := d.SignIn(testCtx(t), SignInRequest{Mode: SignInInApp, ClientID: clientID, Username: demo.Username, Password: demo.Password}, nil)
		if err != nil {
			t.Fatalf("sign-in %d: %v", i+1, err)
		}
		if sess.IDToken == nil || !sess.IDToken.OK() {
			t.Fatalf("sign-in %d: ID token not verified", i+1)
		}
		if i == 0 {
			if _, err := d.SignOut(testCtx(t)); err != nil {
				t.Fatalf("sign-out: %v", err)
			}
		}
	}
	jwks := 0
	for _, e := range d.Transcript().Entries() {
		if strings.HasSuffix(strings.SplitN(e.URL, "?", 2)[0], "/jwks") {
			jwks++
		}
	}
	if jwks != 1 {
		t.Fatalf("three sign-ins fetched the JWKS %d times, want once", jwks)
	}
}
