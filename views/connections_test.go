package views

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app"
)

// connButton finds a visible button by its text under o (dialogs included when o is an
// overlay), through the renderers like labelsIn.
func connButton(o fyne.CanvasObject, text string) *widget.Button {
	var found *widget.Button
	walkVisible(o, func(obj fyne.CanvasObject) bool {
		if b, ok := obj.(*widget.Button); ok {
			if found == nil && b.Text == text {
				found = b
			}
			return false
		}
		return found == nil
	})
	return found
}

// connEnv is newDeskEnv with the other screens left out of ConnectionChanged, so a test
// of the Connections screen waits for its own tasks only. The header still follows the
// active profile, and changed counts the calls.
type connEnv struct {
	*deskEnv
	changed int
}

func newConnEnv(t *testing.T, mods ...deskEnvOpt) *connEnv {
	t.Helper()
	e := &connEnv{deskEnv: newDeskEnv(t, mods...)}
	e.Win.Shell.ConnectionChanged = func() {
		e.changed++
		e.Win.SetConnection(ConnectionFromProfile(e.Desk.ActiveProfile()))
	}
	return e
}

// connFillSandboxAsCustom fills the form with the sandbox's endpoints and IDs as a
// custom-domain connection tagged test, so a "real" saved profile can be tested offline.
func connFillSandboxAsCustom(t *testing.T, e *connEnv, s *ConnectionsScreen, name, secret string) {
	t.Helper()
	info := e.Sandbox.Info()
	test.Tap(s.list.newConn)
	s.form.name.SetText("")
	test.Type(s.form.name, name)
	s.form.region.SetSelected(otherHost)
	s.form.authBase.SetText(info.AuthBaseURL)
	s.form.apiBase.SetText(info.APIBaseURL)
	s.form.adminEnv.SetText(info.EnvironmentID)
	s.form.workerID.SetText(info.Worker.ClientID)
	s.form.targetEnv.SetText(info.EnvironmentID)
	s.form.tag.SetSelected(tagTestLabel)
	test.Type(s.form.secret, secret)
}

// connSaveAndUse saves the form, waits for the secret, and makes the profile active.
func connSaveAndUse(t *testing.T, e *connEnv, s *ConnectionsScreen) app.Profile {
	t.Helper()
	test.Tap(s.form.save)
	waitTask(t, s.task, "storing the worker secret")
	p, ok := e.Desk.Profile(s.form.editingID)
	if !ok {
		t.Fatalf("the profile was not saved: %q %q", s.form.notice.Text, s.form.remedy.Text)
	}
	if s.list.profiles[s.list.selected].ID != p.ID {
		t.Fatalf("the saved profile is not the selected row")
	}
	before := e.changed
	test.Tap(s.list.use)
	if got := e.Desk.ActiveProfile().ID; got != p.ID {
		t.Fatalf("active = %q after Use, want %q", got, p.ID)
	}
	if e.changed != before+1 {
		t.Fatalf("ConnectionChanged called %d times by Use, want once", e.changed-before)
	}
	return p
}

func TestConnectionsSandboxFirstAndActive(t *testing.T) {
	e := newConnEnv(t)
	s := e.Win.Connections
	if len(s.list.profiles) == 0 || !s.list.profiles[0].IsSandbox() || s.list.selected != 0 {
		t.Fatalf("profiles = %+v, selected %d: want the sandbox first and selected", s.list.profiles, s.list.selected)
	}
	if !hasLabelContaining(s.list.rows, "active") || !strings.Contains(profileSummary(s.list.profiles[0], true), "active") {
		t.Fatalf("the sandbox row is not marked active: %q", labelsIn(s.list.rows))
	}
	if s.list.use.Disabled() == false {
		t.Fatal("Use this connection is enabled for the connection already in use")
	}
	demo, err := e.Desk.SandboxDemoUser()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{demo.Username, demo.Password, e.Sandbox.Info().AuthBaseURL, e.Sandbox.Info().EnvironmentID} {
		if !hasLabelContaining(s.Object, want) {
			t.Errorf("the sandbox panel does not show %q: %q", want, labelsIn(s.Object))
		}
	}
	// The password's copy button copies it.
	test.Tap(s.sandbox.copy["password"])
	if got := e.App.Clipboard().Content(); got != demo.Password {
		t.Errorf("clipboard = %q, want the demo password", got)
	}
	if scr := s.Screen(); scr.Title != "Connections" || scr.Icon == nil || len(scr.Actions) == 0 || scr.Actions[0].Label != "Test connection" {
		t.Errorf("screen entry = %+v", scr)
	}
}

func TestConnectionsTestSandboxCountsApplications(t *testing.T) {
	e := newConnEnv(t)
	createSeedApp(t, e.Desk, "Connections test app")
	apps, err := e.Desk.ListApplications(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	s := e.Win.Connections
	waitTask(t, s.TestActive(), "the connection test")
	if s.tester.result.Importance != widget.SuccessImportance || !strings.HasPrefix(s.tester.result.Text, "Worker token OK") {
		t.Fatalf("result = %q (%q)", s.tester.result.Text, s.tester.remedy.Text)
	}
	want := []string{" application", "issuer " + e.Sandbox.Info().AuthBaseURL}
	if n := len(apps); n == 1 {
		want = append(want, "· 1 application in")
	} else {
		want = append(want, "· "+strconv.Itoa(n)+" applications in")
	}
	for _, w := range want {
		if !strings.Contains(s.tester.result.Text, w) {
			t.Errorf("result %q does not contain %q", s.tester.result.Text, w)
		}
	}
	if !s.tester.test.Disabled() && s.tester.cancel.Visible() {
		t.Error("the Cancel button is still shown after the test ended")
	}
}

// connStuckKeyring stores secrets but never answers a read until released, like a
// keyring waiting on an unlock prompt.
type connStuckKeyring struct {
	mu      sync.Mutex
	secrets map[string]string
	release chan struct{}
}

func (k *connStuckKeyring) Set(_, user, secret string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.secrets[user] = secret
	return nil
}

func (k *connStuckKeyring) Get(_, user string) (string, error) {
	<-k.release
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.secrets[user], nil
}

func (k *connStuckKeyring) Delete(string, string) error { return nil }
func (k *connStuckKeyring) DeleteAll(string) error      { return nil }

func TestConnectionsTestCanBeCancelled(t *testing.T) {
	// The test blocks on the keyring before any request is made: a request in flight
	// would update the timeline from its own goroutine while this test taps buttons.
	kr := &connStuckKeyring{secrets: map[string]string{}, release: make(chan struct{})}
	e := newConnEnv(t, func(o *app.Options) {
		o.Secrets = app.NewSecretStore(app.SecretStoreOptions{Keyring: kr})
	})
	t.Cleanup(func() { close(kr.release) })
	s := e.Win.Connections
	connFillSandboxAsCustom(t, e, s, "Stuck keyring", e.Sandbox.Info().Worker.ClientSecret)
	connSaveAndUse(t, e, s)

	task := s.TestActive()
	if again := s.TestActive(); again != task {
		t.Fatal("a second Test connection started another test while one runs")
	}
	if !s.tester.test.Disabled() || !s.tester.cancel.Visible() {
		t.Fatal("while testing, Test connection is not disabled or Cancel is not offered")
	}
	test.Tap(s.tester.cancel)
	waitTask(t, task, "the cancelled test")
	if s.tester.result.Text != "Test cancelled." || s.tester.test.Disabled() || s.tester.cancel.Visible() {
		t.Fatalf("after cancel: result %q, test disabled %v, cancel visible %v", s.tester.result.Text, s.tester.test.Disabled(), s.tester.cancel.Visible())
	}
	if len(e.Desk.Transcript().Entries()) != 0 {
		t.Fatal("a request was made although the secret was never read")
	}
}
