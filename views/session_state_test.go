package views

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/pkcedesk/pkcedesk/app"
	"github.com/pkcedesk/pkcedesk/pingone/token"
)

// One truth on screen (issue 10): every place that shows the session renders it from the
// desk's session events, so a sign-out, a refresh or a new attempt changes all of them at
// once, and nothing says "signed in" or "verified" for what is not.

// newSessionEnv is newSignInEnv with the Tokens screen following the session, as
// newDeskWindow has it (following twice changes nothing).
func newSessionEnv(t *testing.T) (*deskEnv, *SignInScreen) {
	t.Helper()
	e, s, _ := newSignInEnv(t)
	e.Win.Tokens.FollowSession(e.Desk)
	return e, s
}

// screenLabels shows each screen in turn and returns the text of every visible label of
// the window (header, timeline and that screen), by screen title.
func screenLabels(t *testing.T, e *deskEnv) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for i, scr := range e.Win.Screens {
		e.Win.Show(i)
		switch i { // what OnShow started writes widgets: let it land first
		case ScreenApplications:
			if e.Win.Applications.task != nil {
				waitTask(t, e.Win.Applications.task, "the application list")
			}
		case ScreenSignIn:
			if e.Win.SignIn.appsTask != nil {
				waitTask(t, e.Win.SignIn.appsTask, "the sign-in screen's application list")
			}
		}
		out[scr.Title] = labelsIn(e.Win.Win.Content())
	}
	return out
}

// claimsSignedIn is a label that says someone is signed in or that a token is verified.
func claimsSignedIn(label string) bool {
	l := strings.ToLower(label)
	return strings.Contains(l, "signed in as") || strings.Contains(l, "id token verified") ||
		strings.TrimSpace(l) == "· verified" || strings.Contains(l, "expires in")
}

func TestSession_SignOutLeavesNothingSignedIn(t *testing.T) {
	e, s := newSessionEnv(t)
	waitSignedIn(t, e, s.Start(app.SignInInApp), "in-app sign-in")
	sess := e.Desk.CurrentSession()
	if sess == nil {
		t.Fatalf("not signed in: %q", s.status.Text)
	}
	if got := e.Win.Tokens.checklist.verdict.Text; got != "· verified" {
		t.Fatalf("Tokens verdict while signed in = %q", got)
	}
	before := screenLabels(t, e)
	if !slicesHave(before["Sign in"], claimsSignedIn) || !slicesHave(before["Tokens"], claimsSignedIn) {
		t.Fatal("the test cannot see the signed-in state it is about to end")
	}

	signedOut := make(chan app.SessionEvent, 1)
	stop := e.Desk.OnSessionChange(func(ev app.SessionEvent) {
		if ev.Kind == app.SessionSignedOut {
			signedOut <- ev
		}
	})
	defer stop()
	e.Win.Show(ScreenSignIn)
	waitTask(t, s.appsTask, "the application list")
	test.Tap(s.signOut)
	waitTask(t, s.task, "sign-out")
	select { // an in-app session is signed out of PingOne without the browser
	case u := <-e.Opened:
		t.Fatalf("an in-app sign-out opened %q in the browser", u)
	default:
	}
	ev := waitFor(t, e.Win.UI, signedOut, "the sign-out event")
	if e.Desk.CurrentSession() != nil {
		t.Fatal("still signed in")
	}

	for title, labels := range screenLabels(t, e) {
		for _, l := range labels {
			if claimsSignedIn(l) {
				t.Errorf("after sign-out the %s screen shows %q", title, l)
			}
		}
	}
	for _, l := range allLabels(e.Win.Win.Content()) { // hidden ones too
		if strings.Contains(strings.ToLower(l), "signed in as") {
			t.Errorf("a hidden label still says %q", l)
		}
	}

	// One wording: the Sign in screen's message, its last step and the Tokens screen say
	// the same sentence.
	want, _ := signedOutText(ev)
	if !strings.HasPrefix(s.sessionMsg.Text, want) || !strings.Contains(want, "PingOne revoked the access token") {
		t.Fatalf("session message = %q, want it to start with %q", s.sessionMsg.Text, want)
	}
	if last := s.steps[len(s.steps)-1]; last.text != want {
		t.Fatalf("the steps end with %q, want %q", last.text, want)
	}
	if s.sessionLabel.Text != msgNobodySignedIn || s.sessionSub.Visible() || s.status.Visible() {
		t.Fatalf("session block %q, sub shown %v, status %q", s.sessionLabel.Text, s.sessionSub.Visible(), s.status.Text)
	}
	// The Tokens screen's session panel says it too, and the screen does not repeat it.
	if p := e.Win.Tokens.session; p == nil || !p.object.Visible() || p.message.Text != want {
		t.Fatal("the Tokens screen's session panel does not say how the sign-out went")
	}
	if tm := e.Win.Tokens.message; !tm.Visible() || strings.Contains(tm.Text, want) || !strings.Contains(tm.Text, "Sign in again") {
		t.Fatalf("Tokens message = %q", tm.Text)
	}
	if e.Win.Tokens.views[SourceAccessToken].raw != "" || e.Win.Tokens.expiry.running() {
		t.Fatal("the Tokens screen still holds the revoked access token, or counts it down")
	}
}

func slicesHave(labels []string, f func(string) bool) bool {
	for _, l := range labels {
		if f(l) {
			return true
		}
	}
	return false
}

// A revoked token pasted back into the Tokens screen is never "verified", even though
// its signature checks out; an ID token of the signed-out session says so too.
func TestSession_RevokedTokenIsNeverVerified(t *testing.T) {
	e, s := newSessionEnv(t)
	waitSignedIn(t, e, s.Start(app.SignInInApp), "in-app sign-in")
	sess := e.Desk.CurrentSession()
	e.Win.Show(ScreenSignIn)
	waitTask(t, s.appsTask, "the application list")
	test.Tap(s.signOut)
	waitTask(t, s.task, "sign-out")

	tk := e.Win.Tokens
	e.Win.Show(ScreenTokens)
	for _, tc := range []struct {
		raw, verdict, says string
		genuine            bool // every check passes (the ID token's audience cannot be checked without a session)
	}{
		{sess.Tokens.AccessToken, "· revoked", "PingOne revoked this token at sign-out", true},
		{sess.Tokens.IDToken, "· signed out", "belongs to a session that was signed out", false},
	} {
		// What pasting does (the paste box's OnChanged), without laying out a long token in
		// the entry, which takes seconds in the test driver.
		tk.SelectSource(SourcePasted)
		tk.pasteChanged(tc.raw)
		test.Tap(tk.verify.button)
		waitTask(t, tk.verifyTask, "Verify signature")
		v := tk.views[SourcePasted]
		if c, _ := v.report.Check(token.CheckSignature); v.report == nil || c.Status != token.Passed || (tc.genuine && !v.report.OK()) {
			t.Fatalf("the token's signature did not check out: %v %v", v.report, v.verifyErr)
		}
		if got := tk.checklist.verdict.Text; got != tc.verdict {
			t.Errorf("verdict = %q, want %q", got, tc.verdict)
		}
		if !strings.Contains(tk.message.Text, tc.says) || strings.Contains(tk.checklist.summary.Text, "verified") {
			t.Errorf("message %q / summary %q", tk.message.Text, tk.checklist.summary.Text)
		}
		if tk.expiry.countdown.Visible() {
			t.Errorf("a countdown is shown for it: %q", tk.expiry.countdown.Text)
		}
	}
}

// A new attempt clears what the last action said; a rejected password reads the same in
// the status line and in the last step; the verifier of that attempt, whose code was
// never redeemed, stays masked and says why.
func TestSession_WrongPasswordAttemptClearsOldMessages(t *testing.T) {
	e, s := newSessionEnv(t)
	waitSignedIn(t, e, s.Start(app.SignInInApp), "in-app sign-in")
	e.Win.Show(ScreenSignIn)
	waitTask(t, s.appsTask, "the application list")
	test.Tap(s.refreshBtn) // the seed app has no REFRESH_TOKEN grant
	waitTask(t, s.task, "refresh without a refresh token")
	if !strings.Contains(s.sessionMsg.Text, "no refresh token") {
		t.Fatalf("refresh message = %q", s.sessionMsg.Text)
	}

	s.password.SetText("Wrong-Pw-7e2d!x")
	waitTask(t, s.Start(app.SignInInApp), "sign-in with a wrong password")
	if s.status.Text != "Invalid username or password." {
		t.Fatalf("status = %q", s.status.Text)
	}
	if s.sessionMsg.Visible() || strings.Contains(s.sessionMsg.Text, "refresh token") {
		t.Fatalf("the earlier refresh error survived the new attempt: %q", s.sessionMsg.Text)
	}
	if last := s.steps[len(s.steps)-1]; last.text != "Failed: "+s.status.Text {
		t.Fatalf("the steps end with %q, the status says %q", last.text, s.status.Text)
	}
	if hasNote(s, msgCancelled) {
		t.Fatal("a step says the rejected password was cancelled")
	}
	if s.pkce == nil || strings.Contains(s.verifierLabel.Text, s.pkce.Verifier) ||
		!strings.HasSuffix(s.verifierLabel.Text, msgVerifierUnused) {
		t.Fatalf("verifier after a wrong password = %q", s.verifierLabel.Text)
	}
	assertNotInLabels(t, s.content, s.pkce.Verifier)
	// The session of the earlier sign-in is still there, and still shown.
	if e.Desk.CurrentSession() == nil || !strings.HasPrefix(s.sessionLabel.Text, "Signed in as Demo User") {
		t.Fatalf("session block = %q", s.sessionLabel.Text)
	}
	// The next action on it clears the failed attempt's message from the status line.
	test.Tap(s.userInfoBtn)
	waitTask(t, s.task, "userinfo")
	if s.status.Text != "Signed in as Demo User · ID token verified" || !strings.Contains(s.userInfo.Text, `"name": "Demo User"`) {
		t.Fatalf("status after userinfo = %q", s.status.Text)
	}
}

// A browser sign-in that never started (port busy) leaves the verifier masked as well.
func TestSession_PortBusyKeepsTheVerifierMasked(t *testing.T) {
	e, s := newSessionEnv(t)
	l, err := net.Listen("tcp4", "127.0.0.1:"+redirectPort(t, e.Redirect))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	waitTask(t, s.Start(app.SignInBrowser), "sign-in on a busy port")
	if s.pkce == nil || strings.Contains(s.verifierLabel.Text, s.pkce.Verifier) || !strings.HasSuffix(s.verifierLabel.Text, msgVerifierUnused) {
		t.Fatalf("verifier after a busy port = %q", s.verifierLabel.Text)
	}
	if last := s.steps[len(s.steps)-1]; s.outcomeRow < 0 || last.text != "Failed: "+s.status.Text {
		t.Fatalf("the steps end with %q, the status says %q", last.text, s.status.Text)
	}
}

// The user is named by the ID token (scope profile), with the sub beside it in small type.
func TestSession_DisplayNameWithSubInSmallType(t *testing.T) {
	e, s := newSessionEnv(t)
	waitSignedIn(t, e, s.Start(app.SignInInApp), "in-app sign-in")
	sess := e.Desk.CurrentSession()
	if !strings.HasPrefix(s.sessionLabel.Text, "Signed in as Demo User (in-app sign-in") || strings.Contains(s.sessionLabel.Text, sess.Subject) {
		t.Fatalf("session block = %q", s.sessionLabel.Text)
	}
	if s.sessionSub.Text != "sub "+sess.Subject || !s.sessionSub.Visible() || s.sessionSub.SizeName != theme.SizeNameCaptionText {
		t.Fatalf("sub line = %q (visible %v, size %q)", s.sessionSub.Text, s.sessionSub.Visible(), s.sessionSub.SizeName)
	}
	if s.status.Text != "Signed in as Demo User · ID token verified" {
		t.Fatalf("status = %q", s.status.Text)
	}
	if last := s.steps[len(s.steps)-1]; last.text != "Done: "+s.status.Text {
		t.Fatalf("the steps end with %q", last.text)
	}
	for _, l := range allLabels(e.Win.Win.Content()) {
		if strings.Contains(l, "Signed in as "+sess.Subject) {
			t.Fatalf("a label names the user by the sub: %q", l)
		}
	}
}

// A refreshed ID token that failed verification is never called verified.
func TestSession_HeadlineOfAnUnverifiedRefresh(t *testing.T) {
	ok := &token.Report{Checks: []token.Check{{ID: token.CheckSignature, Status: token.Passed}}}
	sess := &app.Session{Subject: "3195c31c-5f7e-4b8a-9c1d-2e3f4a5b6c7d", IDToken: ok}
	if text, _ := sessionHeadline(sess); text != "Signed in as "+sess.Subject+" · ID token verified" {
		t.Fatalf("headline = %q", text)
	}
	sess.IDTokenErr = errors.New("signature")
	if text, _ := sessionHeadline(sess); strings.Contains(text, "verified") || !strings.Contains(text, "failed verification") {
		t.Fatalf("headline of an unverified refresh = %q", text)
	}
	if text, _ := sessionHeadline(nil); text != msgNobodySignedIn {
		t.Fatalf("headline without a session = %q", text)
	}
	if text, _ := signedOutText(app.SessionEvent{Revoked: []string{"refresh token", "access token"}}); !strings.Contains(text, "revoked the refresh and access tokens") {
		t.Fatalf("sign-out text = %q", text)
	}
	if text, imp := signedOutText(app.SessionEvent{Err: context.DeadlineExceeded}); !strings.Contains(text, "not everything went through") || imp == 0 {
		t.Fatalf("failed sign-out text = %q", text)
	}
}

// A failed create takes the previous "Created …" result away.
func TestSession_FailedCreateClearsTheOldResult(t *testing.T) {
	e := newDeskEnv(t)
	s := openApplications(t, e)
	s.form.name.SetText("First-App")
	waitTask(t, s.Create(), "the first create")
	if s.Created() == nil || !s.result.box.Visible() || !strings.Contains(s.result.title.Text, "Created First-App") {
		t.Fatal("the first create shows no result")
	}
	waitTask(t, s.Create(), "a create with the same name") // PingOne refuses a taken name
	if s.Created() != nil || s.result.box.Visible() {
		t.Fatalf("after a failed create the panel still shows %q", s.result.title.Text)
	}
	for _, l := range labelsIn(s.content) {
		if strings.Contains(l, "Created First-App") {
			t.Fatalf("a label still says %q", l)
		}
	}
}

// Editing a saved connection takes "Saved …" away.
func TestSession_EditAfterSaveClearsSaved(t *testing.T) {
	e := newConnEnv(t)
	s := e.Win.Connections
	connFillSandboxAsCustom(t, e, s, "Sandbox as custom", e.Sandbox.Info().Worker.ClientSecret)
	test.Tap(s.form.save)
	waitTask(t, s.task, "storing the worker secret")
	if !s.form.notice.Visible() || !strings.HasPrefix(s.form.notice.Text, "Saved") {
		t.Fatalf("notice after save = %q", s.form.notice.Text)
	}
	test.Type(s.form.name, " 2")
	if s.form.notice.Visible() {
		t.Fatalf("notice after an edit = %q", s.form.notice.Text)
	}
	// The next save says so again, until the next edit (the tag here).
	test.Tap(s.form.save)
	if !strings.HasPrefix(s.form.notice.Text, "Saved") {
		t.Fatalf("notice after the second save = %q", s.form.notice.Text)
	}
	s.form.tag.SetSelected(tagProductionLabel)
	if s.form.notice.Visible() {
		t.Fatalf("notice after changing the tag = %q", s.form.notice.Text)
	}
}

// The window is wired for the session: the Tokens screen follows it (views/desk.go calls
// Tokens.FollowSession) and the Sign in screen's session block shows the sub line
// (views/signin_build.go places sessionSub under sessionLabel).
func TestSession_WindowWiring(t *testing.T) {
	e := newDeskEnv(t)
	if e.Win.Tokens.followed != e.Desk {
		t.Error("newDeskWindow does not call Tokens.FollowSession: a sign-out would leave the tokens on the Tokens screen")
	}
	placed := false
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == fyne.CanvasObject(e.Win.SignIn.sessionSub) {
			placed = true
		}
		switch c := o.(type) {
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
	walk(e.Win.SignIn.content)
	if !placed {
		t.Error("the Sign in screen's layout does not place sessionSub: the sub is never shown")
	}
}
