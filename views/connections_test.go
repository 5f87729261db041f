package views

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/zalando/go-keyring"

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

// connEnv is newDeskEnv with the other screens left out of ConnectionChanged: their
// reload tasks would run at the same time, and in the test driver every task's done
// callback runs on its own worker goroutine, so two of them race on the shared Progress.
// The header still follows the active profile, and changed counts the calls.
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

func TestConnectionsBadFieldsAreMarkedAndKept(t *testing.T) {
	e := newConnEnv(t)
	s := e.Win.Connections
	before := len(e.Desk.Profiles())
	test.Tap(s.list.newConn)
	test.Type(s.form.name, "Acme test")
	test.Type(s.form.adminEnv, "not-a-uuid")
	test.Type(s.form.workerID, "../../admin")
	test.Type(s.form.targetEnv, "7d2bd0e6-0b0e-4cf8-9b37-5d0c0a6ee4f1")
	test.Type(s.form.secret, canaryWorkerSecret)
	test.Tap(s.form.save)

	if got := len(e.Desk.Profiles()); got != before {
		t.Fatalf("%d profiles after an invalid save, want %d", got, before)
	}
	for _, f := range []string{app.FieldAdminEnvironmentID, app.FieldWorkerClientID} {
		if l := s.form.fieldErrors[f]; !l.Visible() || !strings.Contains(l.Text, "must be an ID like") {
			t.Errorf("field %s: error %q (visible %v)", f, l.Text, l.Visible())
		}
	}
	for _, f := range []string{app.FieldName, app.FieldTargetEnvironmentID, app.FieldRegion, app.FieldTag, app.FieldWorkerSecret} {
		if l := s.form.fieldErrors[f]; l.Visible() {
			t.Errorf("field %s is marked although it is fine: %q", f, l.Text)
		}
	}
	if s.form.notice.Text != "Some fields need attention." {
		t.Errorf("notice = %q", s.form.notice.Text)
	}
	if s.form.name.Text != "Acme test" || s.form.adminEnv.Text != "not-a-uuid" || s.form.workerID.Text != "../../admin" || s.form.secret.Text != canaryWorkerSecret {
		t.Error("the typed values were not kept after the error")
	}
	if hasLabelContaining(s.Object, canaryWorkerSecret) {
		t.Fatal("the typed secret appears in a label")
	}

	// A custom domain without its API URL marks the API field, where the fix goes.
	s.form.region.SetSelected(otherHost)
	s.form.authBase.SetText("https://login.example.com")
	test.Tap(s.form.save)
	if l := s.form.fieldErrors[app.FieldAPIBaseURL]; !l.Visible() || !strings.Contains(l.Text, "API base URL") {
		t.Errorf("API base URL error = %q (visible %v)", l.Text, l.Visible())
	}
	if l := s.form.fieldErrors[app.FieldAuthBaseURL]; l.Visible() {
		t.Errorf("the auth base URL is marked: %q", l.Text)
	}
}

func TestConnectionsSaveStoresSecretInKeyringAndTests(t *testing.T) {
	e := newConnEnv(t)
	s := e.Win.Connections
	secret := e.Sandbox.Info().Worker.ClientSecret
	connFillSandboxAsCustom(t, e, s, "Sandbox as custom", secret)
	p := connSaveAndUse(t, e, s)

	src, err := e.Desk.WorkerSecretSource(context.Background(), p.ID)
	if err != nil || src != app.SecretInKeyring {
		t.Fatalf("secret source = %v, %v; want the keyring", src, err)
	}
	if s.form.secret.Text != "" || !strings.Contains(s.form.secretSource.Text, "stored in the system keyring") {
		t.Errorf("after saving: secret entry %d chars, source %q", len(s.form.secret.Text), s.form.secretSource.Text)
	}
	for _, k := range e.Prefs.Keys() {
		if strings.Contains(e.Prefs.String(k), secret) {
			t.Fatalf("preference %q holds the worker secret", k)
		}
	}
	if got := e.Win.Header.Connection(); got.Stage != StageTest || got.Name != "Sandbox as custom" {
		t.Fatalf("header = %+v after Use, want the test connection", got)
	}
	if !strings.Contains(s.tester.active.Text, "Sandbox as custom") {
		t.Errorf("active = %q", s.tester.active.Text)
	}

	waitTask(t, s.TestActive(), "the connection test")
	if !strings.HasPrefix(s.tester.result.Text, "Worker token OK") {
		t.Fatalf("result = %q (%q)", s.tester.result.Text, s.tester.remedy.Text)
	}
	if hasLabelContaining(s.Object, secret) {
		t.Fatal("the worker secret appears in a label")
	}
}

func TestConnectionsKeyringUnavailableOffersRunOnly(t *testing.T) {
	e := newConnEnv(t)
	keyring.MockInitWithError(errors.New("exec: \"dbus-launch\": executable file not found in $PATH"))
	t.Cleanup(keyring.MockInit)
	s := e.Win.Connections
	connFillSandboxAsCustom(t, e, s, "No keyring", e.Sandbox.Info().Worker.ClientSecret)
	test.Tap(s.form.save)
	waitTask(t, s.task, "storing the worker secret")

	if !strings.Contains(s.form.notice.Text, "keyring is not available") ||
		!strings.Contains(s.form.remedy.Text, "Use for this run only") {
		t.Fatalf("notice %q, remedy %q: want the keyring explained", s.form.notice.Text, s.form.remedy.Text)
	}
	if !s.form.runOnly.Visible() || connButton(s.Object, "Use for this run only") == nil {
		t.Fatal("no \"Use for this run only\" button is offered")
	}
	if s.form.secret.Text == "" {
		t.Fatal("the typed secret was cleared although it is stored nowhere")
	}
	test.Tap(s.form.runOnly)
	src, err := e.Desk.WorkerSecretSource(context.Background(), s.form.editingID)
	if err != nil || src != app.SecretInMemory {
		t.Fatalf("secret source = %v, %v; want memory", src, err)
	}
	if s.form.secret.Text != "" || s.form.runOnly.Visible() || !strings.Contains(s.form.secretSource.Text, "kept for this run only") {
		t.Errorf("after run only: entry %d chars, button %v, source %q", len(s.form.secret.Text), s.form.runOnly.Visible(), s.form.secretSource.Text)
	}
}

func TestConnectionsWrongSecretIsExplainedNotShown(t *testing.T) {
	e := newConnEnv(t)
	s := e.Win.Connections
	const wrong = "WRONG-worker-secret-77aa1c"
	connFillSandboxAsCustom(t, e, s, "Wrong secret", wrong)
	connSaveAndUse(t, e, s)

	waitTask(t, s.TestActive(), "the connection test")
	if s.tester.result.Importance != widget.DangerImportance || !strings.Contains(s.tester.result.Text, "rejected the worker app") {
		t.Fatalf("result = %q, want the worker's credentials rejected", s.tester.result.Text)
	}
	if s.tester.remedy.Text == "" {
		t.Error("no remedy is shown")
	}
	for _, l := range labelsIn(e.Win.Win.Content()) {
		if strings.Contains(l, wrong) {
			t.Fatalf("the secret appears in the label %q", l)
		}
	}
}

func TestConnectionsDeleteAsksThenRemoves(t *testing.T) {
	e := newConnEnv(t)
	s := e.Win.Connections
	connFillSandboxAsCustom(t, e, s, "To delete", e.Sandbox.Info().Worker.ClientSecret)
	p := connSaveAndUse(t, e, s)

	test.Tap(s.form.del)
	top := e.Win.Win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("Delete did not ask first")
	}
	if _, ok := e.Desk.Profile(p.ID); !ok {
		t.Fatal("the profile was deleted before it was confirmed")
	}
	confirm := connButton(top, "Delete")
	if confirm == nil {
		t.Fatalf("no Delete button in the confirmation: %q", labelsIn(top))
	}
	test.Tap(confirm)
	waitTask(t, s.task, "deleting the profile")

	if _, ok := e.Desk.Profile(p.ID); ok {
		t.Fatal("the profile is still there")
	}
	if _, err := e.Desk.WorkerSecretSource(context.Background(), p.ID); !errors.Is(err, app.ErrSecretNotFound) {
		t.Errorf("secret after delete: %v, want it gone", err)
	}
	if !e.Desk.ActiveProfile().IsSandbox() || e.Win.Header.Connection().Stage != StageSandbox {
		t.Error("deleting the active profile did not fall back to the sandbox")
	}
	if len(s.list.profiles) != 1 || s.list.selected != 0 || !strings.Contains(s.list.notice.Text, "Deleted") {
		t.Errorf("after delete: %d rows, selected %d, notice %q", len(s.list.profiles), s.list.selected, s.list.notice.Text)
	}
}

// A PingOne custom domain is entered beside the region; a bad one is marked on its field,
// a good one is saved and the header names it.
func TestConnectionsCustomDomain(t *testing.T) {
	e := newConnEnv(t)
	s := e.Win.Connections
	test.Tap(s.list.newConn)
	domainShown := func() bool { return s.form.regionRows[0].Visible() && s.form.regionRows[1].Visible() }
	if !domainShown() {
		t.Fatal("the custom domain field is hidden with a PingOne region")
	}
	test.Type(s.form.name, "Acme prod")
	test.Type(s.form.adminEnv, "11111111-2222-4333-8444-555555555555")
	test.Type(s.form.workerID, "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee")
	test.Type(s.form.targetEnv, "99999999-8888-4777-8666-555555555555")
	test.Type(s.form.domain, "https://login.acme.example/as")
	test.Type(s.form.secret, canaryWorkerSecret)
	test.Tap(s.form.save)
	if l := s.form.fieldErrors[app.FieldCustomDomain]; !l.Visible() || !strings.Contains(l.Text, "host name") {
		t.Fatalf("custom domain error = %q (visible %v)", l.Text, l.Visible())
	}
	if s.form.domain.Text != "https://login.acme.example/as" {
		t.Fatal("the typed custom domain was not kept")
	}

	s.form.domain.SetText("login.acme.example")
	test.Tap(s.form.save)
	waitTask(t, s.task, "storing the secret")
	var saved app.Profile
	for _, p := range e.Desk.Profiles() {
		if p.Name == "Acme prod" {
			saved = p
		}
	}
	if saved.CustomDomain != "login.acme.example" || saved.Region == "" {
		t.Fatalf("saved %+v, want the region and the custom domain", saved)
	}
	if info := ConnectionFromProfile(saved); !strings.Contains(info.Region, "login.acme.example") {
		t.Fatalf("the header's location %q does not name the custom domain", info.Region)
	}

	s.form.region.SetSelected(otherHost)
	if domainShown() {
		t.Fatal("the custom domain field is shown for other hosts, where it does not apply")
	}
}

// A failed connection test marks the fields it concerns on the form of the tested
// connection (app decides which), and the next test clears those marks.
func TestConnectionsTestMarksTheFieldsItConcerns(t *testing.T) {
	all := []string{app.FieldName, app.FieldRegion, app.FieldAuthBaseURL, app.FieldAPIBaseURL, app.FieldAdminEnvironmentID,
		app.FieldWorkerClientID, app.FieldWorkerSecret, app.FieldTargetEnvironmentID, app.FieldTag, app.FieldCustomDomain}
	assertMarked := func(t *testing.T, s *ConnectionsScreen, want ...string) {
		t.Helper()
		for _, f := range all {
			l := s.form.fieldErrors[f]
			marked := l != nil && l.Visible() && l.Text != ""
			if wanted := slices.Contains(want, f); marked != wanted {
				t.Errorf("field %s marked = %v (%q), want %v; result %q", f, marked, l.Text, wanted, s.tester.result.Text)
			}
		}
	}
	cases := []struct {
		name   string
		secret string
		mod    func(s *ConnectionsScreen)
		want   []string
	}{
		{"secret rejected", "WRONG-worker-secret-77aa1c", nil, []string{app.FieldWorkerClientID, app.FieldWorkerSecret}},
		{"unknown target environment", "", func(s *ConnectionsScreen) { s.form.targetEnv.SetText("12345678-1234-4234-8234-123456789abc") },
			[]string{app.FieldTargetEnvironmentID}},
		{"host does not resolve", "", func(s *ConnectionsScreen) {
			s.form.authBase.SetText("https://auth.pingone.invalid")
			s.form.apiBase.SetText("https://api.pingone.invalid/v1")
		}, []string{app.FieldAuthBaseURL}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newConnEnv(t)
			s := e.Win.Connections
			secret := e.Sandbox.Info().Worker.ClientSecret
			if tc.secret != "" {
				secret = tc.secret
			}
			connFillSandboxAsCustom(t, e, s, "Marked fields", secret)
			if tc.mod != nil {
				tc.mod(s)
			}
			p := connSaveAndUse(t, e, s)
			waitTask(t, s.TestActive(), "the connection test")
			if s.tester.result.Importance != widget.DangerImportance {
				t.Fatalf("result = %q, want a failure", s.tester.result.Text)
			}
			assertMarked(t, s, tc.want...)
			if hasLabelContaining(s.Object, secret) {
				t.Fatal("the secret appears in a label")
			}

			// Repaired behind the form's back: the next test clears the marks.
			info := e.Sandbox.Info()
			p.AuthBaseURL, p.APIBaseURL, p.TargetEnvironmentID = info.AuthBaseURL, info.APIBaseURL, info.EnvironmentID
			if _, err := e.Desk.SaveProfile(p); err != nil {
				t.Fatal(err)
			}
			if err := e.Desk.SetWorkerSecret(context.Background(), p.ID, info.Worker.ClientSecret); err != nil {
				t.Fatal(err)
			}
			waitTask(t, s.TestActive(), "the second connection test")
			if !strings.HasPrefix(s.tester.result.Text, "Worker token OK") {
				t.Fatalf("second test: %q (%q)", s.tester.result.Text, s.tester.remedy.Text)
			}
			assertMarked(t, s)
		})
	}
}
