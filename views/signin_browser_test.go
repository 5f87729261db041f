package views

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/pkcedesk/pkcedesk/app"
	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
)

func TestSignInBrowser(t *testing.T) {
	e, s, _ := newSignInEnv(t)
	tap := tapEvents(s, app.SignInEventWaiting)
	task := s.Start(app.SignInBrowser)
	authURL := waitFor(t, e.Win.UI, e.Opened, "the browser to be opened")
	tap.wait(t, app.SignInEventWaiting)

	// The sign-in now waits for the browser: nothing else touches the screen.
	if !s.urlBox.Visible() || s.urlLabel.Text != authURL || s.copyURL.Disabled() {
		t.Fatal("the authorize URL is not shown with Copy URL")
	}
	test.Tap(s.copyURL)
	if got := e.App.Clipboard().Content(); got != authURL {
		t.Fatalf("Copy URL copied %q", got)
	}
	if !strings.Contains(s.verifierLabel.Text, msgVerifierMask) {
		t.Fatalf("verifier not masked while waiting: %q", s.verifierLabel.Text)
	}
	assertNotInLabels(t, s.content, s.pkce.Verifier)
	if !hasNote(s, "Waiting for the browser") || !hasNote(s, "Opened the system browser") {
		t.Fatal("no waiting rows")
	}
	if !s.startBtn.Disabled() {
		t.Fatal("Start is enabled while a sign-in runs")
	}
	if again := s.Start(app.SignInInApp); again != task || e.Desk.CurrentSession() != nil {
		t.Fatal("a second start while running started another sign-in")
	}

	demo, _ := e.Desk.SandboxDemoUser()
	browser := playBrowser(authURL, demo.Username, demo.Password)
	waitSignedIn(t, e, task, "browser sign-in")
	if err := waitFor(t, e.Win.UI, browser, "the fake browser"); err != nil {
		t.Fatal(err)
	}
	sess := e.Desk.CurrentSession()
	if sess == nil || sess.Mode != app.SignInBrowser || !sess.IDToken.OK() || e.Win.Current() != ScreenTokens {
		t.Fatalf("session = %v, screen %d", sess, e.Win.Current())
	}
	if !hasNote(s, "Callback received") || httpSteps(s)["token"] != http.StatusOK {
		t.Fatalf("steps lack the callback or token exchange: %v", httpSteps(s))
	}
	if s.verifierLabel.Text != s.pkce.Verifier {
		t.Fatal("the spent verifier is not revealed")
	}
}

func TestSignInPortBusy(t *testing.T) {
	e, s, _ := newSignInEnv(t)
	port := redirectPort(t, e.Redirect)
	l, err := net.Listen("tcp4", "127.0.0.1:"+port)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	waitTask(t, s.Start(app.SignInBrowser), "sign-in on a busy port")
	if want := "Another program is using port " + port; !strings.Contains(s.status.Text, want) {
		t.Fatalf("status = %q, want %q", s.status.Text, want)
	}
	if s.remedy.Text == "" || s.startBtn.Disabled() || s.running {
		t.Fatal("no remedy, or the screen is not idle")
	}
}

func TestSignInCancelWhileWaiting(t *testing.T) {
	e, s, _ := newSignInEnv(t)
	tap := tapEvents(s, app.SignInEventWaiting)
	task := s.Start(app.SignInBrowser)
	waitFor(t, e.Win.UI, e.Opened, "the browser to be opened")
	tap.wait(t, app.SignInEventWaiting)

	s.Cancel()
	waitTask(t, task, "the cancelled sign-in")
	if s.status.Text != msgCancelled || s.startBtn.Disabled() || !s.cancelBtn.Disabled() || s.urlBox.Visible() {
		t.Fatalf("not idle after cancel: status %q", s.status.Text)
	}
	l, err := net.Listen("tcp4", "127.0.0.1:"+redirectPort(t, e.Redirect))
	if err != nil {
		t.Fatalf("the redirect port is still held: %v", err)
	}
	l.Close()
	if e.Desk.CurrentSession() != nil {
		t.Fatal("a cancelled sign-in left a session")
	}

	// The next attempt starts clean and works.
	s.afterEvent = nil
	waitSignedIn(t, e, s.Start(app.SignInInApp), "sign-in after a cancel")
	if e.Desk.CurrentSession() == nil || hasNote(s, msgCancelled) {
		t.Fatalf("the sign-in after a cancel: status %q", s.status.Text)
	}
}

func TestSignInBrowserCouldNotOpen(t *testing.T) {
	e := newDeskEnv(t, func(o *app.Options) {
		o.OpenBrowser = func(string) error { return fmt.Errorf("no browser on this machine") }
	})
	s := e.Win.SignIn
	a := createSeedApp(t, e.Desk, "Demo", "profile", "email")
	s.UseApp(a.ID, a.Name)
	tap := tapEvents(s, app.SignInEventWaiting)
	task := s.Start(app.SignInBrowser)
	tap.wait(t, app.SignInEventWaiting)
	if s.status.Text != msgBrowserError || !s.urlBox.Visible() || s.urlLabel.Text == "" || !hasNote(s, "Could not open the browser") {
		t.Fatalf("status %q, URL shown %v", s.status.Text, s.urlBox.Visible())
	}
	s.Cancel()
	waitTask(t, task, "the cancelled sign-in")
	if s.status.Text != msgCancelled {
		t.Fatalf("status = %q", s.status.Text)
	}
}

// Issue defect 9: a browser sign-in shows how long it still waits, from the desk's own
// time limit for the attempt.
func TestSignIn_BrowserWaitCountsDown(t *testing.T) {
	clock := &fakeClock{now: time.Now()}
	e := newDeskEnv(t, func(o *app.Options) {
		o.Now = clock.Now
		o.BrowserTimeout = 5 * time.Minute
	})
	s := e.Win.SignIn
	a := createSeedApp(t, e.Desk, "Demo", "profile", "email")
	s.UseApp(a.ID, a.Name)
	ticker := newFakeTicker()
	s.wait.newTicker = ticker.New
	ticked := make(chan struct{}, 1)
	s.wait.onTick = func() { ticked <- struct{}{} }
	tap := tapEvents(s, app.SignInEventWaiting)
	task := s.Start(app.SignInBrowser)
	waitFor(t, e.Win.UI, e.Opened, "the browser to be opened")
	tap.wait(t, app.SignInEventWaiting)
	if !s.wait.label.Visible() || s.wait.label.Text != "Waiting for the browser — 5:00 left" {
		t.Fatalf("countdown = %q (visible %v)", s.wait.label.Text, s.wait.label.Visible())
	}
	clock.Set(clock.Now().Add(28 * time.Second))
	ticker.c <- time.Now()
	waitFor(t, e.Win.UI, ticked, "the countdown to update")
	if s.wait.label.Text != "Waiting for the browser — 4:32 left" {
		t.Fatalf("countdown after 28 s = %q", s.wait.label.Text)
	}
	s.Cancel()
	waitTask(t, task, "the cancelled sign-in")
	if s.wait.label.Visible() {
		t.Fatalf("the countdown stayed after the sign-in ended: %q", s.wait.label.Text)
	}
	if started, stopped := ticker.counts(); started != 1 || stopped != 1 {
		t.Fatalf("ticker started %d, stopped %d", started, stopped)
	}
}

// Issue defect 9: an app whose redirect cannot reach this app is refused before the
// browser opens, with the reason and a Fix redirect button that runs the self-check's fix.
func TestSignIn_UnusableRedirectOffersFixRedirect(t *testing.T) {
	e := newDeskEnv(t)
	s := e.Win.SignIn
	r := e.Desk.NewApplicationRequest()
	r.Name = "Web redirect"
	r.RedirectURIs = []string{"https://example.com/cb"}
	a, err := e.Desk.CreateApplication(context.Background(), r, []string{"profile", "email"})
	if err != nil {
		t.Fatal(err)
	}
	s.UseApp(a.ID, a.Name)
	waitTask(t, s.Start(app.SignInBrowser), "the refused sign-in")
	if !strings.Contains(s.status.Text, "does not send the browser back to PKCE Desk") ||
		!strings.Contains(s.remedy.Text, "https://example.com/cb") || !strings.Contains(s.remedy.Text, e.Redirect) {
		t.Fatalf("status %q / remedy %q", s.status.Text, s.remedy.Text)
	}
	if !s.fixBox.Visible() || s.fixBtn.Disabled() || s.running || s.startBtn.Disabled() {
		t.Fatal("no Fix redirect offered, or the screen is not idle")
	}
	select {
	case u := <-e.Opened:
		t.Fatalf("the browser was opened: %.40s…", u)
	default:
	}

	test.Tap(s.fixBtn)
	waitTask(t, s.task, "Fix redirect")
	if s.fixBox.Visible() || !strings.HasPrefix(s.status.Text, "Fixed: "+e.Redirect) {
		t.Fatalf("after the fix: status %q, button shown %v", s.status.Text, s.fixBox.Visible())
	}
	task := s.Start(app.SignInBrowser)
	waitFor(t, e.Win.UI, e.Opened, "the browser to be opened after the fix")
	s.Cancel()
	waitTask(t, task, "the cancelled sign-in")
}

// anotherWindowSigningIn is a second PKCE Desk with the same redirect URI, waiting for
// its browser sign-in: it holds the loopback port until the test ends.
func anotherWindowSigningIn(t *testing.T, redirect string) {
	t.Helper()
	opened := make(chan string, 1)
	d, err := app.New(app.Options{
		Preferences: app.NewMemoryPreferences(),
		Sandbox:     sandbox.Options{SigningKey: signingKey(t), WorkerSecret: canaryWorkerSecret, Password: canaryPassword},
		Retry:       pingone.RetryPolicy{Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }},
		HTTPTimeout: 20 * time.Second,
		RedirectURI: redirect,
		OpenBrowser: func(u string) error { opened <- u; return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	a := createSeedApp(t, d, "Other window")
	done := make(chan error, 1)
	go func() {
		_, err := d.SignIn(context.Background(), app.SignInRequest{Mode: app.SignInBrowser, ClientID: a.ID}, nil)
		done <- err
	}()
	t.Cleanup(func() {
		d.CancelSignIn()
		<-done
		d.Close()
	})
	waitFor(t, nil, opened, "the other window to open the browser")
}

// F9: another window's sign-in holds the port; the user is told so, not that another
// program is in the way.
func TestSignIn_F9_AnotherWindowSigningInIsNamed(t *testing.T) {
	e, s, _ := newSignInEnv(t)
	anotherWindowSigningIn(t, e.Redirect)
	waitTask(t, s.Start(app.SignInBrowser), "sign-in while another window signs in")
	if s.status.Text != "PKCE Desk is already signing in in another window." || strings.Contains(s.remedy.Text, "Another program") {
		t.Fatalf("status %q / remedy %q", s.status.Text, s.remedy.Text)
	}
	if !hasNote(s, "Failed: PKCE Desk is already signing in") {
		t.Fatal("the steps name another cause than the outcome")
	}
	if s.running || s.startBtn.Disabled() {
		t.Fatal("the screen is not idle")
	}
	select {
	case <-e.Opened:
		t.Fatal("the browser was opened")
	default:
	}
}

// A browser session's PingOne cookie is the browser's: signing out opens PingOne's
// sign-off page there, and the message says so.
func TestSignInBrowserSignOutOpensTheSignOffPage(t *testing.T) {
	e, s, _ := newSignInEnv(t)
	task := s.Start(app.SignInBrowser)
	authURL := waitFor(t, e.Win.UI, e.Opened, "the browser to be opened")
	demo, _ := e.Desk.SandboxDemoUser()
	browser := playBrowser(authURL, demo.Username, demo.Password)
	waitSignedIn(t, e, task, "browser sign-in")
	if err := waitFor(t, e.Win.UI, browser, "the fake browser"); err != nil {
		t.Fatal(err)
	}
	sess := e.Desk.CurrentSession()
	if sess == nil || sess.Mode != app.SignInBrowser {
		t.Fatalf("session = %v", sess)
	}
	test.Tap(s.signOut)
	waitTask(t, s.task, "sign-out")
	signOff := waitFor(t, e.Win.UI, e.Opened, "the sign-off page")
	if !strings.Contains(signOff, "/as/signoff") {
		t.Fatalf("opened %.60q…", signOff)
	}
	if e.Desk.CurrentSession() != nil || !strings.HasPrefix(s.sessionMsg.Text, "Signed out at ") ||
		!strings.Contains(s.sessionMsg.Text, "sign-off page was opened in the browser") {
		t.Fatalf("after sign-out: %q", s.sessionMsg.Text)
	}
	assertNotInLabels(t, s.content, sess.Tokens.AccessToken, sess.Tokens.IDToken)
}
