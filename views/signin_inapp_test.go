package views

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"golang.org/x/oauth2"

	"github.com/pkcedesk/pkcedesk/app"
	"github.com/pkcedesk/pkcedesk/pingone"
)

func TestSignInInAppWithSandboxDemoUser(t *testing.T) {
	e, s, a := newSignInEnv(t)
	tap := tapEvents(s, app.SignInEventWaiting)
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

	// An in-app session is signed out of PingOne by the app: no browser opens.
	test.Tap(s.signOut)
	waitTask(t, s.task, "sign-out")
	select {
	case u := <-e.Opened:
		t.Fatalf("the in-app sign-out opened the browser at %.40q…", u)
	default:
	}
	if e.Desk.CurrentSession() != nil || !s.refreshBtn.Disabled() ||
		!strings.HasPrefix(s.sessionMsg.Text, "Signed out of PingOne at ") || !strings.Contains(s.sessionMsg.Text, "revoked the access token and ended its session") ||
		strings.Contains(s.sessionMsg.Text, "browser") {
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
