package views

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

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
