package views

import (
	"context"
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/pkcedesk/pkcedesk/app/snippets"
	"github.com/pkcedesk/pkcedesk/pingone"
)

// requireBound fails with what to do when the screen never gave the panels a source.
func requireBound(t *testing.T, s *ApplicationsScreen) {
	t.Helper()
	if s.result.snippets.source == nil || s.details.snippets.source == nil {
		t.Fatal("the snippet panels have no source: NewApplicationsScreen must call s.bindSnippets() once s.result and s.details exist")
	}
}

func TestSnippetsForTheCreatedApp(t *testing.T) {
	e := newDeskEnv(t)
	s := openApplications(t, e)
	requireBound(t, s)
	waitTask(t, s.Create(), "create")
	created := s.Created()
	if created == nil {
		t.Fatalf("nothing created; form says %q", s.form.problem.text.Text)
	}
	p := s.result.snippets
	if p.accordion.Items[0].Open {
		t.Error("the code starts open; it belongs collapsed below the result")
	}
	collapsed := s.result.object.MinSize().Width
	waitTask(t, p.task, "the snippets of the created app")
	if p.problem.object.Visible() {
		t.Fatalf("snippets failed: %s", p.problem.text.Text)
	}
	if p.language.Selected != "Go" {
		t.Fatalf("language = %q, want Go first", p.language.Selected)
	}
	code := p.code.Text
	for _, want := range []string{created.ClientID, e.Sandbox.Issuer(), e.Redirect, `"openid", "profile", "email"`, "oauth2.S256ChallengeOption"} {
		if !strings.Contains(code, want) {
			t.Errorf("the Go code lacks %s:\n%s", want, code)
		}
	}
	if !strings.Contains(p.install.Text, "golang.org/x/oauth2") {
		t.Errorf("install line = %q", p.install.Text)
	}

	p.accordion.Open(0)
	if w := s.result.object.MinSize().Width; w > 500 && w > collapsed {
		t.Errorf("the open code widens the result pane to %.0f (collapsed %.0f): it must scroll instead", w, collapsed)
	}
	test.Tap(p.copyCode)
	if got := e.App.Clipboard().Content(); got != code {
		t.Errorf("clipboard holds %d characters, not the Go code", len(got))
	}

	// Another language keeps the app's values and copies its own code.
	p.language.SetSelected("cURL (token request)")
	if !strings.Contains(p.code.Text, "client_id="+created.ClientID) || strings.Contains(p.code.Text, "package main") {
		t.Fatalf("cURL code:\n%s", p.code.Text)
	}
	test.Tap(p.copyCode)
	if got := e.App.Clipboard().Content(); got != p.code.Text {
		t.Error("Copy did not copy the cURL request")
	}

	// The same code is offered for the application picked in the list.
	waitTask(t, s.Select(created), "the self-check")
	d := s.details.snippets
	waitTask(t, d.task, "the snippets of the selected app")
	if !strings.Contains(d.code.Text, created.ClientID) {
		t.Fatalf("the selected app's code lacks its client ID:\n%s", d.code.Text)
	}
	first := d.task
	s.details.show(s.details.selected) // as setBusy does: no new load
	if d.task != first {
		t.Error("showing the same application again loaded its snippets again")
	}

	s.ConnectionChanged()
	if d.body.Visible() || s.result.snippets.body.Visible() {
		t.Error("the previous connection's code is still shown")
	}
}

func TestSnippetsExplainAFailedLoad(t *testing.T) {
	ui := newQueuedUI()
	var copied []string
	p := newAppsSnippets(func(s string) { copied = append(copied, s) })
	p.bind(func(context.Context, *pingone.Application) (snippets.Input, error) {
		return snippets.Input{}, errors.New("the environment could not be reached")
	}, func() *UI { return ui })
	p.show(&pingone.Application{ID: "a1", ClientID: "a1", Name: "One"})
	waitTask(t, p.task, "the failing load")
	if !p.problem.object.Visible() || p.body.Visible() {
		t.Fatal("a failed load shows no problem, or shows code")
	}
	test.Tap(p.copyCode)
	if len(copied) != 0 {
		t.Errorf("Copy copied %q with nothing loaded", copied)
	}
}

// A load for an application no longer shown never lands.
func TestSnippetsDropAStaleLoad(t *testing.T) {
	ui := newQueuedUI()
	p := newAppsSnippets(func(string) {})
	release := make(chan struct{})
	p.bind(func(ctx context.Context, a *pingone.Application) (snippets.Input, error) {
		if a.ID == "old" {
			<-release
		}
		return snippets.Input{ClientID: a.ClientID, Issuer: testIssuer, RedirectURI: "http://localhost:3000/callback"}, nil
	}, func() *UI { return ui })
	p.show(&pingone.Application{ID: "old", ClientID: "old-client", Name: "Old"})
	stale := p.task
	p.show(&pingone.Application{ID: "new", ClientID: "new-client", Name: "New"})
	waitTask(t, p.task, "the new load")
	close(release)
	waitTask(t, stale, "the stale load")
	if !strings.Contains(p.code.Text, `"new-client"`) || strings.Contains(p.code.Text, "old-client") {
		t.Fatalf("code after a stale load:\n%s", p.code.Text)
	}
}
