package views

import (
	"strings"
	"testing"

	"github.com/pkcedesk/pkcedesk/app"
)

// TestJourneyCreateSignInVerify is the demo a new user does on a fresh start, through the
// screens only: create the seed's app on the Applications screen, sign in in-app with the
// sandbox's demo user on the Sign in screen, and land on the Tokens screen with a verified
// ID token and a checked access token.
func TestJourneyCreateSignInVerify(t *testing.T) {
	e := newDeskEnv(t)
	w := e.Win
	if w.Header.Connection().Stage != StageSandbox {
		t.Fatal("a fresh start is not on the sandbox")
	}

	w.Show(ScreenApplications)
	waitTask(t, w.Applications.Create(), "creating the seed's application")
	created := w.Applications.Created()
	if created == nil {
		t.Fatal("no application was created from the prefilled form")
	}
	if created.Type != "NATIVE_APP" || created.TokenEndpointAuthMethod != "NONE" || created.PKCEEnforcement != "S256_REQUIRED" {
		t.Fatalf("created %s/%s/%s, want the seed's NATIVE_APP/NONE/S256_REQUIRED", created.Type, created.TokenEndpointAuthMethod, created.PKCEEnforcement)
	}

	w.Show(ScreenSignIn)
	if w.SignIn.appsTask != nil {
		waitTask(t, w.SignIn.appsTask, "the sign-in screen's application list")
	}
	waitTask(t, w.SignIn.Start(app.SignInInApp), "the in-app sign-in")
	sess := e.Desk.CurrentSession()
	if sess == nil || sess.ClientID != created.ID {
		t.Fatalf("session = %v, want one for the created app %s", sess, created.ID)
	}
	if w.Current() != ScreenTokens {
		t.Fatalf("screen %d is shown after the sign-in, want the Tokens screen", w.Current())
	}
	waitTask(t, w.accessCheck, "the access-token check")

	if w.Tokens.Source() != SourceIDToken {
		t.Fatalf("the Tokens screen shows %s, want the ID token", w.Tokens.Source())
	}
	content := w.Tokens.Object
	if got := w.Tokens.checklist.summary.Text; !strings.Contains(got, "applicable checks passed") {
		t.Fatalf("the ID token's checklist says %q", got)
	}
	if !hasLabelContaining(content, sess.Subject) {
		t.Fatal("the ID token's sub is not among the claims shown")
	}
	for _, text := range labelsIn(w.Win.Content()) {
		if containsAny(text, canaryPassword, canaryWorkerSecret) {
			t.Fatalf("a secret is on screen: %q", text)
		}
	}

	w.Tokens.SelectSource(SourceAccessToken)
	if got := w.Tokens.checklist.summary.Text; !strings.Contains(got, "applicable checks passed") {
		t.Fatalf("the access token's checklist says %q", got)
	}
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if sub != "" && strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
