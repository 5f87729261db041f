package views

import (
	"context"
	"image"
	"runtime/debug"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"

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
	Flow         *FlowScreen
	Lab          *LabScreen
	History      *HistoryScreen

	accessCheck *Task // the running access-token verification, for tests
}

// NewDeskWindow builds the main window on top of the app state: the header follows the
// active profile, the timeline follows the desk's transcript, the Tokens screen verifies
// signatures through the desk (which knows the issuer's JWKS), and the screens move the
// user along through the Shell: a created app can be signed in to, a sign-in opens its
// tokens. Background results reach the window through fyne.Do (NewUI).
func NewDeskWindow(a fyne.App, w fyne.Window, desk *app.Desk, version string) *DeskWindow {
	return newDeskWindow(a, w, desk, version, NewUI(), TokensOptions{})
}

// ShowDeskWindow is NewDeskWindow for main.go, where the window should appear at once:
// it sizes w and leaves it empty, to be shown (w.ShowAndRun), and builds the desk window
// in it right after the first frame is drawn. Building the screens measures their text,
// which takes longer than opening the window itself; an empty frame first tells the user
// the app has started. ready (optional) receives the desk window, on the Fyne goroutine.
// Call it on the main goroutine, before w is shown.
func ShowDeskWindow(a fyne.App, w fyne.Window, desk *app.Desk, version string, ready func(*DeskWindow)) {
	showDeskWindow(a, w, desk, version, NewUI(), ready)
}

// showDeskWindow is ShowDeskWindow on the given UI (a queued one in tests).
func showDeskWindow(a fyne.App, w fyne.Window, desk *app.Desk, version string, ui *UI, ready func(*DeskWindow)) {
	fitToScreen(a, w)
	w.SetContent(afterFirstFrame(ui, func() {
		dw := buildDeskWindow(a, w, desk, version, ui, TokensOptions{}, false)
		// Measuring and drawing the first screen's text leaves tens of MB of garbage
		// (Fyne shapes every string with a fresh HarfBuzz font), whose pages Go keeps for
		// reuse up to twice the live heap: hand them back once that screen is drawn. A
		// forced collection takes a moment, hence its own goroutine.
		w.SetContent(container.NewStack(afterFirstFrame(ui, func() { go debug.FreeOSMemory() }), w.Content()))
		if ready != nil {
			ready(dw)
		}
	}))
}

// afterFirstFrame is an empty object that runs then once, on the Fyne goroutine, after
// the frame it is first drawn in. Fyne has no "frame drawn" event, but it draws a raster
// by calling its generator, which is where the frame being drawn is noticed; then is
// queued from there, behind the frame (ui.Do from another goroutine does not wait).
func afterFirstFrame(ui *UI, then func()) fyne.CanvasObject {
	var once sync.Once
	blank := image.NewNRGBA(image.Rect(0, 0, 1, 1)) // transparent: the theme's background shows
	return canvas.NewRaster(func(int, int) image.Image {
		once.Do(func() { go ui.Do(then) })
		return blank
	})
}

// newDeskWindow is NewDeskWindow on the given UI (a queued one in tests).
func newDeskWindow(a fyne.App, w fyne.Window, desk *app.Desk, version string, ui *UI, tokens TokensOptions) *DeskWindow {
	return buildDeskWindow(a, w, desk, version, ui, tokens, true)
}

// buildDeskWindow builds the desk window in w; every screen hands its background results
// to ui. fit sizes w after the screen, which ShowDeskWindow did before showing it.
func buildDeskWindow(a fyne.App, w fyne.Window, desk *app.Desk, version string, ui *UI, tokens TokensOptions, fit bool) *DeskWindow {
	sh := &Shell{App: a, Win: w, Progress: NewProgress(), UI: ui, OpenURL: desk.OpenBrowser}
	dw := &DeskWindow{Shell: sh}
	dw.Connections = NewConnectionsScreen(desk, sh)
	dw.Applications = NewApplicationsScreen(desk, sh)
	dw.SignIn = NewSignInScreen(desk, sh)
	dw.Flow = NewFlowScreen(desk, sh)
	dw.Lab = NewLabScreen(desk, sh)
	dw.History = NewHistoryScreen(desk, sh)
	conns, apps, signIn, flow, labScreen := dw.Connections.Screen(), dw.Applications.Screen(), dw.SignIn.Screen(), dw.Flow.Screen(), dw.Lab.Screen()
	history := dw.History.Screen()
	tokens.Verify = desk.VerifyToken
	dw.Window = newWindow(a, w, fit, Options{
		Version:      version,
		Connection:   ConnectionFromProfile(desk.ActiveProfile()),
		Transcript:   desk.Transcript(),
		Tokens:       tokens,
		Progress:     sh.Progress,
		UI:           ui,
		Connections:  &conns,
		Applications: &apps,
		SignIn:       &signIn,
		Flow:         &flow,
		Lab:          &labScreen,
		History:      &history,
		File:         dw.History.FileActions(),
	})
	// A sign-out or a connection change takes the session's tokens off the Tokens screen
	// (its Close stops following).
	dw.Tokens.FollowSession(desk)

	sh.ConnectionChanged = func() {
		dw.SetConnection(ConnectionFromProfile(desk.ActiveProfile()))
		dw.Applications.ConnectionChanged()
		dw.SignIn.ConnectionChanged()
		dw.Lab.ConnectionChanged()
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

	// The demo's tokens go to the Tokens screen while the Flow screen stays in view; a
	// request held by step-through brings the Flow screen forward, where Next is.
	dw.Flow.OnDemoSignedIn = func(s *app.Session) {
		dw.Tokens.Show(TokenSetFromSession(s))
		dw.verifyAccessToken(desk, s)
	}
	dw.Flow.OnHeld = func() {
		if dw.Current() != ScreenFlow {
			dw.Show(ScreenFlow)
		}
		dw.Flow.focusNext()
	}

	closeWindow := dw.Window.Close
	w.SetOnClosed(func() {
		dw.SignIn.Close()
		dw.Flow.Close()
		dw.Lab.Close()
		dw.History.Close()
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
	dw.accessCheck = Run(context.Background(), dw.UI, dw.Progress,
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
		Scopes:       s.Scopes,
	}
}
