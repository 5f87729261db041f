package views

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/pkcedesk/pkcedesk/app"
)

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
	waitTask(t, s.Select(broken.Application), "self-check")
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
