package views

import (
	"context"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app"
	"github.com/pkcedesk/pkcedesk/pingone"
)

// signInScopes ticks the Sign in screen's scope boxes after what the picked application
// was granted (app.SignInScopes.Defaults): a sign-in then asks for what the application
// may have, offline_access included when it can get refresh tokens, and nothing PingOne
// would refuse. The user's own ticks win until another application is picked.
//
// Every method runs on the UI goroutine.
type signInScopes struct {
	note *widget.Label // what the ticks are based on, below the boxes

	known   map[string]*app.SignInScopes // by client ID, read with the list
	applied string                       // the client ID whose grants the boxes show
	pending string                       // the client ID being looked up
	task    *Task                        // that lookup, for tests
}

// scopesPrefetchLimit bounds the applications whose grants come with the list (one
// request each): with more, only the picked one's do, and a pick looks its app up.
const scopesPrefetchLimit = 8

// scopesToRead are the listed applications whose grants the list load reads: all of a
// short list, else the one picked (wanted), if listed.
func scopesToRead(apps []pingone.Application, wanted string) []pingone.Application {
	if len(apps) <= scopesPrefetchLimit {
		return apps
	}
	for _, a := range apps {
		if appClientID(a) == wanted {
			return []pingone.Application{a}
		}
	}
	return nil
}

// learnScopes keeps the grants read with a list, by client ID.
func (p *signInScopes) learnScopes(apps []pingone.Application, byID map[string]*app.SignInScopes) {
	p.known = map[string]*app.SignInScopes{}
	for _, a := range apps {
		if sc := byID[a.ID]; sc != nil {
			p.known[appClientID(a)] = sc
		}
	}
}

// scopesPanel is the screen's scopes panel, made on first use (UI goroutine).
func (s *SignInScreen) scopesPanel() *signInScopes {
	if s.scopePanel == nil {
		p := &signInScopes{note: widget.NewLabel(""), known: map[string]*app.SignInScopes{}}
		p.note.Importance = widget.LowImportance
		p.note.Wrapping = fyne.TextWrapWord
		p.note.Hide()
		s.scopePanel = p
	}
	return s.scopePanel
}

// scopesObject lays the boxes out two by two, so the row fits the form's narrowest width
// instead of running off its edge, with prompt=login and the note under them.
func (s *SignInScreen) scopesObject() fyne.CanvasObject {
	help := widget.NewLabel("prompt=login shows the sign-on page even while PingOne has a live session.")
	help.Importance = widget.LowImportance
	help.Wrapping = fyne.TextWrapWord
	return container.NewVBox(
		container.NewGridWithColumns(2, s.scopeOpenID, s.scopeProfile, s.scopeEmail, s.scopeOffline),
		s.scopesPanel().note,
		s.promptLogin,
		help,
	)
}

// applyScopes ticks the boxes after sc, the grants of the application clientID.
func (s *SignInScreen) applyScopes(clientID string, sc *app.SignInScopes) {
	p := s.scopesPanel()
	p.applied = clientID
	want := sc.Defaults()
	for _, c := range []*widget.Check{s.scopeProfile, s.scopeEmail, s.scopeOffline} {
		c.SetChecked(slices.Contains(want, c.Text))
	}
	switch {
	case !sc.Refresh:
		setShown(p.note, "Ticked as granted to this application. It has no REFRESH_TOKEN grant type, so PingOne issues no refresh token.")
	case !slices.Contains(sc.Granted, "offline_access"):
		setShown(p.note, "Ticked as granted to this application. offline_access is not granted; PingOne still issues a refresh token (REFRESH_TOKEN grant type).")
	default:
		setShown(p.note, "Ticked as granted to this application, offline_access included so PingOne issues a refresh token.")
	}
}

// appPicked is called when the picker chose clientID. Grants read with the list tick the
// boxes at once; an application the list did not cover is looked up. Until the list was
// loaded (the screen was never shown) there is nothing to do: loading it reads them.
func (s *SignInScreen) appPicked(clientID string) {
	p := s.scopesPanel()
	if clientID == "" || clientID == p.applied {
		return
	}
	if sc := p.known[clientID]; sc != nil {
		s.applyScopes(clientID, sc)
		return
	}
	if clientID == p.pending || s.appsTask == nil {
		return
	}
	select {
	case <-s.appsTask.Done():
	default:
		return // the list being loaded reads the pick's grants too
	}
	if p.task != nil {
		p.task.Cancel()
	}
	p.pending = clientID
	p.task = Run(context.Background(), s.sh.ui(), s.sh.progress(),
		func(ctx context.Context) (*app.SignInScopes, error) { return s.desk.SignInScopes(ctx, clientID) },
		func(sc *app.SignInScopes, err error) {
			p.pending = ""
			if err != nil {
				return // the boxes keep their ticks; a refused scope is the sign-in's to explain
			}
			p.known[clientID] = sc
			if s.pickedClientID() == clientID {
				s.applyScopes(clientID, sc)
			}
		})
}

// pickedClientID is the client ID the form would sign in to.
func (s *SignInScreen) pickedClientID() string {
	return strings.TrimSpace(s.clientID.Text)
}
