package views

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app"
	"github.com/pkcedesk/pkcedesk/pingone"
)

func (s *SignInScreen) appIndex(clientID string) int {
	for i, a := range s.apps {
		if appClientID(a) == clientID {
			return i
		}
	}
	return -1
}

func (s *SignInScreen) appOptions() []string {
	out := make([]string, len(s.apps))
	for i, a := range s.apps {
		out[i] = fmt.Sprintf("%s (%s)", a.Name, shortID(appClientID(a)))
	}
	return out
}

// shortID is enough of a UUID to tell apps with similar names apart.
func shortID(id string) string {
	if len(id) > 8 {
		return id[:8] + "…"
	}
	return id
}

// loadApps fills the picker from the target environment, keeping the current pick.
func (s *SignInScreen) loadApps() {
	if s.appsTask != nil {
		select {
		case <-s.appsTask.Done():
		default:
			return // already loading
		}
	}
	setShown(s.appsNote, "Loading the applications…")
	// The applications' grants come with the list, so a pick ticks its scopes at once, and
	// the picked one's are ticked by the time the list is shown.
	wanted := s.pickedClientID()
	type listed struct {
		apps   []pingone.Application
		scopes map[string]*app.SignInScopes
	}
	s.appsTask = Run(context.Background(), s.sh.ui(), s.sh.progress(),
		func(ctx context.Context) (listed, error) {
			apps, err := s.desk.ListApplications(ctx, "")
			if err != nil {
				return listed{}, err
			}
			// Without the grants the boxes keep their ticks, and a pick looks its app up.
			scopes, _ := s.desk.SignInScopesOf(ctx, scopesToRead(apps, wanted))
			return listed{apps: apps, scopes: scopes}, nil
		},
		func(l listed, err error) {
			apps := l.apps
			if err != nil {
				p := app.Explain(err)
				setShown(s.appsNote, "Could not list the applications: "+p.Title+" You can still type a client ID.")
				return
			}
			panel := s.scopesPanel()
			panel.learnScopes(apps, l.scopes)
			picked := strings.TrimSpace(s.clientID.Text)
			if sc := panel.known[picked]; sc != nil && picked != panel.applied {
				s.applyScopes(picked, sc)
			}
			// Keep an app picked through UseApp that the list does not show (yet).
			if picked != "" && !containsApp(apps, picked) && s.appIndex(picked) >= 0 {
				apps = append([]pingone.Application{s.apps[s.appIndex(picked)]}, apps...)
			}
			s.apps = apps
			s.appSelect.SetOptions(s.appOptions())
			if i := s.appIndex(picked); i >= 0 {
				s.appSelect.SetSelectedIndex(i)
			} else {
				s.appSelect.ClearSelected()
			}
			if len(apps) == 0 {
				setShown(s.appsNote, "No applications yet — create one on the Applications screen.")
			} else {
				setShown(s.appsNote, "")
			}
		})
}

// appClientID is the client_id of an app; for OIDC apps it equals the app ID.
func appClientID(a pingone.Application) string {
	if a.ClientID != "" {
		return a.ClientID
	}
	return a.ID
}

func containsApp(apps []pingone.Application, clientID string) bool {
	for _, a := range apps {
		if appClientID(a) == clientID {
			return true
		}
	}
	return false
}

func (s *SignInScreen) selectedMode() app.SignInMode {
	if s.mode.Selected == modeInAppLabel {
		return app.SignInInApp
	}
	return app.SignInBrowser
}

func (s *SignInScreen) setMode(m app.SignInMode) {
	want := modeBrowserLabel
	if m == app.SignInInApp {
		want = modeInAppLabel
	}
	if s.mode.Selected != want {
		s.mode.SetSelected(want) // calls modeChanged
	}
}

func (s *SignInScreen) modeChanged() {
	if s.credsBox == nil {
		return // still building
	}
	if s.selectedMode() == app.SignInInApp {
		s.credsBox.Show()
		s.modeHelp.Hide()
	} else {
		s.credsBox.Hide()
		s.modeHelp.Show()
	}
}

// prefillCredentials puts the sandbox's demo user in the form; any other connection
// starts empty, so a password typed for one environment is never sent to another. The
// demo user is read in the background: reading it may start the sandbox, whose signing
// key takes a moment to generate. What the user typed meanwhile is kept.
func (s *SignInScreen) prefillCredentials() {
	if s.credsTask != nil {
		s.credsTask.Cancel() // about the previous connection
		s.credsTask = nil
	}
	s.demo = nil
	s.followPresenterForm()
	s.username.SetText("")
	s.password.SetText("")
	setShown(s.credsMsg, "")
	s.credsNote.SetText("The app sends the username and password to PingOne itself (pi.flow): good for testing sign-on policies; the browser is the safer way.")
	if !s.desk.ActiveProfile().IsSandbox() {
		return
	}
	s.credsTask = Run(context.Background(), s.sh.ui(), nil,
		func(context.Context) (app.DemoCredentials, error) { return s.desk.SandboxDemoUser() },
		func(demo app.DemoCredentials, err error) {
			if err != nil {
				return
			}
			s.demo = &demo
			if s.username.Text != "" || s.password.Text != "" {
				return
			}
			s.username.SetText(demo.Username)
			s.password.SetText(demo.Password)
			s.credsNote.SetText(msgSandboxUser + " " + s.credsNote.Text)
		})
}

// clearPassword empties the password field. On the sandbox its demo user's password
// comes back: it is a published fixture (the Connections screen shows it), not a secret.
func (s *SignInScreen) clearPassword() {
	s.password.SetText("")
	if s.demo != nil && s.username.Text == s.demo.Username {
		s.password.SetText(s.demo.Password)
	}
}

func (s *SignInScreen) scopes() []string {
	out := []string{"openid"}
	for _, c := range []*widget.Check{s.scopeProfile, s.scopeEmail, s.scopeOffline} {
		if c.Checked {
			out = append(out, c.Text)
		}
	}
	return out
}

// formsFollowingPresenter are the Sign in screens whose username field follows presenter
// view already.
var formsFollowingPresenter sync.Map // *SignInScreen → struct{}

// followPresenterForm draws the username field as dots in presenter view, as the
// password field always is (the sandbox fills in its demo user's username); what is
// typed is sent as it is.
func (s *SignInScreen) followPresenterForm() {
	p := s.sh.presenter()
	set := func(on bool) {
		if s.username.Password != on {
			s.username.Password = on
			s.username.Refresh()
		}
	}
	set(p.On())
	if _, done := formsFollowingPresenter.LoadOrStore(s, struct{}{}); !done {
		p.Subscribe(set)
	}
}
