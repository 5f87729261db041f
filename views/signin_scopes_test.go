package views

import (
	"context"
	"strings"
	"testing"

	"github.com/pkcedesk/pkcedesk/app"
	"github.com/pkcedesk/pkcedesk/pingone"
)

// createApp creates an application with these grant types and granted scopes.
func createApp(t *testing.T, d *app.Desk, name string, grantTypes []string, scopes ...string) *pingone.Application {
	t.Helper()
	r := d.NewApplicationRequest()
	r.Name, r.GrantTypes = name, grantTypes
	a, err := d.CreateApplication(context.Background(), r, scopes)
	if err != nil {
		t.Fatal(err)
	}
	return a.Application
}

func checked(s *SignInScreen) string {
	var on []string
	for _, c := range []struct {
		name string
		on   bool
	}{{"profile", s.scopeProfile.Checked}, {"email", s.scopeEmail.Checked}, {"offline_access", s.scopeOffline.Checked}} {
		if c.on {
			on = append(on, c.name)
		}
	}
	return strings.Join(on, " ")
}

// The seed app given REFRESH_TOKEN and offline_access: Sign in ticks offline_access, so
// the sign-in gets a refresh token and the Tokens screen shows it.
func TestSignInTicksTheGrantedScopes(t *testing.T) {
	e := newDeskEnv(t)
	s := e.Win.SignIn
	a := createApp(t, e.Desk, "Refreshable", []string{"AUTHORIZATION_CODE", "REFRESH_TOKEN"}, "profile", "email", "offline_access")
	s.UseApp(a.ID, a.Name)
	e.Win.Show(ScreenSignIn)
	waitTask(t, s.appsTask, "the application list")
	if got := checked(s); got != "profile email offline_access" {
		t.Fatalf("ticked %q, want the granted profile email offline_access", got)
	}
	if note := s.scopesPanel().note; !note.Visible() || !strings.Contains(note.Text, "refresh token") {
		t.Fatalf("the note says %q", note.Text)
	}
	waitSignedIn(t, e, s.Start(app.SignInInApp), "the in-app sign-in")
	sess := e.Desk.CurrentSession()
	if sess == nil || sess.Tokens.RefreshToken == "" {
		t.Fatal("the sign-in got no refresh token")
	}
	e.Win.Tokens.SelectSource(SourceRefreshToken)
	if hasLabelContaining(e.Win.Tokens.Object, "Add the Refresh Token grant type") {
		t.Fatal("the Tokens screen asks for the Refresh Token grant type the app has")
	}
}

// Picking another app ticks its grants: no offline_access without REFRESH_TOKEN, no
// scope PingOne would refuse. The user's own ticks then stay until the next pick.
func TestSignInPickTicksThatAppsScopes(t *testing.T) {
	e := newDeskEnv(t)
	s := e.Win.SignIn
	full := createApp(t, e.Desk, "A full", []string{"AUTHORIZATION_CODE", "REFRESH_TOKEN"}, "profile", "email", "offline_access")
	bare := createApp(t, e.Desk, "B bare", []string{"AUTHORIZATION_CODE"}, "profile", "offline_access")
	e.Win.Show(ScreenSignIn)
	waitTask(t, s.appsTask, "the application list")
	pick := func(a *pingone.Application) {
		t.Helper()
		s.appSelect.SetSelectedIndex(s.appIndex(a.ID)) // the list brought its grants: no request
		if s.scopesPanel().task != nil {
			t.Fatalf("picking %s looked its grants up again", a.Name)
		}
	}
	pick(bare)
	if got := checked(s); got != "profile" {
		t.Fatalf("ticked %q for an app with profile and offline_access granted but no REFRESH_TOKEN, want profile", got)
	}
	if note := s.scopesPanel().note.Text; !strings.Contains(note, "no REFRESH_TOKEN") {
		t.Fatalf("the note says %q", note)
	}
	pick(full)
	if got := checked(s); got != "profile email offline_access" {
		t.Fatalf("ticked %q, want profile email offline_access", got)
	}
	s.scopeEmail.SetChecked(false)
	s.loadApps()
	waitTask(t, s.appsTask, "the list again")
	if got := checked(s); got != "profile offline_access" {
		t.Fatalf("reloading the list changed the user's ticks to %q", got)
	}
}

// An application the list did not cover (created since, or beyond the apps whose grants
// come with the list) is looked up when picked.
func TestSignInPickLooksUpAnUnlistedApp(t *testing.T) {
	e := newDeskEnv(t)
	s := e.Win.SignIn
	e.Win.Show(ScreenSignIn)
	waitTask(t, s.appsTask, "the application list")
	a := createApp(t, e.Desk, "Created since", []string{"AUTHORIZATION_CODE", "REFRESH_TOKEN"}, "email", "offline_access")
	// The pick's own handler runs after the picker's refresh, as in the window's event
	// loop; the test driver would otherwise lay the picker out while the lookup runs.
	changed := s.appSelect.OnChanged
	s.appSelect.OnChanged = nil
	s.UseApp(a.ID, a.Name)
	s.appSelect.OnChanged = changed
	changed(s.appSelect.Selected)
	waitTask(t, s.scopesPanel().task, "the lookup of the new app's grants")
	if got := checked(s); got != "email offline_access" {
		t.Fatalf("ticked %q, want email offline_access", got)
	}
}
