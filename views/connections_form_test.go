package views

import (
	"context"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app"
)

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
