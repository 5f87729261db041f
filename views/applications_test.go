package views

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/pkcedesk/pkcedesk/app"
	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
)

// openApplications shows the screen and waits for its first list load.
func openApplications(t *testing.T, e *deskEnv) *ApplicationsScreen {
	t.Helper()
	s := e.Win.Applications
	e.Win.Show(ScreenApplications)
	waitTask(t, s.task, "the first list load")
	return s
}

// setFilter types a filter. The entry's own refresh runs before the change handler
// starts the list load, as it does in a real window's event loop; the test driver would
// otherwise lay the entry out while the load runs on another goroutine.
func setFilter(s *ApplicationsScreen, text string) *Task {
	changed := s.list.filter.OnChanged
	s.list.filter.OnChanged = nil
	s.list.filter.SetText(text)
	s.list.filter.OnChanged = changed
	changed(text)
	return s.task
}

// formValues is everything the create form holds, to prove nothing was lost.
func formValues(s *ApplicationsScreen) string {
	return strings.Join([]string{
		s.form.name.Text, s.form.description.Text, s.form.appType.Selected, strings.Join(s.form.grantTypes.Selected, ","),
		strings.Join(s.form.responseTypes.Selected, ","), s.form.redirects.Text, s.form.postLogout.Text,
		s.form.authMethod.Selected, s.form.pkce.Selected, strings.Join(s.form.scopes.Selected, ","),
	}, "|")
}

func fieldError(s *ApplicationsScreen, field string) string {
	l := s.form.fieldErrors[field]
	if l == nil || !l.Visible() {
		return ""
	}
	return l.Text
}

func TestApplicationsFormStartsWithTheSeed(t *testing.T) {
	e := newDeskEnv(t)
	s := e.Win.Applications
	if got := s.Screen(); got.Title != "Applications" || len(got.Actions) < 2 {
		t.Fatalf("screen = %q with %d actions", got.Title, len(got.Actions))
	}
	checks := map[string][2]string{
		"name":     {s.form.name.Text, "Shared-Native-App"},
		"type":     {s.form.appType.Selected, "NATIVE_APP"},
		"auth":     {s.form.authMethod.Selected, "NONE"},
		"pkce":     {s.form.pkce.Selected, "S256_REQUIRED"},
		"redirect": {s.form.redirects.Text, e.Redirect},
		"grants":   {strings.Join(s.form.grantTypes.Selected, ","), "AUTHORIZATION_CODE"},
		"response": {strings.Join(s.form.responseTypes.Selected, ","), "CODE"},
		"scopes":   {strings.Join(s.form.scopes.Selected, ","), "profile,email"},
		"logout":   {s.form.postLogout.Text, ""},
	}
	for what, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s = %q, want %q", what, c[0], c[1])
		}
	}
	if !s.form.enabled.Checked {
		t.Error("the seed app is enabled")
	}

	// offline_access follows REFRESH_TOKEN, and Reset brings the seed back.
	s.form.grantTypes.SetSelected([]string{"AUTHORIZATION_CODE", "REFRESH_TOKEN"})
	if !strings.Contains(strings.Join(s.form.scopes.Selected, ","), "offline_access") {
		t.Fatalf("scopes = %v after ticking REFRESH_TOKEN", s.form.scopes.Selected)
	}
	s.form.name.SetText("Something else")
	test.Tap(s.form.resetButton)
	if s.form.name.Text != "Shared-Native-App" || strings.Join(s.form.scopes.Selected, ",") != "profile,email" || len(s.form.grantTypes.Selected) != 1 {
		t.Fatalf("after reset: name %q, scopes %v, grants %v", s.form.name.Text, s.form.scopes.Selected, s.form.grantTypes.Selected)
	}
}

func TestApplicationsCreateWithTheSeed(t *testing.T) {
	e := newDeskEnv(t)
	s := openApplications(t, e)
	var picked string
	e.Win.Shell.PickApp = func(id, _ string) { picked = id }

	// The keyboard action is the same as pressing Create.
	var create Action
	for _, a := range s.Screen().Actions {
		if a.Label == "Create application" {
			create = a
		}
	}
	if create.Run == nil || create.Shortcut == nil {
		t.Fatal("no Create application action with a shortcut")
	}
	// Hold the create's POST in the transcript subscriber (it runs on the requesting
	// goroutine), so the screen can be looked at while the create is certainly running.
	reached, release := make(chan struct{}), make(chan struct{})
	unsubscribe := e.Desk.Transcript().Subscribe(func(ex pingone.Exchange) {
		if ex.Method == "POST" && strings.HasSuffix(ex.URL, "/applications") {
			close(reached)
			<-release
		}
	})
	defer unsubscribe()
	create.Run()
	task := s.task
	waitFor(t, reached, "the create request")
	if !s.form.createButton.Disabled() {
		t.Error("Create stays enabled while the create runs")
	}
	if again := s.Create(); again != task {
		t.Error("a second press while creating started another create")
	}
	close(release)
	waitTask(t, task, "create")
	seeds := 0
	for _, a := range s.list.apps {
		if a.Name == "Shared-Native-App" {
			seeds++
		}
	}
	if seeds != 1 {
		t.Errorf("%d seed apps in the list after pressing twice", seeds)
	}

	created := s.Created()
	if created == nil {
		t.Fatalf("nothing created; form says %q", s.form.problem.text.Text)
	}
	if s.form.createButton.Disabled() {
		t.Error("Create is still disabled")
	}
	if s.result.clientID.Text != created.ID || !s.result.box.Visible() {
		t.Fatalf("client ID shown %q, want %q", s.result.clientID.Text, created.ID)
	}
	if picked != created.ID {
		t.Errorf("the Sign in screen was given %q, want %q", picked, created.ID)
	}
	for _, want := range []string{`"pkceEnforcement": "S256_REQUIRED"`, `"tokenEndpointAuthMethod": "NONE"`, e.Redirect} {
		if !strings.Contains(s.result.sentJSON.Text, want) {
			t.Errorf("sent JSON lacks %s:\n%s", want, s.result.sentJSON.Text)
		}
	}
	if !strings.Contains(s.result.receivedJSON.Text, created.ID) {
		t.Errorf("received JSON lacks the ID:\n%s", s.result.receivedJSON.Text)
	}
	if s.result.grantProblem.object.Visible() {
		t.Errorf("grant problem shown: %s", s.result.grantProblem.text.Text)
	}

	ctx := context.Background()
	got, err := e.Desk.GetApplication(ctx, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.PKCEEnforcement != "S256_REQUIRED" || got.TokenEndpointAuthMethod != "NONE" || got.Type != "NATIVE_APP" {
		t.Fatalf("created app = %s / %s / %s", got.PKCEEnforcement, got.TokenEndpointAuthMethod, got.Type)
	}
	check, err := e.Desk.CheckApplication(ctx, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !check.OK() {
		t.Fatalf("self-check of the created app failed: %v", check.Failed())
	}
	if f, _ := check.Finding(app.FindingScopes); !f.OK {
		t.Fatal("profile and email were not granted")
	}

	// The list was reloaded in the same task and has the new app.
	found := false
	for _, a := range s.list.apps {
		found = found || a.ID == created.ID
	}
	if !found {
		t.Error("the list does not have the created app")
	}

	// Copy and Sign in use the new app.
	test.Tap(s.result.copyID)
	if got := e.App.Clipboard().Content(); got != created.ID {
		t.Errorf("clipboard = %q", got)
	}
	var signIn string
	e.Win.Shell.SignInWith = func(id, _ string) { signIn = id }
	test.Tap(s.result.signIn)
	if signIn != created.ID {
		t.Errorf("sign in with %q", signIn)
	}
}

// The lead's journey and the Xvfb test press Ctrl+2 then Ctrl+N at once: the create must
// wait for the first list load instead of racing it, and still create exactly one app.
func TestApplicationsCreateRightAfterOpening(t *testing.T) {
	e := newDeskEnv(t)
	s := e.Win.Applications
	e.Win.Show(ScreenApplications)
	load := s.listTask
	created := s.Create()
	waitTask(t, created, "create right after opening")
	waitTask(t, load, "the first list load")
	if s.Created() == nil {
		t.Fatalf("nothing created: %s", s.form.problem.text.Text)
	}
	found := false
	for _, a := range s.list.apps {
		found = found || a.ID == s.Created().ID
	}
	if !found {
		t.Error("the first list load overwrote the list that has the new app")
	}
}

func TestApplicationsFieldErrorsKeepTheForm(t *testing.T) {
	e := newDeskEnv(t)
	s := openApplications(t, e)
	createSeedApp(t, e.Desk, "Taken-Name")

	// A duplicate name: only PingOne knows, so this is a real round trip.
	s.form.name.SetText("Taken-Name")
	s.form.description.SetText("My own description")
	s.form.redirects.SetText(e.Redirect + "\nmyapp://callback")
	s.form.postLogout.SetText("myapp://signed-out")
	before := formValues(s)
	waitTask(t, s.Create(), "create with a taken name")
	if s.Created() != nil {
		t.Fatal("an app was created with a taken name")
	}
	if msg := fieldError(s, appFieldName); !strings.Contains(msg, "already exists") {
		t.Errorf("name error = %q", msg)
	}
	if msg := s.form.problem.text.Text; !strings.Contains(msg, "already taken") || !strings.Contains(msg, "Choose another name") {
		t.Errorf("general message = %q", msg)
	}
	if got := formValues(s); got != before {
		t.Fatalf("the form changed:\n got %s\nwant %s", got, before)
	}

	// Editing the name hides its error.
	s.form.name.SetText("Free-Name")
	if fieldError(s, appFieldName) != "" {
		t.Error("the name error outlives the edit")
	}

	// A redirect URI that is not a URI, and PKCE set to a value PingOne does not know
	// (as if it came from an older seed): both land on their fields.
	s.form.redirects.SetText("not a uri")
	s.form.pkce.Selected = "S512_PLEASE"
	before = formValues(s)
	waitTask(t, s.Create(), "create with bad values")
	if s.Created() != nil {
		t.Fatal("an app was created with bad values")
	}
	if msg := fieldError(s, appFieldRedirectURIs); !strings.Contains(msg, "not a valid absolute URI") {
		t.Errorf("redirect error = %q", msg)
	}
	if msg := fieldError(s, appFieldPKCE); !strings.Contains(msg, "S512_PLEASE") {
		t.Errorf("PKCE error = %q", msg)
	}
	if fieldError(s, appFieldName) != "" {
		t.Error("the name is marked though it was fine")
	}
	if !s.form.problem.object.Visible() || s.form.problem.text.Text == "" {
		t.Error("no general message")
	}
	if got := formValues(s); got != before {
		t.Fatalf("the form changed:\n got %s\nwant %s", got, before)
	}
}

func TestApplicationsRateLimitIsExplained(t *testing.T) {
	e := newDeskEnv(t)
	s := openApplications(t, e)
	// Every POST is refused. A Retry-After longer than the retry policy's cap (30 s) is
	// not waited out, so the error reaches the screen with its Retry-After.
	e.Sandbox.Faults().Add(sandbox.Fault{Method: "POST", PathContains: "/applications", Status: 429, RetryAfter: "120",
		Body: `{"id":"f7c1","code":"REQUEST_LIMITED","message":"Too many requests."}`})
	s.form.name.SetText("Rate-Limited-App")
	before := formValues(s)
	waitTask(t, s.Create(), "rate-limited create")
	if s.Created() != nil {
		t.Fatal("created despite the 429")
	}
	msg := s.form.problem.text.Text
	if !strings.Contains(msg, "limiting the request rate") || !strings.Contains(msg, "2 minutes") {
		t.Errorf("message = %q", msg)
	}
	if got := formValues(s); got != before {
		t.Fatalf("the form changed:\n got %s\nwant %s", got, before)
	}
	if s.form.createButton.Disabled() {
		t.Error("Create stays disabled after the error")
	}

	// Once PingOne lets requests through again, the same form creates the app.
	e.Sandbox.Faults().Clear()
	waitTask(t, s.Create(), "create after the rate limit")
	if c := s.Created(); c == nil || c.Name != "Rate-Limited-App" {
		t.Fatalf("created %+v", c)
	}
}

func TestApplicationsListFilterCheckAndFix(t *testing.T) {
	e := newDeskEnv(t)
	ctx := context.Background()
	r := e.Desk.NewApplicationRequest()
	r.Name = "Weak-PKCE-App"
	r.PKCEEnforcement = "OPTIONAL"
	weak, err := e.Desk.CreateApplication(ctx, r, app.SelfCheckScopes)
	if err != nil {
		t.Fatal(err)
	}
	createSeedApp(t, e.Desk, "Other-App", app.SelfCheckScopes...)
	s := openApplications(t, e)

	waitTask(t, setFilter(s, "weak-pkce"), "filtered list")
	if len(s.list.apps) != 1 || s.list.apps[0].ID != weak.ID {
		names := []string{}
		for _, a := range s.list.apps {
			names = append(names, a.Name)
		}
		t.Fatalf("filtered list = %v", names)
	}
	if sum := appSummary(s.list.apps[0]); !strings.Contains(sum, "PKCE OPTIONAL") || !strings.Contains(sum, "NATIVE_APP") || !strings.Contains(sum, "auth NONE") {
		t.Errorf("row = %q", sum)
	}

	s.list.rows.Select(0)
	waitTask(t, s.task, "self-check")
	if s.details.clientID.Text != weak.ID || !s.details.box.Visible() {
		t.Fatalf("details show %q", s.details.clientID.Text)
	}
	if f, ok := s.selfCheck.check.Finding(app.FindingPKCE); !ok || f.OK {
		t.Fatalf("PKCE finding = %+v", f)
	}
	if !hasLabelContaining(s.selfCheck.findings, "PKCE is required with S256") || !hasLabelContaining(s.selfCheck.findings, "OPTIONAL") {
		t.Errorf("findings shown: %v", labelsIn(s.selfCheck.findings))
	}
	fix := s.selfCheck.fixButtons[app.FindingPKCE]
	if fix == nil {
		t.Fatal("no Fix button for PKCE")
	}
	if s.selfCheck.fixButtons[app.FindingAuthMethod] != nil {
		t.Error("a Fix button for a passing finding")
	}
	test.Tap(fix)
	waitTask(t, s.task, "fix")
	if f, _ := s.selfCheck.check.Finding(app.FindingPKCE); !f.OK {
		t.Fatalf("PKCE still failing after Fix: %s", s.details.problem.text.Text)
	}
	if !s.selfCheck.check.OK() || s.selfCheck.fixAll.Visible() {
		t.Errorf("self-check after the fix: %v", s.selfCheck.check.Failed())
	}
	got, err := e.Desk.GetApplication(ctx, weak.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.PKCEEnforcement != "S256_REQUIRED" {
		t.Fatalf("PingOne has PKCE %s", got.PKCEEnforcement)
	}
	if s.list.apps[0].PKCEEnforcement != "S256_REQUIRED" {
		t.Error("the list row still shows the old PKCE setting")
	}
}

func TestApplicationsFixAll(t *testing.T) {
	e := newDeskEnv(t)
	r := e.Desk.NewApplicationRequest()
	r.Name = "Broken-App"
	r.PKCEEnforcement = "REQUIRED"
	r.Enabled = false
	broken, err := e.Desk.CreateApplication(context.Background(), r, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := openApplications(t, e)
	waitTask(t, s.Select(broken), "self-check")
	if n := len(s.selfCheck.check.Failed()); n != 3 || !s.selfCheck.fixAll.Visible() {
		t.Fatalf("failed findings = %v", s.selfCheck.check.Failed())
	}
	test.Tap(s.selfCheck.fixAll)
	waitTask(t, s.task, "fix all")
	if !s.selfCheck.check.OK() {
		t.Fatalf("still failing: %v (%s)", s.selfCheck.check.Failed(), s.details.problem.text.Text)
	}
	if s.details.enabled.Text != "Enabled" {
		t.Errorf("details say %q", s.details.enabled.Text)
	}
}

func TestApplicationsDeleteAsksFirst(t *testing.T) {
	e := newDeskEnv(t)
	doomed := createSeedApp(t, e.Desk, "Doomed-App")
	s := openApplications(t, e)
	waitTask(t, setFilter(s, "doomed"), "filtered list")
	s.list.rows.Select(0)
	waitTask(t, s.task, "self-check")

	var asked string
	var answer func()
	s.confirm = func(_, message string, ok func()) { asked, answer = message, ok }
	test.Tap(s.details.deleteButton)
	if !strings.Contains(asked, "Doomed-App") {
		t.Fatalf("confirmation = %q", asked)
	}
	if _, err := e.Desk.GetApplication(context.Background(), doomed.ID); err != nil {
		t.Fatalf("deleted before the confirmation: %v", err)
	}
	answer()
	waitTask(t, s.task, "delete")
	if s.details.problem.object.Visible() {
		t.Fatalf("delete failed: %s", s.details.problem.text.Text)
	}
	if len(s.list.apps) != 0 || s.details.box.Visible() {
		t.Errorf("after delete: %d apps listed, details visible %v", len(s.list.apps), s.details.box.Visible())
	}
	if _, err := e.Desk.GetApplication(context.Background(), doomed.ID); err == nil {
		t.Fatal("the app still exists")
	}
}

func TestApplicationsDeleteRefusesTheWorker(t *testing.T) {
	e := newDeskEnv(t)
	s := openApplications(t, e)
	worker := e.Desk.ActiveProfile().WorkerClientID
	for i, a := range s.list.apps {
		if a.ID == worker {
			s.list.rows.Select(i)
			waitTask(t, s.task, "self-check")
			if !s.details.deleteButton.Disabled() || !s.details.deleteNote.Visible() {
				t.Fatal("the connection's worker app can be deleted")
			}
			return
		}
	}
	// The sandbox seeds its worker app in the target environment, as PingOne lists the
	// worker among the applications of its own environment.
	t.Fatalf("the worker app %s is not in the list", worker)
}

func TestApplicationsDemoUser(t *testing.T) {
	e := newDeskEnv(t)
	s := openApplications(t, e)
	if s.demo.button.Disabled() {
		t.Fatal("demo users are refused on the sandbox")
	}
	waitTask(t, s.CreateDemoUser(), "demo user")
	if !strings.HasPrefix(s.demo.username.Text, "pkcedesk.demo.") || s.demo.password.Text == "" || !s.demo.box.Visible() {
		t.Fatalf("demo user shown: %q (%s)", s.demo.username.Text, s.demo.problem.text.Text)
	}
	if !hasLabelContaining(s.demo.box, "shown only here") {
		t.Error("no note that the password is shown once")
	}
	test.Tap(s.demo.copyPassword)
	if got := e.App.Clipboard().Content(); got != s.demo.password.Text {
		t.Error("Copy did not copy the password")
	}

	// A production connection (the sandbox again, tagged production).
	activateLookAlike(t, e, "Prod look-alike", app.TagProduction)
	s.ConnectionChanged()
	waitTask(t, s.task, "list on the production connection")
	if !s.demo.button.Disabled() || !strings.Contains(s.demo.note.Text, "production") {
		t.Fatalf("demo button disabled %v, note %q", s.demo.button.Disabled(), s.demo.note.Text)
	}
	if s.demo.box.Visible() || s.demo.user != nil {
		t.Error("the previous connection's demo password is still shown")
	}
	if s.CreateDemoUser() != nil {
		t.Error("a demo user task started on production")
	}
	if s.list.problem.object.Visible() {
		t.Errorf("list on the production connection: %s", s.list.problem.text.Text)
	}
}

func TestApplicationsConnectionChangeClearsResults(t *testing.T) {
	e := newDeskEnv(t)
	s := openApplications(t, e)
	waitTask(t, s.Create(), "create")
	if s.Created() == nil {
		t.Fatalf("not created: %s", s.form.problem.text.Text)
	}
	s.list.rows.Select(0)
	waitTask(t, s.task, "self-check")
	s.form.name.SetText("Typed-Before-Switch")

	s.ConnectionChanged()
	waitTask(t, s.task, "reload")
	if s.Created() != nil || s.result.box.Visible() || s.details.box.Visible() {
		t.Error("the previous connection's result or details are still shown")
	}
	if s.form.name.Text != "Typed-Before-Switch" {
		t.Errorf("the form lost the user's input: %q", s.form.name.Text)
	}
}

// The screen's errors never show a secret (case H1).
func TestApplicationsShowNoSecrets(t *testing.T) {
	e := newDeskEnv(t)
	s := openApplications(t, e)
	waitTask(t, s.Create(), "create")
	all := strings.Join(labelsIn(s.content), "\n") + s.result.sentJSON.Text + s.result.receivedJSON.Text
	for _, secret := range []string{canaryWorkerSecret, canaryPassword} {
		if strings.Contains(all, secret) {
			t.Fatalf("the screen shows a secret (%.6s…)", secret)
		}
	}
}
