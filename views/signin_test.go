package views

import (
	"net/url"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app"
	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox/sandboxtest"
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
	kinds map[app.SignInEventKind]chan struct{}
	seen  []string // verifier label texts at each event, for the masking check
	ui    *UI      // the screen's window UI, drained while waiting
}

func tapEvents(s *SignInScreen, kinds ...app.SignInEventKind) *eventTap {
	tap := &eventTap{kinds: map[app.SignInEventKind]chan struct{}{}, ui: s.sh.ui()}
	for _, k := range kinds {
		tap.kinds[k] = make(chan struct{}, 1)
	}
	s.afterEvent = func(ev app.SignInEvent) {
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

func (tap *eventTap) wait(t *testing.T, k app.SignInEventKind) {
	t.Helper()
	waitFor(t, tap.ui, tap.kinds[k], "event "+k.String())
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
