package views

import (
	"fyne.io/fyne/v2"

	"github.com/pkcedesk/pkcedesk/app"
)

// NewDeskWindow builds the main window on top of the app state: the header follows the
// active profile, the timeline follows the desk's transcript and the Tokens screen
// verifies signatures through the desk (which knows the issuer's JWKS).
func NewDeskWindow(a fyne.App, w fyne.Window, desk *app.Desk, version string) *Window {
	win := NewWindow(a, w, Options{
		Version:    version,
		Connection: ConnectionFromProfile(desk.ActiveProfile()),
		Transcript: desk.Transcript(),
		Tokens:     TokensOptions{Verify: desk.VerifyToken},
	})
	return win
}

// ConnectionFromProfile is what the header shows for a profile.
func ConnectionFromProfile(p app.Profile) ConnectionInfo {
	info := ConnectionInfo{Name: p.Name, Region: string(p.Region), EnvironmentID: p.TargetEnvironmentID}
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
		Flow:         s.Mode.String(),
		ReceivedAt:   s.SignedInAt,
	}
}
