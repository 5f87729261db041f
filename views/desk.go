package views

import (
	"context"

	"fyne.io/fyne/v2"

	"github.com/pkcedesk/pkcedesk/pingone/token"

	"github.com/pkcedesk/pkcedesk/app"
)

// DeskWindow is the main window wired to the app state, with its screens reachable for
// tests and for main.go.
type DeskWindow struct {
	*Window
	Shell        *Shell
	Connections  *ConnectionsScreen
	Applications *ApplicationsScreen
	SignIn       *SignInScreen

	accessCheck *Task // the running access-token verification, for tests
}

// NewDeskWindow builds the main window on top of the app state: the header follows the
// active profile, the timeline follows the desk's transcript, the Tokens screen verifies
// signatures through the desk (which knows the issuer's JWKS), and the screens move the
// user along through the Shell: a created app can be signed in to, a sign-in opens its
// tokens.
func NewDeskWindow(a fyne.App, w fyne.Window, desk *app.Desk, version string) *DeskWindow {
	return newDeskWindow(a, w, desk, version, TokensOptions{})
}

func newDeskWindow(a fyne.App, w fyne.Window, desk *app.Desk, version string, tokens TokensOptions) *DeskWindow {
	sh := &Shell{App: a, Win: w, Progress: NewProgress(), OpenURL: desk.OpenBrowser}
	dw := &DeskWindow{Shell: sh}
	dw.Connections = NewConnectionsScreen(desk, sh)
	dw.Applications = NewApplicationsScreen(desk, sh)
	dw.SignIn = NewSignInScreen(desk, sh)
	conns, apps, signIn := dw.Connections.Screen(), dw.Applications.Screen(), dw.SignIn.Screen()
	tokens.Verify = desk.VerifyToken
	dw.Window = NewWindow(a, w, Options{
		Version:      version,
		Connection:   ConnectionFromProfile(desk.ActiveProfile()),
		Transcript:   desk.Transcript(),
		Tokens:       tokens,
		Progress:     sh.Progress,
		Connections:  &conns,
		Applications: &apps,
		SignIn:       &signIn,
	})
	// A sign-out or a connection change takes the session's tokens off the Tokens screen
	// (its Close stops following).
	dw.Tokens.FollowSession(desk)

	sh.ConnectionChanged = func() {
		dw.SetConnection(ConnectionFromProfile(desk.ActiveProfile()))
		dw.Applications.ConnectionChanged()
		dw.SignIn.ConnectionChanged()
		// The session and transcript belong to the previous connection (app.Desk.SetActive).
		dw.Tokens.Show(TokenSetFromSession(desk.CurrentSession()))
		dw.Timeline.Clear()
		for _, ex := range desk.Transcript().Entries() {
			dw.Timeline.Append(ex)
		}
	}
	sh.SignInWith = func(clientID, name string) {
		dw.SignIn.UseApp(clientID, name)
		dw.Show(ScreenSignIn)
	}
	sh.PickApp = dw.SignIn.UseApp
	sh.ShowSession = func(s *app.Session) {
		dw.ShowTokens(TokenSetFromSession(s))
		dw.verifyAccessToken(desk, s)
	}

	closeWindow := dw.Window.Close
	w.SetOnClosed(func() {
		dw.SignIn.Close()
		closeWindow()
	})
	return dw
}

// verifyAccessToken checks the session's access token against the issuer's keys in the
// background, so the Tokens screen has a checklist for it too. PingOne's access tokens are
// JWTs signed with the environment's key; an opaque token simply gets no report.
func (dw *DeskWindow) verifyAccessToken(desk *app.Desk, s *app.Session) {
	if s == nil || s.Tokens.AccessToken == "" {
		return
	}
	raw := s.Tokens.AccessToken
	dw.accessCheck = Run(context.Background(), dw.Progress,
		func(ctx context.Context) (*token.Report, error) { return desk.VerifyTokenFor(ctx, raw, s.ClientID) },
		func(r *token.Report, _ error) { dw.Tokens.SetAccessReport(raw, r) })
}

// ConnectionFromProfile is what the header shows for a profile.
func ConnectionFromProfile(p app.Profile) ConnectionInfo {
	info := ConnectionInfo{Name: p.Name, Region: string(p.Region), EnvironmentID: p.TargetEnvironmentID}
	switch {
	case p.Region == "" && p.AuthBaseURL != "":
		info.Region = "other host"
	case p.CustomDomain != "":
		info.Region += " · " + p.CustomDomain
	}
	switch p.Tag {
	case app.TagSandbox:
		info.Stage = StageSandbox
	case app.TagTest:
		info.Stage = StageTest
	case app.TagProduction:
		info.Stage = StageProduction
	}
	return info
}

// TokenSetFromSession is what the Tokens screen shows for a signed-in session.
func TokenSetFromSession(s *app.Session) TokenSet {
	if s == nil {
		return TokenSet{}
	}
	return TokenSet{
		IDToken:      s.Tokens.IDToken,
		AccessToken:  s.Tokens.AccessToken,
		RefreshToken: s.Tokens.RefreshToken,
		IDReport:     s.IDToken,
		Flow:         s.Mode.String() + " sign-in",
		ReceivedAt:   s.SignedInAt,
	}
}
