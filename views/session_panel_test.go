package views

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app"
)

// The session's actions sit on the Tokens screen too (the session panel), and in the
// Actions menu with shortcuts; every outcome reads as on the Sign in screen.

// signedInOnTokens signs in in-app with the Sign in screen's picked app and shows the
// Tokens screen with its session panel.
func signedInOnTokens(t *testing.T, e *deskEnv) (*TokensScreen, *sessionPanel) {
	t.Helper()
	s := e.Win.SignIn
	waitSignedIn(t, e, s.Start(app.SignInInApp), "the in-app sign-in")
	if e.Desk.CurrentSession() == nil {
		t.Fatalf("not signed in: %q", s.status.Text)
	}
	e.Win.Show(ScreenTokens)
	tk := e.Win.Tokens
	p := tk.session
	if p == nil || !p.object.Visible() {
		t.Fatal("the Tokens screen shows no session panel while somebody is signed in")
	}
	return tk, p
}

// waitPanel waits for the panel's action and for the access-token check a refresh starts.
func waitPanel(t *testing.T, tk *TokensScreen, p *sessionPanel, what string) {
	t.Helper()
	waitTask(t, p.task, what)
	if tk.accessTask != nil {
		waitTask(t, tk.accessTask, "the refreshed access token's check")
	}
}

// tapHeld taps b and runs check before the test drains the window's queued UI (results
// from the background wait there), so check reads exactly what the tap itself put on
// screen.
func tapHeld(b *widget.Button, check func()) {
	test.Tap(b)
	check()
}

func buttonsDisabled(p *sessionPanel) bool {
	return p.refreshBtn.Disabled() && p.userInfoBtn.Disabled() && p.signOutBtn.Disabled()
}

func TestSessionPanel_RefreshOnTokensShowsTheNewTokens(t *testing.T) {
	e := newDeskEnv(t)
	s := e.Win.SignIn
	a := createApp(t, e.Desk, "Refreshable", []string{"AUTHORIZATION_CODE", "REFRESH_TOKEN"}, "profile", "email", "offline_access")
	s.UseApp(a.ID, a.Name)
	s.scopeOffline.SetChecked(true)
	tk, p := signedInOnTokens(t, e)
	first := e.Desk.CurrentSession()
	if first.Tokens.RefreshToken == "" || !strings.HasPrefix(p.who.Text, "Signed in as Demo User") {
		t.Fatalf("no refresh token, or the panel says %q", p.who.Text)
	}
	tk.SelectSource(SourceAccessToken)
	if tk.views[SourceAccessToken].raw != first.Tokens.AccessToken {
		t.Fatal("the Tokens screen does not show the sign-in's access token")
	}

	tapHeld(p.refreshBtn, func() {
		if !buttonsDisabled(p) || p.message.Text != msgRefreshing {
			t.Fatalf("while refreshing: message %q, buttons disabled %v", p.message.Text, buttonsDisabled(p))
		}
	})
	waitPanel(t, tk, p, "the refresh")
	next := e.Desk.CurrentSession()
	if next == nil || next.Tokens.AccessToken == first.Tokens.AccessToken {
		t.Fatal("the refresh did not replace the tokens")
	}
	if !strings.HasPrefix(p.message.Text, "Tokens refreshed at ") || p.message.Importance != widget.SuccessImportance || p.problem.object.Visible() {
		t.Fatalf("panel message = %q", p.message.Text)
	}
	// One wording: the Sign in screen's session block says the same.
	if s.sessionMsg.Text != p.message.Text {
		t.Fatalf("Sign in says %q, Tokens says %q", s.sessionMsg.Text, p.message.Text)
	}
	v := tk.views[SourceAccessToken]
	if v.raw != next.Tokens.AccessToken || tk.Source() != SourceAccessToken || e.Win.Current() != ScreenTokens {
		t.Fatalf("Tokens shows source %v with the new access token %v", tk.Source(), v.raw == next.Tokens.AccessToken)
	}
	if v.report == nil || !v.report.OK() {
		t.Fatalf("the refreshed access token was not checked: %v", v.report)
	}
	if tk.views[SourceRefreshToken].raw != next.Tokens.RefreshToken || buttonsDisabled(p) {
		t.Fatal("the new refresh token is not shown, or the buttons stayed disabled")
	}
	assertNotInLabels(t, p.object, next.Tokens.AccessToken, next.Tokens.RefreshToken, first.Tokens.RefreshToken)
}

func TestSessionPanel_UserInfoShowsTheUsersName(t *testing.T) {
	e, _ := newSessionEnv(t)
	tk, p := signedInOnTokens(t, e)
	test.Tap(p.userInfoBtn)
	waitPanel(t, tk, p, "userinfo")
	if p.message.Text != msgUserInfoClaims || !p.userInfoBox.Visible() {
		t.Fatalf("message %q, claims shown %v", p.message.Text, p.userInfoBox.Visible())
	}
	sub := e.Desk.CurrentSession().Subject
	lines := strings.Split(p.userInfo.Text, "\n")
	for _, want := range []string{"name: Demo User", "sub: " + sub} {
		found := false
		for _, l := range lines {
			found = found || l == want
		}
		if !found {
			t.Errorf("the claims lack %q: %q", want, p.userInfo.Text)
		}
	}
	if !hasLabelContaining(tk.Object, "name: Demo User") {
		t.Error("the user's name is not in view on the Tokens screen")
	}
}

func TestSessionPanel_SignOutLeavesNothingSignedInOnTokens(t *testing.T) {
	e, _ := newSessionEnv(t)
	tk, p := signedInOnTokens(t, e)
	if !hasLabelContaining(tk.Object, "Signed in as Demo User") {
		t.Fatal("the test cannot see the signed-in state it is about to end")
	}
	signedOut := make(chan app.SessionEvent, 1)
	stop := e.Desk.OnSessionChange(func(ev app.SessionEvent) {
		if ev.Kind == app.SessionSignedOut {
			signedOut <- ev
		}
	})
	defer stop()

	test.Tap(p.signOutBtn)
	waitTask(t, p.task, "the sign-out")
	ev := waitFor(t, e.Win.UI, signedOut, "the sign-out event")
	if e.Desk.CurrentSession() != nil || !buttonsDisabled(p) {
		t.Fatal("still signed in, or the session buttons still work")
	}
	// An in-app session is signed out of PingOne by the desk: no sign-off page opens
	// (OpenURL would have run before the task was done), and the message names none.
	select {
	case u := <-e.Opened:
		t.Fatalf("an in-app sign-out opened %.40q… in the browser", u)
	default:
	}
	want, _ := signedOutText(ev)
	if !ev.Ended.SignsOffInApp() || p.message.Text != want {
		t.Fatalf("message %q, want %q", p.message.Text, want)
	}
	if !strings.HasPrefix(e.Win.SignIn.sessionMsg.Text, want) {
		t.Fatalf("the Sign in screen says %q", e.Win.SignIn.sessionMsg.Text)
	}
	for _, l := range labelsIn(tk.Object) {
		if ll := strings.ToLower(l); strings.Contains(ll, "signed in") || strings.Contains(ll, "verified") || claimsSignedIn(l) {
			t.Errorf("after sign-out the Tokens screen shows %q", l)
		}
	}
	for _, l := range allLabels(tk.Object) { // hidden ones too
		if strings.Contains(strings.ToLower(l), "signed in as") {
			t.Errorf("a hidden label still says %q", l)
		}
	}

	// Without a session the actions do nothing, shortcut or not.
	before := p.task
	for _, a := range e.Win.Screens[ScreenTokens].Actions {
		e.Win.RunAction(ScreenTokens, a)
	}
	if p.task != before || !buttonsDisabled(p) {
		t.Fatal("an action ran without a session")
	}
}

// After a browser sign-in PingOne's cookie is the browser's: Sign out on Tokens opens the
// sign-off page there and says so.
func TestSessionPanel_BrowserSignOutOpensTheSignOffPage(t *testing.T) {
	e, s, _ := newSignInEnv(t)
	e.Win.Tokens.FollowSession(e.Desk)
	task := s.Start(app.SignInBrowser)
	authURL := waitFor(t, e.Win.UI, e.Opened, "the browser to be opened")
	demo, _ := e.Desk.SandboxDemoUser()
	browser := playBrowser(authURL, demo.Username, demo.Password)
	waitSignedIn(t, e, task, "the browser sign-in")
	if err := waitFor(t, e.Win.UI, browser, "the fake browser"); err != nil {
		t.Fatal(err)
	}
	e.Win.Show(ScreenTokens)
	p := e.Win.Tokens.session
	if sess := e.Desk.CurrentSession(); sess == nil || sess.Mode != app.SignInBrowser || p.signOutBtn.Disabled() {
		t.Fatal("no browser session to sign out of")
	}
	test.Tap(p.signOutBtn)
	waitTask(t, p.task, "the sign-out")
	if signOff := waitFor(t, e.Win.UI, e.Opened, "the sign-off page"); !strings.Contains(signOff, "/as/signoff") {
		t.Fatalf("opened %.60q…", signOff)
	}
	if !strings.HasPrefix(p.message.Text, "Signed out at ") || !strings.HasSuffix(p.message.Text, " "+msgSignOffOpened) || !buttonsDisabled(p) {
		t.Fatalf("after sign-out: %q", p.message.Text)
	}
}

// A refresh without a refresh token is explained; the next action takes the explanation
// away. The Tokens screen says why there is no refresh token: offline_access was not
// requested.
func TestSessionPanel_FailedRefreshIsExplainedAndTheNextActionClearsIt(t *testing.T) {
	e, _ := newSessionEnv(t) // the seed app: no REFRESH_TOKEN, no offline_access requested
	tk, p := signedInOnTokens(t, e)
	test.Tap(p.refreshBtn)
	waitPanel(t, tk, p, "a refresh without a refresh token")
	if !p.problem.object.Visible() || !strings.HasPrefix(p.problem.text.Text, "This session has no refresh token.") ||
		p.message.Visible() || buttonsDisabled(p) {
		t.Fatalf("problem %q, message %q", p.problem.text.Text, p.message.Text)
	}
	tk.SelectSource(SourceRefreshToken)
	if !strings.Contains(tk.message.Text, "Tick offline_access on the Sign in screen") {
		t.Fatalf("the Tokens screen says %q", tk.message.Text)
	}

	tapHeld(p.userInfoBtn, func() {
		if p.problem.object.Visible() || p.problem.text.Text != "" || p.message.Text != msgCallingUserInfo {
			t.Fatalf("the refresh error survived the next action: %q", p.problem.text.Text)
		}
	})
	waitPanel(t, tk, p, "userinfo")
	if p.problem.object.Visible() || p.message.Text != msgUserInfoClaims {
		t.Fatalf("after userinfo: problem %q, message %q", p.problem.text.Text, p.message.Text)
	}
}

// Refresh Ctrl+R, Get user info Ctrl+U and Sign out Ctrl+Shift+O are Tokens actions: in
// the Actions menu and in the F1 help, and unique across the window.
func TestSessionPanel_ActionsAndShortcuts(t *testing.T) {
	e, _ := newSessionEnv(t)
	want := map[string]string{"Refresh tokens": "Ctrl+R", "Get user info": "Ctrl+U", "Sign out": "Ctrl+Shift+O"}
	got := map[string]string{}
	for _, a := range e.Win.Screens[ScreenTokens].Actions {
		sc, ok := a.Shortcut.(*desktop.CustomShortcut)
		if !ok || sc.Modifier&fyne.KeyModifierShortcutDefault == 0 {
			t.Fatalf("%q has shortcut %v", a.Label, a.Shortcut)
		}
		got[a.Label] = shortcutText(a.Shortcut)
	}
	for label, keys := range want {
		if got[label] != keys {
			t.Errorf("%q: shortcut %q, want %q", label, got[label], keys)
		}
	}
	help := map[string]string{}
	for _, k := range e.Win.helpKeys() {
		if prev, dup := help[k[0]]; dup {
			t.Errorf("%s is both %q and %q", k[0], prev, k[1])
		}
		help[k[0]] = k[1]
	}
	menu := map[string]bool{}
	for _, m := range e.Win.mainMenu().Items {
		for _, it := range m.Items {
			if m.Label == "Actions" && it.Shortcut != nil {
				menu[it.Label+" "+shortcutText(it.Shortcut)] = true
			}
		}
	}
	for label, keys := range want {
		if help[keys] != label+" (Tokens)" || !menu[label+" "+keys] {
			t.Errorf("%s %s: help says %q, in the Actions menu %v", keys, label, help[keys], menu[label+" "+keys])
		}
	}

	// Run from the Sign in screen, an action opens Tokens and runs there.
	_, p := signedInOnTokens(t, e)
	e.Win.Show(ScreenSignIn)
	waitTask(t, e.Win.SignIn.appsTask, "the application list")
	before := p.task
	for _, a := range e.Win.Screens[ScreenTokens].Actions {
		if a.Label == "Get user info" {
			e.Win.RunAction(ScreenTokens, a)
		}
	}
	if e.Win.Current() != ScreenTokens || p.task == before {
		t.Fatal("Get user info did not open Tokens and run")
	}
	waitTask(t, p.task, "userinfo from the menu")
	if !strings.Contains(p.userInfo.Text, "name: Demo User") {
		t.Fatalf("claims = %q", p.userInfo.Text)
	}

	// Before FollowSession (Screen() is built first) the actions do nothing.
	bare := newTestTokens(t, TokensOptions{})
	for _, a := range bare.Screen().Actions {
		a.Run()
	}
	if bare.session != nil {
		t.Fatal("a Tokens screen without a desk grew a session panel")
	}
}

// The panel is hidden until somebody signs in, then sits above the token tabs, in view
// at 1024x700.
func TestSessionPanel_OnTopOfTheTokensScreen(t *testing.T) {
	e, _ := newSessionEnv(t)
	tk := e.Win.Tokens
	if tk.session == nil || tk.session.object.Visible() {
		t.Fatal("the session panel is missing, or shown while nobody is signed in")
	}
	_, p := signedInOnTokens(t, e)
	e.Win.Win.Resize(fyne.NewSize(1024, 700))
	drv := fyne.CurrentApp().Driver()
	win := e.Win.Win.Canvas().Size()
	btn, tabs := drv.AbsolutePositionForObject(p.signOutBtn), drv.AbsolutePositionForObject(tk.tabs)
	if btn.Y+p.signOutBtn.Size().Height > win.Height || btn.X+p.signOutBtn.Size().Width > win.Width {
		t.Fatalf("Sign out at %v (%v) is outside the %v window", btn, p.signOutBtn.Size(), win)
	}
	if btn.Y >= tabs.Y || p.signOutBtn.Size().Height == 0 {
		t.Fatalf("Sign out at y=%v is not above the tabs at y=%v", btn.Y, tabs.Y)
	}
}
