package views

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/oauth2"

	"github.com/pkcedesk/pkcedesk/app"
	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox/sandboxtest"
	"github.com/pkcedesk/pkcedesk/pingone/signin"
)

// newSignInEnv is a desk on the sandbox with a native app created and picked.
func newSignInEnv(t *testing.T) (*deskEnv, *SignInScreen, *pingone.Application) {
	t.Helper()
	e := newDeskEnv(t)
	s := e.Win.SignIn
	a := createSeedApp(t, e.Desk, "Demo", "profile", "email")
	s.UseApp(a.ID, a.Name)
	return e, s, a
}

// waitSignedIn waits for a task that ends in showSession, and for the access-token check
// the Tokens screen then runs in the background (it writes widgets too).
func waitSignedIn(t *testing.T, e *deskEnv, task *Task, what string) {
	t.Helper()
	waitTask(t, task, what)
	if e.Win.accessCheck != nil {
		waitTask(t, e.Win.accessCheck, "the access-token check")
	}
}

// eventTap lets a test wait until an event of a kind was put on screen. The hook runs
// at the end of the screen's handling, so after a receive the test may read the
// widgets as long as the sign-in is blocked (waiting for the browser).
type eventTap struct {
	mu    sync.Mutex
	kinds map[signin.EventKind]chan struct{}
	seen  []string // verifier label texts at each event, for the masking check
}

func tapEvents(s *SignInScreen, kinds ...signin.EventKind) *eventTap {
	tap := &eventTap{kinds: map[signin.EventKind]chan struct{}{}}
	for _, k := range kinds {
		tap.kinds[k] = make(chan struct{}, 1)
	}
	s.afterEvent = func(ev signin.Event) {
		tap.mu.Lock()
		tap.seen = append(tap.seen, ev.Kind.String()+"="+s.verifierLabel.Text)
		tap.mu.Unlock()
		if ch, ok := tap.kinds[ev.Kind]; ok {
			select {
			case ch <- struct{}{}:
			default:
			}
		}
	}
	return tap
}

func (tap *eventTap) wait(t *testing.T, k signin.EventKind) {
	t.Helper()
	waitFor(t, tap.kinds[k], "event "+k.String())
}

func (tap *eventTap) verifierTexts() []string {
	tap.mu.Lock()
	defer tap.mu.Unlock()
	return append([]string(nil), tap.seen...)
}

// allLabels is every label under o, visible or not (hidden ones must not leak either).
func allLabels(o fyne.CanvasObject) []string {
	var out []string
	var walk func(fyne.CanvasObject)
	walk = func(obj fyne.CanvasObject) {
		switch c := obj.(type) {
		case nil:
			return
		case *widget.Label:
			out = append(out, c.Text)
		case *fyne.Container:
			for _, ch := range c.Objects {
				walk(ch)
			}
		case fyne.Widget:
			for _, ch := range test.WidgetRenderer(c).Objects() {
				walk(ch)
			}
		}
	}
	walk(o)
	return out
}

func assertNotInLabels(t *testing.T, o fyne.CanvasObject, secrets ...string) {
	t.Helper()
	for _, l := range allLabels(o) {
		for _, sec := range secrets {
			if sec != "" && strings.Contains(l, sec) {
				t.Fatalf("a label shows a secret: %q", l)
			}
		}
	}
}

// httpSteps maps each HTTP step's name to its status.
func httpSteps(s *SignInScreen) map[string]int {
	out := map[string]int{}
	for _, st := range s.steps {
		if st.ex != nil {
			out[st.ex.Step] = st.ex.Status
		}
	}
	return out
}

func hasNote(s *SignInScreen, sub string) bool {
	for _, st := range s.steps {
		if st.ex == nil && strings.Contains(st.text, sub) {
			return true
		}
	}
	return false
}

func redirectPort(t *testing.T, redirect string) string {
	t.Helper()
	u, err := url.Parse(redirect)
	if err != nil {
		t.Fatal(err)
	}
	return u.Port()
}

// playBrowser is the user's browser: it signs on at the sandbox's hosted page and
// follows the redirects back to the loopback listener.
func playBrowser(authURL, username, password string) <-chan error {
	done := make(chan error, 1)
	go func() { done <- sandboxtest.SignOnInBrowser(authURL, username, password) }()
	return done
}

func TestSignInScreenEntry(t *testing.T) {
	e := newDeskEnv(t)
	s := e.Win.SignIn
	scr := e.Win.Screens[ScreenSignIn]
	if scr.Title != "Sign in" || scr.Icon != theme.LoginIcon() {
		t.Fatalf("screen = %q %v", scr.Title, scr.Icon)
	}
	labels := map[string]bool{}
	for _, a := range scr.Actions {
		labels[a.Label] = a.Shortcut != nil && a.Run != nil
	}
	for _, want := range []string{"Sign in with the browser", "Sign in here (in-app)", "Cancel sign-in"} {
		if !labels[want] {
			t.Fatalf("action %q missing or without shortcut; have %v", want, labels)
		}
	}
	// The defaults of the form.
	if !s.scopeOpenID.Checked || !s.scopeOpenID.Disabled() || !s.scopeProfile.Checked || !s.scopeEmail.Checked || s.scopeOffline.Checked {
		t.Fatal("default scopes are not openid (fixed), profile, email")
	}
	demo, _ := e.Desk.SandboxDemoUser()
	if s.username.Text != demo.Username || s.password.Text != demo.Password || !strings.Contains(s.credsNote.Text, "demo user of the offline sandbox") {
		t.Fatal("the sandbox demo user is not prefilled and explained")
	}
	assertNotInLabels(t, s.content, canaryPassword)

	// Showing the screen lists the apps; a created app appears as "name (short ID)".
	a := createSeedApp(t, e.Desk, "Listed", "profile")
	e.Win.Show(ScreenSignIn)
	waitTask(t, s.appsTask, "the application list")
	i := s.appIndex(a.ID)
	if i < 0 || !strings.HasPrefix(s.appSelect.Options[i], "Listed ("+a.ID[:8]) {
		t.Fatalf("options = %v", s.appSelect.Options)
	}
	s.appSelect.SetSelectedIndex(i)
	if s.clientID.Text != a.ID {
		t.Fatalf("picking the app set the client ID to %q", s.clientID.Text)
	}
	s.clientID.SetText("something-else")
	if s.appSelect.SelectedIndex() != -1 {
		t.Fatal("typing another client ID kept the app picked")
	}
	s.UseApp(a.ID, a.Name)
	if s.appSelect.SelectedIndex() != i || s.clientID.Text != a.ID {
		t.Fatal("UseApp did not pick the app")
	}
}

func TestSignInInAppWithSandboxDemoUser(t *testing.T) {
	e, s, a := newSignInEnv(t)
	tap := tapEvents(s, signin.EventWaiting)
	waitSignedIn(t, e, s.Start(app.SignInInApp), "in-app sign-in")

	sess := e.Desk.CurrentSession()
	if sess == nil || !sess.IDToken.OK() || sess.ClientID != a.ID {
		t.Fatalf("session = %v", sess)
	}
	if e.Win.Current() != ScreenTokens {
		t.Fatalf("current screen = %d, want Tokens", e.Win.Current())
	}
	// The user is named by the ID token's name claim (scope profile), not by the sub.
	if want := "Signed in as Demo User · ID token verified"; s.status.Text != want {
		t.Fatalf("status = %q, want %q", s.status.Text, want)
	}
	steps := httpSteps(s)
	for _, name := range []string{"authorize", "flow", "resume", "token"} {
		if steps[name] != http.StatusOK {
			t.Fatalf("step %s: status %d (steps %v)", name, steps[name], steps)
		}
	}
	for _, st := range s.steps {
		if st.ex != nil && st.ex.Step == "authorize" {
			s.stepList.Select(widgetIndex(s, st.ex))
			if !strings.Contains(s.stepRequest.Text, "POST ") || s.stepCurl.Disabled() {
				t.Fatalf("selecting a step did not show it: %q", s.stepRequest.Text)
			}
			s.copyCurl(s.selected)
			if got := e.App.Clipboard().Content(); !strings.HasPrefix(got, "curl") {
				t.Fatalf("clipboard = %q", got)
			}
			break
		}
	}
	if !hasNote(s, "Done") {
		t.Fatal("no done row")
	}

	// PKCE panel: masked while running, in full once the code was redeemed.
	if s.pkce == nil {
		t.Fatal("no PKCE values shown")
	}
	v := s.pkce.Verifier
	for _, text := range tap.verifierTexts() {
		if strings.HasPrefix(text, "done=") || strings.HasPrefix(text, "failed=") {
			continue
		}
		if strings.Contains(text, v) || (strings.Contains(text, "waiting=") && !strings.Contains(text, msgVerifierMask)) {
			t.Fatalf("the verifier was visible during the attempt: %q", text)
		}
	}
	if s.verifierLabel.Text != v || s.challengeLabel.Text != oauth2.S256ChallengeFromVerifier(v) || s.methodLabel.Text != "S256" {
		t.Fatalf("PKCE panel = %q / %q / %q", s.verifierLabel.Text, s.challengeLabel.Text, s.methodLabel.Text)
	}
	if s.stateLabel.Text == "" || s.nonceLabel.Text == "" || s.stateLabel.Text == msgNoAttempt {
		t.Fatal("state or nonce missing")
	}
	if s.startBtn.Disabled() || !s.cancelBtn.Disabled() || s.refreshBtn.Disabled() {
		t.Fatal("the screen is not idle with session actions enabled")
	}
	assertNotInLabels(t, s.content, canaryPassword, sess.Tokens.AccessToken)
}

// widgetIndex is the list row of an exchange.
func widgetIndex(s *SignInScreen, ex *pingone.Exchange) int {
	for i, st := range s.steps {
		if st.ex == ex {
			return i
		}
	}
	return -1
}

func TestSignInWrongPassword(t *testing.T) {
	e, s, _ := newSignInEnv(t)
	const wrong = "Wrong-Pw-7e2d!x"
	s.password.SetText(wrong)
	waitTask(t, s.Start(app.SignInInApp), "sign-in with a wrong password")
	if s.status.Text != "Invalid username or password." {
		t.Fatalf("status = %q", s.status.Text)
	}
	if s.startBtn.Disabled() || s.running {
		t.Fatal("Start is not enabled again")
	}
	if e.Desk.CurrentSession() != nil {
		t.Fatal("a session after a wrong password")
	}
	if !hasNote(s, "Failed") {
		t.Fatal("no failed row")
	}
	assertNotInLabels(t, s.content, wrong, canaryPassword)
}

func TestSignInBrowser(t *testing.T) {
	e, s, _ := newSignInEnv(t)
	tap := tapEvents(s, signin.EventWaiting)
	task := s.Start(app.SignInBrowser)
	authURL := waitFor(t, e.Opened, "the browser to be opened")
	tap.wait(t, signin.EventWaiting)

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
	if err := waitFor(t, browser, "the fake browser"); err != nil {
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
	tap := tapEvents(s, signin.EventWaiting)
	task := s.Start(app.SignInBrowser)
	waitFor(t, e.Opened, "the browser to be opened")
	tap.wait(t, signin.EventWaiting)

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

func TestSignInNeedsAnApp(t *testing.T) {
	e := newDeskEnv(t)
	s := e.Win.SignIn
	waitTask(t, s.Start(app.SignInInApp), "sign-in without an app")
	if !s.appMsg.Visible() || s.appMsg.Text != msgPickApp {
		t.Fatalf("field message = %q (visible %v)", s.appMsg.Text, s.appMsg.Visible())
	}
	s.UseApp(createSeedApp(t, e.Desk, "Demo").ID, "Demo")
	s.username.SetText("")
	waitTask(t, s.Start(app.SignInInApp), "sign-in without a username")
	if !s.credsMsg.Visible() || s.appMsg.Visible() {
		t.Fatal("the missing username is not marked")
	}
}

func TestSignInPasswordChange(t *testing.T) {
	e, s, _ := newSignInEnv(t)
	demo, _ := e.Desk.SandboxDemoUser()
	e.Sandbox.SetUserPasswordState(demo.Username, "MUST_CHANGE_PASSWORD")
	waitTask(t, s.Start(app.SignInInApp), "sign-in that needs a new password")
	if !s.changeBox.Visible() || s.startBtn.Disabled() || s.cancelBtn.Disabled() {
		t.Fatal("the change-password step is not shown")
	}
	if strings.Contains(s.verifierLabel.Text, s.pkce.Verifier) {
		t.Fatal("the verifier is shown although the code was not redeemed yet")
	}

	// A new password PingOne refuses keeps the step open with its reason.
	s.newPw.SetText("short")
	s.confirm.SetText("short")
	test.Tap(s.changeBtn)
	waitTask(t, s.task, "a refused password change")
	if !s.changeBox.Visible() || !s.changeMsg.Visible() || s.changeMsg.Text == "" {
		t.Fatalf("refused change: box %v, message %q", s.changeBox.Visible(), s.changeMsg.Text)
	}

	const next = "Brand-New-Pw-42!"
	s.newPw.SetText(next)
	s.confirm.SetText(next + "x")
	test.Tap(s.changeBtn)
	if !strings.Contains(s.changeMsg.Text, "differ") {
		t.Fatalf("mismatch not caught: %q", s.changeMsg.Text)
	}
	s.confirm.SetText(next)
	test.Tap(s.changeBtn)
	waitSignedIn(t, e, s.task, "the password change")
	if sess := e.Desk.CurrentSession(); sess == nil || !sess.IDToken.OK() || e.Win.Current() != ScreenTokens {
		t.Fatalf("no session after the change: %q", s.status.Text)
	}
	if s.changeBox.Visible() || s.verifierLabel.Text != s.pkce.Verifier {
		t.Fatal("the step stayed open or the spent verifier is hidden")
	}
	assertNotInLabels(t, s.content, next, canaryPassword)
}

func TestSignInSessionActions(t *testing.T) {
	e, s, _ := newSignInEnv(t)
	if !s.refreshBtn.Disabled() {
		t.Fatal("session actions enabled without a session")
	}
	waitSignedIn(t, e, s.Start(app.SignInInApp), "sign-in")
	sess := e.Desk.CurrentSession()

	// The seed app has no REFRESH_TOKEN grant.
	test.Tap(s.refreshBtn)
	waitTask(t, s.task, "refresh without a refresh token")
	if !strings.Contains(s.sessionMsg.Text, "This session has no refresh token.") {
		t.Fatalf("refresh message = %q", s.sessionMsg.Text)
	}

	test.Tap(s.userInfoBtn)
	waitTask(t, s.task, "userinfo")
	if !strings.Contains(s.userInfo.Text, `"sub": "`+sess.Subject+`"`) {
		t.Fatalf("userinfo = %q", s.userInfo.Text)
	}

	test.Tap(s.signOut)
	waitTask(t, s.task, "sign-out")
	signOff := waitFor(t, e.Opened, "the sign-off page")
	if !strings.Contains(signOff, "/as/signoff") {
		t.Fatalf("opened %q", signOff)
	}
	if e.Desk.CurrentSession() != nil || !s.refreshBtn.Disabled() || !strings.Contains(s.sessionMsg.Text, "revoked the access token") {
		t.Fatalf("after sign-out: %q", s.sessionMsg.Text)
	}
	assertNotInLabels(t, s.content, sess.Tokens.AccessToken, sess.Tokens.IDToken)
}

func TestSignInRefresh(t *testing.T) {
	e := newDeskEnv(t)
	s := e.Win.SignIn
	r := e.Desk.NewApplicationRequest()
	r.Name = "Refreshable"
	r.GrantTypes = []string{"AUTHORIZATION_CODE", "REFRESH_TOKEN"}
	a, err := e.Desk.CreateApplication(context.Background(), r, []string{"profile", "email", "offline_access"})
	if err != nil {
		t.Fatal(err)
	}
	s.UseApp(a.ID, a.Name)
	s.scopeOffline.SetChecked(true)
	waitSignedIn(t, e, s.Start(app.SignInInApp), "sign-in")
	first := e.Desk.CurrentSession()
	if first == nil || first.Tokens.RefreshToken == "" {
		t.Fatal("no refresh token")
	}
	e.Win.Show(ScreenSignIn)
	waitTask(t, s.appsTask, "the application list")
	test.Tap(s.refreshBtn)
	waitSignedIn(t, e, s.task, "refresh")
	next := e.Desk.CurrentSession()
	if next == first || next.Tokens.RefreshToken == first.Tokens.RefreshToken || e.Win.Current() != ScreenTokens {
		t.Fatalf("refresh did not replace the session: %q", s.sessionMsg.Text)
	}
	if !strings.Contains(s.sessionMsg.Text, "refreshed") {
		t.Fatalf("message = %q", s.sessionMsg.Text)
	}
	test.Tap(s.signOut)
	waitTask(t, s.task, "sign-out")
	if !strings.Contains(s.sessionMsg.Text, "revoked the refresh and access tokens") {
		t.Fatalf("sign-out message = %q", s.sessionMsg.Text)
	}
}

func TestSignInConnectionChangeClearsCredentials(t *testing.T) {
	e, s, a := newSignInEnv(t)
	s.password.SetText("Typed-For-Sandbox-1!")
	// Another connection (the same sandbox, saved as a test environment).
	activateLookAlike(t, e, "Test look-alike", app.TagTest)
	s.ConnectionChanged()
	waitTask(t, s.appsTask, "the list on the new connection")
	if s.username.Text != "" || s.password.Text != "" || strings.Contains(s.credsNote.Text, "demo user") {
		t.Fatal("credentials of the sandbox were kept for another connection")
	}
	if s.clientID.Text != "" || s.appSelect.SelectedIndex() != -1 {
		t.Fatal("the previous connection's app is still picked")
	}
	if s.appIndex(a.ID) < 0 {
		t.Fatalf("the new connection's apps were not listed: %v (%s)", s.appSelect.Options, s.appsNote.Text)
	}
}

func TestSignInBrowserCouldNotOpen(t *testing.T) {
	e := newDeskEnv(t, func(o *app.Options) {
		o.OpenBrowser = func(string) error { return fmt.Errorf("no browser on this machine") }
	})
	s := e.Win.SignIn
	a := createSeedApp(t, e.Desk, "Demo", "profile", "email")
	s.UseApp(a.ID, a.Name)
	tap := tapEvents(s, signin.EventWaiting)
	task := s.Start(app.SignInBrowser)
	tap.wait(t, signin.EventWaiting)
	if s.status.Text != msgBrowserError || !s.urlBox.Visible() || s.urlLabel.Text == "" || !hasNote(s, "Could not open the browser") {
		t.Fatalf("status %q, URL shown %v", s.status.Text, s.urlBox.Visible())
	}
	s.Cancel()
	waitTask(t, task, "the cancelled sign-in")
	if s.status.Text != msgCancelled {
		t.Fatalf("status = %q", s.status.Text)
	}
}

func TestSignInStepPathReadsLikePingOnesDocs(t *testing.T) {
	cases := map[string]string{
		"https://auth.pingone.com/4b1e5c7a-3f2d-4e8b-9a6c-0d1e2f3a4b5c/as/token":                                   "/{envID}/as/token",
		"http://127.0.0.1:9443/4b1e5c7a-3f2d-4e8b-9a6c-0d1e2f3a4b5c/as/authorize?state=x":                          "/{envID}/as/authorize",
		"https://auth.pingone.com/4b1e5c7a-3f2d-4e8b-9a6c-0d1e2f3a4b5c/flows/9c2f6a1e-7b3d-4c5e-8f9a-1b2c3d4e5f60": "/{envID}/flows/9c2f6a1e-7b3d-4c5e-8f9a-1b2c3d4e5f60",
	}
	for in, want := range cases {
		if got := stepPath(in); got != want {
			t.Errorf("stepPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// Issue defect 7: the password typed to sign in does not linger once it has done its
// job, nor after the session ends.
func TestSignIn_PasswordIsClearedAfterSignInAndSignOut(t *testing.T) {
	e, s, a := newSignInEnv(t)
	demo, _ := e.Desk.SandboxDemoUser()
	activateLookAlike(t, e, "Test look-alike", app.TagTest) // not the sandbox: no fixture to restore
	s.ConnectionChanged()
	waitTask(t, s.appsTask, "the list on the new connection")
	s.UseApp(a.ID, a.Name)
	s.username.SetText(demo.Username)
	s.password.SetText(demo.Password)
	waitSignedIn(t, e, s.Start(app.SignInInApp), "in-app sign-in")
	if e.Desk.CurrentSession() == nil {
		t.Fatalf("not signed in: %q", s.status.Text)
	}
	if s.password.Text != "" {
		t.Fatal("the password stayed in the form after a successful sign-in")
	}
	if s.username.Text != demo.Username {
		t.Fatal("the username (not a secret) was cleared too")
	}

	s.password.SetText(demo.Password) // typed again, then the session ends
	test.Tap(s.signOut)
	waitTask(t, s.task, "sign-out")
	if s.password.Text != "" {
		t.Fatal("the password stayed in the form after sign-out")
	}
}

// On the sandbox the demo user's published password comes back after a sign-in; what the
// user typed for another user does not stay.
func TestSignIn_SandboxKeepsOnlyItsDemoFixture(t *testing.T) {
	e, s, _ := newSignInEnv(t)
	demo, _ := e.Desk.SandboxDemoUser()
	waitSignedIn(t, e, s.Start(app.SignInInApp), "in-app sign-in")
	if s.password.Text != demo.Password {
		t.Fatal("the sandbox's demo password was not restored for the next sign-in")
	}
	s.username.SetText("someone.else")
	s.password.SetText("Typed-Pw-1!")
	s.clearPassword()
	if s.password.Text != "" {
		t.Fatal("a typed password for another user was kept")
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
	tap := tapEvents(s, signin.EventWaiting)
	task := s.Start(app.SignInBrowser)
	waitFor(t, e.Opened, "the browser to be opened")
	tap.wait(t, signin.EventWaiting)
	if !s.wait.label.Visible() || s.wait.label.Text != "Waiting for the browser — 5:00 left" {
		t.Fatalf("countdown = %q (visible %v)", s.wait.label.Text, s.wait.label.Visible())
	}
	clock.Set(clock.Now().Add(28 * time.Second))
	ticker.c <- time.Now()
	waitFor(t, ticked, "the countdown to update")
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
	waitFor(t, e.Opened, "the browser to be opened after the fix")
	s.Cancel()
	waitTask(t, task, "the cancelled sign-in")
}

// F9: another window's sign-in holds the port; the user is told so, not that another
// program is in the way.
func TestSignIn_F9_AnotherWindowSigningInIsNamed(t *testing.T) {
	e, s, _ := newSignInEnv(t)
	other, err := signin.ListenLoopback(signin.ReceiverOptions{RedirectURI: e.Redirect, State: "state-of-another-window"})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
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
