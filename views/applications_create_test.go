package views

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/pkcedesk/pkcedesk/app"
	"github.com/pkcedesk/pkcedesk/pingone"
)

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
	waitFor(t, e.Win.UI, reached, "the create request")
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

// The JSON shown is the create's own, even when another create is recorded after it and
// before the screen's create returns (the screen used to show the transcript's last POST
// to …/applications, which was that other one).
func TestApplicationsCreateShowsItsOwnJSON(t *testing.T) {
	e := newDeskEnv(t)
	s := openApplications(t, e)
	s.form.name.SetText("Mine-App")
	others := make(chan error, 1)
	unsubscribe := e.Desk.Transcript().Subscribe(func(ex pingone.Exchange) {
		if ex.Step != pingone.StepCreateApplication || !strings.Contains(ex.RequestBody, "Mine-App") {
			return
		}
		// On the create's own goroutine, before its reply reaches the screen's task.
		r := e.Desk.NewApplicationRequest()
		r.Name = "Theirs-App"
		_, err := e.Desk.CreateApplication(context.Background(), r, nil)
		others <- err
	})
	defer unsubscribe()
	waitTask(t, s.Create(), "create")
	if err := waitFor(t, e.Win.UI, others, "the other create"); err != nil {
		t.Fatalf("the other create failed: %v", err)
	}
	created := s.Created()
	if created == nil || created.Name != "Mine-App" {
		t.Fatalf("created %+v; form says %q", created, s.form.problem.text.Text)
	}
	var last pingone.Exchange
	for _, ex := range e.Desk.Transcript().Entries() {
		if ex.Step == pingone.StepCreateApplication {
			last = ex
		}
	}
	if !strings.Contains(last.RequestBody, "Theirs-App") {
		t.Fatal("the other create was not recorded after this one")
	}
	sent, received := s.result.sentJSON.Text, s.result.receivedJSON.Text
	if !strings.Contains(sent, `"Mine-App"`) || strings.Contains(sent, "Theirs-App") {
		t.Errorf("sent JSON is not this create's:\n%s", sent)
	}
	if !strings.Contains(received, created.ID) || strings.Contains(received, "Theirs-App") {
		t.Errorf("received JSON is not this create's reply:\n%s", received)
	}
}
